//! NPWP (15 digits), NPWP 16 / NIK, and NITKU (22 digits).

use std::fmt;

/// Which identifier an [`Npwp`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NpwpKind {
    /// The classic 15-digit NPWP, `AA.BBB.BBB.C-DDD.EEE`.
    Npwp15,
    /// The 16-digit NPWP of non-individuals: `0` followed by the old 15 digits.
    Npwp16,
    /// An individual's NIK (16 digits), which is their NPWP since PMK-112/2022.
    Nik,
    /// NITKU: a 16-digit NPWP plus a 6-digit place-of-business number.
    Nitku,
}

/// A valid taxpayer identifier; keeps digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Npwp {
    digits: String,
}

/// What is wrong with an NPWP, in words an accountant can act on (ETAX-20005 spirit).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NpwpError {
    #[error("NPWP kosong")]
    Empty,
    #[error("NPWP mengandung karakter tidak sah '{0}' (hanya angka, titik dan tanda minus)")]
    BadCharacter(char),
    #[error("NPWP harus 15 atau 16 digit (NITKU 22 digit), bukan {0} digit")]
    Length(usize),
    #[error("NPWP tidak sesuai dengan cek digit: digit ke-{position} seharusnya {expected}")]
    CheckDigit { position: usize, expected: u8 },
    #[error("NIK tidak valid: {0}")]
    Nik(&'static str),
}

impl NpwpError {
    /// The same detail in English (the `Display` above is Bahasa Indonesia).
    pub fn english(&self) -> String {
        match self {
            NpwpError::Empty => "the NPWP is empty".into(),
            NpwpError::BadCharacter(c) => format!(
                "the NPWP holds a character that is not allowed '{c}' (only digits, dots and dashes)"
            ),
            NpwpError::Length(n) => {
                format!("an NPWP has 15 or 16 digits (NITKU 22 digits), not {n}")
            }
            NpwpError::CheckDigit { position, expected } => {
                format!(
                    "the NPWP's check digit does not match: digit {position} should be {expected}"
                )
            }
            NpwpError::Nik(why) => format!("the NIK is not valid: {}", nik_reason_english(why)),
        }
    }
}

/// [`check_nik`]'s reasons in English.
fn nik_reason_english(why: &str) -> &'static str {
    match why {
        NIK_PROVINCE => "unknown province code (the first 2 digits)",
        _ => "the birth date (digits 7-12, DDMMYY) is not a real date",
    }
}

const NIK_PROVINCE: &str = "kode provinsi (2 digit pertama) tidak dikenal";

/// The "no NPWP" value used for buyers without one.
const NO_NPWP: &str = "000000000000000";

impl Npwp {
    /// Parses an NPWP written with or without DJP punctuation (`01.346.347.6-415.001`).
    pub fn parse(input: &str) -> Result<Npwp, NpwpError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(NpwpError::Empty);
        }
        let mut digits = String::with_capacity(22);
        for c in input.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '.' | '-' | ' ' => {}
                other => return Err(NpwpError::BadCharacter(other)),
            }
        }
        match digits.len() {
            15 if digits == NO_NPWP => {}
            15 => check_luhn(&digits[..9], 0)?,
            16 if digits.starts_with('0') => check_luhn(&digits[1..10], 1)?,
            16 => check_nik(&digits)?,
            22 => {
                Npwp::parse(&digits[..16])?;
            }
            n => return Err(NpwpError::Length(n)),
        }
        Ok(Npwp { digits })
    }

    /// The value DJP uses for a buyer without NPWP.
    pub fn none() -> Npwp {
        Npwp {
            digits: NO_NPWP.to_string(),
        }
    }

    pub fn is_none(&self) -> bool {
        self.digits == NO_NPWP
    }

    pub fn kind(&self) -> NpwpKind {
        match self.digits.len() {
            15 => NpwpKind::Npwp15,
            16 if self.digits.starts_with('0') => NpwpKind::Npwp16,
            16 => NpwpKind::Nik,
            _ => NpwpKind::Nitku,
        }
    }

    /// The bare digits.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// The 15-digit form where one exists (15, or a `0`-prefixed 16), as CSV files and
    /// e-Nofa usernames use it.
    pub fn npwp15(&self) -> Option<&str> {
        match self.kind() {
            NpwpKind::Npwp15 => Some(&self.digits),
            NpwpKind::Npwp16 => Some(&self.digits[1..]),
            NpwpKind::Nitku if self.digits.starts_with('0') => Some(&self.digits[1..16]),
            _ => None,
        }
    }

    /// The 16-digit form (NPWP 16 or NIK); a 15-digit NPWP gains its leading `0`.
    pub fn npwp16(&self) -> String {
        match self.kind() {
            NpwpKind::Npwp15 => format!("0{}", self.digits),
            NpwpKind::Nitku => self.digits[..16].to_string(),
            _ => self.digits.clone(),
        }
    }

    /// The NITKU of the head office (`000000` suffix) unless this already is a NITKU.
    pub fn nitku(&self) -> String {
        match self.kind() {
            NpwpKind::Nitku => self.digits.clone(),
            _ => format!("{}000000", self.npwp16()),
        }
    }
}

