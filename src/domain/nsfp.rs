//! Nomor Seri Faktur Pajak (NSFP, 13 digits) and the printed nomor faktur `KKS.PPP-YY.NNNNNNNN`.

use std::fmt;

use super::kode_transaksi::KodeTransaksi;

/// A 13-digit NSFP: 3-digit prefix (opaque), 2-digit year of issue, 8-digit running number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nsfp {
    prefix: u16,
    year: u8,
    serial: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NsfpError {
    #[error("Nomor faktur hanya boleh angka, titik dan tanda minus, bukan '{0}'")]
    BadCharacter(char),
    #[error("Nomor seri faktur harus 13 digit, bukan {0} digit")]
    Length(usize),
    #[error(
        "Nomor faktur harus 16 digit (kode transaksi, status, 13 digit nomor seri), bukan {0} digit"
    )]
    FullLength(usize),
    #[error("Kode transaksi {0} tidak dikenal (01-10)")]
    KodeTransaksi(String),
    #[error("Kode status harus 0 (normal) atau 1 (pengganti), bukan {0}")]
    Status(char),
    #[error("Nomor urut 00000000 tidak dipakai")]
    ZeroSerial,
    #[error("Awal dan akhir range harus berprefiks dan bertahun sama ({0} vs {1})")]
    RangeMismatch(String, String),
    #[error("Awal range ({0}) lebih besar dari akhir range ({1})")]
    RangeReversed(String, String),
}

impl NsfpError {
    /// The same detail in English (the `Display` above is Bahasa Indonesia).
    pub fn english(&self) -> String {
        match self {
            NsfpError::BadCharacter(c) => {
                format!("an invoice number holds only digits, dots and dashes, not '{c}'")
            }
            NsfpError::Length(n) => format!("an invoice serial number has 13 digits, not {n}"),
            NsfpError::FullLength(n) => format!(
                "an invoice number has 16 digits (transaction code, status, 13-digit serial number), not {n}"
            ),
            NsfpError::KodeTransaksi(k) => format!("unknown transaction code {k} (01-10)"),
            NsfpError::Status(c) => {
                format!("the status code must be 0 (normal) or 1 (replacement), not {c}")
            }
            NsfpError::ZeroSerial => "the serial number 00000000 is not used".into(),
            NsfpError::RangeMismatch(a, b) => format!(
                "the start and end of a range must have the same prefix and year ({a} vs {b})"
            ),
            NsfpError::RangeReversed(a, b) => {
                format!("the start of the range ({a}) is greater than its end ({b})")
            }
        }
    }
}

fn digits_of(input: &str) -> Result<String, NsfpError> {
    let mut out = String::with_capacity(16);
    for c in input.trim().chars() {
        match c {
            '0'..='9' => out.push(c),
            '.' | '-' | ' ' => {}
            other => return Err(NsfpError::BadCharacter(other)),
        }
    }
    Ok(out)
}

impl Nsfp {
    /// Parses 13 digits, with or without the `PPP-YY.NNNNNNNN` punctuation.
    pub fn parse(input: &str) -> Result<Nsfp, NsfpError> {
        let d = digits_of(input)?;
        if d.len() != 13 {
            return Err(NsfpError::Length(d.len()));
        }
        Self::from_digits(&d)
    }

    fn from_digits(d: &str) -> Result<Nsfp, NsfpError> {
        let n = Nsfp {
            prefix: d[0..3].parse().expect("digits"),
            year: d[3..5].parse().expect("digits"),
            serial: d[5..13].parse().expect("digits"),
        };
        if n.serial == 0 {
            return Err(NsfpError::ZeroSerial);
        }
        Ok(n)
    }

    pub fn new(prefix: u16, year: u8, serial: u32) -> Option<Nsfp> {
        (prefix < 1000 && year < 100 && (1..100_000_000).contains(&serial)).then_some(Nsfp {
            prefix,
            year,
            serial,
        })
    }

    pub fn prefix(self) -> u16 {
        self.prefix
    }
    /// The two year digits (`14` for 2014).
    pub fn year(self) -> u8 {
        self.year
    }
    pub fn serial(self) -> u32 {
        self.serial
    }

    /// Whether this number may be used on a faktur dated in `year` (ETAX-30029).
    pub fn valid_for_year(self, year: i32) -> bool {
        i32::from(self.year) == year.rem_euclid(100)
    }

