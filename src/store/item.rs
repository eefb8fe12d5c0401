//! Referensi Barang/Jasa: unique code and unique name (ETAX-20020 / 20021 in DJP's app), and
//! per item what Coretax needs for its lines (barang or jasa, 6-digit code, unit).

use std::collections::HashMap;

use rusqlite::{Connection, params};

pub use super::party::Removal;
use super::user::Admin;
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

/// An item with its row id, for the Referensi page (edit, delete).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub item: BarangJasa,
}

/// At most `limit` items ordered by name whose code or name contains `filter`.
pub fn search(conn: &Connection, filter: &str, limit: u32) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare(
        "SELECT kode, nama, harga_satuan, ct_opt, ct_code, ct_unit, id FROM barang_jasa
         WHERE ?1 = '' OR kode LIKE '%' || ?1 || '%' OR nama LIKE '%' || ?1 || '%'
         ORDER BY nama, id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![filter.trim(), limit], |r| {
        let ct = (
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
        );
        Ok(Entry {
            id: r.get(6)?,
            item: BarangJasa {
                kode: r.get(0)?,
                nama: r.get(1)?,
                harga_satuan: Amount::parse(&r.get::<_, String>(2)?).unwrap_or(Amount::ZERO),
                coretax: match ct {
                    (Some(o), Some(c), Some(u)) => CoretaxLine::new(&o, &c, &u).ok(),
                    _ => None,
                },
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Which unique column a failed write of row `id` hit: the code (ETAX-20020), said first when
/// both are taken, or the name (ETAX-20021).
fn write_error<'a>(
    conn: &'a Connection,
    id: i64,
    b: &'a BarangJasa,
) -> impl Fn(rusqlite::Error) -> StoreError + 'a {
    move |e| {
        if !is_unique_violation(&e) {
            return e.into();
        }
        let kode_taken = conn
            .query_row(
                "SELECT 1 FROM barang_jasa WHERE kode = ?1 AND id <> ?2",
                params![b.kode, id],
                |_| Ok(()),
            )
            .is_ok();
        if kode_taken {
            StoreError::rule(
                DjpCode::Etax20020,
                format!(
                    "kode '{}' sudah dipakai barang/jasa lain; pilih kode lain",
                    b.kode
                ),
            )
        } else {
            StoreError::rule(
                DjpCode::Etax20021,
                format!(
                    "nama '{}' sudah dipakai barang/jasa lain; pilih nama lain",
                    b.nama
                ),
            )
        }
    }
}

fn check_price(b: &BarangJasa) -> Result<()> {
    if b.harga_satuan <= Amount::ZERO {
        return Err(StoreError::rule(
            DjpCode::Etax30024,
            "isi harga satuan lebih dari 0",
        ));
    }
    Ok(())
}

/// Adds an item typed in Referensi; a code or name already there is refused.
pub fn add(conn: &Connection, _by: &Admin, b: &BarangJasa) -> Result<i64> {
    check_price(b)?;
    let ct = b.coretax.as_ref();
    conn.execute(
        "INSERT INTO barang_jasa (kode, nama, harga_satuan, updated_at, ct_opt, ct_code, ct_unit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
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
    .map_err(write_error(conn, 0, b))?;
    Ok(conn.last_insert_rowid())
}

/// Changes item `id`, its Coretax values included. Faktur keep their lines as written.
pub fn update(conn: &Connection, _by: &Admin, id: i64, b: &BarangJasa) -> Result<()> {
    check_price(b)?;
    let ct = b.coretax.as_ref();
    let changed = conn
        .execute(
            "UPDATE barang_jasa SET kode = ?2, nama = ?3, harga_satuan = ?4, updated_at = ?5,
                ct_opt = ?6, ct_code = ?7, ct_unit = ?8
             WHERE id = ?1",
            params![
                id,
                b.kode,
                b.nama,
                b.harga_satuan.to_string(),
                now(),
                ct.map(CoretaxLine::opt),
                ct.map(|c| c.kode.as_str()),
                ct.map(|c| c.satuan.as_str())
            ],
        )
        .map_err(write_error(conn, id, b))?;
    if changed == 0 {
        return Err(gone());
    }
    Ok(())
}

fn gone() -> StoreError {
    StoreError::rule(
        DjpCode::Etax10003,
        "Barang/Jasa ini sudah tidak ada; muat ulang daftar",
    )
}

/// Faktur lines carrying item `id`'s code. `faktur_item` has no index on the code (imports
/// would pay for one on every line): this reads the lines once, on a delete only.
const USED_BY: &str = "SELECT count(DISTINCT i.faktur_id) FROM faktur_item i, barang_jasa b
    WHERE b.id = ?1 AND i.kode_objek = b.kode";

/// How many faktur have a line with item `id`'s code.
pub fn used_by(conn: &Connection, id: i64) -> Result<u32> {
    Ok(conn.query_row(USED_BY, [id], |r| r.get(0))?)
}

/// Deletes item `id` unless a faktur line carries its code; the check and the delete are one
/// statement.
pub fn delete(conn: &Connection, _by: &Admin, id: i64) -> Result<Removal> {
    let deleted = conn.execute(
        "DELETE FROM barang_jasa WHERE id = ?1 AND NOT EXISTS
           (SELECT 1 FROM faktur_item i WHERE i.kode_objek = barang_jasa.kode)",
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

    #[test]
    fn add_edit_search_and_delete_refused_while_a_faktur_line_carries_it() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        crate::store::user::create(c, "admin", "rahasia-1").unwrap();
        let admin = crate::store::user::admin::require_admin(c, "admin").unwrap();
        let mut b = BarangJasa {
            kode: "A1".into(),
            nama: "Jasa konsultasi".into(),
            harga_satuan: Amount::parse("500000").unwrap(),
            coretax: Some(CoretaxLine::new("B", "000000", "UM.0030").unwrap()),
        };
        let id = add(c, &admin, &b).unwrap();
        let dup = add(c, &admin, &b).unwrap_err();
        assert_eq!(dup.code(), DjpCode::Etax20020, "{dup}");
        let same_name = BarangJasa {
            kode: "A2".into(),
            ..b.clone()
        };
        assert_eq!(
            add(c, &admin, &same_name).unwrap_err().code(),
            DjpCode::Etax20021
        );
        let free = BarangJasa {
            harga_satuan: Amount::ZERO,
            ..same_name.clone()
        };
        assert_eq!(
            add(c, &admin, &free).unwrap_err().code(),
            DjpCode::Etax30024
        );
        b.coretax = Some(CoretaxLine::new("A", "010000", "UM.0018").unwrap());
        update(c, &admin, id, &b).unwrap();
        let found = search(c, "konsul", 10).unwrap();
        assert_eq!(
            found,
            vec![Entry {
                id,
                item: b.clone()
            }]
        );

        let f = crate::store::faktur::tests::draft("0002400000001")
            .validate()
            .unwrap();
        crate::store::faktur::insert(c, &f, crate::domain::ApprovalStatus::Draft, "t").unwrap();
        assert_eq!(delete(c, &admin, id).unwrap(), Removal::InUse { faktur: 1 });
        let other = add(
            c,
            &admin,
            &BarangJasa {
                kode: "B9".into(),
                nama: "Semen".into(),
                ..b
            },
        )
        .unwrap();
        assert_eq!(delete(c, &admin, other).unwrap(), Removal::Deleted);
        assert_eq!(search(c, "", 10).unwrap().len(), 1);
    }
}
