//! Answered uploads (`upload`): the first answer to each idempotency key of a PKP, so a retried
//! upload gets the same answer and is never decided twice.

use rusqlite::{Connection, OptionalExtension, params};

use super::super::ServerError;

/// The answer (JSON) already given to `npwp` for `key`, if any.
pub fn earlier_result(
    conn: &Connection,
    npwp: &str,
    key: &str,
) -> Result<Option<String>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT result FROM upload WHERE npwp = ?1 AND idempotency_key = ?2",
            params![npwp, key],
            |r| r.get(0),
        )
        .optional()?)
}

/// Keeps `result` (JSON) as the answer to `npwp`'s `key`.
pub fn record(conn: &Connection, npwp: &str, key: &str, result: &str) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO upload (idempotency_key, npwp, result, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![key, npwp, result, super::now()],
    )?;
    Ok(())
}
