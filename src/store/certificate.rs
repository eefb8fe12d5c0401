//! Metadata of the installed `.p12` certificate (Administrasi Certificate). Never the key nor
//! the passphrase: those stay in the file and the OS keyring.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, now};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateMeta {
    pub path: String,
    pub subject: String,
    pub npwp: Option<String>,
    pub issuer: String,
    pub serial: String,
    /// RFC 3339.
    pub not_before: String,
    pub not_after: String,
    /// SHA-256 of the file, to notice a replaced or moved file (ETAX-30002 in DJP's app).
    pub sha256: String,
}

pub fn get(conn: &Connection) -> Result<Option<CertificateMeta>> {
    Ok(conn
        .query_row(
            "SELECT path, subject, npwp, issuer, serial, not_before, not_after, sha256
             FROM certificate WHERE id = 1",
            [],
            |r| {
                Ok(CertificateMeta {
                    path: r.get(0)?,
                    subject: r.get(1)?,
                    npwp: r.get(2)?,
                    issuer: r.get(3)?,
                    serial: r.get(4)?,
                    not_before: r.get(5)?,
                    not_after: r.get(6)?,
                    sha256: r.get(7)?,
                })
            },
        )
        .optional()?)
}

/// Installs or replaces the certificate record.
pub fn save(conn: &Connection, c: &CertificateMeta) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO certificate
           (id, path, subject, npwp, issuer, serial, not_before, not_after, sha256, installed_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            c.path,
            c.subject,
            c.npwp,
            c.issuer,
            c.serial,
            c.not_before,
            c.not_after,
            c.sha256,
            now()
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn replace_keeps_one_record() {
        let store = Store::open_in_memory().unwrap();
        let mut c = CertificateMeta {
            path: "/tmp/a.p12".into(),
            subject: "CN=PT MAJU".into(),
            npwp: Some("013000666091000".into()),
            issuer: "CN=e-Nofa CA".into(),
            serial: "01".into(),
            not_before: "2026-01-01T00:00:00Z".into(),
            not_after: "2028-01-01T00:00:00Z".into(),
            sha256: "ab".into(),
        };
        save(store.conn(), &c).unwrap();
        c.serial = "02".into();
        save(store.conn(), &c).unwrap();
        assert_eq!(get(store.conn()).unwrap(), Some(c));
        let n: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM certificate", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }
}
