//! Administrasi Faktur: the faktur list one page at a time, filtered, searched and sorted, fast
//! at a million rows.
//!
//! Every page is a keyset query: the rows after (or before) the last row shown, in a total order
//! `(sort column, id)`, read from an index of migration `0009_administrasi_index.sql`. Nothing
//! counts or skips rows with OFFSET, so the last page costs what the first does.
//!
//! Which index drives the query:
//! - a search (prefix of nomor, NPWP, nama or referensi) walks that column's index inside the
//!   prefix's range, and the list is sorted by that column; a filter is checked row by row;
//! - a masa/tahun filter sorted by tanggal walks `faktur_adm_masa_tanggal`; sorted otherwise or
//!   with a status too, it reads the masa's entries of `faktur_adm_periode`, which holds every
//!   sort column: the page is sorted from the index (top-N) and only its rows are read. The cost
//!   follows the faktur of one masa, not of the table;
//! - a status filter alone does the same on `faktur_adm_status` when it keeps at most [`SMALL`]
//!   faktur (counted on the index, stopping at `SMALL + 1`); a status kept by more is common
//!   enough that walking the sort column's index meets it often;
//! - otherwise the sort column's index is walked in order.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use super::Result;
use crate::domain::{KodeStatus, KodeTransaksi, NomorFaktur, Npwp, Nsfp};

/// Up to this many faktur of one status are sorted from `faktur_adm_status`; above it, a walk of
/// the sort index meets that status often enough.
pub const SMALL: usize = 30_000;

/// The status shown in the list, in DJP's words: a replaced or cancelled faktur says so,
/// otherwise its approval status.
///
/// Its SQL: `CASE WHEN status_faktur IN ('diganti', 'batal') THEN status_faktur ELSE
/// status_approval END`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminStatus {
    Draft,
    SiapUpload,
    DalamProses,
    ApprovalSukses,
    Reject,
    Diganti,
    Batal,
}

impl AdminStatus {
    pub const ALL: [AdminStatus; 7] = [
        AdminStatus::Draft,
        AdminStatus::SiapUpload,
        AdminStatus::DalamProses,
        AdminStatus::ApprovalSukses,
        AdminStatus::Reject,
        AdminStatus::Diganti,
        AdminStatus::Batal,
    ];

    /// The status's key, as the CASE of [`AdminStatus`] gives it.
    pub fn key(self) -> &'static str {
        match self {
            AdminStatus::Draft => "draft",
            AdminStatus::SiapUpload => "siap_upload",
            AdminStatus::DalamProses => "dalam_proses",
            AdminStatus::ApprovalSukses => "approval_sukses",
            AdminStatus::Reject => "reject",
            AdminStatus::Diganti => "diganti",
            AdminStatus::Batal => "batal",
        }
    }

    pub fn from_key(key: &str) -> Option<AdminStatus> {
        AdminStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    /// DJP's word for it, the same in every language of the app.
    pub fn label(self) -> &'static str {
        match self {
            AdminStatus::Draft => "Draft",
            AdminStatus::SiapUpload => "Siap Upload",
            AdminStatus::DalamProses => "Dalam Proses Approval",
            AdminStatus::ApprovalSukses => "Approval Sukses",
            AdminStatus::Reject => "Reject",
            AdminStatus::Diganti => "Diganti",
            AdminStatus::Batal => "Batal",
        }
    }
}

