//! Checks of a Coretax `TaxInvoiceBulk` the way Coretax makes them (DJP's template 1.6.1,
//! `Keterangan.csv`): every problem, on the line of the element it is about.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::coretax::{GoodService, MAX_PER_FILE, TaxInvoice, TaxInvoiceBulk, from_xml};
use super::report::{FileKind, Problem, Report};
use crate::domain::coretax as djp;
use crate::domain::said::Said;
use crate::domain::{Amount, BuyerDocument, DjpCode, KodeTransaksi, Npwp, tax};

/// BuyerTin of a buyer identified otherwise than by TIN.
pub(crate) const NO_TIN: &str = "0000000000000000";

/// Kode whose VAT DJP recomputes as VATRate × OtherTaxBase (Keterangan.csv, column PPN).
pub(crate) fn vat_checked(kode: KodeTransaksi) -> bool {
    matches!(kode.value(), 1 | 4 | 9)
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
    // Problems of one faktur at a time, then into the report, which keeps the first ones only.
    let mut found = Vec::new();
    let errs = &mut found;
    check_bulk(&bulk, &lines.bulk, errs);
    report.errors.extend(errs.drain(..));
    let invoices = &bulk.list.invoices;
    let mut good_index = 0usize;
    for (i, inv) in invoices.iter().enumerate() {
        let at = lines.invoice(i);
        let (kode, date) = check_invoice_kind(inv, &at, errs);
        check_parties(inv, &at, errs);
        if inv.seller_idtku.len() == 22 && !inv.seller_idtku.starts_with(bulk.tin.as_str()) {
            errs.push(Problem::new(
                at.line("SellerIDTKU"),
                "SellerIDTKU",
                DjpCode::Etax20005,
                Said::new(
                    format!(
                        "SellerIDTKU {} bukan tempat usaha dari TIN penjual {}",
                        inv.seller_idtku, bulk.tin
                    ),
                    format!(
                        "SellerIDTKU {} is not a place of business of the seller's TIN {}",
                        inv.seller_idtku, bulk.tin
                    ),
                ),
            ));
        }
        let goods = &inv.list_of_good_service.goods;
        if goods.is_empty() {
            errs.push(Problem::new(
                at.line("ListOfGoodService"),
                "ListOfGoodService",
                DjpCode::Etax20022,
                Said::new(
                    "faktur harus punya paling sedikit satu GoodService",
                    "an invoice needs at least one GoodService",
                ),
            ));
        }
        for g in goods {
            check_good(g, &lines.good(good_index), kode, date, errs);
            good_index += 1;
        }
        report.errors.extend(errs.drain(..));
    }
    report.faktur = invoices.len() as u64;
    report.items = good_index as u64;
    report.sort();
    report
}

/// What is wrong with a TIN in words: the NPWP rule it breaks (check digit, NIK date, length).
fn tin_problem(raw: &str) -> Option<Said> {
    if raw.len() != 16 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        let n = raw.chars().count();
        return Some(Said::new(
            format!("harus 16 angka, bukan {n} karakter"),
            format!("it must be 16 digits, not {n} characters"),
        ));
    }
    Npwp::parse(raw).err().map(Said::from)
}

/// The seller's TIN and the number of faktur in the file.
fn check_bulk(bulk: &TaxInvoiceBulk, at: &ElementLines, errs: &mut Vec<Problem>) {
    if let Some(why) = tin_problem(&bulk.tin) {
        errs.push(Problem::new(
            at.line("TIN"),
            "TIN",
            DjpCode::Etax20005,
            Said::new(
                format!("TIN penjual '{}' tidak sah: {}", bulk.tin, why.id),
                format!("the seller's TIN '{}' is not valid: {}", bulk.tin, why.en),
            ),
        ));
    }
    let count = bulk.list.invoices.len();
    let list_line = at.line("ListOfTaxInvoice");
    if count == 0 {
        errs.push(Problem::new(
            list_line,
            "ListOfTaxInvoice",
            DjpCode::Etax20023,
            Said::new(
                "file tidak berisi satu pun TaxInvoice; Coretax menolak file kosong",
                "the file holds no TaxInvoice; Coretax refuses an empty file",
            ),
        ));
    }
    if count > MAX_PER_FILE {
        errs.push(Problem::new(
            list_line,
            "ListOfTaxInvoice",
            DjpCode::Etax20023,
            Said::new(
                format!(
                    "{count} faktur dalam satu file; Coretax menerima paling banyak {MAX_PER_FILE}, bagi filenya"
                ),
                format!(
                    "{count} invoices in one file; Coretax takes at most {MAX_PER_FILE}, split the file"
                ),
            ),
        ));
    }
}

