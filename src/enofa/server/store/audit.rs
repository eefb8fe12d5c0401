//! The audit log (`audit`): one row per state change, who and what.

use rusqlite::{Connection, params};

use super::super::ServerError;

/// Records a state change of `npwp` (or of the service, `None`).
pub fn record(
    conn: &Connection,
    npwp: Option<&str>,
    action: &str,
    detail: &str,
) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO audit (at, npwp, action, detail) VALUES (?1, ?2, ?3, ?4)",
        params![super::now(), npwp, action, detail],
    )?;
    Ok(())
}
