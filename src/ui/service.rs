//! What the screens need from the outside world, behind small traits: opening a `.p12`, the
//! e-Nofa server, the OS keyring and the file dialog. The screens are tested against these;
//! `wire.rs` connects them to `efaktur::cert` and `efaktur::enofa`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use efaktur::domain::{DjpCode, KodeAktivasi, Npwp};
use iced::futures::future::BoxFuture;
use zeroize::Zeroizing;

/// A failed operation as a person reads it: DJP code, what happened, what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: Option<DjpCode>,
    pub message: String,
    pub todo: String,
}

impl Failure {
    pub fn new(code: Option<DjpCode>, message: impl Into<String>, todo: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            todo: todo.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(code) = self.code {
            write!(f, "{} : ", code.as_str())?;
        }
        f.write_str(&self.message)?;
        if !self.todo.is_empty() {
            write!(f, " {}", self.todo)?;
        }
        Ok(())
    }
}

/// A passphrase or password held in memory only; zeroed on drop, redacted in `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Arc<Zeroizing<String>>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Arc::new(Zeroizing::new(value.into())))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// What the app shows about a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    pub subject: String,
    pub npwp: Option<Npwp>,
    pub issuer: String,
    pub serial: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

impl CertSummary {
    /// The `CN=` of the subject: DJP certificates carry the PKP name there.
    pub fn common_name(&self) -> Option<&str> {
        self.subject
            .split(',')
            .map(str::trim)
            .find_map(|part| part.strip_prefix("CN="))
    }
}

/// An opened `.p12`: its bytes and passphrase stay in memory for the TLS client.
#[derive(Debug, Clone)]
pub struct OpenedCert {
    pub path: PathBuf,
    pub bytes: Arc<Vec<u8>>,
    pub passphrase: Secret,
    pub summary: CertSummary,
}

/// Where the e-Nofa server is and how it is verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub url: String,
    pub ca_pem: Arc<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct Captcha {
    pub id: String,
    pub png: Arc<Vec<u8>>,
    /// Only the in-process simulasi server knows the answer; a trainee reads it here.
    pub simulasi_answer: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RegisterRequest {
    pub npwp: Npwp,
    pub kode_aktivasi: KodeAktivasi,
    pub captcha_id: String,
    pub captcha: String,
    pub password: Secret,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub client_id: String,
    pub nama: String,
    pub alamat: String,
}

/// Opens `.p12` files (blocking: key derivation takes a moment; call it in `spawn_blocking`).
pub trait CertLoader: Send + Sync {
    fn open(&self, path: &Path, passphrase: &Secret) -> Result<OpenedCert, Failure>;
}

/// The e-Nofa service over mutual TLS.
pub trait Enofa: Send + Sync {
    fn captcha(
        &self,
        server: Server,
        cert: OpenedCert,
    ) -> BoxFuture<'static, Result<Captcha, Failure>>;
    fn register(
        &self,
        server: Server,
        cert: OpenedCert,
        request: RegisterRequest,
    ) -> BoxFuture<'static, Result<Registered, Failure>>;
    /// Checks that a mutual-TLS connection with this certificate works.
    fn ping(&self, server: Server, cert: OpenedCert) -> BoxFuture<'static, Result<(), Failure>>;
}

/// The OS keyring (blocking; call it in `spawn_blocking`).
pub trait Secrets: Send + Sync {
    fn get(&self, key: &str) -> Result<Option<Secret>, Failure>;
    fn set(&self, key: &str, value: &Secret) -> Result<(), Failure>;
    fn delete(&self, key: &str) -> Result<(), Failure>;
}

/// A native "open file" dialog. `None` when the user cancels or no dialog is available; every
/// path field can also be typed.
pub trait FilePicker: Send + Sync {
    fn pick(
        &self,
        title: String,
        extensions: &'static [&'static str],
    ) -> BoxFuture<'static, Option<PathBuf>>;
}

/// Everything the screens call out to, cheap to clone into tasks.
#[derive(Clone)]
pub struct Services {
    pub certs: Arc<dyn CertLoader>,
    pub enofa: Arc<dyn Enofa>,
    pub secrets: Arc<dyn Secrets>,
    pub picker: Arc<dyn FilePicker>,
}

/// The keyring entry of a certificate passphrase.
pub fn passphrase_key(npwp: &Npwp) -> String {
    format!("passphrase:{}", npwp.digits())
}

/// Runs blocking work off the UI thread; a panic in it becomes a message, not a crash.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(Failure::new(
            None,
            format!("Proses latar belakang gagal: {e}"),
            "Coba lagi; bila berulang, laporkan ke pengembang.",
        ))
    })
}
