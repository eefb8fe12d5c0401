//! Retur (RK/RM): each row returns part of one faktur in force.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::dokumen_page::{self, Cursor, Page, Period, Position, Source};
use super::faktur::Filter;
use super::{Result, StoreError, is_unique_violation};
use crate::domain::faktur::Jenis;
use crate::domain::retur::same_taxpayer;
use crate::domain::tax::Totals;
use crate::domain::{
    ApprovalStatus, DjpCode, KodeStatus, KodeTransaksi, Npwp, Nsfp, Retur, Rupiah,
};

/// A retur as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRetur {
    pub id: i64,
    /// The returned faktur (`faktur.id`).
    pub faktur_id: i64,
    pub retur: Retur,
    pub approval: ApprovalStatus,
}

/// The faktur a retur names, as recorded: what the retur is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnedFaktur {
    pub id: i64,
    pub kode: KodeTransaksi,
    pub status: KodeStatus,
    pub tanggal: NaiveDate,
    pub lawan_npwp: Npwp,
    pub totals: Totals,
    pub approval: ApprovalStatus,
}

fn jenis_key(j: Jenis) -> &'static str {
    match j {
        Jenis::Keluaran => "keluaran",
        Jenis::Masukan { .. } => "masukan",
    }
}

fn corrupt(what: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, what.to_string(), rusqlite::types::Type::Text)
}

/// The faktur in force (normal or pengganti, not replaced or cancelled) that the retur names: a
/// faktur keluaran for RK, a faktur masukan of the same seller for RM.
pub fn returned_faktur(conn: &Connection, r: &Retur) -> Result<Option<ReturnedFaktur>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kode_transaksi, tanggal, lawan_npwp, jumlah_dpp, jumlah_ppn, jumlah_ppnbm,
            status_approval, fg_pengganti
         FROM faktur WHERE jenis = ?1 AND nsfp = ?2
           AND status_faktur IN ('normal', 'normal_pengganti')
         ORDER BY id",
    )?;
    let rows = stmt.query_map(params![jenis_key(r.jenis), r.nsfp.digits()], |row| {
        Ok(ReturnedFaktur {
            id: row.get(0)?,
            kode: KodeTransaksi::new(row.get(1)?).ok_or_else(|| corrupt("kode_transaksi"))?,
            status: if row.get::<_, u8>(8)? == 1 {
                KodeStatus::Pengganti
            } else {
                KodeStatus::Normal
            },
            tanggal: row
                .get::<_, String>(2)?
                .parse()
                .map_err(|_| corrupt("tanggal"))?,
            lawan_npwp: Npwp::parse(&row.get::<_, String>(3)?)
                .map_err(|_| corrupt("lawan_npwp"))?,
            totals: Totals {
                dpp: Rupiah::new(row.get(4)?),
                ppn: Rupiah::new(row.get(5)?),
                ppnbm: Rupiah::new(row.get(6)?),
            },
            approval: ApprovalStatus::from_key(&row.get::<_, String>(7)?)
                .ok_or_else(|| corrupt("status_approval"))?,
        })
    })?;
    let mut first = None;
    for f in rows {
        let f = f?;
        // Pajak masukan numbers are the sellers': the seller tells them apart.
        if matches!(r.jenis, Jenis::Keluaran) || same_taxpayer(&f.lawan_npwp, &r.lawan_npwp) {
            return Ok(Some(f));
        }
        first.get_or_insert(f);
    }
    // A masukan number known only under another seller: let the caller report the mismatch.
    Ok(first)
}

