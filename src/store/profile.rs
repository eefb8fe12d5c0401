//! The PKP profile of this database and its registration state.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, now};
use crate::domain::Npwp;

/// Where this install stands with e-Nofa.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    /// Not yet registered (data can still be prepared offline).
    Belum,
    Terdaftar,
    /// e-Nofa reset this client; it must register again with a new code.
    Direset,
}

impl Registration {
    fn key(self) -> &'static str {
        match self {
            Registration::Belum => "belum",
            Registration::Terdaftar => "terdaftar",
            Registration::Direset => "direset",
        }
    }
    fn from_key(k: &str) -> Registration {
        match k {
            "terdaftar" => Registration::Terdaftar,
            "direset" => Registration::Direset,
            _ => Registration::Belum,
        }
    }
    /// The label the header shows.
    pub fn label(self) -> &'static str {
        match self {
            Registration::Belum => "Belum Registrasi",
            Registration::Terdaftar => "Terdaftar",
            Registration::Direset => "Direset di e-Nofa",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub npwp: Npwp,
    pub nama: String,
    pub alamat: String,
    pub telepon: String,
    pub email: String,
    pub registration: Registration,
    pub client_id: Option<String>,
    pub server_url: Option<String>,
}

impl Profile {
    pub fn new(npwp: Npwp, nama: impl Into<String>, alamat: impl Into<String>) -> Profile {
        Profile {
            npwp,
            nama: nama.into(),
            alamat: alamat.into(),
            telepon: String::new(),
            email: String::new(),
            registration: Registration::Belum,
            client_id: None,
            server_url: None,
        }
    }
}

pub fn get(conn: &Connection) -> Result<Option<Profile>> {
    let row = conn
        .query_row(
            "SELECT npwp, nama, alamat, telepon, email, registration, client_id, server_url
             FROM profile WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get::<_, String>(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )
        .optional()?;
    Ok(row.map(
        |(npwp, nama, alamat, telepon, email, reg, client_id, server_url)| Profile {
            npwp: Npwp::parse(&npwp).unwrap_or_else(|_| Npwp::none()),
            nama,
            alamat,
            telepon,
            email,
            registration: Registration::from_key(&reg),
            client_id,
            server_url,
        },
    ))
}

/// Creates the profile unless there is one: `Ok(Err(existing))` then, unchanged. The look and
/// the write are one immediate transaction, so of two `efaktur profile add` at once exactly one
/// creates it and the other is told it exists (instead of both "creating", the last one winning).
pub fn add(store: &mut super::Store, p: &Profile) -> Result<std::result::Result<(), Profile>> {
    store.transaction(|tx| match get(tx)? {
        Some(existing) => Ok(Err(existing)),
        None => save(tx, p).map(Ok),
    })
}

/// Creates or replaces the profile.
pub fn save(conn: &Connection, p: &Profile) -> Result<()> {
    let npwp = p
        .npwp
        .npwp15()
        .map(str::to_string)
        .unwrap_or_else(|| p.npwp.npwp16());
    conn.execute(
        "INSERT INTO profile (id, npwp, nama, alamat, telepon, email, registration, client_id, server_url, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET npwp = excluded.npwp, nama = excluded.nama,
           alamat = excluded.alamat, telepon = excluded.telepon, email = excluded.email,
           registration = excluded.registration, client_id = excluded.client_id,
           server_url = excluded.server_url, updated_at = excluded.updated_at",
        params![
            npwp,
            p.nama,
            p.alamat,
            p.telepon,
            p.email,
            p.registration.key(),
            p.client_id,
            p.server_url,
            now()
        ],
    )?;
    Ok(())
}

/// Records a successful e-Nofa registration.
pub fn mark_registered(conn: &Connection, client_id: &str, server_url: &str) -> Result<()> {
    conn.execute(
        "UPDATE profile SET registration = 'terdaftar', client_id = ?1, server_url = ?2,
           registered_at = ?3, updated_at = ?3 WHERE id = 1",
        params![client_id, server_url, now()],
    )?;
    Ok(())
}

pub fn set_registration(conn: &Connection, r: Registration) -> Result<()> {
    conn.execute(
        "UPDATE profile SET registration = ?1, updated_at = ?2 WHERE id = 1",
        params![r.key(), now()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn save_get_and_register() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(get(store.conn()).unwrap(), None);
        let npwp = Npwp::parse("01.346.347.6-415.001").unwrap();
        let mut p = Profile::new(npwp, "PT MAJU", "Jakarta");
        save(store.conn(), &p).unwrap();
        assert_eq!(get(store.conn()).unwrap().as_ref(), Some(&p));
        mark_registered(store.conn(), "client-1", "https://127.0.0.1:1").unwrap();
        p = get(store.conn()).unwrap().unwrap();
        assert_eq!(p.registration, Registration::Terdaftar);
        assert_eq!(p.client_id.as_deref(), Some("client-1"));
    }

    #[test]
    fn empty_name_violates_a_constraint() {
        let store = Store::open_in_memory().unwrap();
        let p = Profile::new(Npwp::parse("013000666091000").unwrap(), "", "");
        assert!(save(store.conn(), &p).is_err());
    }
}
