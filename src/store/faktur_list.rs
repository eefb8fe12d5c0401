//! Administrasi Faktur: the faktur list one page at a time, filtered, searched and sorted, fast
//! at a million rows.
//!
//! Every page is a keyset query: the rows after (or before) the last row shown, in a total order
//! `(sort column, id)`. Nothing counts or skips rows with OFFSET, so the last page costs what the
//! first does. Each index costs every import its upkeep, so migration
//! `0004_administrasi_index.sql` has only four, and the rest is served in a bounded way:
//! - without a masa, the list is in tanggal order (`faktur_adm_tanggal`) and a search by NPWP
//!   or nomor prefix walks `faktur_adm_npwp` or `faktur_adm_nomor` inside the prefix's range,
//!   sorted by that column;
//! - with a masa, every query reads that masa's entries of `faktur_adm_masa` (in tanggal order
//!   as they come, or sorted by another column: a sort of one masa's keys), so the cost follows
//!   the faktur of one masa, not of the table;
//! - a status filter, or a search by nama or referensi, without a masa has no index: the
//!   tanggal index is walked and each faktur checked, stopping at a page of hits or after
//!   [`SCAN_LIMIT`] faktur examined ([`Page::bounded`]: the user is asked to narrow the search,
//!   e.g. pick a masa, or may read on from where the scan stopped).

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use super::Result;
use crate::domain::{KodeStatus, KodeTransaksi, NomorFaktur, Npwp, Nsfp};

/// At most this many faktur are examined for one page of a search or status filter that no
/// index serves (no masa picked).
pub const SCAN_LIMIT: usize = 20_000;

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

