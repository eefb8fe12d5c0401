//! Money without floating point: exact decimals for line values, whole rupiah for header totals.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Mul, Sub};
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// An exact decimal amount (line values: harga satuan, DPP, PPN per item, which may carry decimals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(Decimal);

/// Whole rupiah (header totals: JUMLAH_DPP, JUMLAH_PPN, JUMLAH_PPNBM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rupiah(i64);

/// A number that is not written the way DJP's import reads numbers, or is too large (ETAX-20004).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error(
        "'{0}' bukan angka yang sah (gunakan titik sebagai pemisah desimal, tanpa pemisah ribuan)"
    )]
    Format(String),
    #[error("'{0}' terlalu besar (paling banyak {MAX_INTEGER_DIGITS} digit sebelum titik desimal)")]
    TooLarge(String),
}

impl AmountError {
    /// The same detail in English (the `Display` above is Bahasa Indonesia).
    pub fn english(&self) -> String {
        match self {
            AmountError::Format(v) => format!(
                "'{v}' is not a valid number (use a dot as the decimal separator, no thousands separators)"
            ),
            AmountError::TooLarge(v) => format!(
                "'{v}' is too large (at most {MAX_INTEGER_DIGITS} digits before the decimal point)"
            ),
        }
    }
}

/// Integer digits an amount may have. Any real faktur fits, whole rupiah stay inside `i64`, and
/// products and sums of such amounts stay far from `Decimal`'s limit instead of panicking on it.
pub const MAX_INTEGER_DIGITS: usize = 18;

impl Amount {
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// Parses the import form: digits with an optional `.` decimal part and optional leading `-`.
    /// Thousands separators and `,` decimals are refused, as DJP's import refuses them.
    pub fn parse(input: &str) -> Result<Amount, AmountError> {
        // Byte-wise: an import parses eight amounts per item line, and `str::trim` and the
        // `char` searches cost more than the digits. Unicode spaces around it are still trimmed.
        let plain = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_digit() || *b == b'-');
        let t = if plain(input.as_bytes().first()) && plain(input.as_bytes().last()) {
            input
        } else {
            input.trim()
        };
        let body = t.strip_prefix('-').unwrap_or(t).as_bytes();
        let (int, frac) = match body.iter().position(|&b| b == b'.') {
            Some(p) => (&body[..p], Some(&body[p + 1..])),
            None => (body, None),
        };
        let digits_ok = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
        if !digits_ok(int) || frac.is_some_and(|f| !digits_ok(f)) {
            return Err(AmountError::Format(input.to_string()));
        }
        let leading_zeros = int.iter().take_while(|&&b| b == b'0').count();
        if int.len() - leading_zeros > MAX_INTEGER_DIGITS {
            return Err(AmountError::TooLarge(t.to_string()));
        }
        // Nearly every amount has at most 18 digits in all: they fit a u64 exactly, and building
        // the decimal from its digits costs a fifth of `Decimal::from_str`. The value, sign and
        // scale are the ones `from_str` gives.
        let frac = frac.unwrap_or_default();
        if int.len() + frac.len() <= 18 {
            let mantissa = int
                .iter()
                .chain(frac)
                .fold(0u64, |m, b| m * 10 + u64::from(b - b'0'));
            let mut d = Decimal::from_i128_with_scale(i128::from(mantissa), frac.len() as u32);
            d.set_sign_negative(mantissa != 0 && body.len() != t.len());
            return Ok(Amount(d));
        }
        let d = Decimal::from_str(t).map_err(|_| AmountError::Format(input.to_string()))?;
        // Past 28 significant digits the decimals are rounded, which can carry into a 19th
        // integer digit (999…9.99…9 becomes 10^18): that is too large as well.
        if d.abs() >= Decimal::from(10i64.pow(MAX_INTEGER_DIGITS as u32)) {
            return Err(AmountError::TooLarge(t.to_string()));
        }
        Ok(Amount(d))
    }

    /// `self × other`, or `None` where the exact product does not fit a `Decimal`.
    pub fn checked_mul(self, other: Amount) -> Option<Amount> {
        self.0.checked_mul(other.0).map(Amount)
    }

    pub fn from_rupiah(r: Rupiah) -> Amount {
        Amount(Decimal::from(r.0))
    }

    pub fn from_decimal(d: Decimal) -> Amount {
        Amount(d.normalize())
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// DJP rounds rupiah totals down (SE-22/PJ.24/1990).
    pub fn floor(self) -> Rupiah {
        Rupiah(self.0.floor().to_i64().unwrap_or(i64::MAX))
    }

    /// Half-up to whole rupiah (Coretax, PER-11/PJ/2025 Ps.129(3)).
    pub fn round_half_up(self) -> Rupiah {
        Rupiah(
            self.0
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
                .to_i64()
                .unwrap_or(i64::MAX),
        )
    }

    /// Rounded to `dp` decimal places, half-up (for XML outputs that keep two decimals).
    pub fn round_dp(self, dp: u32) -> Amount {
        Amount(
            self.0
                .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero),
        )
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Multiplies by a percentage (`11` for 11 %).
    pub fn percent(self, pct: Decimal) -> Amount {
        Amount(self.0 * pct / Decimal::ONE_HUNDRED)
    }

    /// Multiplies by `num/den` exactly as far as 28 digits allow (DPP Nilai Lain 11/12).
    pub fn ratio(self, num: i64, den: i64) -> Amount {
        Amount(self.0 * Decimal::from(num) / Decimal::from(den))
    }
}

