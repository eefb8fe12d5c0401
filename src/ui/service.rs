//! What the screens need from the outside world, behind small traits: opening a `.p12`, the
//! e-Nofa server, the OS keyring and the file dialog. The screens are tested against these;
//! `wire.rs` connects them to `efaktur::cert` and `efaktur::enofa`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use efaktur::cert::{CertError, Identity, SecretError};
pub use efaktur::cert::{CertInfo as CertSummary, Secret, SecretStore};
use efaktur::domain::{DjpCode, KodeAktivasi, Npwp};
use efaktur::enofa::error::ClientError;
use iced::futures::future::BoxFuture;

/// A failed operation as a person reads it: DJP code, what happened, what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: Option<DjpCode>,
    pub message: String,
    pub todo: String,
}

impl Failure {
    pub fn new(code: Option<DjpCode>, message: impl Into<String>, todo: impl Into<String>) -> Self {
        let message: String = message.into();
        Failure {
            code,
            // Display prints the code; a message that carries it already shows it once.
            message: match code {
                Some(c) => c.strip_from(&message).to_string(),
                None => message,
            },
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

/// DJP certificates carry the PKP name in the subject's `CN=`.
pub fn common_name(info: &CertSummary) -> Option<&str> {
    info.subject
        .split(',')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("CN="))
}

impl From<CertError> for Failure {
    fn from(e: CertError) -> Failure {
        Failure::new(Some(e.code()), e.to_string(), "")
    }
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Failure {
        // The client's text already starts with the code; keep the code once.
        let code = e.code();
        let text = e.to_string();
        let message = text
            .strip_prefix(&format!("{} : ", code.as_str()))
            .unwrap_or(&text)
            .to_string();
        Failure::new(Some(code), message, "")
    }
}

impl From<SecretError> for Failure {
    fn from(e: SecretError) -> Failure {
        Failure::new(None, e.to_string(), "")
    }
}

/// An opened `.p12`: the identity stays in memory for the TLS client; the passphrase is dropped.
#[derive(Debug, Clone)]
pub struct OpenedCert {
    pub path: PathBuf,
    /// The file as read, for its SHA-256 in the Local Database.
    pub bytes: Arc<Vec<u8>>,
    pub identity: Arc<Identity>,
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
    /// The answer to a captcha of the in-process simulasi server at `server_url`, shown to a
    /// trainee; `None` for any other server.
    fn simulasi_captcha_answer(&self, _server_url: &str, _captcha_id: &str) -> Option<String> {
        None
    }
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
    /// The OS keyring (blocking; call it in `spawn_blocking`).
    pub secrets: Arc<dyn SecretStore>,
    pub picker: Arc<dyn FilePicker>,
}

/// The keyring entry of a certificate passphrase.
pub fn passphrase_key(npwp: &Npwp) -> String {
    format!("passphrase/{}", npwp.digits())
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
