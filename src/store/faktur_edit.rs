//! What the Rekam Faktur form does to one faktur: Rekam (a new faktur keluaran takes its NSFP
//! here), Ubah, Hapus, Pengganti and Batal. Each is one call meant for one transaction
//! ([`super::Store::transaction`]), so a failure leaves nothing half-written.
//!
//! A deleted draft keeps its NSFP spent: `nsfp_use` keeps the number (its faktur becomes NULL)
//! and the allocator never hands it out again — invariant 7 ("a number is never handed out
//! twice"); DJP's practice is to report unused numbers, not to recycle them (domain §8.6).

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};

use super::faktur::{self, jenis_key, uang_muka_flag};
use super::outbox::{self, Kind};
use super::{Result, StoreError, audit, is_unique_violation, now, nsfp};
use crate::domain::faktur::Jenis;
use crate::domain::{ApprovalStatus, DjpCode, Faktur, FakturStatus, KodeStatus, Nsfp};

/// The number a new faktur keluaran is validated with before Simpan gives it its own: the
/// domain's checks need one of the faktur's year.
pub fn placeholder_nsfp(tanggal: Option<NaiveDate>) -> Nsfp {
    let year = tanggal.map_or(0, |t| t.year().rem_euclid(100)) as u8;
    Nsfp::new(0, year, 1).expect("serial 1 of any year is valid")
}

/// Rekam Faktur Keluaran: the next free NSFP of the faktur's year goes into `f`, and the faktur
/// is stored as Draft with the number linked to it. Call inside a transaction: when the insert
/// fails, the number goes back with the rollback. ETAX-20018 when no number is left.
pub fn rekam_keluaran(conn: &Connection, mut f: Faktur, actor: &str) -> Result<(i64, Nsfp)> {
    let year = f.tanggal.year().rem_euclid(100) as u8;
    let n = nsfp::allocate_next(conn, year).map_err(|e| match e {
        StoreError::Rule {
            code: DjpCode::Etax20018,
            ..
        } => StoreError::rule(
            DjpCode::Etax20018,
            format!(
                "tidak ada NSFP tersisa untuk tahun {}; rekam range baru di Referensi > Nomor \
                 Faktur (atau Minta NSFP), lalu Simpan lagi",
                f.tanggal.year()
            ),
        ),
        other => other,
    })?;
    // DJP refuses a faktur dated before its number was allotted (ETAXSERVICE-20025). The
    // allocator takes the oldest range first, so when that one is too new, every range is.
    if let Some(r) = nsfp::range_of(conn, n)?
        && f.tanggal < r.allocated_on
    {
        return Err(StoreError::rule(
            DjpCode::EtaxService20025,
            format!(
                "tanggal faktur {} sebelum tanggal pemberitahuan NSFP {} (range {}); pilih \
                 tanggal faktur pada atau sesudah tanggal itu",
                f.tanggal.format("%d/%m/%Y"),
                r.allocated_on.format("%d/%m/%Y"),
                r.range
            ),
        ));
    }
    f.nsfp = n;
    let id = faktur::insert(conn, &f, ApprovalStatus::Draft, actor)?;
    nsfp::link_faktur(conn, n, id)?;
    Ok((id, n))
}

/// Rekam Faktur Pajak Masukan: the number is the seller's, as typed. A pengganti (kode status 1)
/// marks the seller's faktur it replaces Diganti.
pub fn rekam_masukan(conn: &Connection, f: &Faktur, actor: &str) -> Result<i64> {
    let id = match f.status {
        KodeStatus::Normal => faktur::insert(conn, f, ApprovalStatus::Draft, actor)?,
        KodeStatus::Pengganti => {
            let (id, _) = faktur::insert_pengganti(conn, f, ApprovalStatus::Draft, &now())?;
            audit::record(
                conn,
                actor,
                "faktur.rekam",
                &f.nomor().to_string(),
                "masukan",
            )?;
            id
        }
    };
    Ok(id)
}

/// What the form needs to know of a stored faktur before it changes it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Current {
    jenis: String,
    nsfp: String,
    /// Kode status: 1 for a pengganti.
    fg_pengganti: u8,
    masa: u8,
    tahun: u16,
    tanggal: String,
    status: FakturStatus,
    approval: ApprovalStatus,
    replaces: Option<i64>,
}