/// A column the list can be sorted by (each has its index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortKey {
    #[default]
    Tanggal,
    Nomor,
    Npwp,
    Nama,
    Referensi,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        SortKey::Tanggal,
        SortKey::Nomor,
        SortKey::Npwp,
        SortKey::Nama,
        SortKey::Referensi,
    ];

    /// The stored column.
    fn column(self) -> &'static str {
        match self {
            SortKey::Tanggal => "tanggal",
            SortKey::Nomor => "nsfp",
            SortKey::Npwp => "lawan_npwp",
            SortKey::Nama => "lawan_nama",
            SortKey::Referensi => "referensi",
        }
    }

    /// The column as the index orders it.
    fn ordered(self) -> &'static str {
        match self {
            SortKey::Nama => "lawan_nama COLLATE NOCASE",
            SortKey::Referensi => "referensi COLLATE NOCASE",
            other => other.column(),
        }
    }

    fn index(self) -> &'static str {
        match self {
            SortKey::Tanggal => "faktur_adm_tanggal",
            SortKey::Nomor => "faktur_adm_nomor",
            SortKey::Npwp => "faktur_adm_npwp",
            SortKey::Nama => "faktur_adm_nama",
            SortKey::Referensi => "faktur_adm_referensi",
        }
    }
}

/// Which column a search looks in; it matches the start of the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SearchField {
    #[default]
    Nomor,
    Npwp,
    Nama,
    Referensi,
}

impl SearchField {
    pub const ALL: [SearchField; 4] = [
        SearchField::Nomor,
        SearchField::Npwp,
        SearchField::Nama,
        SearchField::Referensi,
    ];

    pub fn sort_key(self) -> SortKey {
        match self {
            SearchField::Nomor => SortKey::Nomor,
            SearchField::Npwp => SortKey::Npwp,
            SearchField::Nama => SortKey::Nama,
            SearchField::Referensi => SortKey::Referensi,
        }
    }

    /// The stored prefix a typed text stands for, `None` when it constrains nothing.
    /// Nomor: the NSFP's digits; a printed nomor (`010.000-24.0000…`) starts with the kode
    /// transaksi and status flag, which are dropped. NPWP: its digits.
    fn prefix(self, typed: &str) -> Option<String> {
        let typed = typed.trim();
        let digits = || {
            typed
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        };
        let p = match self {
            SearchField::Nomor => {
                let d = digits();
                let printed = typed.len() > 3 && typed.as_bytes()[3] == b'.';
                if printed || d.len() > 13 {
                    d.get(3..).unwrap_or_default().to_string()
                } else {
                    d
                }
            }
            SearchField::Npwp => digits(),
            SearchField::Nama | SearchField::Referensi => typed.to_string(),
        };
        (!p.is_empty()).then_some(p)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Search {
    pub field: SearchField,
    pub text: String,
}

/// What the list shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListQuery {
    /// Pajak Masukan instead of Pajak Keluaran.
    pub masukan: bool,
    /// `(tahun, masa)`.
    pub period: Option<(u16, u8)>,
    pub status: Option<AdminStatus>,
    pub search: Option<Search>,
    pub sort: SortKey,
    pub descending: bool,
}

impl ListQuery {
    fn prefix(&self) -> Option<(SearchField, String)> {
        let s = self.search.as_ref()?;
        Some((s.field, s.field.prefix(&s.text)?))
    }

    /// The order the rows come in: a search sorts by the column it searches.
    pub fn effective_sort(&self) -> SortKey {
        match self.prefix() {
            Some((field, _)) => field.sort_key(),
            None => self.sort,
        }
    }

    fn jenis(&self) -> &'static str {
        if self.masukan { "masukan" } else { "keluaran" }
    }
}

/// A row's place in the order of its query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub value: String,
    pub id: i64,
}

/// Which page to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    First,
    Last,
    /// The page right after this row.
    After(Key),
    /// The page right before this row.
    Before(Key),
}

/// One faktur as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub id: i64,
    /// The printed nomor faktur, `010.000-24.00000001`.
    pub nomor: String,
    pub tanggal: NaiveDate,
    pub masa: u8,
    pub tahun: u16,
    /// NPWP as printed (`01.346.347.6-415.001`), or as stored if it is not a valid NPWP.
    pub npwp: String,
    pub nama: String,
    pub dpp: i64,
    pub ppn: i64,
    pub ppnbm: i64,
    pub status: AdminStatus,
    pub referensi: String,
    pub key: Key,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    pub rows: Vec<ListRow>,
    /// Rows exist before the first row of this page.
    pub has_before: bool,
    /// Rows exist after the last row of this page.
    pub has_after: bool,
}

