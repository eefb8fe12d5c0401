//! The service's own SQLite state: schema from `resources/migrations/server/`, and the small
//! helpers every handler shares (audit, throttling, password hashes).

use std::path::Path;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::ServerError;

const MIGRATIONS: &[&str] = &[
    include_str!("../../../resources/migrations/server/0001_init.sql"),
    include_str!("../../../resources/migrations/server/0002_cabang_approval.sql"),
    include_str!("../../../resources/migrations/server/0003_upload_session.sql"),
    include_str!("../../../resources/migrations/server/0004_web.sql"),
];

/// Wrong passwords, captchas and Kode Aktivasi allowed per account inside [`THROTTLE_WINDOW_MINUTES`].
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

impl From<rusqlite::Error> for ServerError {
    fn from(e: rusqlite::Error) -> ServerError {
        ServerError::Database(e.to_string())
    }
}

/// Opens (creating and migrating) `enofa.sqlite` in the state directory. The file (and its
/// -wal/-shm) is readable by the service's user only.
pub fn open(dir: &Path) -> Result<Connection, ServerError> {
    let path = dir.join("enofa.sqlite");
    crate::private_files::prepare_database(&path)
        .map_err(|e| ServerError::Io(format!("{}: {e}", path.display())))?;
    let mut conn = Connection::open(&path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // An approval or an NSFP allocation that was answered survives a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let from: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if from > MIGRATIONS.len() as i64 {
        return Err(ServerError::Database(format!(
            "state database schema {from} is newer than this enofa-server ({}); upgrade enofa-server",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(conn)
}

/// A second connection to the migrated database for reads that must not queue behind writes
/// (QR validation, the certificate check of every request). WAL lets it read while the other
/// connection writes; `query_only` keeps it from ever writing.
pub fn open_reader(dir: &Path) -> Result<Connection, ServerError> {
    let conn = Connection::open(dir.join("enofa.sqlite"))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
}

pub fn now() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn parse_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Records a state change.
pub fn audit(
    conn: &Connection,
    npwp: Option<&str>,
    action: &str,
    detail: &str,
) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO audit (at, npwp, action, detail) VALUES (?1, ?2, ?3, ?4)",
        params![now(), npwp, action, detail],
    )?;
    Ok(())
}

pub fn hash_secret(secret: &str) -> Result<String, ServerError> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| ServerError::Database(e.to_string()))?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServerError::Database(e.to_string()))
}

pub fn verify_secret(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

pub fn record_failure(conn: &Connection, npwp: &str, kind: &str) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO failed_attempt (npwp, kind, at) VALUES (?1, ?2, ?3)",
        params![npwp, kind, now()],
    )?;
    audit(conn, Some(npwp), "gagal", kind)
}

/// Failures inside the throttle window.
pub fn recent_failures(conn: &Connection, npwp: &str) -> Result<i64, ServerError> {
    let since = (Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM failed_attempt WHERE npwp = ?1 AND at >= ?2",
        params![npwp, since],
        |r| r.get(0),
    )?)
}

pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>, ServerError> {
    Ok(conn
        .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
        params![key, value],
    )?;
    Ok(())
}

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

pub fn account(conn: &Connection, npwp: &str) -> Result<Option<Account>, ServerError> {
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

/// Status of the certificate `serial` issued to `npwp`: `pending`, `active`, `revoked`, or
/// `None` if no such certificate was issued to that NPWP.
pub fn certificate_status(
    conn: &Connection,
    serial: &str,
    npwp: &str,
) -> Result<Option<String>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT status FROM certificate WHERE serial = ?1 AND npwp = ?2",
            [serial, npwp],
            |r| r.get(0),
        )
        .optional()?)
}

/// Hashes a Kode Aktivasi in the form [`crate::domain::KodeAktivasi::as_str`] gives (no dashes),
/// which is how registration compares it.
pub fn hash_kode(formatted: &str) -> Result<String, ServerError> {
    hash_secret(&formatted.replace('-', ""))
}

#[cfg(test)]
mod tests {
    /// An approval or an allocation the service answered survives a power cut (WAL + FULL).
    #[test]
    fn state_database_commits_are_durable() {
        let tmp = tempfile::tempdir().unwrap();
        let conn = super::open(tmp.path()).unwrap();
        let journal: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let synchronous: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!((journal.as_str(), synchronous), ("wal", 2));
    }

    /// A schema-3 state (before the web pages) with an account, a session of the uploader and
    /// a failure record opens, migrates to the web tables, and keeps every row.
    #[test]
    fn schema_3_state_migrates_to_the_web_tables() {
        let tmp = tempfile::tempdir().unwrap();
        {
            let conn = rusqlite::Connection::open(tmp.path().join("enofa.sqlite")).unwrap();
            for sql in &super::MIGRATIONS[..3] {
                conn.execute_batch(sql).unwrap();
            }
            conn.execute_batch(
                "INSERT INTO account (npwp, nama, alamat, email, password_hash, created_at)
                 VALUES ('013000666091000', 'PT LAMA', 'JL. 1', 'a@b.c', 'h', '2026-01-01T00:00:00Z');
                 INSERT INTO upload_session VALUES ('t', '013000666091000', 'c', 's', 'x', 'y');
                 INSERT INTO failed_attempt VALUES ('013000666091000', 'password', '2026-01-01T00:00:00Z');
                 PRAGMA user_version = 3;",
            )
            .unwrap();
        }
        let conn = super::open(tmp.path()).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, super::MIGRATIONS.len() as i64);
        let a = super::account(&conn, "013000666091000").unwrap().unwrap();
        assert_eq!((a.nama.as_str(), a.email.as_str()), ("PT LAMA", "a@b.c"));
        let kept: i64 = conn
            .query_row("SELECT (SELECT COUNT(*) FROM upload_session) + (SELECT COUNT(*) FROM failed_attempt)", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, 2);
        let empty: i64 = conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM web_session) + (SELECT COUNT(*) FROM password_reset)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(empty, 0);
    }
}