    /// The 13 bare digits, as CSV `NOMOR_FAKTUR` holds them.
    pub fn digits(self) -> String {
        // Digit by digit rather than through `format!`'s padding, five times cheaper: the
        // database key of every faktur an import writes.
        let mut out = [b'0'; 13];
        let mut put = |mut v: u32, end: usize, width: usize| {
            for b in out[end - width..end].iter_mut().rev() {
                *b = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(u32::from(self.prefix), 3, 3);
        put(u32::from(self.year), 5, 2);
        put(self.serial, 13, 8);
        // ASCII digits: always UTF-8.
        std::str::from_utf8(&out).map_or_else(|_| String::new(), str::to_owned)
    }

    /// The number `n` places after this one in the same prefix and year, if it exists.
    pub fn offset(self, n: u32) -> Option<Nsfp> {
        Nsfp::new(self.prefix, self.year, self.serial.checked_add(n)?)
    }
}

impl fmt::Display for Nsfp {
    /// `PPP-YY.NNNNNNNN`, the printed form without kode transaksi and status.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}-{:02}.{:08}", self.prefix, self.year, self.serial)
    }
}

/// Kode status: the third digit of the printed nomor faktur.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KodeStatus {
    Normal,
    Pengganti,
}

impl KodeStatus {
    pub fn from_flag(flag: &str) -> Option<KodeStatus> {
        match flag.trim() {
            "0" => Some(KodeStatus::Normal),
            "1" => Some(KodeStatus::Pengganti),
            _ => None,
        }
    }
    pub fn flag(self) -> u8 {
        match self {
            KodeStatus::Normal => 0,
            KodeStatus::Pengganti => 1,
        }
    }
}

/// The full nomor faktur: kode transaksi + kode status + NSFP, printed `KKS.PPP-YY.NNNNNNNN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NomorFaktur {
    pub kode: KodeTransaksi,
    pub status: KodeStatus,
    pub nsfp: Nsfp,
}

impl NomorFaktur {
    /// Parses `010.000-14.00000001` or its 16 bare digits.
    pub fn parse(input: &str) -> Result<NomorFaktur, NsfpError> {
        let d = digits_of(input)?;
        if d.len() != 16 {
            return Err(NsfpError::FullLength(d.len()));
        }
        let kode = KodeTransaksi::parse(&d[0..2])
            .ok_or_else(|| NsfpError::KodeTransaksi(d[0..2].into()))?;
        let status_char = d.as_bytes()[2] as char;
        let status = KodeStatus::from_flag(&d[2..3]).ok_or(NsfpError::Status(status_char))?;
        Ok(NomorFaktur {
            kode,
            status,
            nsfp: Nsfp::from_digits(&d[3..])?,
        })
    }
}

impl fmt::Display for NomorFaktur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}.{}", self.kode, self.status.flag(), self.nsfp)
    }
}

/// A contiguous block of NSFP of one prefix and year, `start..=end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NsfpRange {
    start: Nsfp,
    end: Nsfp,
}

impl NsfpRange {
    pub fn new(start: Nsfp, end: Nsfp) -> Result<NsfpRange, NsfpError> {
        if start.prefix != end.prefix || start.year != end.year {
            return Err(NsfpError::RangeMismatch(start.to_string(), end.to_string()));
        }
        if start.serial > end.serial {
            return Err(NsfpError::RangeReversed(start.to_string(), end.to_string()));
        }
        Ok(NsfpRange { start, end })
    }

    pub fn start(self) -> Nsfp {
        self.start
    }
    pub fn end(self) -> Nsfp {
        self.end
    }

    /// How many numbers the range holds.
    pub fn len(self) -> u32 {
        self.end.serial - self.start.serial + 1
    }

    /// A range always holds at least one number.
    pub fn is_empty(self) -> bool {
        false
    }

    pub fn contains(self, n: Nsfp) -> bool {
        n.prefix == self.start.prefix
            && n.year == self.start.year
            && (self.start.serial..=self.end.serial).contains(&n.serial)
    }

    /// Two ranges overlap when they share at least one number (ETAX-20016).
    pub fn overlaps(self, other: NsfpRange) -> bool {
        self.start.prefix == other.start.prefix
            && self.start.year == other.start.year
            && self.start.serial <= other.end.serial
            && other.start.serial <= self.end.serial
    }

