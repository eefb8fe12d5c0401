//! The service's own SQLite state: opening it and migrating its schema from
//! `resources/migrations/server/`. Its SQL lives in `store/`, one module per aggregate.

use std::path::Path;

use rusqlite::Connection;

use super::ServerError;

const MIGRATIONS: &[&str] = &[
    include_str!("../../../resources/migrations/server/0001_init.sql"),
    include_str!("../../../resources/migrations/server/0002_cabang_approval.sql"),
    include_str!("../../../resources/migrations/server/0003_upload_session.sql"),
    include_str!("../../../resources/migrations/server/0004_web.sql"),
];

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
        let a = crate::enofa::server::store::accounts::find(&conn, "013000666091000")
            .unwrap()
            .unwrap();
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
