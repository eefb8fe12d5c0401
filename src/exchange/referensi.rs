//! Referensi Lawan Transaksi and Barang/Jasa files, as e-Faktur's Referensi > Impor reads them:
//!
//! ```text
//! LT,NPWP,NAMA,JALAN,BLOK,NOMOR,RT,RW,KECAMATAN,KELURAHAN,KABUPATEN,PROPINSI,KODE_POS,NOMOR_TELEPON
//! OB,KODE_OBJEK,NAMA,HARGA_SATUAN
//! ```
//!
//! LT is the same row as in a faktur file (domain reference §7.2). The OB shape is the one
//! commonly given for e-Faktur's Barang/Jasa import (not in DJP's published samples; [P]). An
//! import is one transaction: every problem is reported with its line and column, and nothing is
//! written when there is any.

use std::collections::HashMap;
use std::io::{Read, Write};

use rusqlite::Connection;

use crate::domain::faktur::{MAX_TEXT, bad_text_char};
use crate::domain::said::Said;
use crate::domain::{Amount, DjpCode};
use crate::store::item::BarangJasa;
use crate::store::party::LawanTransaksi;
use crate::store::{self, Store, StoreError, audit};

use super::csv_read::{LT_COLUMNS, check_lawan};
use super::csv_write::{ExportError, ExportSummary, writer};
use super::report::{FileKind, Problem, Report};
use super::rows::{Row, RowSource};

pub const OB_COLUMNS: [&str; 4] = ["OB", "KODE_OBJEK", "NAMA", "HARGA_SATUAN"];

/// Which Referensi a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Referensi {
    LawanTransaksi,
    BarangJasa,
}

impl Referensi {
    fn flag(self) -> &'static str {
        match self {
            Referensi::LawanTransaksi => "LT",
            Referensi::BarangJasa => "OB",
        }
    }

    fn kind(self) -> FileKind {
        match self {
            Referensi::LawanTransaksi => FileKind::LawanTransaksi,
            Referensi::BarangJasa => FileKind::BarangJasa,
        }
    }
}

enum Abort {
    Store(StoreError),
    Rejected(Report),
}

impl From<StoreError> for Abort {
    fn from(e: StoreError) -> Abort {
        Abort::Store(e)
    }
}

/// Imports a Referensi file in one transaction; nothing is written when anything is wrong.
/// `report.imported` counts the entries written (created or updated).
pub fn import_referensi<R: Read>(
    source: RowSource<R>,
    store: &mut Store,
    jenis: Referensi,
    actor: &str,
) -> Result<Report, StoreError> {
    let result = store.transaction(|tx| {
        let mut report = Report::new(jenis.kind());
        read(source, tx, jenis, &mut report)?;
        report.sort();
        if !report.is_clean() {
            return Err(Abort::Rejected(report));
        }
        let detail = format!("{} entri", report.imported);
        let actor = if actor.is_empty() { "impor" } else { actor };
        audit::record(tx, actor, "referensi.impor", jenis.kind().key(), &detail)?;
        Ok(report)
    });
    match result {
        Ok(r) => Ok(r),
        Err(Abort::Rejected(mut r)) => {
            r.imported = 0;
            r.lawan_transaksi = 0;
            Ok(r)
        }
        Err(Abort::Store(e)) => Err(e),
    }
}

