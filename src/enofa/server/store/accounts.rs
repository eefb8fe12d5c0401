//! Account rows: the changes the web pages make (the lookup is still `db::account`).

use rusqlite::{Connection, params};

use super::super::ServerError;

/// Replaces the e-Nofa password hash of `npwp` (argon2, made by the caller outside any lock).
pub fn set_password_hash(conn: &Connection, npwp: &str, hash: &str) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE account SET password_hash = ?2 WHERE npwp = ?1",
        params![npwp, hash],
    )?;
    Ok(())
}

/// The account stored under one of `candidates` (an NPWP typed as 15 or 16 digits), first match.
pub fn find_npwp(conn: &Connection, candidates: &[String]) -> Result<Option<String>, ServerError> {
    for c in candidates {
        if super::super::db::account(conn, c)?.is_some() {
            return Ok(Some(c.clone()));
        }
    }
    Ok(None)
}

/// Deactivates the desktop client of `npwp` and stores the hash of its new Kode Aktivasi
/// eFaktur Desktop (unused), leaving `client_status` as `status`.
pub fn reset_client(
    conn: &Connection,
    npwp: &str,
    code_hash: &str,
    status: &str,
) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE account SET kode_hash = ?2, kode_used = 0, client_status = ?3, client_id = NULL WHERE npwp = ?1",
        params![npwp, code_hash, status],
    )?;
    Ok(())
}