fn current(conn: &Connection, id: i64) -> Result<Current> {
    let row = conn
        .query_row(
            "SELECT jenis, nsfp, masa, tahun, tanggal, status_faktur, status_approval, replaces_id,
                fg_pengganti
             FROM faktur WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u8>(2)?,
                    r.get::<_, u16>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<i64>>(7)?,
                    r.get::<_, u8>(8)?,
                ))
            },
        )
        .optional()?;
    let Some((jenis, nsfp, masa, tahun, tanggal, status, approval, replaces, fg_pengganti)) = row
    else {
        return Err(StoreError::rule(
            DjpCode::Etax20003,
            format!("faktur {id} tidak ada lagi di Local Database; muat ulang daftarnya"),
        ));
    };
    let corrupt = |what: &str| StoreError::rule(DjpCode::Etax10001, format!("{what} rusak"));
    Ok(Current {
        jenis,
        nsfp,
        fg_pengganti,
        masa,
        tahun,
        tanggal,
        status: FakturStatus::from_key(&status).ok_or_else(|| corrupt("status_faktur"))?,
        approval: ApprovalStatus::from_key(&approval).ok_or_else(|| corrupt("status_approval"))?,
        replaces,
    })
}

impl Current {
    fn in_force(&self) -> bool {
        matches!(
            self.status,
            FakturStatus::Normal | FakturStatus::NormalPengganti
        )
    }

    /// Ubah and Hapus: only what DJP has not approved (Draft, or Reject to be corrected).
    fn check_editable(&self, what: &str) -> Result<()> {
        if self.in_force() && self.approval.editable() {
            return Ok(());
        }
        let why = if !self.in_force() {
            format!("berstatus {}", self.status.label())
        } else {
            format!("berstatus {}", self.approval.label())
        };
        Err(StoreError::rule(
            DjpCode::Etax20008,
            format!(
                "faktur ini {why} dan tidak dapat di{what}; hanya faktur Belum Approve atau \
                 Reject yang dapat di{what} (faktur yang sudah Approval Sukses: buat Pengganti \
                 atau Batal)"
            ),
        ))
    }
}

/// Ubah: replaces the header and lines of faktur `id` with `f`. Only while DJP has not approved
/// it; a Reject faktur becomes Draft again (corrected, to be uploaded anew). A faktur keluaran
/// keeps its number and kode status.
pub fn ubah(conn: &Connection, id: i64, f: &Faktur, actor: &str) -> Result<()> {
    let cur = current(conn, id)?;
    cur.check_editable("ubah")?;
    let keluaran = f.jenis == Jenis::Keluaran;
    if cur.jenis != jenis_key(f.jenis) || (keluaran && cur.nsfp != f.nsfp.digits()) {
        return Err(StoreError::rule(
            DjpCode::Etax20008,
            "nomor faktur keluaran tidak dapat diubah; batalkan perubahan dan buka lagi fakturnya",
        ));
    }
    // Normal or pengganti decides what the faktur replaced; Ubah leaves it as it is.
    if cur.fg_pengganti != f.status.flag() {
        return Err(StoreError::rule(
            DjpCode::Etax20026,
            "kode status (normal/pengganti) tidak dapat diubah; hapus faktur ini dan rekam lagi",
        ));
    }
    let dikreditkan = match f.jenis {
        Jenis::Keluaran => None,
        Jenis::Masukan { dikreditkan } => Some(dikreditkan),
    };
    conn.execute(
        "UPDATE faktur SET kode_transaksi = ?2, fg_pengganti = ?3, nsfp = ?4, masa = ?5,
            tahun = ?6, tanggal = ?7, lawan_npwp = ?8, lawan_nik = ?9, lawan_nama = ?10,
            lawan_alamat = ?11, jumlah_dpp = ?12, jumlah_ppn = ?13, jumlah_ppnbm = ?14,
            id_keterangan_tambahan = ?15, fg_uang_muka = ?16, uang_muka_dpp = ?17,
            uang_muka_ppn = ?18, uang_muka_ppnbm = ?19, referensi = ?20,
            kode_dokumen_pendukung = ?21, dikreditkan = ?22, status_approval = 'draft',
            reject_code = NULL, reject_message = NULL, updated_at = ?23
         WHERE id = ?1",
        params![
            id,
            f.kode.value(),
            f.status.flag(),
            f.nsfp.digits(),
            f.masa,
            f.tahun,
            f.tanggal.to_string(),
            f.lawan_npwp.digits(),
            f.lawan_nik,
            f.lawan_nama,
            f.lawan_alamat,
            f.totals.dpp.value(),
            f.totals.ppn.value(),
            f.totals.ppnbm.value(),
            f.keterangan_tambahan,
            uang_muka_flag(f.uang_muka),
            f.uang_muka_totals.dpp.value(),
            f.uang_muka_totals.ppn.value(),
            f.uang_muka_totals.ppnbm.value(),
            f.referensi,
            f.kode_dokumen_pendukung,
            dikreditkan,
            now(),
        ],
    )
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::rule(
                DjpCode::Etax20002,
                format!("nomor faktur {} sudah terdaftar", f.nomor()),
            )
        } else {
            e.into()
        }
    })?;
    conn.execute("DELETE FROM faktur_item WHERE faktur_id = ?1", [id])?;
    faktur::write_lines(conn, id, f)?;
    audit::record(conn, actor, "faktur.ubah", &f.nomor().to_string(), "")?;
    Ok(())
}

