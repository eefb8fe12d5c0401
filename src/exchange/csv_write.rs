//! Export in the e-Faktur CSV format as DJP's own export writes it: every field quoted, `,`,
//! the header rows, an FAPR row (the seller) after each FK, and CRLF line ends (DJP's desktop is a
//! Windows-first Java application and its export files end lines with CRLF; its import reads
//! either). The LT row of a buyer in Referensi Lawan Transaksi follows the FAPR of the buyer's
//! first faktur in the file, so an import brings the reference back too. Nothing at all is
//! written when no faktur matches (not even the header rows): an empty masa gives an empty output.

use std::collections::HashSet;

use std::io::Write;

use rusqlite::Connection;

use crate::domain::faktur::{Faktur, Jenis, UangMuka, format_tanggal};
use crate::domain::{DjpCode, FakturStatus};
use crate::store::faktur::{Filter, StoredFaktur};
use crate::store::party::LawanTransaksi;
use crate::store::profile::Profile;
use crate::store::{self, StoreError};

use super::csv_read::{FK_COLUMNS, FM_COLUMNS, LT_COLUMNS, OF_COLUMNS};

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportSummary {
    pub faktur: u64,
    pub items: u64,
    /// Faktur left out because they are cancelled (Batal): the CSV format has no column for it, and
    /// importing them would bring them back as normal faktur. Replaced faktur (Diganti) are
    /// written, before their pengganti, so an import marks them Diganti again.
    pub skipped: u64,
}

/// Errors of an export: the database or the output file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("file ekspor tidak dapat ditulis: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Invalid(String),
    /// What Coretax would refuse (its options, or each faktur's problems with their detail), in
    /// both languages.
    #[error("{}", .0.id)]
    Refused(crate::domain::Said),
    #[error("file {} sudah ada dan tidak ditimpa; pakai --force untuk menimpanya atau pilih --out lain", .0.display())]
    Exists(std::path::PathBuf),
}

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> ExportError {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => ExportError::Io(io),
            other => ExportError::Io(std::io::Error::other(format!("{other:?}"))),
        }
    }
}

pub(crate) fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(out)
}

fn amount_fields(f: &Faktur) -> [String; 3] {
    [
        f.totals.dpp.value().to_string(),
        f.totals.ppn.value().to_string(),
        f.totals.ppnbm.value().to_string(),
    ]
}

/// NPWP and NAMA columns: a buyer without NPWP is written with DJP's NIK convention.
fn lawan_fields(f: &Faktur) -> (String, String) {
    match &f.lawan_nik {
        Some(nik) if f.lawan_npwp.is_none() => (
            f.lawan_npwp.digits().to_string(),
            format!("{nik}#NIK#NAMA#{}", f.lawan_nama),
        ),
        _ => (f.lawan_npwp.digits().to_string(), f.lawan_nama.clone()),
    }
}

fn exported(s: &StoredFaktur) -> bool {
    s.status != FakturStatus::Batal
}

/// Writes the faktur keluaran matching `filter` (its `masukan` is forced to keluaran).
pub fn write_keluaran<W: Write>(
    out: W,
    conn: &Connection,
    filter: Filter,
    seller: &Profile,
    progress: &mut dyn FnMut(u64),
) -> Result<ExportSummary, ExportError> {
    let mut w = writer(out);
    let mut summary = ExportSummary::default();
    let mut lawan_written = HashSet::new();
    let mut failure: Option<ExportError> = None;
    let filter = Filter {
        masukan: Some(false),
        ..filter
    };
    store::faktur::for_each(conn, filter, |s| {
        if !exported(&s) {
            summary.skipped += 1;
            return Ok(());
        }
        let lawan = match store::party::for_buyer(
            conn,
            s.faktur.lawan_npwp.digits(),
            s.faktur.lawan_nik.as_deref(),
            &s.faktur.lawan_nama,
        )? {
            Some((id, p)) if lawan_written.insert(id) => Some(p),
            _ => None,
        };
        // The header rows, once there is something under them.
        let headers = if summary.faktur == 0 {
            write_headers(&mut w)
        } else {
            Ok(())
        };
        if let Err(e) = headers.and_then(|()| write_fk(&mut w, &s.faktur, seller, lawan.as_ref())) {
            failure = Some(e);
            return Err(StoreError::rule(DjpCode::Etax10001, "ekspor dihentikan"));
        }
        summary.faktur += 1;
        summary.items += s.faktur.items.len() as u64;
        progress(summary.faktur);
        Ok(())
    })
    .map_err(|e| failure.take().map_or(ExportError::Store(e), |f| f))?;
    w.flush()?;
    Ok(summary)
}

