//! Coretax `TaxInvoiceBulk` XML (2025+): export of faktur keluaran, and reading it back to check
//! it. Element order and rules follow DJP's template 1.6.1 (`reference/coretax-xml.md`).
//!
//! The XML carries no NSFP (Coretax numbers faktur itself); [`super::coretax_import`] numbers
//! imported faktur from Referensi Nomor Faktur. What the e-Faktur fields cannot say (buyer
//! documents, NITKU, per-line Opt/Code/Unit) travels in [`crate::domain::CoretaxHeader`] and
//! [`crate::domain::CoretaxLine`], so an imported faktur is exported as it came in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::coretax as djp;
use crate::domain::faktur::{Faktur, FakturItem};
use crate::domain::said::Said;
use crate::domain::{
    Amount, BuyerDocument, CoretaxLine, DjpCode, FakturStatus, KodeStatus, Npwp, NpwpKind, tax,
};
use crate::store::faktur::{Filter, StoredFaktur};
use crate::store::profile::Profile;
use crate::store::{self, StoreError};

pub use super::coretax_check::check;
pub(crate) use super::coretax_check::{ElementLines, Lines};
use super::coretax_check::{NO_TIN, check_good, check_invoice_kind, check_parties, vat_checked};
use super::csv_write::ExportError;
use super::report::Problem;

/// Coretax takes at most this many faktur in one file.
pub const MAX_PER_FILE: usize = 1000;

fn xsi() -> String {
    "http://www.w3.org/2001/XMLSchema-instance".into()
}
fn xsd() -> String {
    "TaxInvoice.xsd".into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "TaxInvoiceBulk")]
