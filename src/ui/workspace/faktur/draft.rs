//! The form's fields as typed ([`Fields`]) and the [`FakturDraft`] they make: validation is the
//! domain's `FakturDraft::validate`, and each of its problems is shown next to the field it
//! names ([`Fields::error`]).

use chrono::{Datelike, NaiveDate};
use efaktur::domain::faktur::{UangMuka, parse_tanggal};
use efaktur::domain::tax::Totals;
use efaktur::domain::{
    BuyerDocument, CoretaxHeader, DjpCode, Faktur, FakturDraft, FieldError, KodeTransaksi, Npwp,
    NpwpKind, Said,
};
use efaktur::store::faktur_edit::placeholder_nsfp;
use efaktur::store::party::LawanTransaksi;

use super::lines::{self, LineInput};
use crate::ui::i18n::{Lang, errors};

/// How the lawan transaksi is identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdKind {
    /// NPWP 15 or 16 digits (an individual's NIK as NPWP too).
    #[default]
    Npwp,
    /// A buyer without NPWP, by NIK (`NIK#NIK#NAMA#nama`).
    Nik,
    /// A foreign buyer, by passport number.
    Paspor,
}

/// Every field of the form as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub masukan: bool,
    pub kode: u8,
    pub keterangan: Option<u16>,
    /// Pajak masukan: the seller's 13-digit NSFP. Keluaran: the stored or replaced number
    /// (empty for a new faktur; Simpan allocates it).
    pub nomor: String,
    pub pengganti: bool,
    pub tanggal: String,
    pub masa: String,
    pub tahun: String,
    /// Masa/tahun typed by hand: a new date no longer changes them.
    pub period_typed: bool,
    pub uang_muka: UangMuka,
    /// Uang muka already received, for a pelunasan (DPP, PPN, PPnBM).
    pub diterima: [String; 3],
    pub referensi: String,
    pub id_kind: IdKind,
    pub id: String,
    pub nama: String,
    pub alamat: String,
    /// Pajak masukan: totals as on the seller's faktur (DPP, PPN, PPnBM).
    pub jumlah: [String; 3],
    pub dikreditkan: bool,
    pub lines: Vec<LineInput>,
    /// What a Coretax XML said of the stored faktur (empty for a new one).
    pub coretax: CoretaxHeader,
    /// KODE_DOKUMEN_PENDUKUNG of an imported faktur: not on the form, kept through Ubah.
    pub kode_dokumen_pendukung: String,
}

impl Fields {
    pub fn new(masukan: bool, today: NaiveDate) -> Fields {
        let mut f = Fields {
            masukan,
            kode: 1,
            keterangan: None,
            nomor: String::new(),
            pengganti: false,
            tanggal: today.format("%d/%m/%Y").to_string(),
            masa: String::new(),
            tahun: String::new(),
            period_typed: false,
            uang_muka: UangMuka::Tidak,
            diterima: Default::default(),
            referensi: String::new(),
            id_kind: IdKind::Npwp,
            id: String::new(),
            nama: String::new(),
            alamat: String::new(),
            jumlah: Default::default(),
            dikreditkan: true,
            lines: Vec::new(),
            coretax: CoretaxHeader::default(),
            kode_dokumen_pendukung: String::new(),
        };
        f.period_from_date();
        f
    }