impl Npwp {
    /// Whether `self` may be a branch (cabang) of the head office `pusat`: the same taxpayer at
    /// another place of business, never another taxpayer's number.
    ///
    /// - NPWP 15 `AA.BBB.BBB.C-DDD.EEE`: the head office's 9-digit taxpayer part `AA.BBB.BBB.C`
    ///   and a branch code `EEE` other than `000` (the head office's) and other than the head
    ///   office's own code; the KPP part `DDD` may differ (a branch registered elsewhere).
    /// - NITKU (22 digits): the head office's 16-digit NPWP plus a place-of-business number
    ///   other than `000000` (the head office's) and other than the head office's own.
    ///
    /// A 16-digit NPWP or a NIK names a whole taxpayer, so it is never a branch.
    pub fn is_branch_of(&self, pusat: &Npwp) -> bool {
        if self.is_none() || pusat.is_none() || self == pusat {
            return false;
        }
        match self.kind() {
            NpwpKind::Npwp15 => {
                let Some(pusat15) = pusat.npwp15() else {
                    return false;
                };
                let code = &self.digits[12..];
                self.digits[..9] == pusat15[..9] && code != "000" && code != &pusat15[12..]
            }
            NpwpKind::Nitku => {
                let place = &self.digits[16..];
                let pusat_place = match pusat.kind() {
                    NpwpKind::Nitku => &pusat.digits[16..],
                    _ => "000000",
                };
                self.digits[..16] == pusat.npwp16() && place != "000000" && place != pusat_place
            }
            NpwpKind::Npwp16 | NpwpKind::Nik => false,
        }
    }
}

impl fmt::Display for Npwp {
    /// DJP style: `01.346.347.6-415.001` for 15 digits; longer forms as bare digits, as DJP prints them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.digits;
        if d.len() == 15 {
            write!(
                f,
                "{}.{}.{}.{}-{}.{}",
                &d[0..2],
                &d[2..5],
                &d[5..8],
                &d[8..9],
                &d[9..12],
                &d[12..15]
            )
        } else {
            f.write_str(d)
        }
    }
}

/// Luhn mod 10 over `payload` (its last digit is the check digit). `offset` is how many digits
/// precede it in the full number, for the error message.
fn check_luhn(payload: &str, offset: usize) -> Result<(), NpwpError> {
    let body = &payload[..payload.len() - 1];
    let expected = luhn_check_digit(body);
    let actual = payload.as_bytes()[payload.len() - 1] - b'0';
    if expected == actual {
        Ok(())
    } else {
        Err(NpwpError::CheckDigit {
            position: offset + payload.len(),
            expected,
        })
    }
}

