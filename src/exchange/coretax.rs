//! Coretax `TaxInvoiceBulk` XML (2025+): export of faktur keluaran, and reading it back to check
//! it. Element order and rules follow DJP's template 1.6.1 (`reference/coretax-xml.md`).
//!
//! The XML carries no NSFP (Coretax numbers faktur itself), so a Coretax file can be checked but
//! not imported into the Local Database, whose faktur are keyed by their number.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::faktur::Faktur;
use crate::domain::{Amount, DjpCode, FakturStatus, KodeTransaksi, Npwp, NpwpKind, tax};
use crate::store::faktur::Filter;
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

/// What the e-Faktur data does not say and Coretax needs.
#[derive(Debug, Clone)]
pub struct CoretaxOptions {
    /// `A` barang or `B` jasa, for every line.
    pub opt: String,
    /// Unit code `UM.0001`..`UM.0039` for every line.
    pub unit: String,
}

impl Default for CoretaxOptions {
    fn default() -> CoretaxOptions {
        CoretaxOptions {
            opt: "A".into(),
            unit: "UM.0018".into(),
        }
    }
}

/// Two decimals, `.` separator, half-up (Coretax rounding).
fn money(a: Amount) -> String {
    format!("{:.2}", a.round_dp(2).decimal())
}

/// One faktur as a Coretax `TaxInvoice`.
pub fn to_tax_invoice(f: &Faktur, seller: &Npwp, options: &CoretaxOptions) -> TaxInvoice {
    let (buyer_tin, document, number, idtku) = if let Some(nik) = &f.lawan_nik {
        (
            "0000000000000000".to_string(),
            "National ID",
            nik.clone(),
            "000000".to_string(),
        )
    } else if f.lawan_npwp.is_none() {
        (
            "0000000000000000".to_string(),
            "Other ID",
            "-".to_string(),
            "000000".to_string(),
        )
    } else if f.lawan_npwp.kind() == NpwpKind::Nik {
        (
            "0000000000000000".to_string(),
            "National ID",
            f.lawan_npwp.digits().to_string(),
            "000000".to_string(),
        )
    } else {
        (
            f.lawan_npwp.npwp16(),
            "TIN",
            "-".to_string(),
            f.lawan_npwp.nitku(),
        )
    };
    let (add_info, stamp) = match (f.kode.needs_keterangan_tambahan(), f.keterangan_tambahan) {
        (true, Some(n)) => (format!("TD.005{n:02}"), format!("TD.011{n:02}")),
        _ => (String::new(), String::new()),
    };
    let goods = f
        .items
        .iter()
        .map(|it| {
            let mewah = it.tarif_ppnbm > Amount::ZERO;
            let rule = tax::ppn_rule(f.tanggal, mewah);
            let base = (it.harga_total - it.diskon).round_dp(2);
            let other = if rule.nilai_lain_11_12 && f.kode == KodeTransaksi::NILAI_LAIN {
                base.ratio(11, 12).round_dp(2)
            } else {
                base
            };
            GoodService {
                opt: options.opt.clone(),
                code: "000000".into(),
                name: it.nama.clone(),
                unit: options.unit.clone(),
                price: money(it.harga_satuan),
                qty: money(it.jumlah_barang),
                total_discount: money(it.diskon),
                tax_base: money(base),
                other_tax_base: money(other),
                vat_rate: rule.tarif.to_string(),
                vat: money(other.percent(rule.tarif)),
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
        custom_doc_month_year: String::new(),
        ref_desc: f.referensi.clone(),
        facility_stamp: stamp,
        seller_idtku: seller.nitku(),
        buyer_tin,
        buyer_document: document.into(),
        buyer_country: "IDN".into(),
        buyer_document_number: number,
        buyer_name: f.lawan_nama.clone(),
        buyer_adress: f.lawan_alamat.clone(),
        buyer_email: String::new(),
        buyer_idtku: idtku,
        list_of_good_service: ListOfGoodService { goods },
    }
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

/// 1-based lines where each occurrence of `<tag>` starts.
pub(crate) fn tag_lines(text: &str, tag: &str) -> Vec<u64> {
    let open = format!("<{tag}>");
    let mut out = Vec::new();
    let mut line = 1u64;
    let mut last = 0usize;
    for (pos, _) in text.match_indices(&open) {
        line += text[last..pos].bytes().filter(|&b| b == b'\n').count() as u64;
        last = pos;
        out.push(line);
    }
    out
}

fn decimal2(raw: &str) -> Option<Decimal> {
    let a = Amount::parse(raw).ok()?;
    (a.decimal().scale() <= 2 || a.decimal().normalize().scale() <= 2).then(|| a.decimal())
}

/// Checks a Coretax file the way Coretax does (every problem, with its line).
pub fn check(text: &str) -> Report {
    let mut report = Report::new(FileKind::CoretaxXml);
    let bulk = match from_xml(text) {
        Ok(b) => b,
        Err(p) => {
            report.errors.push(p);
            return report;
        }
    };
    let inv_lines = tag_lines(text, "TaxInvoice");
    let good_lines = tag_lines(text, "GoodService");
    // Problems of one faktur at a time, then into the report, which keeps the first ones only.
    let mut found = Vec::new();
    let errs = &mut found;
    check_bulk(&bulk, errs);
    report.errors.extend(errs.drain(..));
    let invoices = &bulk.list.invoices;
    let mut good_index = 0usize;
    for (i, inv) in invoices.iter().enumerate() {
        let line = inv_lines.get(i).copied().unwrap_or(1);
        let (kode, date) = check_invoice_kind(inv, line, errs);
        check_parties(inv, line, errs);
        let goods = &inv.list_of_good_service.goods;
        if goods.is_empty() {
            errs.push(Problem::new(
                line,
                "ListOfGoodService",
                DjpCode::Etax20022,
                "faktur harus punya paling sedikit satu GoodService",
            ));
        }
        for g in goods {
            let gline = good_lines.get(good_index).copied().unwrap_or(line);
            good_index += 1;
            check_good(g, gline, kode, date, errs);
        }
        report.errors.extend(errs.drain(..));
    }
    report.faktur = invoices.len() as u64;
    report.items = good_index as u64;
    report.sort();
    report
}

/// The seller's TIN and the number of faktur in the file.
fn check_bulk(bulk: &TaxInvoiceBulk, errs: &mut Vec<Problem>) {
    if !matches!(Npwp::parse(&bulk.tin), Ok(n) if n.digits().len() == 16) {
        errs.push(Problem::new(
            1,
            "TIN",
            DjpCode::Etax20005,
            format!("TIN penjual '{}' harus NPWP 16 digit", bulk.tin),
        ));
    }
    let count = bulk.list.invoices.len();
    if count > MAX_PER_FILE {
        errs.push(Problem::new(
            1,
            "ListOfTaxInvoice",
            DjpCode::Etax20023,
            format!("{count} faktur dalam satu file; Coretax menerima paling banyak {MAX_PER_FILE}, bagi filenya"),
        ));
    }
}

/// Date, TrxCode and the facility fields it requires; returns the date and kode when valid.
fn check_invoice_kind(
    inv: &TaxInvoice,
    line: u64,
    errs: &mut Vec<Problem>,
) -> (Option<KodeTransaksi>, Option<NaiveDate>) {
    let mut push = |col: &str, code, msg: String| errs.push(Problem::new(line, col, code, msg));
    let date = NaiveDate::parse_from_str(&inv.tax_invoice_date, "%Y-%m-%d").ok();
    if date.is_none() {
        push(
            "TaxInvoiceDate",
            DjpCode::Etax20006,
            format!("tanggal '{}' harus YYYY-MM-DD", inv.tax_invoice_date),
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
    if kode.is_some_and(KodeTransaksi::needs_keterangan_tambahan)
        && (!inv.add_info.starts_with("TD.005") || !inv.facility_stamp.starts_with("TD.011"))
    {
        push(
            "AddInfo",
            DjpCode::Etax20040,
            "kode 07/08 wajib mengisi AddInfo (TD.005nn) dan FacilityStamp (TD.011nn)".into(),
        );
    }
    (kode, date)
}

/// Buyer document, TIN, IDTKU and name; the seller's IDTKU.
fn check_parties(inv: &TaxInvoice, line: u64, errs: &mut Vec<Problem>) {
    let mut push = |col: &str, code, msg: String| errs.push(Problem::new(line, col, code, msg));
    let tin_buyer = inv.buyer_document == "TIN";
    if !matches!(
        inv.buyer_document.as_str(),
        "TIN" | "National ID" | "Passport" | "Other ID"
    ) {
        push(
            "BuyerDocument",
            DjpCode::Etax20008,
            format!(
                "BuyerDocument '{}' harus TIN, National ID, Passport atau Other ID",
                inv.buyer_document
            ),
        );
    }
    if inv.buyer_tin.len() != 16
        || !inv.buyer_tin.bytes().all(|b| b.is_ascii_digit())
        || (tin_buyer && Npwp::parse(&inv.buyer_tin).is_err())
    {
        push(
            "BuyerTin",
            DjpCode::Etax20005,
            format!(
                "BuyerTin '{}' harus NPWP 16 digit (0000000000000000 bila bukan TIN)",
                inv.buyer_tin
            ),
        );
    }
    if tin_buyer && inv.buyer_idtku.len() != 22 {
        push(
            "BuyerIDTKU",
            DjpCode::Etax20005,
            format!("BuyerIDTKU '{}' harus NITKU 22 digit", inv.buyer_idtku),
        );
    }
    if inv.seller_idtku.len() != 22 {
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
    line: u64,
    kode: Option<KodeTransaksi>,
    date: Option<NaiveDate>,
    errs: &mut Vec<Problem>,
) {
    let mut push = |col: &str, code, msg: String| errs.push(Problem::new(line, col, code, msg));
    check_good_codes(g, &mut push);
    if let Some(amounts) = good_amounts(g, &mut push) {
        check_good_arithmetic(amounts, kode, date, &mut push);
    }
}

/// Opt, Unit and Name of one GoodService.
fn check_good_codes(g: &GoodService, push: &mut impl FnMut(&str, DjpCode, String)) {
    if !matches!(g.opt.as_str(), "A" | "B") {
        push(
            "Opt",
            DjpCode::Etax20008,
            format!("Opt '{}' harus A (barang) atau B (jasa)", g.opt),
        );
    }
    let unit_ok = g
        .unit
        .strip_prefix("UM.")
        .and_then(|n| n.parse::<u8>().ok())
        .is_some_and(|n| (1..=39).contains(&n))
        && g.unit.len() == 7;
    if !unit_ok {
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
    // Each amount has at most 18 integer digits, but a product of two can exceed what a
    // Decimal holds: a hostile file gets a problem, not a panic.
    let Some(total) = price.checked_mul(qty).and_then(|t| t.checked_sub(discount)) else {
        push(
            "Price",
            DjpCode::Etax20004,
            format!(
                "Price {price} x Qty {qty} terlalu besar untuk dihitung; periksa kedua angka itu"
            ),
        );
        return;
    };
    if total
        .checked_sub(base)
        .is_none_or(|d| d.abs() > Decimal::new(1, 0))
    {
        push(
            "TaxBase",
            DjpCode::Etax20028,
            format!("TaxBase {base} tidak sama dengan Price x Qty - TotalDiscount = {total}"),
        );
    }
    let nilai_lain = kode == Some(KodeTransaksi::NILAI_LAIN)
        && date.is_some_and(|d| d >= tax::start_12_percent());
    if nilai_lain && other != round2(base * Decimal::from(11) / Decimal::from(12)) {
        push(
            "OtherTaxBase",
            DjpCode::Etax20028,
            format!(
                "OtherTaxBase {other} harus 11/12 x TaxBase = {}",
                round2(base * Decimal::from(11) / Decimal::from(12))
            ),
        );
    }
    let checked = kode.is_some_and(|k| matches!(k.value(), 1 | 4 | 9));
    let Some(expected) = other
        .checked_mul(rate)
        .map(|v| round2(v / Decimal::ONE_HUNDRED))
    else {
        push(
            "VATRate",
            DjpCode::Etax20004,
            format!(
                "OtherTaxBase {other} x VATRate {rate} terlalu besar untuk dihitung; periksa kedua angka itu"
            ),
        );
        return;
    };
    if checked && vat != expected {
        push(
            "VAT",
            DjpCode::Etax20028,
            format!("VAT {vat} harus VATRate x OtherTaxBase = {expected}"),
        );
    }
}

/// Writes the faktur keluaran matching `filter` to `path`, at most [`MAX_PER_FILE`] per file.
/// When more files are needed they are named `<stem>-1.xml`, `<stem>-2.xml`, … beside `path`.
/// Every file is checked before it is written; a faktur Coretax would refuse stops the export.
pub fn write_files(
    conn: &rusqlite::Connection,
    filter: Filter,
    seller: &Profile,
    options: &CoretaxOptions,
    path: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<Vec<PathBuf>, ExportError> {
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
                tin: seller.npwp.npwp16(),
                list: ListOfTaxInvoice {
                    invoices: std::mem::take(chunk),
                },
            };
            let xml = to_xml(&bulk)?;
            let report = check(&xml);
            if let Some(p) = report.errors.first() {
                return Err(ExportError::Invalid(format!(
                    "{} faktur akan ditolak Coretax, mis. faktur ke-{} kolom {}: {} : {}",
                    report.errors.len(),
                    written.len() * MAX_PER_FILE + 1,
                    p.column,
                    p.code.as_str(),
                    p.message
                )));
            }
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
    let filter = Filter {
        masukan: Some(false),
        ..filter
    };
    store::faktur::for_each(conn, filter, |s| {
        if !matches!(
            s.status,
            FakturStatus::Normal | FakturStatus::NormalPengganti
        ) {
            return Ok(());
        }
        chunk.push(to_tax_invoice(&s.faktur, &seller.npwp, options));
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
    if !chunk.is_empty() || written.is_empty() {
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
        assert_eq!(inv.seller_idtku, "0013463476415001000000");
        assert_eq!(inv.tax_invoice_date, "2025-01-15");
        let bulk = TaxInvoiceBulk {
            xmlns_xsi: xsi(),
            schema: xsd(),
            tin: seller.npwp16(),
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
