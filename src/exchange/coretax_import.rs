//! Coretax `TaxInvoiceBulk` XML into the Local Database.
//!
//! Coretax numbers faktur itself, so its XML carries no NSFP. Each imported faktur therefore takes
//! the next number of its year from Referensi Nomor Faktur, exactly as a faktur recorded by hand
//! would (ETAX-20018 when no range has numbers left). Like the CSV import, the whole file is one
//! transaction: nothing is written when anything is wrong, numbers included.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::Transaction;

use super::coretax::{self, ElementLines, GoodService, Lines, TaxInvoice};
use super::report::{FileKind, Problem, Report};
use crate::domain::coretax as djp;
use crate::domain::faktur::format_tanggal;
use crate::domain::said::Said;
use crate::domain::{
    Amount, ApprovalStatus, BuyerDocument, CoretaxHeader, CoretaxLine, DjpCode, Faktur,
    FakturDraft, FakturItemDraft, Npwp, NpwpKind,
};
use crate::store::faktur::KeluaranKey;
use crate::store::{Store, StoreError, audit, faktur, nsfp, profile};

/// Why the transaction ends without commit.
enum Abort {
    Store(StoreError),
    Rejected,
}

impl From<StoreError> for Abort {
    fn from(e: StoreError) -> Abort {
        Abort::Store(e)
    }
}

/// How a Coretax XML is imported.
#[derive(Debug, Clone)]
pub struct XmlImportOptions {
    /// Who imports (audit log).
    pub actor: String,
    /// Import a faktur even when one with the same seller, RefDesc, date, buyer and amounts is
    /// already in the Local Database (default: refused with ETAX-20002).
    pub allow_duplicates: bool,
}

impl Default for XmlImportOptions {
    fn default() -> XmlImportOptions {
        XmlImportOptions {
            actor: "import".into(),
            allow_duplicates: false,
        }
    }
}

/// [`import_xml_with`] by `actor`, refusing duplicates.
pub fn import_xml(text: &str, store: &mut Store, actor: &str) -> Result<Report, StoreError> {
    let options = XmlImportOptions {
        actor: actor.into(),
        allow_duplicates: false,
    };
    import_xml_with(text, store, &options)
}

/// Checks `text` like Coretax does, then imports every faktur in one transaction, keeping every
/// field of the XML. The seller (`TIN`, and `SellerIDTKU` for a branch) must be the PKP of this
/// Local Database.
pub fn import_xml_with(
    text: &str,
    store: &mut Store,
    options: &XmlImportOptions,
) -> Result<Report, StoreError> {
    // Counts faktur and items, and finds every problem Coretax itself would refuse.
    let mut report = coretax::check(text);
    if !report.is_clean() {
        return Ok(report);
    }
    let bulk = match coretax::from_xml(text) {
        Ok(b) => b,
        Err(p) => {
            report.errors.push(p);
            return Ok(report);
        }
    };
    report.kind = FileKind::CoretaxXml;
    let lines = Lines::of(text);
    let Some(seller) = profile::get(store.conn())? else {
        report.errors.push(Problem::new(
            1,
            "TIN",
            DjpCode::Etax20005,
            Said::new(
                "Local Database ini belum punya profil PKP; isi dulu dengan efaktur profile add",
                "this Local Database has no PKP profile yet; fill it in first with efaktur profile add",
            ),
        ));
        return Ok(report);
    };
    if !seller_matches(&bulk, &seller.npwp, &lines, &mut report) {
        return Ok(report);
    }
    let seller_idtku = djp::idtku(&seller.npwp);
    let invoices = &bulk.list.invoices;
    let mut dup = Duplicates {
        seller_idtku: &seller_idtku,
        known: HashMap::new(),
    };
    let outcome = store.transaction(|tx| {
        for (i, inv) in invoices.iter().enumerate() {
            let at = lines.invoice(i);
            let Some(f) = faktur_of(inv, &at, &mut report) else {
                continue;
            };
            if !options.allow_duplicates
                && let Some(nomor) = dup.find(tx, &f)?
            {
                report.errors.push(Problem::new(
                    at.line("RefDesc"),
                    "RefDesc",
                    DjpCode::Etax20002,
                    Said::new(
                        format!(
                            "faktur dengan penjual, RefDesc '{}', tanggal {}, pembeli dan jumlah yang sama sudah ada (nomor {nomor}); file ini sudah pernah diimpor? Bila memang faktur lain, impor dengan --allow-duplicates",
                            f.referensi,
                            f.tanggal.format("%d/%m/%Y")
                        ),
                        format!(
                            "an invoice with the same seller, RefDesc '{}', date {}, buyer and amounts is already recorded (number {nomor}); was this file imported before? If it really is another invoice, import with --allow-duplicates",
                            f.referensi,
                            f.tanggal.format("%d/%m/%Y")
                        ),
                    ),
                ));
                continue;
            }
            insert_numbered(tx, f, &at, options, &mut report, &mut dup)?;
        }
        if !report.errors.is_empty() {
            return Err(Abort::Rejected);
        }
        audit::record(
            tx,
            &options.actor,
            "import.coretax",
            &bulk.tin,
            &format!("{} faktur", report.imported),
        )?;
        Ok(())
    });
    match outcome {
        Ok(()) => Ok(report),
        Err(Abort::Rejected) => {
            report.imported = 0;
            Ok(report)
        }
        Err(Abort::Store(e)) => Err(e),
    }
}

