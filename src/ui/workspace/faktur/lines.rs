//! A line of the Rekam Faktur form as typed, and what the domain computes of it: harga total
//! = harga satuan × jumlah, then DPP, PPN and PPnBM by [`tax::line_tax`] (tarif by date,
//! DPP Nilai Lain 11/12 under kode 04 from 2025).

use chrono::NaiveDate;
use efaktur::domain::money::MAX_INTEGER_DIGITS;
use efaktur::domain::tax::{self, LineTax, Totals};
use efaktur::domain::{Amount, CoretaxLine, FakturItemDraft, KodeTransaksi, Said};
use rust_decimal::Decimal;

/// The fields of a line as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub kode: String,
    pub nama: String,
    pub harga_satuan: String,
    pub jumlah: String,
    pub diskon: String,
    pub tarif_ppnbm: String,
    /// Goods or services, code and unit a Coretax XML gave a stored line: kept through Ubah.
    pub coretax: Option<CoretaxLine>,
}

/// A line's computed values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Computed {
    pub harga_total: Amount,
    pub tax: LineTax,
}

fn amount_or_zero(s: &str) -> Option<Amount> {
    if s.trim().is_empty() {
        Some(Amount::ZERO)
    } else {
        Amount::parse(s).ok()
    }
}

impl LineInput {
    /// The values the domain computes, or `None` while an amount does not parse (the domain's
    /// validation then says which).
    pub fn compute(&self, tanggal: NaiveDate, kode: KodeTransaksi) -> Option<Computed> {
        let harga = Amount::parse(&self.harga_satuan).ok()?;
        let jumlah = Amount::parse(&self.jumlah).ok()?;
        let diskon = amount_or_zero(&self.diskon)?;
        let tarif_ppnbm = amount_or_zero(&self.tarif_ppnbm)?;
        let harga_total = harga.checked_mul(jumlah)?;
        // Past 18 integer digits (the most an amount may have) or a tarif over 100 %, the
        // domain's exact arithmetic could overflow: no values then, and the line's error says why.
        let limit = Decimal::from(10i64.pow(MAX_INTEGER_DIGITS as u32));
        if harga_total.decimal().abs() >= limit
            || diskon.decimal().abs() >= limit
            || tarif_ppnbm.decimal().abs() > Decimal::ONE_HUNDRED
        {
            return None;
        }
        Some(Computed {
            harga_total,
            tax: tax::line_tax(tanggal, kode, harga_total, diskon, tarif_ppnbm),
        })
    }

    /// The OF line the domain validates: computed values where the line computes, the raw text
    /// otherwise.
    pub fn to_draft(&self, tanggal: NaiveDate, kode: KodeTransaksi) -> FakturItemDraft {
        let computed = self.compute(tanggal, kode);
        let text =
            |a: Option<Amount>, raw: &str| a.map_or_else(|| raw.to_string(), |a| a.to_string());
        FakturItemDraft {
            kode_objek: self.kode.clone(),
            nama: self.nama.clone(),
            harga_satuan: self.harga_satuan.clone(),
            jumlah_barang: self.jumlah.clone(),
            // Too large to compute: the product, which the domain refuses by its size.
            harga_total: text(
                computed.map(|c| c.harga_total).or_else(|| self.product()),
                "",
            ),
            diskon: self.diskon.clone(),
            dpp: text(computed.map(|c| c.tax.dpp), ""),
            ppn: text(computed.map(|c| c.tax.ppn), ""),
            tarif_ppnbm: self.tarif_ppnbm.clone(),
            ppnbm: text(computed.map(|c| c.tax.ppnbm), ""),
        }
    }

    fn product(&self) -> Option<Amount> {
        let h = Amount::parse(&self.harga_satuan).ok()?;
        h.checked_mul(Amount::parse(&self.jumlah).ok()?)
    }

    /// Why a line whose amounts are numbers still has no values: too large for exact
    /// arithmetic. The field (the domain's name) and what to do.
    pub fn too_large(
        &self,
        tanggal: NaiveDate,
        kode: KodeTransaksi,
    ) -> Option<(&'static str, Said)> {
        let numbers = [&self.harga_satuan, &self.jumlah]
            .into_iter()
            .all(|s| Amount::parse(s).is_ok())
            && amount_or_zero(&self.diskon).is_some()
            && amount_or_zero(&self.tarif_ppnbm).is_some();
        if !numbers || self.compute(tanggal, kode).is_some() {
            return None;
        }
        let tarif = amount_or_zero(&self.tarif_ppnbm).unwrap_or(Amount::ZERO);
        Some(if tarif.decimal().abs() > Decimal::ONE_HUNDRED {
            (
                "TARIF_PPNBM",
                Said::new(
                    "tarif PPnBM paling tinggi 100 (%)",
                    "the PPnBM rate is at most 100 (%)",
                ),
            )
        } else {
            (
                "HARGA_TOTAL",
                Said::new(
                    format!(
                        "harga satuan × jumlah (atau diskon) lebih dari {MAX_INTEGER_DIGITS} \
                         digit; periksa angkanya"
                    ),
                    format!(
                        "unit price × quantity (or the discount) has more than \
                         {MAX_INTEGER_DIGITS} digits; check the numbers"
                    ),
                ),
            )
        })
    }

