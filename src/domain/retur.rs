//! Retur (nota retur) of a faktur: RK (retur pajak keluaran, the buyer returned goods to this PKP)
//! and RM (retur pajak masukan, this PKP returned goods to its seller).
//!
//! [`ReturDraft::validate`] checks a row on its own and reports every problem at once;
//! [`Retur::check_against`] then checks it against the faktur it returns (found by the store):
//! same faktur, dated after it, and not more than what is left of it (DJP's saldo check).

use chrono::{Datelike, NaiveDate};

use super::code::DjpCode;
use super::faktur::{
    Checker, FieldError, Jenis, NomorFields, format_tanggal, nomor_fields, parse_tanggal,
};
use super::kode_transaksi::KodeTransaksi;
use super::money::Rupiah;
use super::npwp::Npwp;
use super::nsfp::{KodeStatus, Nsfp};
use super::said::Said;
use super::tax::Totals;

/// Raw fields of one RK or RM row, named as in DJP's header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReturDraft {
    pub npwp: String,
    pub nama: String,
    pub kd_jenis_transaksi: String,
    pub fg_pengganti: String,
    pub nomor_faktur: String,
    pub tanggal_faktur: String,
    /// RM only: `IS_CREDITABLE`; `None` for RK.
    pub is_creditable: Option<String>,
    pub nomor_dokumen_retur: String,
    pub tanggal_retur: String,
    pub masa_pajak_retur: String,
    pub tahun_pajak_retur: String,
    pub nilai_retur_dpp: String,
    pub nilai_retur_ppn: String,
    pub nilai_retur_ppnbm: String,
}

/// A validated retur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retur {
    /// Keluaran for RK, masukan (with the faktur's crediting) for RM.
    pub jenis: Jenis,
    /// The buyer (RK) or the seller (RM).
    pub lawan_npwp: Npwp,
    pub lawan_nama: String,
    /// The returned faktur, as the row names it.
    pub kode: KodeTransaksi,
    pub status: KodeStatus,
    pub nsfp: Nsfp,
    pub tanggal_faktur: NaiveDate,
    pub nomor_retur: String,
    pub tanggal_retur: NaiveDate,
    pub masa: u8,
    pub tahun: u16,
    pub nilai: Totals,
}

fn date(c: &mut Checker, field: &'static str, raw: &str) -> Option<NaiveDate> {
    let d = parse_tanggal(raw);
    if d.is_none() {
        c.push(
            field,
            DjpCode::Etax20006,
            Said::new(
                format!(
                    "tanggal '{}' tidak sah; tulis tanggal/bulan/tahun, mis. 23/07/2015",
                    raw.trim()
                ),
                format!(
                    "the date '{}' is not valid; write day/month/year, e.g. 23/07/2015",
                    raw.trim()
                ),
            ),
        );
    }
    d
}

/// MASA (1-12) and TAHUN (2000-2099) columns.
pub(super) fn masa_tahun(
    c: &mut Checker,
    masa_field: &'static str,
    masa: &str,
    tahun_field: &'static str,
    tahun: &str,
) -> (Option<u8>, Option<u16>) {
    let m = masa
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|m| (1..=12).contains(m));
    if m.is_none() {
        c.push(
            masa_field,
            DjpCode::Etax20004,
            Said::new(
                format!("masa pajak '{}' harus bulan 1-12", masa.trim()),
                format!("the tax period '{}' must be a month 1-12", masa.trim()),
            ),
        );
    }
    let y = tahun
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|y| (2000..=2099).contains(y));
    if y.is_none() {
        c.push(
            tahun_field,
            DjpCode::Etax20004,
            Said::new(
                format!("tahun pajak '{}' harus 4 digit", tahun.trim()),
                format!("the tax year '{}' must have 4 digits", tahun.trim()),
            ),
        );
    }
    (m, y)
}

/// NPWP column: ETAX-20001 when empty, ETAX-20005 when malformed.
pub(super) fn npwp(c: &mut Checker, raw: &str) -> Option<Npwp> {
    match Npwp::parse(raw) {
        Ok(n) => Some(n),
        Err(e) => {
            let code = if raw.trim().is_empty() {
                DjpCode::Etax20001
            } else {
                DjpCode::Etax20005
            };
            c.push("NPWP", code, e.into());
            None
        }
    }
}