pub struct TaxInvoiceBulk {
    #[serde(rename = "@xmlns:xsi", default = "xsi", skip_deserializing)]
    pub xmlns_xsi: String,
    #[serde(
        rename = "@xsi:noNamespaceSchemaLocation",
        default = "xsd",
        skip_deserializing
    )]
    pub schema: String,
    #[serde(rename = "TIN")]
    pub tin: String,
    #[serde(rename = "ListOfTaxInvoice")]
    pub list: ListOfTaxInvoice,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListOfTaxInvoice {
    #[serde(rename = "TaxInvoice", default)]
    pub invoices: Vec<TaxInvoice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaxInvoice {
    pub tax_invoice_date: String,
    pub tax_invoice_opt: String,
    pub trx_code: String,
    #[serde(default)]
    pub add_info: String,
    #[serde(default)]
    pub custom_doc: String,
    #[serde(default)]
    pub custom_doc_month_year: String,
    #[serde(default)]
    pub ref_desc: String,
    #[serde(default)]
    pub facility_stamp: String,
    #[serde(rename = "SellerIDTKU")]
    pub seller_idtku: String,
    pub buyer_tin: String,
    pub buyer_document: String,
    pub buyer_country: String,
    #[serde(default)]
    pub buyer_document_number: String,
    pub buyer_name: String,
    /// DJP's spelling, one "d".
    #[serde(default)]
    pub buyer_adress: String,
    #[serde(default)]
    pub buyer_email: String,
    #[serde(rename = "BuyerIDTKU")]
    pub buyer_idtku: String,
    pub list_of_good_service: ListOfGoodService,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListOfGoodService {
    #[serde(rename = "GoodService", default)]
    pub goods: Vec<GoodService>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GoodService {
    pub opt: String,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub price: String,
    pub qty: String,
    pub total_discount: String,
    pub tax_base: String,
    pub other_tax_base: String,
    #[serde(rename = "VATRate")]
    pub vat_rate: String,
    #[serde(rename = "VAT")]
    pub vat: String,
    #[serde(rename = "STLGRate")]
    pub stlg_rate: String,
    #[serde(rename = "STLG")]
    pub stlg: String,
}

/// What neither the faktur nor Referensi Barang/Jasa says and Coretax needs: the defaults for
/// lines without their own classification.
#[derive(Debug, Clone)]
pub struct CoretaxOptions {
    /// `A` barang or `B` jasa, for lines whose item code has none in Referensi Barang/Jasa.
    pub opt: String,
    /// Unit code `UM.0001`..`UM.0039`, likewise.
    pub unit: String,
    /// Referensi Barang/Jasa: item code (KODE_OBJEK) → its Coretax classification. Filled by
    /// [`write_files`] from the Local Database.
    pub referensi: HashMap<String, CoretaxLine>,
}

impl Default for CoretaxOptions {
    fn default() -> CoretaxOptions {
        CoretaxOptions {
            opt: "A".into(),
            unit: "UM.0018".into(),
            referensi: HashMap::new(),
        }
    }
}

impl CoretaxOptions {
    /// Refuses defaults Coretax would refuse, before anything is read.
    pub fn check(&self) -> Result<(), crate::domain::Said> {
        CoretaxLine::new(&self.opt, "000000", &self.unit).map(|_| ())
    }

    /// Opt, Code and Unit of one line: its own (from a Coretax XML), else Referensi Barang/Jasa
    /// for its item code, else the defaults.
    fn line(&self, it: &FakturItem) -> (String, String, String) {
        match it
            .coretax
            .as_ref()
            .or_else(|| self.referensi.get(&it.kode_objek))
        {
            Some(l) => (l.opt().to_string(), l.kode.clone(), l.satuan.clone()),
            None => (self.opt.clone(), "000000".into(), self.unit.clone()),
        }
    }
}

/// Two decimals, `.` separator, half-up (Coretax rounding).
fn money(a: Amount) -> String {
    format!("{:.2}", a.round_dp(2).decimal())
}

/// The buyer's document as Coretax names it: what the XML said, else derived from NPWP/NIK.
fn buyer_document(f: &Faktur) -> BuyerDocument {
    f.coretax.buyer_document.unwrap_or(
        if f.lawan_nik.is_some() || f.lawan_npwp.kind() == NpwpKind::Nik {
            BuyerDocument::NationalId
        } else if f.lawan_npwp.is_none() {
            BuyerDocument::OtherId
        } else {
            BuyerDocument::Tin
        },
    )
}

/// One faktur as a Coretax `TaxInvoice`, with the amounts the faktur holds: TaxBase is the
/// selling price (HARGA_TOTAL − DISKON), OtherTaxBase the DPP the PPN applies to, VAT its PPN.
/// For kode 01, 04 and 09 (whose VAT DJP recomputes) a difference of one sen from rounding is
/// written as DJP computes it; anything larger stays and [`refusals`] reports it.
pub fn to_tax_invoice(f: &Faktur, seller: &Npwp, options: &CoretaxOptions) -> TaxInvoice {
    let ct = &f.coretax;
    let document = buyer_document(f);
    let (buyer_tin, number, idtku) = match document {
        BuyerDocument::Tin => (
            djp::tin(&f.lawan_npwp),
            "-".to_string(),
            djp::idtku(&f.lawan_npwp),
        ),
        BuyerDocument::NationalId => (
            NO_TIN.to_string(),
            f.lawan_nik
                .clone()
                .unwrap_or_else(|| f.lawan_npwp.digits().to_string()),
            "000000".to_string(),
        ),
        BuyerDocument::Passport | BuyerDocument::OtherId => {
            (NO_TIN.to_string(), "-".to_string(), "000000".to_string())
        }
    };
    let (add_info, stamp) = match (f.kode.needs_keterangan_tambahan(), f.keterangan_tambahan) {
        (true, Some(n)) => (
            format!("TD.005{n:02}"),
            format!("TD.011{:02}", ct.facility_stamp.unwrap_or(n)),
        ),
        _ => (String::new(), String::new()),
    };
    let one_sen = Decimal::new(1, 2);
    let goods = f
        .items
        .iter()
        .map(|it| {
            let rate = tax::ppn_rule(f.tanggal, it.tarif_ppnbm > Amount::ZERO).tarif;
            let other = it.dpp.round_dp(2);
            let mut vat = it.ppn.round_dp(2);
            let djp_vat = other.percent(rate).round_dp(2);
            if vat_checked(f.kode) && (vat - djp_vat).decimal().abs() <= one_sen {
                vat = djp_vat;
            }
            let (opt, code, unit) = options.line(it);
            GoodService {
                opt,
                code,
                name: it.nama.clone(),
                unit,
                price: money(it.harga_satuan),
                qty: money(it.jumlah_barang),
                total_discount: money(it.diskon),
                tax_base: money(it.harga_total - it.diskon),
                other_tax_base: money(other),
                vat_rate: rate.to_string(),
                vat: money(vat),
                stlg_rate: it.tarif_ppnbm.to_string(),
                stlg: money(it.ppnbm),
            }
        })
        .collect();
    let custom_doc = match f.kode_dokumen_pendukung.as_str() {
        "0" => String::new(),
        other => other.to_string(),
    };
    TaxInvoice {
        tax_invoice_date: f.tanggal.format("%Y-%m-%d").to_string(),
        tax_invoice_opt: "Normal".into(),
        trx_code: format!("{:02}", f.kode.value()),
        add_info,
        custom_doc,
        custom_doc_month_year: ct.custom_doc_month_year.clone(),
        ref_desc: f.referensi.clone(),
        facility_stamp: stamp,
        seller_idtku: ct
            .seller_idtku
            .clone()
            .unwrap_or_else(|| djp::idtku(seller)),
        buyer_tin,
        buyer_document: document.as_str().into(),
        buyer_country: ct.buyer_country.clone().unwrap_or_else(|| "IDN".into()),
        buyer_document_number: ct.buyer_document_number.clone().unwrap_or(number),
        buyer_name: f.lawan_nama.clone(),
        buyer_adress: f.lawan_alamat.clone(),
        buyer_email: ct.buyer_email.clone(),
        buyer_idtku: ct.buyer_idtku.clone().unwrap_or(idtku),
        list_of_good_service: ListOfGoodService { goods },
    }
}

/// Why Coretax cannot take this faktur, as `(column, code, message)`; empty when it can. Covers
/// what the XML cannot express (a date before Coretax, a pengganti, a keterangan tambahan outside
/// DJP's list) and every rule [`check`] applies to the XML itself.
pub fn refusals(f: &Faktur, inv: &TaxInvoice) -> Vec<Problem> {
    let mut out = Vec::new();
    if f.tanggal < tax::start_12_percent() {
        out.push(Problem::new(
            0,
            "TaxInvoiceDate",
            DjpCode::Etax20006,
            Said::new(
                format!(
                    "bertanggal {}: Coretax hanya menerima faktur bertanggal 1 Januari 2025 atau sesudahnya; laporkan faktur ini lewat e-Faktur (CSV)",
                    f.tanggal.format("%d/%m/%Y")
                ),
                format!(
                    "dated {}: Coretax takes invoices dated 1 January 2025 or later only; report this invoice through e-Faktur (CSV)",
                    f.tanggal.format("%d/%m/%Y")
                ),
            ),
        ));
    }
    if f.status == KodeStatus::Pengganti {
        out.push(Problem::new(
            0,
            "TaxInvoiceOpt",
            DjpCode::Etax20026,
            Said::new(
                "faktur pengganti tidak dapat dikirim lewat XML Coretax (hanya Normal); buat penggantinya di Coretax",
                "a replacement invoice cannot be sent as Coretax XML (Normal only); make the replacement in Coretax",
            ),
        ));
    }
    if let (Some(max), Some(n)) = (djp::max_keterangan(f.kode.value()), f.keterangan_tambahan)
        && n > max
    {
        out.push(Problem::new(
            0,
            "AddInfo",
            DjpCode::Etax20040,
            Said::new(
                format!(
                    "keterangan tambahan {n} tidak ada di daftar Coretax untuk kode {} (1 sampai {max})",
                    f.kode
                ),
                format!(
                    "additional remark (keterangan tambahan) {n} is not in Coretax's list for code {} (1 to {max})",
                    f.kode
                ),
            ),
        ));
    }
    let lines = Lines::default();
    let (kode, date) = check_invoice_kind(inv, &lines.invoice(0), &mut out);
    check_parties(inv, &lines.invoice(0), &mut out);
    for g in &inv.list_of_good_service.goods {
        check_good(g, &lines.good(0), kode, date, &mut out);
    }
    out
}

/// The XML text of one bulk file.
pub fn to_xml(bulk: &TaxInvoiceBulk) -> Result<String, ExportError> {
    let mut body = String::new();
    let mut ser = quick_xml::se::Serializer::new(&mut body);
    ser.indent(' ', 2);
    bulk.serialize(ser)
        .map_err(|e| ExportError::Invalid(format!("XML tidak dapat dibentuk: {e}")))?;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}\n"
    ))
}