/// What the retur already stored take back of a faktur.
pub fn returned_so_far(conn: &Connection, faktur_id: i64) -> Result<Totals> {
    let (dpp, ppn, ppnbm): (i64, i64, i64) = conn.query_row(
        "SELECT coalesce(sum(nilai_dpp), 0), coalesce(sum(nilai_ppn), 0),
            coalesce(sum(nilai_ppnbm), 0) FROM retur WHERE faktur_id = ?1",
        [faktur_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(Totals {
        dpp: Rupiah::new(dpp),
        ppn: Rupiah::new(ppn),
        ppnbm: Rupiah::new(ppnbm),
    })
}

/// Whether this retur number is already registered for the counterparty (ETAX-30030).
pub fn exists(conn: &Connection, r: &Retur) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM retur WHERE jenis = ?1 AND lawan_npwp = ?2 AND nomor_retur = ?3",
        )?
        .query_row(
            params![jenis_key(r.jenis), r.lawan_npwp.digits(), r.nomor_retur],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Stores a validated retur of faktur `faktur_id`; a number already registered is refused with
/// ETAX-30030. The caller checks the saldo first ([`Retur::check_against`]).
pub fn insert(
    conn: &Connection,
    faktur_id: i64,
    r: &Retur,
    approval: ApprovalStatus,
    stamp: &str,
) -> Result<i64> {
    let dikreditkan = match r.jenis {
        Jenis::Keluaran => None,
        Jenis::Masukan { dikreditkan } => Some(dikreditkan),
    };
    conn.prepare_cached(
        "INSERT INTO retur (jenis, faktur_id, lawan_npwp, lawan_nama, kode_transaksi, fg_pengganti,
            nsfp, tanggal_faktur, dikreditkan, nomor_retur, tanggal_retur, masa, tahun, nilai_dpp,
            nilai_ppn, nilai_ppnbm, status_approval, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18)",
    )?
    .execute(params![
        jenis_key(r.jenis),
        faktur_id,
        r.lawan_npwp.digits(),
        r.lawan_nama,
        r.kode.value(),
        r.status.flag(),
        r.nsfp.digits(),
        r.tanggal_faktur.to_string(),
        dikreditkan,
        r.nomor_retur,
        r.tanggal_retur.to_string(),
        r.masa,
        r.tahun,
        r.nilai.dpp.value(),
        r.nilai.ppn.value(),
        r.nilai.ppnbm.value(),
        approval.key(),
        stamp,
    ])
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::rule(
                DjpCode::Etax30030,
                format!("nomor retur {} sudah terdaftar", r.nomor_retur),
            )
        } else {
            e.into()
        }
    })?;
    Ok(conn.last_insert_rowid())
}

/// What [`from_row`] reads, in its order.
const COLUMNS: &str = "id, faktur_id, lawan_npwp, lawan_nama, kode_transaksi, fg_pengganti, nsfp,
    tanggal_faktur, nomor_retur, dikreditkan, tanggal_retur, masa, tahun, nilai_dpp, nilai_ppn,
    nilai_ppnbm, status_approval";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRetur> {
    let rupiah = |i: usize| -> rusqlite::Result<Rupiah> { Ok(Rupiah::new(row.get(i)?)) };
    let date = |i: usize| -> rusqlite::Result<NaiveDate> {
        row.get::<_, String>(i)?
            .parse()
            .map_err(|_| corrupt("tanggal"))
    };
    let jenis = match row.get::<_, Option<bool>>(9)? {
        Some(d) => Jenis::Masukan { dikreditkan: d },
        None => Jenis::Keluaran,
    };
    Ok(StoredRetur {
        id: row.get(0)?,
        faktur_id: row.get(1)?,
        retur: Retur {
            jenis,
            lawan_npwp: Npwp::parse(&row.get::<_, String>(2)?)
                .map_err(|_| corrupt("lawan_npwp"))?,
            lawan_nama: row.get(3)?,
            kode: KodeTransaksi::new(row.get(4)?).ok_or_else(|| corrupt("kode_transaksi"))?,
            status: if row.get::<_, u8>(5)? == 1 {
                KodeStatus::Pengganti
            } else {
                KodeStatus::Normal
            },
            nsfp: Nsfp::parse(&row.get::<_, String>(6)?).map_err(|_| corrupt("nsfp"))?,
            tanggal_faktur: date(7)?,
            nomor_retur: row.get(8)?,
            tanggal_retur: date(10)?,
            masa: row.get(11)?,
            tahun: row.get(12)?,
            nilai: Totals {
                dpp: rupiah(13)?,
                ppn: rupiah(14)?,
                ppnbm: rupiah(15)?,
            },
        },
        approval: ApprovalStatus::from_key(&row.get::<_, String>(16)?)
            .ok_or_else(|| corrupt("status_approval"))?,
    })
}

