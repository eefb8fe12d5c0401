//! Referensi Nomor Faktur: recorded NSFP ranges and the numbers handed out from them.
//!
//! Handing out a number is one `UPDATE ... RETURNING` plus an insert into `nsfp_use` (whose primary
//! key is the number) inside an immediate transaction, so two allocations — in two threads or
//! two processes — can never get the same number.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::user::Admin;
use super::{Result, Store, StoreError, is_unique_violation, now};
use crate::domain::{DjpCode, Nsfp, NsfpRange};

/// A recorded range with how far it has been used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRange {
    pub id: i64,
    pub range: NsfpRange,
    pub allocated_on: NaiveDate,
    /// Numbers not yet handed out.
    pub remaining: u32,
}

fn row_range(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, u16, u8, u32, u32, u32, String)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn to_recorded(
    (id, prefix, year, start, end, next, on): (i64, u16, u8, u32, u32, u32, String),
) -> Option<RecordedRange> {
    let range = NsfpRange::new(
        Nsfp::new(prefix, year, start)?,
        Nsfp::new(prefix, year, end)?,
    )
    .ok()?;
    Some(RecordedRange {
        id,
        range,
        allocated_on: on.parse().ok()?,
        remaining: end + 1 - next,
    })
}

/// Records a range DJP allotted (Rekam Range Faktur Pajak). Overlaps are refused (ETAX-20016).
///
/// The overlap check and the insert are one statement, so two processes recording overlapping
/// ranges at the same time cannot both succeed.
pub fn add_range(conn: &Connection, range: NsfpRange, allocated_on: NaiveDate) -> Result<i64> {
    let (s, e) = (range.start(), range.end());
    let inserted = conn.execute(
        "INSERT INTO nsfp_range (prefix, year, start_serial, end_serial, next_serial, allocated_on, created_at)
         SELECT ?1, ?2, ?3, ?4, ?3, ?5, ?6
         WHERE NOT EXISTS (SELECT 1 FROM nsfp_range WHERE prefix = ?1 AND year = ?2
                           AND start_serial <= ?4 AND end_serial >= ?3)",
        params![s.prefix(), s.year(), s.serial(), e.serial(), allocated_on.to_string(), now()],
    )?;
    if inserted == 0 {
        let existing = ranges(conn)?
            .into_iter()
            .find(|r| r.range.overlaps(range))
            .map_or_else(|| "?".to_string(), |r| r.range.to_string());
        return Err(StoreError::rule(
            DjpCode::Etax20016,
            format!("range {range} beririsan dengan range yang sudah terdaftar {existing}"),
        ));
    }
    Ok(conn.last_insert_rowid())
}

pub fn ranges(conn: &Connection) -> Result<Vec<RecordedRange>> {
    let mut stmt = conn.prepare(
        "SELECT id, prefix, year, start_serial, end_serial, next_serial, allocated_on
         FROM nsfp_range ORDER BY year, prefix, start_serial",
    )?;
    let rows = stmt.query_map([], row_range)?;
    let mut out = Vec::new();
    for r in rows {
        if let Some(rr) = to_recorded(r?) {
            out.push(rr);
        }
    }
    Ok(out)
}

/// The recorded range holding `n`, if any (ETAX-20017 when none).
pub fn range_of(conn: &Connection, n: Nsfp) -> Result<Option<RecordedRange>> {
    let row = conn
        .query_row(
            "SELECT id, prefix, year, start_serial, end_serial, next_serial, allocated_on
             FROM nsfp_range WHERE prefix = ?1 AND year = ?2 AND ?3 BETWEEN start_serial AND end_serial",
            params![n.prefix(), n.year(), n.serial()],
            row_range,
        )
        .optional()?;
    Ok(row.and_then(to_recorded))
}

