//! Shared state of a running service, and the refusal type every handler returns.

use std::sync::Arc;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use tokio::sync::Mutex;

use super::ServerError;
use super::captcha::CaptchaStore;
use super::hashing::HashPool;
use super::store::settings;
use crate::domain::DjpCode;
use crate::enofa::wire::ErrorBody;

/// One SQLite connection, `None` once the service has stopped and closed it.
type Shared = Arc<Mutex<Option<Connection>>>;

pub struct AppState {
    /// Writes (and reads that decide a write) go through this one connection.
    db: Shared,
    /// Reads that decide nothing ([`AppState::read`]).
    reader: Shared,
    /// Argon2 work, bounded and outside `db`'s lock (see [`HashPool`]).
    pub hashing: HashPool,
    pub captchas: CaptchaStore,
    /// Captchas of the web login form, keyed by the browser's pre-login token (no NPWP yet).
    pub web_captchas: CaptchaStore,
    pub demo: bool,
    pub public_url: String,
    /// Mixed into approval codes so nobody can compute a valid QR URL.
    pub qr_secret: String,
    pub ca: Arc<super::Ca>,
}

impl AppState {
    pub fn new(
        conn: Connection,
        reader: Connection,
        ca: super::Ca,
        demo: bool,
        public_url: String,
        hash_workers: usize,
    ) -> Result<AppState, ServerError> {
        let qr_secret = match settings::get(&conn, "qr_secret")? {
            Some(s) => s,
            None => {
                let s = random_hex(32);
                settings::set(&conn, "qr_secret", &s)?;
                s
            }
        };
        Ok(AppState {
            db: Arc::new(Mutex::new(Some(conn))),
            reader: Arc::new(Mutex::new(Some(reader))),
            hashing: HashPool::new(hash_workers),
            captchas: CaptchaStore::default(),
            web_captchas: CaptchaStore::anonymous(),
            demo,
            public_url,
            qr_secret,
            ca: Arc::new(ca),
        })
    }

    /// Runs `f` on the database off the async threads. One connection, one caller at a time:
    /// that serialises competing registrations and NSFP allocations. Callers queue (in order)
    /// for the lock without holding a thread; keep slow work such as argon2 out of `f`
    /// ([`AppState::hashing`]).
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        run_on(&self.db, f).await
    }

    /// Runs a read on the second connection, which does not wait for writes in progress (it sees
    /// the last committed state). For lookups whose answer decides no write.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        run_on(&self.reader, |conn: &mut Connection| f(conn)).await
    }

    /// Closes the database once the work in progress on it is done (SQLite then checkpoints
    /// and removes its WAL file). Later calls of [`AppState::db`] are refused.
    pub async fn close(&self) {
        close(&self.reader).await;
        close(&self.db).await;
    }
}

async fn run_on<T: Send + 'static>(
    shared: &Shared,
    f: impl FnOnce(&mut Connection) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let mut guard = shared.clone().lock_owned().await;
    tokio::task::spawn_blocking(move || match guard.as_mut() {
        Some(conn) => f(conn),
        None => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            DjpCode::Etax10001,
            "layanan e-Nofa sedang berhenti; coba lagi beberapa saat lagi",
        )),
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

async fn close(shared: &Shared) {
    let mut guard = shared.clone().lock_owned().await;
    let Some(conn) = guard.take() else { return };
    let closed = tokio::task::spawn_blocking(move || conn.close().map_err(|(_, e)| e)).await;
    match closed {
        Ok(Ok(())) => tracing::debug!("database connection closed"),
        Ok(Err(e)) => tracing::error!(error = %e, "closing the database failed"),
        Err(e) => tracing::error!(error = %e, "closing the database failed"),
    }
}

pub fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

/// A refusal: HTTP status, DJP code, and what exactly was wrong.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: DjpCode,
    pub reason: String,
    /// See [`ErrorBody::certificate`].
    pub certificate: Option<&'static str>,
    /// See [`ErrorBody::cabang`].
    pub cabang: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: DjpCode, reason: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            reason: reason.into(),
            certificate: None,
            cabang: None,
        }
    }

    /// The client certificate is not acceptable (`revoked`, `pending`, `unknown`, `missing`).
    pub fn certificate(problem: &'static str, reason: impl Into<String>) -> ApiError {
        ApiError {
            certificate: Some(problem),
            ..ApiError::new(StatusCode::FORBIDDEN, DjpCode::Etax40002, reason)
        }
    }

    /// The branch `npwp` waits for the KPP to confirm its SK Pemusatan.
    pub fn cabang_pending(npwp: &str) -> ApiError {
        ApiError {
            cabang: Some("pending"),
            ..ApiError::forbidden(
                DjpCode::Etax40004,
                format!("cabang {npwp} menunggu konfirmasi SK Pemusatan oleh KPP"),
            )
        }
    }

    pub fn bad(code: DjpCode, reason: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, reason)
    }

    pub fn forbidden(code: DjpCode, reason: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, code, reason)
    }

    pub fn internal(reason: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            DjpCode::Etax10001,
            reason,
        )
    }
}

impl From<ServerError> for ApiError {
    fn from(e: ServerError) -> ApiError {
        ApiError::internal(e.to_string())
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::internal(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let reason = if self.status.is_server_error() {
            // The detail may name files, SQL or other internals: it goes to the log only, under
            // an id the user can quote to the operator.
            let id = random_hex(6);
            tracing::error!(error_id = %id, code = self.code.as_str(), reason = %self.reason, "request failed");
            format!(
                "kesalahan internal server (id {id}); coba lagi nanti, dan bila berulang sampaikan id ini kepada pengelola server e-Nofa"
            )
        } else {
            self.reason
        };
        let body = ErrorBody {
            code: self.code.as_str().into(),
            message: self.code.message().into(),
            reason,
            certificate: self.certificate.map(str::to_owned),
            cabang: self.cabang.map(str::to_owned),
        };
        (self.status, Json(body)).into_response()
    }
}
