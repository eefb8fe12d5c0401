//! The `/api/v1` router: registration, profile, NSFP, branches. Upload lives in `upload.rs`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{Datelike, Utc};
use rusqlite::{Connection, params};

use super::auth::{Caller, Registered};
use super::captcha::CaptchaCheck;
use super::db::{self, Account};
use super::extract::{ApiJson, ApiPath, unknown_path, wrong_method};
use super::hashing::Checked;
use super::state::{ApiError, AppState, random_hex};
use super::{session, upload};
use crate::domain::{DjpCode, KodeAktivasi, Npwp};
use crate::enofa::wire::*;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/v1/ping", get(ping))
        .route("/api/v1/captcha", post(captcha))
        .route("/api/v1/register", post(register))
        .route("/api/v1/reset", post(reset))
        .route("/api/v1/profile", get(profile))
        .route("/api/v1/nsfp", post(request_nsfp).get(nsfp_history))
        .route("/api/v1/nsfp/{nsfp}", get(check_nsfp))
        .route("/api/v1/session", post(session::open))
        .route("/api/v1/session/renew", post(session::renew))
        .route("/api/v1/faktur", post(upload::upload))
        .route("/api/v1/faktur/{nsfp}", get(upload::status))
        .route("/api/v1/faktur/{nsfp}/batal", post(upload::batal))
        .route("/api/v1/cabang", get(cabang_list).post(cabang_add))
        .route("/api/v1/cabang/{npwp}/kode-aktivasi", post(cabang_kode))
        .route(
            "/api/v1/cabang/{npwp}/sertifikat",
            post(cabang_cert_request).get(cabang_cert_download),
        )
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .with_state(state)
}

async fn ping(caller: Caller) -> Json<Pong> {
    Json(Pong {
        npwp: caller.account.npwp,
        server_time: db::now(),
        api_version: 1,
    })
}