/// Hands out the next free number of `year` (two digits) from the oldest range that has one.
/// Call inside a transaction together with the faktur that uses it.
pub fn allocate_next(conn: &Connection, year: u8) -> Result<Nsfp> {
    loop {
        let row: Option<(i64, u16, u32)> = conn
            .query_row(
                "UPDATE nsfp_range SET next_serial = next_serial + 1
                 WHERE id = (SELECT id FROM nsfp_range WHERE year = ?1 AND next_serial <= end_serial
                             ORDER BY allocated_on, id LIMIT 1)
                 RETURNING id, prefix, next_serial - 1",
                [year],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((range_id, prefix, serial)) = row else {
            return Err(StoreError::rule(
                DjpCode::Etax20018,
                format!("tidak ada nomor tersisa untuk tahun 20{year:02}; rekam range NSFP baru"),
            ));
        };
        let n = Nsfp::new(prefix, year, serial).expect("range bounds are valid");
        // A number typed in by hand may already be used; skip it and take the next.
        match mark_used(conn, range_id, n) {
            Ok(()) => return Ok(n),
            Err(StoreError::Rule {
                code: DjpCode::Etax20002,
                ..
            }) => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Records that `n` is taken (a number chosen by hand or imported). Refused when it is outside
/// every recorded range (ETAX-20017) or already used (ETAX-20002).
pub fn claim(conn: &Connection, n: Nsfp) -> Result<i64> {
    let range = range_of(conn, n)?.ok_or_else(|| {
        StoreError::rule(
            DjpCode::Etax20017,
            format!("nomor {n} tidak termasuk range Referensi Nomor Faktur yang terdaftar"),
        )
    })?;
    mark_used(conn, range.id, n)?;
    Ok(range.id)
}

fn mark_used(conn: &Connection, range_id: i64, n: Nsfp) -> Result<()> {
    conn.execute(
        "INSERT INTO nsfp_use (nsfp, range_id, used_at) VALUES (?1, ?2, ?3)",
        params![n.digits(), range_id, now()],
    )
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::rule(DjpCode::Etax20002, format!("nomor {n} sudah dipakai"))
        } else {
            e.into()
        }
    })?;
    Ok(())
}

/// [`claim_for`]'s statement: `CLAIM_HEAD VALUES (...) CLAIM_CONFLICT`; the import claims many
/// numbers per statement ([`super::faktur::BulkWriter::finish`]).
pub(super) const CLAIM_HEAD: &str = "INSERT INTO nsfp_use (nsfp, range_id, faktur_id, used_at)";
pub(super) const CLAIM_CONFLICT: &str =
    " ON CONFLICT (nsfp) DO UPDATE SET faktur_id = excluded.faktur_id";

/// Links a used number to the faktur that carries it.
/// Records `n`, which lies in the recorded range `range_id`, as used by faktur `faktur_id` in one
/// statement (imports: the caller knows the ranges). A number handed out earlier but not yet
/// linked is linked now.
pub fn claim_for(
    conn: &Connection,
    range_id: i64,
    n: Nsfp,
    faktur_id: i64,
    stamp: &str,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "{CLAIM_HEAD} VALUES (?1, ?2, ?3, ?4){CLAIM_CONFLICT}"
    ))?;
    stmt.execute(params![n.digits(), range_id, faktur_id, stamp])?;
    Ok(())
}

pub fn link_faktur(conn: &Connection, n: Nsfp, faktur_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE nsfp_use SET faktur_id = ?2 WHERE nsfp = ?1",
        params![n.digits(), faktur_id],
    )?;
    Ok(())
}

pub fn is_used(conn: &Connection, n: Nsfp) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM nsfp_use WHERE nsfp = ?1",
            [n.digits()],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Records a range from Referensi Nomor Faktur (typed in, or granted by *Minta NSFP*): the
/// page's call, allowed to Administrators only.
pub fn record_range(
    conn: &Connection,
    _by: &Admin,
    range: NsfpRange,
    allocated_on: NaiveDate,
) -> Result<i64> {
    add_range(conn, range, allocated_on)
}

/// A recorded range with how many of its numbers are taken (handed out, typed or imported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeUsage {
    pub recorded: RecordedRange,
    pub used: u32,
}

impl RangeUsage {
    pub fn free(&self) -> u32 {
        self.recorded.range.len().saturating_sub(self.used)
    }
}

/// Every range with its used count. A range's numbers are contiguous, so each count is one
/// walk over the primary key of `nsfp_use` between its first and last number.
pub fn usage(conn: &Connection) -> Result<Vec<RangeUsage>> {
    let mut count =
        conn.prepare_cached("SELECT count(*) FROM nsfp_use WHERE nsfp BETWEEN ?1 AND ?2")?;
    let mut out = Vec::new();
    for recorded in ranges(conn)? {
        let used: u32 = count.query_row(
            params![
                recorded.range.start().digits(),
                recorded.range.end().digits()
            ],
            |r| r.get(0),
        )?;
        out.push(RangeUsage { recorded, used });
    }
    Ok(out)
}

