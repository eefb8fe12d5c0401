//! Coretax `TaxInvoiceBulk` XML (2025+): export of faktur keluaran, and reading it back to check
//! it. Element order and rules follow DJP's template 1.6.1 (`reference/coretax-xml.md`).
//!
//! The XML carries no NSFP (Coretax numbers faktur itself), so a Coretax file can be checked but
//! not imported into the Local Database, whose faktur are keyed by their number.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::coretax as djp;
use crate::domain::faktur::{Faktur, FakturItem};
use crate::domain::{
    Amount, BuyerDocument, CoretaxLine, DjpCode, FakturStatus, KodeStatus, KodeTransaksi, Npwp,
    NpwpKind, tax,
};
use crate::store::faktur::{Filter, StoredFaktur};
use crate::store::profile::Profile;
use crate::store::{self, StoreError};

use super::csv_write::ExportError;
use super::report::{FileKind, Problem, Report};

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
    pub fn check(&self) -> Result<(), String> {
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

const NO_TIN: &str = "0000000000000000";

/// Kode whose VAT DJP recomputes as VATRate × OtherTaxBase (Keterangan.csv, column PPN).
fn vat_checked(kode: KodeTransaksi) -> bool {
    matches!(kode.value(), 1 | 4 | 9)
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
            format!(
                "bertanggal {}: Coretax hanya menerima faktur bertanggal 1 Januari 2025 atau sesudahnya; laporkan faktur ini lewat e-Faktur (CSV)",
                f.tanggal.format("%d/%m/%Y")
            ),
        ));
    }
    if f.status == KodeStatus::Pengganti {
        out.push(Problem::new(
            0,
            "TaxInvoiceOpt",
            DjpCode::Etax20026,
            "faktur pengganti tidak dapat dikirim lewat XML Coretax (hanya Normal); buat penggantinya di Coretax",
        ));
    }
    if let (Some(max), Some(n)) = (djp::max_keterangan(f.kode.value()), f.keterangan_tambahan)
        && n > max
    {
        out.push(Problem::new(
            0,
            "AddInfo",
            DjpCode::Etax20040,
            format!(
                "keterangan tambahan {n} tidak ada di daftar Coretax untuk kode {} (1 sampai {max})",
                f.kode
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
            format!("bukan XML TaxInvoiceBulk Coretax yang sah: {e}"),
        )
    })
}

/// Where one element starts and where each of its child elements starts (1-based lines), so that
/// a problem with a field is reported on that field's own line.
#[derive(Debug, Clone, Default)]
pub(crate) struct ElementLines {
    pub start: u64,
    children: HashMap<String, u64>,
}

impl ElementLines {
    /// The line of child `name`, or of the element itself when the child is missing.
    pub fn line(&self, name: &str) -> u64 {
        self.children.get(name).copied().unwrap_or(self.start)
    }
}

/// The lines of a `TaxInvoiceBulk`'s elements: the bulk's own children, and each `TaxInvoice` and
/// each `GoodService` (in file order) with their children.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lines {
    bulk: ElementLines,
    invoices: Vec<ElementLines>,
    goods: Vec<ElementLines>,
}