/// Date, TrxCode and the facility fields it requires; returns the date and kode when valid.
pub(crate) fn check_invoice_kind(
    inv: &TaxInvoice,
    at: &ElementLines,
    errs: &mut Vec<Problem>,
) -> (Option<KodeTransaksi>, Option<NaiveDate>) {
    let mut push =
        |col: &str, code, msg: Said| errs.push(Problem::new(at.line(col), col, code, msg));
    let date = NaiveDate::parse_from_str(&inv.tax_invoice_date, "%Y-%m-%d").ok();
    if date.is_none() {
        push(
            "TaxInvoiceDate",
            DjpCode::Etax20006,
            Said::new(
                format!("tanggal '{}' harus YYYY-MM-DD", inv.tax_invoice_date),
                format!("the date '{}' must be YYYY-MM-DD", inv.tax_invoice_date),
            ),
        );
    }
    if inv.tax_invoice_opt != "Normal" {
        push(
            "TaxInvoiceOpt",
            DjpCode::Etax20008,
            Said::new(
                format!("TaxInvoiceOpt '{}' harus Normal", inv.tax_invoice_opt),
                format!("TaxInvoiceOpt '{}' must be Normal", inv.tax_invoice_opt),
            ),
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
            Said::new(
                format!("TrxCode '{}' harus 01 sampai 10", inv.trx_code),
                format!("TrxCode '{}' must be 01 to 10", inv.trx_code),
            ),
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
                Said::new(
                    format!(
                        "kode {k} wajib mengisi AddInfo TD.00501 sampai TD.005{max:02}, bukan '{}'",
                        inv.add_info
                    ),
                    format!(
                        "code {k} needs AddInfo TD.00501 to TD.005{max:02}, not '{}'",
                        inv.add_info
                    ),
                ),
            );
        }
        if nn(&inv.facility_stamp, "TD.011").is_none() {
            push(
                "FacilityStamp",
                DjpCode::Etax20040,
                Said::new(
                    format!(
                        "kode {k} wajib mengisi FacilityStamp TD.01101 sampai TD.011{max:02}, bukan '{}'",
                        inv.facility_stamp
                    ),
                    format!(
                        "code {k} needs FacilityStamp TD.01101 to TD.011{max:02}, not '{}'",
                        inv.facility_stamp
                    ),
                ),
            );
        }
    }
    if kode.is_some_and(|k| !k.needs_keterangan_tambahan())
        && !(inv.add_info.is_empty() && inv.facility_stamp.is_empty())
    {
        push(
            "AddInfo",
            DjpCode::Etax20040,
            Said::new(
                format!(
                    "AddInfo dan FacilityStamp hanya untuk kode 07 dan 08; kosongkan untuk kode {}",
                    inv.trx_code
                ),
                format!(
                    "AddInfo and FacilityStamp are for codes 07 and 08 only; leave them empty for code {}",
                    inv.trx_code
                ),
            ),
        );
    }
    if !djp::is_month_year(&inv.custom_doc_month_year) {
        push(
            "CustomDocMonthYear",
            DjpCode::Etax20006,
            Said::new(
                format!(
                    "CustomDocMonthYear '{}' harus bulan dan tahun MMYYYY, mis. 012025",
                    inv.custom_doc_month_year
                ),
                format!(
                    "CustomDocMonthYear '{}' must be month and year MMYYYY, e.g. 012025",
                    inv.custom_doc_month_year
                ),
            ),
        );
    }
    (kode, date)
}

