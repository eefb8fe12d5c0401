//! NSFP: the rules of Permintaan, Riwayat and Pengecekan NSFP, for the API (`/api/v1/nsfp…`)
//! and the web pages alike. A range is read and written inside one IMMEDIATE transaction on
//! the service's one writer connection, so a number is never handed out twice.

use axum::http::StatusCode;
use chrono::{Datelike, Utc};
use rusqlite::Connection;

use super::service::{check_password, check_throttle};
use super::state::{ApiError, AppState};
use super::store::accounts::Account;
use super::store::{audit, faktur, nsfp};
use crate::domain::DjpCode;
use crate::enofa::wire::{NsfpAllocation, NsfpCheck, NsfpRequest};

/// Maximum unused NSFP a PKP may hold (PER-03/PJ/2022 Ps.15(7)): 75, or 120 % of the faktur
/// approved in the last three masa when that is more than 75.
fn quota(approved_last_3_masa: i64) -> i64 {
    if approved_last_3_masa <= 75 {
        75
    } else {
        (approved_last_3_masa * 6 + 4) / 5
    }
}

/// A stored range as the protocol shows it (13-digit numbers).
fn to_wire(a: nsfp::Allocation) -> NsfpAllocation {
    let (prefix, tahun) = (a.prefix, a.tahun);
    let fmt = |serial: u32| format!("{prefix:03}{:02}{serial:08}", tahun % 100);
    NsfpAllocation {
        id: a.id,
        awal: fmt(a.awal_serial),
        akhir: fmt(a.akhir_serial),
        jumlah: a.akhir_serial - a.awal_serial + 1,
        tahun,
        allocated_at: a.allocated_at,
        nama_pemohon: a.nama_pemohon,
        jabatan_pemohon: a.jabatan_pemohon,
    }
}

/// Permintaan NSFP of `account` (API and web page): this year's range, confirmed with the
/// e-Nofa password, within the quota of the last three masa.
pub async fn request(
    state: &AppState,
    account: Account,
    req: NsfpRequest,
) -> Result<NsfpAllocation, ApiError> {
    check_request(&req)?;
    let password = state
        .hashing
        .check(&req.password, &account.password_hash)
        .await?;
    state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let a = account;
            check_throttle(&tx, &a.npwp)?;
            if let Err(e) = check_password(&tx, &a, &password, DjpCode::Etax40004) {
                tx.commit()?;
                return Err(e);
            }
            check_quota(&tx, &a.npwp, &req)?;
            let allocation = allocate(&tx, &a.npwp, &req)?;
            tx.commit()?;
            Ok(allocation)
        })
        .await
}

/// The request on its own: this year, a number, and who asks.
fn check_request(req: &NsfpRequest) -> Result<(), ApiError> {
    let this_year = Utc::now().year();
    if req.tahun != this_year {
        return Err(ApiError::bad(
            DjpCode::Etax20008,
            format!("NSFP hanya dapat diminta untuk tahun berjalan ({this_year})"),
        ));
    }
    if req.jumlah == 0
        || req.nama_pemohon.trim().is_empty()
        || req.jabatan_pemohon.trim().is_empty()
    {
        return Err(ApiError::bad(
            DjpCode::Etax20008,
            "jumlah NSFP, nama pemohon dan jabatan pemohon wajib diisi",
        ));
    }
    Ok(())
}

/// What the NSFP quota of a PKP rests on: faktur approved in each of the last three masa
/// (newest first, as `(year, month 1-12, count)`), the limit of unused numbers, and how many it
/// holds unused in `tahun`.
#[derive(Debug, Clone)]
pub struct QuotaInfo {
    pub masa: Vec<(i32, u32, i64)>,
    pub limit: i64,
    pub unused: i64,
}

impl QuotaInfo {
    pub fn approved(&self) -> i64 {
        self.masa.iter().map(|m| m.2).sum()
    }
}

/// [`QuotaInfo`] of `npwp` for `tahun` (Permintaan NSFP shows it; [`check_quota`] applies it).
pub fn quota_of(conn: &Connection, npwp: &str, tahun: i32) -> Result<QuotaInfo, ApiError> {
    let now = Utc::now();
    let month_index = now.year() * 12 + now.month0() as i32;
    let mut masa = Vec::with_capacity(3);
    for back in 1..=3 {
        let m = month_index - back;
        let count = faktur::count_in_month(conn, npwp, m)?;
        masa.push((m.div_euclid(12), m.rem_euclid(12) as u32 + 1, count));
    }
    let yy = format!("{:02}", tahun % 100);
    let allotted = nsfp::allotted(conn, npwp, tahun)?;
    let used = faktur::used_in_year(conn, npwp, &yy)?;
    let approved: i64 = masa.iter().map(|m| m.2).sum();
    Ok(QuotaInfo {
        masa,
        limit: quota(approved),
        unused: allotted - used,
    })
}