/// Reads a bulk file. A file that is not a `TaxInvoiceBulk` gives one ETAX-20023 problem.
pub fn from_xml(text: &str) -> Result<TaxInvoiceBulk, Problem> {
    quick_xml::de::from_str(text.trim_start_matches('\u{FEFF}')).map_err(|e| {
        Problem::new(
            1,
            "TaxInvoiceBulk",
            DjpCode::Etax20023,
            Said::new(
                format!("bukan XML TaxInvoiceBulk Coretax yang sah: {e}"),
                format!("not a valid Coretax TaxInvoiceBulk XML: {e}"),
            ),
        )
    })
}

/// Faktur refusals shown one by one; the rest are counted.
const SHOWN_REFUSALS: usize = 50;

/// Writes the faktur keluaran matching `filter` (Normal and Normal-Pengganti) to `path`, at most
/// [`MAX_PER_FILE`] per file. When more files are needed they are named `<stem>-1.xml`,
/// `<stem>-2.xml`, … beside `path`. Lines take Opt, Code and Unit from the faktur itself, else
/// from Referensi Barang/Jasa, else from `options`.
///
/// Every faktur is checked first: when Coretax would refuse any of them, nothing is written and
/// the error names each such faktur and why. No faktur: nothing written, an empty list.
pub fn write_files(
    conn: &rusqlite::Connection,
    filter: Filter,
    seller: &Profile,
    options: &CoretaxOptions,
    path: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<Vec<PathBuf>, ExportError> {
    write_files_to(conn, filter, seller, options, path, false, progress).map(|w| w.files)
}

/// What [`write_files_to`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WrittenFiles {
    /// The files written, in order; empty when no faktur matched (then nothing was written).
    pub files: Vec<PathBuf>,
    /// Parts `<stem>-<n>.xml` of an earlier, larger export that were removed (only with `force`).
    pub removed: Vec<PathBuf>,
}

