//! The Local Database: one SQLite file per registered NPWP (bundled SQLite, WAL, foreign keys on).
//!
//! This module is the only owner of SQL rows. Each aggregate has its own file whose functions take
//! a `&Connection`, so a caller can run several of them inside one transaction
//! ([`Store::transaction`]); a `rusqlite::Transaction` derefs to a `Connection`.

pub mod audit;
pub mod backup;
pub mod certificate;
pub mod dashboard;
pub mod deadline;
pub mod dokumen_lain;
pub mod dokumen_page;
pub mod faktur;
pub mod faktur_edit;
pub mod faktur_list;
pub mod item;
pub mod list_index;
mod migrate;
pub mod nsfp;
pub mod outbox;
pub mod party;
pub mod profile;
pub mod retur;
mod text_slots;
pub mod user;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::domain::DjpCode;

pub use migrate::SCHEMA_VERSION;

/// A failure of the Local Database, in words a user can act on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error(
        "Database {path} dibuat oleh versi aplikasi yang lebih baru (skema {found}, aplikasi ini mengenal sampai {supported}). \
         Perbarui aplikasi; database tidak diubah."
    )]
    SchemaTooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error("{path} bukan Local Database e-Faktur atau rusak. Pulihkan dari cadangan [{reason}].")]
    NotADatabase { path: String, reason: String },
    #[error("{}: {message}", code.as_str())]
    Rule { code: DjpCode, message: String },
    /// Another connection held the write lock for longer than [`BUSY_TIMEOUT`].
    #[error(
        "ETAX-10001 : Local Database {}sedang dipakai proses efaktur lain (mis. impor atau aplikasi yang masih terbuka). \
         Tunggu sampai proses itu selesai atau tutup, lalu coba lagi.",
        if path.is_empty() { String::new() } else { format!("{path} ") }
    )]
    Busy { path: String },
    #[error(
        "Local Database {path} tidak dapat dibuat atau dibuka. Periksa izin folder dan sisa ruang disk [{reason}]."
    )]
    Open { path: String, reason: String },
    #[error("Error Database (ETAX-10001): {0}")]
    Sqlite(Arc<rusqlite::Error>),
}

impl StoreError {
    pub fn rule(code: DjpCode, message: impl Into<String>) -> StoreError {
        StoreError::Rule {
            code,
            message: message.into(),
        }
    }

    /// The DJP code that best describes the failure.
    pub fn code(&self) -> DjpCode {
        match self {
            StoreError::Rule { code, .. } => *code,
            _ => DjpCode::Etax10001,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy {
                    path: String::new(),
                }
            }
            _ => StoreError::Sqlite(Arc::new(e)),
        }
    }
}

impl StoreError {
    /// Names the database file in a [`StoreError::Busy`], where the caller knows it.
    fn at(self, path: Option<&Path>) -> StoreError {
        match (self, path) {
            (StoreError::Busy { path: p }, Some(known)) if p.is_empty() => StoreError::Busy {
                path: known.display().to_string(),
            },
            (other, _) => other,
        }
    }
}

/// How long a statement waits for another connection's write lock before giving up with
/// [`StoreError::Busy`].
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub type Result<T> = std::result::Result<T, StoreError>;

