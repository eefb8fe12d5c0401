//! Upload sessions: opened with captcha + password, bound to certificate and client id,
//! short-lived and renewable. Only SHA-256 hashes of the tokens are stored.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use chrono::{Duration, Utc};
use rusqlite::Connection;

use super::auth::{Caller, Registered};
use super::extract::ApiJson;
use super::service::{self, check_throttle};
use super::state::{ApiError, AppState, random_hex};
use super::store::accounts;
use super::store::upload_session::{self, Owner};
use super::store::{self, audit, token_hash};
use crate::domain::DjpCode;
use crate::enofa::wire::{SESSION_HEADER, SessionRequest, SessionResponse};

/// How long a session lasts after it was opened or last renewed.
pub const LIFETIME_MINUTES: i64 = 30;
/// Live sessions per NPWP; opening one more ends the oldest (a killed uploader leaves one).
pub const MAX_PER_NPWP: i64 = 4;

fn expiry() -> String {
    (Utc::now() + Duration::minutes(LIFETIME_MINUTES))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn unauthorized(reason: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, DjpCode::Etax40004, reason)
}

pub async fn open(
    State(state): State<Arc<AppState>>,
    Registered(caller): Registered,
    ApiJson(req): ApiJson<SessionRequest>,
) -> Result<Json<SessionResponse>, ApiError> {
    let password = state
        .hashing
        .check(&req.password, &caller.account.password_hash)
        .await?;
    let st = state.clone();
    state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let a = accounts::find(&tx, &caller.account.npwp)?.ok_or_else(|| {
                ApiError::forbidden(DjpCode::EtaxService40002, "NPWP tidak terdaftar")
            })?;
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
            let now = store::now();
            upload_session::drop_expired(&tx, &a.npwp, &now)?;
            upload_session::keep_newest(&tx, &a.npwp, MAX_PER_NPWP - 1)?;
            let token = random_hex(32);
            let expires_at = expiry();
            let owner = Owner {
                npwp: &a.npwp,
                client_id: a.client_id.as_deref().unwrap_or_default(),
                cert_serial: &caller.serial,
            };
            upload_session::insert(&tx, &token_hash(&token), &owner, &now, &expires_at)?;
            audit::record(&tx, Some(&a.npwp), "sesi-upload", "sesi upload dibuka")?;
            tx.commit()?;
            Ok(Json(SessionResponse {
                session: token,
                expires_at,
            }))
        })
        .await
}

pub async fn renew(
    State(state): State<Arc<AppState>>,
    InSession(caller, hash): InSession,
) -> Result<Json<SessionResponse>, ApiError> {
    let token = caller.token.clone();
    state
        .db(move |conn| {
            let expires_at = expiry();
            if !upload_session::renew(conn, &hash, &expires_at, &store::now())? {
                return Err(unauthorized(
                    "sesi upload sudah berakhir; buka sesi baru dengan captcha dan password",
                ));
            }
            Ok(Json(SessionResponse {
                session: token,
                expires_at,
            }))
        })
        .await
}

/// A registered caller with a live upload session opened with this certificate and client id.
pub struct InSession(pub SessionCaller, pub String);

pub struct SessionCaller {
    pub caller: Caller,
    token: String,
}

impl std::ops::Deref for SessionCaller {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

fn live(conn: &Connection, hash: &str, caller: &Caller) -> Result<bool, ApiError> {
    let owner = Owner {
        npwp: &caller.account.npwp,
        client_id: caller.account.client_id.as_deref().unwrap_or_default(),
        cert_serial: &caller.serial,
    };
    Ok(upload_session::is_live(conn, hash, &owner, &store::now())?)
}

impl FromRequestParts<Arc<AppState>> for InSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let Registered(caller) = Registered::from_request_parts(parts, state).await?;
        let token = parts
            .headers
            .get(SESSION_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if token.is_empty() {
            return Err(unauthorized(
                "sesi upload belum dibuka; buka sesi dengan captcha dan password e-Nofa",
            ));
        }
        let hash = token_hash(&token);
        let (caller, hash) = state
            .read(move |conn| {
                if live(conn, &hash, &caller)? {
                    Ok((caller, hash))
                } else {
                    Err(unauthorized(
                        "sesi upload tidak berlaku (kedaluwarsa atau bukan milik sertifikat/aplikasi ini); buka sesi baru",
                    ))
                }
            })
            .await?;
        Ok(InSession(SessionCaller { caller, token }, hash))
    }
}