/// Hapus: removes a faktur DJP has not approved, with its lines and queued work. Its NSFP stays
/// spent (see the module note). A pengganti's original comes back into force: DJP never
/// received the replacement.
pub fn hapus(conn: &Connection, id: i64, actor: &str) -> Result<()> {
    let cur = current(conn, id)?;
    cur.check_editable("hapus")?;
    conn.execute("DELETE FROM faktur WHERE id = ?1", [id])
        .map_err(|e| match &e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
            {
                StoreError::rule(
                    DjpCode::Etax20008,
                    "faktur ini dipakai sebagai referensi (mis. oleh retur) dan tidak dapat \
                     dihapus; hapus dulu dokumen yang memakainya",
                )
            }
            _ => e.into(),
        })?;
    // After the delete: the original and its pengganti share the number, and only one may be
    // in force at a time.
    if let (FakturStatus::NormalPengganti, Some(original)) = (cur.status, cur.replaces) {
        conn.execute(
            "UPDATE faktur SET updated_at = ?2, status_faktur =
                CASE fg_pengganti WHEN 1 THEN 'normal_pengganti' ELSE 'normal' END
             WHERE id = ?1 AND status_faktur = 'diganti'",
            params![original, now()],
        )?;
    }
    audit::record(conn, actor, "faktur.hapus", &cur.nsfp, &cur.jenis)?;
    Ok(())
}

/// Pengganti: stores `f` (kode status 1, the original's number) as the faktur that replaces
/// faktur `original`, which becomes Diganti. DJP replaces only an approved faktur in force
/// (domain §8.4): a faktur not yet approved is corrected with Ubah instead.
pub fn rekam_pengganti(conn: &Connection, original: i64, f: &Faktur, actor: &str) -> Result<i64> {
    let o = current(conn, original)?;
    if !o.in_force() || o.approval != ApprovalStatus::ApprovalSukses {
        let why = if o.in_force() {
            o.approval.label()
        } else {
            o.status.label()
        };
        return Err(StoreError::rule(
            DjpCode::Etax20039,
            format!(
                "faktur yang akan diganti berstatus {why}; hanya faktur Approval Sukses yang \
                 belum Diganti atau Batal yang dapat diganti (faktur Belum Approve cukup diubah)"
            ),
        ));
    }
    if o.jenis != jenis_key(f.jenis)
        || o.nsfp != f.nsfp.digits()
        || f.status != KodeStatus::Pengganti
    {
        return Err(StoreError::rule(
            DjpCode::Etax20039,
            "faktur pengganti harus memakai nomor seri faktur yang diganti dengan kode status 1",
        ));
    }
    if batal_diajukan(conn, original)? {
        return Err(StoreError::rule(
            DjpCode::Etax20039,
            "pembatalan faktur ini sudah diajukan dan menunggu Uploader; faktur yang dibatalkan \
             tidak diganti",
        ));
    }
    if o.tanggal.as_str() > f.tanggal.to_string().as_str() {
        return Err(StoreError::rule(
            DjpCode::Etax20027,
            format!(
                "tanggal faktur pengganti {} lebih awal dari tanggal faktur yang diganti; \
                 pilih tanggal yang sama atau sesudahnya",
                f.tanggal.format("%d/%m/%Y")
            ),
        ));
    }
    if (o.masa, o.tahun) != (f.masa, f.tahun) {
        return Err(StoreError::rule(
            DjpCode::Etax20024,
            format!(
                "faktur pengganti dilaporkan pada masa faktur yang diganti ({:02}/{}), bukan \
                 {:02}/{}",
                o.masa, o.tahun, f.masa, f.tahun
            ),
        ));
    }
    let (id, replaced) = faktur::insert_pengganti(conn, f, ApprovalStatus::Draft, &now())?;
    if replaced != Some(original) {
        // The one in force with this number is another faktur: nothing may change.
        return Err(StoreError::rule(
            DjpCode::Etax20039,
            "faktur yang akan diganti tidak lagi berlaku; muat ulang daftarnya",
        ));
    }
    audit::record(
        conn,
        actor,
        "faktur.pengganti",
        &f.nomor().to_string(),
        &original.to_string(),
    )?;
    Ok(id)
}

