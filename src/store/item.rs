//! Referensi Barang/Jasa: unique code and unique name (ETAX-20020 / 20021 in DJP's app), and
//! per item what Coretax needs for its lines (barang or jasa, 6-digit code, unit).

use std::collections::HashMap;

use rusqlite::{Connection, params};

use super::{Result, StoreError, is_unique_violation, now};
use crate::domain::{Amount, CoretaxLine, DjpCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarangJasa {
    pub kode: String,
    pub nama: String,
    pub harga_satuan: Amount,
    /// How Coretax classifies lines of this item; `None` until set.
    pub coretax: Option<CoretaxLine>,
}

/// Adds an item, or updates the one with the same code. An item given without Coretax values
/// (e.g. from an OB file, which has no such columns) keeps the ones it has.
pub fn upsert(conn: &Connection, b: &BarangJasa) -> Result<()> {
    let ct = b.coretax.as_ref();
    conn.execute(
        "INSERT INTO barang_jasa (kode, nama, harga_satuan, updated_at, ct_opt, ct_code, ct_unit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (kode) DO UPDATE SET nama = excluded.nama, harga_satuan = excluded.harga_satuan,
           updated_at = excluded.updated_at, ct_opt = coalesce(excluded.ct_opt, ct_opt),
           ct_code = coalesce(excluded.ct_code, ct_code), ct_unit = coalesce(excluded.ct_unit, ct_unit)",
        params![
            b.kode,
            b.nama,
            b.harga_satuan.to_string(),
            now(),
            ct.map(CoretaxLine::opt),
            ct.map(|c| c.kode.as_str()),
            ct.map(|c| c.satuan.as_str())
        ],
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

/// Adds an item seen on an imported line (OF row) unless its code or name is already there:
/// an import fills Referensi Barang/Jasa and never overwrites what the user keeps in it.
/// Returns whether a row was added.
pub fn add_if_new(conn: &Connection, kode: &str, nama: &str, harga_satuan: &str) -> Result<bool> {
    if kode.is_empty() || nama.is_empty() {
        return Ok(false);
    }
    let added = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO barang_jasa (kode, nama, harga_satuan, updated_at)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![kode, nama, harga_satuan, now()])?;
    Ok(added > 0)
}

/// The Coretax classification of every item that has one, by item code.
pub fn coretax_lines(conn: &Connection) -> Result<HashMap<String, CoretaxLine>> {
    let mut stmt = conn.prepare(
        "SELECT kode, ct_opt, ct_code, ct_unit FROM barang_jasa
         WHERE ct_opt IS NOT NULL AND ct_code IS NOT NULL AND ct_unit IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (kode, opt, code, unit) = row?;
        if let Ok(line) = CoretaxLine::new(&opt, &code, &unit) {
            out.insert(kode, line);
        }
    }
    Ok(out)
}

pub fn list(conn: &Connection) -> Result<Vec<BarangJasa>> {
    let mut stmt = conn.prepare(
        "SELECT kode, nama, harga_satuan, ct_opt, ct_code, ct_unit FROM barang_jasa ORDER BY nama",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            (
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ),
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (kode, nama, harga, ct) = row?;
        let coretax = match ct {
            (Some(o), Some(c), Some(u)) => CoretaxLine::new(&o, &c, &u).ok(),
            _ => None,
        };
        out.push(BarangJasa {
            kode,
            nama,
            harga_satuan: Amount::parse(&harga).unwrap_or(Amount::ZERO),
            coretax,
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
            coretax: None,
        };
        upsert(store.conn(), &b("B1", "Semen")).unwrap();
        upsert(store.conn(), &b("B1", "Semen Gresik")).unwrap();
        let err = upsert(store.conn(), &b("B2", "Semen Gresik")).unwrap_err();
        assert!(err.to_string().contains("sudah terdaftar"), "{err}");
        let all = list(store.conn()).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].harga_satuan.to_string(), "1500.5");
    }

    #[test]
    fn an_item_updated_without_coretax_values_keeps_its_own() {
        let store = Store::open_in_memory().unwrap();
        let jasa = CoretaxLine::new("B", "000000", "UM.0030").unwrap();
        let b = |coretax| BarangJasa {
            kode: "JS1".into(),
            nama: "Jasa servis".into(),
            harga_satuan: Amount::parse("100000").unwrap(),
            coretax,
        };
        upsert(store.conn(), &b(Some(jasa.clone()))).unwrap();
        upsert(store.conn(), &b(None)).unwrap();
        assert_eq!(list(store.conn()).unwrap()[0].coretax, Some(jasa));
    }
}