/// Refuses a request that would leave `npwp` holding more unused NSFP than [`quota`] allows.
fn check_quota(conn: &Connection, npwp: &str, req: &NsfpRequest) -> Result<(), ApiError> {
    let q = quota_of(conn, npwp, req.tahun)?;
    let (limit, unused, approved) = (q.limit, q.unused, q.approved());
    if unused + i64::from(req.jumlah) > limit {
        return Err(ApiError::bad(
            DjpCode::Etax20008,
            format!(
                "permintaan {} NSFP melebihi kuota: paling banyak {limit} NSFP belum terpakai \
                 ({approved} faktur disetujui dalam 3 masa terakhir), masih ada {unused} belum terpakai",
                req.jumlah
            ),
        ));
    }
    Ok(())
}

/// Grants the next free range of the year to `npwp`, inside the caller's IMMEDIATE transaction.
fn allocate(conn: &Connection, npwp: &str, req: &NsfpRequest) -> Result<NsfpAllocation, ApiError> {
    // Numbers are unique across the service: continue after the year's last range.
    let last = nsfp::last_serial(conn, req.tahun)?;
    let (awal, akhir) = (last + 1, last + i64::from(req.jumlah));
    if akhir > 99_999_999 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            DjpCode::Etax20008,
            format!("NSFP tahun {} sudah habis dialokasikan", req.tahun),
        ));
    }
    let allocation = nsfp::insert(
        conn,
        &nsfp::NewAllocation {
            npwp,
            tahun: req.tahun,
            awal_serial: awal,
            akhir_serial: akhir,
            nama_pemohon: req.nama_pemohon.trim(),
            jabatan_pemohon: req.jabatan_pemohon.trim(),
        },
    )?;
    audit::record(
        conn,
        Some(npwp),
        "nsfp",
        &format!(
            "{} NSFP tahun {} (serial {awal}-{akhir})",
            req.jumlah, req.tahun
        ),
    )?;
    Ok(to_wire(allocation))
}

/// Riwayat Permintaan NSFP of `npwp`, oldest first (API and web page).
pub async fn history_of(state: &AppState, npwp: String) -> Result<Vec<NsfpAllocation>, ApiError> {
    state
        .read(move |conn| {
            Ok(nsfp::history(conn, &npwp)?
                .into_iter()
                .map(to_wire)
                .collect())
        })
        .await
}

/// Pengecekan NSFP (API and web page): whether `nsfp` was allotted to `npwp` and used by one of
/// its approved faktur. Only about its own numbers: whether another PKP's NSFP is in use is
/// not its business (it would reveal that PKP's activity).
pub async fn check_of(state: &AppState, npwp: String, number: &str) -> Result<NsfpCheck, ApiError> {
    let parsed = crate::domain::Nsfp::parse(number)
        .map_err(|e| ApiError::bad(DjpCode::Etax20007, e.to_string()))?;
    state
        .db(move |conn| {
            let allotted = nsfp::allocated_at(conn, &npwp, parsed)?.is_some();
            let used = faktur::used_by(conn, &npwp, &parsed.digits())?;
            Ok(NsfpCheck {
                nsfp: parsed.digits(),
                allotted,
                used,
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enofa::server::db;
    use crate::enofa::server::store::accounts;

    /// The quota counts each of the last three masa (not this one, not older ones) and the
    /// numbers of the year given but not used; past 75 approved faktur the limit is 120 %.
    #[test]
    fn quota_rests_on_the_last_three_masa() {
        let dir = tempfile::tempdir().unwrap();
        let conn = db::open(dir.path()).unwrap();
        let npwp = "013000666091000";
        accounts::insert(
            &conn,
            &accounts::NewAccount {
                npwp,
                nama: "PT Q",
                alamat: "",
                email: "",
                password_hash: "x",
                kode_hash: None,
                pusat: None,
            },
        )
        .unwrap();
        let now = Utc::now();
        let this = now.year() * 12 + now.month0() as i32;
        let mut id = 0;
        let mut add_faktur = |months_back: i32, n: usize| {
            let m = this - months_back;
            for _ in 0..n {
                id += 1;
                let number = format!("0009900{id:06}");
                faktur::insert_approved(
                    &conn,
                    &faktur::Approved {
                        nsfp: &number,
                        npwp,
                        fg_pengganti: "0",
                        masa: m.rem_euclid(12) as u32 + 1,
                        tahun: m.div_euclid(12),
                        payload: "{}",
                        approval_time: "",
                        approval_code: "",
                    },
                )
                .unwrap();
            }
        };
        add_faktur(0, 5);
        add_faktur(1, 30);
        add_faktur(2, 30);
        add_faktur(3, 40);
        add_faktur(4, 7);
        let tahun = now.year();
        nsfp::insert(
            &conn,
            &nsfp::NewAllocation {
                npwp,
                tahun,
                awal_serial: 1,
                akhir_serial: 20,
                nama_pemohon: "A",
                jabatan_pemohon: "B",
            },
        )
        .unwrap();
        let q = quota_of(&conn, npwp, tahun).unwrap();
        let counts: Vec<i64> = q.masa.iter().map(|m| m.2).collect();
        assert_eq!(counts, [30, 30, 40]);
        let last = this - 1;
        assert_eq!(
            (q.masa[0].0, q.masa[0].1),
            (last.div_euclid(12), last.rem_euclid(12) as u32 + 1)
        );
        assert_eq!(q.limit, 120);
        // 20 given this year; the faktur numbered 00099… are not of this year's prefix.
        assert_eq!(q.unused, 20);
    }
}
