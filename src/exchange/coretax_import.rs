//! Coretax `TaxInvoiceBulk` XML into the Local Database.
//!
//! Coretax numbers faktur itself, so its XML carries no NSFP. Each imported faktur therefore takes
//! the next number of its year from Referensi Nomor Faktur, exactly as a faktur recorded by hand
//! would (ETAX-20018 when no range has numbers left). Like the CSV import, the whole file is one
//! transaction: nothing is written when anything is wrong, numbers included.

use chrono::{Datelike, NaiveDate};
use rusqlite::Transaction;

use super::coretax::{self, GoodService, TaxInvoice};
use super::report::{FileKind, Problem, Report};
use crate::domain::faktur::format_tanggal;
use crate::domain::{Amount, ApprovalStatus, DjpCode, FakturDraft, FakturItemDraft, Npwp};
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

/// Checks `text` like Coretax does, then imports every faktur in one transaction. The seller
/// (`TIN`) must be the PKP of this Local Database.
pub fn import_xml(text: &str, store: &mut Store, actor: &str) -> Result<Report, StoreError> {
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
    let seller = profile::get(store.conn())?.map(|p| p.npwp.npwp16());
    if seller.as_deref() != Some(bulk.tin.as_str()) {
        report.errors.push(Problem::new(
            1,
            "TIN",
            DjpCode::Etax20005,
            format!(
                "TIN penjual {} bukan NPWP Local Database ini ({}); pilih database yang benar dengan --npwp",
                bulk.tin,
                seller.unwrap_or_else(|| "tanpa profil".into())
            ),
        ));
        return Ok(report);
    }
    let lines = coretax::tag_lines(text, "TaxInvoice");
    let invoices = &bulk.list.invoices;
    let outcome = store.transaction(|tx| {
        for (i, inv) in invoices.iter().enumerate() {
            let line = lines.get(i).copied().unwrap_or(1);
            import_one(tx, inv, line, actor, &mut report)?;
        }
        if !report.errors.is_empty() {
            return Err(Abort::Rejected);
        }
        audit::record(
            tx,
            actor,
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

fn import_one(
    tx: &Transaction<'_>,
    inv: &TaxInvoice,
    line: u64,
    actor: &str,
    report: &mut Report,
) -> Result<(), Abort> {
    let Ok(tanggal) = NaiveDate::parse_from_str(&inv.tax_invoice_date, "%Y-%m-%d") else {
        // `check` already refuses such dates; keep going for the other faktur.
        return Ok(());
    };
    let year = (tanggal.year().rem_euclid(100)) as u8;
    let number = match nsfp::allocate_next(tx, year) {
        Ok(n) => n,
        Err(e) => {
            report.errors.push(Problem::new(
                line,
                "TaxInvoiceDate",
                e.code(),
                e.to_string(),
            ));
            return Ok(());
        }
    };
    let mut draft = draft_of(inv, tanggal);
    draft.nomor_faktur = number.digits();
    match draft.validate() {
        Ok(f) => {
            let id = faktur::insert(tx, &f, ApprovalStatus::Draft, actor)?;
            nsfp::link_faktur(tx, number, id)?;
            report.imported += 1;
        }
        Err(errors) => report.errors.extend(
            errors
                .into_iter()
                .map(|e| Problem::from_field(e, line, &[])),
        ),
    }
    Ok(())
}

/// The e-Faktur view of one Coretax faktur; the inverse of [`coretax::to_tax_invoice`].
fn draft_of(inv: &TaxInvoice, tanggal: NaiveDate) -> FakturDraft {
    let (npwp, nama) = match inv.buyer_document.as_str() {
        "TIN" => (inv.buyer_tin.clone(), inv.buyer_name.clone()),
        "National ID" => (
            Npwp::none().digits().to_string(),
            format!("{}#NIK#NAMA#{}", inv.buyer_document_number, inv.buyer_name),
        ),
        _ => (Npwp::none().digits().to_string(), inv.buyer_name.clone()),
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

/// PPN applies to `OtherTaxBase` (equal to `TaxBase` unless DPP Nilai Lain is used).
fn item_of(g: &GoodService) -> FakturItemDraft {
    let total = match (Amount::parse(&g.price), Amount::parse(&g.qty)) {
        (Ok(p), Ok(q)) => p
            .checked_mul(q)
            .map_or_else(|| g.price.clone(), |t| t.round_dp(2).to_string()),
        _ => g.price.clone(),
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
