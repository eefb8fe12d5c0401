//! Referensi Lawan Transaksi (counterparties).

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, now};

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
}