/// The file's `TIN` must be this Local Database's (a branch's TIN is its head office's), and a
/// branch takes only faktur of its own place of business (`SellerIDTKU`).
fn seller_matches(
    bulk: &coretax::TaxInvoiceBulk,
    npwp: &Npwp,
    lines: &Lines,
    report: &mut Report,
) -> bool {
    let tin = djp::tin(npwp);
    if bulk.tin != tin {
        report.errors.push(Problem::new(
            lines.bulk_line("TIN"),
            "TIN",
            DjpCode::Etax20005,
            Said::new(
                format!(
                    "TIN penjual {} bukan NPWP Local Database ini ({tin}); pilih database yang benar dengan --npwp",
                    bulk.tin
                ),
                format!(
                    "the seller's TIN {} is not this Local Database's NPWP ({tin}); choose the right database with --npwp",
                    bulk.tin
                ),
            ),
        ));
        return false;
    }
    let own = djp::idtku(npwp);
    let branch = !own.ends_with("000000");
    for (i, inv) in bulk.list.invoices.iter().enumerate() {
        if branch && inv.seller_idtku != own {
            report.errors.push(Problem::new(
                lines.invoice(i).line("SellerIDTKU"),
                "SellerIDTKU",
                DjpCode::Etax20005,
                Said::new(
                    format!(
                        "SellerIDTKU {} bukan tempat usaha Local Database ini ({own}); impor ke database cabang yang benar",
                        inv.seller_idtku
                    ),
                    format!(
                        "SellerIDTKU {} is not this Local Database's place of business ({own}); import into the right branch database",
                        inv.seller_idtku
                    ),
                ),
            ));
        }
    }
    report.errors.is_empty()
}

/// Faktur already in force, by what makes two faktur the same transaction, loaded per masa.
struct Duplicates<'a> {
    seller_idtku: &'a str,
    known: HashMap<(u16, u8), HashMap<KeluaranKey, String>>,
}

