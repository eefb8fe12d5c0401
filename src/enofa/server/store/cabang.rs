//! Branch rows (`account` with `npwp_pusat`): the head office's list, Ubah Cabang, and the
//! KPP's confirmation of the SK Pemusatan.

use rusqlite::{Connection, params};

use super::super::ServerError;

/// New SK Pemusatan and email of branch `npwp`. A changed SK (number or date) waits for the
/// KPP's confirmation again.
pub fn update(
    conn: &Connection,
    npwp: &str,
    nomor_sk: &str,
    tanggal_sk: &str,
    email: &str,
) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE account SET
           sk_approved_at = CASE WHEN nomor_sk IS ?2 AND tanggal_sk IS ?3 THEN sk_approved_at ELSE NULL END,
           nomor_sk = ?2, tanggal_sk = ?3, email = ?4
         WHERE npwp = ?1",
        params![npwp, nomor_sk, tanggal_sk, email],
    )?;
    Ok(())
}

/// The NPWP of every branch of head office `pusat`, in NPWP order.
pub fn npwps_of(conn: &Connection, pusat: &str) -> Result<Vec<String>, ServerError> {
    let mut stmt = conn.prepare("SELECT npwp FROM account WHERE npwp_pusat = ?1 ORDER BY npwp")?;
    let rows = stmt.query_map([pusat], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A branch whose SK Pemusatan waits for the KPP.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub npwp: String,
    pub npwp_pusat: String,
    pub nomor_sk: String,
    pub tanggal_sk: String,
    /// When the head office added it.
    pub added_at: String,
}

/// Branches waiting for the KPP, oldest first.
pub fn waiting(conn: &Connection) -> Result<Vec<Waiting>, ServerError> {
    let mut stmt = conn.prepare(
        "SELECT npwp, npwp_pusat, COALESCE(nomor_sk, ''), COALESCE(tanggal_sk, ''), created_at
         FROM account WHERE npwp_pusat IS NOT NULL AND sk_approved_at IS NULL
         ORDER BY created_at, npwp",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Waiting {
            npwp: r.get(0)?,
            npwp_pusat: r.get(1)?,
            nomor_sk: r.get(2)?,
            tanggal_sk: r.get(3)?,
            added_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The KPP confirmed the SK Pemusatan of branch `npwp` now.
pub fn approve(conn: &Connection, npwp: &str) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE account SET sk_approved_at = ?2 WHERE npwp = ?1",
        params![npwp, super::now()],
    )?;
    Ok(())
}

/// How many NSFP ranges, faktur and uploads `npwp` has: a branch with any is not deleted.
pub fn activity(conn: &Connection, npwp: &str) -> Result<i64, ServerError> {
    Ok(conn.query_row(
        "SELECT (SELECT COUNT(*) FROM nsfp_allocation WHERE npwp = ?1)
              + (SELECT COUNT(*) FROM faktur WHERE npwp = ?1)
              + (SELECT COUNT(*) FROM upload WHERE npwp = ?1)",
        [npwp],
        |r| r.get(0),
    )?)
}