const COLUMNS: &str = "id, kode_transaksi, fg_pengganti, nsfp, tanggal, masa, tahun, lawan_npwp,
    lawan_nama, jumlah_dpp, jumlah_ppn, jumlah_ppnbm,
    CASE WHEN status_faktur = 'diganti' OR status_faktur = 'batal' THEN status_faktur
         ELSE status_approval END,
    referensi";

/// The condition of a status filter on the two status columns (both in the filter indexes).
fn status_condition(s: AdminStatus) -> &'static str {
    match s {
        AdminStatus::Diganti => "status_faktur = 'diganti'",
        AdminStatus::Batal => "status_faktur = 'batal'",
        AdminStatus::Draft => {
            "status_approval = 'draft' AND status_faktur IN ('normal', 'normal_pengganti')"
        }
        AdminStatus::SiapUpload => {
            "status_approval = 'siap_upload' AND status_faktur IN ('normal', 'normal_pengganti')"
        }
        AdminStatus::DalamProses => {
            "status_approval = 'dalam_proses' AND status_faktur IN ('normal', 'normal_pengganti')"
        }
        AdminStatus::ApprovalSukses => {
            "status_approval = 'approval_sukses' AND status_faktur IN ('normal', 'normal_pengganti')"
        }
        AdminStatus::Reject => {
            "status_approval = 'reject' AND status_faktur IN ('normal', 'normal_pengganti')"
        }
    }
}

/// A statement of a page read and its parameters.
struct Stmt {
    sql: String,
    params: Vec<Value>,
}

/// How a page is read: the statements run in turn until `limit + 1` rows are found.
struct Plan {
    stmts: Vec<Stmt>,
    /// The rows come in reverse order of the list (Last, Before).
    reversed: bool,
}

/// Reads one page of at most `limit` rows.
pub fn page(conn: &Connection, q: &ListQuery, cursor: &Cursor, limit: usize) -> Result<Page> {
    page_with(conn, q, cursor, limit, SMALL)
}

/// [`page`] with another bound for sorting a status from its index (tests take both paths).
fn page_with(
    conn: &Connection,
    q: &ListQuery,
    cursor: &Cursor,
    limit: usize,
    small: usize,
) -> Result<Page> {
    let plan = plan(conn, q, cursor, small)?;
    let sort = q.effective_sort();
    let want = limit + 1;
    let mut rows = Vec::with_capacity(want);
    for s in &plan.stmts {
        if rows.len() >= want {
            break;
        }
        let mut stmt = conn.prepare_cached(&s.sql)?;
        let mut params = s.params.clone();
        params.push(Value::Integer((want - rows.len()) as i64));
        let found = stmt.query_map(params_from_iter(params), |r| row(r, sort))?;
        for r in found {
            rows.push(r?);
        }
    }
    let more = rows.len() > limit;
    rows.truncate(limit);
    let (mut has_before, mut has_after) = match cursor {
        Cursor::First => (false, more),
        Cursor::After(_) => (true, more),
        Cursor::Last => (more, false),
        Cursor::Before(_) => (more, true),
    };
    if plan.reversed {
        rows.reverse();
    }
    if rows.is_empty() {
        // Nothing here: say so instead of offering to move on.
        has_before &= matches!(cursor, Cursor::After(_));
        has_after &= matches!(cursor, Cursor::Before(_));
    }
    Ok(Page {
        rows,
        has_before,
        has_after,
    })
}