/// Buyer document, TIN, IDTKU, country and name; the seller's IDTKU.
pub(crate) fn check_parties(inv: &TaxInvoice, at: &ElementLines, errs: &mut Vec<Problem>) {
    let mut push =
        |col: &str, code, msg: Said| errs.push(Problem::new(at.line(col), col, code, msg));
    let document = BuyerDocument::parse(&inv.buyer_document);
    if document.is_none() {
        push(
            "BuyerDocument",
            DjpCode::Etax20008,
            Said::new(
                format!(
                    "BuyerDocument '{}' harus TIN, National ID, Passport atau Other ID",
                    inv.buyer_document
                ),
                format!(
                    "BuyerDocument '{}' must be TIN, National ID, Passport or Other ID",
                    inv.buyer_document
                ),
            ),
        );
    }
    if document == Some(BuyerDocument::Tin) {
        if let Some(why) = tin_problem(&inv.buyer_tin) {
            push(
                "BuyerTin",
                DjpCode::Etax20005,
                Said::new(
                    format!("BuyerTin '{}' tidak sah: {}", inv.buyer_tin, why.id),
                    format!("BuyerTin '{}' is not valid: {}", inv.buyer_tin, why.en),
                ),
            );
        }
        if inv.buyer_idtku.len() != 22
            || !inv.buyer_idtku.starts_with(inv.buyer_tin.as_str())
            || !inv.buyer_idtku.bytes().all(|b| b.is_ascii_digit())
        {
            push(
                "BuyerIDTKU",
                DjpCode::Etax20005,
                Said::new(
                    format!(
                        "BuyerIDTKU '{}' harus NITKU 22 digit: BuyerTin lalu 6 digit tempat usaha",
                        inv.buyer_idtku
                    ),
                    format!(
                        "BuyerIDTKU '{}' must be a 22-digit NITKU: the BuyerTin, then 6 digits of the place of business",
                        inv.buyer_idtku
                    ),
                ),
            );
        }
    } else if document.is_some() && inv.buyer_tin != NO_TIN {
        push(
            "BuyerTin",
            DjpCode::Etax20005,
            Said::new(
                format!(
                    "BuyerTin '{}' harus {NO_TIN} bila BuyerDocument bukan TIN",
                    inv.buyer_tin
                ),
                format!(
                    "BuyerTin '{}' must be {NO_TIN} when BuyerDocument is not TIN",
                    inv.buyer_tin
                ),
            ),
        );
    }
    if !djp::is_country_code(&inv.buyer_country) {
        push(
            "BuyerCountry",
            DjpCode::Etax20008,
            Said::new(
                format!(
                    "BuyerCountry '{}' harus kode negara 3 huruf (ISO alpha-3), mis. IDN",
                    inv.buyer_country
                ),
                format!(
                    "BuyerCountry '{}' must be a 3-letter country code (ISO alpha-3), e.g. IDN",
                    inv.buyer_country
                ),
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
            Said::new(
                format!(
                    "BuyerDocumentNumber wajib diisi untuk BuyerDocument {}: pembeli tanpa NPWP perlu NIK (NAMA \"<NIK>#NIK#NAMA#<nama>\") atau nomor paspor/dokumen lain",
                    inv.buyer_document
                ),
                format!(
                    "BuyerDocumentNumber must be filled in for BuyerDocument {}: a buyer without NPWP needs a NIK (NAMA \"<NIK>#NIK#NAMA#<name>\") or a passport/other document number",
                    inv.buyer_document
                ),
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
            Said::new(
                format!("SellerIDTKU '{}' harus NITKU 22 digit", inv.seller_idtku),
                format!(
                    "SellerIDTKU '{}' must be a 22-digit NITKU",
                    inv.seller_idtku
                ),
            ),
        );
    }
    if inv.buyer_name.trim().is_empty() {
        push("BuyerName", DjpCode::Etax20008, Said::required("BuyerName"));
    }
}

pub(crate) fn check_good(
    g: &GoodService,
    at: &ElementLines,
    kode: Option<KodeTransaksi>,
    date: Option<NaiveDate>,
    errs: &mut Vec<Problem>,
) {
    let mut push =
        |col: &str, code, msg: Said| errs.push(Problem::new(at.line(col), col, code, msg));
    check_good_codes(g, &mut push);
    if let Some(amounts) = good_amounts(g, &mut push) {
        check_good_arithmetic(amounts, kode, date, &mut push);
    }
}

/// Opt, Code, Unit and Name of one GoodService.
fn check_good_codes(g: &GoodService, push: &mut impl FnMut(&str, DjpCode, Said)) {
    if !matches!(g.opt.as_str(), "A" | "B") {
        push(
            "Opt",
            DjpCode::Etax20008,
            Said::new(
                format!("Opt '{}' harus A (barang) atau B (jasa)", g.opt),
                format!("Opt '{}' must be A (goods) or B (services)", g.opt),
            ),
        );
    }
    if !djp::is_goods_code(&g.code) {
        push(
            "Code",
            DjpCode::Etax20008,
            Said::new(
                format!(
                    "Code '{}' harus kode barang/jasa 6 digit (000000 bila tidak ada)",
                    g.code
                ),
                format!(
                    "Code '{}' must be a 6-digit goods/services code (000000 when there is none)",
                    g.code
                ),
            ),
        );
    }
    if !djp::is_unit_code(&g.unit) {
        push(
            "Unit",
            DjpCode::Etax20008,
            Said::new(
                format!("Unit '{}' harus kode satuan UM.0001 sampai UM.0039", g.unit),
                format!("Unit '{}' must be a unit code UM.0001 to UM.0039", g.unit),
            ),
        );
    }
    if g.name.trim().is_empty() {
        push(
            "Name",
            DjpCode::Etax20008,
            Said::new(
                "Name barang/jasa wajib diisi",
                "the goods/services Name must be filled in",
            ),
        );
    }
}

/// The nine amounts of one GoodService in file order (Price … STLG), or `None` after reporting
/// every one that is not a number with at most two decimals.
fn good_amounts(
    g: &GoodService,
    push: &mut impl FnMut(&str, DjpCode, Said),
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
                    Said::new(
                        format!(
                            "{col} '{raw}' harus angka dengan paling banyak 2 desimal (titik sebagai pemisah)"
                        ),
                        format!(
                            "{col} '{raw}' must be a number with at most 2 decimals (a dot as the separator)"
                        ),
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
    push: &mut impl FnMut(&str, DjpCode, Said),
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
            Said::new(
                format!(
                    "Price {price} x Qty {qty} terlalu besar untuk dihitung; periksa kedua angka itu"
                ),
                format!("Price {price} x Qty {qty} is too large to compute; check both numbers"),
            ),
        );
        return;
    };
    if net.checked_sub(base).is_none_or(|d| d.abs() > Decimal::ONE) {
        push(
            "TaxBase",
            DjpCode::Etax20028,
            Said::new(
                format!("TaxBase {base} tidak sama dengan Price x Qty - TotalDiscount = {net}"),
                format!("TaxBase {base} differs from Price x Qty - TotalDiscount = {net}"),
            ),
        );
    }
    let nilai_lain = kode == Some(KodeTransaksi::NILAI_LAIN)
        && date.is_some_and(|d| d >= tax::start_12_percent());
    let Some(eleven_twelfths) = base
        .checked_mul(Decimal::from(11))
        .map(|b| round2(b / Decimal::from(12)))
    else {
        push(
            "TaxBase",
            DjpCode::Etax20004,
            Said::new(
                format!("TaxBase {base} terlalu besar untuk dihitung; periksa angka itu"),
                format!("TaxBase {base} is too large to compute; check that number"),
            ),
        );
        return;
    };
    if nilai_lain && eleven_twelfths != other {
        push(
            "OtherTaxBase",
            DjpCode::Etax20028,
            Said::new(
                format!("OtherTaxBase {other} harus 11/12 x TaxBase = {eleven_twelfths}"),
                format!("OtherTaxBase {other} must be 11/12 x TaxBase = {eleven_twelfths}"),
            ),
        );
    }
    let Some(expected) = other
        .checked_mul(rate)
        .map(|v| round2(v / Decimal::ONE_HUNDRED))
    else {
        push(
            "VATRate",
            DjpCode::Etax20004,
            Said::new(
                format!(
                    "OtherTaxBase {other} x VATRate {rate} terlalu besar untuk dihitung; periksa kedua angka itu"
                ),
                format!(
                    "OtherTaxBase {other} x VATRate {rate} is too large to compute; check both numbers"
                ),
            ),
        );
        return;
    };
    if kode.is_some_and(vat_checked) && expected != vat {
        push(
            "VAT",
            DjpCode::Etax20028,
            Said::new(
                format!(
                    "VAT {vat} harus VATRate x OtherTaxBase = {expected} (kode 01, 04 dan 09 dihitung ulang DJP)"
                ),
                format!(
                    "VAT {vat} must be VATRate x OtherTaxBase = {expected} (DJP recomputes codes 01, 04 and 09)"
                ),
            ),
        );
    }
}