    /// The line of a stored faktur, back in the form.
    pub fn of_item(it: &efaktur::domain::FakturItem) -> LineInput {
        let zero_empty = |a: Amount| {
            if a == Amount::ZERO {
                String::new()
            } else {
                a.to_string()
            }
        };
        LineInput {
            kode: it.kode_objek.clone(),
            nama: it.nama.clone(),
            harga_satuan: it.harga_satuan.to_string(),
            jumlah: it.jumlah_barang.to_string(),
            diskon: zero_empty(it.diskon),
            tarif_ppnbm: zero_empty(it.tarif_ppnbm),
            coretax: it.coretax.clone(),
        }
    }
}

/// The header totals of the lines that compute: what the domain requires JUMLAH_* to be.
pub fn totals(lines: &[LineInput], tanggal: NaiveDate, kode: KodeTransaksi) -> Totals {
    Totals::of_lines(
        lines
            .iter()
            .filter_map(|l| l.compute(tanggal, kode))
            .map(|c| c.tax),
    )
}

/// "PPN 12 % × DPP Nilai Lain 11/12" and the like: the rule the date and kode give a line.
pub fn rule_text(tanggal: NaiveDate, kode: KodeTransaksi) -> String {
    let rule = tax::ppn_rule(tanggal, false);
    if rule.nilai_lain_11_12 && kode == KodeTransaksi::NILAI_LAIN {
        format!("PPN {} % × DPP Nilai Lain 11/12", rule.tarif)
    } else {
        format!("PPN {} % × DPP", rule.tarif)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn line(harga: &str, jumlah: &str, diskon: &str) -> LineInput {
        LineInput {
            nama: "Kertas".into(),
            harga_satuan: harga.into(),
            jumlah: jumlah.into(),
            diskon: diskon.into(),
            ..LineInput::default()
        }
    }

    #[test]
    fn tarif_follows_the_date_and_kode_04_takes_dpp_nilai_lain() {
        let l = line("100000", "3", "30000");
        let a = |s: &str| Amount::parse(s).unwrap();
        let at = |d, k| l.compute(d, k).unwrap();
        let k01 = KodeTransaksi::BIASA;
        let k04 = KodeTransaksi::NILAI_LAIN;
        assert_eq!(at(day(2022, 3, 31), k01).harga_total, a("300000"));
        assert_eq!(at(day(2022, 3, 31), k01).tax.ppn, a("27000"));
        assert_eq!(at(day(2024, 12, 31), k01).tax.ppn, a("29700"));
        assert_eq!(at(day(2025, 1, 1), k01).tax.ppn, a("32400"));
        let nilai_lain = at(day(2025, 1, 1), k04).tax;
        assert_eq!(nilai_lain.dpp, a("247500"));
        assert_eq!(nilai_lain.ppn, a("29700"));
        assert_eq!(
            rule_text(day(2025, 1, 1), k04),
            "PPN 12 % × DPP Nilai Lain 11/12"
        );
        assert_eq!(rule_text(day(2024, 1, 1), k04), "PPN 11 % × DPP");
    }

    #[test]
    fn totals_are_the_floored_sums_and_a_bad_line_keeps_its_text() {
        let lines = [line("0.5", "3", ""), line("1000", "1", "")];
        let t = totals(&lines, day(2024, 5, 1), KodeTransaksi::BIASA);
        assert_eq!(t.dpp.value(), 1001);
        assert_eq!(t.ppn.value(), 110);
        let bad = line("12a", "1", "").to_draft(day(2024, 5, 1), KodeTransaksi::BIASA);
        assert_eq!(bad.harga_satuan, "12a");
        assert_eq!(bad.dpp, "");
    }

    /// 18-digit amounts are what an amount may hold; their product, or a tarif PPnBM of
    /// thousands of percent, would overflow the exact arithmetic: no values and no panic, and
    /// the line says why.
    #[test]
    fn amounts_too_large_to_compute_give_no_values_and_no_panic() {
        let huge = line("999999999999999999", "9999999999", "");
        let date = day(2025, 6, 1);
        assert!(huge.compute(date, KodeTransaksi::NILAI_LAIN).is_none());
        let mut ppnbm = line("999999999999", "1", "");
        ppnbm.tarif_ppnbm = "999999999999999999".into();
        assert!(ppnbm.compute(date, KodeTransaksi::BIASA).is_none());
        let both = [huge.clone(), ppnbm.clone()];
        assert_eq!(totals(&both, date, KodeTransaksi::BIASA).dpp.value(), 0);
        let d = huge.to_draft(date, KodeTransaksi::BIASA);
        assert_eq!(d.dpp, "");
        assert_eq!(d.harga_total, "9999999998999999990000000001");
        let k = KodeTransaksi::BIASA;
        assert_eq!(huge.too_large(date, k).unwrap().0, "HARGA_TOTAL");
        assert_eq!(ppnbm.too_large(date, k).unwrap().0, "TARIF_PPNBM");
        assert_eq!(line("10", "2", "").too_large(date, k), None);
    }
}