impl Lines {
    /// Reads the element positions of `text`; a malformed tail simply ends the scan.
    pub fn of(text: &str) -> Lines {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(text);
        let mut lines = Lines {
            bulk: ElementLines {
                start: 1,
                ..ElementLines::default()
            },
            ..Lines::default()
        };
        let (mut line, mut seen) = (1u64, 0usize);
        let mut path: Vec<String> = Vec::new();
        loop {
            let at = usize::try_from(reader.buffer_position()).unwrap_or(text.len());
            let event = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(e) => e,
            };
            let at = at.min(text.len());
            if let Some(gap) = text.get(seen..at) {
                line += gap.bytes().filter(|&b| b == b'\n').count() as u64;
                seen = at;
            }
            let (name, empty) = match &event {
                Event::Start(e) => (
                    String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    false,
                ),
                Event::Empty(e) => (
                    String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    true,
                ),
                Event::End(_) => {
                    path.pop();
                    continue;
                }
                _ => continue,
            };
            let parent = path.last().map(String::as_str);
            match (parent, name.as_str()) {
                (Some("ListOfTaxInvoice"), "TaxInvoice") => lines.invoices.push(ElementLines {
                    start: line,
                    ..ElementLines::default()
                }),
                (Some("ListOfGoodService"), "GoodService") => lines.goods.push(ElementLines {
                    start: line,
                    ..ElementLines::default()
                }),
                (Some("TaxInvoiceBulk"), _) => {
                    lines.bulk.children.entry(name.clone()).or_insert(line);
                }
                (Some("TaxInvoice"), _) => {
                    if let Some(inv) = lines.invoices.last_mut() {
                        inv.children.entry(name.clone()).or_insert(line);
                    }
                }
                (Some("GoodService"), _) => {
                    if let Some(g) = lines.goods.last_mut() {
                        g.children.entry(name.clone()).or_insert(line);
                    }
                }
                _ => {}
            }
            if !empty {
                path.push(name);
            }
        }
        lines
    }

    /// The line of a child of `TaxInvoiceBulk`.
    pub fn bulk_line(&self, name: &str) -> u64 {
        self.bulk.line(name)
    }

    /// The lines of the `i`-th `TaxInvoice` (line 1 when unknown).
    pub fn invoice(&self, i: usize) -> ElementLines {
        self.invoices.get(i).cloned().unwrap_or(ElementLines {
            start: self.bulk.start,
            ..ElementLines::default()
        })
    }

    /// The lines of the `i`-th `GoodService` of the file.
    pub fn good(&self, i: usize) -> ElementLines {
        self.goods.get(i).cloned().unwrap_or(ElementLines {
            start: self.bulk.start,
            ..ElementLines::default()
        })
    }
}

fn decimal2(raw: &str) -> Option<Decimal> {
    let a = Amount::parse(raw).ok()?;
    (a.decimal().scale() <= 2 || a.decimal().normalize().scale() <= 2).then(|| a.decimal())
}

/// Checks a Coretax file the way Coretax does (every problem, on the line of its element).
pub fn check(text: &str) -> Report {
    let mut report = Report::new(FileKind::CoretaxXml);
    let bulk = match from_xml(text) {
        Ok(b) => b,
        Err(p) => {
            report.errors.push(p);
            return report;
        }
    };
    let lines = Lines::of(text);
    let errs = &mut report.errors;
    check_bulk(&bulk, &lines.bulk, errs);
    let invoices = &bulk.list.invoices;
    let mut good_index = 0usize;
    for (i, inv) in invoices.iter().enumerate() {
        let at = lines.invoice(i);
        let (kode, date) = check_invoice_kind(inv, &at, errs);
        check_parties(inv, &at, errs);
        let goods = &inv.list_of_good_service.goods;
        if goods.is_empty() {
            errs.push(Problem::new(
                at.line("ListOfGoodService"),
                "ListOfGoodService",
                DjpCode::Etax20022,
                "faktur harus punya paling sedikit satu GoodService",
            ));
        }
        for g in goods {
            check_good(g, &lines.good(good_index), kode, date, errs);
            good_index += 1;
        }
    }
    report.faktur = invoices.len() as u64;
    report.items = good_index as u64;
    report.sort();
    report
}

/// What is wrong with a TIN in words: the NPWP rule it breaks (check digit, NIK date, length).
fn tin_problem(raw: &str) -> Option<String> {
    if raw.len() != 16 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!(
            "harus 16 angka, bukan {} karakter",
            raw.chars().count()
        ));
    }
    Npwp::parse(raw).err().map(|e| e.to_string())
}

/// The seller's TIN and the number of faktur in the file.
fn check_bulk(bulk: &TaxInvoiceBulk, at: &ElementLines, errs: &mut Vec<Problem>) {
    if let Some(why) = tin_problem(&bulk.tin) {
        errs.push(Problem::new(
            at.line("TIN"),
            "TIN",
            DjpCode::Etax20005,
            format!("TIN penjual '{}' tidak sah: {why}", bulk.tin),
        ));
    }
    let count = bulk.list.invoices.len();
    let list_line = at.line("ListOfTaxInvoice");
    if count == 0 {
        errs.push(Problem::new(
            list_line,
            "ListOfTaxInvoice",
            DjpCode::Etax20023,
            "file tidak berisi satu pun TaxInvoice; Coretax menolak file kosong",
        ));
    }
    if count > MAX_PER_FILE {
        errs.push(Problem::new(
            list_line,
            "ListOfTaxInvoice",
            DjpCode::Etax20023,
            format!("{count} faktur dalam satu file; Coretax menerima paling banyak {MAX_PER_FILE}, bagi filenya"),
        ));
    }
}

