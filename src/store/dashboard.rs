//! The home page's figures: faktur by status for one masa, NSFP left, faktur not yet uploaded.
//! Each counts one masa's faktur over `faktur_adm_masa` (migration 0009), bounded by the masa.

use rusqlite::Connection;

use super::Result;
use super::faktur_list::AdminStatus;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dashboard {
    pub tahun: u16,
    pub masa: u8,
    /// Pajak Keluaran of the masa, per status (statuses without faktur are left out).
    pub keluaran: Vec<(AdminStatus, u64)>,
    pub masukan: Vec<(AdminStatus, u64)>,
    /// Numbers of the recorded Referensi Nomor Faktur ranges not yet given to a faktur.
    pub nsfp_left: u64,
    /// Faktur keluaran of the masa still to be uploaded (Draft, Siap Upload). Not over every
    /// masa: no index holds the status, and counting the whole table would not be bounded.
    pub not_uploaded: u64,
}

pub fn load(conn: &Connection, tahun: u16, masa: u8) -> Result<Dashboard> {
    let by_status = |jenis: &str| -> Result<Vec<(AdminStatus, u64)>> {
        let mut stmt = conn.prepare_cached(
            "SELECT CASE WHEN status_faktur = 'diganti' OR status_faktur = 'batal'
                         THEN status_faktur ELSE status_approval END AS s, count(*)
             FROM faktur INDEXED BY faktur_adm_masa
             WHERE jenis = ?1 AND tahun = ?2 AND masa = ?3 GROUP BY s",
        )?;
        let rows = stmt.query_map(rusqlite::params![jenis, tahun, masa], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut out = Vec::new();
        for r in rows {
            let (key, n) = r?;
            if let Some(s) = AdminStatus::from_key(&key) {
                out.push((s, n as u64));
            }
        }
        out.sort_by_key(|(s, _)| AdminStatus::ALL.iter().position(|a| a == s));
        Ok(out)
    };
    let nsfp_left: i64 = conn.query_row(
        "SELECT coalesce((SELECT sum(end_serial - start_serial + 1) FROM nsfp_range), 0)
              - (SELECT count(*) FROM nsfp_use)",
        [],
        |r| r.get(0),
    )?;
    let keluaran = by_status("keluaran")?;
    Ok(Dashboard {
        tahun,
        masa,
        not_uploaded: keluaran
            .iter()
            .filter(|(s, _)| matches!(s, AdminStatus::Draft | AdminStatus::SiapUpload))
            .map(|(_, n)| n)
            .sum(),
        keluaran,
        masukan: by_status("masukan")?,
        nsfp_left: nsfp_left.max(0) as u64,
    })
}