/// Calls `each` for every retur matching `filter` (masukan: RM, keluaran: RK; masa and tahun of
/// the retur), ordered by date and number, without holding them all in memory.
pub fn for_each(
    conn: &Connection,
    filter: Filter,
    mut each: impl FnMut(StoredRetur) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS}
         FROM retur
         WHERE (?1 IS NULL OR jenis = CASE WHEN ?1 THEN 'masukan' ELSE 'keluaran' END)
           AND (?2 IS NULL OR masa = ?2) AND (?3 IS NULL OR tahun = ?3)
           AND (?4 IS NULL OR status_approval = ?4)
         ORDER BY tanggal_retur, nomor_retur, id"
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

/// Where a retur stands in the Retur pages' order (tanggal retur, nomor retur, id).
pub fn position(r: &StoredRetur) -> Position {
    Position {
        tanggal: r.retur.tanggal_retur.to_string(),
        nomor: r.retur.nomor_retur.clone(),
        id: r.id,
    }
}

/// One page of the retur of a masa, for the window's Retur pages (bounded, keyset).
pub fn page(
    conn: &Connection,
    period: Period,
    cursor: &Cursor,
    limit: usize,
) -> Result<Page<StoredRetur>> {
    let source = Source {
        table: "retur",
        columns: COLUMNS,
        tanggal: "tanggal_retur",
        nomor: "nomor_retur",
        from_row,
    };
    dokumen_page::page(conn, &source, period, cursor, limit)
}

/// The retur of one masa (for exports of moderate size).
pub fn list(conn: &Connection, filter: Filter) -> Result<Vec<StoredRetur>> {
    let mut out = Vec::new();
    for_each(conn, filter, |r| {
        out.push(r);
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ReturDraft;
    use crate::store::faktur::tests::draft;
    use crate::store::{Store, now};

    #[test]
    fn stores_lists_and_sums_retur_of_a_faktur() {
        let store = Store::open_in_memory().unwrap();
        let f = draft("0002400000001").validate().unwrap();
        let id =
            crate::store::faktur::insert(store.conn(), &f, ApprovalStatus::Draft, "t").unwrap();
        let r = ReturDraft {
            npwp: f.lawan_npwp.digits().into(),
            nama: "PT PEMBELI".into(),
            kd_jenis_transaksi: "01".into(),
            fg_pengganti: "0".into(),
            nomor_faktur: "0002400000001".into(),
            tanggal_faktur: "05/03/2024".into(),
            is_creditable: None,
            nomor_dokumen_retur: "R1".into(),
            tanggal_retur: "06/03/2024".into(),
            masa_pajak_retur: "3".into(),
            tahun_pajak_retur: "2024".into(),
            nilai_retur_dpp: "1000".into(),
            nilai_retur_ppn: "110".into(),
            nilai_retur_ppnbm: "0".into(),
        }
        .validate()
        .unwrap();
        let found = returned_faktur(store.conn(), &r).unwrap().unwrap();
        assert_eq!(found.id, id);
        insert(store.conn(), id, &r, ApprovalStatus::Draft, &now()).unwrap();
        assert!(exists(store.conn(), &r).unwrap());
        let again = insert(store.conn(), id, &r, ApprovalStatus::Draft, &now()).unwrap_err();
        assert_eq!(again.code(), DjpCode::Etax30030);
        assert_eq!(
            returned_so_far(store.conn(), id).unwrap().dpp,
            Rupiah::new(1000)
        );
        let listed = list(
            store.conn(),
            Filter {
                masukan: Some(false),
                masa: Some(3),
                tahun: Some(2024),
                approval: None,
            },
        )
        .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].retur, r);
        assert_eq!(listed[0].faktur_id, id);
    }
}
