//! Account rows (`account`): PKP and their branches, with the desktop client's registration.

use rusqlite::{Connection, OptionalExtension, params};

use super::super::ServerError;
use crate::domain::Npwp;

/// One account row, as the handlers need it.
#[derive(Debug, Clone)]
pub struct Account {
    pub npwp: String,
    pub nama: String,
    pub alamat: String,
    pub email: String,
    pub password_hash: String,
    pub kode_hash: Option<String>,
    pub kode_used: bool,
    pub client_status: String,
    pub client_id: Option<String>,
    pub npwp_pusat: Option<String>,
    pub nomor_sk: Option<String>,
    pub tanggal_sk: Option<String>,
    /// When the KPP confirmed a branch's SK Pemusatan; `None` while it waits.
    pub sk_approved_at: Option<String>,
}

impl Account {
    /// A branch whose SK Pemusatan the KPP has not confirmed yet: it may not act at all.
    pub fn cabang_pending(&self) -> bool {
        self.npwp_pusat.is_some() && self.sk_approved_at.is_none()
    }
}

/// The account of `npwp`, if there is one.
pub fn find(conn: &Connection, npwp: &str) -> Result<Option<Account>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT npwp, nama, alamat, email, password_hash, kode_hash, kode_used, client_status,
                    client_id, npwp_pusat, nomor_sk, tanggal_sk, sk_approved_at
             FROM account WHERE npwp = ?1",
            [npwp],
            |r| {
                Ok(Account {
                    npwp: r.get(0)?,
                    nama: r.get(1)?,
                    alamat: r.get(2)?,
                    email: r.get(3)?,
                    password_hash: r.get(4)?,
                    kode_hash: r.get(5)?,
                    kode_used: r.get(6)?,
                    client_status: r.get(7)?,
                    client_id: r.get(8)?,
                    npwp_pusat: r.get(9)?,
                    nomor_sk: r.get(10)?,
                    tanggal_sk: r.get(11)?,
                    sk_approved_at: r.get(12)?,
                })
            },
        )
        .optional()?)
}

/// The account of an NPWP as a person typed it (15 or 16 digits): it may be stored under the
/// digits typed, the 15-digit form or the 16-digit form; the first found, in that order.
pub fn find_typed(conn: &Connection, npwp: &Npwp) -> Result<Option<Account>, ServerError> {
    let mut names = vec![npwp.digits().to_owned()];
    names.extend(npwp.npwp15().map(str::to_owned));
    names.push(npwp.npwp16());
    names.dedup();
    for name in &names {
        if let Some(a) = find(conn, name)? {
            return Ok(Some(a));
        }
    }
    Ok(None)
}

/// A branch's place in its head office's records: NPWP pusat and its SK Pemusatan.
pub struct Pusat<'a> {
    pub npwp: &'a str,
    pub nomor_sk: &'a str,
    pub tanggal_sk: &'a str,
}

/// A new account (secrets as argon2 hashes); `pusat` for a branch.
pub struct NewAccount<'a> {
    pub npwp: &'a str,
    pub nama: &'a str,
    pub alamat: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub kode_hash: Option<&'a str>,
    pub pusat: Option<Pusat<'a>>,
}

/// Inserts `a`, created now (client not registered, branch not yet approved).
pub fn insert(conn: &Connection, a: &NewAccount<'_>) -> Result<(), ServerError> {
    let pusat = a.pusat.as_ref();
    conn.execute(
        "INSERT INTO account (npwp, nama, alamat, email, password_hash, kode_hash, npwp_pusat,
                              nomor_sk, tanggal_sk, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            a.npwp,
            a.nama,
            a.alamat,
            a.email,
            a.password_hash,
            a.kode_hash,
            pusat.map(|p| p.npwp),
            pusat.map(|p| p.nomor_sk),
            pusat.map(|p| p.tanggal_sk),
            super::now()
        ],
    )?;
    Ok(())
}

/// Replaces the e-Nofa password hash of `npwp` (argon2, made by the caller outside any lock).
pub fn set_password_hash(conn: &Connection, npwp: &str, hash: &str) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE account SET password_hash = ?2 WHERE npwp = ?1",
        params![npwp, hash],
    )?;
    Ok(())
}

/// Stores the hash of a new, unused Kode Aktivasi for `npwp` (the client's state stays).
pub fn set_kode(conn: &Connection, npwp: &str, code_hash: &str) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE account SET kode_hash = ?2, kode_used = 0 WHERE npwp = ?1",
        params![npwp, code_hash],
    )?;
    Ok(())
}

/// REGISTER ETAX INVOICE succeeded: the Kode Aktivasi is used up and `client_id` is the
/// account's one active desktop client.
pub fn activate_client(conn: &Connection, npwp: &str, client_id: &str) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE account SET kode_used = 1, client_status = 'aktif', client_id = ?2 WHERE npwp = ?1",
        params![npwp, client_id],
    )?;
    Ok(())
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

/// Deletes the account row of `npwp` (its certificates and failures must be gone first).
pub fn delete(conn: &Connection, npwp: &str) -> Result<(), ServerError> {
    conn.execute("DELETE FROM account WHERE npwp = ?1", [npwp])?;
    Ok(())
}
