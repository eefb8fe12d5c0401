//! Faktur keluaran and masukan with their items.

use chrono::NaiveDate;
use std::sync::OnceLock;

use rusqlite::{Connection, OptionalExtension, Statement, params};

use super::text_slots::TextSlots;
use super::{Result, StoreError, audit, is_unique_violation, now};
use crate::domain::faktur::{Jenis, UangMuka};
use crate::domain::tax::Totals;
use crate::domain::{
    Amount, ApprovalStatus, BuyerDocument, CoretaxHeader, CoretaxLine, DjpCode, Faktur, FakturItem,
    FakturStatus, KodeStatus, KodeTransaksi, Npwp, Nsfp, Rupiah,
};

/// A faktur as stored, with its statuses and DJP's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFaktur {
    pub id: i64,
    pub faktur: Faktur,
    pub status: FakturStatus,
    pub approval: ApprovalStatus,
    pub approval_time: Option<String>,
    pub qr_url: Option<String>,
    pub reject_code: Option<String>,
    pub reject_message: Option<String>,
}

/// Which faktur to list or export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    /// `Some(false)` keluaran, `Some(true)` masukan.
    pub masukan: Option<bool>,
    pub masa: Option<u8>,
    pub tahun: Option<u16>,
    pub approval: Option<ApprovalStatus>,
}

pub(super) fn jenis_key(j: Jenis) -> &'static str {
    match j {
        Jenis::Keluaran => "keluaran",
        Jenis::Masukan { .. } => "masukan",
    }
}

pub(super) fn uang_muka_flag(u: UangMuka) -> u8 {
    match u {
        UangMuka::Tidak => 0,
        UangMuka::UangMuka => 1,
        UangMuka::Pelunasan => 2,
    }
}

/// The faktur in force with a number: the terms spell out the key of the unique index
/// `faktur_in_force` (0001_init.sql) exactly, so SQLite finds the row through that index instead
/// of scanning every faktur of the jenis (which made re-checking a whole file quadratic).
/// Parameters: ?1 jenis, ?2 nsfp, ?3..?5 the seller's stored forms ([`seller_forms`]).
pub(crate) const IN_FORCE_WHERE: &str = "jenis = ?1
    AND (CASE WHEN jenis = 'masukan' THEN lawan_npwp ELSE '' END) IN (?3, ?4, ?5)
    AND nsfp = ?2 AND status_faktur IN ('normal', 'normal_pengganti')";

/// The forms one seller's NPWP may be stored in, for the `faktur_in_force` key: a pajak masukan
/// number is the seller's, and one seller written as NPWP 15 in one file and NPWP 16 (`0` + the
/// 15 digits) in another is still one seller. Keluaran numbers are the PKP's own: key `''`.
fn seller_forms(f: &Faktur) -> [String; 3] {
    match f.jenis {
        Jenis::Keluaran => Default::default(),
        Jenis::Masukan { .. } => {
            let n = &f.lawan_npwp;
            [
                n.digits().to_string(),
                n.npwp16(),
                n.npwp15().unwrap_or(n.digits()).to_string(),
            ]
        }
    }
}

/// Whether a faktur with this number is already in force (ETAX-20002): one keyed look-up.
pub fn exists(conn: &Connection, f: &Faktur) -> Result<bool> {
    // Cached: file checks ask this once per faktur.
    let mut stmt = conn.prepare_cached(&format!("SELECT 1 FROM faktur WHERE {IN_FORCE_WHERE}"))?;
    let [a, b, c] = seller_forms(f);
    Ok(stmt
        .query_row(
            params![jenis_key(f.jenis), f.nsfp.digits(), a, b, c],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Inserts a validated faktur with its items; returns its id. A number already in force is
/// refused with ETAX-20002. Call inside a transaction when more rows belong to the same change.
pub fn insert(conn: &Connection, f: &Faktur, approval: ApprovalStatus, actor: &str) -> Result<i64> {
    let id = insert_bulk(conn, f, approval, &now())?;
    audit::record(
        conn,
        actor,
        "faktur.rekam",
        &f.nomor().to_string(),
        jenis_key(f.jenis),
    )?;
    Ok(id)
}

/// [`insert`] without an audit row per faktur, for imports of whole files: the import records one
/// audit entry for the file instead, and gives all its rows one time `stamp` ([`super::now`]).
/// The header row is written first, so an ETAX-20002 refusal leaves nothing of the faktur behind.
/// Many faktur in a row: [`BulkWriter`].
pub fn insert_bulk(
    conn: &Connection,
    f: &Faktur,
    approval: ApprovalStatus,
    stamp: &str,
) -> Result<i64> {
    let text = FakturText::of(f);
    let mut header = conn.prepare_cached(HEADER_INSERT)?;
    let id = write_header(
        conn,
        &mut header,
        &mut TextSlots::default(),
        f,
        &text,
        approval,
        stamp,
    )?;
    let rows: Vec<ItemRow<'_>> = item_rows(id, f, &text).collect();
    for chunk in rows.chunks(ITEM_ROWS) {
        let mut stmt = conn.prepare_cached(item_insert_sql(chunk.len()))?;
        write_items(&mut stmt, &mut TextSlots::default(), chunk)?;
    }
    write_coretax(conn, id, f, true)?;
    Ok(id)
}

/// Writes the items of faktur `id` (whose old items are gone, and with them their Coretax
/// values) and its Coretax values: Ubah replaces a faktur's lines this way
/// ([`super::faktur_edit::ubah`]).
pub(super) fn write_lines(conn: &Connection, id: i64, f: &Faktur) -> Result<()> {
    let text = FakturText::of(f);
    let rows: Vec<ItemRow<'_>> = item_rows(id, f, &text).collect();
    for chunk in rows.chunks(ITEM_ROWS) {
        let mut stmt = conn.prepare_cached(item_insert_sql(chunk.len()))?;
        write_items(&mut stmt, &mut TextSlots::default(), chunk)?;
    }
    write_coretax(conn, id, f, false)
}

/// Writes the Coretax values of a faktur and its lines into `faktur_coretax` and
/// `faktur_item_coretax` (migration 0010), when it has any (a faktur from Coretax XML): faktur
/// from CSV or typed in have none, and bulk imports write no row for them.
/// `fresh`: faktur `id` was just inserted, so it has no old values to replace.
fn write_coretax(conn: &Connection, id: i64, f: &Faktur, fresh: bool) -> Result<()> {
    let c = &f.coretax;
    if !c.is_empty() {
        conn.prepare_cached(
            "INSERT INTO faktur_coretax (faktur_id, buyer_document, buyer_document_number,
                buyer_country, buyer_email, buyer_idtku, seller_idtku, custom_doc_month_year,
                facility_stamp)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (faktur_id) DO UPDATE SET buyer_document = ?2,
                buyer_document_number = ?3, buyer_country = ?4, buyer_email = ?5,
                buyer_idtku = ?6, seller_idtku = ?7, custom_doc_month_year = ?8,
                facility_stamp = ?9",
        )?
        .execute(params![
            id,
            c.buyer_document.map(BuyerDocument::as_str),
            c.buyer_document_number,
            c.buyer_country,
            c.buyer_email,
            c.buyer_idtku,
            c.seller_idtku,
            c.custom_doc_month_year,
            c.facility_stamp,
        ])?;
    } else if !fresh {
        conn.prepare_cached("DELETE FROM faktur_coretax WHERE faktur_id = ?1")?
            .execute([id])?;
    }
    for (i, it) in f.items.iter().enumerate() {
        if let Some(line) = &it.coretax {
            conn.prepare_cached(
                "INSERT OR REPLACE INTO faktur_item_coretax (faktur_id, line_no, opt, code, unit)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                id,
                i as i64 + 1,
                line.opt(),
                line.kode,
                line.satuan
            ])?;
        }
    }
    Ok(())
}

/// The TEXT columns of a faktur in the form they are stored, made ahead of the insert: an import
/// makes them on its reading thread, so that the thread writing to SQLite only binds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakturText {
    nsfp: String,
    tanggal: String,
    /// The eight amounts of every item, one after the other ([`Amount`]'s text form).
    amounts: String,
    /// Where each amount of `amounts` ends.
    ends: Vec<u32>,
}

