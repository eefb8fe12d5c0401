//! KPP officer accounts (`officer`): made by the operator command, used by the web pages.

use rusqlite::{Connection, OptionalExtension, params};

use super::super::ServerError;

/// Adds officer `username` with the argon2 `password_hash`; `false` if the name is taken.
pub fn add(conn: &Connection, username: &str, password_hash: &str) -> Result<bool, ServerError> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO officer (username, password_hash, created_at) VALUES (?1, ?2, ?3)",
        params![username, password_hash, super::now()],
    )?;
    Ok(n == 1)
}

/// The password hash of officer `username`, if there is one.
pub fn password_hash(conn: &Connection, username: &str) -> Result<Option<String>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT password_hash FROM officer WHERE username = ?1",
            [username],
            |r| r.get(0),
        )
        .optional()?)
}
