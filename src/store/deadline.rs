//! Beranda's upload deadline marks: faktur keluaran not yet approved whose masa's deadline has
//! passed or comes within [`DUE_SOON_DAYS`] days. Read over `faktur_adm_belum_approval` (a partial
//! index of only such faktur), so the cost follows what is waiting, not the table; the overdue
//! count stops at [`COUNT_LIMIT`].
//!
//! [`DUE_SOON_DAYS`]: crate::domain::deadline::DUE_SOON_DAYS

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};

use super::Result;
use crate::domain::deadline::{self, Masa};

/// The overdue count is exact up to this many faktur; beyond, Beranda says "more than".
pub const COUNT_LIMIT: u64 = 10_000;

/// Faktur waiting past (or close to) their upload deadline.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deadlines {
    /// Per masa due soon: the masa, its deadline, faktur not yet approved.
    pub due_soon: Vec<(Masa, NaiveDate, u64)>,
    /// Faktur not yet approved of every masa whose deadline has passed (at most [`COUNT_LIMIT`]).
    pub overdue: u64,
    /// The newest and the oldest overdue masa with such faktur (links into the list).
    pub overdue_newest: Option<Masa>,
    pub overdue_oldest: Option<Masa>,
}

impl Deadlines {
    /// The overdue count reached [`COUNT_LIMIT`].
    pub fn overdue_capped(&self) -> bool {
        self.overdue >= COUNT_LIMIT
    }
}

/// The WHERE of `faktur_adm_belum_approval`, repeated so SQLite uses that index.
const WAITING: &str = "jenis = 'keluaran' AND status_approval <> 'approval_sukses'
     AND status_faktur IN ('normal', 'normal_pengganti')";