    /// A stored faktur back in the form (Ubah, or the start of its Pengganti).
    pub fn of_faktur(f: &Faktur, masukan: bool) -> Fields {
        let (id_kind, id, nama) = match (&f.lawan_nik, f.coretax.buyer_document) {
            (Some(nik), _) => (IdKind::Nik, nik.clone(), f.lawan_nama.clone()),
            (None, Some(BuyerDocument::Passport)) if f.lawan_npwp.is_none() => (
                IdKind::Paspor,
                f.coretax.buyer_document_number.clone().unwrap_or_default(),
                f.lawan_nama.clone(),
            ),
            _ => (
                IdKind::Npwp,
                f.lawan_npwp.digits().to_string(),
                f.lawan_nama.clone(),
            ),
        };
        let r = |v: i64| v.to_string();
        Fields {
            masukan,
            kode: f.kode.value(),
            keterangan: f.keterangan_tambahan,
            nomor: f.nsfp.digits(),
            pengganti: f.status == efaktur::domain::KodeStatus::Pengganti,
            tanggal: f.tanggal.format("%d/%m/%Y").to_string(),
            masa: f.masa.to_string(),
            tahun: f.tahun.to_string(),
            period_typed: true,
            uang_muka: f.uang_muka,
            diterima: [
                r(f.uang_muka_totals.dpp.value()),
                r(f.uang_muka_totals.ppn.value()),
                r(f.uang_muka_totals.ppnbm.value()),
            ],
            referensi: f.referensi.clone(),
            id_kind,
            id,
            nama,
            alamat: f.lawan_alamat.clone(),
            jumlah: [
                r(f.totals.dpp.value()),
                r(f.totals.ppn.value()),
                r(f.totals.ppnbm.value()),
            ],
            dikreditkan: matches!(
                f.jenis,
                efaktur::domain::faktur::Jenis::Masukan { dikreditkan: true }
            ),
            lines: f.items.iter().map(LineInput::of_item).collect(),
            coretax: f.coretax.clone(),
            kode_dokumen_pendukung: f.kode_dokumen_pendukung.clone(),
        }
    }

    /// Masa and tahun follow the date until typed by hand.
    pub fn period_from_date(&mut self) {
        if self.period_typed {
            return;
        }
        if let Some(t) = parse_tanggal(&self.tanggal) {
            self.masa = t.month().to_string();
            self.tahun = t.year().to_string();
        }
    }

    pub fn tanggal(&self) -> Option<NaiveDate> {
        parse_tanggal(&self.tanggal)
    }

    pub fn kode(&self) -> KodeTransaksi {
        KodeTransaksi::new(self.kode).unwrap_or(KodeTransaksi::BIASA)
    }