impl Duplicates<'_> {
    /// The key with the buyer's NPWP in its Coretax form (15 and 16 digits compare equal) and
    /// the seller's place of business filled in.
    fn normal(&self, mut key: KeluaranKey) -> KeluaranKey {
        if let Ok(n) = Npwp::parse(&key.lawan_npwp) {
            key.lawan_npwp = djp::tin(&n);
        }
        if key.seller_idtku.is_none() {
            key.seller_idtku = Some(self.seller_idtku.to_string());
        }
        key
    }

    fn masa(
        &mut self,
        tx: &Transaction<'_>,
        f: &Faktur,
    ) -> Result<&mut HashMap<KeluaranKey, String>, StoreError> {
        let at = (f.tahun, f.masa);
        if !self.known.contains_key(&at) {
            let mut map = HashMap::new();
            for (nomor, key) in faktur::keluaran_keys(tx, f.tahun, f.masa)? {
                map.insert(self.normal(key), nomor);
            }
            self.known.insert(at, map);
        }
        Ok(self.known.entry(at).or_default())
    }

    /// The nomor of a faktur in force that `f` repeats.
    fn find(&mut self, tx: &Transaction<'_>, f: &Faktur) -> Result<Option<String>, StoreError> {
        let key = self.normal(KeluaranKey::of(f));
        Ok(self.masa(tx, f)?.get(&key).cloned())
    }

    fn add(&mut self, tx: &Transaction<'_>, f: &Faktur) -> Result<(), StoreError> {
        let key = self.normal(KeluaranKey::of(f));
        let nomor = f.nomor().to_string();
        self.masa(tx, f)?.insert(key, nomor);
        Ok(())
    }
}

/// Numbers `f` from Referensi Nomor Faktur and inserts it.
fn insert_numbered(
    tx: &Transaction<'_>,
    mut f: Faktur,
    at: &ElementLines,
    options: &XmlImportOptions,
    report: &mut Report,
    dup: &mut Duplicates<'_>,
) -> Result<(), Abort> {
    let year = (f.tanggal.year().rem_euclid(100)) as u8;
    let number = match nsfp::allocate_next(tx, year) {
        Ok(n) => n,
        Err(e) => {
            let en = match e.code() {
                DjpCode::Etax20018 => format!(
                    "no invoice number (NSFP) is left for the year 20{year:02}; record a new NSFP range (efaktur nsfp add)"
                ),
                _ => "the Local Database could not give this invoice a number; check Referensi Nomor Faktur and import again".into(),
            };
            report.errors.push(Problem::new(
                at.line("TaxInvoiceDate"),
                "TaxInvoiceDate",
                e.code(),
                Said::new(e.to_string(), en),
            ));
            return Ok(());
        }
    };
    f.nsfp = number;
    let id = faktur::insert(tx, &f, ApprovalStatus::Draft, &options.actor)?;
    nsfp::link_faktur(tx, number, id)?;
    dup.add(tx, &f)?;
    report.imported += 1;
    Ok(())
}

/// The validated faktur of one `TaxInvoice` with every Coretax field kept, or `None` after
/// reporting why not. Its NSFP is a placeholder until [`insert_numbered`] numbers it.
fn faktur_of(inv: &TaxInvoice, at: &ElementLines, report: &mut Report) -> Option<Faktur> {
    // `check` already refused dates that do not parse.
    let tanggal = NaiveDate::parse_from_str(&inv.tax_invoice_date, "%Y-%m-%d").ok()?;
    let mut draft = draft_of(inv, tanggal);
    draft.nomor_faktur = format!("000{:02}00000001", tanggal.year().rem_euclid(100));
    let mut f = match draft.validate() {
        Ok(f) => f,
        Err(errors) => {
            report.errors.extend(errors.into_iter().map(|e| {
                let column = xml_column(e.field);
                Problem::new(at.line(column), column, e.code, Said::new(e.message, e.en))
            }));
            return None;
        }
    };
    let stamp = inv
        .facility_stamp
        .strip_prefix("TD.011")
        .and_then(|n| n.parse::<u16>().ok());
    f.coretax = CoretaxHeader {
        buyer_document: BuyerDocument::parse(&inv.buyer_document),
        buyer_document_number: Some(inv.buyer_document_number.clone()),
        buyer_country: Some(inv.buyer_country.clone()),
        buyer_email: inv.buyer_email.clone(),
        buyer_idtku: Some(inv.buyer_idtku.clone()),
        seller_idtku: Some(inv.seller_idtku.clone()),
        custom_doc_month_year: inv.custom_doc_month_year.clone(),
        facility_stamp: stamp.filter(|&s| Some(s) != f.keterangan_tambahan),
    };
    for (item, g) in f.items.iter_mut().zip(&inv.list_of_good_service.goods) {
        // `check` already refused values Coretax does not know.
        item.coretax = CoretaxLine::new(&g.opt, &g.code, &g.unit).ok();
    }
    Some(f)
}