/// The Luhn check digit that completes `body` (digits only).
pub(crate) fn luhn_check_digit(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Province codes (the first two NIK digits) in use by Dukcapil.
const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// NIK structure `PPRRSS DDMMYY XXXX` (as python-stdnum `id.nik` checks it): a known province and
/// a real birth date (women add 40 to the day; the century is 19xx or 20xx).
fn check_nik(digits: &str) -> Result<(), NpwpError> {
    let num = |r: std::ops::Range<usize>| digits[r].parse::<u32>().unwrap_or(0);
    if !PROVINCES.contains(&num(0..2)) {
        return Err(NpwpError::Nik(NIK_PROVINCE));
    }
    let (day, month, year) = (num(6..8) % 40, num(8..10), num(10..12) as i32);
    let real = |century: i32| chrono::NaiveDate::from_ymd_opt(century + year, month, day).is_some();
    if !real(1900) && !real(2000) {
        return Err(NpwpError::Nik(
            "tanggal lahir (digit 7-12, DDMMYY) tidak valid",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Valid examples published by python-stdnum (`stdnum/id/npwp.py` docs and tests) and DJP.
    const VALID_15: &[(&str, &str)] = &[
        ("013000666091000", "01.300.066.6-091.000"),
        ("01.312.166.0-091.000", "01.312.166.0-091.000"),
        ("016090524017000", "01.609.052.4-017.000"),
        // The e-Nofa manual's screenshot.
        ("01.346.347.6-415.001", "01.346.347.6-415.001"),
        // perl Business::ID::NPWP synopsis.
        ("02.183.241.5-000.000", "02.183.241.5-000.000"),
    ];

    #[test]
    fn accepts_published_valid_npwp15() {
        for (input, shown) in VALID_15 {
            let npwp = Npwp::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(npwp.kind(), NpwpKind::Npwp15);
            assert_eq!(npwp.to_string(), *shown);
            assert_eq!(npwp.digits().len(), 15);
        }
    }

    #[test]
    fn rejects_wrong_check_digit_and_says_which() {
        // python-stdnum's invalid example: one digit changed.
        let err = Npwp::parse("013000667091000").unwrap_err();
        assert!(
            matches!(err, NpwpError::CheckDigit { position: 9, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("cek digit"));
    }

    #[test]
    fn table_of_bad_inputs() {
        let cases: &[(&str, NpwpError)] = &[
            ("", NpwpError::Empty),
            ("   ", NpwpError::Empty),
            ("01.312.166.0-091", NpwpError::Length(12)),
            ("01A312166009100", NpwpError::BadCharacter('A')),
            ("0131216600910000000000000", NpwpError::Length(25)),
        ];
        for (input, expected) in cases {
            assert_eq!(Npwp::parse(input).as_ref().err(), Some(expected), "{input}");
        }
    }

    #[test]
    fn npwp16_is_zero_plus_old_and_checks_first_ten() {
        let n = Npwp::parse("0013000666091000").unwrap();
        assert_eq!(n.kind(), NpwpKind::Npwp16);
        assert_eq!(n.npwp15(), Some("013000666091000"));
        assert!(Npwp::parse("0013000667091000").is_err());
        assert_eq!(Npwp::parse("013000666091000").unwrap().npwp16(), n.digits());
    }

    #[test]
    fn nik_and_nitku() {
        // python-stdnum's NIK examples: valid, unknown province, no such birth date.
        assert_eq!(
            Npwp::parse("3171011708450001").unwrap().kind(),
            NpwpKind::Nik
        );
        for bad in ["9971011708450001", "3171013002001234", "3171234567890123"] {
            let err = Npwp::parse(bad).unwrap_err();
            assert!(matches!(err, NpwpError::Nik(_)), "{bad}: {err}");
        }
        let nik = Npwp::parse("3578104709870002").unwrap();
        assert_eq!(nik.kind(), NpwpKind::Nik);
        assert_eq!(nik.npwp15(), None);
        let nitku = Npwp::parse("0013000666091000000001").unwrap();
        assert_eq!(nitku.kind(), NpwpKind::Nitku);
        assert_eq!(nitku.npwp16(), "0013000666091000");
        assert_eq!(
            Npwp::parse("013000666091000").unwrap().nitku(),
            "0013000666091000000000"
        );
        assert!(Npwp::parse("0013000667091000000001").is_err());
    }

    #[test]
    fn a_branch_shares_the_head_offices_identity() {
        let npwp = |s: &str| Npwp::parse(s).unwrap();
        let pusat = npwp("01.346.347.6-511.000");
        // The e-Nofa manual's branches: same taxpayer part, other KPP, branch code 001.
        assert!(npwp("01.346.347.6-415.001").is_branch_of(&pusat));
        assert!(npwp("01.346.347.6-511.001").is_branch_of(&pusat));
        assert!(npwp("0013463476511000000001").is_branch_of(&pusat));
        let refused = [
            "01.300.066.6-091.001",   // another taxpayer
            "01.346.347.6-415.000",   // a head-office code
            "01.346.347.6-511.000",   // the head office itself
            "0013463476511000",       // a 16-digit NPWP names a whole taxpayer
            "0013463476511000000000", // the head office's own NITKU
            "0013000666091000000001", // another taxpayer's NITKU
        ];
        for n in refused {
            assert!(!npwp(n).is_branch_of(&pusat), "{n}");
        }
        // A head office known by its 16-digit NPWP or NIK: branches are NITKU of that number.
        let pusat16 = npwp("0013463476511000");
        assert!(npwp("0013463476511000000002").is_branch_of(&pusat16));
        assert!(npwp("01.346.347.6-415.001").is_branch_of(&pusat16));
        let nik = npwp("3171011708450001");
        assert!(npwp("3171011708450001000001").is_branch_of(&nik));
        assert!(!npwp("01.346.347.6-415.001").is_branch_of(&nik));
        // A NITKU head office: another place of business, not its own.
        let nitku = npwp("0013463476511000000003");
        assert!(npwp("0013463476511000000004").is_branch_of(&nitku));
        assert!(!npwp("0013463476511000000003").is_branch_of(&nitku));
    }

    #[test]
    fn no_npwp_value_is_accepted_and_recognised() {
        let n = Npwp::parse("00.000.000.0-000.000").unwrap();
        assert!(n.is_none());
        assert_eq!(n, Npwp::none());
    }

    #[test]
    fn check_digit_function_completes_known_numbers() {
        assert_eq!(luhn_check_digit("01300066"), 6);
        assert_eq!(luhn_check_digit("01312166"), 0);
    }
}
