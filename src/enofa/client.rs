//! The mutual-TLS e-Nofa client: one async method per call of [`super::wire`].
//!
//! It presents the PKP's certificate, trusts only the configured e-Nofa CA (never the system
//! roots, never "accept invalid"), speaks TLS 1.2+ and gives up after a timeout.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use reqwest::{Method, StatusCode};
use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{ClientError, TlsProblem, from_transport};
use super::wire::*;
use crate::cert::{Identity, Secret};
use crate::domain::{DjpCode, Npwp};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A captcha to show: image and id (the answer is typed by the user).
#[derive(Debug, Clone)]
pub struct Captcha {
    pub id: String,
    pub png: Vec<u8>,
}

pub struct EnofaClient {
    http: reqwest::Client,
    base: String,
    identity: Identity,
    client_id: RwLock<Option<String>>,
    /// The upload session token (see [`SessionResponse`]); never written to disk.
    session: RwLock<Option<Secret>>,
}

impl EnofaClient {
    /// `base_url` like `https://127.0.0.1:8443`; `ca_pem` the e-Nofa CA certificate(s).
    pub fn new(
        base_url: &str,
        ca_pem: &[u8],
        identity: &Identity,
    ) -> Result<EnofaClient, ClientError> {
        let tls_err = |detail: String| ClientError::Tls {
            problem: TlsProblem::Other,
            detail,
        };
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem) {
            let cert = cert.map_err(|e| tls_err(format!("file CA tidak terbaca: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| tls_err(format!("sertifikat CA tidak valid: {e}")))?;
        }
        if roots.is_empty() {
            return Err(tls_err("file CA tidak berisi sertifikat".into()));
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| tls_err(e.to_string()))?
            .with_root_certificates(roots)
            .with_client_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(
                identity.certified_key()?,
            )));
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(config)
            .https_only(true)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| tls_err(e.to_string()))?;
        Ok(EnofaClient {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            identity: identity.clone(),
            client_id: RwLock::new(None),
            session: RwLock::new(None),
        })
    }

    /// Uses an id from an earlier registration (stored in the Local Database).
    pub fn with_client_id(self, client_id: impl Into<String>) -> EnofaClient {
        *self.client_id.write().unwrap_or_else(|p| p.into_inner()) = Some(client_id.into());
        self
    }

    /// The client id from the last successful [`EnofaClient::register`] or [`EnofaClient::with_client_id`].
    pub fn client_id(&self) -> Option<String> {
        self.client_id
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, ClientError> {
        let url = format!("{}{path}", self.base);
        let mut req = self.http.request(method, &url);
        if let Some(id) = self.client_id() {
            req = req.header(CLIENT_ID_HEADER, id);
        }
        if let Some(token) = self
            .session
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            req = req.header(SESSION_HEADER, token.expose());
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| from_transport(&self.base, &e))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| from_transport(&self.base, &e))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| ClientError::Protocol(e.to_string()));
        }
        Err(refusal(status, &bytes))
    }

    /// A cheap authenticated call ("Tes koneksi"): proves reachability, CA and certificate.
    pub async fn ping(&self) -> Result<Pong, ClientError> {
        self.call(Method::GET, "/api/v1/ping", None::<&()>).await
    }

    pub async fn captcha(&self) -> Result<Captcha, ClientError> {
        let c: CaptchaResponse = self
            .call(Method::POST, "/api/v1/captcha", None::<&()>)
            .await?;
        let png = B64
            .decode(c.image_png)
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        Ok(Captcha {
            id: c.captcha_id,
            png,
        })
    }

    /// Registers this desktop client; on success the client id is kept for later calls.
    pub async fn register(
        &self,
        npwp: &Npwp,
        kode_aktivasi: &Secret,
        captcha_id: &str,
        captcha_answer: &str,
        password: &Secret,
    ) -> Result<RegisterResponse, ClientError> {
        let req = RegisterRequest {
            npwp: npwp.digits().to_owned(),
            kode_aktivasi: kode_aktivasi.expose().to_owned(),
            captcha_id: captcha_id.to_owned(),
            captcha_answer: captcha_answer.to_owned(),
            password: password.expose().to_owned(),
        };
        let resp: RegisterResponse = self
            .call(Method::POST, "/api/v1/register", Some(&req))
            .await?;
        *self.client_id.write().unwrap_or_else(|p| p.into_inner()) = Some(resp.client_id.clone());
        Ok(resp)
    }

    /// Opens an upload session with a fresh captcha and the e-Nofa password (a branch client:
    /// the branch password). Later uploads and batal carry it; returns its expiry (RFC 3339).
    pub async fn open_session(
        &self,
        captcha_id: &str,
        captcha_answer: &str,
        password: &Secret,
    ) -> Result<String, ClientError> {
        let req = SessionRequest {
            captcha_id: captcha_id.to_owned(),
            captcha_answer: captcha_answer.to_owned(),
            password: password.expose().to_owned(),
        };
        let resp: SessionResponse = self
            .call(Method::POST, "/api/v1/session", Some(&req))
            .await?;
        *self.session.write().unwrap_or_else(|p| p.into_inner()) = Some(Secret::new(resp.session));
        Ok(resp.expires_at)
    }

    /// Extends the open upload session; returns its new expiry (RFC 3339).
    pub async fn renew_session(&self) -> Result<String, ClientError> {
        let resp: SessionResponse = self
            .call(Method::POST, "/api/v1/session/renew", None::<&()>)
            .await?;
        Ok(resp.expires_at)
    }

    /// Reset Aplikasi Client: returns the new Kode Aktivasi eFaktur Desktop.
    pub async fn reset(
        &self,
        kode_aktivasi: &Secret,
        password: &Secret,
    ) -> Result<Secret, ClientError> {
        let req = ResetRequest {
            kode_aktivasi: kode_aktivasi.expose().to_owned(),
            password: password.expose().to_owned(),
        };
        let resp: ResetResponse = self.call(Method::POST, "/api/v1/reset", Some(&req)).await?;
        Ok(Secret::new(resp.kode_aktivasi))
    }

    pub async fn profile(&self) -> Result<Profile, ClientError> {
        self.call(Method::GET, "/api/v1/profile", None::<&()>).await
    }

    pub async fn request_nsfp(&self, req: &NsfpRequest) -> Result<NsfpAllocation, ClientError> {
        self.call(Method::POST, "/api/v1/nsfp", Some(req)).await
    }

    pub async fn nsfp_history(&self) -> Result<Vec<NsfpAllocation>, ClientError> {
        self.call(Method::GET, "/api/v1/nsfp", None::<&()>).await
    }

    pub async fn check_nsfp(&self, nsfp13: &str) -> Result<NsfpCheck, ClientError> {
        self.call(Method::GET, &format!("/api/v1/nsfp/{nsfp13}"), None::<&()>)
            .await
    }

    /// Signs and uploads one faktur. Reuse `idempotency_key` when retrying the same faktur so it
    /// is approved only once.
    pub async fn upload(
        &self,
        faktur: &FakturPayload,
        idempotency_key: &str,
    ) -> Result<UploadResult, ClientError> {
        let payload =
            serde_json::to_string(faktur).map_err(|e| ClientError::Protocol(e.to_string()))?;
        let (scheme, signature) = self.identity.sign(payload.as_bytes())?;
        let req = UploadRequest {
            idempotency_key: idempotency_key.to_owned(),
            payload,
            signature_scheme: scheme,
            signature: B64.encode(signature),
        };
        self.call(Method::POST, "/api/v1/faktur", Some(&req)).await
    }

    pub async fn status(&self, nsfp13: &str) -> Result<UploadResult, ClientError> {
        self.call(
            Method::GET,
            &format!("/api/v1/faktur/{nsfp13}"),
            None::<&()>,
        )
        .await
    }

    pub async fn batal(&self, nsfp13: &str) -> Result<UploadResult, ClientError> {
        self.call(
            Method::POST,
            &format!("/api/v1/faktur/{nsfp13}/batal"),
            None::<&()>,
        )
        .await
    }

    pub async fn cabang_list(&self) -> Result<Vec<Cabang>, ClientError> {
        self.call(Method::GET, "/api/v1/cabang", None::<&()>).await
    }

    pub async fn cabang_add(&self, req: &CabangAdd) -> Result<Cabang, ClientError> {
        self.call(Method::POST, "/api/v1/cabang", Some(req)).await
    }

    pub async fn cabang_kode_aktivasi(&self, npwp: &Npwp) -> Result<Secret, ClientError> {
        let r: KodeAktivasiResponse = self
            .call(
                Method::POST,
                &format!("/api/v1/cabang/{}/kode-aktivasi", npwp.digits()),
                None::<&()>,
            )
            .await?;
        Ok(Secret::new(r.kode_aktivasi))
    }

    pub async fn cabang_request_cert(
        &self,
        npwp: &Npwp,
        passphrase: &Secret,
    ) -> Result<Cabang, ClientError> {
        let req = CabangCertRequest {
            passphrase: passphrase.expose().to_owned(),
        };
        self.call(
            Method::POST,
            &format!("/api/v1/cabang/{}/sertifikat", npwp.digits()),
            Some(&req),
        )
        .await
    }

    /// The branch `.p12` once the operator approved it: (file name, bytes).
    pub async fn cabang_download_cert(
        &self,
        npwp: &Npwp,
    ) -> Result<(String, Vec<u8>), ClientError> {
        let r: CabangCertDownload = self
            .call(
                Method::GET,
                &format!("/api/v1/cabang/{}/sertifikat", npwp.digits()),
                None::<&()>,
            )
            .await?;
        let bytes = B64
            .decode(r.p12)
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        Ok((r.file_name, bytes))
    }
}