async fn captcha(State(state): State<Arc<AppState>>, caller: Caller) -> Json<CaptchaResponse> {
    let (id, answer, png) = state.captchas.issue(&caller.account.npwp);
    if state.demo {
        // Demo mode only: a trainer reads the answer from the log.
        tracing::info!(npwp = %caller.account.npwp, captcha_id = %id, jawaban = %answer, "captcha (mode demo)");
    }
    let expires =
        Utc::now() + chrono::Duration::from_std(super::captcha::LIFETIME).unwrap_or_default();
    Json(CaptchaResponse {
        captcha_id: id,
        image_png: B64.encode(png),
        expires_at: expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

pub(super) fn refuse_registration(reason: impl Into<String>) -> ApiError {
    ApiError::bad(DjpCode::Etax40005, reason)
}

/// Refuses while the account has too many recent wrong passwords, captchas or Kode Aktivasi.
pub(super) fn check_throttle(conn: &Connection, npwp: &str) -> Result<(), ApiError> {
    if db::recent_failures(conn, npwp)? >= db::MAX_FAILURES {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            DjpCode::Etax40004,
            format!(
                "terlalu banyak password/captcha/Kode Aktivasi salah; coba lagi setelah {} menit",
                db::THROTTLE_WINDOW_MINUTES
            ),
        ));
    }
    Ok(())
}

/// `password` was checked before the transaction ([`AppState::hashing`]).
pub(super) fn check_password(
    conn: &Connection,
    account: &Account,
    password: &Checked,
    code: DjpCode,
) -> Result<(), ApiError> {
    if password.holds_for(Some(&account.password_hash)) {
        return Ok(());
    }
    db::record_failure(conn, &account.npwp, "password")?;
    Err(ApiError::bad(code, "password e-Nofa salah"))
}

/// The typed Kode Aktivasi against the account's, in the hashing pool (not under the lock).
pub(super) async fn check_kode(
    state: &AppState,
    typed: &str,
    account: &Account,
) -> Result<Checked, ApiError> {
    match (KodeAktivasi::parse(typed), account.kode_hash.as_deref()) {
        (Ok(kode), Some(hash)) => state.hashing.check(kode.as_str(), hash).await,
        _ => Ok(Checked::failed()),
    }
}

pub fn profile_of(a: &Account) -> Profile {
    Profile {
        npwp: a.npwp.clone(),
        nama: a.nama.clone(),
        alamat: a.alamat.clone(),
        email: a.email.clone(),
        npwp_pusat: a.npwp_pusat.clone(),
        status_aplikasi: if a.client_status == "aktif" {
            "Aktif"
        } else {
            "Belum Registrasi"
        }
        .into(),
    }
}

async fn register(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<Json<RegisterResponse>, ApiError> {
    let npwp = Npwp::parse(&req.npwp).map_err(|e| refuse_registration(format!("NPWP: {e}")))?;
    if npwp.digits() != caller.account.npwp {
        return Err(refuse_registration(format!(
            "sertifikat milik NPWP {}, bukan NPWP {}",
            caller.account.npwp, npwp
        )));
    }
    let st = state.clone();
    let password = state
        .hashing
        .check(&req.password, &caller.account.password_hash)
        .await?;
    let kode = check_kode(&state, &req.kode_aktivasi, &caller.account).await?;
    state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let a = db::account(&tx, &caller.account.npwp)?.ok_or_else(|| refuse_registration("NPWP tidak terdaftar"))?;
            check_throttle(&tx, &a.npwp)?;
            match st.captchas.take(&req.captcha_id, &req.captcha_answer, &a.npwp) {
                CaptchaCheck::Correct => {}
                CaptchaCheck::Wrong => {
                    db::record_failure(&tx, &a.npwp, "captcha")?;
                    tx.commit()?;
                    return Err(refuse_registration("captcha salah; minta captcha baru"));
                }
                // Nothing was guessed: a captcha that expired or was displaced is no failure.
                CaptchaCheck::Gone => {
                    return Err(refuse_registration(
                        "captcha tidak berlaku lagi (kedaluwarsa, sudah dipakai, digantikan captcha yang lebih baru, \
                         atau diminta untuk NPWP lain); minta captcha baru",
                    ));
                }
            }
            if let Err(e) = check_password(&tx, &a, &password, DjpCode::Etax40005) {
                tx.commit()?;
                return Err(e);
            }
            if a.client_status == "aktif" {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    DjpCode::EtaxService20019,
                    "aplikasi lain sudah terdaftar untuk NPWP ini; lakukan Reset Aplikasi Client di e-Nofa dulu",
                ));
            }
            let code_ok = kode.holds_for(a.kode_hash.as_deref());
            if !code_ok || a.kode_used {
                if !code_ok {
                    db::record_failure(&tx, &a.npwp, "kode_aktivasi")?;
                }
                tx.commit()?;
                return Err(refuse_registration(
                    "Kode Aktivasi salah atau sudah dipakai; lihat Kode Aktivasi eFaktur Desktop di Profile User e-Nofa",
                ));
            }
            let client_id = random_hex(16);
            tx.execute(
                "UPDATE account SET kode_used = 1, client_status = 'aktif', client_id = ?2 WHERE npwp = ?1",
                params![a.npwp, client_id],
            )?;
            db::audit(&tx, Some(&a.npwp), "register", "client desktop diaktifkan")?;
            let a = db::account(&tx, &a.npwp)?.ok_or_else(|| ApiError::internal("account vanished"))?;
            tx.commit()?;
            Ok(Json(RegisterResponse {
                client_id,
                profile: profile_of(&a),
            }))
        })
        .await
}

async fn reset(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiJson(req): ApiJson<ResetRequest>,
) -> Result<Json<ResetResponse>, ApiError> {
    let code =
        super::service::reset_client(&state, &caller.account, &req.kode_aktivasi, &req.password)
            .await?;
    Ok(Json(KodeAktivasiResponse {
        kode_aktivasi: code,
    }))
}

async fn profile(Registered(caller): Registered) -> Json<Profile> {
    Json(profile_of(&caller.account))
}

/// Maximum unused NSFP a PKP may hold (PER-03/PJ/2022 Ps.15(7)): 75, or 120 % of the faktur
/// approved in the last three masa when that is more than 75.
fn quota(approved_last_3_masa: i64) -> i64 {
    if approved_last_3_masa <= 75 {
        75
    } else {
        (approved_last_3_masa * 6 + 4) / 5
    }
}

