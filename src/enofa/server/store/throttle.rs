//! Failed attempts (`failed_attempt`): wrong passwords, captchas and Kode Aktivasi, counted
//! toward the lockout the API and the pages share (`service::check_throttle`).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::super::ServerError;

/// Records a failure of `kind` for `npwp` (or an officer's key), and audits it.
pub fn record_failure(conn: &Connection, npwp: &str, kind: &str) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO failed_attempt (npwp, kind, at) VALUES (?1, ?2, ?3)",
        params![npwp, kind, super::now()],
    )?;
    super::audit::record(conn, Some(npwp), "gagal", kind)
}

/// Failures of `npwp` at or after `since`.
pub fn failures_since(
    conn: &Connection,
    npwp: &str,
    since: DateTime<Utc>,
) -> Result<i64, ServerError> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM failed_attempt WHERE npwp = ?1 AND at >= ?2",
        params![npwp, super::stamp(since)],
        |r| r.get(0),
    )?)
}

/// Forgets every failure of `npwp` (a rejected branch's NPWP starts with a clean slate).
pub fn forget(conn: &Connection, npwp: &str) -> Result<(), ServerError> {
    conn.execute("DELETE FROM failed_attempt WHERE npwp = ?1", [npwp])?;
    Ok(())
}