impl FakturText {
    pub fn of(f: &Faktur) -> FakturText {
        let mut amounts = String::with_capacity(f.items.len() * 8 * 8);
        let mut ends = Vec::with_capacity(f.items.len() * 8);
        for it in &f.items {
            for a in [
                it.harga_satuan,
                it.jumlah_barang,
                it.harga_total,
                it.diskon,
                it.dpp,
                it.ppn,
                it.tarif_ppnbm,
                it.ppnbm,
            ] {
                a.push_to(&mut amounts);
                ends.push(amounts.len() as u32);
            }
        }
        FakturText {
            nsfp: f.nsfp.digits(),
            tanggal: crate::domain::faktur::iso_date(f.tanggal),
            amounts,
            ends,
        }
    }

    /// The eight amounts of item `item`, in column order.
    fn amounts(&self, item: usize) -> impl Iterator<Item = &str> {
        (item * 8..item * 8 + 8).map(move |i| {
            let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
            &self.amounts[start..self.ends[i] as usize]
        })
    }
}

/// A faktur whose header [`BulkWriter::insert_header`] wrote, for [`BulkWriter::finish`].
#[derive(Debug, Clone, Copy)]
pub struct Written<'a> {
    pub id: i64,
    pub faktur: &'a Faktur,
    pub text: &'a FakturText,
    /// Its items still have to be written.
    pub items: bool,
    /// The recorded NSFP range its number lies in, to claim the number from.
    pub range: Option<i64>,
}

/// Inserts many faktur in one transaction through statements prepared once (no statement-cache
/// look-up per row), binding parameters one by one. Headers are written one by one (each may be
/// refused with ETAX-20002 on its own); the items and NSFP claims of many faktur go together in
/// multi-row statements ([`BulkWriter::finish`]): a statement's run has a fixed cost that
/// dominated imports of faktur with a few lines each. For imports; see [`insert_bulk`].
pub struct BulkWriter<'c> {
    conn: &'c Connection,
    header: (Statement<'c>, TextSlots),
    /// `items[n - 1]` inserts `n` item rows; prepared when first needed.
    items: Vec<Option<(Statement<'c>, TextSlots)>>,
    /// `claims[n - 1]` claims `n` numbers.
    claims: Vec<Option<(Statement<'c>, TextSlots)>>,
}

impl<'c> BulkWriter<'c> {
    pub fn new(conn: &'c Connection) -> Result<BulkWriter<'c>> {
        Ok(BulkWriter {
            conn,
            header: (conn.prepare(HEADER_INSERT)?, TextSlots::default()),
            items: (0..ITEM_ROWS).map(|_| None).collect(),
            claims: (0..CLAIM_ROWS).map(|_| None).collect(),
        })
    }

    /// The header row of [`insert_bulk`] (`text` is [`FakturText::of`] `f`); returns its id.
    /// Its items are written by [`BulkWriter::finish`].
    pub fn insert_header(
        &mut self,
        f: &Faktur,
        text: &FakturText,
        approval: ApprovalStatus,
        stamp: &str,
    ) -> Result<i64> {
        let (s, slots) = &mut self.header;
        write_header(self.conn, s, slots, f, text, approval, stamp)
    }

    /// Writes the items of `written` faktur that still need them and claims their numbers
    /// ([`super::nsfp::claim_for`]) in `written`'s order.
    pub fn finish(&mut self, written: &[Written<'_>], stamp: &str) -> Result<()> {
        let rows: Vec<ItemRow<'_>> = written
            .iter()
            .filter(|w| w.items)
            .flat_map(|w| item_rows(w.id, w.faktur, w.text))
            .collect();
        for chunk in rows.chunks(ITEM_ROWS) {
            let (s, slots) = prepared(self.conn, &mut self.items, chunk.len(), item_insert_sql)?;
            write_items(s, slots, chunk)?;
        }
        let claims: Vec<(i64, &str, i64)> = written
            .iter()
            .filter_map(|w| Some((w.range?, w.text.nsfp.as_str(), w.id)))
            .collect();
        for chunk in claims.chunks(CLAIM_ROWS) {
            let (s, slots) = prepared(self.conn, &mut self.claims, chunk.len(), claim_sql)?;
            for (r, &(range_id, nsfp, faktur_id)) in chunk.iter().enumerate() {
                let p = r * 4;
                slots.bind(s, p + 1, nsfp)?;
                s.raw_bind_parameter(p + 2, range_id)?;
                s.raw_bind_parameter(p + 3, faktur_id)?;
                slots.bind(s, p + 4, stamp)?;
            }
            s.raw_execute()?;
        }
        for w in written.iter().filter(|w| w.items) {
            write_coretax(self.conn, w.id, w.faktur, true)?;
        }
        Ok(())
    }
}

/// The statement of `slots` for `n` rows, prepared from `sql(n)` when first needed.
fn prepared<'s, 'c>(
    conn: &'c Connection,
    slots: &'s mut [Option<(Statement<'c>, TextSlots)>],
    n: usize,
    sql: fn(usize) -> &'static str,
) -> Result<&'s mut (Statement<'c>, TextSlots)> {
    Ok(match &mut slots[n - 1] {
        Some(stmt) => stmt,
        slot => slot.insert((conn.prepare(sql(n))?, TextSlots::default())),
    })
}

/// Item rows written by one statement. Few: each row binds ten texts, which SQLite keeps in
/// copies until they are bound again; past its small-allocation cache (lookaside) every copy is a
/// `malloc`. With four rows the import's writing thread ran 9 % fewer instructions than with 32.
const ITEM_ROWS: usize = 4;
/// Numbers claimed by one statement.
const CLAIM_ROWS: usize = 16;

/// One `faktur_item` row: faktur id, line number (from 1), the item and its faktur's text.
type ItemRow<'a> = (i64, usize, &'a FakturItem, &'a FakturText);

fn item_rows<'a>(
    id: i64,
    f: &'a Faktur,
    text: &'a FakturText,
) -> impl Iterator<Item = ItemRow<'a>> {
    f.items
        .iter()
        .enumerate()
        .map(move |(i, it)| (id, i, it, text))
}

