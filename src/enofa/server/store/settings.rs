//! Service settings (`setting`): small values the service keeps across restarts.

use rusqlite::{Connection, OptionalExtension, params};

use super::super::ServerError;

pub fn get(conn: &Connection, key: &str) -> Result<Option<String>, ServerError> {
    Ok(conn
        .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set(conn: &Connection, key: &str, value: &str) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
        params![key, value],
    )?;
    Ok(())
}