/// Whether two identifiers name the same taxpayer (NPWP 15 and its NPWP 16 form are one).
pub fn same_taxpayer(a: &Npwp, b: &Npwp) -> bool {
    a.npwp16() == b.npwp16()
}

impl ReturDraft {
    /// Validates every field and how they agree with each other; returns every problem found.
    pub fn validate(&self) -> Result<Retur, Vec<FieldError>> {
        let mut c = Checker::new();
        let lawan_npwp = npwp(&mut c, &self.npwp);
        let lawan_nama = c.text("NAMA", &self.nama, true);
        let NomorFields { kode, status, nsfp } = nomor_fields(
            &mut c,
            &self.kd_jenis_transaksi,
            &self.fg_pengganti,
            &self.nomor_faktur,
        );
        let tanggal_faktur = date(&mut c, "TANGGAL_FAKTUR", &self.tanggal_faktur);
        if let (Some(n), Some(t)) = (nsfp, tanggal_faktur)
            && !n.valid_for_year(t.year())
        {
            c.push("NOMOR_FAKTUR", DjpCode::Etax30029, Said::serial_year(n, t));
        }
        let jenis = match &self.is_creditable {
            None => Jenis::Keluaran,
            Some(flag) => match flag.trim() {
                "1" => Jenis::Masukan { dikreditkan: true },
                "0" => Jenis::Masukan { dikreditkan: false },
                other => {
                    c.push(
                        "IS_CREDITABLE",
                        DjpCode::Etax20008,
                        Said::new(
                            format!("IS_CREDITABLE harus 1 (dikreditkan) atau 0, bukan '{other}'"),
                            format!("IS_CREDITABLE must be 1 (credited) or 0, not '{other}'"),
                        ),
                    );
                    Jenis::Masukan { dikreditkan: false }
                }
            },
        };
        let nomor_retur = c.text("NOMOR_DOKUMEN_RETUR", &self.nomor_dokumen_retur, true);
        let tanggal_retur = date(&mut c, "TANGGAL_RETUR", &self.tanggal_retur);
        let (masa, tahun) = masa_tahun(
            &mut c,
            "MASA_PAJAK_RETUR",
            &self.masa_pajak_retur,
            "TAHUN_PAJAK_RETUR",
            &self.tahun_pajak_retur,
        );
        if let (Some(f), Some(r)) = (tanggal_faktur, tanggal_retur)
            && r < f
        {
            c.push(
                "TANGGAL_RETUR",
                DjpCode::Etax20030,
                Said::new(
                    format!(
                        "tanggal retur {} lebih awal dari tanggal faktur {}",
                        format_tanggal(r),
                        format_tanggal(f)
                    ),
                    format!(
                        "the return date {} is before the invoice date {}",
                        format_tanggal(r),
                        format_tanggal(f)
                    ),
                ),
            );
        }
        if let (Some(r), Some(m), Some(y)) = (tanggal_retur, masa, tahun)
            && (u32::from(m), i32::from(y)) != (r.month(), r.year())
        {
            c.push(
                "MASA_PAJAK_RETUR",
                DjpCode::Etax20031,
                Said::new(
                    format!(
                        "retur bertanggal {} dilaporkan pada masa {}/{}, bukan {m}/{y}",
                        format_tanggal(r),
                        r.month(),
                        r.year()
                    ),
                    format!(
                        "a return dated {} is reported in the period {}/{}, not {m}/{y}",
                        format_tanggal(r),
                        r.month(),
                        r.year()
                    ),
                ),
            );
        }
        let nilai = Totals {
            dpp: c
                .rupiah("NILAI_RETUR_DPP", &self.nilai_retur_dpp)
                .unwrap_or_default(),
            ppn: c
                .rupiah("NILAI_RETUR_PPN", &self.nilai_retur_ppn)
                .unwrap_or_default(),
            ppnbm: c
                .rupiah("NILAI_RETUR_PPNBM", &self.nilai_retur_ppnbm)
                .unwrap_or_default(),
        };
        if c.errors.is_empty() && nilai == Totals::default() {
            c.push(
                "NILAI_RETUR_DPP",
                DjpCode::Etax20014,
                Said::new(
                    "nilai retur DPP, PPN dan PPnBM semuanya 0; isi nilai yang diretur",
                    "the returned DPP, PPN and PPnBM are all 0; fill in the returned values",
                ),
            );
        }
        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        Ok(Retur {
            jenis,
            lawan_npwp: lawan_npwp.expect("checked"),
            lawan_nama,
            kode: kode.expect("checked"),
            status: status.expect("checked"),
            nsfp: nsfp.expect("checked"),
            tanggal_faktur: tanggal_faktur.expect("checked"),
            nomor_retur,
            tanggal_retur: tanggal_retur.expect("checked"),
            masa: masa.expect("checked"),
            tahun: tahun.expect("checked"),
            nilai,
        })
    }
}