const HEADER_INSERT: &str = "INSERT INTO faktur (jenis, kode_transaksi, fg_pengganti, nsfp, masa,
    tahun, tanggal, lawan_npwp, lawan_nik, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn,
    jumlah_ppnbm, id_keterangan_tambahan, fg_uang_muka, uang_muka_dpp, uang_muka_ppn,
    uang_muka_ppnbm, referensi, kode_dokumen_pendukung, dikreditkan, status_faktur,
    status_approval, created_at, updated_at)
 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
    ?20, ?21, ?22, ?23, ?24, ?25, ?25)";

fn duplicate(f: &Faktur) -> StoreError {
    StoreError::rule(
        DjpCode::Etax20002,
        format!("nomor faktur {} sudah terdaftar", f.nomor()),
    )
}

/// Binds and runs [`HEADER_INSERT`]; returns the new id. Every parameter is bound on every call
/// (texts through `slots`, which skips those the statement holds already).
fn write_header(
    conn: &Connection,
    s: &mut Statement<'_>,
    slots: &mut TextSlots,
    f: &Faktur,
    text: &FakturText,
    approval: ApprovalStatus,
    stamp: &str,
) -> Result<i64> {
    let status = match f.status {
        KodeStatus::Normal => FakturStatus::Normal,
        KodeStatus::Pengganti => FakturStatus::NormalPengganti,
    };
    let dikreditkan = match f.jenis {
        Jenis::Keluaran => None,
        Jenis::Masukan { dikreditkan } => Some(dikreditkan),
    };
    // The unique index compares the seller's NPWP as stored; the same seller in its other form
    // (NPWP 15 / 16) is looked up here, by key.
    if dikreditkan.is_some() && exists(conn, f)? {
        return Err(duplicate(f));
    }
    slots.bind(s, 1, jenis_key(f.jenis))?;
    s.raw_bind_parameter(2, f.kode.value())?;
    s.raw_bind_parameter(3, f.status.flag())?;
    slots.bind(s, 4, text.nsfp.as_str())?;
    s.raw_bind_parameter(5, f.masa)?;
    s.raw_bind_parameter(6, f.tahun)?;
    slots.bind(s, 7, text.tanggal.as_str())?;
    slots.bind(s, 8, f.lawan_npwp.digits())?;
    slots.bind_opt(s, 9, f.lawan_nik.as_deref())?;
    slots.bind(s, 10, f.lawan_nama.as_str())?;
    slots.bind(s, 11, f.lawan_alamat.as_str())?;
    s.raw_bind_parameter(12, f.totals.dpp.value())?;
    s.raw_bind_parameter(13, f.totals.ppn.value())?;
    s.raw_bind_parameter(14, f.totals.ppnbm.value())?;
    s.raw_bind_parameter(15, f.keterangan_tambahan)?;
    s.raw_bind_parameter(16, uang_muka_flag(f.uang_muka))?;
    s.raw_bind_parameter(17, f.uang_muka_totals.dpp.value())?;
    s.raw_bind_parameter(18, f.uang_muka_totals.ppn.value())?;
    s.raw_bind_parameter(19, f.uang_muka_totals.ppnbm.value())?;
    slots.bind(s, 20, f.referensi.as_str())?;
    slots.bind(s, 21, f.kode_dokumen_pendukung.as_str())?;
    s.raw_bind_parameter(22, dikreditkan)?;
    slots.bind(s, 23, status.key())?;
    slots.bind(s, 24, approval.key())?;
    slots.bind(s, 25, stamp)?;
    s.raw_execute().map_err(|e| {
        if is_unique_violation(&e) {
            duplicate(f)
        } else {
            e.into()
        }
    })?;
    Ok(conn.last_insert_rowid())
}

/// Binds and runs [`item_insert_sql`] for `rows` (at most [`ITEM_ROWS`]).
fn write_items(s: &mut Statement<'_>, slots: &mut TextSlots, rows: &[ItemRow<'_>]) -> Result<()> {
    for (r, &(id, item, it, text)) in rows.iter().enumerate() {
        let p = r * 12;
        s.raw_bind_parameter(p + 1, id)?;
        s.raw_bind_parameter(p + 2, item as i64 + 1)?;
        slots.bind(s, p + 3, it.kode_objek.as_str())?;
        slots.bind(s, p + 4, it.nama.as_str())?;
        for (k, a) in text.amounts(item).enumerate() {
            slots.bind(s, p + 5 + k, a)?;
        }
    }
    s.raw_execute()?;
    Ok(())
}

