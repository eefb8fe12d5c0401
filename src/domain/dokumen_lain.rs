//! Dokumen Lain: documents treated as faktur pajak (PEB, PIB, SSP, ...) — DK (keluaran) and DM
//! (masukan) rows of DJP's `DK_DM` CSV shape.
//!
//! DJP's code lists for JENIS_TRANSAKSI / JENIS_DOKUMEN / KD_JNS_TRANSAKSI are not public (domain
//! reference §7.5: observed `DK,4,6,13,...`, `DM,2,5,1,...`), so they are checked as small
//! numbers and kept as given. [`DokumenLainDraft::validate`] reports every problem at once.

use chrono::{Datelike, NaiveDate};

use super::code::DjpCode;
use super::faktur::{Checker, FieldError, format_tanggal, parse_tanggal};
use super::npwp::Npwp;
use super::nsfp::KodeStatus;
use super::retur::{masa_tahun, npwp};
use super::said::Said;
use super::tax::Totals;

/// Which side the document is for this PKP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArahDokumen {
    /// DK: dokumen lain pajak keluaran (e.g. PEB for an export).
    Keluaran,
    /// DM: dokumen lain pajak masukan (e.g. PIB for an import).
    Masukan,
}

impl ArahDokumen {
    /// The row flag, `DK` or `DM`.
    pub fn flag(self) -> &'static str {
        match self {
            ArahDokumen::Keluaran => "DK",
            ArahDokumen::Masukan => "DM",
        }
    }
}

/// Raw fields of one DK/DM row, named as in DJP's header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DokumenLainDraft {
    /// `DK` or `DM` (column `DK_DM`).
    pub dk_dm: String,
    pub jenis_transaksi: String,
    pub jenis_dokumen: String,
    pub kd_jns_transaksi: String,
    pub fg_pengganti: String,
    pub nomor_dok_lain_ganti: String,
    pub nomor_dok_lain: String,
    pub tanggal_dok_lain: String,
    pub masa_pajak: String,
    pub tahun_pajak: String,
    pub npwp: String,
    pub nama: String,
    pub alamat_lengkap: String,
    pub jumlah_dpp: String,
    pub jumlah_ppn: String,
    pub jumlah_ppnbm: String,
    pub keterangan: String,
}

/// A validated dokumen lain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DokumenLain {
    pub arah: ArahDokumen,
    pub jenis_transaksi: u8,
    pub jenis_dokumen: u8,
    pub kd_jns_transaksi: u8,
    pub status: KodeStatus,
    /// The document a pengganti replaces; as written for a normal one (often `-` or empty).
    pub nomor_ganti: String,
    pub nomor: String,
    pub tanggal: NaiveDate,
    pub masa: u8,
    pub tahun: u16,
    /// The counterparty: buyer (DK) or seller / customs (DM).
    pub lawan_npwp: Npwp,
    pub lawan_nama: String,
    pub lawan_alamat: String,
    pub totals: Totals,
    pub keterangan: String,
}

/// A code column: one or two digits (the lists themselves are DJP's and unpublished).
fn code(c: &mut Checker, field: &'static str, raw: &str) -> Option<u8> {
    let t = raw.trim();
    let v = (!t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse::<u8>().ok())
        .flatten();
    if v.is_none() {
        c.push(
            field,
            DjpCode::Etax30031,
            Said::new(
                format!("{field} harus kode angka (mis. 4), bukan '{t}'"),
                format!("{field} must be a numeric code (e.g. 4), not '{t}'"),
            ),
        );
    }
    v
}