    /// The date the lines are computed for: the faktur's, or today while it is not a date
    /// (the date's own error is shown then).
    pub fn tax_date(&self) -> NaiveDate {
        self.tanggal()
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// The header totals: the lines' (keluaran), or as typed (masukan).
    pub fn totals(&self) -> Totals {
        lines::totals(&self.lines, self.tax_date(), self.kode())
    }

    /// What is wrong with the identity as typed, checked on every keystroke, in both languages
    /// (DJP's code first in each).
    pub fn id_problem(&self) -> Option<Said> {
        let id = self.id.trim();
        if id.is_empty() {
            return None;
        }
        let said = match self.id_kind {
            IdKind::Npwp => match Npwp::parse(id) {
                Err(e) => Said::from(e),
                Ok(n) if n.is_none() => Said::new(
                    "pembeli tanpa NPWP: pilih NIK atau Paspor",
                    "a buyer without NPWP: choose NIK or Paspor",
                ),
                Ok(_) => return None,
            },
            IdKind::Nik => match Npwp::parse(id) {
                Ok(n) if n.kind() == NpwpKind::Nik => return None,
                Ok(_) => Said::new(
                    "NIK adalah 16 digit dan tidak diawali 0",
                    "a NIK is 16 digits and does not start with 0",
                ),
                Err(e) => Said::from(e),
            },
            IdKind::Paspor => {
                let ok = id.len() <= 20 && id.chars().all(|c| c.is_ascii_alphanumeric());
                if ok {
                    return None;
                }
                Said::new(
                    "nomor paspor hanya huruf dan angka, paling banyak 20",
                    "a passport number is letters and digits only, 20 at most",
                )
            }
        };
        let code = DjpCode::Etax20005.as_str();
        Some(Said::new(
            format!("{code} : {}", said.id),
            format!("{code} : {}", said.en),
        ))
    }

    /// The draft the domain validates. A new faktur keluaran carries a placeholder number of
    /// its year: Simpan takes the real one.
    pub fn to_draft(&self) -> FakturDraft {
        let (npwp, nama) = match self.id_kind {
            IdKind::Npwp => (self.id.clone(), self.nama.clone()),
            IdKind::Nik => (
                Npwp::none().digits().to_string(),
                format!("{}#NIK#NAMA#{}", self.id.trim(), self.nama.trim()),
            ),
            IdKind::Paspor => (Npwp::none().digits().to_string(), self.nama.clone()),
        };
        let nomor = if !self.masukan && self.nomor.is_empty() {
            placeholder_nsfp(self.tanggal()).digits()
        } else {
            self.nomor.clone()
        };
        let (date, kode) = (self.tax_date(), self.kode());
        let (jumlah, items) = if self.masukan {
            (self.jumlah.clone(), Vec::new())
        } else {
            let t = self.totals();
            (
                [t.dpp, t.ppn, t.ppnbm].map(|r| r.value().to_string()),
                self.lines.iter().map(|l| l.to_draft(date, kode)).collect(),
            )
        };
        let uang_muka = match self.uang_muka {
            UangMuka::Tidak => Default::default(),
            UangMuka::UangMuka => jumlah.clone(),
            UangMuka::Pelunasan => self.diterima.clone(),
        };
        let [dpp, ppn, ppnbm] = jumlah;
        let [um_dpp, um_ppn, um_ppnbm] = uang_muka;
        FakturDraft {
            kd_jenis_transaksi: format!("{:02}", self.kode),
            fg_pengganti: if self.pengganti { "1" } else { "0" }.into(),
            nomor_faktur: nomor,
            masa_pajak: self.masa.clone(),
            tahun_pajak: self.tahun.clone(),
            tanggal_faktur: self.tanggal.clone(),
            npwp,
            nama,
            alamat: self.alamat.clone(),
            jumlah_dpp: dpp,
            jumlah_ppn: ppn,
            jumlah_ppnbm: ppnbm,
            id_keterangan_tambahan: self
                .keterangan
                .filter(|_| kode.needs_keterangan_tambahan())
                .map(|k| k.to_string())
                .unwrap_or_default(),
            fg_uang_muka: match self.uang_muka {
                UangMuka::Tidak => "0",
                UangMuka::UangMuka => "1",
                UangMuka::Pelunasan => "2",
            }
            .into(),
            uang_muka_dpp: um_dpp,
            uang_muka_ppn: um_ppn,
            uang_muka_ppnbm: um_ppnbm,
            referensi: self.referensi.clone(),
            kode_dokumen_pendukung: self.kode_dokumen_pendukung.clone(),
            is_creditable: self
                .masukan
                .then(|| if self.dikreditkan { "1" } else { "0" }.into()),
            items,
        }
    }

    /// Validates through the domain; every problem, including the identity's as typed.
    pub fn validate(&self) -> Result<Faktur, Vec<FieldError>> {
        let typed = self.id.trim();
        let id_error = match (self.id_problem(), self.id_kind) {
            (Some(m), _) => Some((DjpCode::Etax20005, m)),
            (None, IdKind::Nik) if typed.is_empty() => {
                Some((DjpCode::Etax20013, Said::required("NIK")))
            }
            (None, IdKind::Paspor) if typed.is_empty() => Some((
                DjpCode::Etax20013,
                Said::new(
                    "nomor paspor wajib diisi",
                    "the passport number must be filled in",
                ),
            )),
            _ => None,
        }
        .map(|(code, said)| FieldError::new("NPWP", code, said));
        // Lines too large to compute: said once, instead of the domain's word on each empty value.
        let (date, kode) = (self.tax_date(), self.kode());
        let too_large: Vec<FieldError> = if self.masukan {
            Vec::new()
        } else {
            self.lines
                .iter()
                .enumerate()
                .filter_map(|(i, l)| {
                    let (field, said) = l.too_large(date, kode)?;
                    Some(FieldError {
                        item: Some(i),
                        ..FieldError::new(field, DjpCode::Etax20004, said)
                    })
                })
                .collect()
        };
        let result = match self.to_draft().validate() {
            Ok(f) if too_large.is_empty() => Ok(f),
            Ok(_) => Err(too_large),
            Err(mut errors) => {
                errors.retain(|e| !too_large.iter().any(|t| t.item == e.item));
                errors.extend(too_large);
                Err(errors)
            }
        };
        match (result, id_error) {
            (Ok(mut f), None) => {
                self.keep_coretax(&mut f);
                Ok(f)
            }
            (Ok(_), Some(e)) => Err(vec![e]),
            (Err(mut errors), id) => {
                // The identity as typed says it better than the domain's word on the NPWP or
                // on the NIK packed into NAMA.
                if let Some(e) = id {
                    errors.retain(|x| {
                        x.field != "NPWP" && !(x.field == "NAMA" && x.message.starts_with("NIK"))
                    });
                    errors.push(e);
                }
                Err(errors)
            }
        }
    }

    /// What a Coretax XML gave the stored faktur and its lines stays (Ubah, Pengganti); the
    /// buyer's document follows the identity as typed now.
    fn keep_coretax(&self, f: &mut Faktur) {
        f.coretax = self.coretax.clone();
        for (item, line) in f.items.iter_mut().zip(&self.lines) {
            item.coretax = line.coretax.clone();
        }
        let c = &mut f.coretax;
        let typed = self.id.trim().to_string();
        match (self.id_kind, c.buyer_document) {
            (IdKind::Paspor, _) => {
                c.buyer_document = Some(BuyerDocument::Passport);
                c.buyer_document_number = Some(typed);
            }
            (IdKind::Nik, Some(BuyerDocument::NationalId)) => c.buyer_document_number = Some(typed),
            // No longer a passport buyer: Coretax identifies by the NPWP or NIK again.
            (_, Some(BuyerDocument::Passport)) => {
                c.buyer_document = None;
                c.buyer_document_number = None;
            }
            _ => {}
        }
    }

    /// The Referensi Lawan Transaksi entry Simpan keeps of this lawan.
    pub fn lawan(&self, f: &Faktur) -> LawanTransaksi {
        LawanTransaksi {
            npwp: f.lawan_npwp.digits().to_string(),
            nik: f.lawan_nik.clone(),
            nama: f.lawan_nama.clone(),
            alamat: f.lawan_alamat.clone(),
            ..LawanTransaksi::default()
        }
    }

    /// A lawan picked from Referensi.
    pub fn pick_lawan(&mut self, p: &LawanTransaksi) {
        match &p.nik {
            Some(nik) if p.npwp == Npwp::none().digits() => {
                self.id_kind = IdKind::Nik;
                self.id = nik.clone();
            }
            _ => {
                self.id_kind = IdKind::Npwp;
                self.id = p.npwp.clone();
            }
        }
        self.nama = p.nama.clone();
        self.alamat = p.alamat.clone();
    }
}

/// An error of the domain as shown under its field, in `lang`: DJP's code, then what is wrong.
pub fn message(lang: Lang, e: &FieldError) -> String {
    // The domain's message may carry the code already.
    let text = e.code.strip_from(errors::field_message(lang, e));
    format!("{} : {text}", e.code.as_str())
}

/// The errors of one form field (by the domain's field names), joined, in `lang`.
pub fn errors_for(
    lang: Lang,
    errors: &[FieldError],
    fields: &[&str],
    item: Option<usize>,
) -> Option<String> {
    let found: Vec<String> = errors
        .iter()
        .filter(|e| e.item == item && fields.contains(&e.field))
        .map(|e| message(lang, e))
        .collect();
    (!found.is_empty()).then(|| found.join("\n"))
}

/// All errors of line `i`, whatever the field, in `lang`.
pub fn line_errors(lang: Lang, errors: &[FieldError], i: usize) -> Option<String> {
    let found: Vec<String> = errors
        .iter()
        .filter(|e| e.item == Some(i))
        .map(|e| format!("{} {}", e.field, message(lang, e)))
        .collect();
    (!found.is_empty()).then(|| found.join("\n"))
}
