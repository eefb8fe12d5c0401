//! Web sessions (`web_session`): created at login, slid forward by each request until they sit
//! idle too long or reach their absolute end, ended by logout or a password change.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::super::ServerError;
use super::super::db;
use super::token_hash;

/// A live session: whose it is and its form token.
#[derive(Debug, Clone)]
pub struct Live {
    pub npwp: String,
    pub csrf: String,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Stores a new session of `npwp` for `token`, expiring after `idle`.
pub fn create(
    conn: &Connection,
    token: &str,
    npwp: &str,
    csrf: &str,
    idle: Duration,
) -> Result<(), ServerError> {
    let now = Utc::now();
    // Sessions that ended are of no use to anybody: drop them while we are here.
    conn.execute(
        "DELETE FROM web_session WHERE expires_at <= ?1",
        [stamp(now)],
    )?;
    conn.execute(
        "INSERT INTO web_session (token_hash, npwp, csrf, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token_hash(token), npwp, csrf, stamp(now), stamp(now + idle)],
    )?;
    Ok(())
}

/// The live session of `token`, its expiry moved to `idle` from now but never past `created_at
/// + max_age`. `None` when unknown, expired or past its absolute end.
pub fn touch(
    conn: &Connection,
    token: &str,
    idle: Duration,
    max_age: Duration,
) -> Result<Option<Live>, ServerError> {
    let now = Utc::now();
    let hash = token_hash(token);
    let row: Option<(String, String, String)> = conn
        .query_row(
            "SELECT npwp, csrf, created_at FROM web_session WHERE token_hash = ?1 AND expires_at > ?2",
            params![hash, stamp(now)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((npwp, csrf, created)) = row else {
        return Ok(None);
    };
    let end = db::parse_time(&created) + max_age;
    if end <= now {
        end_session(conn, token)?;
        return Ok(None);
    }
    conn.execute(
        "UPDATE web_session SET expires_at = ?2 WHERE token_hash = ?1",
        params![hash, stamp((now + idle).min(end))],
    )?;
    Ok(Some(Live { npwp, csrf }))
}

/// Ends the session of `token` (logout).
pub fn end_session(conn: &Connection, token: &str) -> Result<(), ServerError> {
    conn.execute(
        "DELETE FROM web_session WHERE token_hash = ?1",
        [token_hash(token)],
    )?;
    Ok(())
}

/// Ends every session of `npwp` except `keep` (after its password changed).
pub fn end_others(conn: &Connection, npwp: &str, keep: Option<&str>) -> Result<(), ServerError> {
    let keep = keep.map(token_hash).unwrap_or_default();
    conn.execute(
        "DELETE FROM web_session WHERE npwp = ?1 AND token_hash <> ?2",
        params![npwp, keep],
    )?;
    Ok(())
}
