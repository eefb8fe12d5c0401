//! Referensi Lawan Transaksi (counterparties).

use rusqlite::{Connection, OptionalExtension, params};

use super::user::Admin;
use super::{Result, StoreError, is_unique_violation, now};
use crate::domain::DjpCode;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LawanTransaksi {
    /// 15/16 digits; `000000000000000` for a buyer without NPWP.
    pub npwp: String,
    pub nik: Option<String>,
    pub nama: String,
    pub alamat: String,
    pub jalan: String,
    pub blok: String,
    pub nomor: String,
    pub rt: String,
    pub rw: String,
    pub kecamatan: String,
    pub kelurahan: String,
    pub kabupaten: String,
    pub propinsi: String,
    pub kode_pos: String,
    pub telepon: String,
}

/// Creates the entry or updates the one with the same NPWP (LT rows of an import do this).
pub fn upsert(conn: &Connection, p: &LawanTransaksi) -> Result<i64> {
    let id: i64 = conn.query_row(
        "INSERT INTO lawan_transaksi (npwp, nik, nama, alamat, jalan, blok, nomor, rt, rw, kecamatan,
            kelurahan, kabupaten, propinsi, kode_pos, telepon, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (npwp, CASE WHEN npwp = '000000000000000' THEN coalesce(nik, nama) ELSE '' END)
         DO UPDATE SET nik = excluded.nik, nama = excluded.nama, alamat = excluded.alamat,
            jalan = excluded.jalan, blok = excluded.blok, nomor = excluded.nomor, rt = excluded.rt,
            rw = excluded.rw, kecamatan = excluded.kecamatan, kelurahan = excluded.kelurahan,
            kabupaten = excluded.kabupaten, propinsi = excluded.propinsi,
            kode_pos = excluded.kode_pos, telepon = excluded.telepon, updated_at = excluded.updated_at
         RETURNING id",
        params![
            p.npwp, p.nik, p.nama, p.alamat, p.jalan, p.blok, p.nomor, p.rt, p.rw, p.kecamatan,
            p.kelurahan, p.kabupaten, p.propinsi, p.kode_pos, p.telepon, now()
        ],
        |r| r.get(0),
    )?;
    Ok(id)
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LawanTransaksi> {
    Ok(LawanTransaksi {
        npwp: r.get(0)?,
        nik: r.get(1)?,
        nama: r.get(2)?,
        alamat: r.get(3)?,
        jalan: r.get(4)?,
        blok: r.get(5)?,
        nomor: r.get(6)?,
        rt: r.get(7)?,
        rw: r.get(8)?,
        kecamatan: r.get(9)?,
        kelurahan: r.get(10)?,
        kabupaten: r.get(11)?,
        propinsi: r.get(12)?,
        kode_pos: r.get(13)?,
        telepon: r.get(14)?,
    })
}

const COLUMNS: &str = "npwp, nik, nama, alamat, jalan, blok, nomor, rt, rw, kecamatan, kelurahan,
    kabupaten, propinsi, kode_pos, telepon";

pub fn by_npwp(conn: &Connection, npwp: &str) -> Result<Option<LawanTransaksi>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM lawan_transaksi WHERE npwp = ?1 ORDER BY id LIMIT 1"),
            [npwp],
            from_row,
        )
        .optional()?)
}

/// The entry of a faktur's buyer, by the key of `lawan_transaksi_key` (NPWP; for a buyer without
/// NPWP also the NIK, else the name), with its id.
pub fn for_buyer(
    conn: &Connection,
    npwp: &str,
    nik: Option<&str>,
    nama: &str,
) -> Result<Option<(i64, LawanTransaksi)>> {
    let second = if npwp == "000000000000000" {
        nik.unwrap_or(nama)
    } else {
        ""
    };
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS}, id FROM lawan_transaksi WHERE npwp = ?1
               AND (CASE WHEN npwp = '000000000000000' THEN coalesce(nik, nama) ELSE '' END) = ?2"
        ))?
        .query_row(params![npwp, second], |r| Ok((r.get(15)?, from_row(r)?)))
        .optional()?)
}