/// A number taken from a range, and the faktur that carries it (none when the faktur was
/// deleted or the number was only handed out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedNumber {
    pub nsfp: Nsfp,
    pub faktur_id: Option<i64>,
    pub lawan_nama: Option<String>,
    pub referensi: Option<String>,
    pub used_at: String,
}

/// The numbers of `range` taken after `after` (exclusive), in order, at most `limit`: a page of
/// "which faktur took which number", keyed by the number.
pub fn used_in(
    conn: &Connection,
    range: NsfpRange,
    after: Option<Nsfp>,
    limit: u32,
) -> Result<Vec<UsedNumber>> {
    let from = after.map_or_else(String::new, Nsfp::digits);
    let mut stmt = conn.prepare_cached(
        "SELECT u.nsfp, u.faktur_id, f.lawan_nama, f.referensi, u.used_at
         FROM nsfp_use u LEFT JOIN faktur f ON f.id = u.faktur_id
         WHERE u.nsfp BETWEEN ?1 AND ?2 AND u.nsfp > ?3
         ORDER BY u.nsfp LIMIT ?4",
    )?;
    let rows = stmt.query_map(
        params![range.start().digits(), range.end().digits(), from, limit],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (digits, faktur_id, lawan_nama, referensi, used_at) = row?;
        if let Ok(nsfp) = Nsfp::parse(&digits) {
            out.push(UsedNumber {
                nsfp,
                faktur_id,
                lawan_nama,
                referensi,
                used_at,
            });
        }
    }
    Ok(out)
}

