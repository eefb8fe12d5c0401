//! The window's Retur and Dokumen Lain pages: one masa of one jenis, a page of rows at a time.
//!
//! As in `faktur_list`, a page is a keyset query: the rows after (or before) the last row shown,
//! in the total order `(tanggal, nomor, id)`. The masa index (`retur_masa`, `dokumen_lain_masa`)
//! bounds every query to that masa's rows, so a page never loads the table into the window.

use rusqlite::types::Value;
use rusqlite::{Connection, Row, params_from_iter};

use super::Result;

/// One masa of one jenis (`masukan`: RM/DM, else RK/DK).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub masukan: bool,
    pub masa: u8,
    pub tahun: u16,
}

/// Where a row stands in the list's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// ISO date (`YYYY-MM-DD`), as stored.
    pub tanggal: String,
    pub nomor: String,
    pub id: i64,
}

/// Which page to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    First,
    After(Position),
    Before(Position),
    Last,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub has_before: bool,
    pub has_after: bool,
    /// Rows of the whole masa.
    pub total: u64,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            rows: Vec::new(),
            has_before: false,
            has_after: false,
            total: 0,
        }
    }
}

/// The table and columns a page is read from: fixed names, never user input.
pub(super) struct Source<T> {
    pub table: &'static str,
    pub columns: &'static str,
    pub tanggal: &'static str,
    pub nomor: &'static str,
    pub from_row: fn(&Row<'_>) -> rusqlite::Result<T>,
}

/// Reads `limit` rows of `period` at `cursor`.
pub(super) fn page<T>(
    conn: &Connection,
    src: &Source<T>,
    period: Period,
    cursor: &Cursor,
    limit: usize,
) -> Result<Page<T>> {
    let jenis = if period.masukan {
        "masukan"
    } else {
        "keluaran"
    };
    let mut args: Vec<Value> = vec![
        jenis.to_string().into(),
        i64::from(period.tahun).into(),
        i64::from(period.masa).into(),
    ];
    let (t, n) = (src.tanggal, src.nomor);
    let (bound, backwards) = match cursor {
        Cursor::First => (String::new(), false),
        Cursor::Last => (String::new(), true),
        Cursor::After(p) | Cursor::Before(p) => {
            args.extend([
                Value::from(p.tanggal.clone()),
                Value::from(p.nomor.clone()),
                Value::from(p.id),
            ]);
            match cursor {
                Cursor::After(_) => (format!(" AND ({t}, {n}, id) > (?4, ?5, ?6)"), false),
                _ => (format!(" AND ({t}, {n}, id) < (?4, ?5, ?6)"), true),
            }
        }
    };
    let order = if backwards { "DESC" } else { "ASC" };
    // One row more than asked tells whether another page follows in that direction.
    let sql = format!(
        "SELECT {cols} FROM {table}
         WHERE jenis = ?1 AND tahun = ?2 AND masa = ?3{bound}
         ORDER BY {t} {order}, {n} {order}, id {order} LIMIT {lim}",
        cols = src.columns,
        table = src.table,
        lim = limit + 1,
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt
        .query_map(params_from_iter(args.iter()), |r| (src.from_row)(r))?
        .collect::<rusqlite::Result<Vec<T>>>()?;
    let more = rows.len() > limit;
    if matches!(cursor, Cursor::Before(_)) && !more && rows.len() < limit {
        // Paging back onto the start: the full first page rather than a short one.
        return page(conn, src, period, &Cursor::First, limit);
    }
    rows.truncate(limit);
    if backwards {
        rows.reverse();
    }
    let (has_before, has_after) = match cursor {
        Cursor::First => (false, more),
        Cursor::After(_) => (true, more),
        Cursor::Before(_) => (more, true),
        Cursor::Last => (more, false),
    };
    let total: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM {} WHERE jenis = ?1 AND tahun = ?2 AND masa = ?3",
            src.table
        ))?
        .query_row(params_from_iter(args.iter().take(3)), |r| r.get(0))?;
    Ok(Page {
        rows,
        has_before,
        has_after,
        total: total.max(0) as u64,
    })
}