/// The XML element an e-Faktur field comes from, to report a problem where it is.
fn xml_column(field: &str) -> &str {
    match field {
        "NPWP" => "BuyerTin",
        "NAMA" => "BuyerName",
        "ALAMAT_LENGKAP" => "BuyerAdress",
        "REFERENSI" => "RefDesc",
        "KODE_DOKUMEN_PENDUKUNG" => "CustomDoc",
        "ID_KETERANGAN_TAMBAHAN" => "AddInfo",
        "KD_JENIS_TRANSAKSI" => "TrxCode",
        "TANGGAL_FAKTUR" | "MASA_PAJAK" | "TAHUN_PAJAK" | "NOMOR_FAKTUR" => "TaxInvoiceDate",
        other => other,
    }
}

/// The e-Faktur view of one Coretax faktur; the inverse of [`coretax::to_tax_invoice`].
fn draft_of(inv: &TaxInvoice, tanggal: NaiveDate) -> FakturDraft {
    let none = Npwp::none().digits().to_string();
    let (npwp, nama) = match inv.buyer_document.as_str() {
        "TIN" => (inv.buyer_tin.clone(), inv.buyer_name.clone()),
        // The NIK convention of e-Faktur CSV, so that a CSV export shows the buyer's NIK.
        "National ID"
            if Npwp::parse(&inv.buyer_document_number).is_ok_and(|n| n.kind() == NpwpKind::Nik) =>
        {
            (
                none,
                format!("{}#NIK#NAMA#{}", inv.buyer_document_number, inv.buyer_name),
            )
        }
        _ => (none, inv.buyer_name.clone()),
    };
    let items: Vec<FakturItemDraft> = inv.list_of_good_service.goods.iter().map(item_of).collect();
    let sum = |f: fn(&FakturItemDraft) -> &String| -> String {
        let total: Amount = items.iter().filter_map(|i| Amount::parse(f(i)).ok()).sum();
        total.floor().to_string()
    };
    FakturDraft {
        kd_jenis_transaksi: inv.trx_code.clone(),
        fg_pengganti: "0".into(),
        masa_pajak: tanggal.month().to_string(),
        tahun_pajak: tanggal.year().to_string(),
        tanggal_faktur: format_tanggal(tanggal),
        npwp,
        nama,
        alamat: inv.buyer_adress.clone(),
        jumlah_dpp: sum(|i| &i.dpp),
        jumlah_ppn: sum(|i| &i.ppn),
        jumlah_ppnbm: sum(|i| &i.ppnbm),
        id_keterangan_tambahan: inv
            .add_info
            .strip_prefix("TD.005")
            .map(|n| n.trim_start_matches('0').to_string())
            .unwrap_or_default(),
        referensi: inv.ref_desc.clone(),
        kode_dokumen_pendukung: inv.custom_doc.clone(),
        items,
        ..FakturDraft::default()
    }
}

/// TaxBase is the selling price (HARGA_TOTAL − DISKON), so HARGA_TOTAL = TaxBase + TotalDiscount
/// keeps it exactly; PPN applies to `OtherTaxBase` (equal to `TaxBase` unless DPP Nilai Lain is
/// used), which becomes the line's DPP.
fn item_of(g: &GoodService) -> FakturItemDraft {
    let total = match (Amount::parse(&g.tax_base), Amount::parse(&g.total_discount)) {
        (Ok(b), Ok(d)) => (b + d).to_string(),
        _ => g.tax_base.clone(),
    };
    FakturItemDraft {
        kode_objek: g.code.clone(),
        nama: g.name.clone(),
        harga_satuan: g.price.clone(),
        jumlah_barang: g.qty.clone(),
        harga_total: total,
        diskon: g.total_discount.clone(),
        dpp: g.other_tax_base.clone(),
        ppn: g.vat.clone(),
        tarif_ppnbm: g.stlg_rate.clone(),
        ppnbm: g.stlg.clone(),
    }
}
