//! Upload sessions (`upload_session`): opened with captcha + password, bound to the certificate
//! and client id, kept as hashes of their tokens.

use rusqlite::{Connection, OptionalExtension, params};

use super::super::ServerError;

/// Drops the sessions of `npwp` that ended by `now`.
pub fn drop_expired(conn: &Connection, npwp: &str, now: &str) -> Result<(), ServerError> {
    conn.execute(
        "DELETE FROM upload_session WHERE npwp = ?1 AND expires_at <= ?2",
        params![npwp, now],
    )?;
    Ok(())
}

/// Keeps only the `keep` newest sessions of `npwp`.
pub fn keep_newest(conn: &Connection, npwp: &str, keep: i64) -> Result<(), ServerError> {
    conn.execute(
        "DELETE FROM upload_session WHERE token_hash IN (
           SELECT token_hash FROM upload_session WHERE npwp = ?1
           ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?2)",
        params![npwp, keep],
    )?;
    Ok(())
}

/// Who a session belongs to: the account, its client and the certificate that opened it.
pub struct Owner<'a> {
    pub npwp: &'a str,
    pub client_id: &'a str,
    pub cert_serial: &'a str,
}

/// Stores the session `token_hash` of `owner`, created `now`, ending at `expires_at`.
pub fn insert(
    conn: &Connection,
    token_hash: &str,
    owner: &Owner<'_>,
    now: &str,
    expires_at: &str,
) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO upload_session (token_hash, npwp, client_id, cert_serial, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![token_hash, owner.npwp, owner.client_id, owner.cert_serial, now, expires_at],
    )?;
    Ok(())
}

/// Moves the end of the live session `token_hash` to `expires_at`; `false` if it already
/// ended by `now` (or never was).
pub fn renew(
    conn: &Connection,
    token_hash: &str,
    expires_at: &str,
    now: &str,
) -> Result<bool, ServerError> {
    let n = conn.execute(
        "UPDATE upload_session SET expires_at = ?2 WHERE token_hash = ?1 AND expires_at > ?3",
        params![token_hash, expires_at, now],
    )?;
    Ok(n > 0)
}

/// Whether `token_hash` is a session of `owner` still live at `now`.
pub fn is_live(
    conn: &Connection,
    token_hash: &str,
    owner: &Owner<'_>,
    now: &str,
) -> Result<bool, ServerError> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM upload_session WHERE token_hash = ?1 AND npwp = ?2 AND client_id = ?3
             AND cert_serial = ?4 AND expires_at > ?5",
            params![
                token_hash,
                owner.npwp,
                owner.client_id,
                owner.cert_serial,
                now
            ],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.is_some())
}