impl Store {
    /// Allocates one number in its own transaction (for callers without a transaction of their own).
    pub fn allocate_nsfp(&mut self, year: u8) -> Result<Nsfp> {
        self.transaction(|tx| allocate_next(tx, year))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Nsfp {
        Nsfp::parse(s).unwrap()
    }
    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, 2).unwrap()
    }

    #[test]
    fn allocates_in_order_then_reports_exhaustion() {
        let mut store = Store::open_in_memory().unwrap();
        let r = NsfpRange::new(n("0002500000001"), n("0002500000003")).unwrap();
        add_range(store.conn(), r, day()).unwrap();
        claim(store.conn(), n("0002500000002")).unwrap();
        assert_eq!(store.allocate_nsfp(25).unwrap(), n("0002500000001"));
        assert_eq!(
            store.allocate_nsfp(25).unwrap(),
            n("0002500000003"),
            "skips the claimed one"
        );
        let err = store.allocate_nsfp(25).unwrap_err();
        assert_eq!(err.code(), DjpCode::Etax20018);
        assert_eq!(ranges(store.conn()).unwrap()[0].remaining, 0);
    }

    #[test]
    fn claim_for_records_and_links_in_one_step() {
        let store = Store::open_in_memory().unwrap();
        let r = NsfpRange::new(n("0002500000001"), n("0002500000003")).unwrap();
        let id = add_range(store.conn(), r, day()).unwrap();
        let f = crate::store::faktur::tests::draft("0002500000002");
        let mut f = f;
        f.tanggal_faktur = "05/03/2025".into();
        f.tahun_pajak = "2025".into();
        f.jumlah_ppn = "120000".into();
        f.items[0].ppn = "120000".into();
        let f = f.validate().unwrap();
        let fid = crate::store::faktur::insert_bulk(
            store.conn(),
            &f,
            crate::domain::ApprovalStatus::Draft,
            "2025-03-05T00:00:00Z",
        )
        .unwrap();
        claim_for(
            store.conn(),
            id,
            n("0002500000002"),
            fid,
            "2025-03-05T00:00:00Z",
        )
        .unwrap();
        assert!(is_used(store.conn(), n("0002500000002")).unwrap());
        let linked: Option<i64> = store
            .conn()
            .query_row(
                "SELECT faktur_id FROM nsfp_use WHERE nsfp = '0002500000002'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(linked, Some(fid));
    }

    #[test]
    fn overlapping_range_is_refused() {
        let store = Store::open_in_memory().unwrap();
        add_range(
            store.conn(),
            NsfpRange::new(n("0002500000001"), n("0002500000010")).unwrap(),
            day(),
        )
        .unwrap();
        let err = add_range(
            store.conn(),
            NsfpRange::new(n("0002500000010"), n("0002500000020")).unwrap(),
            day(),
        )
        .unwrap_err();
        assert_eq!(err.code(), DjpCode::Etax20016);
        add_range(
            store.conn(),
            NsfpRange::new(n("0002500000011"), n("0002500000020")).unwrap(),
            day(),
        )
        .unwrap();
    }

    #[test]
    fn overlapping_ranges_recorded_at_once_are_refused_but_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.sqlite");
        drop(Store::open(&path).unwrap());
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
        let threads: Vec<_> = (0..4u32)
            .map(|i| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let s = Store::open(&path).unwrap();
                    let start = Nsfp::new(0, 25, 1 + i).unwrap();
                    let end = Nsfp::new(0, 25, 100 + i).unwrap();
                    barrier.wait();
                    add_range(s.conn(), NsfpRange::new(start, end).unwrap(), day()).is_ok()
                })
            })
            .collect();
        let ok = threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .filter(|&ok| ok)
            .count();
        assert_eq!(ok, 1);
        let s = Store::open(&path).unwrap();
        assert_eq!(ranges(s.conn()).unwrap().len(), 1);
    }

    #[test]
    fn claims_outside_ranges_or_twice_are_refused() {
        let store = Store::open_in_memory().unwrap();
        add_range(
            store.conn(),
            NsfpRange::new(n("0002500000001"), n("0002500000010")).unwrap(),
            day(),
        )
        .unwrap();
        assert_eq!(
            claim(store.conn(), n("0002500000011")).unwrap_err().code(),
            DjpCode::Etax20017
        );
        claim(store.conn(), n("0002500000005")).unwrap();
        assert_eq!(
            claim(store.conn(), n("0002500000005")).unwrap_err().code(),
            DjpCode::Etax20002
        );
        assert!(is_used(store.conn(), n("0002500000005")).unwrap());
    }

    #[test]
    fn concurrent_allocations_never_share_a_number() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        let store = Store::open(&path).unwrap();
        add_range(
            store.conn(),
            NsfpRange::new(n("0002500000001"), n("0002500000200")).unwrap(),
            day(),
        )
        .unwrap();
        drop(store);
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut s = Store::open(&path).unwrap();
                    (0..50)
                        .map(|_| s.allocate_nsfp(25).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<Nsfp> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        all.sort();
        let before = all.len();
        all.dedup();
        assert_eq!(all.len(), before, "a number was handed out twice");
        assert_eq!(all.len(), 200);
        let s = Store::open(&path).unwrap();
        assert_eq!(
            s.conn()
                .query_row("SELECT count(*) FROM nsfp_use", [], |r| r.get::<_, i64>(0))
                .unwrap(),
            200
        );
    }

    #[test]
    fn usage_counts_taken_numbers_and_lists_who_took_them() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        crate::store::user::create(c, "admin", "rahasia-1").unwrap();
        let admin = crate::store::user::admin::require_admin(c, "admin").unwrap();
        let r = NsfpRange::new(n("0002400000001"), n("0002400000005")).unwrap();
        record_range(c, &admin, r, day()).unwrap();
        let f = crate::store::faktur::tests::draft("0002400000002")
            .validate()
            .unwrap();
        let fid =
            crate::store::faktur::insert(c, &f, crate::domain::ApprovalStatus::Draft, "t").unwrap();
        claim(c, n("0002400000002")).unwrap();
        link_faktur(c, n("0002400000002"), fid).unwrap();
        claim(c, n("0002400000004")).unwrap();
        let u = usage(c).unwrap();
        assert_eq!((u[0].used, u[0].free()), (2, 3));
        let taken = used_in(c, r, None, 10).unwrap();
        assert_eq!(taken.len(), 2);
        assert_eq!(taken[0].faktur_id, Some(fid));
        assert_eq!(taken[0].lawan_nama.as_deref(), Some("PT PEMBELI"));
        assert_eq!(taken[1].faktur_id, None);
        let next = used_in(c, r, Some(n("0002400000002")), 10).unwrap();
        assert_eq!(next.len(), 1);
        assert_eq!(next[0].nsfp, n("0002400000004"));
    }
}
