//! Text helpers for the import's hot path, where the standard `char`-wise versions cost more
//! than the work around them. Each gives exactly what its standard counterpart gives.

/// `s.trim()`, without decoding characters when both ends are printable ASCII (nearly every
/// field of a file): those bytes are never white space, and neither can they be part of a
/// multi-byte character.
pub fn trim(s: &str) -> &str {
    let printable = |b: Option<&u8>| b.is_some_and(|b| (b'!'..=b'~').contains(b));
    let bytes = s.as_bytes();
    if printable(bytes.first()) && printable(bytes.last()) {
        s
    } else {
        s.trim()
    }
}

/// `s.chars().count() > max`, counting only when the bytes alone do not settle it (a character
/// has at least one byte).
pub fn longer_than(s: &str, max: usize) -> bool {
    s.len() > max && s.chars().count() > max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_gives_what_str_trim_gives() {
        for s in [
            "",
            " ",
            "a",
            " a ",
            "\ta\r",
            "abc",
            "a b",
            "\u{a0}x\u{a0}",
            "\u{3000}ä\u{3000}",
            "ä",
            " ä",
            "x\u{2003}",
            "\u{85}y",
            "~!",
            "\u{7f}z\u{7f}",
            "é\n",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn longer_than_counts_characters_not_bytes() {
        assert!(!longer_than(&"é".repeat(255), 255));
        assert!(longer_than(&"é".repeat(256), 255));
        assert!(!longer_than(&"a".repeat(255), 255));
        assert!(longer_than(&"a".repeat(256), 255));
        assert!(!longer_than("", 0));
        assert!(longer_than("x", 0));
    }
}