/// Reads every row; rows are written as they come (the caller rolls back on any error), so the
/// database's own uniqueness rules are reported too.
fn read<R: Read>(
    mut source: RowSource<R>,
    conn: &Connection,
    jenis: Referensi,
    report: &mut Report,
) -> Result<(), Abort> {
    // Keys seen in this file, with their line: NPWP (LT) or kode and nama (OB).
    let mut seen: HashMap<String, u64> = HashMap::new();
    while let Some(row) = source.next_row() {
        let row = match row {
            Ok(r) => r,
            Err(p) => {
                report.errors.push(p);
                continue;
            }
        };
        let flag = row.flag();
        let second = row.get(1).to_ascii_uppercase();
        if flag == jenis.flag() && (second == "NPWP" || second == "KODE_OBJEK") {
            continue; // header row
        }
        if flag != jenis.flag() {
            report.errors.push(Problem::new(
                row.line,
                "",
                DjpCode::Etax20023,
                Said::new(
                    format!(
                        "baris '{flag}' tidak dikenal; file Referensi {} berisi baris {} saja",
                        jenis.kind().key(),
                        jenis.flag()
                    ),
                    format!(
                        "unknown row '{flag}'; a Referensi {} file holds {} rows only",
                        jenis.kind().key(),
                        jenis.flag()
                    ),
                ),
            ));
            continue;
        }
        report.faktur += 1;
        match jenis {
            Referensi::LawanTransaksi => lawan(&row, conn, &mut seen, report)?,
            Referensi::BarangJasa => barang(&row, conn, &mut seen, report)?,
        }
    }
    if report.faktur == 0 && report.errors.is_empty() {
        report.errors.push(Problem::new(
            1,
            "",
            DjpCode::Etax20023,
            Said::new(
                format!(
                    "file tidak berisi baris {}; periksa jenis Referensi dan isi file",
                    jenis.flag()
                ),
                format!(
                    "the file holds no {} row; check the kind of Referensi and the file's content",
                    jenis.flag()
                ),
            ),
        ));
    }
    Ok(())
}

fn lawan(
    row: &Row,
    conn: &Connection,
    seen: &mut HashMap<String, u64>,
    report: &mut Report,
) -> Result<(), Abort> {
    let mut problems = row.encoding_problems(&LT_COLUMNS);
    problems.extend(row.check_columns(LT_COLUMNS.len(), LT_COLUMNS.len(), DjpCode::Etax20013));
    let f = |i: usize| row.get(i).to_string();
    let mut party = LawanTransaksi {
        npwp: f(1),
        nama: f(2),
        jalan: f(3),
        blok: f(4),
        nomor: f(5),
        rt: f(6),
        rw: f(7),
        kecamatan: f(8),
        kelurahan: f(9),
        kabupaten: f(10),
        propinsi: f(11),
        kode_pos: f(12),
        telepon: f(13),
        ..LawanTransaksi::default()
    };
    check_lawan(row.line, &mut party, &mut problems);
    // Buyers without NPWP are told apart by NIK (else name), as the database keys them.
    let key = if party.npwp == "000000000000000" {
        format!(
            "{}#{}",
            party.npwp,
            party.nik.as_deref().unwrap_or(&party.nama)
        )
    } else {
        party.npwp.clone()
    };
    if let Some(first) = seen.insert(key, row.line) {
        problems.push(Problem::new(
            row.line,
            "NPWP",
            DjpCode::Etax20013,
            Said::new(
                format!(
                    "lawan transaksi NPWP {} sudah ada di baris {first} file ini; gabungkan atau hapus salah satunya",
                    party.npwp
                ),
                format!(
                    "the counterparty NPWP {} is already on line {first} of this file; merge them or delete one",
                    party.npwp
                ),
            ),
        ));
    }
    if !problems.is_empty() {
        report.errors.extend(problems);
        return Ok(());
    }
    store::party::upsert(conn, &party)?;
    report.imported += 1;
    report.lawan_transaksi += 1;
    Ok(())
}

fn text(row: &Row, i: usize, column: &'static str, problems: &mut Vec<Problem>) -> String {
    let t = row.get(i).to_string();
    if t.is_empty() {
        problems.push(Problem::new(
            row.line,
            column,
            DjpCode::Etax20022,
            Said::required(column),
        ));
    }
    if t.chars().count() > MAX_TEXT {
        problems.push(Problem::new(
            row.line,
            column,
            DjpCode::Etax10003,
            Said::too_long(column),
        ));
    }
    if let Some(c) = bad_text_char(&t) {
        problems.push(Problem::new(
            row.line,
            column,
            DjpCode::EtaxService20021,
            Said::bad_char(column, c),
        ));
    }
    t
}

