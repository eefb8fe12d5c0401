//! Schema migrations embedded from `resources/migrations/client/`, versioned by `PRAGMA user_version`.

use rusqlite::{Connection, TransactionBehavior};

use super::{Result, StoreError};

/// Migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../resources/migrations/client/0001_init.sql"),
    include_str!("../../resources/migrations/client/0002_retur_dokumen_lain.sql"),
    include_str!("../../resources/migrations/client/0003_coretax_fields.sql"),
    include_str!("../../resources/migrations/client/0004_administrasi_index.sql"),
    include_str!("../../resources/migrations/client/0005_upload.sql"),
    include_str!("../../resources/migrations/client/0006_lang.sql"),
    include_str!("../../resources/migrations/client/0007_user_role.sql"),
    include_str!("../../resources/migrations/client/0008_rekam.sql"),
    include_str!("../../resources/migrations/client/0009_upload_deadline.sql"),
    include_str!("../../resources/migrations/client/0010_coretax_beside.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Refuses a database written by a newer build, before anything touches it.
pub(super) fn check_version(conn: &Connection) -> Result<()> {
    let found = version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            path: String::new(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Creates the schema of version `n` as a build of that version left it, for tests that open an
/// older Local Database with data in it.
#[cfg(test)]
pub(crate) fn create_at_version(conn: &Connection, n: usize) {
    for sql in &MIGRATIONS[..n] {
        conn.execute_batch(sql).expect("old migration");
    }
    conn.pragma_update(None, "user_version", n as i64)
        .expect("user_version");
}

/// Backs up a database that holds data of an older schema before [`run`] migrates it, into
/// `<npwp>-premigration-v<N>-<ts>.db` (see [`super::backup`]). A new file (schema 0) has nothing
/// to lose; a failed backup stops the open, so no migration runs without one.
pub(super) fn backup_before(conn: &Connection, db: &std::path::Path) -> Result<()> {
    let from = version(conn)?;
    if from == 0 || from >= SCHEMA_VERSION {
        return Ok(());
    }
    super::backup::take(conn, db, super::backup::Kind::PreMigration { from })
        .map(drop)
        .map_err(|e| StoreError::Open {
            path: db.display().to_string(),
            reason: format!(
                "cadangan sebelum pembaruan skema {from} -> {SCHEMA_VERSION} gagal, database tidak diubah ({e})"
            ),
        })
}

/// Applies the missing migrations, each in its own transaction together with its version bump.
///
/// Two processes may open a new file at once (two `efaktur profile add`): each migration takes
/// the write lock first (IMMEDIATE, so the other waits instead of failing) and reads the version
/// again under the lock, so a migration the other process applied meanwhile is skipped.
pub(super) fn run(conn: &mut Connection) -> Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let target = i as i64 + 1;
        if version(conn)? >= target {
            continue;
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if version(&tx)? >= target {
            continue; // applied by another connection while this one waited; drop rolls back
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", target)?;
        tx.commit()?;
    }
    Ok(())
}