/// The row flag and columns 1–12, which FK and FM rows share (KD_JENIS_TRANSAKSI … JUMLAH_PPNBM).
fn header_columns(flag: &str, f: &Faktur) -> Vec<String> {
    let (npwp, nama) = lawan_fields(f);
    let [dpp, ppn, ppnbm] = amount_fields(f);
    vec![
        flag.to_string(),
        format!("{:02}", f.kode.value()),
        f.status.flag().to_string(),
        f.nsfp.digits(),
        f.masa.to_string(),
        f.tahun.to_string(),
        format_tanggal(f.tanggal),
        npwp,
        nama,
        f.lawan_alamat.clone(),
        dpp,
        ppn,
        ppnbm,
    ]
}

fn write_headers<W: Write>(w: &mut csv::Writer<W>) -> Result<(), ExportError> {
    w.write_record(FK_COLUMNS)?;
    w.write_record(LT_COLUMNS)?;
    w.write_record(OF_COLUMNS)?;
    Ok(())
}

/// An LT row: the buyer's entry in Referensi Lawan Transaksi, NIK buyers in DJP's NAMA convention.
fn write_lt<W: Write>(w: &mut csv::Writer<W>, p: &LawanTransaksi) -> Result<(), ExportError> {
    let nama = match &p.nik {
        Some(nik) => format!("{nik}#NIK#NAMA#{}", p.nama),
        None => p.nama.clone(),
    };
    w.write_record([
        "LT",
        &p.npwp,
        &nama,
        &p.jalan,
        &p.blok,
        &p.nomor,
        &p.rt,
        &p.rw,
        &p.kecamatan,
        &p.kelurahan,
        &p.kabupaten,
        &p.propinsi,
        &p.kode_pos,
        &p.telepon,
    ])?;
    Ok(())
}

fn write_fk<W: Write>(
    w: &mut csv::Writer<W>,
    f: &Faktur,
    seller: &Profile,
    lawan: Option<&LawanTransaksi>,
) -> Result<(), ExportError> {
    w.write_record(fk_fields(f))?;
    w.write_record(["FAPR", &seller.nama, &seller.alamat, "", "", "", ""])?;
    if let Some(p) = lawan {
        write_lt(w, p)?;
    }
    for it in &f.items {
        w.write_record(of_fields(it))?;
    }
    Ok(())
}

/// The FK row of a faktur keluaran, flag first. The uploader sends the same strings, so an
/// upload and a CSV export of one faktur never disagree.
pub fn fk_fields(f: &Faktur) -> Vec<String> {
    let uang_muka = match f.uang_muka {
        UangMuka::Tidak => "0",
        UangMuka::UangMuka => "1",
        UangMuka::Pelunasan => "2",
    };
    let mut row = header_columns("FK", f);
    row.extend([
        f.keterangan_tambahan
            .map(|k| k.to_string())
            .unwrap_or_default(),
        uang_muka.to_string(),
        f.uang_muka_totals.dpp.value().to_string(),
        f.uang_muka_totals.ppn.value().to_string(),
        f.uang_muka_totals.ppnbm.value().to_string(),
        f.referensi.clone(),
        f.kode_dokumen_pendukung.clone(),
    ]);
    row
}

/// An OF row (one line of a faktur), flag first.
pub fn of_fields(it: &crate::domain::FakturItem) -> [String; 11] {
    [
        "OF".to_string(),
        it.kode_objek.clone(),
        it.nama.clone(),
        it.harga_satuan.to_string(),
        it.jumlah_barang.to_string(),
        it.harga_total.to_string(),
        it.diskon.to_string(),
        it.dpp.to_string(),
        it.ppn.to_string(),
        it.tarif_ppnbm.to_string(),
        it.ppnbm.to_string(),
    ]
}

/// Writes the faktur masukan matching `filter` as FM rows.
pub fn write_masukan<W: Write>(
    out: W,
    conn: &Connection,
    filter: Filter,
    progress: &mut dyn FnMut(u64),
) -> Result<ExportSummary, ExportError> {
    let mut w = writer(out);
    let mut summary = ExportSummary::default();
    let mut failure: Option<ExportError> = None;
    let filter = Filter {
        masukan: Some(true),
        ..filter
    };
    store::faktur::for_each(conn, filter, |s| {
        if !exported(&s) {
            summary.skipped += 1;
            return Ok(());
        }
        let f = &s.faktur;
        let creditable = matches!(f.jenis, Jenis::Masukan { dikreditkan: true });
        let mut row = header_columns("FM", f);
        row.push(if creditable { "1" } else { "0" }.to_string());
        let header = if summary.faktur == 0 {
            w.write_record(FM_COLUMNS)
        } else {
            Ok(())
        };
        if let Err(e) = header.and_then(|()| w.write_record(&row)) {
            failure = Some(e.into());
            return Err(StoreError::rule(DjpCode::Etax10001, "ekspor dihentikan"));
        }
        summary.faktur += 1;
        progress(summary.faktur);
        Ok(())
    })
    .map_err(|e| failure.take().map_or(ExportError::Store(e), |f| f))?;
    w.flush()?;
    Ok(summary)
}
