//! Dokumen Lain (DK/DM): PEB, PIB and other documents treated as faktur pajak.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::dokumen_page::{self, Cursor, Page, Period, Position, Source};
use super::faktur::Filter;
use super::{Result, StoreError, is_unique_violation};
use crate::domain::tax::Totals;
use crate::domain::{ApprovalStatus, ArahDokumen, DjpCode, DokumenLain, KodeStatus, Npwp, Rupiah};

/// A dokumen lain as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDokumenLain {
    pub id: i64,
    pub dokumen: DokumenLain,
    pub approval: ApprovalStatus,
}

fn jenis_key(a: ArahDokumen) -> &'static str {
    match a {
        ArahDokumen::Keluaran => "keluaran",
        ArahDokumen::Masukan => "masukan",
    }
}

fn corrupt(what: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, what.to_string(), rusqlite::types::Type::Text)
}

/// Whether this document number is already registered for the counterparty.
pub fn exists(conn: &Connection, d: &DokumenLain) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM dokumen_lain WHERE jenis = ?1 AND lawan_npwp = ?2
               AND nomor_dok_lain = ?3 AND fg_pengganti = ?4",
        )?
        .query_row(
            params![
                jenis_key(d.arah),
                d.lawan_npwp.digits(),
                d.nomor,
                d.status.flag()
            ],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Whether a document with this number is recorded for the counterparty (the one a pengganti
/// names in NOMOR_DOK_LAIN_GANTI).
pub fn nomor_exists(conn: &Connection, d: &DokumenLain, nomor: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM dokumen_lain WHERE jenis = ?1 AND lawan_npwp = ?2
               AND nomor_dok_lain = ?3 LIMIT 1",
        )?
        .query_row(
            params![jenis_key(d.arah), d.lawan_npwp.digits(), nomor],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Stores a validated document; a number already registered is refused with ETAX-20002.
pub fn insert(
    conn: &Connection,
    d: &DokumenLain,
    approval: ApprovalStatus,
    stamp: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO dokumen_lain (jenis, jenis_transaksi, jenis_dokumen, kd_jns_transaksi,
            fg_pengganti, nomor_dok_lain_ganti, nomor_dok_lain, tanggal, masa, tahun, lawan_npwp,
            lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn, jumlah_ppnbm, keterangan,
            status_approval, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?19)",
    )?
    .execute(params![
        jenis_key(d.arah),
        d.jenis_transaksi,
        d.jenis_dokumen,
        d.kd_jns_transaksi,
        d.status.flag(),
        d.nomor_ganti,
        d.nomor,
        d.tanggal.to_string(),
        d.masa,
        d.tahun,
        d.lawan_npwp.digits(),
        d.lawan_nama,
        d.lawan_alamat,
        d.totals.dpp.value(),
        d.totals.ppn.value(),
        d.totals.ppnbm.value(),
        d.keterangan,
        approval.key(),
        stamp,
    ])
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::rule(
                DjpCode::Etax20002,
                format!("nomor dokumen {} sudah terdaftar", d.nomor),
            )
        } else {
            e.into()
        }
    })?;
    Ok(conn.last_insert_rowid())
}

/// What [`from_row`] reads, in its order.
const COLUMNS: &str = "id, jenis, jenis_transaksi, jenis_dokumen, kd_jns_transaksi, fg_pengganti,
    nomor_dok_lain_ganti, nomor_dok_lain, tanggal, masa, tahun, lawan_npwp, lawan_nama,
    lawan_alamat, jumlah_dpp, jumlah_ppn, jumlah_ppnbm, keterangan, status_approval";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDokumenLain> {
    let rupiah = |i: usize| -> rusqlite::Result<Rupiah> { Ok(Rupiah::new(row.get(i)?)) };
    Ok(StoredDokumenLain {
        id: row.get(0)?,
        dokumen: DokumenLain {
            arah: if row.get::<_, String>(1)? == "masukan" {
                ArahDokumen::Masukan
            } else {
                ArahDokumen::Keluaran
            },
            jenis_transaksi: row.get(2)?,
            jenis_dokumen: row.get(3)?,
            kd_jns_transaksi: row.get(4)?,
            status: if row.get::<_, u8>(5)? == 1 {
                KodeStatus::Pengganti
            } else {
                KodeStatus::Normal
            },
            nomor_ganti: row.get(6)?,
            nomor: row.get(7)?,
            tanggal: row
                .get::<_, String>(8)?
                .parse::<NaiveDate>()
                .map_err(|_| corrupt("tanggal"))?,
            masa: row.get(9)?,
            tahun: row.get(10)?,
            lawan_npwp: Npwp::parse(&row.get::<_, String>(11)?)
                .map_err(|_| corrupt("lawan_npwp"))?,
            lawan_nama: row.get(12)?,
            lawan_alamat: row.get(13)?,
            totals: Totals {
                dpp: rupiah(14)?,
                ppn: rupiah(15)?,
                ppnbm: rupiah(16)?,
            },
            keterangan: row.get(17)?,
        },
        approval: ApprovalStatus::from_key(&row.get::<_, String>(18)?)
            .ok_or_else(|| corrupt("status_approval"))?,
    })
}

