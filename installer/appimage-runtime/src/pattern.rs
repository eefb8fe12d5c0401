//! `--appimage-extract PATTERN`: which paths to extract, matched as the reference runtime does
//! (`fnmatch(pattern, path, FNM_PATHNAME | FNM_LEADING_DIR)`): `*`, `?` and `[...]` stop at `/`,
//! and a pattern naming a folder takes everything below it (`usr` takes `usr/bin/efaktur`).

/// Whether the relative `path` (`usr/bin/efaktur`) matches `pattern`.
pub fn matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let path: Vec<char> = path.chars().collect();
    match_from(&pattern, &path)
}

fn match_from(p: &[char], s: &[char]) -> bool {
    let Some((&first, rest)) = p.split_first() else {
        // FNM_LEADING_DIR: the rest of the path is below a matched folder.
        return s.is_empty() || s[0] == '/';
    };
    match first {
        '*' => {
            // '*' takes any run of characters up to the next '/' (none too); "**" is "*", and
            // taking them as one keeps a pattern of many stars from trying every split.
            let rest = &rest[rest.iter().take_while(|&&c| c == '*').count()..];
            let run = s.iter().take_while(|&&c| c != '/').count();
            (0..=run).any(|n| match_from(rest, &s[n..]))
        }
        '?' => s.first().is_some_and(|&c| c != '/') && match_from(rest, &s[1..]),
        '[' => match (s.first(), bracket(rest)) {
            (Some(&c), Some((set, after))) if c != '/' => {
                set_contains(set, c) && match_from(after, &s[1..])
            }
            // An unclosed '[' is an ordinary character.
            (Some(&'['), None) => match_from(rest, &s[1..]),
            _ => false,
        },
        '\\' if !rest.is_empty() => s.first() == Some(&rest[0]) && match_from(&rest[1..], &s[1..]),
        c => s.first() == Some(&c) && match_from(rest, &s[1..]),
    }
}

/// The set of a bracket expression (`p` starts after its '[') and the pattern after its ']'.
fn bracket(p: &[char]) -> Option<(&[char], &[char])> {
    // A ']' first in the set (after an optional '!' or '^') is a member, not the end.
    let first = usize::from(matches!(p.first(), Some('!' | '^')));
    let close = first + 1 + p.get(first + 1..)?.iter().position(|&c| c == ']')?;
    Some((&p[..close], &p[close + 1..]))
}

fn set_contains(set: &[char], c: char) -> bool {
    let (negated, items) = match set.first() {
        Some('!' | '^') => (true, &set[1..]),
        _ => (false, set),
    };
    let mut found = false;
    let mut i = 0;
    while i < items.len() {
        if items.get(i + 1) == Some(&'-') && i + 2 < items.len() {
            found |= (items[i]..=items[i + 2]).contains(&c);
            i += 3;
        } else {
            found |= items[i] == c;
            i += 1;
        }
    }
    found != negated
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn like_fnmatch_with_pathname_and_leading_dir() {
        assert!(matches("efaktur.desktop", "efaktur.desktop"));
        assert!(matches("*.desktop", "efaktur.desktop"));
        assert!(!matches(
            "*.desktop",
            "usr/share/applications/efaktur.desktop"
        ));
        assert!(matches(
            "usr/share/*/*.desktop",
            "usr/share/applications/efaktur.desktop"
        ));
        assert!(
            matches("usr", "usr/bin/efaktur"),
            "a folder takes what is below it"
        );
        assert!(matches("usr/bin", "usr/bin"));
        assert!(!matches("usr/b", "usr/bin/efaktur"));
        assert!(matches("usr/*/efaktur", "usr/bin/efaktur"));
        assert!(matches("?ppRun", "AppRun"));
        assert!(!matches("usr?bin", "usr/bin"));
        assert!(matches("[A-Z]ppRun", "AppRun"));
        assert!(!matches("[!A]ppRun", "AppRun"));
        assert!(matches("[]x]", "]"));
        assert!(matches("a\\*", "a*"));
        assert!(!matches("a\\*", "ab"));
        assert!(matches("[", "["), "an unclosed '[' is itself");
        assert!(!matches("", "AppRun"));
        assert!(matches("*", ".DirIcon"));
        assert!(matches("**", "AppRun"));
        let stars = "*".repeat(200) + "x";
        assert!(
            !matches(&stars, &"a".repeat(200)),
            "quickly, not after every split"
        );
    }
}