impl DokumenLainDraft {
    /// Validates every field and how they agree with each other; returns every problem found.
    pub fn validate(&self) -> Result<DokumenLain, Vec<FieldError>> {
        let mut c = Checker::new();
        let arah = match self.dk_dm.trim() {
            "DK" => Some(ArahDokumen::Keluaran),
            "DM" => Some(ArahDokumen::Masukan),
            other => {
                c.push(
                    "DK_DM",
                    DjpCode::Etax30031,
                    Said::new(
                        format!("kolom pertama harus DK atau DM, bukan '{other}'"),
                        format!("the first column must be DK or DM, not '{other}'"),
                    ),
                );
                None
            }
        };
        let jenis_transaksi = code(&mut c, "JENIS_TRANSAKSI", &self.jenis_transaksi);
        let jenis_dokumen = code(&mut c, "JENIS_DOKUMEN", &self.jenis_dokumen);
        let kd_jns_transaksi = code(&mut c, "KD_JNS_TRANSAKSI", &self.kd_jns_transaksi);
        let status = KodeStatus::from_flag(&self.fg_pengganti);
        if status.is_none() {
            c.push(
                "FG_PENGGANTI",
                DjpCode::Etax20026,
                Said::new(
                    format!(
                        "FG_PENGGANTI harus 0 (normal) atau 1 (pengganti), bukan '{}'",
                        self.fg_pengganti.trim()
                    ),
                    format!(
                        "FG_PENGGANTI must be 0 (normal) or 1 (replacement), not '{}'",
                        self.fg_pengganti.trim()
                    ),
                ),
            );
        }
        let nomor_ganti = c.text("NOMOR_DOK_LAIN_GANTI", &self.nomor_dok_lain_ganti, false);
        if status == Some(KodeStatus::Pengganti) && matches!(nomor_ganti.as_str(), "" | "-") {
            c.push(
                "NOMOR_DOK_LAIN_GANTI",
                DjpCode::Etax30031,
                Said::new(
                    "dokumen pengganti (FG_PENGGANTI 1) harus menyebut nomor dokumen yang diganti",
                    "a replacement document (FG_PENGGANTI 1) must name the number of the document it replaces",
                ),
            );
        }
        let nomor = c.text("NOMOR_DOK_LAIN", &self.nomor_dok_lain, true);
        let tanggal = parse_tanggal(&self.tanggal_dok_lain);
        if tanggal.is_none() {
            c.push(
                "TANGGAL_DOK_LAIN",
                DjpCode::Etax20006,
                Said::new(
                    format!(
                        "tanggal '{}' tidak sah; tulis tanggal/bulan/tahun, mis. 23/07/2015",
                        self.tanggal_dok_lain.trim()
                    ),
                    format!(
                        "the date '{}' is not valid; write day/month/year, e.g. 23/07/2015",
                        self.tanggal_dok_lain.trim()
                    ),
                ),
            );
        }
        let (masa, tahun) = masa_tahun(
            &mut c,
            "MASA_PAJAK",
            &self.masa_pajak,
            "TAHUN_PAJAK",
            &self.tahun_pajak,
        );
        if let (Some(a), Some(t), Some(m), Some(y)) = (arah, tanggal, masa, tahun) {
            check_masa(&mut c, a, status, t, m, y);
        }
        let lawan_npwp = npwp(&mut c, &self.npwp);
        let lawan_nama = c.text("NAMA", &self.nama, true);
        let lawan_alamat = c.text("ALAMAT_LENGKAP", &self.alamat_lengkap, false);
        let totals = Totals {
            dpp: c.rupiah("JUMLAH_DPP", &self.jumlah_dpp).unwrap_or_default(),
            ppn: c.rupiah("JUMLAH_PPN", &self.jumlah_ppn).unwrap_or_default(),
            ppnbm: c
                .rupiah("JUMLAH_PPNBM", &self.jumlah_ppnbm)
                .unwrap_or_default(),
        };
        let keterangan = c.text("KETERANGAN", &self.keterangan, false);
        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        Ok(DokumenLain {
            arah: arah.expect("checked"),
            jenis_transaksi: jenis_transaksi.expect("checked"),
            jenis_dokumen: jenis_dokumen.expect("checked"),
            kd_jns_transaksi: kd_jns_transaksi.expect("checked"),
            status: status.expect("checked"),
            nomor_ganti,
            nomor,
            tanggal: tanggal.expect("checked"),
            masa: masa.expect("checked"),
            tahun: tahun.expect("checked"),
            lawan_npwp: lawan_npwp.expect("checked"),
            lawan_nama,
            lawan_alamat,
            totals,
            keterangan,
        })
    }
}