fn allocation_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<NsfpAllocation> {
    let (prefix, tahun, awal, akhir): (u16, i32, u32, u32) =
        (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
    let fmt = |serial: u32| format!("{prefix:03}{:02}{serial:08}", tahun % 100);
    Ok(NsfpAllocation {
        id: r.get(0)?,
        awal: fmt(awal),
        akhir: fmt(akhir),
        jumlah: akhir - awal + 1,
        tahun,
        allocated_at: r.get(5)?,
        nama_pemohon: r.get(6)?,
        jabatan_pemohon: r.get(7)?,
    })
}

const ALLOCATION_COLUMNS: &str =
    "id, prefix, tahun, awal_serial, akhir_serial, allocated_at, nama_pemohon, jabatan_pemohon";

async fn request_nsfp(
    State(state): State<Arc<AppState>>,
    Registered(caller): Registered,
    ApiJson(req): ApiJson<NsfpRequest>,
) -> Result<Json<NsfpAllocation>, ApiError> {
    request_nsfp_for(&state, caller.account, req)
        .await
        .map(Json)
}

/// Permintaan NSFP of `account` (API and web page): this year's range, confirmed with the
/// e-Nofa password, within the quota of the last three masa.
pub(super) async fn request_nsfp_for(
    state: &AppState,
    account: Account,
    req: NsfpRequest,
) -> Result<NsfpAllocation, ApiError> {
    check_nsfp_request(&req)?;
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
fn check_nsfp_request(req: &NsfpRequest) -> Result<(), ApiError> {
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
        let count: i64 = conn.query_row(
            "SELECT COUNT(*) FROM faktur WHERE npwp = ?1 AND status <> 'diganti'
             AND tahun * 12 + masa - 1 = ?2",
            params![npwp, m],
            |r| r.get(0),
        )?;
        masa.push((m.div_euclid(12), m.rem_euclid(12) as u32 + 1, count));
    }
    let yy = format!("{:02}", tahun % 100);
    let allotted: i64 = conn.query_row(
        "SELECT COALESCE(SUM(akhir_serial - awal_serial + 1), 0) FROM nsfp_allocation WHERE npwp = ?1 AND tahun = ?2",
        params![npwp, tahun],
        |r| r.get(0),
    )?;
    let used: i64 = conn.query_row(
        "SELECT COUNT(*) FROM faktur WHERE npwp = ?1 AND status <> 'diganti' AND substr(nsfp, 4, 2) = ?2",
        params![npwp, yy],
        |r| r.get(0),
    )?;
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

/// Grants the next free range of the year to `npwp`.
fn allocate(conn: &Connection, npwp: &str, req: &NsfpRequest) -> Result<NsfpAllocation, ApiError> {
    // Numbers are unique across the service: continue after the year's last range.
    let last: i64 = conn.query_row(
        "SELECT COALESCE(MAX(akhir_serial), 0) FROM nsfp_allocation WHERE tahun = ?1",
        [req.tahun],
        |r| r.get(0),
    )?;
    let (awal, akhir) = (last + 1, last + i64::from(req.jumlah));
    if akhir > 99_999_999 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            DjpCode::Etax20008,
            format!("NSFP tahun {} sudah habis dialokasikan", req.tahun),
        ));
    }
    conn.execute(
        "INSERT INTO nsfp_allocation (npwp, tahun, prefix, awal_serial, akhir_serial, nama_pemohon, jabatan_pemohon, allocated_at)
         VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7)",
        params![npwp, req.tahun, awal, akhir, req.nama_pemohon.trim(), req.jabatan_pemohon.trim(), db::now()],
    )?;
    let id = conn.last_insert_rowid();
    db::audit(
        conn,
        Some(npwp),
        "nsfp",
        &format!(
            "{} NSFP tahun {} (serial {awal}-{akhir})",
            req.jumlah, req.tahun
        ),
    )?;
    Ok(conn.query_row(
        &format!("SELECT {ALLOCATION_COLUMNS} FROM nsfp_allocation WHERE id = ?1"),
        [id],
        allocation_of,
    )?)
}

async fn nsfp_history(
    State(state): State<Arc<AppState>>,
    Registered(caller): Registered,
) -> Result<Json<Vec<NsfpAllocation>>, ApiError> {
    nsfp_history_of(&state, caller.account.npwp).await.map(Json)
}

/// Riwayat Permintaan NSFP of `npwp`, oldest first (API and web page).
pub(super) async fn nsfp_history_of(
    state: &AppState,
    npwp: String,
) -> Result<Vec<NsfpAllocation>, ApiError> {
    state
        .read(move |conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {ALLOCATION_COLUMNS} FROM nsfp_allocation WHERE npwp = ?1 ORDER BY id"
            ))?;
            let rows = stmt.query_map([&npwp], allocation_of)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
}

/// The allocation of `nsfp` held by `npwp`, if any: (allocated_at).
pub fn allocation_for(
    conn: &Connection,
    npwp: &str,
    nsfp: crate::domain::Nsfp,
) -> Result<Option<String>, ApiError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT allocated_at FROM nsfp_allocation WHERE npwp = ?1 AND prefix = ?2 AND tahun % 100 = ?3
             AND ?4 BETWEEN awal_serial AND akhir_serial",
            params![npwp, nsfp.prefix(), nsfp.year(), nsfp.serial()],
            |r| r.get(0),
        )
        .optional()?)
}

async fn check_nsfp(
    State(state): State<Arc<AppState>>,
    Registered(caller): Registered,
    ApiPath(nsfp): ApiPath<String>,
) -> Result<Json<NsfpCheck>, ApiError> {
    check_nsfp_of(&state, caller.account.npwp, &nsfp)
        .await
        .map(Json)
}