impl Amount {
    /// Appends the import/export form (as [`Display`](fmt::Display) writes it) to `out`, without
    /// going through the formatting machinery: imports write millions of these.
    pub fn push_to(self, out: &mut String) {
        // Without decimals there are no trailing zeros to drop (normalize would only turn -0
        // into 0, which is written without its sign anyway).
        let d = if self.0.scale() == 0 {
            self.0
        } else {
            self.0.normalize()
        };
        let scale = d.scale() as usize;
        // 28 digits at most, plus sign, point and the zeros of `0.000…`: 64 is plenty.
        let mut buf = [0u8; 64];
        let mut start = buf.len();
        let mut push_digits = |mut v: u128| {
            // Small values (nearly all) take the cheaper 64-bit division.
            while v > u128::from(u64::MAX) {
                start -= 1;
                buf[start] = b'0' + (v % 10) as u8;
                v /= 10;
            }
            let mut v = v as u64;
            loop {
                start -= 1;
                buf[start] = b'0' + (v % 10) as u8;
                v /= 10;
                if v == 0 {
                    break;
                }
            }
        };
        push_digits(d.mantissa().unsigned_abs());
        let end = buf.len();
        if scale > 0 {
            // Leading zeros so that at least one digit stands before the point.
            while end - start <= scale {
                start -= 1;
                buf[start] = b'0';
            }
            let point = end - scale;
            buf.copy_within(start..point, start - 1);
            start -= 1;
            buf[point - 1] = b'.';
        }
        if d.is_sign_negative() && !d.is_zero() {
            start -= 1;
            buf[start] = b'-';
        }
        // Only ASCII digits, '.' and '-' were written: each byte is its own char.
        out.extend(buf[start..end].iter().map(|&b| char::from(b)));
    }
}

impl fmt::Display for Amount {
    /// The import/export form: `.` decimals, no thousands separator, no trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(32);
        self.push_to(&mut s);
        f.write_str(&s)
    }
}

impl Add for Amount {
    type Output = Amount;
    fn add(self, o: Amount) -> Amount {
        Amount(self.0 + o.0)
    }
}
impl Sub for Amount {
    type Output = Amount;
    fn sub(self, o: Amount) -> Amount {
        Amount(self.0 - o.0)
    }
}
impl Mul for Amount {
    type Output = Amount;
    fn mul(self, o: Amount) -> Amount {
        Amount(self.0 * o.0)
    }
}
impl Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, Add::add)
    }
}