/// Date, TrxCode and the facility fields it requires; returns the date and kode when valid.
fn check_invoice_kind(
    inv: &TaxInvoice,
    at: &ElementLines,
    errs: &mut Vec<Problem>,
) -> (Option<KodeTransaksi>, Option<NaiveDate>) {
    let mut push =
        |col: &str, code, msg: String| errs.push(Problem::new(at.line(col), col, code, msg));
    let date = NaiveDate::parse_from_str(&inv.tax_invoice_date, "%Y-%m-%d").ok();
    if date.is_none() {
        push(
            "TaxInvoiceDate",
            DjpCode::Etax20006,
            format!("tanggal '{}' harus YYYY-MM-DD", inv.tax_invoice_date),
        );
    }
    if inv.tax_invoice_opt != "Normal" {
        push(
            "TaxInvoiceOpt",
            DjpCode::Etax20008,
            format!("TaxInvoiceOpt '{}' harus Normal", inv.tax_invoice_opt),
        );
    }
    let kode = inv
        .trx_code
        .parse::<u8>()
        .ok()
        .and_then(KodeTransaksi::new)
        .filter(|_| inv.trx_code.len() == 2);
    if kode.is_none() {
        push(
            "TrxCode",
            DjpCode::Etax20008,
            format!("TrxCode '{}' harus 01 sampai 10", inv.trx_code),
        );
    }
    if let Some(k) = kode.filter(|k| k.needs_keterangan_tambahan()) {
        let max = djp::max_keterangan(k.value()).unwrap_or(0);
        let nn = |v: &str, prefix: &str| {
            v.strip_prefix(prefix)
                .filter(|n| n.len() == 2)
                .and_then(|n| n.parse::<u16>().ok())
                .filter(|n| (1..=max).contains(n))
        };
        if nn(&inv.add_info, "TD.005").is_none() {
            push(
                "AddInfo",
                DjpCode::Etax20040,
                format!(
                    "kode {k} wajib mengisi AddInfo TD.00501 sampai TD.005{max:02}, bukan '{}'",
                    inv.add_info
                ),
            );
        }
        if nn(&inv.facility_stamp, "TD.011").is_none() {
            push(
                "FacilityStamp",
                DjpCode::Etax20040,
                format!(
                    "kode {k} wajib mengisi FacilityStamp TD.01101 sampai TD.011{max:02}, bukan '{}'",
                    inv.facility_stamp
                ),
            );
        }
    }
    if !djp::is_month_year(&inv.custom_doc_month_year) {
        push(
            "CustomDocMonthYear",
            DjpCode::Etax20006,
            format!(
                "CustomDocMonthYear '{}' harus bulan dan tahun MMYYYY, mis. 012025",
                inv.custom_doc_month_year
            ),
        );
    }
    (kode, date)
}

/// Buyer document, TIN, IDTKU, country and name; the seller's IDTKU.
fn check_parties(inv: &TaxInvoice, at: &ElementLines, errs: &mut Vec<Problem>) {
    let mut push =
        |col: &str, code, msg: String| errs.push(Problem::new(at.line(col), col, code, msg));
    let document = BuyerDocument::parse(&inv.buyer_document);
    if document.is_none() {
        push(
            "BuyerDocument",
            DjpCode::Etax20008,
            format!(
                "BuyerDocument '{}' harus TIN, National ID, Passport atau Other ID",
                inv.buyer_document
            ),
        );
    }
    if document == Some(BuyerDocument::Tin) {
        if let Some(why) = tin_problem(&inv.buyer_tin) {
            push(
                "BuyerTin",
                DjpCode::Etax20005,
                format!("BuyerTin '{}' tidak sah: {why}", inv.buyer_tin),
            );
        }
        if inv.buyer_idtku.len() != 22
            || !inv.buyer_idtku.starts_with(inv.buyer_tin.as_str())
            || !inv.buyer_idtku.bytes().all(|b| b.is_ascii_digit())
        {
            push(
                "BuyerIDTKU",
                DjpCode::Etax20005,
                format!(
                    "BuyerIDTKU '{}' harus NITKU 22 digit: BuyerTin lalu 6 digit tempat usaha",
                    inv.buyer_idtku
                ),
            );
        }
    } else if document.is_some() && inv.buyer_tin != NO_TIN {
        push(
            "BuyerTin",
            DjpCode::Etax20005,
            format!(
                "BuyerTin '{}' harus {NO_TIN} bila BuyerDocument bukan TIN",
                inv.buyer_tin
            ),
        );
    }
    if !djp::is_country_code(&inv.buyer_country) {
        push(
            "BuyerCountry",
            DjpCode::Etax20008,
            format!(
                "BuyerCountry '{}' harus kode negara 3 huruf (ISO alpha-3), mis. IDN",
                inv.buyer_country
            ),
        );
    }
    if matches!(
        document,
        Some(BuyerDocument::Passport | BuyerDocument::OtherId | BuyerDocument::NationalId)
    ) && matches!(inv.buyer_document_number.trim(), "" | "-")
    {
        push(
            "BuyerDocumentNumber",
            DjpCode::Etax20008,
            format!(
                "BuyerDocumentNumber wajib diisi untuk BuyerDocument {}",
                inv.buyer_document
            ),
        );
    }
    let seller_ok = inv.seller_idtku.len() == 22
        && inv.seller_idtku.bytes().all(|b| b.is_ascii_digit())
        && tin_problem(&inv.seller_idtku[..16]).is_none();
    if !seller_ok {
        push(
            "SellerIDTKU",
            DjpCode::Etax20005,
            format!("SellerIDTKU '{}' harus NITKU 22 digit", inv.seller_idtku),
        );
    }
    if inv.buyer_name.trim().is_empty() {
        push(
            "BuyerName",
            DjpCode::Etax20008,
            "BuyerName wajib diisi".into(),
        );
    }
}

