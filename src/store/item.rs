//! Referensi Barang/Jasa: unique code and unique name (ETAX-20020 / 20021 in DJP's app).

use rusqlite::{Connection, params};

use super::{Result, StoreError, is_unique_violation, now};
use crate::domain::{Amount, DjpCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarangJasa {
    pub kode: String,
    pub nama: String,
    pub harga_satuan: Amount,
}

/// Adds an item, or updates the name and price of the one with the same code.
pub fn upsert(conn: &Connection, b: &BarangJasa) -> Result<()> {
    conn.execute(
        "INSERT INTO barang_jasa (kode, nama, harga_satuan, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kode) DO UPDATE SET nama = excluded.nama, harga_satuan = excluded.harga_satuan,
           updated_at = excluded.updated_at",
        params![b.kode, b.nama, b.harga_satuan.to_string(), now()],
    )
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::rule(
                DjpCode::Etax10003,
                format!("Nama Barang/Jasa '{}' sudah terdaftar dengan kode lain", b.nama),
            )
        } else {
            e.into()
        }
    })?;
    Ok(())
}

pub fn list(conn: &Connection) -> Result<Vec<BarangJasa>> {
    let mut stmt =
        conn.prepare("SELECT kode, nama, harga_satuan FROM barang_jasa ORDER BY nama")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (kode, nama, harga) = row?;
        out.push(BarangJasa {
            kode,
            nama,
            harga_satuan: Amount::parse(&harga).unwrap_or(Amount::ZERO),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn code_and_name_are_unique() {
        let store = Store::open_in_memory().unwrap();
        let b = |k: &str, n: &str| BarangJasa {
            kode: k.into(),
            nama: n.into(),
            harga_satuan: Amount::parse("1500.5").unwrap(),
        };
        upsert(store.conn(), &b("B1", "Semen")).unwrap();
        upsert(store.conn(), &b("B1", "Semen Gresik")).unwrap();
        let err = upsert(store.conn(), &b("B2", "Semen Gresik")).unwrap_err();
        assert!(err.to_string().contains("sudah terdaftar"), "{err}");
        let all = list(store.conn()).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].harga_satuan.to_string(), "1500.5");
    }
}