/// `EXPLAIN QUERY PLAN` of each statement a page read runs, for tests and diagnosis.
pub fn explain(conn: &Connection, q: &ListQuery, cursor: &Cursor) -> Result<Vec<String>> {
    let plan = plan(conn, q, cursor, SMALL)?;
    let mut out = Vec::new();
    for s in plan.stmts {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {}", s.sql))?;
        let mut params = s.params;
        params.push(Value::Integer(2));
        let lines = stmt.query_map(params_from_iter(params), |r| r.get::<_, String>(3))?;
        out.push(lines.collect::<rusqlite::Result<Vec<_>>>()?.join("; "));
    }
    Ok(out)
}

fn row(r: &rusqlite::Row<'_>, sort: SortKey) -> rusqlite::Result<ListRow> {
    let corrupt = |what: &str| {
        rusqlite::Error::InvalidColumnType(0, what.to_string(), rusqlite::types::Type::Text)
    };
    let id: i64 = r.get(0)?;
    let kode = KodeTransaksi::new(r.get(1)?).ok_or_else(|| corrupt("kode_transaksi"))?;
    let flag = if r.get::<_, u8>(2)? == 1 {
        KodeStatus::Pengganti
    } else {
        KodeStatus::Normal
    };
    let nsfp_digits: String = r.get(3)?;
    let nsfp = Nsfp::parse(&nsfp_digits).map_err(|_| corrupt("nsfp"))?;
    let tanggal_text: String = r.get(4)?;
    let npwp_digits: String = r.get(7)?;
    let nama: String = r.get(8)?;
    let status_key: String = r.get(12)?;
    let referensi: String = r.get(13)?;
    let value = match sort {
        SortKey::Tanggal => tanggal_text.clone(),
        SortKey::Nomor => nsfp_digits,
        SortKey::Npwp => npwp_digits.clone(),
        SortKey::Nama => nama.clone(),
        SortKey::Referensi => referensi.clone(),
    };
    Ok(ListRow {
        id,
        nomor: NomorFaktur {
            kode,
            status: flag,
            nsfp,
        }
        .to_string(),
        tanggal: tanggal_text.parse().map_err(|_| corrupt("tanggal"))?,
        masa: r.get(5)?,
        tahun: r.get(6)?,
        npwp: Npwp::parse(&npwp_digits)
            .map(|n| n.to_string())
            .unwrap_or(npwp_digits),
        nama,
        dpp: r.get(9)?,
        ppn: r.get(10)?,
        ppnbm: r.get(11)?,
        status: AdminStatus::from_key(&status_key).ok_or_else(|| corrupt("status"))?,
        referensi,
        key: Key { value, id },
    })
}

/// The conditions every plan checks: jenis, filter and search.
fn conditions(q: &ListQuery, params: &mut Vec<Value>) -> String {
    let mut w = String::from("jenis = ?");
    params.push(Value::Text(q.jenis().into()));
    if let Some((tahun, masa)) = q.period {
        w.push_str(" AND tahun = ? AND masa = ?");
        params.push(Value::Integer(tahun.into()));
        params.push(Value::Integer(masa.into()));
    }
    if let Some(s) = q.status {
        w.push_str(" AND ");
        w.push_str(status_condition(s));
    }
    if let Some((field, prefix)) = q.prefix() {
        // [prefix, prefix + the highest character): every value that starts with the prefix,
        // as an index range.
        let col = field.sort_key().ordered();
        w.push_str(&format!(" AND {col} >= ? AND {col} < ?"));
        params.push(Value::Text(prefix.clone()));
        params.push(Value::Text(format!("{prefix}\u{10FFFF}")));
    }
    w
}