fn check_good(
    g: &GoodService,
    at: &ElementLines,
    kode: Option<KodeTransaksi>,
    date: Option<NaiveDate>,
    errs: &mut Vec<Problem>,
) {
    let mut push =
        |col: &str, code, msg: String| errs.push(Problem::new(at.line(col), col, code, msg));
    check_good_codes(g, &mut push);
    if let Some(amounts) = good_amounts(g, &mut push) {
        check_good_arithmetic(amounts, kode, date, &mut push);
    }
}

/// Opt, Code, Unit and Name of one GoodService.
fn check_good_codes(g: &GoodService, push: &mut impl FnMut(&str, DjpCode, String)) {
    if !matches!(g.opt.as_str(), "A" | "B") {
        push(
            "Opt",
            DjpCode::Etax20008,
            format!("Opt '{}' harus A (barang) atau B (jasa)", g.opt),
        );
    }
    if !djp::is_goods_code(&g.code) {
        push(
            "Code",
            DjpCode::Etax20008,
            format!(
                "Code '{}' harus kode barang/jasa 6 digit (000000 bila tidak ada)",
                g.code
            ),
        );
    }
    if !djp::is_unit_code(&g.unit) {
        push(
            "Unit",
            DjpCode::Etax20008,
            format!("Unit '{}' harus kode satuan UM.0001 sampai UM.0039", g.unit),
        );
    }
    if g.name.trim().is_empty() {
        push(
            "Name",
            DjpCode::Etax20008,
            "Name barang/jasa wajib diisi".into(),
        );
    }
}

/// The nine amounts of one GoodService in file order (Price … STLG), or `None` after reporting
/// every one that is not a number with at most two decimals.
fn good_amounts(
    g: &GoodService,
    push: &mut impl FnMut(&str, DjpCode, String),
) -> Option<[Decimal; 9]> {
    let fields = [
        ("Price", &g.price),
        ("Qty", &g.qty),
        ("TotalDiscount", &g.total_discount),
        ("TaxBase", &g.tax_base),
        ("OtherTaxBase", &g.other_tax_base),
        ("VATRate", &g.vat_rate),
        ("VAT", &g.vat),
        ("STLGRate", &g.stlg_rate),
        ("STLG", &g.stlg),
    ];
    let mut v = [Decimal::ZERO; 9];
    let mut ok = true;
    for (i, (col, raw)) in fields.iter().enumerate() {
        match decimal2(raw) {
            Some(d) => v[i] = d,
            None => {
                ok = false;
                push(
                    col,
                    DjpCode::Etax20004,
                    format!(
                        "{col} '{raw}' harus angka dengan paling banyak 2 desimal (titik sebagai pemisah)"
                    ),
                );
            }
        }
    }
    ok.then_some(v)
}