    pub fn iter(self) -> impl Iterator<Item = Nsfp> {
        (self.start.serial..=self.end.serial).map(move |serial| Nsfp {
            serial,
            ..self.start
        })
    }
}

impl fmt::Display for NsfpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} s.d. {}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_padded_to_thirteen() {
        for (p, y, n) in [
            (0, 0, 1),
            (7, 5, 42),
            (999, 99, 99_999_999),
            (10, 24, 1_000_000),
        ] {
            let nsfp = Nsfp::new(p, y, n).unwrap();
            assert_eq!(nsfp.digits(), format!("{p:03}{y:02}{n:08}"));
        }
    }

    #[test]
    fn real_faktur_numbers_parse_and_print() {
        let cases = [
            (
                "010.000-14.00000001",
                1,
                KodeStatus::Normal,
                "0001400000001",
            ),
            (
                "011.007-22.25610008",
                1,
                KodeStatus::Pengganti,
                "0072225610008",
            ),
            (
                "0110072225610008",
                1,
                KodeStatus::Pengganti,
                "0072225610008",
            ),
            (
                "040.002-25.12345678",
                4,
                KodeStatus::Normal,
                "0022512345678",
            ),
            (
                "070.000-16.87654321",
                7,
                KodeStatus::Normal,
                "0001687654321",
            ),
        ];
        for (input, kode, status, digits) in cases {
            let n = NomorFaktur::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(n.kode.value(), kode, "{input}");
            assert_eq!(n.status, status, "{input}");
            assert_eq!(n.nsfp.digits(), digits, "{input}");
            if input.contains('.') {
                assert_eq!(n.to_string(), input);
            }
        }
    }

    #[test]
    fn nomor_faktur_errors_name_the_part() {
        assert_eq!(
            NomorFaktur::parse("010.000-14.0000001"),
            Err(NsfpError::FullLength(15))
        );
        assert_eq!(
            NomorFaktur::parse("110.000-14.00000001"),
            Err(NsfpError::KodeTransaksi("11".into()))
        );
        assert_eq!(
            NomorFaktur::parse("012.000-14.00000001"),
            Err(NsfpError::Status('2'))
        );
        assert_eq!(
            NomorFaktur::parse("010.000-14.0000000x"),
            Err(NsfpError::BadCharacter('x'))
        );
        assert_eq!(
            NomorFaktur::parse("010.000-14.00000000"),
            Err(NsfpError::ZeroSerial)
        );
    }

    #[test]
    fn nsfp_parses_13_digits_and_year() {
        let n = Nsfp::parse("0062251420526").unwrap();
        assert_eq!((n.prefix(), n.year(), n.serial()), (6, 22, 51_420_526));
        assert_eq!(n.to_string(), "006-22.51420526");
        assert!(n.valid_for_year(2022));
        assert!(!n.valid_for_year(2023));
        assert_eq!(Nsfp::parse("006225142052"), Err(NsfpError::Length(12)));
    }

    #[test]
    fn ranges_check_shape_contain_and_overlap() {
        let n = |s: &str| Nsfp::parse(s).unwrap();
        let r = NsfpRange::new(n("0002500000001"), n("0002500000075")).unwrap();
        assert_eq!(r.len(), 75);
        assert!(r.contains(n("0002500000001")));
        assert!(r.contains(n("0002500000075")));
        assert!(!r.contains(n("0002500000076")));
        assert!(!r.contains(n("0002400000010")), "other year");
        assert!(!r.contains(n("0012500000010")), "other prefix");

        let touching = NsfpRange::new(n("0002500000075"), n("0002500000100")).unwrap();
        let after = NsfpRange::new(n("0002500000076"), n("0002500000100")).unwrap();
        let inside = NsfpRange::new(n("0002500000010"), n("0002500000011")).unwrap();
        assert!(r.overlaps(touching) && touching.overlaps(r));
        assert!(!r.overlaps(after) && !after.overlaps(r));
        assert!(r.overlaps(inside) && inside.overlaps(r));

        assert!(matches!(
            NsfpRange::new(n("0002500000002"), n("0002500000001")),
            Err(NsfpError::RangeReversed(..))
        ));
        assert!(matches!(
            NsfpRange::new(n("0002500000001"), n("0002600000002")),
            Err(NsfpError::RangeMismatch(..))
        ));
        assert_eq!(
            inside.iter().map(Nsfp::serial).collect::<Vec<_>>(),
            vec![10, 11]
        );
    }
}