fn plan(conn: &Connection, q: &ListQuery, cursor: &Cursor, small: usize) -> Result<Plan> {
    let sort = q.effective_sort();
    // The SQL order: the list's order for First/After, the reverse for Last/Before.
    let reversed = matches!(cursor, Cursor::Last | Cursor::Before(_));
    let descending = q.descending != reversed;
    let (dir, cmp) = if descending {
        ("DESC", "<")
    } else {
        ("ASC", ">")
    };
    let key = match cursor {
        Cursor::After(k) | Cursor::Before(k) => Some(k),
        Cursor::First | Cursor::Last => None,
    };
    let col = sort.ordered();
    let order = format!("ORDER BY {col} {dir}, id {dir}");
    // The masa's faktur in tanggal order (the list's usual view) have an index of their own.
    let masa_by_tanggal = q.period.is_some() && q.status.is_none() && sort == SortKey::Tanggal;
    let filter_index = if q.prefix().is_some() || masa_by_tanggal {
        None
    } else if q.period.is_some() {
        Some("faktur_adm_periode")
    } else if q.status.is_some() && status_is_small(conn, q, small)? {
        Some("faktur_adm_status")
    } else {
        None
    };
    let mut stmts = Vec::new();
    let mut params = Vec::new();
    let w = conditions(q, &mut params);
    if let Some(index) = filter_index {
        // The page's ids, sorted from the index alone; then only their rows.
        let mut w = w;
        if let Some(k) = key {
            w.push_str(&format!(" AND ({col}, id) {cmp} (?, ?)"));
            params.push(Value::Text(k.value.clone()));
            params.push(Value::Integer(k.id));
        }
        stmts.push(Stmt {
            sql: format!(
                "SELECT {COLUMNS} FROM faktur WHERE id IN (
                     SELECT id FROM faktur INDEXED BY {index} WHERE {w} {order} LIMIT ?)
                 {order}"
            ),
            params,
        });
        return Ok(Plan { stmts, reversed });
    }
    let index = if masa_by_tanggal && q.prefix().is_none() {
        "faktur_adm_masa_tanggal"
    } else {
        sort.index()
    };
    let head = format!("SELECT {COLUMNS} FROM faktur INDEXED BY {index} WHERE");
    match key {
        None => stmts.push(Stmt {
            sql: format!("{head} {w} {order} LIMIT ?"),
            params,
        }),
        Some(k) => {
            // Two index ranges, each exact: the rest of the key's tie group, then the values
            // past it. (SQLite would walk a row-value bound from the tie group's start.)
            let mut ties = params.clone();
            ties.push(Value::Text(k.value.clone()));
            ties.push(Value::Integer(k.id));
            stmts.push(Stmt {
                sql: format!("{head} {w} AND {col} = ? AND id {cmp} ? ORDER BY id {dir} LIMIT ?"),
                params: ties,
            });
            params.push(Value::Text(k.value.clone()));
            stmts.push(Stmt {
                sql: format!("{head} {w} AND {col} {cmp} ? {order} LIMIT ?"),
                params,
            });
        }
    }
    Ok(Plan { stmts, reversed })
}

/// Whether a status filter without masa keeps at most `small` faktur; counted on the status
/// index and stopped at `small + 1`.
fn status_is_small(conn: &Connection, q: &ListQuery, small: usize) -> Result<bool> {
    let bare = ListQuery {
        search: None,
        ..q.clone()
    };
    let mut params = Vec::new();
    let w = conditions(&bare, &mut params);
    params.push(Value::Integer(small as i64 + 1));
    let sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM faktur INDEXED BY faktur_adm_status WHERE {w} LIMIT ?)"
    );
    let n: i64 = conn
        .prepare_cached(&sql)?
        .query_row(params_from_iter(params), |r| r.get(0))?;
    Ok(n as usize <= small)
}