/// Inserts a faktur pengganti (kode status 1) as [`insert_bulk`] does, after marking the faktur
/// it replaces (the one in force with the same number) `Diganti` and linking the two. Without a
/// faktur in force to replace, the pengganti is stored alone (its original may live in another
/// installation). Returns the new id and the replaced one.
pub fn insert_pengganti(
    conn: &Connection,
    f: &Faktur,
    approval: ApprovalStatus,
    stamp: &str,
) -> Result<(i64, Option<i64>)> {
    let [a, b, c] = seller_forms(f);
    let replaced: Option<i64> = conn
        .prepare_cached(&format!(
            "UPDATE faktur SET status_faktur = 'diganti', updated_at = ?6
             WHERE {IN_FORCE_WHERE} RETURNING id"
        ))?
        .query_row(
            params![jenis_key(f.jenis), f.nsfp.digits(), a, b, c, stamp],
            |r| r.get(0),
        )
        .optional()?;
    let id = insert_bulk(conn, f, approval, stamp)?;
    if let Some(old) = replaced {
        conn.prepare_cached("UPDATE faktur SET replaces_id = ?2 WHERE id = ?1")?
            .execute(params![id, old])?;
    }
    Ok((id, replaced))
}

/// `INSERT ... VALUES (...), (...)` with `rows` rows of `columns` parameters each, then `tail`.
fn multi_row_sql(head: &str, columns: usize, rows: usize, tail: &str) -> String {
    let rows: Vec<String> = (0..rows)
        .map(|r| {
            let p: Vec<String> = (1..=columns)
                .map(|c| format!("?{}", r * columns + c))
                .collect();
            format!("({})", p.join(", "))
        })
        .collect();
    format!("{head} VALUES {}{tail}", rows.join(", "))
}

/// `INSERT INTO faktur_item ... VALUES (...), (...)` for `n` items (1..=ITEM_ROWS), built once
/// so that the statement cache finds it by the same text.
fn item_insert_sql(n: usize) -> &'static str {
    static SQL: OnceLock<Vec<String>> = OnceLock::new();
    let all = SQL.get_or_init(|| {
        (1..=ITEM_ROWS)
            .map(|n| {
                // OR FAIL: a constraint broken half-way would leave the statement's earlier
                // rows in place, which is fine as the import then rolls back as a whole. With
                // the default (ABORT) and no CHECK evaluated (Store::bulk_transaction), SQLite
                // would still copy every page the statement touches into a statement journal
                // first, to undo just those rows: a tenth of the rows' cost.
                multi_row_sql(
                    "INSERT OR FAIL INTO faktur_item (faktur_id, line_no, kode_objek, nama,
                        harga_satuan, jumlah_barang, harga_total, diskon, dpp, ppn, tarif_ppnbm,
                        ppnbm)",
                    12,
                    n,
                    "",
                )
            })
            .collect()
    });
    &all[n - 1]
}

/// [`super::nsfp::CLAIM_FOR`] for `n` numbers (1..=CLAIM_ROWS).
fn claim_sql(n: usize) -> &'static str {
    static SQL: OnceLock<Vec<String>> = OnceLock::new();
    let all = SQL.get_or_init(|| {
        (1..=CLAIM_ROWS)
            .map(|n| multi_row_sql(super::nsfp::CLAIM_HEAD, 4, n, super::nsfp::CLAIM_CONFLICT))
            .collect()
    });
    &all[n - 1]
}

const HEADER_COLUMNS: &str = "id, jenis, kode_transaksi, fg_pengganti, nsfp, masa, tahun, tanggal,
    lawan_npwp, lawan_nik, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn, jumlah_ppnbm,
    id_keterangan_tambahan, fg_uang_muka, uang_muka_dpp, uang_muka_ppn, uang_muka_ppnbm, referensi,
    kode_dokumen_pendukung, dikreditkan, status_faktur, status_approval, approval_time, qr_url,
    reject_code, reject_message, ct.buyer_document, ct.buyer_document_number, ct.buyer_country,
    ct.buyer_email, ct.buyer_idtku, ct.seller_idtku, ct.custom_doc_month_year, ct.facility_stamp";
/// The tables [`HEADER_COLUMNS`] are read from: a faktur and its Coretax values, if any.
const HEADER_FROM: &str = "faktur LEFT JOIN faktur_coretax ct ON ct.faktur_id = faktur.id";

fn corrupt(what: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, what.to_string(), rusqlite::types::Type::Text)
}

fn header_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredFaktur> {
    let rupiah = |i: usize| -> rusqlite::Result<Rupiah> { Ok(Rupiah::new(r.get(i)?)) };
    let jenis = match (
        r.get::<_, String>(1)?.as_str(),
        r.get::<_, Option<bool>>(22)?,
    ) {
        ("masukan", Some(d)) => Jenis::Masukan { dikreditkan: d },
        _ => Jenis::Keluaran,
    };
    let faktur = Faktur {
        jenis,
        kode: KodeTransaksi::new(r.get(2)?).ok_or_else(|| corrupt("kode_transaksi"))?,
        status: if r.get::<_, u8>(3)? == 1 {
            KodeStatus::Pengganti
        } else {
            KodeStatus::Normal
        },
        nsfp: Nsfp::parse(&r.get::<_, String>(4)?).map_err(|_| corrupt("nsfp"))?,
        masa: r.get(5)?,
        tahun: r.get(6)?,
        tanggal: r
            .get::<_, String>(7)?
            .parse::<NaiveDate>()
            .map_err(|_| corrupt("tanggal"))?,
        lawan_npwp: Npwp::parse(&r.get::<_, String>(8)?).map_err(|_| corrupt("lawan_npwp"))?,
        lawan_nik: r.get(9)?,
        lawan_nama: r.get(10)?,
        lawan_alamat: r.get(11)?,
        totals: Totals {
            dpp: rupiah(12)?,
            ppn: rupiah(13)?,
            ppnbm: rupiah(14)?,
        },
        keterangan_tambahan: r.get(15)?,
        uang_muka: match r.get::<_, u8>(16)? {
            1 => UangMuka::UangMuka,
            2 => UangMuka::Pelunasan,
            _ => UangMuka::Tidak,
        },
        uang_muka_totals: Totals {
            dpp: rupiah(17)?,
            ppn: rupiah(18)?,
            ppnbm: rupiah(19)?,
        },
        referensi: r.get(20)?,
        kode_dokumen_pendukung: r.get(21)?,
        coretax: CoretaxHeader {
            buyer_document: match r.get::<_, Option<String>>(29)? {
                Some(k) => Some(BuyerDocument::parse(&k).ok_or_else(|| corrupt("buyer_document"))?),
                None => None,
            },
            buyer_document_number: r.get(30)?,
            buyer_country: r.get(31)?,
            // No row in faktur_coretax: the columns' defaults.
            buyer_email: r.get::<_, Option<String>>(32)?.unwrap_or_default(),
            buyer_idtku: r.get(33)?,
            seller_idtku: r.get(34)?,
            custom_doc_month_year: r.get::<_, Option<String>>(35)?.unwrap_or_default(),
            facility_stamp: r.get(36)?,
        },
        items: Vec::new(),
    };
    Ok(StoredFaktur {
        id: r.get(0)?,
        faktur,
        status: FakturStatus::from_key(&r.get::<_, String>(23)?)
            .ok_or_else(|| corrupt("status"))?,
        approval: ApprovalStatus::from_key(&r.get::<_, String>(24)?)
            .ok_or_else(|| corrupt("status_approval"))?,
        approval_time: r.get(25)?,
        qr_url: r.get(26)?,
        reject_code: r.get(27)?,
        reject_message: r.get(28)?,
    })
}