impl Rupiah {
    pub const ZERO: Rupiah = Rupiah(0);

    pub fn new(value: i64) -> Rupiah {
        Rupiah(value)
    }

    pub fn value(self) -> i64 {
        self.0
    }

    /// Header totals in import files are integers, but real exports sometimes write `823.0`.
    /// A fractional part other than zero is refused.
    pub fn parse(input: &str) -> Result<Rupiah, AmountError> {
        let a = Amount::parse(input)?;
        if a.0.fract().is_zero() {
            Ok(a.floor())
        } else {
            Err(AmountError::Format(input.to_string()))
        }
    }

    /// Indonesian display: `1.650.000`.
    pub fn display_id(self) -> String {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if self.0 < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        out
    }
}

impl fmt::Display for Rupiah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Add for Rupiah {
    type Output = Rupiah;
    fn add(self, o: Rupiah) -> Rupiah {
        Rupiah(self.0 + o.0)
    }
}
impl Sum for Rupiah {
    fn sum<I: Iterator<Item = Rupiah>>(iter: I) -> Rupiah {
        iter.fold(Rupiah::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_rounding_past_the_integer_limit_are_too_large() {
        // Found by the fuzz campaign: Decimal rounds this to 10^18, which prints as a number
        // parse refuses.
        for s in [
            "999999999999999999.9999999999999999999990002500000001",
            "-999999999999999999.999999999999999999999",
        ] {
            assert!(
                matches!(Amount::parse(s), Err(AmountError::TooLarge(_))),
                "{s}"
            );
        }
        let max = Amount::parse("999999999999999999.99").unwrap();
        assert_eq!(Amount::parse(&max.to_string()), Ok(max));
    }

    #[test]
    fn parses_import_numbers_exactly() {
        let cases = [
            ("5864.0", "5864"),
            ("3518.4", "3518.4"),
            ("1893.1", "1893.1"),
            ("0", "0"),
            ("-12.50", "-12.5"),
            (" 823.0 ", "823"),
        ];
        for (input, shown) in cases {
            assert_eq!(Amount::parse(input).unwrap().to_string(), shown, "{input}");
        }
        for bad in ["", "1,5", "1.000.000", "12a", ".5", "5.", "1e3", "Rp5"] {
            assert!(Amount::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_beyond_eighteen_digits_are_refused() {
        let max = "9".repeat(MAX_INTEGER_DIGITS);
        assert_eq!(Rupiah::parse(&max).unwrap().value().to_string(), max);
        assert!(Amount::parse(&format!("000{max}.5")).is_ok());
        let over = format!("1{max}");
        assert_eq!(
            Amount::parse(&over),
            Err(AmountError::TooLarge(over.clone()))
        );
        assert!(Rupiah::parse(&over).is_err(), "no silent clamp to i64::MAX");
        let big = Amount::parse(&max).unwrap();
        assert!(big.checked_mul(big).is_none());
        assert!(big.checked_mul(Amount::parse("2").unwrap()).is_some());
    }

    #[test]
    fn parse_gives_the_value_sign_and_scale_of_decimal_from_str() {
        let mut inputs: Vec<String> = [
            "0",
            "-0",
            "00",
            "0.0",
            "-0.00",
            "1",
            "-1",
            "007",
            "12.50",
            "-12.5",
            "0.001",
            " 17500 ",
            "1925.00",
            "999999999999999999",
            "99999999999999999.9",
            "123456789012345678",
            "12345678901234567.89",
            "1234567890123456.0001",
            "0.000000000000000001",
            "0.0000000000000000001",
            "-999999999999999999.99",
            "18446744073709551615",
            "000000000000000000012",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every split of 1..=20 digits into integer and decimal part, around the 18-digit edge.
        for n in 1..=20usize {
            let digits: String = (0..n).map(|i| char::from(b'1' + (i % 9) as u8)).collect();
            for point in 1..n {
                inputs.push(format!("{}.{}", &digits[..point], &digits[point..]));
                inputs.push(format!("-{}.{}", &digits[..point], &digits[point..]));
            }
            inputs.push(digits.replace('1', "9"));
        }
        for bad in [
            "", "-", ".5", "5.", "1.2.3", "1,5", "+5", "1 000", "--1", "1-", "\u{a0}",
        ] {
            assert!(
                matches!(Amount::parse(bad), Err(AmountError::Format(_))),
                "{bad:?}"
            );
        }
        inputs.push("\u{a0}12.5\u{3000}".to_string());
        inputs.push("\t-7 ".to_string());
        for s in &inputs {
            let Ok(a) = Amount::parse(s) else {
                assert!(
                    s.trim()
                        .trim_start_matches('-')
                        .split('.')
                        .next()
                        .unwrap()
                        .trim_start_matches('0')
                        .len()
                        > MAX_INTEGER_DIGITS,
                    "{s}"
                );
                continue;
            };
            let d = Decimal::from_str(s.trim()).unwrap();
            let got = a.decimal();
            assert_eq!(
                (got.mantissa(), got.scale(), got.is_sign_negative()),
                (d.mantissa(), d.scale(), d.is_sign_negative()),
                "{s}"
            );
        }
    }

    #[test]
    fn push_to_writes_what_decimal_display_writes() {
        let mut values: Vec<Decimal> = [
            "0",
            "-0",
            "0.0",
            "-0.00",
            "1",
            "-1",
            "10",
            "100.000",
            "0.5",
            "-0.05",
            "0.001",
            "12.5",
            "-12.50",
            "220.00",
            "1925.0000",
            "18446744073709551615",
            "18446744073709551616",
            "-18446744073709551617.25",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "7.9228162514264337593543950335",
            "123456789.987654321",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        // Results of arithmetic too (scales from sums, products and ratios).
        let a = Amount::parse("1200000").unwrap().ratio(11, 12);
        values.push(a.decimal());
        values.push(
            Amount::parse("3518.4")
                .unwrap()
                .percent(Decimal::from(11))
                .decimal(),
        );
        values.push(Decimal::new(-5, 28));
        values.push(Decimal::new(i64::MIN, 3));
        for d in values {
            let mut out = String::from("x");
            Amount(d).push_to(&mut out);
            assert_eq!(out[1..], d.normalize().to_string(), "{d:?}");
            assert_eq!(Amount(d).to_string(), d.normalize().to_string(), "{d:?}");
        }
    }

    #[test]
    fn sums_are_exact_where_floats_are_not() {
        let tenth = Amount::parse("0.1").unwrap();
        let total: Amount = std::iter::repeat_n(tenth, 10).sum();
        assert_eq!(total, Amount::parse("1").unwrap());
    }

    #[test]
    fn floor_and_half_up() {
        let a = Amount::parse("579445.6").unwrap();
        assert_eq!(a.floor(), Rupiah::new(579_445));
        assert_eq!(a.round_half_up(), Rupiah::new(579_446));
        assert_eq!(
            Amount::parse("10.5").unwrap().round_half_up(),
            Rupiah::new(11)
        );
        assert_eq!(
            Amount::parse("10.49").unwrap().round_half_up(),
            Rupiah::new(10)
        );
    }

    #[test]
    fn rupiah_parse_and_display() {
        assert_eq!(Rupiah::parse("823.0"), Ok(Rupiah::new(823)));
        assert!(Rupiah::parse("823.5").is_err());
        assert_eq!(Rupiah::new(1_650_000).display_id(), "1.650.000");
        assert_eq!(Rupiah::new(-1_000).display_id(), "-1.000");
        assert_eq!(Rupiah::new(999).display_id(), "999");
    }

    #[test]
    fn eleven_twelfths() {
        let dpp = Amount::parse("1200000").unwrap().ratio(11, 12);
        assert_eq!(dpp.to_string(), "1100000");
        assert_eq!(dpp.percent(Decimal::from(12)).floor(), Rupiah::new(132_000));
    }
}