/// Writes `n` faktur with few distinct values per column (many ties), for tests and benches of
/// the list. Raw rows, one prepared statement: the caller decides the transaction.
#[doc(hidden)]
pub fn fill_synthetic(conn: &Connection, n: u32, masukan: bool) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO faktur (jenis, kode_transaksi, fg_pengganti, nsfp, masa, tahun, tanggal,
             lawan_npwp, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn, jumlah_ppnbm, referensi,
             dikreditkan, status_faktur, status_approval, created_at, updated_at)
         VALUES (?1, 1, 0, ?2, ?3, ?4, ?5, ?6, ?7, 'Jl. Sudirman 1', ?8, ?9, 0, ?10, ?11, ?12, ?13,
             '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
    )?;
    let names = ["PT ALFA", "pt alfa", "CV BETA", "PT GAMMA", "Toko Delta"];
    let approvals = [
        "draft",
        "siap_upload",
        "approval_sukses",
        "approval_sukses",
        "reject",
    ];
    for i in 0..n {
        // A cheap mix so that neighbours differ: i * a large odd number.
        let h = i.wrapping_mul(2_654_435_761);
        let tahun = 2023 + (h % 3) as u16;
        let masa = (h / 3 % 12) as u8 + 1;
        let day = (h / 36 % 28) + 1;
        let status_faktur = match h / 1_000 % 50 {
            0 => "batal",
            1 => "diganti",
            _ => "normal",
        };
        stmt.execute(rusqlite::params![
            if masukan { "masukan" } else { "keluaran" },
            format!(
                "{:03}{:02}{:08}",
                i / 90_000_000,
                tahun % 100,
                i % 90_000_000 + 1
            ),
            masa,
            tahun,
            format!("{tahun}-{masa:02}-{day:02}"),
            npwp(h),
            names[(h / 5 % names.len() as u32) as usize],
            i64::from(h % 100_000) * 1_000,
            i64::from(h % 100_000) * 110,
            if h % 4 == 0 {
                String::new()
            } else {
                format!("INV/{}", h % 997)
            },
            masukan.then_some(1),
            status_faktur,
            approvals[(h / 13 % approvals.len() as u32) as usize],
        ])?;
    }
    Ok(())
}