fn refusal(status: StatusCode, body: &[u8]) -> ClientError {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody {
            cabang: Some(_),
            code,
            reason,
            ..
        }) => ClientError::CabangPending {
            code: DjpCode::from_code(&code).unwrap_or(DjpCode::Etax40004),
            reason,
        },
        Ok(ErrorBody {
            certificate: None,
            reason,
            ..
        }) if status == StatusCode::UNAUTHORIZED => ClientError::SessionExpired { reason },
        Ok(ErrorBody {
            certificate: Some(problem),
            reason,
            ..
        }) => ClientError::Tls {
            problem: match problem.as_str() {
                "revoked" => TlsProblem::ClientCertRevoked,
                "pending" => TlsProblem::ClientCertPending,
                _ => TlsProblem::ClientCertRefused,
            },
            detail: reason,
        },
        Ok(e) => ClientError::Refused {
            code: DjpCode::from_code(&e.code).unwrap_or(DjpCode::Etax40002),
            code_text: e.code,
            reason: e.reason,
        },
        Err(_) => ClientError::Protocol(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(body)
                .chars()
                .take(200)
                .collect::<String>()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused_certificate(certificate: &str) -> ClientError {
        let body = serde_json::to_vec(&ErrorBody {
            code: "ETAX-40002".into(),
            message: String::new(),
            reason: format!("sertifikat {certificate}"),
            certificate: Some(certificate.into()),
            cabang: None,
        })
        .unwrap();
        refusal(StatusCode::FORBIDDEN, &body)
    }

    #[test]
    fn a_branch_waiting_for_the_kpp_says_so_in_indonesian() {
        let body = serde_json::to_vec(&ErrorBody {
            code: "ETAX-40004".into(),
            message: "User tidak dapat mengakses service".into(),
            reason: "cabang 013463476415001 menunggu konfirmasi SK Pemusatan oleh KPP".into(),
            certificate: None,
            cabang: Some("pending".into()),
        })
        .unwrap();
        let e = refusal(StatusCode::FORBIDDEN, &body);
        assert!(matches!(e, ClientError::CabangPending { .. }), "{e:?}");
        assert_eq!(e.code(), DjpCode::Etax40004);
        let shown = e.to_string();
        assert!(
            shown.starts_with(
                "ETAX-40004 : User tidak dapat mengakses service. Cabang belum disetujui KPP"
            ),
            "{shown}"
        );
        assert!(shown.contains("SK Pemusatan"), "{shown}");
    }

    #[test]
    fn a_pending_branch_certificate_is_not_called_a_foreign_one() {
        let pending = refused_certificate("pending");
        assert!(
            matches!(
                pending,
                ClientError::Tls {
                    problem: TlsProblem::ClientCertPending,
                    ..
                }
            ),
            "{pending:?}"
        );
        let shown = pending.to_string();
        assert!(shown.starts_with("ETAX-40002"), "{shown}");
        assert!(shown.contains("Dalam Proses persetujuan KPP"), "{shown}");
        assert!(!shown.contains("bukan dari CA"), "{shown}");
        for (certificate, problem) in [
            ("revoked", TlsProblem::ClientCertRevoked),
            ("unknown", TlsProblem::ClientCertRefused),
            ("missing", TlsProblem::ClientCertRefused),
        ] {
            let e = refused_certificate(certificate);
            assert!(
                matches!(&e, ClientError::Tls { problem: p, .. } if *p == problem),
                "{certificate}: {e:?}"
            );
        }
    }
}
