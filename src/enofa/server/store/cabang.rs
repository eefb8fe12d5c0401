//! Branch rows (`account` with `npwp_pusat`): the changes Ubah Cabang makes.

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