/// What a retur is checked against: the returned faktur as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Original<'a> {
    pub kode: KodeTransaksi,
    /// Normal, or the pengganti now in force.
    pub status: KodeStatus,
    pub tanggal: NaiveDate,
    pub lawan_npwp: &'a Npwp,
    pub totals: Totals,
}

impl Retur {
    /// Checks the retur against the faktur it returns, given what earlier retur of that faktur
    /// already took back: the row must describe that faktur, and DPP, PPN and PPnBM may not go
    /// above what is left (ETAX-20032/33/34). Every problem is returned.
    pub fn check_against(
        &self,
        original: Original<'_>,
        returned_before: Totals,
    ) -> Vec<FieldError> {
        let mut c = Checker::new();
        if !same_taxpayer(&self.lawan_npwp, original.lawan_npwp) {
            c.push(
                "NPWP",
                DjpCode::Etax20003,
                Said::new(
                    format!(
                        "faktur {} tercatat untuk NPWP {}, bukan {}; periksa NPWP atau nomor faktur",
                        self.nsfp, original.lawan_npwp, self.lawan_npwp
                    ),
                    format!(
                        "invoice {} is recorded for NPWP {}, not {}; check the NPWP or the invoice number",
                        self.nsfp, original.lawan_npwp, self.lawan_npwp
                    ),
                ),
            );
        }
        if self.tanggal_faktur != original.tanggal {
            c.push(
                "TANGGAL_FAKTUR",
                DjpCode::Etax20003,
                Said::new(
                    format!(
                        "faktur {} bertanggal {}, bukan {}",
                        self.nsfp,
                        format_tanggal(original.tanggal),
                        format_tanggal(self.tanggal_faktur)
                    ),
                    format!(
                        "invoice {} is dated {}, not {}",
                        self.nsfp,
                        format_tanggal(original.tanggal),
                        format_tanggal(self.tanggal_faktur)
                    ),
                ),
            );
        }
        if self.status != original.status {
            c.push(
                "FG_PENGGANTI",
                DjpCode::Etax20003,
                Said::new(
                    format!(
                        "faktur {} yang berlaku ber-FG_PENGGANTI {}, bukan {}; retur mengacu ke faktur yang berlaku",
                        self.nsfp,
                        original.status.flag(),
                        self.status.flag()
                    ),
                    format!(
                        "the valid invoice {} has FG_PENGGANTI {}, not {}; a return refers to the valid invoice",
                        self.nsfp,
                        original.status.flag(),
                        self.status.flag()
                    ),
                ),
            );
        }
        if self.kode != original.kode {
            c.push(
                "KD_JENIS_TRANSAKSI",
                DjpCode::Etax20003,
                Said::new(
                    format!(
                        "faktur {} berkode transaksi {}, bukan {}",
                        self.nsfp, original.kode, self.kode
                    ),
                    format!(
                        "invoice {} has transaction code {}, not {}",
                        self.nsfp, original.kode, self.kode
                    ),
                ),
            );
        }
        let saldo = |field: &'static str,
                     code: DjpCode,
                     total: Rupiah,
                     before: Rupiah,
                     now: Rupiah,
                     c: &mut Checker| {
            let left = total.value() - before.value();
            if now.value() > left {
                c.push(
                    field,
                    code,
                    Said::new(
                        format!(
                            "nilai retur {now} melebihi sisa faktur {} (nilai faktur {total}, sudah diretur {before})",
                            Rupiah::new(left)
                        ),
                        format!(
                            "the returned value {now} exceeds what is left of the invoice {} (invoice value {total}, returned before {before})",
                            Rupiah::new(left)
                        ),
                    ),
                );
            }
        };
        let (t, b, n) = (original.totals, returned_before, self.nilai);
        saldo(
            "NILAI_RETUR_DPP",
            DjpCode::Etax20032,
            t.dpp,
            b.dpp,
            n.dpp,
            &mut c,
        );
        saldo(
            "NILAI_RETUR_PPN",
            DjpCode::Etax20033,
            t.ppn,
            b.ppn,
            n.ppn,
            &mut c,
        );
        saldo(
            "NILAI_RETUR_PPNBM",
            DjpCode::Etax20034,
            t.ppnbm,
            b.ppnbm,
            n.ppnbm,
            &mut c,
        );
        c.errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn draft() -> ReturDraft {
        ReturDraft {
            npwp: "013000666091000".into(),
            nama: "PT PEMBELI".into(),
            kd_jenis_transaksi: "01".into(),
            fg_pengganti: "0".into(),
            nomor_faktur: "0002400000001".into(),
            tanggal_faktur: "05/03/2024".into(),
            is_creditable: None,
            nomor_dokumen_retur: "RET-001".into(),
            tanggal_retur: "10/04/2024".into(),
            masa_pajak_retur: "4".into(),
            tahun_pajak_retur: "2024".into(),
            nilai_retur_dpp: "100000".into(),
            nilai_retur_ppn: "11000".into(),
            nilai_retur_ppnbm: "0".into(),
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<(&str, DjpCode)> {
        errors.iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_good_row_validates() {
        let r = draft().validate().unwrap();
        assert_eq!(r.jenis, Jenis::Keluaran);
        assert_eq!(r.nilai.dpp, Rupiah::new(100_000));
        let mut rm = draft();
        rm.is_creditable = Some("1".into());
        assert_eq!(
            rm.validate().unwrap().jenis,
            Jenis::Masukan { dikreditkan: true }
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let d = ReturDraft {
            npwp: "12".into(),
            nomor_dokumen_retur: String::new(),
            tanggal_retur: "01/03/2024".into(),
            masa_pajak_retur: "4".into(),
            nilai_retur_ppn: "1,5".into(),
            ..draft()
        };
        let errors = d.validate().unwrap_err();
        let f = fields(&errors);
        for want in [
            ("NPWP", DjpCode::Etax20005),
            ("NOMOR_DOKUMEN_RETUR", DjpCode::Etax20008),
            ("TANGGAL_RETUR", DjpCode::Etax20030),
            ("MASA_PAJAK_RETUR", DjpCode::Etax20031),
            ("NILAI_RETUR_PPN", DjpCode::Etax20004),
        ] {
            assert!(f.contains(&want), "{want:?} missing in {f:?}");
        }
    }

    #[test]
    fn a_zero_retur_is_refused() {
        let d = ReturDraft {
            nilai_retur_dpp: "0".into(),
            nilai_retur_ppn: "0".into(),
            ..draft()
        };
        assert_eq!(
            fields(&d.validate().unwrap_err()),
            vec![("NILAI_RETUR_DPP", DjpCode::Etax20014)]
        );
    }

    #[test]
    fn saldo_and_reference_are_checked_against_the_faktur() {
        let r = draft().validate().unwrap();
        let npwp = Npwp::parse("0013000666091000").unwrap();
        let totals = Totals {
            dpp: Rupiah::new(150_000),
            ppn: Rupiah::new(16_500),
            ppnbm: Rupiah::ZERO,
        };
        let original = Original {
            kode: r.kode,
            status: r.status,
            tanggal: r.tanggal_faktur,
            lawan_npwp: &npwp,
            totals,
        };
        assert!(r.check_against(original, Totals::default()).is_empty());
        let before = Totals {
            dpp: Rupiah::new(60_000),
            ppn: Rupiah::new(6_600),
            ppnbm: Rupiah::ZERO,
        };
        assert_eq!(
            fields(&r.check_against(original, before)),
            vec![
                ("NILAI_RETUR_DPP", DjpCode::Etax20032),
                ("NILAI_RETUR_PPN", DjpCode::Etax20033)
            ]
        );
        let replaced = Original {
            status: KodeStatus::Pengganti,
            ..original
        };
        assert_eq!(
            fields(&r.check_against(replaced, Totals::default())),
            vec![("FG_PENGGANTI", DjpCode::Etax20003)]
        );
        let other = Npwp::parse("013463476415001").unwrap();
        let wrong = Original {
            lawan_npwp: &other,
            tanggal: r.tanggal_faktur.succ_opt().unwrap(),
            ..original
        };
        assert_eq!(
            fields(&r.check_against(wrong, Totals::default())),
            vec![
                ("NPWP", DjpCode::Etax20003),
                ("TANGGAL_FAKTUR", DjpCode::Etax20003)
            ]
        );
    }
}
