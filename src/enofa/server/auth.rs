//! Who is calling: the verified client certificate, checked against the service's records.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use rusqlite::Connection;

use super::listener::PeerCert;
use super::state::{ApiError, AppState};
use super::store::accounts::{self, Account};
use super::store::certificates;
use crate::cert::CertInfo;
use crate::domain::DjpCode;
use crate::enofa::wire::CLIENT_ID_HEADER;

/// A caller whose certificate chains to our CA (checked by rustls), is active in our records
/// (not revoked, not pending approval) and names an NPWP we know, which is not a branch still
/// waiting for the KPP's approval.
pub struct Caller {
    pub account: Account,
    pub cert: PeerCert,
    /// The certificate's serial (an upload session is bound to it).
    pub serial: String,
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let cert = parts
            .extensions
            .get::<PeerCert>()
            .cloned()
            .ok_or_else(|| ApiError {
                status: StatusCode::UNAUTHORIZED,
                ..ApiError::certificate("missing", "sertifikat klien tidak dikirim")
            })?;
        let info = CertInfo::from_der(&cert.0)
            .map_err(|e| ApiError::forbidden(DjpCode::Etax40002, e.to_string()))?;
        let npwp = info.npwp.ok_or_else(|| {
            ApiError::forbidden(DjpCode::Etax40002, "sertifikat tidak memuat NPWP")
        })?;
        let serial = info.serial;
        let npwp15 = npwp.digits().to_owned();
        let looked_up = serial.clone();
        let account = state
            .read(move |conn| active_account(conn, &looked_up, &npwp15))
            .await?;
        Ok(Caller {
            account,
            cert,
            serial,
        })
    }
}

/// The account behind a verified client certificate: its serial must be on record as issued to
/// that very NPWP (a serial of another PKP's certificate does not count) and be active.
pub(super) fn active_account(
    conn: &Connection,
    serial: &str,
    npwp15: &str,
) -> Result<Account, ApiError> {
    match certificates::status(conn, serial, npwp15)?.as_deref() {
        Some("active") => {}
        Some("revoked") => {
            return Err(ApiError::certificate(
                "revoked",
                format!("sertifikat klien dicabut (serial {serial})"),
            ));
        }
        Some(_) => {
            return Err(ApiError::certificate(
                "pending",
                "sertifikat klien belum disetujui KPP",
            ));
        }
        None => {
            return Err(ApiError::certificate(
                "unknown",
                format!("sertifikat klien tidak dikenal (serial {serial}, NPWP {npwp15})"),
            ));
        }
    }
    let account = accounts::find(conn, npwp15)?.ok_or_else(|| {
        ApiError::forbidden(
            DjpCode::EtaxService40002,
            format!("NPWP {npwp15} tidak terdaftar"),
        )
    })?;
    // A branch acts only once the KPP confirmed its SK Pemusatan (a branch added before that
    // rule, or by mistake, may hold a certificate already).
    if account.cabang_pending() {
        return Err(ApiError::cabang_pending(&account.npwp));
    }
    Ok(account)
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

#[cfg(test)]
mod tests {
    use super::*;

    use crate::enofa::server::db;

    fn add_account(conn: &Connection, npwp: &str) {
        let a = accounts::NewAccount {
            npwp,
            nama: "PT X",
            alamat: "",
            email: "",
            password_hash: "x",
            kode_hash: None,
            pusat: None,
        };
        accounts::insert(conn, &a).unwrap();
    }

    #[test]
    fn a_serial_counts_only_for_the_npwp_it_was_issued_to() {
        let dir = tempfile::tempdir().unwrap();
        let conn = db::open(dir.path()).unwrap();
        let (a, b) = ("013000666091000", "016090524017000");
        add_account(&conn, a);
        add_account(&conn, b);
        let cert = certificates::NewCertificate {
            serial: "0abc",
            npwp: a,
            status: "active",
            not_after: "2030-01-01T00:00:00Z",
            p12: None,
        };
        certificates::insert(&conn, &cert).unwrap();
        assert_eq!(active_account(&conn, "0abc", a).unwrap().npwp, a);
        let other = active_account(&conn, "0abc", b).err().unwrap();
        assert_eq!(other.certificate, Some("unknown"));
        assert!(certificates::revoke(&conn, "0abc").unwrap());
        let revoked = active_account(&conn, "0abc", a).err().unwrap();
        assert_eq!(revoked.certificate, Some("revoked"));
    }
}