impl<T> Page<T> {
    /// The cursor of the next page, if there is one.
    pub fn after(&self, position: impl Fn(&T) -> Position) -> Option<Cursor> {
        self.has_after
            .then(|| self.rows.last().map(|r| Cursor::After(position(r))))
            .flatten()
    }

    /// The cursor of the page before, if there is one.
    pub fn before(&self, position: impl Fn(&T) -> Position) -> Option<Cursor> {
        self.has_before
            .then(|| self.rows.first().map(|r| Cursor::Before(position(r))))
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ApprovalStatus, DokumenLainDraft};
    use crate::store::dokumen_lain::{self, StoredDokumenLain};
    use crate::store::{Store, now};

    fn dm(n: u32, day: u32, masa: u8) -> crate::domain::DokumenLain {
        DokumenLainDraft {
            dk_dm: "DM".into(),
            jenis_transaksi: "2".into(),
            jenis_dokumen: "5".into(),
            kd_jns_transaksi: "1".into(),
            fg_pengganti: "0".into(),
            nomor_dok_lain_ganti: "".into(),
            nomor_dok_lain: format!("PIB-{n:03}"),
            tanggal_dok_lain: format!("{day:02}/{masa:02}/2024"),
            masa_pajak: masa.to_string(),
            tahun_pajak: "2024".into(),
            npwp: "013000666091000".into(),
            nama: "PT IMPOR".into(),
            alamat_lengkap: "".into(),
            jumlah_dpp: "1000".into(),
            jumlah_ppn: "110".into(),
            jumlah_ppnbm: "0".into(),
            keterangan: "".into(),
        }
        .validate()
        .unwrap()
    }

    fn nomor(p: &Page<StoredDokumenLain>) -> Vec<String> {
        p.rows.iter().map(|r| r.dokumen.nomor.clone()).collect()
    }

    #[test]
    fn pages_walk_one_masa_both_ways_without_skipping_or_repeating() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .transaction(|tx| {
                // Two documents share each date: the number breaks the tie.
                for n in 0..23 {
                    dokumen_lain::insert(tx, &dm(n, 1 + n / 2, 1), ApprovalStatus::Draft, &now())?;
                }
                // Another masa and the other jenis stay out.
                dokumen_lain::insert(tx, &dm(99, 1, 2), ApprovalStatus::Draft, &now())?;
                Ok::<(), crate::store::StoreError>(())
            })
            .unwrap();
        let period = Period {
            masukan: true,
            masa: 1,
            tahun: 2024,
        };
        let read = |c: &Cursor| dokumen_lain::page(store.conn(), period, c, 10).unwrap();
        let pos = dokumen_lain::position;
        let mut seen = Vec::new();
        let mut page = read(&Cursor::First);
        assert!(!page.has_before);
        assert_eq!(page.total, 23);
        loop {
            seen.extend(nomor(&page));
            match page.after(pos) {
                Some(c) => page = read(&c),
                None => break,
            }
        }
        let want: Vec<String> = (0..23).map(|n| format!("PIB-{n:03}")).collect();
        assert_eq!(seen, want);
        // Backwards from the end: the same rows in the same order, and back onto the start a
        // full first page.
        let page = read(&Cursor::Last);
        assert_eq!((page.has_before, page.has_after), (true, false));
        assert_eq!(nomor(&page), want[13..]);
        let page = read(&page.before(pos).unwrap());
        assert_eq!((page.has_before, page.has_after), (true, true));
        assert_eq!(nomor(&page), want[3..13]);
        let page = read(&page.before(pos).unwrap());
        assert_eq!((page.has_before, page.has_after), (false, true));
        assert_eq!(nomor(&page), want[..10]);
        let keluaran = Period {
            masukan: false,
            ..period
        };
        let none = dokumen_lain::page(store.conn(), keluaran, &Cursor::First, 10).unwrap();
        assert_eq!((none.rows.len(), none.total), (0, 0));
    }
}
