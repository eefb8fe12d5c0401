//! Who is calling: the verified client certificate, checked against the service's records.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;

use super::db::{self, Account};
use super::listener::PeerCert;
use super::state::{ApiError, AppState};
use crate::cert::CertInfo;
use crate::domain::DjpCode;
use crate::enofa::wire::CLIENT_ID_HEADER;

/// A caller whose certificate chains to our CA (checked by rustls), is active in our records
/// (not revoked, not pending approval) and names an NPWP we know.
pub struct Caller {
    pub account: Account,
    pub cert: PeerCert,
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let cert = parts.extensions.get::<PeerCert>().cloned().ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                DjpCode::Etax40002,
                "sertifikat klien tidak dikirim",
            )
        })?;
        let info = CertInfo::from_der(&cert.0)
            .map_err(|e| ApiError::forbidden(DjpCode::Etax40002, e.to_string()))?;
        let npwp = info.npwp.ok_or_else(|| {
            ApiError::forbidden(DjpCode::Etax40002, "sertifikat tidak memuat NPWP")
        })?;
        let serial = info.serial;
        let npwp15 = npwp.digits().to_owned();
        let account = state
            .db(move |conn| {
                match db::certificate_status(conn, &serial)?.as_deref() {
                    Some("active") => {}
                    Some("revoked") => {
                        return Err(ApiError::forbidden(
                            DjpCode::Etax40002,
                            format!("sertifikat klien dicabut (serial {serial})"),
                        ));
                    }
                    Some(_) => {
                        return Err(ApiError::forbidden(
                            DjpCode::Etax40002,
                            "sertifikat klien belum disetujui",
                        ));
                    }
                    None => {
                        return Err(ApiError::forbidden(
                            DjpCode::Etax40002,
                            format!("sertifikat klien tidak dikenal (serial {serial})"),
                        ));
                    }
                }
                db::account(conn, &npwp15)?.ok_or_else(|| {
                    ApiError::forbidden(
                        DjpCode::EtaxService40002,
                        format!("NPWP {npwp15} tidak terdaftar"),
                    )
                })
            })
            .await?;
        Ok(Caller { account, cert })
    }
}

/// A [`Caller`] whose desktop client is registered and active, named by the client-id header.
pub struct Registered(pub Caller);

impl FromRequestParts<Arc<AppState>> for Registered {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let sent = parts
            .headers
            .get(CLIENT_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let a = &caller.account;
        if a.client_status != "aktif" || a.client_id.as_deref() != Some(sent) || sent.is_empty() {
            return Err(ApiError::forbidden(
                DjpCode::EtaxService20017,
                "aplikasi ini belum terdaftar atau sudah di-reset; lakukan registrasi ulang",
            ));
        }
        Ok(Registered(caller))
    }
}