/// All entries ordered by name; `filter` matches NPWP or name.
pub fn list(conn: &Connection, filter: &str) -> Result<Vec<LawanTransaksi>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM lawan_transaksi
         WHERE ?1 = '' OR npwp LIKE '%' || ?1 || '%' OR nama LIKE '%' || ?1 || '%'
         ORDER BY nama"
    ))?;
    let rows = stmt.query_map([filter], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An entry with its row id, for the Referensi page (edit, delete).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub party: LawanTransaksi,
}

/// At most `limit` entries ordered by name whose NPWP, NIK or name contains `filter`.
pub fn search(conn: &Connection, filter: &str, limit: u32) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS}, id FROM lawan_transaksi
         WHERE ?1 = '' OR npwp LIKE '%' || ?1 || '%' OR nik LIKE '%' || ?1 || '%'
            OR nama LIKE '%' || ?1 || '%'
         ORDER BY nama, id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![filter.trim(), limit], |r| {
        Ok(Entry {
            id: r.get(15)?,
            party: from_row(r)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn duplicate(p: &LawanTransaksi) -> StoreError {
    StoreError::rule(
        DjpCode::Etax10003,
        format!(
            "Lawan Transaksi dengan NPWP {} sudah terdaftar; ubah entri yang ada",
            p.npwp
        ),
    )
}

fn write_error(p: &LawanTransaksi) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| {
        if is_unique_violation(&e) {
            duplicate(p)
        } else {
            e.into()
        }
    }
}

/// Adds an entry typed in Referensi; an NPWP already there is refused (unlike [`upsert`]).
pub fn add(conn: &Connection, _by: &Admin, p: &LawanTransaksi) -> Result<i64> {
    conn.execute(
        "INSERT INTO lawan_transaksi (npwp, nik, nama, alamat, jalan, blok, nomor, rt, rw, kecamatan,
            kelurahan, kabupaten, propinsi, kode_pos, telepon, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            p.npwp, p.nik, p.nama, p.alamat, p.jalan, p.blok, p.nomor, p.rt, p.rw, p.kecamatan,
            p.kelurahan, p.kabupaten, p.propinsi, p.kode_pos, p.telepon, now()
        ],
    )
    .map_err(write_error(p))?;
    Ok(conn.last_insert_rowid())
}

/// Changes entry `id`. Faktur keep the buyer as they were written; only new faktur see this.
pub fn update(conn: &Connection, _by: &Admin, id: i64, p: &LawanTransaksi) -> Result<()> {
    let changed = conn
        .execute(
            "UPDATE lawan_transaksi SET npwp = ?2, nik = ?3, nama = ?4, alamat = ?5, jalan = ?6,
                blok = ?7, nomor = ?8, rt = ?9, rw = ?10, kecamatan = ?11, kelurahan = ?12,
                kabupaten = ?13, propinsi = ?14, kode_pos = ?15, telepon = ?16, updated_at = ?17
             WHERE id = ?1",
            params![
                id,
                p.npwp,
                p.nik,
                p.nama,
                p.alamat,
                p.jalan,
                p.blok,
                p.nomor,
                p.rt,
                p.rw,
                p.kecamatan,
                p.kelurahan,
                p.kabupaten,
                p.propinsi,
                p.kode_pos,
                p.telepon,
                now()
            ],
        )
        .map_err(write_error(p))?;
    if changed == 0 {
        return Err(gone());
    }
    Ok(())
}

fn gone() -> StoreError {
    StoreError::rule(
        DjpCode::Etax10003,
        "Lawan Transaksi ini sudah tidak ada; muat ulang daftar",
    )
}

/// Faktur (keluaran or masukan) whose buyer or seller is entry `id`, by the entry's key
/// (NPWP; NIK, else name, for a party without NPWP). Uses the `faktur_adm_npwp` index.
const USED_BY: &str = "SELECT count(*) FROM faktur f, lawan_transaksi l
    WHERE l.id = ?1 AND f.jenis IN ('keluaran', 'masukan') AND f.lawan_npwp = l.npwp
      AND (l.npwp <> '000000000000000'
           OR coalesce(f.lawan_nik, f.lawan_nama) = coalesce(l.nik, l.nama))";

/// How many faktur name entry `id`.
pub fn used_by(conn: &Connection, id: i64) -> Result<u32> {
    Ok(conn.query_row(USED_BY, [id], |r| r.get(0))?)
}

/// What a delete of a Referensi entry did.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Deleted,
    /// Refused: this many faktur use the entry. Its data may still be changed.
    InUse {
        faktur: u32,
    },
}