/// Pengecekan NSFP (API and web page): whether `nsfp` was allotted to `npwp` and used by one of
/// its approved faktur. Only about its own numbers: whether another PKP's NSFP is in use is
/// not its business (it would reveal that PKP's activity).
pub(super) async fn check_nsfp_of(
    state: &AppState,
    npwp: String,
    nsfp: &str,
) -> Result<NsfpCheck, ApiError> {
    let parsed = crate::domain::Nsfp::parse(nsfp)
        .map_err(|e| ApiError::bad(DjpCode::Etax20007, e.to_string()))?;
    state
        .db(move |conn| {
            let allotted = allocation_for(conn, &npwp, parsed)?.is_some();
            let used: i64 = conn.query_row(
                "SELECT COUNT(*) FROM faktur WHERE nsfp = ?1 AND npwp = ?2",
                params![parsed.digits(), npwp],
                |r| r.get(0),
            )?;
            Ok(NsfpCheck {
                nsfp: parsed.digits(),
                allotted,
                used: used > 0,
            })
        })
        .await
}

async fn cabang_list(
    State(state): State<Arc<AppState>>,
    Registered(caller): Registered,
) -> Result<Json<Vec<Cabang>>, ApiError> {
    super::cabang::list(&state, &caller.account).await.map(Json)
}

async fn cabang_add(
    State(state): State<Arc<AppState>>,
    Registered(caller): Registered,
    ApiJson(req): ApiJson<CabangAdd>,
) -> Result<Json<Cabang>, ApiError> {
    super::cabang::add(&state, &caller.account, req)
        .await
        .map(Json)
}

async fn cabang_kode(
    State(state): State<Arc<AppState>>,
    Registered(caller): Registered,
    ApiPath(npwp): ApiPath<String>,
) -> Result<Json<KodeAktivasiResponse>, ApiError> {
    let kode_aktivasi = super::cabang::new_kode(&state, &caller.account, npwp).await?;
    Ok(Json(KodeAktivasiResponse { kode_aktivasi }))
}

async fn cabang_cert_request(
    State(state): State<Arc<AppState>>,
    Registered(caller): Registered,
    ApiPath(npwp): ApiPath<String>,
    ApiJson(req): ApiJson<CabangCertRequest>,
) -> Result<Json<Cabang>, ApiError> {
    super::cabang::request_certificate(&state, &caller.account, npwp, req)
        .await
        .map(Json)
}

async fn cabang_cert_download(
    State(state): State<Arc<AppState>>,
    Registered(caller): Registered,
    ApiPath(npwp): ApiPath<String>,
) -> Result<Json<CabangCertDownload>, ApiError> {
    let (file_name, p12) =
        super::cabang::download_certificate(&state, &caller.account, npwp).await?;
    Ok(Json(CabangCertDownload {
        file_name,
        p12: B64.encode(p12),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quota counts each of the last three masa (not this one, not older ones) and the
    /// numbers of the year given but not used; past 75 approved faktur the limit is 120 %.
    #[test]
    fn quota_rests_on_the_last_three_masa() {
        let dir = tempfile::tempdir().unwrap();
        let conn = db::open(dir.path()).unwrap();
        let npwp = "013000666091000";
        conn.execute(
            "INSERT INTO account (npwp, nama, alamat, email, password_hash, created_at)
             VALUES (?1, 'PT Q', '', '', 'x', '2026-01-01T00:00:00Z')",
            [npwp],
        )
        .unwrap();
        let now = Utc::now();
        let this = now.year() * 12 + now.month0() as i32;
        let mut id = 0;
        let mut faktur = |months_back: i32, n: usize| {
            let m = this - months_back;
            for _ in 0..n {
                id += 1;
                conn.execute(
                    "INSERT INTO faktur (nsfp, npwp, status, fg_pengganti, masa, tahun, payload, approval_time, approval_code)
                     VALUES (?1, ?2, 'approved', '0', ?3, ?4, '{}', '', '')",
                    params![format!("0009900{id:06}"), npwp, m.rem_euclid(12) + 1, m.div_euclid(12)],
                )
                .unwrap();
            }
        };
        faktur(0, 5);
        faktur(1, 30);
        faktur(2, 30);
        faktur(3, 40);
        faktur(4, 7);
        let tahun = now.year();
        conn.execute(
            "INSERT INTO nsfp_allocation (npwp, tahun, prefix, awal_serial, akhir_serial, nama_pemohon, jabatan_pemohon, allocated_at)
             VALUES (?1, ?2, 0, 1, 20, 'A', 'B', '')",
            params![npwp, tahun],
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
