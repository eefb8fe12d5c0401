//! The Administrasi Faktur indexes (`faktur_adm_*`: migrations 0004 and 0009) during a large import.
//!
//! Each of them costs every faktur written a b-tree descent — together more than a third of a
//! header insert — while `CREATE INDEX` over the finished table sorts once, several times
//! cheaper per row. So an import into an empty table, or one that has proved large (it wrote
//! [`MIN_ROWS`] faktur, and at least half as many as the table held before), drops them and
//! builds them again just before its transaction commits. Both happen inside that transaction:
//! a failed import rolls back to the indexes it started with, and no other connection ever sees
//! the table without them (WAL readers keep their snapshot). Small imports, and imports into a big database, keep updating
//! them row by row, which is then the cheaper way.

use rusqlite::Connection;

use super::Result;

/// Below this many faktur an import into a table with faktur in it never rebuilds: for everyday
/// files the saving is too small to be worth changing the schema.
pub const MIN_ROWS: u64 = 2_000;

/// The indexes of one import transaction, dropped once the import is large enough.
pub struct ListIndexes<'c> {
    conn: &'c Connection,
    /// Faktur in the table when the import started (its highest id: no count over a million rows).
    before: u64,
    written: u64,
    /// Name and `CREATE INDEX` statement of each dropped index, as `sqlite_master` kept it.
    dropped: Vec<(String, String)>,
    /// The indexes were looked up (and dropped): `sqlite_master` is read once per import.
    switched: bool,
}

impl<'c> ListIndexes<'c> {
    pub fn new(conn: &'c Connection) -> Result<ListIndexes<'c>> {
        let before: i64 =
            conn.query_row("SELECT coalesce(max(id), 0) FROM faktur", [], |r| r.get(0))?;
        Ok(ListIndexes {
            conn,
            before: before.max(0) as u64,
            written: 0,
            dropped: Vec::new(),
            switched: false,
        })
    }

    /// Counts `n` more faktur written; drops the indexes once the import is large enough. Call it
    /// between statements (a DROP INDEX needs no statement of the connection running).
    pub fn wrote(&mut self, n: u64) -> Result<()> {
        self.written += n;
        let large = self.written >= MIN_ROWS.max(self.before / 2);
        if !self.switched && (self.before == 0 || large) {
            self.switched = true;
            let mut stmt = self.conn.prepare(
                "SELECT name, sql FROM sqlite_master
                 WHERE type = 'index' AND tbl_name = 'faktur' AND name LIKE 'faktur\\_adm\\_%' ESCAPE '\\'
                 ORDER BY name",
            )?;
            let indexes = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
            drop(stmt);
            for (name, _) in &indexes {
                self.conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
            }
            self.dropped = indexes;
        }
        Ok(())
    }

    /// Whether the indexes are dropped now.
    pub fn deferred(&self) -> bool {
        !self.dropped.is_empty()
    }

    /// Builds the dropped indexes again; call it before the transaction commits.
    pub fn restore(mut self) -> Result<()> {
        self.rebuild()
    }

    fn rebuild(&mut self) -> Result<()> {
        for (_, sql) in std::mem::take(&mut self.dropped) {
            self.conn.execute_batch(&sql)?;
        }
        Ok(())
    }
}

impl Drop for ListIndexes<'_> {
    /// An import that ends without [`ListIndexes::restore`] is failing and its transaction will be
    /// rolled back, which brings the indexes back anyway; building them here (time wasted on that
    /// path) guards against a caller that would commit all the same.
    fn drop(&mut self) {
        if !self.dropped.is_empty()
            && !self.conn.is_autocommit()
            && let Err(e) = self.rebuild()
        {
            tracing::warn!("indeks Administrasi Faktur tidak dapat dibangun ulang: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::faktur_list::fill_synthetic;

    fn adm_indexes(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'faktur_adm_%'
                 ORDER BY name",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn a_large_import_drops_the_list_indexes_and_builds_them_again_before_commit() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let all = adm_indexes(store.conn());
        assert_eq!(all.len(), 5, "{all:?}");
        store
            .transaction(|tx| fill_synthetic(tx, 10, true))
            .unwrap();
        store
            .transaction(|tx| {
                let mut idx = ListIndexes::new(tx)?;
                idx.wrote(MIN_ROWS - 1)?;
                assert!(!idx.deferred(), "a small import keeps them");
                idx.wrote(1)?;
                assert!(idx.deferred());
                assert!(adm_indexes(tx).is_empty());
                fill_synthetic(tx, 50, false)?;
                idx.restore()?;
                assert_eq!(adm_indexes(tx), all);
                Ok::<_, crate::store::StoreError>(())
            })
            .unwrap();
        assert_eq!(adm_indexes(store.conn()), all);
        store.integrity_check().unwrap();
    }

    #[test]
    fn an_import_into_an_empty_table_builds_them_once_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let all = adm_indexes(store.conn());
        store
            .transaction(|tx| {
                let mut idx = ListIndexes::new(tx)?;
                idx.wrote(1)?;
                assert!(idx.deferred());
                idx.restore()
            })
            .unwrap();
        assert_eq!(adm_indexes(store.conn()), all);
    }

    #[test]
    fn a_failed_import_rolls_back_to_its_indexes_and_a_big_table_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let all = adm_indexes(store.conn());
        let failed: Result<()> = store.transaction(|tx| {
            let mut idx = ListIndexes::new(tx)?;
            idx.wrote(MIN_ROWS)?;
            assert!(idx.deferred());
            Err(crate::store::StoreError::rule(
                crate::domain::DjpCode::Etax10001,
                "gagal",
            ))
        });
        assert!(failed.is_err());
        assert_eq!(adm_indexes(store.conn()), all);

        // Into a table of 10,000 faktur, 2,000 more are written row by row.
        store
            .transaction(|tx| fill_synthetic(tx, 10_000, false))
            .unwrap();
        store
            .transaction(|tx| {
                let mut idx = ListIndexes::new(tx)?;
                idx.wrote(MIN_ROWS)?;
                assert!(!idx.deferred());
                idx.wrote(3_000)?;
                assert!(idx.deferred(), "half the table's size");
                Ok::<_, crate::store::StoreError>(())
            })
            .unwrap();
        // Dropped without restore inside a committing transaction: the guard built them.
        assert_eq!(adm_indexes(store.conn()), all);
    }
}