/// TaxBase, OtherTaxBase (11/12 for kode 04 from 2025) and VAT of one GoodService.
fn check_good_arithmetic(
    amounts: [Decimal; 9],
    kode: Option<KodeTransaksi>,
    date: Option<NaiveDate>,
    push: &mut impl FnMut(&str, DjpCode, String),
) {
    let [price, qty, discount, base, other, rate, vat, ..] = amounts;
    let round2 = |d: Decimal| {
        d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    };
    // Checked: amounts of up to 18 digits multiply beyond what a Decimal holds.
    let Some(net) = price.checked_mul(qty).and_then(|p| p.checked_sub(discount)) else {
        push(
            "Price",
            DjpCode::Etax20004,
            format!("Price {price} x Qty {qty} terlalu besar untuk dihitung"),
        );
        return;
    };
    if net.checked_sub(base).is_none_or(|d| d.abs() > Decimal::ONE) {
        push(
            "TaxBase",
            DjpCode::Etax20028,
            format!("TaxBase {base} tidak sama dengan Price x Qty - TotalDiscount = {net}"),
        );
    }
    let nilai_lain = kode == Some(KodeTransaksi::NILAI_LAIN)
        && date.is_some_and(|d| d >= tax::start_12_percent());
    let eleven_twelfths = base
        .checked_mul(Decimal::from(11))
        .map(|b| round2(b / Decimal::from(12)));
    if nilai_lain && eleven_twelfths != Some(other) {
        push(
            "OtherTaxBase",
            DjpCode::Etax20028,
            format!(
                "OtherTaxBase {other} harus 11/12 x TaxBase = {}",
                eleven_twelfths.map_or_else(|| "?".into(), |d| d.to_string())
            ),
        );
    }
    let checked = kode.is_some_and(vat_checked);
    let expected = other
        .checked_mul(rate)
        .map(|v| round2(v / Decimal::ONE_HUNDRED));
    if checked && expected != Some(vat) {
        push(
            "VAT",
            DjpCode::Etax20028,
            format!(
                "VAT {vat} harus VATRate x OtherTaxBase = {} (kode 01, 04 dan 09 dihitung ulang DJP)",
                expected.map_or_else(|| "?".into(), |d| d.to_string())
            ),
        );
    }
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
    options.check().map_err(ExportError::Invalid)?;
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
                refused.push(format!(
                    "faktur {} (referensi '{}', tanggal {}) {}: {} : {}",
                    s.faktur.nomor(),
                    s.faktur.referensi,
                    s.faktur.tanggal.format("%d/%m/%Y"),
                    p.column,
                    p.code.as_str(),
                    p.message
                ));
            }
        }
        Ok(())
    })?;
    if refused_faktur > 0 {
        let more = if refused.len() == SHOWN_REFUSALS {
            "\n  ... (daftar dipotong)"
        } else {
            ""
        };
        return Err(ExportError::Invalid(format!(
            "{refused_faktur} dari {total} faktur tidak dapat diterima Coretax; tidak ada file yang ditulis. Perbaiki faktur berikut atau pilih masa lain:\n  {}{more}",
            refused.join("\n  ")
        )));
    }
    if total == 0 {
        return Ok(Vec::new());
    }
    // Second pass: write.
    let numbered = |n: usize| {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "coretax".into());
        path.with_file_name(format!("{stem}-{n}.xml"))
    };
    let mut written: Vec<PathBuf> = Vec::new();
    let mut chunk: Vec<TaxInvoice> = Vec::with_capacity(MAX_PER_FILE);
    let mut failure: Option<ExportError> = None;
    let mut count = 0u64;
    let flush =
        |chunk: &mut Vec<TaxInvoice>, written: &mut Vec<PathBuf>| -> Result<(), ExportError> {
            let bulk = TaxInvoiceBulk {
                xmlns_xsi: xsi(),
                schema: xsd(),
                tin: djp::tin(&seller.npwp),
                list: ListOfTaxInvoice {
                    invoices: std::mem::take(chunk),
                },
            };
            let xml = to_xml(&bulk)?;
            let target = if written.is_empty() {
                path.to_path_buf()
            } else {
                numbered(written.len() + 1)
            };
            if written.len() == 1 {
                let first = numbered(1);
                std::fs::rename(&written[0], &first)?;
                written[0] = first;
            }
            std::fs::write(&target, xml)?;
            written.push(target);
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
            && let Err(e) = flush(&mut chunk, &mut written)
        {
            failure = Some(e);
            return Err(StoreError::rule(DjpCode::Etax10001, "ekspor dihentikan"));
        }
        Ok(())
    })
    .map_err(|e| failure.take().map_or(ExportError::Store(e), |f| f))?;
    if !chunk.is_empty() {
        flush(&mut chunk, &mut written)?;
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