/// The masa of a document, like a faktur's: never before its date; a DK is reported in the month
/// of its date, a DM may be credited up to three masa later (ETAX-20024 / 20025).
fn check_masa(
    c: &mut Checker,
    arah: ArahDokumen,
    status: Option<KodeStatus>,
    tanggal: NaiveDate,
    masa: u8,
    tahun: u16,
) {
    let month = |y: i32, m: u32| y * 12 + m as i32;
    let doc = month(tanggal.year(), tanggal.month());
    let reported = month(i32::from(tahun), u32::from(masa));
    let shown = format_tanggal(tanggal);
    if reported < doc {
        c.push(
            "MASA_PAJAK",
            DjpCode::Etax20024,
            Said::new(
                format!("masa {masa}/{tahun} lebih awal dari tanggal dokumen {shown}"),
                format!("the period {masa}/{tahun} is before the document date {shown}"),
            ),
        );
    } else if arah == ArahDokumen::Keluaran && status == Some(KodeStatus::Normal) && reported != doc
    {
        c.push(
            "MASA_PAJAK",
            DjpCode::Etax20024,
            Said::new(
                format!(
                    "dokumen keluaran bertanggal {shown} dilaporkan pada masa {}/{}, bukan {masa}/{tahun}",
                    tanggal.month(),
                    tanggal.year()
                ),
                format!(
                    "an output document dated {shown} is reported in the period {}/{}, not {masa}/{tahun}",
                    tanggal.month(),
                    tanggal.year()
                ),
            ),
        );
    } else if arah == ArahDokumen::Masukan && reported > doc + 3 {
        c.push(
            "MASA_PAJAK",
            DjpCode::Etax20025,
            Said::new(
                format!(
                    "dokumen masukan bertanggal {shown} hanya dapat dikreditkan sampai 3 masa sesudahnya"
                ),
                format!("an input document dated {shown} can be credited up to 3 periods later only"),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Rupiah;

    fn draft() -> DokumenLainDraft {
        DokumenLainDraft {
            dk_dm: "DK".into(),
            jenis_transaksi: "4".into(),
            jenis_dokumen: "6".into(),
            kd_jns_transaksi: "13".into(),
            fg_pengganti: "0".into(),
            nomor_dok_lain_ganti: "-".into(),
            nomor_dok_lain: "PEB2400123".into(),
            tanggal_dok_lain: "15/02/2024".into(),
            masa_pajak: "2".into(),
            tahun_pajak: "2024".into(),
            npwp: "000000000000000".into(),
            nama: "BUYER LTD SINGAPORE".into(),
            alamat_lengkap: "1 RAFFLES PLACE".into(),
            jumlah_dpp: "50000000".into(),
            jumlah_ppn: "0".into(),
            jumlah_ppnbm: "0".into(),
            keterangan: "".into(),
        }
    }

    #[test]
    fn a_peb_row_validates() {
        let d = draft().validate().unwrap();
        assert_eq!(d.arah, ArahDokumen::Keluaran);
        assert_eq!(
            (d.jenis_transaksi, d.jenis_dokumen, d.kd_jns_transaksi),
            (4, 6, 13)
        );
        assert_eq!(d.totals.dpp, Rupiah::new(50_000_000));
        assert_eq!(d.nomor_ganti, "-");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let d = DokumenLainDraft {
            dk_dm: "DX".into(),
            jenis_dokumen: "x".into(),
            fg_pengganti: "1".into(),
            nomor_dok_lain: "".into(),
            masa_pajak: "1".into(),
            jumlah_ppn: "-5".into(),
            ..draft()
        };
        let errors = d.validate().unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        for want in [
            ("DK_DM", DjpCode::Etax30031),
            ("JENIS_DOKUMEN", DjpCode::Etax30031),
            ("NOMOR_DOK_LAIN_GANTI", DjpCode::Etax30031),
            ("NOMOR_DOK_LAIN", DjpCode::Etax20008),
            ("JUMLAH_PPN", DjpCode::Etax20004),
        ] {
            assert!(got.contains(&want), "{want:?} missing in {got:?}");
        }
    }

    #[test]
    fn masa_rules_follow_the_direction() {
        let late = DokumenLainDraft {
            masa_pajak: "3".into(),
            ..draft()
        };
        let e = late.validate().unwrap_err();
        assert_eq!((e[0].field, e[0].code), ("MASA_PAJAK", DjpCode::Etax20024));
        let dm = DokumenLainDraft {
            dk_dm: "DM".into(),
            masa_pajak: "5".into(),
            ..draft()
        };
        assert!(dm.validate().is_ok());
        let dm_late = DokumenLainDraft {
            masa_pajak: "6".into(),
            ..dm
        };
        assert_eq!(dm_late.validate().unwrap_err()[0].code, DjpCode::Etax20025);
    }
}