/// The marks on `today`, with the deadline on `day` of the month after the masa.
pub fn load(conn: &Connection, today: NaiveDate, day: u8) -> Result<Deadlines> {
    let mut out = Deadlines::default();
    let mut in_masa = conn.prepare_cached(&format!(
        "SELECT count(*) FROM faktur INDEXED BY faktur_adm_belum_approval
         WHERE {WAITING} AND tahun = ?1 AND masa = ?2"
    ))?;
    for (m, date) in deadline::due_soon(today, day) {
        let n: i64 = in_masa.query_row(rusqlite::params![m.0, m.1], |r| r.get(0))?;
        if n > 0 {
            out.due_soon.push((m, date, n as u64));
        }
    }
    // Every masa up to (tahun, masa) is overdue: read as two clean ranges of the index (the
    // masa of that year, then the years before), since an OR across them walks the whole year.
    let (tahun, masa) = deadline::last_overdue(today, day);
    let this_year = format!("{WAITING} AND tahun = ?1 AND masa <= ?2");
    let years_before = format!("{WAITING} AND tahun < ?1");
    let count = |range: &str, params: &[&dyn rusqlite::ToSql], limit: u64| -> Result<u64> {
        Ok(conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM (SELECT 1 FROM faktur INDEXED BY faktur_adm_belum_approval
                 WHERE {range} LIMIT ?{})",
                params.len() + 1
            ))?
            .query_row(
                rusqlite::params_from_iter(
                    params
                        .iter()
                        .copied()
                        .chain([&(limit as i64) as &dyn rusqlite::ToSql]),
                ),
                |r| r.get::<_, i64>(0),
            )? as u64)
    };
    let edge =
        |range: &str, params: &[&dyn rusqlite::ToSql], order: &str| -> Result<Option<Masa>> {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT tahun, masa FROM faktur INDEXED BY faktur_adm_belum_approval
                 WHERE {range} ORDER BY jenis {order}, tahun {order}, masa {order} LIMIT 1"
                ))?
                .query_row(params, |r| Ok((r.get::<_, u16>(0)?, r.get::<_, u8>(1)?)))
                .optional()?)
        };
    let first = count(&this_year, &[&tahun, &masa], COUNT_LIMIT)?;
    out.overdue = first + count(&years_before, &[&tahun], COUNT_LIMIT - first)?;
    out.overdue_newest = match edge(&this_year, &[&tahun, &masa], "DESC")? {
        Some(m) => Some(m),
        None => edge(&years_before, &[&tahun], "DESC")?,
    };
    out.overdue_oldest = match edge(&years_before, &[&tahun], "ASC")? {
        Some(m) => Some(m),
        None => edge(&this_year, &[&tahun, &masa], "ASC")?,
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn overdue_and_due_soon_count_only_faktur_keluaran_not_yet_approved() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        // Masa 1..=3 of 2025, each: draft, reject, approved, batal; and a masukan draft.
        let mut id = 0;
        for masa in 1..=3u8 {
            for (approval, status) in [
                ("draft", "normal"),
                ("reject", "normal_pengganti"),
                ("approval_sukses", "normal"),
                ("draft", "batal"),
                ("siap_upload", "diganti"),
            ] {
                id += 1;
                store
                    .conn()
                    .execute(
                        "INSERT INTO faktur (jenis, kode_transaksi, fg_pengganti, nsfp, masa, tahun,
                           tanggal, lawan_npwp, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn,
                           jumlah_ppnbm, referensi, status_faktur, status_approval, created_at,
                           updated_at)
                         VALUES ('keluaran', 1, 0, printf('00025%08d', ?1), ?2, 2025,
                           printf('2025-%02d-10', ?2), '013000666091000', 'PT A', 'Jl. A', 100, 11,
                           0, '', ?3, ?4, '', '')",
                        rusqlite::params![id, masa, status, approval],
                    )
                    .unwrap();
            }
            store
                .conn()
                .execute(
                    "INSERT INTO faktur (jenis, kode_transaksi, fg_pengganti, nsfp, masa, tahun,
                       tanggal, lawan_npwp, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn,
                       jumlah_ppnbm, referensi, status_faktur, status_approval, created_at,
                       updated_at, dikreditkan)
                     VALUES ('masukan', 1, 0, printf('00125%08d', ?1), ?1, 2025, '2025-01-10',
                       '013000666091000', 'PT A', 'Jl. A', 100, 11, 0, '', 'normal', 'draft', '',
                       '', 1)",
                    [masa],
                )
                .unwrap();
        }
        // 18 April 2025: March is due on the 20th; January and February are overdue.
        let d = load(store.conn(), date(2025, 4, 18), 20).unwrap();
        assert_eq!(d.due_soon, vec![((2025, 3), date(2025, 4, 20), 2)]);
        assert_eq!(d.overdue, 4);
        assert_eq!(d.overdue_newest, Some((2025, 2)));
        assert_eq!(d.overdue_oldest, Some((2025, 1)));
        // The day is a setting: with day 15, March is overdue too and nothing is due soon.
        let d = load(store.conn(), date(2025, 4, 18), 15).unwrap();
        assert!(d.due_soon.is_empty());
        assert_eq!((d.overdue, d.overdue_newest), (6, Some((2025, 3))));
        // Approving a faktur takes it off.
        store
            .conn()
            .execute(
                "UPDATE faktur SET status_approval = 'approval_sukses' WHERE masa = 1",
                [],
            )
            .unwrap();
        let d = load(store.conn(), date(2025, 4, 18), 20).unwrap();
        assert_eq!((d.overdue, d.overdue_oldest), (2, Some((2025, 2))));
        // Nothing waiting: nothing marked.
        let d = load(store.conn(), date(2025, 2, 1), 20).unwrap();
        assert_eq!(d, Deadlines::default());
    }

    #[test]
    fn a_database_of_schema_8_with_waiting_faktur_migrates_and_is_marked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v8.sqlite");
        {
            let c = rusqlite::Connection::open(&path).unwrap();
            crate::store::migrate::create_at_version(&c, 8);
            c.execute_batch(
                "INSERT INTO faktur (jenis, kode_transaksi, fg_pengganti, nsfp, masa, tahun,
                   tanggal, lawan_npwp, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn,
                   jumlah_ppnbm, referensi, status_approval, created_at, updated_at)
                 VALUES ('keluaran', 1, 0, '0002500000001', 2, 2025, '2025-02-03',
                   '013000666091000', 'PT LAMA', 'Jl. A', 100, 12, 0, '', 'siap_upload', '', ''),
                        ('keluaran', 1, 0, '0002500000002', 2, 2025, '2025-02-03',
                   '013000666091000', 'PT LAMA', 'Jl. A', 100, 12, 0, '', 'approval_sukses', '', '');",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let v: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, crate::store::SCHEMA_VERSION);
        let d = load(store.conn(), date(2025, 4, 1), 20).unwrap();
        assert_eq!((d.overdue, d.overdue_newest), (1, Some((2025, 2))));
        store.integrity_check().unwrap();
    }
}