/// Calls `each` for every document matching `filter` (masukan: DM, keluaran: DK), ordered by date
/// and number, without holding them all in memory.
pub fn for_each(
    conn: &Connection,
    filter: Filter,
    mut each: impl FnMut(StoredDokumenLain) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS}
         FROM dokumen_lain
         WHERE (?1 IS NULL OR jenis = CASE WHEN ?1 THEN 'masukan' ELSE 'keluaran' END)
           AND (?2 IS NULL OR masa = ?2) AND (?3 IS NULL OR tahun = ?3)
           AND (?4 IS NULL OR status_approval = ?4)
         ORDER BY tanggal, nomor_dok_lain, id"
    ))?;
    let mut rows = stmt.query(params![
        filter.masukan,
        filter.masa,
        filter.tahun,
        filter.approval.map(ApprovalStatus::key)
    ])?;
    while let Some(row) = rows.next()? {
        each(from_row(row)?)?;
    }
    Ok(())
}

/// Where a document stands in the Dokumen Lain pages' order (tanggal, nomor, id).
pub fn position(d: &StoredDokumenLain) -> Position {
    Position {
        tanggal: d.dokumen.tanggal.to_string(),
        nomor: d.dokumen.nomor.clone(),
        id: d.id,
    }
}

/// One page of the documents of a masa, for the window's Dokumen Lain pages (bounded, keyset).
pub fn page(
    conn: &Connection,
    period: Period,
    cursor: &Cursor,
    limit: usize,
) -> Result<Page<StoredDokumenLain>> {
    let source = Source {
        table: "dokumen_lain",
        columns: COLUMNS,
        tanggal: "tanggal",
        nomor: "nomor_dok_lain",
        from_row,
    };
    dokumen_page::page(conn, &source, period, cursor, limit)
}

/// The documents of one masa (for exports of moderate size).
pub fn list(conn: &Connection, filter: Filter) -> Result<Vec<StoredDokumenLain>> {
    let mut out = Vec::new();
    for_each(conn, filter, |d| {
        out.push(d);
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DokumenLainDraft;
    use crate::store::{Store, now};

    #[test]
    fn stores_and_lists_by_masa() {
        let store = Store::open_in_memory().unwrap();
        let d = DokumenLainDraft {
            dk_dm: "DM".into(),
            jenis_transaksi: "2".into(),
            jenis_dokumen: "5".into(),
            kd_jns_transaksi: "1".into(),
            fg_pengganti: "0".into(),
            nomor_dok_lain_ganti: "".into(),
            nomor_dok_lain: "PIB-77".into(),
            tanggal_dok_lain: "02/01/2024".into(),
            masa_pajak: "1".into(),
            tahun_pajak: "2024".into(),
            npwp: "013000666091000".into(),
            nama: "PT IMPOR".into(),
            alamat_lengkap: "".into(),
            jumlah_dpp: "1000".into(),
            jumlah_ppn: "110".into(),
            jumlah_ppnbm: "0".into(),
            keterangan: "barang modal".into(),
        }
        .validate()
        .unwrap();
        insert(store.conn(), &d, ApprovalStatus::Draft, &now()).unwrap();
        assert!(exists(store.conn(), &d).unwrap());
        let dup = insert(store.conn(), &d, ApprovalStatus::Draft, &now()).unwrap_err();
        assert_eq!(dup.code(), DjpCode::Etax20002);
        let filter = |masa| Filter {
            masukan: Some(true),
            masa: Some(masa),
            tahun: Some(2024),
            approval: None,
        };
        let listed = list(store.conn(), filter(1)).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].dokumen, d);
        assert!(list(store.conn(), filter(2)).unwrap().is_empty());
    }
}
