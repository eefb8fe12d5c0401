//! Faktur the service decided (`faktur`): approved, then perhaps `diganti` (replaced by a
//! pengganti, whose row is new) or `batal`. At most one row per NSFP is not `diganti` (the
//! unique index `faktur_current`).

use rusqlite::{Connection, OptionalExtension, params};

use super::super::ServerError;

/// Faktur of `npwp` counted for its NSFP quota in month `month_index` (`tahun * 12 + masa - 1`):
/// every current one (approved or batal), not the replaced versions.
pub fn count_in_month(conn: &Connection, npwp: &str, month_index: i32) -> Result<i64, ServerError> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM faktur WHERE npwp = ?1 AND status <> 'diganti'
         AND tahun * 12 + masa - 1 = ?2",
        params![npwp, month_index],
        |r| r.get(0),
    )?)
}

/// NSFP of year `yy` (two digits, as in the number) that `npwp` used for a current faktur.
pub fn used_in_year(conn: &Connection, npwp: &str, yy: &str) -> Result<i64, ServerError> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM faktur WHERE npwp = ?1 AND status <> 'diganti' AND substr(nsfp, 4, 2) = ?2",
        params![npwp, yy],
        |r| r.get(0),
    )?)
}

/// Whether `npwp` has any faktur (any version) numbered `nsfp`.
pub fn used_by(conn: &Connection, npwp: &str, nsfp: &str) -> Result<bool, ServerError> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM faktur WHERE nsfp = ?1 AND npwp = ?2",
        params![nsfp, npwp],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// Status of the current (not replaced) faktur numbered `nsfp`, whoever's it is.
pub fn current_status(conn: &Connection, nsfp: &str) -> Result<Option<String>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT status FROM faktur WHERE nsfp = ?1 AND status <> 'diganti'",
            [nsfp],
            |r| r.get(0),
        )
        .optional()?)
}

/// The approved faktur `nsfp` is replaced by a pengganti: it keeps its row (and QR code).
pub fn mark_replaced(conn: &Connection, nsfp: &str) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE faktur SET status = 'diganti' WHERE nsfp = ?1 AND status = 'approved'",
        [nsfp],
    )?;
    Ok(())
}

/// The approved faktur `nsfp` is cancelled.
pub fn cancel(conn: &Connection, nsfp: &str) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE faktur SET status = 'batal' WHERE nsfp = ?1 AND status = 'approved'",
        [nsfp],
    )?;
    Ok(())
}

/// An approval to record: the uploaded payload as signed, and the approval's time and code.
pub struct Approved<'a> {
    pub nsfp: &'a str,
    pub npwp: &'a str,
    pub fg_pengganti: &'a str,
    pub masa: u32,
    pub tahun: i32,
    pub payload: &'a str,
    pub approval_time: &'a str,
    pub approval_code: &'a str,
}

pub fn insert_approved(conn: &Connection, f: &Approved<'_>) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO faktur (nsfp, npwp, status, fg_pengganti, masa, tahun, payload, approval_time, approval_code)
         VALUES (?1, ?2, 'approved', ?3, ?4, ?5, ?6, ?7, ?8)",
        params![f.nsfp, f.npwp, f.fg_pengganti, f.masa, f.tahun, f.payload, f.approval_time, f.approval_code],
    )?;
    Ok(())
}

/// The newest version of faktur `nsfp` of `npwp`.
#[derive(Debug, Clone)]
pub struct Decided {
    pub status: String,
    pub approval_time: String,
    pub approval_code: String,
}

pub fn latest(conn: &Connection, npwp: &str, nsfp: &str) -> Result<Option<Decided>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT status, approval_time, approval_code FROM faktur WHERE nsfp = ?1 AND npwp = ?2
             ORDER BY id DESC LIMIT 1",
            params![nsfp, npwp],
            |r| {
                Ok(Decided {
                    status: r.get(0)?,
                    approval_time: r.get(1)?,
                    approval_code: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// What a QR code's validation shows: the faktur's status and payload, and the seller.
#[derive(Debug, Clone)]
pub struct Validated {
    pub status: String,
    pub payload: String,
    pub nama: String,
    pub alamat: String,
}

/// The faktur of `npwp` numbered `nsfp` whose approval code is `code`.
pub fn by_approval_code(
    conn: &Connection,
    npwp: &str,
    nsfp: &str,
    code: &str,
) -> Result<Option<Validated>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT f.status, f.payload, a.nama, a.alamat FROM faktur f JOIN account a ON a.npwp = f.npwp
             WHERE f.npwp = ?1 AND f.nsfp = ?2 AND f.approval_code = ?3",
            params![npwp, nsfp, code],
            |r| {
                Ok(Validated {
                    status: r.get(0)?,
                    payload: r.get(1)?,
                    nama: r.get(2)?,
                    alamat: r.get(3)?,
                })
            },
        )
        .optional()?)
}
