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
pub use efaktur::enofa::wire::{NsfpAllocation, NsfpRequest};
use efaktur::print::batch::BatchError;
use efaktur::store::StoreError;
use efaktur::store::backup::BackupError;
use iced::futures::future::BoxFuture;

use super::i18n::{self, Key, Lang, errors};

/// A failed operation as a person reads it: DJP code, what happened, what to do next.
///
/// `message` and `todo` are the Bahasa Indonesia text (logs, `Display`); `cause` keeps the typed
/// error so `i18n::errors::failure` can say it in the chosen language.
#[derive(Debug, Clone)]
pub struct Failure {
    pub code: Option<DjpCode>,
    pub message: String,
    pub todo: String,
    pub cause: Cause,
    /// What to do next, in both languages (added after the cause's own words).
    pub hint: Option<Key>,
}

/// The typed error behind a [`Failure`].
#[derive(Debug, Clone)]
pub enum Cause {
    /// Only the text given to [`Failure::new`].
    Plain,
    /// DJP's code alone ([`Failure::coded`]).
    Code,
    Store(Arc<StoreError>),
    Cert(CertError),
    Client(Arc<ClientError>),
    Secret(SecretError),
    Ui(UiProblem),
    /// The window's own sentence: a [`Key`] and the `{name}` values put into it.
    Said(Key, Vec<(&'static str, String)>),
    Backup(Arc<BackupError>),
    Batch(Arc<BatchError>),
}

/// Problems the window itself finds; raw OS texts are kept as the detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UiProblem {
    FileUnreadable {
        path: String,
        detail: String,
    },
    NotPem {
        path: String,
    },
    DataFolder(String),
    Background(String),
    SettingsNotSaved(String),
    /// The installed `.p12` is no longer the file that was installed.
    CertificateChanged {
        path: String,
    },
}

/// Two failures are the same when they read the same.
impl PartialEq for Failure {
    fn eq(&self, other: &Failure) -> bool {
        (self.code, &self.message, &self.todo, self.hint)
            == (other.code, &other.message, &other.todo, other.hint)
    }
}

impl Eq for Failure {}

impl Failure {
    /// A failure known only as Indonesian text. Prefer a typed cause (`From`, [`Failure::ui`]):
    /// only those follow the chosen language.
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
            cause: Cause::Plain,
            hint: None,
        }
    }

    fn typed(code: Option<DjpCode>, cause: Cause) -> Failure {
        let mut f = Failure::new(code, String::new(), "");
        f.cause = cause;
        let text = errors::failure(Lang::Id, &f);
        f.message = match code {
            Some(c) => c.strip_from(&text).to_string(),
            None => text,
        };
        f
    }

    /// DJP's code alone, its own name as the message.
    pub fn coded(code: DjpCode) -> Failure {
        let mut f = Failure::new(Some(code), code.message(), "");
        f.cause = Cause::Code;
        f
    }

    /// A problem the window found itself.
    pub fn ui(code: Option<DjpCode>, problem: UiProblem) -> Failure {
        Failure::typed(code, Cause::Ui(problem))
    }

    /// The window's own sentence `key`, each `{name}` in it replaced by its value.
    pub fn said(code: Option<DjpCode>, key: Key, args: &[(&'static str, String)]) -> Failure {
        Failure::typed(code, Cause::Said(key, args.to_vec()))
    }

    /// Adds what to do next, in both languages.
    pub fn with_hint(mut self, hint: Key) -> Failure {
        self.hint = Some(hint);
        self.todo = i18n::t(Lang::Id, hint).to_string();
        self
    }

    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        errors::failure(lang, self)
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
        Failure::typed(Some(e.code()), Cause::Cert(e))
    }
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Failure {
        Failure::typed(Some(e.code()), Cause::Client(Arc::new(e)))
    }
}

impl From<SecretError> for Failure {
    fn from(e: SecretError) -> Failure {
        Failure::typed(None, Cause::Secret(e))
    }
}

/// A backup/restore failure; the code stays off as the page always showed it.
impl From<BackupError> for Failure {
    fn from(e: BackupError) -> Failure {
        Failure::typed(None, Cause::Backup(Arc::new(e)))
    }
}

/// A print failure; the code stays off as the page always showed it.
impl From<BatchError> for Failure {
    fn from(e: BatchError) -> Failure {
        Failure::typed(None, Cause::Batch(Arc::new(e)))
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::typed(Some(e.code()), Cause::Store(Arc::new(e)))
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
    // refui:
    /// Minta NSFP: asks the e-Nofa server for a range of numbers as the registered client
    /// `client_id` (the server applies its quota rule, ETAX-20008).
    fn request_nsfp(
        &self,
        server: Server,
        cert: OpenedCert,
        client_id: String,
        request: NsfpRequest,
    ) -> BoxFuture<'static, Result<NsfpAllocation, Failure>>;
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

    /// Like [`FilePicker::pick`], but tells a cancel from a dialog that cannot open, so the
    /// screen can say why nothing happened and let the path be typed.
    fn choose(
        &self,
        title: String,
        extensions: &'static [&'static str],
    ) -> BoxFuture<'static, Picked> {
        let pick = self.pick(title, extensions);
        Box::pin(async move { pick.await.map_or(Picked::Cancelled, Picked::Path) })
    }
}

/// What "Pilih…" gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    Path(PathBuf),
    Cancelled,
    /// No file dialog can open here (e.g. Linux without xdg-desktop-portal or zenity).
    Unavailable,
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
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(Failure::ui(None, UiProblem::Background(e.to_string()))))
}
