//! Lupa Password links (`password_reset`): single use, short-lived, stored as hashes.

use chrono::{Duration, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::super::ServerError;
use super::token_hash;

/// Stores a reset link token for `npwp`, valid for `lifetime`.
pub fn create(
    conn: &Connection,
    token: &str,
    npwp: &str,
    lifetime: Duration,
) -> Result<(), ServerError> {
    let now = Utc::now();
    conn.execute(
        "INSERT INTO password_reset (token_hash, npwp, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            token_hash(token),
            npwp,
            super::now(),
            (now + lifetime).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ],
    )?;
    Ok(())
}

/// The NPWP of an unused, unexpired link `token`.
pub fn valid(conn: &Connection, token: &str) -> Result<Option<String>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT npwp FROM password_reset WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
            params![token_hash(token), super::now()],
            |r| r.get(0),
        )
        .optional()?)
}

/// Marks `token` used, together with every other open link of the same NPWP.
pub fn use_up(conn: &Connection, npwp: &str) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE password_reset SET used_at = ?2 WHERE npwp = ?1 AND used_at IS NULL",
        params![npwp, super::now()],
    )?;
    Ok(())
}

/// Takes back the link `token` whose mail could not be sent: nobody holds it, so it must not
/// stay usable (the PKP asks again).
pub fn withdraw(conn: &Connection, token: &str) -> Result<(), ServerError> {
    conn.execute(
        "DELETE FROM password_reset WHERE token_hash = ?1",
        params![token_hash(token)],
    )?;
    Ok(())
}