/// Deletes entry `id` unless a faktur names it; the check and the delete are one statement.
pub fn delete(conn: &Connection, _by: &Admin, id: i64) -> Result<Removal> {
    let deleted = conn.execute(
        &format!("DELETE FROM lawan_transaksi WHERE id = ?1 AND ({USED_BY}) = 0"),
        [id],
    )?;
    if deleted == 1 {
        return Ok(Removal::Deleted);
    }
    match used_by(conn, id)? {
        0 => Err(gone()),
        n => Ok(Removal::InUse { faktur: n }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn upsert_updates_by_npwp_and_keeps_nik_buyers_apart() {
        let store = Store::open_in_memory().unwrap();
        let mut p = LawanTransaksi {
            npwp: "013000666091000".into(),
            nama: "PT A".into(),
            ..Default::default()
        };
        let id = upsert(store.conn(), &p).unwrap();
        p.nama = "PT A BARU".into();
        assert_eq!(upsert(store.conn(), &p).unwrap(), id);
        assert_eq!(
            by_npwp(store.conn(), "013000666091000")
                .unwrap()
                .unwrap()
                .nama,
            "PT A BARU"
        );

        let nik = |n: &str| LawanTransaksi {
            npwp: "000000000000000".into(),
            nik: Some(n.into()),
            nama: "Budi".into(),
            ..Default::default()
        };
        let a = upsert(store.conn(), &nik("3578104709870002")).unwrap();
        let b = upsert(store.conn(), &nik("3578104709870003")).unwrap();
        assert_ne!(a, b);
        assert_eq!(list(store.conn(), "").unwrap().len(), 3);
        assert_eq!(list(store.conn(), "BARU").unwrap().len(), 1);
    }

    #[test]
    fn add_edit_search_and_delete_refused_while_a_faktur_names_it() {
        let mut store = Store::open_in_memory().unwrap();
        crate::store::user::create(store.conn(), "admin", "rahasia-1").unwrap();
        let admin = crate::store::user::admin::require_admin(store.conn(), "admin").unwrap();
        let c = store.conn();
        let mut p = LawanTransaksi {
            npwp: "013000666091000".into(),
            nama: "PT SATU".into(),
            ..Default::default()
        };
        let id = add(c, &admin, &p).unwrap();
        assert!(
            add(c, &admin, &p)
                .unwrap_err()
                .to_string()
                .contains("sudah terdaftar")
        );
        p.nama = "PT SATU BARU".into();
        update(c, &admin, id, &p).unwrap();
        let found = search(c, "baru", 10).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, id);
        assert!(search(c, "013000666", 10).unwrap().len() == 1);

        let mut f = crate::store::faktur::tests::draft("0002400000002");
        f.npwp = p.npwp.clone();
        let f = f.validate().unwrap();
        store
            .transaction(|tx| {
                crate::store::faktur::insert(tx, &f, crate::domain::ApprovalStatus::Draft, "t")
            })
            .unwrap();
        let c = store.conn();
        assert_eq!(used_by(c, id).unwrap(), 1);
        assert_eq!(delete(c, &admin, id).unwrap(), Removal::InUse { faktur: 1 });
        assert_eq!(search(c, "", 10).unwrap().len(), 1, "kept");

        let other = add(
            c,
            &admin,
            &LawanTransaksi {
                npwp: "000000000000000".into(),
                nik: Some("3578104709870002".into()),
                nama: "Budi".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(delete(c, &admin, other).unwrap(), Removal::Deleted);
        assert!(delete(c, &admin, other).is_err(), "already gone");
    }
}
