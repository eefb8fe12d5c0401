//! Certificates the service's CA issued (`certificate`): their status (`pending` until the KPP
//! approves a requested one, `active`, `revoked`) and the `.p12` of requests made online.

use rusqlite::{Connection, OptionalExtension, params};

use super::super::ServerError;

/// A certificate just issued.
pub struct NewCertificate<'a> {
    pub serial: &'a str,
    pub npwp: &'a str,
    pub status: &'a str,
    pub not_after: &'a str,
    /// Kept (passphrase-protected) when the owner downloads it after the KPP's approval.
    pub p12: Option<&'a [u8]>,
}

/// Records `c`, issued now.
pub fn insert(conn: &Connection, c: &NewCertificate<'_>) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO certificate (serial, npwp, status, not_after, issued_at, p12) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![c.serial, c.npwp, c.status, c.not_after, super::now(), c.p12],
    )?;
    Ok(())
}

/// Status of the certificate `serial` issued to `npwp`: `pending`, `active`, `revoked`, or
/// `None` if no such certificate was issued to that NPWP.
pub fn status(conn: &Connection, serial: &str, npwp: &str) -> Result<Option<String>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT status FROM certificate WHERE serial = ?1 AND npwp = ?2",
            [serial, npwp],
            |r| r.get(0),
        )
        .optional()?)
}

/// Status of the newest certificate of `npwp` requested online (one with a kept `.p12`).
pub fn latest_requested_status(
    conn: &Connection,
    npwp: &str,
) -> Result<Option<String>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT status FROM certificate WHERE npwp = ?1 AND p12 IS NOT NULL ORDER BY issued_at DESC LIMIT 1",
            [npwp],
            |r| r.get(0),
        )
        .optional()?)
}

/// The `.p12` of the newest approved certificate of `npwp` requested online, if any.
pub fn active_p12(conn: &Connection, npwp: &str) -> Result<Option<Vec<u8>>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT p12 FROM certificate WHERE npwp = ?1 AND status = 'active' AND p12 IS NOT NULL ORDER BY issued_at DESC LIMIT 1",
            [npwp],
            |r| r.get(0),
        )
        .optional()?)
}

/// The serial of the newest certificate of `npwp` waiting for the KPP, if any.
pub fn latest_pending_serial(conn: &Connection, npwp: &str) -> Result<Option<String>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT serial FROM certificate WHERE npwp = ?1 AND status = 'pending' ORDER BY issued_at DESC LIMIT 1",
            [npwp],
            |r| r.get(0),
        )
        .optional()?)
}

/// The KPP approved the certificate `serial`: usable (and downloadable) from now on.
pub fn activate(conn: &Connection, serial: &str) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE certificate SET status = 'active' WHERE serial = ?1",
        [serial],
    )?;
    Ok(())
}

/// Revokes the certificate `serial`; `false` if there is none.
pub fn revoke(conn: &Connection, serial: &str) -> Result<bool, ServerError> {
    let n = conn.execute(
        "UPDATE certificate SET status = 'revoked' WHERE serial = ?1",
        [serial],
    )?;
    Ok(n > 0)
}

/// Deletes every certificate of `npwp` (a branch the KPP rejected).
pub fn delete_of(conn: &Connection, npwp: &str) -> Result<(), ServerError> {
    conn.execute("DELETE FROM certificate WHERE npwp = ?1", [npwp])?;
    Ok(())
}

/// Certificates requested online (of a PKP or a branch) waiting for the KPP, oldest first:
/// (serial, NPWP, requested at).
pub fn waiting_for_kpp(conn: &Connection) -> Result<Vec<(String, String, String)>, ServerError> {
    let mut stmt = conn.prepare(
        "SELECT serial, npwp, issued_at FROM certificate WHERE status = 'pending' AND p12 IS NOT NULL
         ORDER BY issued_at, serial",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