fn items_of(conn: &Connection, faktur_id: i64) -> Result<Vec<FakturItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.kode_objek, i.nama, i.harga_satuan, i.jumlah_barang, i.harga_total, i.diskon,
            i.dpp, i.ppn, i.tarif_ppnbm, i.ppnbm, ct.opt, ct.code, ct.unit
         FROM faktur_item i
         LEFT JOIN faktur_item_coretax ct ON ct.faktur_id = i.faktur_id AND ct.line_no = i.line_no
         WHERE i.faktur_id = ?1 ORDER BY i.line_no",
    )?;
    let rows = stmt.query_map([faktur_id], |r| {
        let a = |i: usize| -> rusqlite::Result<Amount> {
            Amount::parse(&r.get::<_, String>(i)?).map_err(|_| corrupt("amount"))
        };
        Ok(FakturItem {
            kode_objek: r.get(0)?,
            nama: r.get(1)?,
            harga_satuan: a(2)?,
            jumlah_barang: a(3)?,
            harga_total: a(4)?,
            diskon: a(5)?,
            dpp: a(6)?,
            ppn: a(7)?,
            tarif_ppnbm: a(8)?,
            ppnbm: a(9)?,
            coretax: match (
                r.get::<_, Option<String>>(10)?,
                r.get::<_, Option<String>>(11)?,
                r.get::<_, Option<String>>(12)?,
            ) {
                (Some(opt), Some(code), Some(unit)) => {
                    Some(CoretaxLine::new(&opt, &code, &unit).map_err(|_| corrupt("opt"))?)
                }
                _ => None,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One faktur with its items.
pub fn get(conn: &Connection, id: i64) -> Result<Option<StoredFaktur>> {
    let found = conn
        .query_row(
            &format!("SELECT {HEADER_COLUMNS} FROM {HEADER_FROM} WHERE id = ?1"),
            [id],
            header_from_row,
        )
        .optional()?;
    let Some(mut f) = found else { return Ok(None) };
    f.faktur.items = items_of(conn, id)?;
    Ok(Some(f))
}

/// The ids of the faktur (keluaran, or masukan when `masukan`) with this NSFP, oldest first: a
/// number may be on a cancelled faktur and its pengganti, or (masukan) on faktur of two sellers.
pub fn ids_by_nsfp(conn: &Connection, masukan: bool, nsfp: Nsfp) -> Result<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM faktur WHERE jenis = ?1 AND nsfp = ?2 ORDER BY id")?;
    let rows = stmt.query_map(
        params![if masukan { "masukan" } else { "keluaran" }, nsfp.digits()],
        |r| r.get(0),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Calls `each` for every faktur matching `filter`, items included, ordered by date and number,
/// without holding them all in memory.
pub fn for_each(
    conn: &Connection,
    filter: Filter,
    mut each: impl FnMut(StoredFaktur) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {HEADER_COLUMNS} FROM {HEADER_FROM}
         WHERE (?1 IS NULL OR jenis = CASE WHEN ?1 THEN 'masukan' ELSE 'keluaran' END)
           AND (?2 IS NULL OR masa = ?2) AND (?3 IS NULL OR tahun = ?3)
           AND (?4 IS NULL OR status_approval = ?4)
         ORDER BY tanggal, nsfp, id"
    ))?;
    let mut rows = stmt.query(params![
        filter.masukan,
        filter.masa,
        filter.tahun,
        filter.approval.map(ApprovalStatus::key)
    ])?;
    while let Some(row) = rows.next()? {
        let mut f = header_from_row(row)?;
        f.faktur.items = items_of(conn, f.id)?;
        each(f)?;
    }
    Ok(())
}

/// All matching faktur (for lists of moderate size; use [`for_each`] for exports).
pub fn list(conn: &Connection, filter: Filter) -> Result<Vec<StoredFaktur>> {
    let mut out = Vec::new();
    for_each(conn, filter, |f| {
        out.push(f);
        Ok(())
    })?;
    Ok(out)
}

/// A faktur keluaran in force as the Coretax import's duplicate check compares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeluaranKey {
    pub referensi: String,
    pub tanggal: String,
    pub lawan_npwp: String,
    pub lawan_nik: Option<String>,
    pub lawan_nama: String,
    pub dpp: i64,
    pub ppn: i64,
    pub ppnbm: i64,
    pub seller_idtku: Option<String>,
}

impl KeluaranKey {
    pub fn of(f: &Faktur) -> KeluaranKey {
        KeluaranKey {
            referensi: f.referensi.clone(),
            tanggal: f.tanggal.to_string(),
            lawan_npwp: f.lawan_npwp.digits().to_string(),
            lawan_nik: f.lawan_nik.clone(),
            lawan_nama: f.lawan_nama.clone(),
            dpp: f.totals.dpp.value(),
            ppn: f.totals.ppn.value(),
            ppnbm: f.totals.ppnbm.value(),
            seller_idtku: f.coretax.seller_idtku.clone(),
        }
    }
}

/// Every faktur keluaran in force of one masa with its full nomor (through the masa index, headers
/// only): what an import compares new faktur against.
pub fn keluaran_keys(
    conn: &Connection,
    tahun: u16,
    masa: u8,
) -> Result<Vec<(String, KeluaranKey)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kode_transaksi, fg_pengganti, nsfp, referensi, tanggal, lawan_npwp, lawan_nik,
            lawan_nama, jumlah_dpp, jumlah_ppn, jumlah_ppnbm, ct.seller_idtku
         FROM faktur LEFT JOIN faktur_coretax ct ON ct.faktur_id = faktur.id
         WHERE jenis = 'keluaran' AND tahun = ?1 AND masa = ?2
           AND status_faktur IN ('normal', 'normal_pengganti')",
    )?;
    let rows = stmt.query_map(params![tahun, masa], |r| {
        let nomor = format!(
            "{:02}{}{}",
            r.get::<_, u8>(0)?,
            r.get::<_, u8>(1)?,
            r.get::<_, String>(2)?
        );
        Ok((
            nomor,
            KeluaranKey {
                referensi: r.get(3)?,
                tanggal: r.get(4)?,
                lawan_npwp: r.get(5)?,
                lawan_nik: r.get(6)?,
                lawan_nama: r.get(7)?,
                dpp: r.get(8)?,
                ppn: r.get(9)?,
                ppnbm: r.get(10)?,
                seller_idtku: r.get(11)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Moves the approval status, refusing steps the status machine forbids.
pub fn set_approval(conn: &Connection, id: i64, to: ApprovalStatus, actor: &str) -> Result<()> {
    let current: Option<String> = conn
        .query_row(
            "SELECT status_approval FROM faktur WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let current = current
        .and_then(|k| ApprovalStatus::from_key(&k))
        .ok_or_else(|| {
            StoreError::rule(DjpCode::Etax20008, format!("faktur {id} tidak ditemukan"))
        })?;
    current
        .transition(to)
        .map_err(|e| StoreError::rule(DjpCode::Etax20008, e.to_string()))?;
    conn.execute(
        "UPDATE faktur SET status_approval = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, to.key(), now()],
    )?;
    audit::record(conn, actor, "faktur.status", &id.to_string(), to.key())?;
    Ok(())
}

/// Records DJP's approval.
pub fn record_approval(
    conn: &Connection,
    id: i64,
    approval_time: &str,
    qr_url: &str,
) -> Result<()> {
    set_approval(conn, id, ApprovalStatus::ApprovalSukses, "uploader")?;
    conn.execute(
        "UPDATE faktur SET approval_time = ?2, qr_url = ?3, reject_code = NULL, reject_message = NULL
         WHERE id = ?1",
        params![id, approval_time, qr_url],
    )?;
    Ok(())
}

/// Keeps DJP's approval code (the uploader writes it with [`record_approval`], in one
/// transaction).
pub fn set_approval_code(conn: &Connection, id: i64, code: &str) -> Result<()> {
    conn.execute(
        "UPDATE faktur SET approval_code = ?2 WHERE id = ?1",
        params![id, code],
    )?;
    Ok(())
}

/// DJP's approval code, once approved.
pub fn approval_code(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT approval_code FROM faktur WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// DJP confirmed the batal of an approved faktur.
pub fn record_batal(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE faktur SET status_faktur = 'batal', updated_at = ?2 WHERE id = ?1",
        params![id, now()],
    )?;
    audit::record(conn, "uploader", "faktur.batal", &id.to_string(), "batal")?;
    Ok(())
}

/// Records DJP's rejection with its code and message.
pub fn record_reject(conn: &Connection, id: i64, code: &str, message: &str) -> Result<()> {
    set_approval(conn, id, ApprovalStatus::Reject, "uploader")?;
    conn.execute(
        "UPDATE faktur SET reject_code = ?2, reject_message = ?3 WHERE id = ?1",
        params![id, code, message],
    )?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::{FakturDraft, FakturItemDraft};
    use crate::store::Store;

    /// Schema 9 kept Coretax values in columns of faktur and faktur_item; 0010 moves them beside
    /// them. A faktur from Coretax (passport buyer, a jasa line) keeps every value, a faktur from
    /// CSV gets no Coretax row, and the columns are gone.
    #[test]
    fn a_database_of_schema_9_keeps_its_coretax_values_in_their_own_tables() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v9.sqlite");
        {
            let c = Connection::open(&path).unwrap();
            crate::store::migrate::create_at_version(&c, 9);
            c.execute_batch(
                "INSERT INTO faktur (id, jenis, kode_transaksi, fg_pengganti, nsfp, masa, tahun,
                   tanggal, lawan_npwp, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn,
                   jumlah_ppnbm, created_at, updated_at, ct_buyer_document,
                   ct_buyer_document_number, ct_buyer_country, ct_buyer_email, ct_buyer_idtku,
                   ct_seller_idtku, ct_custom_doc_month_year, ct_facility_stamp)
                 VALUES (1, 'keluaran', 1, 0, '0102500000001', 2, 2025, '2025-02-03',
                   '000000000000000', 'JOHN DOE', 'Jl. A', 1000, 120, 0, '', '', 'Passport',
                   'A12345678', 'USA', 'john@example.com', '000000', '0013463476415001000001',
                   '022025', 7),
                        (2, 'keluaran', 1, 0, '0102500000002', 2, 2025, '2025-02-03',
                   '013000666091000', 'PT CSV', 'Jl. B', 1000, 120, 0, '', '', NULL, NULL, NULL,
                   '', NULL, NULL, '', NULL);
                 INSERT INTO faktur_item (faktur_id, line_no, nama, harga_satuan, jumlah_barang,
                   harga_total, diskon, dpp, ppn, tarif_ppnbm, ppnbm, ct_opt, ct_code, ct_unit)
                 VALUES (1, 1, 'Jasa konsultasi', '1000', '1', '1000', '0', '1000', '120', '0',
                   '0', 'B', '000000', 'UM.0030'),
                        (1, 2, 'Lain', '0', '1', '0', '0', '0', '0', '0', '0', NULL, NULL, NULL),
                        (2, 1, 'Barang', '1000', '1', '1000', '0', '1000', '120', '0', '0', NULL,
                   NULL, NULL);",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let one = get(store.conn(), 1).unwrap().unwrap().faktur;
        let c = &one.coretax;
        assert_eq!(c.buyer_document, Some(BuyerDocument::Passport));
        assert_eq!(c.buyer_document_number.as_deref(), Some("A12345678"));
        assert_eq!(c.buyer_country.as_deref(), Some("USA"));
        assert_eq!(c.buyer_email, "john@example.com");
        assert_eq!(c.buyer_idtku.as_deref(), Some("000000"));
        assert_eq!(c.seller_idtku.as_deref(), Some("0013463476415001000001"));
        assert_eq!(c.custom_doc_month_year, "022025");
        assert_eq!(c.facility_stamp, Some(7));
        let line = one.items[0]
            .coretax
            .as_ref()
            .expect("the jasa line's values");
        assert_eq!(
            (line.opt(), line.kode.as_str(), line.satuan.as_str()),
            ("B", "000000", "UM.0030")
        );
        assert!(one.items[1].coretax.is_none());
        let two = get(store.conn(), 2).unwrap().unwrap().faktur;
        assert!(two.coretax.is_empty());
        let rows: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM faktur_coretax", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1, "only the Coretax faktur has a row");
        let columns: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM pragma_table_info('faktur') WHERE name LIKE 'ct\\_%' ESCAPE '\\'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(columns, 0);
        // Deleting the faktur takes its Coretax rows along.
        store
            .conn()
            .execute("DELETE FROM faktur_item WHERE faktur_id = 1", [])
            .unwrap();
        store
            .conn()
            .execute("DELETE FROM faktur WHERE id = 1", [])
            .unwrap();
        let left: i64 = store
            .conn()
            .query_row(
                "SELECT (SELECT count(*) FROM faktur_coretax) + (SELECT count(*) FROM faktur_item_coretax)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, 0);
        store.integrity_check().unwrap();
    }

    pub(crate) fn draft(nsfp: &str) -> FakturDraft {
        FakturDraft {
            kd_jenis_transaksi: "01".into(),
            fg_pengganti: "0".into(),
            nomor_faktur: nsfp.into(),
            masa_pajak: "3".into(),
            tahun_pajak: "2024".into(),
            tanggal_faktur: "05/03/2024".into(),
            npwp: "013000666091000".into(),
            nama: "PT PEMBELI".into(),
            alamat: "Jl. Sudirman 1".into(),
            jumlah_dpp: "1000000".into(),
            jumlah_ppn: "110000".into(),
            jumlah_ppnbm: "0".into(),
            referensi: "INV/001".into(),
            items: vec![FakturItemDraft {
                kode_objek: "A1".into(),
                nama: "Jasa konsultasi".into(),
                harga_satuan: "500000.5".into(),
                jumlah_barang: "2".into(),
                harga_total: "1000001".into(),
                diskon: "1".into(),
                dpp: "1000000".into(),
                ppn: "110000".into(),
                tarif_ppnbm: "0".into(),
                ppnbm: "0".into(),
            }],
            ..FakturDraft::default()
        }
    }

    #[test]
    fn insert_get_round_trip_is_exact() {
        let store = Store::open_in_memory().unwrap();
        let f = draft("0002400000001").validate().unwrap();
        let id = insert(store.conn(), &f, ApprovalStatus::Draft, "test").unwrap();
        let back = get(store.conn(), id).unwrap().unwrap();
        assert_eq!(back.faktur, f);
        assert_eq!(back.status, FakturStatus::Normal);
        assert_eq!(back.approval, ApprovalStatus::Draft);
    }

    #[test]
    fn duplicate_number_is_etax_20002_until_the_first_is_replaced() {
        let store = Store::open_in_memory().unwrap();
        let f = draft("0002400000001").validate().unwrap();
        let id = insert(store.conn(), &f, ApprovalStatus::Draft, "t").unwrap();
        assert!(exists(store.conn(), &f).unwrap());
        let err = insert(store.conn(), &f, ApprovalStatus::Draft, "t").unwrap_err();
        assert_eq!(err.code(), DjpCode::Etax20002);
        store
            .conn()
            .execute(
                "UPDATE faktur SET status_faktur = 'diganti' WHERE id = ?1",
                [id],
            )
            .unwrap();
        insert(store.conn(), &f, ApprovalStatus::Draft, "t").unwrap();
    }

    #[test]
    fn a_failed_multi_row_change_leaves_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        let a = draft("0002400000001").validate().unwrap();
        let result: Result<()> = store.transaction(|tx| {
            insert(tx, &a, ApprovalStatus::Draft, "t")?;
            insert(tx, &a, ApprovalStatus::Draft, "t")?; // duplicate: fails
            Ok(())
        });
        assert!(result.is_err());
        assert!(list(store.conn(), Filter::default()).unwrap().is_empty());
        let items: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM faktur_item", [], |r| r.get(0))
            .unwrap();
        assert_eq!(items, 0);
    }

    #[test]
    fn items_beyond_one_statement_keep_their_order() {
        let store = Store::open_in_memory().unwrap();
        let mut d = draft("0002400000001");
        let one = d.items[0].clone();
        d.items = (0..19)
            .map(|i| FakturItemDraft {
                nama: format!("Barang {i}"),
                ..one.clone()
            })
            .collect();
        d.jumlah_dpp = "19000000".into();
        d.jumlah_ppn = "2090000".into();
        let f = d.validate().unwrap();
        let id = insert(store.conn(), &f, ApprovalStatus::Draft, "t").unwrap();
        assert_eq!(get(store.conn(), id).unwrap().unwrap().faktur, f);
    }

    #[test]
    fn the_in_force_lookup_is_keyed_by_the_unique_index() {
        let store = Store::open_in_memory().unwrap();
        for sql in [
            format!("SELECT 1 FROM faktur WHERE {IN_FORCE_WHERE}"),
            format!("UPDATE faktur SET status_faktur = 'diganti' WHERE {IN_FORCE_WHERE}"),
        ] {
            let plan: Vec<String> = store
                .conn()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(params!["masukan", "0102400000123", "", "", ""], |r| {
                    r.get::<_, String>(3)
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(
                plan.iter()
                    .any(|p| p
                        .contains("USING INDEX faktur_in_force (jenis=? AND <expr>=? AND nsfp=?)")),
                "{plan:?}"
            );
        }
    }

    fn masukan(npwp: &str, pengganti: bool) -> Faktur {
        let mut d = draft("0102400000123");
        d.npwp = npwp.into();
        d.is_creditable = Some("1".into());
        d.fg_pengganti = if pengganti { "1" } else { "0" }.into();
        d.validate().unwrap()
    }

    #[test]
    fn one_seller_in_npwp15_and_npwp16_form_is_one_seller_in_the_database() {
        let store = Store::open_in_memory().unwrap();
        let f15 = masukan("013000666091000", false);
        let f16 = masukan("0013000666091000", false);
        let old = insert(store.conn(), &f15, ApprovalStatus::Draft, "t").unwrap();
        assert!(exists(store.conn(), &f16).unwrap());
        let err = insert(store.conn(), &f16, ApprovalStatus::Draft, "t").unwrap_err();
        assert_eq!(err.code(), DjpCode::Etax20002);
        // Another seller may use the same number.
        assert!(!exists(store.conn(), &masukan("016090524017000", false)).unwrap());
        // A pengganti in the other form replaces the original.
        let (_, replaced) = insert_pengganti(
            store.conn(),
            &masukan("0013000666091000", true),
            ApprovalStatus::Draft,
            "x",
        )
        .unwrap();
        assert_eq!(replaced, Some(old));
    }

    #[test]
    fn a_pengganti_retires_the_faktur_it_replaces() {
        let store = Store::open_in_memory().unwrap();
        let original = draft("0002400000001").validate().unwrap();
        let old = insert(store.conn(), &original, ApprovalStatus::Draft, "t").unwrap();
        let mut d = draft("0002400000001");
        d.fg_pengganti = "1".into();
        let pengganti = d.validate().unwrap();
        let (new, replaced) = insert_pengganti(
            store.conn(),
            &pengganti,
            ApprovalStatus::Draft,
            "2024-03-06T00:00:00Z",
        )
        .unwrap();
        assert_eq!(replaced, Some(old));
        assert_eq!(
            get(store.conn(), old).unwrap().unwrap().status,
            FakturStatus::Diganti
        );
        assert_eq!(
            get(store.conn(), new).unwrap().unwrap().status,
            FakturStatus::NormalPengganti
        );
        let (_, none) = insert_pengganti(
            store.conn(),
            &draft("0002400000002").validate().unwrap(),
            ApprovalStatus::Draft,
            "x",
        )
        .unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn bulk_insert_writes_no_audit_row_and_refuses_duplicates_cleanly() {
        let store = Store::open_in_memory().unwrap();
        let f = draft("0002400000001").validate().unwrap();
        insert_bulk(
            store.conn(),
            &f,
            ApprovalStatus::Draft,
            "2024-03-05T00:00:00Z",
        )
        .unwrap();
        let err = insert_bulk(
            store.conn(),
            &f,
            ApprovalStatus::Draft,
            "2024-03-05T00:00:00Z",
        )
        .unwrap_err();
        assert_eq!(err.code(), DjpCode::Etax20002);
        let count = |sql: &str| {
            store
                .conn()
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .unwrap()
        };
        assert_eq!(count("SELECT count(*) FROM audit_log"), 0);
        assert_eq!(
            count("SELECT count(*) FROM faktur_item"),
            1,
            "the refused copy left no items"
        );
    }

    #[test]
    fn approval_follows_the_status_machine() {
        let store = Store::open_in_memory().unwrap();
        let f = draft("0002400000001").validate().unwrap();
        let id = insert(store.conn(), &f, ApprovalStatus::Draft, "t").unwrap();
        assert!(set_approval(store.conn(), id, ApprovalStatus::ApprovalSukses, "t").is_err());
        set_approval(store.conn(), id, ApprovalStatus::SiapUpload, "t").unwrap();
        set_approval(store.conn(), id, ApprovalStatus::DalamProses, "t").unwrap();
        record_approval(
            store.conn(),
            id,
            "2024-03-06T10:00:00Z",
            "https://x/validasi",
        )
        .unwrap();
        let back = get(store.conn(), id).unwrap().unwrap();
        assert_eq!(back.approval, ApprovalStatus::ApprovalSukses);
        assert_eq!(back.qr_url.as_deref(), Some("https://x/validasi"));
        let filter = Filter {
            approval: Some(ApprovalStatus::ApprovalSukses),
            masa: Some(3),
            tahun: Some(2024),
            masukan: Some(false),
        };
        assert_eq!(list(store.conn(), filter).unwrap().len(), 1);
        assert!(
            list(
                store.conn(),
                Filter {
                    masa: Some(4),
                    ..filter
                }
            )
            .unwrap()
            .is_empty()
        );
    }

    #[test]
    fn constraints_guard_the_table() {
        let store = Store::open_in_memory().unwrap();
        let bad = store.conn().execute(
            "INSERT INTO faktur (jenis, kode_transaksi, fg_pengganti, nsfp, masa, tahun, tanggal,
               lawan_npwp, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn, jumlah_ppnbm, created_at, updated_at)
             VALUES ('keluaran', 11, 0, '0002400000001', 3, 2024, '2024-03-05', 'x', 'n', '', 0, 0, 0, '', '')",
            [],
        );
        assert!(bad.is_err(), "kode transaksi 11 must be refused");
        // The value lists (spelled as OR chains, see 0001_init.sql) refuse what is not listed.
        let with = |column: &str, value: &str| {
            store.conn().execute(
                &format!(
                    "INSERT INTO faktur (jenis, kode_transaksi, fg_pengganti, nsfp, masa, tahun,
                       tanggal, lawan_npwp, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn,
                       jumlah_ppnbm, created_at, updated_at, {column})
                     VALUES ('keluaran', 1, 0, '0002400000009', 3, 2024, '2024-03-05', 'x', 'n',
                       '', 0, 0, 0, '', '', {value})"
                ),
                [],
            )
        };
        for (column, value) in [
            ("fg_uang_muka", "3"),
            ("fg_uang_muka", "1.5"),
            ("fg_uang_muka", "NULL"),
            ("status_faktur", "'Normal'"),
            ("status_faktur", "'lain'"),
            ("status_approval", "'approved'"),
            ("status_approval", "''"),
        ] {
            assert!(with(column, value).is_err(), "{column} = {value} refused");
        }
        for (column, value) in [
            ("fg_uang_muka", "2"),
            ("status_faktur", "'batal'"),
            ("status_approval", "'reject'"),
        ] {
            assert_eq!(
                with(column, value).unwrap(),
                1,
                "{column} = {value} accepted"
            );
            store
                .conn()
                .execute("DELETE FROM faktur WHERE nsfp = '0002400000009'", [])
                .unwrap();
        }
        let orphan = store.conn().execute(
            "INSERT INTO faktur_item (faktur_id, line_no, nama, harga_satuan, jumlah_barang, harga_total, diskon, dpp, ppn, tarif_ppnbm, ppnbm)
             VALUES (999, 1, 'x', '1', '1', '1', '0', '1', '0', '0', '0')",
            [],
        );
        assert!(orphan.is_err(), "foreign keys must be on");
    }
}