/// Batal: asks DJP to cancel an approved faktur. The request waits in the outbox until the
/// uploader sends it; the faktur turns Batal when DJP confirms ([`faktur::record_batal`]). A
/// faktur DJP has not approved is deleted (Hapus) instead of cancelled. Asking twice keeps one
/// request.
pub fn ajukan_batal(conn: &Connection, id: i64, actor: &str) -> Result<()> {
    let cur = current(conn, id)?;
    if !cur.in_force() || cur.approval != ApprovalStatus::ApprovalSukses {
        let why = if cur.in_force() {
            cur.approval.label()
        } else {
            cur.status.label()
        };
        return Err(StoreError::rule(
            DjpCode::Etax20038,
            format!(
                "faktur ini berstatus {why}; hanya faktur Approval Sukses yang dapat dibatalkan \
                 (faktur Belum Approve atau Reject: Hapus)"
            ),
        ));
    }
    outbox::enqueue(conn, id, Kind::Batal)?;
    audit::record(conn, actor, "faktur.batal", &cur.nsfp, "diajukan")?;
    Ok(())
}

/// *Upload* of a faktur keluaran (DJP's button in Administrasi Faktur): one that is recorded or
/// was rejected, still in force, with its NSFP inside a recorded range, becomes Siap Upload,
/// which the uploader sends on its next round. Anything else is refused with what to do.
pub fn siap_upload(conn: &Connection, id: i64, actor: &str) -> Result<()> {
    let Some(s) = faktur::get(conn, id)? else {
        return Err(StoreError::rule(
            DjpCode::Etax20003,
            format!("faktur {id} tidak ditemukan"),
        ));
    };
    if s.faktur.jenis != Jenis::Keluaran {
        return Err(StoreError::rule(
            DjpCode::Etax20008,
            "hanya faktur pajak keluaran yang diupload; faktur masukan dilaporkan lewat SPT",
        ));
    }
    if !matches!(
        s.status,
        FakturStatus::Normal | FakturStatus::NormalPengganti
    ) {
        return Err(StoreError::rule(
            DjpCode::Etax20008,
            "faktur ini sudah diganti atau dibatalkan; upload faktur yang berlaku",
        ));
    }
    if !s.approval.editable() {
        return Err(StoreError::rule(
            DjpCode::Etax20008,
            format!(
                "faktur ini berstatus {}; hanya faktur Draft atau Reject yang dapat diupload",
                s.approval.label()
            ),
        ));
    }
    if nsfp::range_of(conn, s.faktur.nsfp)?.is_none() {
        return Err(StoreError::rule(
            DjpCode::Etax20017,
            format!(
                "nomor {} di luar range Referensi Nomor Faktur; rekam range NSFP-nya (Referensi > Nomor Faktur) lalu upload lagi",
                s.faktur.nsfp
            ),
        ));
    }
    faktur::set_approval(conn, id, ApprovalStatus::SiapUpload, actor)
}

/// [`siap_upload`] of every faktur keluaran in force that is Draft or Reject, e.g. a file just
/// imported (`efaktur upload --siapkan`). Returns how many became Siap Upload, and how many stay
/// as they are because their number lies outside every recorded range (ETAX-20017).
pub fn siap_upload_all(conn: &Connection, actor: &str) -> Result<(u64, u64)> {
    let ids = conn
        .prepare(
            "SELECT id FROM faktur
             WHERE jenis = 'keluaran' AND status_approval IN ('draft', 'reject')
               AND status_faktur IN ('normal', 'normal_pengganti')
             ORDER BY id",
        )?
        .query_map([], |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (mut marked, mut outside) = (0, 0);
    for id in ids {
        match siap_upload(conn, id, actor) {
            Ok(()) => marked += 1,
            Err(StoreError::Rule {
                code: DjpCode::Etax20017,
                ..
            }) => outside += 1,
            Err(e) => return Err(e),
        }
    }
    Ok((marked, outside))
}

/// Whether a request to cancel faktur `id` waits for the uploader.
pub fn batal_diajukan(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM outbox WHERE faktur_id = ?1 AND kind = 'batal' AND state = 'pending'",
            [id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests;
