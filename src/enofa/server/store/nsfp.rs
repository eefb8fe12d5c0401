//! NSFP ranges given to PKP (`nsfp_allocation`). Numbers are unique across the service: a new
//! range starts after the year's last one, read and written in the caller's IMMEDIATE
//! transaction (the one writer), so a number is never handed out twice.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::super::ServerError;
use crate::domain::Nsfp;

/// One range as stored.
#[derive(Debug, Clone)]
pub struct Allocation {
    pub id: i64,
    pub prefix: u16,
    pub tahun: i32,
    pub awal_serial: u32,
    pub akhir_serial: u32,
    pub allocated_at: String,
    pub nama_pemohon: String,
    pub jabatan_pemohon: String,
}

const COLUMNS: &str =
    "id, prefix, tahun, awal_serial, akhir_serial, allocated_at, nama_pemohon, jabatan_pemohon";

fn allocation_of(r: &Row<'_>) -> rusqlite::Result<Allocation> {
    Ok(Allocation {
        id: r.get(0)?,
        prefix: r.get(1)?,
        tahun: r.get(2)?,
        awal_serial: r.get(3)?,
        akhir_serial: r.get(4)?,
        allocated_at: r.get(5)?,
        nama_pemohon: r.get(6)?,
        jabatan_pemohon: r.get(7)?,
    })
}

/// How many numbers of `tahun` `npwp` was given in all.
pub fn allotted(conn: &Connection, npwp: &str, tahun: i32) -> Result<i64, ServerError> {
    Ok(conn.query_row(
        "SELECT COALESCE(SUM(akhir_serial - awal_serial + 1), 0) FROM nsfp_allocation WHERE npwp = ?1 AND tahun = ?2",
        params![npwp, tahun],
        |r| r.get(0),
    )?)
}

/// The last serial given in `tahun` to anybody, 0 if none yet.
pub fn last_serial(conn: &Connection, tahun: i32) -> Result<i64, ServerError> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(akhir_serial), 0) FROM nsfp_allocation WHERE tahun = ?1",
        [tahun],
        |r| r.get(0),
    )?)
}

/// A range to record (prefix 000), requested by `nama_pemohon` / `jabatan_pemohon`.
pub struct NewAllocation<'a> {
    pub npwp: &'a str,
    pub tahun: i32,
    pub awal_serial: i64,
    pub akhir_serial: i64,
    pub nama_pemohon: &'a str,
    pub jabatan_pemohon: &'a str,
}

/// Records `a`, given now, and returns it as stored.
pub fn insert(conn: &Connection, a: &NewAllocation<'_>) -> Result<Allocation, ServerError> {
    conn.execute(
        "INSERT INTO nsfp_allocation (npwp, tahun, prefix, awal_serial, akhir_serial, nama_pemohon, jabatan_pemohon, allocated_at)
         VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7)",
        params![a.npwp, a.tahun, a.awal_serial, a.akhir_serial, a.nama_pemohon, a.jabatan_pemohon, super::now()],
    )?;
    let id = conn.last_insert_rowid();
    Ok(conn.query_row(
        &format!("SELECT {COLUMNS} FROM nsfp_allocation WHERE id = ?1"),
        [id],
        allocation_of,
    )?)
}

/// Every range of `npwp`, oldest first.
pub fn history(conn: &Connection, npwp: &str) -> Result<Vec<Allocation>, ServerError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM nsfp_allocation WHERE npwp = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([npwp], allocation_of)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When the range holding `nsfp` was given to `npwp`; `None` if `npwp` was never given it.
pub fn allocated_at(
    conn: &Connection,
    npwp: &str,
    nsfp: Nsfp,
) -> Result<Option<String>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT allocated_at FROM nsfp_allocation WHERE npwp = ?1 AND prefix = ?2 AND tahun % 100 = ?3
             AND ?4 BETWEEN awal_serial AND akhir_serial",
            params![npwp, nsfp.prefix(), nsfp.year(), nsfp.serial()],
            |r| r.get(0),
        )
        .optional()?)
}