/// [`write_files`], all or nothing: each file is written to a temporary file and renamed into
/// place only when every one is complete. Without `force`, existing files of the export's names
/// (the target, or its parts), and parts `<stem>-<n>.xml` left by an earlier larger export, stop
/// it before anything is replaced ([`ExportError::Exists`]); with `force` those are replaced and
/// the left-over parts removed. `path` itself is never touched by a split export.
pub fn write_files_to(
    conn: &rusqlite::Connection,
    filter: Filter,
    seller: &Profile,
    options: &CoretaxOptions,
    path: &Path,
    force: bool,
    progress: &mut dyn FnMut(u64),
) -> Result<WrittenFiles, ExportError> {
    options.check().map_err(ExportError::Refused)?;
    let mut options = options.clone();
    options.referensi = store::item::coretax_lines(conn)?;
    let filter = Filter {
        masukan: Some(false),
        ..filter
    };
    let in_force = |s: &StoredFaktur| {
        matches!(
            s.status,
            FakturStatus::Normal | FakturStatus::NormalPengganti
        )
    };
    // First pass: what Coretax would refuse.
    let mut refused: Vec<String> = Vec::new();
    let mut refused_en: Vec<String> = Vec::new();
    let mut refused_faktur = 0usize;
    let mut total = 0u64;
    store::faktur::for_each(conn, filter, |s| {
        if !in_force(&s) {
            return Ok(());
        }
        total += 1;
        let inv = to_tax_invoice(&s.faktur, &seller.npwp, &options);
        let problems = refusals(&s.faktur, &inv);
        if !problems.is_empty() {
            refused_faktur += 1;
        }
        for p in problems {
            if refused.len() < SHOWN_REFUSALS {
                let (nomor, referensi) = (s.faktur.nomor(), &s.faktur.referensi);
                let (tanggal, column) = (s.faktur.tanggal.format("%d/%m/%Y"), &p.column);
                let code = p.code.as_str();
                refused.push(format!(
                    "faktur {nomor} (referensi '{referensi}', tanggal {tanggal}) {column}: {code} : {}",
                    p.message
                ));
                refused_en.push(format!(
                    "invoice {nomor} (reference '{referensi}', date {tanggal}) {column}: {code} : {}",
                    p.en
                ));
            }
        }
        Ok(())
    })?;
    if refused_faktur > 0 {
        let (more, more_en) = if refused.len() == SHOWN_REFUSALS {
            ("\n  ... (daftar dipotong)", "\n  ... (list cut short)")
        } else {
            ("", "")
        };
        return Err(ExportError::Refused(Said::new(
            format!(
                "{refused_faktur} dari {total} faktur tidak dapat diterima Coretax; tidak ada file yang ditulis. Perbaiki faktur berikut atau pilih masa lain:\n  {}{more}",
                refused.join("\n  ")
            ),
            format!(
                "{refused_faktur} of {total} invoices cannot be accepted by Coretax; no file was written. Correct these invoices or choose another period:\n  {}{more_en}",
                refused_en.join("\n  ")
            ),
        )));
    }
    if total == 0 {
        return Ok(WrittenFiles::default());
    }
    // Second pass: write, each file to a temporary file first.
    let mut staged: Vec<super::output::Staged> = Vec::new();
    let mut chunk: Vec<TaxInvoice> = Vec::with_capacity(MAX_PER_FILE);
    let mut failure: Option<ExportError> = None;
    let mut count = 0u64;
    let flush = |chunk: &mut Vec<TaxInvoice>,
                 staged: &mut Vec<super::output::Staged>|
     -> Result<(), ExportError> {
        let bulk = TaxInvoiceBulk {
            xmlns_xsi: xsi(),
            schema: xsd(),
            tin: djp::tin(&seller.npwp),
            list: ListOfTaxInvoice {
                invoices: std::mem::take(chunk),
            },
        };
        let xml = to_xml(&bulk)?;
        // Named when the number of parts is known.
        let mut file = super::output::Staged::new(path)?;
        std::io::Write::write_all(file.file(), xml.as_bytes())?;
        staged.push(file);
        Ok(())
    };
    store::faktur::for_each(conn, filter, |s| {
        if !in_force(&s) {
            return Ok(());
        }
        chunk.push(to_tax_invoice(&s.faktur, &seller.npwp, &options));
        count += 1;
        progress(count);
        if chunk.len() == MAX_PER_FILE
            && let Err(e) = flush(&mut chunk, &mut staged)
        {
            failure = Some(e);
            return Err(StoreError::rule(DjpCode::Etax10001, "ekspor dihentikan"));
        }
        Ok(())
    })
    .map_err(|e| failure.take().map_or(ExportError::Store(e), |f| f))?;
    if !chunk.is_empty() {
        flush(&mut chunk, &mut staged)?;
    }
    let targets: Vec<PathBuf> = if staged.len() == 1 {
        vec![path.to_path_buf()]
    } else {
        (1..=staged.len())
            .map(|n| super::output::part_name(path, n))
            .collect()
    };
    let stale = super::output::stale_parts(path, &targets);
    if !force && let Some(t) = targets.iter().chain(&stale).find(|t| t.exists()) {
        return Err(ExportError::Exists(t.clone()));
    }
    let mut written = WrittenFiles::default();
    for (file, target) in staged.into_iter().zip(targets) {
        written.files.push(file.commit_as(&target, force)?);
    }
    for old in stale {
        std::fs::remove_file(&old)?;
        written.removed.push(old);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FakturDraft, FakturItemDraft};

    fn kode04_2025() -> Faktur {
        FakturDraft {
            kd_jenis_transaksi: "04".into(),
            fg_pengganti: "0".into(),
            nomor_faktur: "0002500000001".into(),
            masa_pajak: "1".into(),
            tahun_pajak: "2025".into(),
            tanggal_faktur: "15/01/2025".into(),
            npwp: "013000666091000".into(),
            nama: "PT PEMBELI JAYA".into(),
            alamat: "Jl. Merdeka 1".into(),
            jumlah_dpp: "91666".into(),
            jumlah_ppn: "11000".into(),
            jumlah_ppnbm: "0".into(),
            items: vec![FakturItemDraft {
                kode_objek: "S1".into(),
                nama: "Semen 50kg".into(),
                harga_satuan: "50000".into(),
                jumlah_barang: "2".into(),
                harga_total: "100000".into(),
                diskon: "0".into(),
                dpp: "91666.67".into(),
                ppn: "11000".into(),
                tarif_ppnbm: "0".into(),
                ppnbm: "0".into(),
            }],
            ..FakturDraft::default()
        }
        .validate()
        .expect("valid kode 04 faktur")
    }

    #[test]
    fn kode_04_from_2025_uses_eleven_twelfths_and_12_percent() {
        let seller = Npwp::parse("013463476415001").unwrap();
        let inv = to_tax_invoice(&kode04_2025(), &seller, &CoretaxOptions::default());
        let g = &inv.list_of_good_service.goods[0];
        assert_eq!(
            (
                g.tax_base.as_str(),
                g.other_tax_base.as_str(),
                g.vat_rate.as_str(),
                g.vat.as_str()
            ),
            ("100000.00", "91666.67", "12", "11000.00")
        );
        assert_eq!(inv.buyer_tin, "0013000666091000");
        assert_eq!(inv.buyer_idtku, "0013000666091000000000");
        // The seller is a branch (…001): head office TIN, branch number in the NITKU.
        assert_eq!(inv.seller_idtku, "0013463476415000000001");
        assert_eq!(inv.tax_invoice_date, "2025-01-15");
        let bulk = TaxInvoiceBulk {
            xmlns_xsi: xsi(),
            schema: xsd(),
            tin: djp::tin(&seller),
            list: ListOfTaxInvoice {
                invoices: vec![inv],
            },
        };
        let xml = to_xml(&bulk).unwrap();
        assert!(check(&xml).is_clean(), "{:?}", check(&xml).errors);
        assert_eq!(from_xml(&xml).unwrap(), bulk);
    }

    #[test]
    fn not_xml_is_one_clear_problem() {
        let r = check("FK,01,0");
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].code, DjpCode::Etax20023);
    }
}