/// A connection to one Local Database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    /// A file written by a newer schema is refused and left untouched.
    pub fn open(path: &Path) -> Result<Store> {
        let shown = path.display().to_string();
        // Private before SQLite creates it (and its -wal/-shm, which take the file's mode).
        crate::private_files::prepare_database(path).map_err(|e| StoreError::Open {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Self::setup(conn, Some(path.to_path_buf())).map_err(|e| match e {
            StoreError::Sqlite(inner)
                if matches!(
                    inner.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::NotADatabase)
                ) =>
            {
                StoreError::NotADatabase {
                    path: shown.clone(),
                    reason: inner.to_string(),
                }
            }
            StoreError::SchemaTooNew {
                found, supported, ..
            } => StoreError::SchemaTooNew {
                path: shown.clone(),
                found,
                supported,
            },
            other => other.at(Some(path)),
        })
    }

    /// Opens an existing database for reading only (checks against it, e.g. `efaktur validate
    /// --npwp`): nothing is migrated or written.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        migrate::check_version(&conn).map_err(|e| e.at(Some(path)))?;
        Ok(Store {
            conn,
            path: Some(path.to_path_buf()),
        })
    }

    /// A private database in memory, for tests and dry runs (`efaktur validate`).
    pub fn open_in_memory() -> Result<Store> {
        Self::setup(Connection::open_in_memory()?, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Check the version before anything writes: a newer file must stay as it is.
        migrate::check_version(&conn)?;
        set_wal(&conn)?;
        // A committed faktur survives a power cut: FULL syncs the WAL at every commit (NORMAL
        // may lose the last transactions). An accountant saves one faktur at a time, and an
        // import is one transaction, so the cost is one sync per save.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        if let Some(db) = &path {
            migrate::backup_before(&conn, db)?;
        }
        migrate::run(&mut conn)?;
        Ok(Store { conn, path })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The connection, for reads and single statements.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one write transaction (taken at once, so concurrent writers queue instead of
    /// failing half-way). Any error rolls everything back.
    pub fn transaction<T, E>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<StoreError>,
    {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::from(e).at(path.as_deref()))?;
        let out = f(&tx)?;
        tx.commit()
            .map_err(|e| StoreError::from(e).at(path.as_deref()))?;
        Ok(out)
    }

    /// [`Store::transaction`] for loading many rows at once (imports):
    /// - a bigger page cache, so the transaction spills to the WAL less often, and temporary
    ///   b-trees in memory;
    /// - foreign-key checks off for the duration: the caller writes children right after their
    ///   parents in the same transaction (an item after its faktur), so the checks cannot fail,
    ///   and skipping them saves a lookup per row;
    /// - the tables' CHECK constraints not evaluated: the caller writes only values its domain
    ///   types and validators already hold to them (a NSFP of 13 digits, texts of at most 255
    ///   characters, masa 1–12, …). They were a fifth of a faktur insert, and their function
    ///   calls (`length`) made SQLite journal every page a multi-row insert touched. The
    ///   import's tests run `PRAGMA integrity_check`, which checks them, on what was written.
    ///
    /// Both are back on afterwards, also on error. Durability is unchanged: `synchronous` stays
    /// FULL, and a failure rolls everything back.
    pub fn bulk_transaction<T, E>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<StoreError>,
    {
        self.conn
            .pragma_update(None, "cache_size", -32_768)
            .map_err(StoreError::from)?;
        self.conn
            .pragma_update(None, "temp_store", "MEMORY")
            .map_err(StoreError::from)?;
        self.conn.set_prepared_statement_cache_capacity(32);
        let checks = |conn: &Connection, on: bool| -> Result<()> {
            conn.pragma_update(None, "foreign_keys", on)?;
            conn.pragma_update(None, "ignore_check_constraints", !on)?;
            Ok(())
        };
        let off = checks(&self.conn, false);
        let out = off.map_err(E::from).and_then(|()| self.transaction(f));
        let restored = checks(&self.conn, true);
        let out = out?;
        restored?;
        Ok(out)
    }

    /// `PRAGMA integrity_check`: `Ok` when SQLite finds nothing wrong.
    pub fn integrity_check(&self) -> Result<()> {
        let report: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if report == "ok" {
            Ok(())
        } else {
            Err(StoreError::NotADatabase {
                path: self
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                reason: report,
            })
        }
    }
}

/// The current time as stored (RFC 3339, UTC).
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Whether an error is a UNIQUE/PRIMARY KEY violation.
pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

/// Switches to WAL. Two connections switching a new file at once both hold a shared lock and
/// both want the exclusive one: SQLite answers one of them SQLITE_BUSY at once, without its busy
/// handler (waiting could never end). The switch is retried for as long as the busy timeout.
fn set_wal(conn: &Connection) -> Result<()> {
    let started = std::time::Instant::now();
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => return Ok(other?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_empty_file_and_migrates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        let store = Store::open(&path).unwrap();
        let v: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let mode: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = store
            .conn()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        store.integrity_check().unwrap();
        drop(store);
        // Opening again is a no-op migration.
        Store::open(&path).unwrap();
    }

    #[test]
    fn bulk_transactions_turn_foreign_keys_and_checks_back_on_even_after_failure() {
        let mut store = Store::open_in_memory().unwrap();
        let pragma = |conn: &Connection, name: &str| {
            conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0))
                .unwrap()
        };
        let on = |s: &Store| {
            (
                pragma(s.conn(), "foreign_keys"),
                pragma(s.conn(), "ignore_check_constraints"),
            )
        };
        let failed: Result<()> = store.bulk_transaction(|tx| {
            assert_eq!(pragma(tx, "foreign_keys"), 0);
            assert_eq!(pragma(tx, "ignore_check_constraints"), 1);
            tx.execute_batch("CREATE TABLE t (x)")?;
            Err(StoreError::rule(DjpCode::Etax10001, "gagal"))
        });
        assert!(failed.is_err());
        assert_eq!(on(&store), (1, 0));
        store.bulk_transaction(|_| Ok::<_, StoreError>(())).unwrap();
        assert_eq!(on(&store), (1, 0));
        // Outside a bulk transaction a CHECK refuses again.
        let refused = store.conn().execute(
            "INSERT INTO barang_jasa (kode, nama, harga_satuan, updated_at) VALUES ('', 'x', '1', 't')",
            [],
        );
        assert!(refused.is_err(), "{refused:?}");
        // Inside one it is not evaluated; integrity_check (as the import's tests run it) finds
        // what broke it.
        store
            .bulk_transaction(|tx| {
                tx.execute(
                    "INSERT INTO barang_jasa (kode, nama, harga_satuan, updated_at) VALUES ('', 'x', '1', 't')",
                    [],
                )?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let found = store.integrity_check().unwrap_err().to_string();
        assert!(found.contains("CHECK constraint failed"), "{found}");
    }

    #[test]
    fn refuses_a_newer_schema_and_leaves_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.sqlite");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path).unwrap_err();
        match &err {
            StoreError::SchemaTooNew {
                found,
                supported,
                path: p,
            } => {
                assert_eq!(*found, 99);
                assert_eq!(*supported, SCHEMA_VERSION);
                assert!(p.ends_with("new.sqlite"));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("Perbarui aplikasi"));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "file must not change"
        );
    }

    #[test]
    fn a_file_that_is_not_sqlite_gets_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.sqlite");
        std::fs::write(&path, b"this is not a database, just text that is long enough ...........................................................").unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    }
}