/// A column the list can be sorted by. Only tanggal has an index over every masa; the others
/// sort one masa's faktur ([`SortKey::needs_masa`]).
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

    /// Sorting by this column needs a masa filter (no index orders all faktur by it).
    pub fn needs_masa(self) -> bool {
        self != SortKey::Tanggal
    }

    /// The column as the list orders it (names and referensi without case).
    fn ordered(self) -> &'static str {
        match self {
            SortKey::Tanggal => "tanggal",
            SortKey::Nomor => "nsfp",
            SortKey::Npwp => "lawan_npwp",
            SortKey::Nama => "lawan_nama COLLATE NOCASE",
            SortKey::Referensi => "referensi COLLATE NOCASE",
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

    /// An index serves a search by this field over every masa (nomor, NPWP).
    pub fn indexed(self) -> bool {
        matches!(self, SearchField::Nomor | SearchField::Npwp)
    }

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

    /// The order the rows come in. With a masa: a search sorts by the column it searches,
    /// otherwise the chosen column. Without one: by NPWP (nomor) for an NPWP (nomor) search,
    /// from its index, else by tanggal, the only order an index keeps over every masa.
    pub fn effective_sort(&self) -> SortKey {
        match (self.period, self.prefix()) {
            (Some(_), Some((field, _))) => field.sort_key(),
            (Some(_), None) => self.sort,
            (None, Some((field, _))) if self.status.is_none() && field.indexed() => {
                field.sort_key()
            }
            (None, _) => SortKey::Tanggal,
        }
    }

    /// No index serves the query: a status filter, or a search by nama or referensi, without a
    /// masa. Its pages are found by a bounded scan.
    pub fn is_scan(&self) -> bool {
        self.period.is_none()
            && (self.status.is_some()
                || matches!(self.prefix(), Some((field, _)) if !field.indexed()))
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
    /// A scan without index stopped after [`SCAN_LIMIT`] faktur examined, short of a page:
    /// faktur further on may match. The list asks to narrow the search (pick a masa).
    pub bounded: bool,
    /// Where a bounded scan reading forward (backward) stopped: the next (previous) page goes
    /// on from there rather than from the page's last (first) row.
    resume_after: Option<Key>,
    resume_before: Option<Key>,
}

impl Page {
    /// The cursor of the page after this one, if there is one.
    pub fn after(&self) -> Option<Cursor> {
        let key = self
            .resume_after
            .as_ref()
            .or(self.rows.last().map(|r| &r.key));
        self.has_after
            .then_some(key)
            .flatten()
            .cloned()
            .map(Cursor::After)
    }

    /// The cursor of the page before this one, if there is one.
    pub fn before(&self) -> Option<Cursor> {
        let key = self
            .resume_before
            .as_ref()
            .or(self.rows.first().map(|r| &r.key));
        self.has_before
            .then_some(key)
            .flatten()
            .cloned()
            .map(Cursor::Before)
    }
}

const COLUMNS: &str = "id, kode_transaksi, fg_pengganti, nsfp, tanggal, masa, tahun, lawan_npwp,
    lawan_nama, jumlah_dpp, jumlah_ppn, jumlah_ppnbm,
    CASE WHEN status_faktur = 'diganti' OR status_faktur = 'batal' THEN status_faktur
         ELSE status_approval END,
    referensi";

/// The condition of a status filter on the two status columns.
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

/// How a page is read.
struct Plan {
    /// Run in turn until `limit + 1` rows are found; for a scan, the one walk that examines
    /// faktur (`id, tanggal, hit`).
    stmts: Vec<Stmt>,
    /// The rows come in reverse order of the list (Last, Before).
    reversed: bool,
    scan: bool,
}

/// Reads one page of at most `limit` rows.
pub fn page(conn: &Connection, q: &ListQuery, cursor: &Cursor, limit: usize) -> Result<Page> {
    page_with(conn, q, cursor, limit, SCAN_LIMIT)
}

/// [`page`] with another bound for a scan (tests reach it with a few rows).
fn page_with(
    conn: &Connection,
    q: &ListQuery,
    cursor: &Cursor,
    limit: usize,
    scan_limit: usize,
) -> Result<Page> {
    let plan = plan(q, cursor, scan_limit);
    let sort = q.effective_sort();
    let want = limit + 1;
    let mut rows = Vec::with_capacity(want.min(1_000));
    let mut bounded = false;
    let mut stopped_at = None;
    if plan.scan {
        let s = &plan.stmts[0];
        let mut stmt = conn.prepare_cached(&s.sql)?;
        let mut walk = stmt.query(params_from_iter(s.params.iter()))?;
        let mut ids = Vec::new();
        let mut examined = 0;
        let mut last = None;
        while let Some(r) = walk.next()? {
            examined += 1;
            let id: i64 = r.get(0)?;
            last = Some(Key {
                value: r.get(1)?,
                id,
            });
            if r.get::<_, bool>(2)? {
                ids.push(id);
                if ids.len() == want {
                    break;
                }
            }
        }
        bounded = ids.len() < want && examined == scan_limit;
        if bounded {
            stopped_at = last;
        }
        let mut one = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM faktur WHERE id = ?"))?;
        for id in ids {
            rows.push(one.query_row([id], |r| row(r, sort))?);
        }
    } else {
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
    }
    // A bounded scan may have more beyond where it stopped.
    let more = rows.len() > limit || bounded;
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
    if rows.is_empty() && !bounded {
        // Nothing here: say so instead of offering to move on.
        has_before &= matches!(cursor, Cursor::After(_));
        has_after &= matches!(cursor, Cursor::Before(_));
    }
    let (resume_after, resume_before) = if plan.reversed {
        (None, stopped_at)
    } else {
        (stopped_at, None)
    };
    Ok(Page {
        rows,
        has_before,
        has_after,
        bounded,
        resume_after,
        resume_before,
    })
}

/// `EXPLAIN QUERY PLAN` of each statement a page read runs, for tests and diagnosis.
pub fn explain(conn: &Connection, q: &ListQuery, cursor: &Cursor) -> Result<Vec<String>> {
    let plan = plan(q, cursor, SCAN_LIMIT);
    let mut out = Vec::new();
    for s in plan.stmts {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {}", s.sql))?;
        let mut params = s.params;
        if !plan.scan {
            params.push(Value::Integer(2));
        }
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

/// The filter and search conditions (without jenis), each on its own.
fn filters(q: &ListQuery, params: &mut Vec<Value>) -> Vec<String> {
    let mut w = Vec::new();
    if let Some((tahun, masa)) = q.period {
        w.push("tahun = ? AND masa = ?".to_string());
        params.push(Value::Integer(tahun.into()));
        params.push(Value::Integer(masa.into()));
    }
    if let Some(s) = q.status {
        w.push(format!("({})", status_condition(s)));
    }
    if let Some((field, prefix)) = q.prefix() {
        // [prefix, prefix + the highest character): every value that starts with the prefix,
        // as an index range.
        let col = field.sort_key().ordered();
        w.push(format!("{col} >= ? AND {col} < ?"));
        params.push(Value::Text(prefix.clone()));
        params.push(Value::Text(format!("{prefix}\u{10FFFF}")));
    }
    w
}

/// The conditions every page checks: jenis, filter and search.
fn conditions(q: &ListQuery, params: &mut Vec<Value>) -> String {
    params.push(Value::Text(q.jenis().into()));
    let mut w = String::from("jenis = ?");
    for f in filters(q, params) {
        w.push_str(" AND ");
        w.push_str(&f);
    }
    w
}

fn plan(q: &ListQuery, cursor: &Cursor, scan_limit: usize) -> Plan {
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
    let mut params = Vec::new();
    if q.is_scan() {
        // Walk the tanggal index and say of each faktur whether it matches; the walk stops
        // after `scan_limit` faktur (or at a page of hits, in `page_with`).
        let hit = filters(q, &mut params).join(" AND ");
        params.push(Value::Text(q.jenis().into()));
        let mut w = String::from("jenis = ?");
        if let Some(k) = key {
            w.push_str(&format!(" AND (tanggal, id) {cmp} (?, ?)"));
            params.push(Value::Text(k.value.clone()));
            params.push(Value::Integer(k.id));
        }
        params.push(Value::Integer(scan_limit as i64));
        let sql = format!(
            "SELECT id, tanggal, {hit} FROM faktur INDEXED BY faktur_adm_tanggal
             WHERE {w} {order} LIMIT ?"
        );
        return Plan {
            stmts: vec![Stmt { sql, params }],
            reversed,
            scan: true,
        };
    }
    let w = conditions(q, &mut params);
    let mut stmts = Vec::new();
    if q.period.is_some() && sort != SortKey::Tanggal {
        // Sort the masa's keys (top-N over one masa), then read only the page's rows.
        let mut w = w;
        if let Some(k) = key {
            w.push_str(&format!(" AND ({col}, id) {cmp} (?, ?)"));
            params.push(Value::Text(k.value.clone()));
            params.push(Value::Integer(k.id));
        }
        stmts.push(Stmt {
            sql: format!(
                "SELECT {COLUMNS} FROM faktur WHERE id IN (
                     SELECT id FROM faktur INDEXED BY faktur_adm_masa WHERE {w} {order} LIMIT ?)
                 {order}"
            ),
            params,
        });
        return Plan {
            stmts,
            reversed,
            scan: false,
        };
    }
    // An index in the list's order, walked; a masa's status filter is checked row by row.
    let index = match (q.period, sort) {
        (Some(_), _) => "faktur_adm_masa",
        (None, SortKey::Npwp) => "faktur_adm_npwp",
        (None, SortKey::Nomor) => "faktur_adm_nomor",
        (None, _) => "faktur_adm_tanggal",
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
    Plan {
        stmts,
        reversed,
        scan: false,
    }
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

    /// Every page from the first on, as the list's Next reads them; how many were bounded.
    fn walk_forward_with(conn: &Connection, q: &ListQuery, scan_limit: usize) -> (Vec<i64>, usize) {
        let (mut ids, mut bounded) = (Vec::new(), 0);
        let mut cursor = Cursor::First;
        loop {
            let p = page_with(conn, q, &cursor, LIMIT, scan_limit).unwrap();
            ids.extend(p.rows.iter().map(|r| r.id));
            bounded += usize::from(p.bounded);
            match p.after() {
                Some(next) => cursor = next,
                None => return (ids, bounded),
            }
        }
    }

    fn walk_backward_with(
        conn: &Connection,
        q: &ListQuery,
        scan_limit: usize,
    ) -> (Vec<i64>, usize) {
        let (mut pages, mut bounded) = (Vec::new(), 0);
        let mut cursor = Cursor::Last;
        loop {
            let p = page_with(conn, q, &cursor, LIMIT, scan_limit).unwrap();
            pages.push(p.rows.iter().map(|r| r.id).collect::<Vec<_>>());
            bounded += usize::from(p.bounded);
            match p.before() {
                Some(previous) => cursor = previous,
                None => break,
            }
        }
        (pages.into_iter().rev().flatten().collect(), bounded)
    }

    fn walk_forward(conn: &Connection, q: &ListQuery) -> Vec<i64> {
        walk_forward_with(conn, q, SCAN_LIMIT).0
    }

    fn walk_backward(conn: &Connection, q: &ListQuery) -> Vec<i64> {
        walk_backward_with(conn, q, SCAN_LIMIT).0
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
    fn a_bounded_scan_says_so_and_pages_on_from_where_it_stopped_without_skipping() {
        let store = store_with(300);
        let conn = store.conn();
        let queries = [
            ListQuery {
                status: Some(AdminStatus::Batal),
                ..ListQuery::default()
            },
            ListQuery {
                search: Some(Search {
                    field: SearchField::Nama,
                    text: "cv".into(),
                }),
                descending: true,
                ..ListQuery::default()
            },
            ListQuery {
                search: Some(Search {
                    field: SearchField::Referensi,
                    text: "inv/1".into(),
                }),
                ..ListQuery::default()
            },
        ];
        for q in queries {
            assert!(q.is_scan(), "{q:?}");
            assert_eq!(q.effective_sort(), SortKey::Tanggal);
            let want = expected(conn, &q);
            assert!(!want.is_empty(), "test data covers {q:?}");
            // A bound of 20 faktur examined: most pages stop short and go on from there.
            let (forward, bounded) = walk_forward_with(conn, &q, 20);
            assert_eq!(forward, want, "forward {q:?}");
            assert!(bounded > 0, "the bound was met: {q:?}");
            let (backward, bounded) = walk_backward_with(conn, &q, 20);
            assert_eq!(backward, want, "backward {q:?}");
            assert!(bounded > 0, "the bound was met: {q:?}");
            // Unbounded enough, nothing says to narrow the search.
            let (all, bounded) = walk_forward_with(conn, &q, SCAN_LIMIT);
            assert_eq!((all, bounded), (want, 0));
        }
        // A bounded page without hits still offers to read on.
        let rare = ListQuery {
            search: Some(Search {
                field: SearchField::Referensi,
                text: "no such".into(),
            }),
            ..ListQuery::default()
        };
        let p = page_with(conn, &rare, &Cursor::First, LIMIT, 20).unwrap();
        assert!(p.rows.is_empty() && p.bounded);
        assert!(matches!(p.after(), Some(Cursor::After(_))));
        let p = page_with(conn, &rare, &Cursor::First, LIMIT, SCAN_LIMIT).unwrap();
        assert_eq!(p, Page::default());
    }

    #[test]
    fn indexed_queries_use_their_index_and_never_scan_the_table() {
        let store = store_with(50);
        let conn = store.conn();
        let key = Key {
            value: "x".into(),
            id: 1,
        };
        let cursors = [Cursor::First, Cursor::After(key.clone()), Cursor::Last];
        let check = |q: &ListQuery, index: &str, sorts: bool| {
            for cursor in &cursors {
                for plan in explain(conn, q, cursor).unwrap() {
                    assert!(plan.contains(&format!("USING INDEX {index}")), "{plan}");
                    assert!(!plan.contains("SCAN"), "{plan}");
                    assert_eq!(plan.contains("TEMP B-TREE"), sorts, "{q:?}: {plan}");
                }
            }
        };
        // The NPWP and nomor prefix searches walk their index inside the prefix's range, in
        // order.
        for (field, text, index, col) in [
            (SearchField::Npwp, "01.234", "faktur_adm_npwp", "lawan_npwp"),
            (
                SearchField::Nomor,
                "010.001-24.0000",
                "faktur_adm_nomor",
                "nsfp",
            ),
        ] {
            let q = ListQuery {
                search: Some(Search {
                    field,
                    text: text.into(),
                }),
                ..ListQuery::default()
            };
            check(&q, index, false);
            for cursor in &cursors {
                for plan in explain(conn, &q, cursor).unwrap() {
                    assert!(
                        plan.contains(&format!("{col}>? AND {col}<?")) || plan.contains("=?"),
                        "{plan}"
                    );
                }
            }
        }
        // The default view walks the tanggal index; descending too.
        for descending in [false, true] {
            let q = ListQuery {
                descending,
                ..ListQuery::default()
            };
            check(&q, "faktur_adm_tanggal", false);
        }
        // A masa in tanggal order walks its index (a status checked on the way); sorted by
        // another column or searched, the masa's keys are sorted (one masa, no more).
        for status in [None, Some(AdminStatus::Reject)] {
            for sort in SortKey::ALL {
                let q = ListQuery {
                    period: Some((2024, 2)),
                    status,
                    sort,
                    ..ListQuery::default()
                };
                check(
                    &q,
                    "faktur_adm_masa (jenis=? AND tahun=? AND masa=?",
                    sort.needs_masa(),
                );
            }
        }
        let nama_in_masa = ListQuery {
            period: Some((2024, 2)),
            search: Some(Search {
                field: SearchField::Nama,
                text: "pt".into(),
            }),
            ..ListQuery::default()
        };
        check(
            &nama_in_masa,
            "faktur_adm_masa (jenis=? AND tahun=? AND masa=?",
            true,
        );
        // Unindexed searches without masa walk the tanggal index (bounded in `page_with`).
        let nama = ListQuery {
            period: None,
            ..nama_in_masa
        };
        check(&nama, "faktur_adm_tanggal", false);
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