fn barang(
    row: &Row,
    conn: &Connection,
    seen: &mut HashMap<String, u64>,
    report: &mut Report,
) -> Result<(), Abort> {
    let mut problems = row.encoding_problems(&OB_COLUMNS);
    problems.extend(row.check_columns(OB_COLUMNS.len(), OB_COLUMNS.len(), DjpCode::Etax20022));
    let kode = text(row, 1, "KODE_OBJEK", &mut problems);
    let nama = text(row, 2, "NAMA", &mut problems);
    let harga = match Amount::parse(row.get(3)) {
        Ok(a) if a > Amount::ZERO => Some(a),
        Ok(a) => {
            problems.push(Problem::new(
                row.line,
                "HARGA_SATUAN",
                DjpCode::Etax30024,
                Said::new(
                    format!("HARGA_SATUAN {a} harus lebih besar dari 0"),
                    format!("HARGA_SATUAN {a} must be greater than 0"),
                ),
            ));
            None
        }
        Err(e) => {
            problems.push(Problem::new(
                row.line,
                "HARGA_SATUAN",
                DjpCode::Etax20004,
                e.into(),
            ));
            None
        }
    };
    for (key, column, code) in [
        (format!("kode#{kode}"), "KODE_OBJEK", DjpCode::Etax20020),
        (
            format!("nama#{}", nama.to_lowercase()),
            "NAMA",
            DjpCode::Etax20021,
        ),
    ] {
        if key.ends_with('#') {
            continue;
        }
        if let Some(first) = seen.insert(key, row.line) {
            problems.push(Problem::new(
                row.line,
                column,
                code,
                Said::new(
                    format!(
                        "{column} sudah ada di baris {first} file ini; setiap kode dan nama hanya sekali"
                    ),
                    format!(
                        "{column} is already on line {first} of this file; each code and name only once"
                    ),
                ),
            ));
        }
    }
    let Some(harga_satuan) = harga.filter(|_| problems.is_empty()) else {
        report.errors.extend(problems);
        return Ok(());
    };
    // An OB row has no Coretax columns: the item keeps any Opt/Code/Unit it already has.
    let b = BarangJasa {
        kode,
        nama,
        harga_satuan,
        coretax: None,
    };
    match store::item::upsert(conn, &b) {
        Ok(()) => report.imported += 1,
        // The only rule an upsert enforces: one name, one code.
        Err(StoreError::Rule { message, .. }) => report.errors.push(Problem::new(
            row.line,
            "NAMA",
            DjpCode::Etax20021,
            Said::new(
                format!("{message}; ganti nama atau pakai kode yang sudah terdaftar"),
                format!(
                    "the goods/service name '{}' is already recorded with another code; change the name or use the code already recorded",
                    b.nama
                ),
            ),
        )),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

/// Writes Referensi Lawan Transaksi or Barang/Jasa in the shape [`import_referensi`] reads.
pub fn write_referensi<W: Write>(
    out: W,
    conn: &Connection,
    jenis: Referensi,
) -> Result<ExportSummary, ExportError> {
    let mut w = writer(out);
    let mut summary = ExportSummary::default();
    match jenis {
        Referensi::LawanTransaksi => {
            w.write_record(LT_COLUMNS)?;
            for p in store::party::list(conn, "")? {
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
                summary.faktur += 1;
            }
        }
        Referensi::BarangJasa => {
            w.write_record(OB_COLUMNS)?;
            for b in store::item::list(conn)? {
                w.write_record(["OB", &b.kode, &b.nama, &b.harga_satuan.to_string()])?;
                summary.faktur += 1;
            }
        }
    }
    w.flush()?;
    Ok(summary)
}
