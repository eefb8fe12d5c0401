//! Extractors and fallbacks whose refusals speak the protocol. axum's own rejections (JSON that
//! does not parse 400, a wrong content type 415, missing or mistyped fields 422, a body over the
//! limit 413, an unreadable path 400) and its unknown path (404) and method (405) answers are
//! plain text; here each becomes an [`crate::enofa::wire::ErrorBody`] like every other refusal.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, Uri};
use serde::de::DeserializeOwned;

use super::state::ApiError;
use crate::domain::DjpCode;

/// `axum::Json` with protocol refusals.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(value)| ApiJson(value))
            .map_err(json_refusal)
    }
}

fn json_refusal(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let reason = match &rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "isi permintaan harus JSON (Content-Type: application/json)".to_owned()
        }
        JsonRejection::JsonSyntaxError(_) => {
            format!(
                "isi permintaan bukan JSON yang sah ({})",
                rejection.body_text()
            )
        }
        JsonRejection::JsonDataError(_) => format!(
            "isi permintaan tidak sesuai protokol e-Nofa v1 ({})",
            rejection.body_text()
        ),
        _ if status == StatusCode::PAYLOAD_TOO_LARGE => {
            "isi permintaan terlalu besar; kirim faktur satu per satu".to_owned()
        }
        _ => format!("isi permintaan tidak terbaca ({})", rejection.body_text()),
    };
    ApiError::new(status, DjpCode::Etax30005, reason)
}

/// `axum::extract::Path` with protocol refusals.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|e: PathRejection| {
                ApiError::new(
                    e.status(),
                    DjpCode::Etax20008,
                    format!("alamat permintaan tidak sah ({})", e.body_text()),
                )
            })
    }
}

/// The router's fallback: a path the protocol does not have.
pub async fn unknown_path(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        DjpCode::Etax40002,
        format!(
            "alamat {} tidak ada di protokol e-Nofa v1; pastikan versi aplikasi dan server cocok",
            uri.path()
        ),
    )
}

/// A known path called with a method it does not take.
pub async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        DjpCode::Etax40002,
        format!(
            "{method} tidak berlaku untuk {}; pastikan versi aplikasi dan server cocok",
            uri.path()
        ),
    )
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use axum::response::IntoResponse;

    use super::*;
    use crate::enofa::wire::ErrorBody;

    /// A tracing writer into memory.
    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl Write for Log {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn an_internal_error_is_logged_under_the_id_it_answers_with() {
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let response = tracing::subscriber::with_default(subscriber, || {
            ApiError::internal("disk I/O error at /srv/enofa/enofa.sqlite").into_response()
        });
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: ErrorBody = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body.code, "ETAX-10001");
        assert!(!body.reason.contains("sqlite"), "{}", body.reason);
        let id = body
            .reason
            .split("(id ")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .unwrap();
        let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert!(logged.contains(&format!("error_id={id}")), "{logged}");
        assert!(logged.contains("/srv/enofa/enofa.sqlite"), "{logged}");
    }

    #[tokio::test]
    async fn refusals_keep_their_reason() {
        let response = ApiError::bad(DjpCode::Etax20008, "jumlah NSFP wajib diisi").into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: ErrorBody = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body.reason, "jumlah NSFP wajib diisi");
    }
}
