//! Numbers, dates and identities written the way DJP prints them on a faktur.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::domain::{Amount, Rupiah};

/// Groups the digits of a non-negative integer text by threes with `.` (`1234567` → `1.234.567`).
fn group(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `dp` decimals, half-up, Indonesian separators: `1.234.567,00`.
fn decimal(d: Decimal, dp: u32) -> String {
    let r = d.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let neg = r.is_sign_negative() && !r.is_zero();
    let text = r.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&group(int));
    if dp > 0 {
        out.push(',');
        let mut f = frac.to_string();
        while f.len() < dp as usize {
            f.push('0');
        }
        out.push_str(&f);
    }
    out
}

/// An amount column value: `1.092.500,00`.
pub fn rupiah(a: Amount) -> String {
    decimal(a.decimal(), 2)
}

/// A header total (whole rupiah) in the amount column form.
pub fn rupiah_total(r: Rupiah) -> String {
    rupiah(Amount::from_rupiah(r))
}

/// A unit price or quantity on an item's second line: whole numbers without decimals
/// (`3.478.380`), otherwise as many decimals as it has (`2,5`).
pub fn plain(a: Amount) -> String {
    let d = a.decimal().normalize();
    decimal(d, d.scale())
}

/// A rate in percent with two decimals: `10,00%`.
pub fn percent(a: Amount) -> String {
    format!("{}%", decimal(a.decimal(), 2))
}

const BULAN: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// `15 Maret 2025`.
pub fn tanggal(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), BULAN[d.month0() as usize], d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Amount {
        Amount::parse(s).unwrap()
    }

    #[test]
    fn amounts_use_indonesian_separators() {
        assert_eq!(rupiah(a("1234567")), "1.234.567,00");
        assert_eq!(rupiah(a("1092500.5")), "1.092.500,50");
        assert_eq!(rupiah(a("0")), "0,00");
        assert_eq!(rupiah(a("999.995")), "1.000,00");
        assert_eq!(rupiah(a("100")), "100,00");
        assert_eq!(rupiah(a("123456")), "123.456,00");
        assert_eq!(plain(a("3478380")), "3.478.380");
        assert_eq!(plain(a("2.50")), "2,5");
        assert_eq!(plain(a("1")), "1");
        assert_eq!(percent(a("10")), "10,00%");
        assert_eq!(rupiah(a("-1500")), "-1.500,00");
    }

    #[test]
    fn dates_name_the_month_in_bahasa_indonesia() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
        assert_eq!(tanggal(d), "5 Maret 2025");
    }
}
