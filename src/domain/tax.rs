//! PPN and PPnBM by faktur date (UU HPP, PMK-131/2024) and DJP's rounding.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::kode_transaksi::KodeTransaksi;
use super::money::{Amount, Rupiah};

/// The PPN rule in force for one line of a faktur.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PpnRule {
    /// PPN tarif in percent.
    pub tarif: Decimal,
    /// Whether the base is DPP Nilai Lain = 11/12 of the selling price (non-luxury goods from 2025).
    pub nilai_lain_11_12: bool,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid constant date")
}

/// First day of PPN 11 % (UU 7/2021 HPP).
pub fn start_11_percent() -> NaiveDate {
    date(2022, 4, 1)
}

/// First day of PPN 12 % (PMK-131/2024).
pub fn start_12_percent() -> NaiveDate {
    date(2025, 1, 1)
}

/// The rule for a faktur dated `tanggal`; `mewah` marks a luxury good (a PPnBM object).
pub fn ppn_rule(tanggal: NaiveDate, mewah: bool) -> PpnRule {
    if tanggal < start_11_percent() {
        PpnRule {
            tarif: Decimal::from(10),
            nilai_lain_11_12: false,
        }
    } else if tanggal < start_12_percent() {
        PpnRule {
            tarif: Decimal::from(11),
            nilai_lain_11_12: false,
        }
    } else {
        PpnRule {
            tarif: Decimal::from(12),
            nilai_lain_11_12: !mewah,
        }
    }
}

/// The tax of one line, computed from its selling price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineTax {
    /// The base PPN applies to (11/12 of the price for non-luxury goods from 2025 under kode 04).
    pub dpp: Amount,
    pub ppn: Amount,
    pub ppnbm: Amount,
}

/// Computes DPP, PPN and PPnBM of a line: `harga_total - diskon` is the selling price.
///
/// From 2025 a non-luxury line under kode 04 is taxed 12 % of DPP Nilai Lain (11/12 of the
/// price), so its PPN is effectively 11 %. PPnBM always applies to the full price.
pub fn line_tax(
    tanggal: NaiveDate,
    kode: KodeTransaksi,
    harga_total: Amount,
    diskon: Amount,
    tarif_ppnbm: Amount,
) -> LineTax {
    let price = harga_total - diskon;
    let mewah = tarif_ppnbm > Amount::ZERO;
    let rule = ppn_rule(tanggal, mewah);
    let dpp = if rule.nilai_lain_11_12 && kode == KodeTransaksi::NILAI_LAIN {
        price.ratio(11, 12)
    } else {
        price
    };
    LineTax {
        dpp,
        ppn: dpp.percent(rule.tarif),
        ppnbm: price.percent(tarif_ppnbm.decimal()),
    }
}

/// Header totals of a faktur: each is the floor of the exact sum of its lines (DJP rounds down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub dpp: Rupiah,
    pub ppn: Rupiah,
    pub ppnbm: Rupiah,
}

impl Totals {
    pub fn of_lines(lines: impl IntoIterator<Item = LineTax>) -> Totals {
        let (mut dpp, mut ppn, mut ppnbm) = (Amount::ZERO, Amount::ZERO, Amount::ZERO);
        for l in lines {
            dpp = dpp + l.dpp;
            ppn = ppn + l.ppn;
            ppnbm = ppnbm + l.ppnbm;
        }
        Totals {
            dpp: dpp.floor(),
            ppn: ppn.floor(),
            ppnbm: ppnbm.floor(),
        }
    }
}

/// Which header total disagrees with its lines (ETAX-20028).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotalMismatch {
    Dpp { header: Rupiah, lines: Rupiah },
    Ppn { header: Rupiah, lines: Rupiah },
    Ppnbm { header: Rupiah, lines: Rupiah },
}

/// The ETAX-20028 check: the header must equal the floored sums of the lines. For PPN a header
/// of `floor(JUMLAH_DPP × tarif)` is accepted too, as DJP's own export and Odoo compute it that way.
pub fn check_totals(header: Totals, lines: Totals, tarif: Decimal) -> Vec<TotalMismatch> {
    let mut out = Vec::new();
    if header.dpp != lines.dpp {
        out.push(TotalMismatch::Dpp {
            header: header.dpp,
            lines: lines.dpp,
        });
    }
    let ppn_from_dpp = Amount::from_rupiah(header.dpp).percent(tarif).floor();
    if header.ppn != lines.ppn && header.ppn != ppn_from_dpp {
        out.push(TotalMismatch::Ppn {
            header: header.ppn,
            lines: lines.ppn,
        });
    }
    if header.ppnbm != lines.ppnbm {
        out.push(TotalMismatch::Ppnbm {
            header: header.ppnbm,
            lines: lines.ppnbm,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Amount {
        Amount::parse(s).unwrap()
    }

    #[test]
    fn rate_by_date() {
        let cases = [
            (date(2015, 7, 23), false, 10, false),
            (date(2022, 3, 31), false, 10, false),
            (date(2022, 4, 1), false, 11, false),
            (date(2024, 12, 31), true, 11, false),
            (date(2025, 1, 1), false, 12, true),
            (date(2025, 1, 1), true, 12, false),
        ];
        for (d, mewah, tarif, nilai_lain) in cases {
            let r = ppn_rule(d, mewah);
            assert_eq!(r.tarif, Decimal::from(tarif), "{d}");
            assert_eq!(r.nilai_lain_11_12, nilai_lain, "{d}");
        }
    }

    #[test]
    fn real_2015_export_rounds_header_down() {
        // DJP export sample: DPP 5 794 456, Σ line PPN 579 445.6 -> JUMLAH_PPN 579 445.
        let line = line_tax(
            date(2015, 7, 23),
            KodeTransaksi::BIASA,
            a("5794456"),
            a("0"),
            a("0"),
        );
        assert_eq!(line.ppn, a("579445.6"));
        let t = Totals::of_lines([line]);
        assert_eq!(t.ppn, Rupiah::new(579_445));
        assert!(check_totals(t, t, Decimal::from(10)).is_empty());
    }

    #[test]
    fn from_2025_non_luxury_kode_04_is_effectively_11_percent() {
        let line = line_tax(
            date(2025, 2, 3),
            KodeTransaksi::NILAI_LAIN,
            a("1000000"),
            a("0"),
            a("0"),
        );
        assert_eq!(line.dpp.floor(), Rupiah::new(916_666));
        assert_eq!(line.ppn.floor(), Rupiah::new(110_000));
    }

    #[test]
    fn from_2025_luxury_pays_12_percent_of_full_price_plus_ppnbm() {
        let line = line_tax(
            date(2025, 2, 3),
            KodeTransaksi::BIASA,
            a("1000000"),
            a("100000"),
            a("20"),
        );
        assert_eq!(line.dpp, a("900000"));
        assert_eq!(line.ppn, a("108000"));
        assert_eq!(line.ppnbm, a("180000"));
    }

    #[test]
    fn mismatches_are_reported_per_total() {
        let lines = Totals {
            dpp: Rupiah::new(1000),
            ppn: Rupiah::new(110),
            ppnbm: Rupiah::ZERO,
        };
        let header = Totals {
            dpp: Rupiah::new(1001),
            ppn: Rupiah::new(100),
            ppnbm: Rupiah::new(5),
        };
        let got = check_totals(header, lines, Decimal::from(11));
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(matches!(got[1], TotalMismatch::Ppn { .. }));
    }
}
