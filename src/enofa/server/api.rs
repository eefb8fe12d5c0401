//! The `/api/v1` router: registration, profile, NSFP, branches. Upload lives in `upload.rs`;
//! the rules the pages share live in `service`, `nsfp` and `cabang`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::Utc;

use super::auth::{Caller, Registered};
use super::extract::{ApiJson, ApiPath, unknown_path, wrong_method};
use super::service::{self, check_kode, check_throttle, refuse_registration};
use super::state::{ApiError, AppState, random_hex};
use super::store::accounts::{self, Account};
use super::store::{self, audit, throttle};
use super::{nsfp, session, upload};
use crate::domain::{DjpCode, Npwp};
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
        server_time: store::now(),
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
            let a = accounts::find(&tx, &caller.account.npwp)?.ok_or_else(|| refuse_registration("NPWP tidak terdaftar"))?;
            check_throttle(&tx, &a.npwp)?;
            if let Err(e) = service::captcha_and_password(
                &tx,
                &st.captchas,
                &a.npwp,
                &req.captcha_id,
                &req.captcha_answer,
                &a,
                &password,
                DjpCode::Etax40005,
            ) {
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
                    throttle::record_failure(&tx, &a.npwp, "kode_aktivasi")?;
                }
                tx.commit()?;
                return Err(refuse_registration(
                    "Kode Aktivasi salah atau sudah dipakai; lihat Kode Aktivasi eFaktur Desktop di Profile User e-Nofa",
                ));
            }
            let client_id = random_hex(16);
            accounts::activate_client(&tx, &a.npwp, &client_id)?;
            audit::record(&tx, Some(&a.npwp), "register", "client desktop diaktifkan")?;
            let a = accounts::find(&tx, &a.npwp)?.ok_or_else(|| ApiError::internal("account vanished"))?;
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
        service::reset_client(&state, &caller.account, &req.kode_aktivasi, &req.password).await?;
    Ok(Json(KodeAktivasiResponse {
        kode_aktivasi: code,
    }))
}

async fn profile(Registered(caller): Registered) -> Json<Profile> {
    Json(profile_of(&caller.account))
}

async fn request_nsfp(
    State(state): State<Arc<AppState>>,
    Registered(caller): Registered,
    ApiJson(req): ApiJson<NsfpRequest>,
) -> Result<Json<NsfpAllocation>, ApiError> {
    nsfp::request(&state, caller.account, req).await.map(Json)
}

async fn nsfp_history(
    State(state): State<Arc<AppState>>,
    Registered(caller): Registered,
) -> Result<Json<Vec<NsfpAllocation>>, ApiError> {
    nsfp::history_of(&state, caller.account.npwp)
        .await
        .map(Json)
}

async fn check_nsfp(
    State(state): State<Arc<AppState>>,
    Registered(caller): Registered,
    ApiPath(nsfp): ApiPath<String>,
) -> Result<Json<NsfpCheck>, ApiError> {
    nsfp::check_of(&state, caller.account.npwp, &nsfp)
        .await
        .map(Json)
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