/// A valid NPWP (its check digit right) out of a few: nine distinct heads, eleven branches.
fn npwp(h: u32) -> String {
    let body = format!("0{:02}34567", h / 7 % 9 + 1);
    let check = crate::domain::npwp::luhn_check_digit(&body);
    format!("{body}{check}{:06}", h % 11)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    const LIMIT: usize = 7;

    fn store_with(n: u32) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        store
            .transaction(|tx| {
                fill_synthetic(tx, n, false)?;
                fill_synthetic(tx, 40, true)
            })
            .unwrap();
        store
    }

    /// Every row of the query, sorted in Rust: what the pages must add up to.
    fn expected(conn: &Connection, q: &ListQuery) -> Vec<i64> {
        // One big page through the same conditions; its order and completeness are checked
        // independently below.
        let all = page(conn, q, &Cursor::First, 1_000_000).unwrap().rows;
        let nocase = matches!(q.effective_sort(), SortKey::Nama | SortKey::Referensi);
        let mut keyed: Vec<(String, i64)> = all
            .iter()
            .map(|r| {
                let v = if nocase {
                    r.key.value.to_ascii_lowercase()
                } else {
                    r.key.value.clone()
                };
                (v, r.id)
            })
            .collect();
        keyed.sort();
        if q.descending {
            keyed.reverse();
        }
        let ids: Vec<i64> = all.iter().map(|r| r.id).collect();
        let sorted: Vec<i64> = keyed.iter().map(|(_, id)| *id).collect();
        assert_eq!(ids, sorted, "one page is in order for {q:?}");
        // And it is every matching row: counted with a plain scan.
        let mut params = Vec::new();
        let w = conditions(q, &mut params);
        let n: i64 = conn
            .query_row(
                &format!("SELECT count(*) FROM faktur NOT INDEXED WHERE {w}"),
                params_from_iter(params),
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(ids.len() as i64, n, "all rows of {q:?}");
        ids
    }

    fn walk_forward(conn: &Connection, q: &ListQuery) -> Vec<i64> {
        let mut ids = Vec::new();
        let mut cursor = Cursor::First;
        loop {
            let p = page(conn, q, &cursor, LIMIT).unwrap();
            ids.extend(p.rows.iter().map(|r| r.id));
            match (p.has_after, p.rows.last()) {
                (true, Some(last)) => cursor = Cursor::After(last.key.clone()),
                _ => return ids,
            }
        }
    }

    fn walk_backward(conn: &Connection, q: &ListQuery) -> Vec<i64> {
        let mut pages = Vec::new();
        let mut cursor = Cursor::Last;
        loop {
            let p = page(conn, q, &cursor, LIMIT).unwrap();
            let ids: Vec<i64> = p.rows.iter().map(|r| r.id).collect();
            let next = p.rows.first().map(|r| r.key.clone());
            pages.push(ids);
            match (p.has_before, next) {
                (true, Some(first)) => cursor = Cursor::Before(first),
                _ => break,
            }
        }
        pages.into_iter().rev().flatten().collect()
    }

    #[test]
    fn pages_never_skip_or_repeat_rows_under_ties_for_every_sort_and_filter() {
        let store = store_with(400);
        let conn = store.conn();
        let filters = [
            (None, None, None),
            (Some((2024, 3)), None, None),
            (None, Some(AdminStatus::Reject), None),
            (Some((2024, 3)), Some(AdminStatus::ApprovalSukses), None),
            (
                None,
                None,
                Some(Search {
                    field: SearchField::Nama,
                    text: "pt".into(),
                }),
            ),
            (
                Some((2025, 7)),
                None,
                Some(Search {
                    field: SearchField::Npwp,
                    text: "00.3".into(),
                }),
            ),
        ];
        for (period, status, search) in filters {
            for sort in SortKey::ALL {
                for descending in [false, true] {
                    let q = ListQuery {
                        masukan: false,
                        period,
                        status,
                        search: search.clone(),
                        sort,
                        descending,
                    };
                    let want = expected(conn, &q);
                    assert!(!want.is_empty(), "test data covers {q:?}");
                    assert_eq!(walk_forward(conn, &q), want, "forward {q:?}");
                    assert_eq!(walk_backward(conn, &q), want, "backward {q:?}");
                }
            }
        }
    }

    #[test]
    fn a_status_is_paged_alike_from_its_index_and_by_walking_the_sort_index() {
        let store = store_with(300);
        let conn = store.conn();
        for sort in SortKey::ALL {
            for descending in [false, true] {
                let q = ListQuery {
                    status: Some(AdminStatus::ApprovalSukses),
                    sort,
                    descending,
                    ..ListQuery::default()
                };
                let want = expected(conn, &q);
                // Walk the sort index (a status "too big" for its index), forward and back.
                let walk = |cursor: &Cursor| page_with(conn, &q, cursor, LIMIT, 0).unwrap();
                let mut ids = Vec::new();
                let mut cursor = Cursor::First;
                loop {
                    let p = walk(&cursor);
                    ids.extend(p.rows.iter().map(|r| r.id));
                    match (p.has_after, p.rows.last()) {
                        (true, Some(last)) => cursor = Cursor::After(last.key.clone()),
                        _ => break,
                    }
                }
                assert_eq!(ids, want, "{q:?}");
                assert!(status_is_small(conn, &q, SMALL).unwrap());
                assert!(!status_is_small(conn, &q, 0).unwrap());
            }
        }
    }

    #[test]
    fn prefix_searches_use_their_index_and_never_scan_the_table() {
        let store = store_with(50);
        let conn = store.conn();
        let key = Key {
            value: "x".into(),
            id: 1,
        };
        for (field, text, index) in [
            (SearchField::Npwp, "01.234", "faktur_adm_npwp"),
            (SearchField::Nomor, "010.001-24.0000", "faktur_adm_nomor"),
            (SearchField::Nama, "pt al", "faktur_adm_nama"),
            (SearchField::Referensi, "INV/1", "faktur_adm_referensi"),
        ] {
            for cursor in [Cursor::First, Cursor::After(key.clone()), Cursor::Last] {
                let q = ListQuery {
                    period: Some((2024, 1)),
                    search: Some(Search {
                        field,
                        text: text.into(),
                    }),
                    ..ListQuery::default()
                };
                for plan in explain(conn, &q, &cursor).unwrap() {
                    assert!(
                        plan.contains(&format!("SEARCH faktur USING INDEX {index}")),
                        "{plan}"
                    );
                    assert!(
                        plan.contains(">? AND") || plan.contains("=?"),
                        "a range: {plan}"
                    );
                    assert!(!plan.contains("SCAN"), "{plan}");
                    assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}");
                }
            }
        }
        // A masa (± status) is sorted from the covering filter index; only the page's rows are
        // read, by id.
        for sort in SortKey::ALL {
            for status in [None, Some(AdminStatus::Reject)] {
                let q = ListQuery {
                    period: Some((2024, 2)),
                    status,
                    sort,
                    ..ListQuery::default()
                };
                if status.is_none() && sort == SortKey::Tanggal {
                    // The usual view walks its own index in order.
                    for plan in explain(conn, &q, &Cursor::After(key.clone())).unwrap() {
                        assert!(plan.contains("INDEX faktur_adm_masa_tanggal"), "{plan}");
                        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
                    }
                    continue;
                }
                for plan in explain(conn, &q, &Cursor::After(key.clone())).unwrap() {
                    assert!(
                        plan.contains("SEARCH faktur USING COVERING INDEX faktur_adm_periode"),
                        "{plan}"
                    );
                    assert!(plan.contains("INTEGER PRIMARY KEY (rowid=?)"), "{plan}");
                    assert!(!plan.contains("SCAN"), "{plan}");
                }
            }
        }
        // Sorted pages without a search walk the sort index: no sort of the whole table.
        for sort in SortKey::ALL {
            let q = ListQuery {
                sort,
                ..ListQuery::default()
            };
            for plan in explain(conn, &q, &Cursor::After(key.clone())).unwrap() {
                assert!(
                    !plan.contains("TEMP B-TREE") && !plan.contains("SCAN"),
                    "{plan}"
                );
            }
        }
    }

    #[test]
    fn printed_nomor_and_npwp_are_searched_by_their_digits() {
        assert_eq!(
            SearchField::Nomor.prefix("010.000-24.00000001").as_deref(),
            Some("0002400000001")
        );
        assert_eq!(
            SearchField::Nomor.prefix("000-24.00").as_deref(),
            Some("0002400")
        );
        assert_eq!(
            SearchField::Npwp.prefix("01.346.3").as_deref(),
            Some("013463")
        );
        assert_eq!(SearchField::Npwp.prefix(" .-"), None);
        assert_eq!(SearchField::Nama.prefix("  "), None);
    }

    #[test]
    fn a_v1_database_with_faktur_migrates_and_lists_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.sqlite");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(include_str!(
                "../../resources/migrations/client/0001_init.sql"
            ))
            .unwrap();
            c.pragma_update(None, "user_version", 1).unwrap();
            fill_synthetic(&c, 30, false).unwrap();
            c.execute("UPDATE faktur SET status_faktur = 'batal' WHERE id = 3", [])
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let v: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, crate::store::SCHEMA_VERSION);
        let q = ListQuery::default();
        let all = page(store.conn(), &q, &Cursor::First, 100).unwrap();
        assert_eq!(all.rows.len(), 30);
        let batal = all.rows.iter().find(|r| r.id == 3).unwrap();
        assert_eq!(batal.status, AdminStatus::Batal);
        store.integrity_check().unwrap();
    }

    #[test]
    fn an_empty_list_offers_no_page_to_move_to() {
        let store = store_with(0);
        let p = page(store.conn(), &ListQuery::default(), &Cursor::Last, LIMIT).unwrap();
        assert_eq!(p, Page::default());
    }
}
