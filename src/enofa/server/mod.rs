//! The e-Nofa service (`enofa-server`): PKP accounts, its own CA, activation codes, captcha,
//! client registration, branches, NSFP allocation, faktur upload and approval, QR validation.
//!
//! Three HTTPS listeners: the API (client certificate required, see [`crate::enofa::wire`]),
//! the public QR validation (`GET /validasi/faktur/...`, no client certificate) and the web
//! pages of e-Nofa Online ([`web`]; a client certificate is asked for but optional).
//!
//! In-process use (`efaktur --simulasi`, tests):
//!
//! ```no_run
//! # async fn run() -> Result<(), efaktur::enofa::server::ServerError> {
//! use efaktur::enofa::server;
//! let (creds, running) = server::start_demo("/tmp/enofa-state").await?;
//! println!("{} {}", running.api_url, creds.npwp);
//! running.shutdown().await;
//! # Ok(()) }
//! ```

mod api;
mod auth;
mod ca;
mod cabang;
mod captcha;
mod db;
pub mod demo;
mod extract;
mod hashing;
mod limits;
mod listener;
mod nsfp;
pub mod operator;
mod public;
mod service;
mod session;
mod state;
mod store;
mod upload;
mod web;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use ca::Ca;
pub use limits::Limits;
pub use operator::{CabangCertApproval, NewPkp};
pub use web::{SmtpConfig, SmtpSecurity, read_password_file as read_smtp_password_file};

/// What can stop the service, with where and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerError {
    #[error("State directory problem: {0}. Check the --state path and its permissions.")]
    Io(String),
    #[error("State database error: {0}")]
    Database(String),
    #[error("Certificate error: {0}")]
    Certificate(String),
    #[error("Cannot listen on {addr}: {reason}. Choose another address or free the port.")]
    Listen { addr: String, reason: String },
    #[error("{0}")]
    Operator(String),
}

/// How to run the service.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub state_dir: PathBuf,
    /// API listener (mutual TLS). Port 0 picks a free port.
    pub listen: SocketAddr,
    /// Public QR validation listener (TLS, no client certificate).
    pub public_listen: SocketAddr,
    /// e-Nofa Online web pages (TLS; a client certificate of our CA is optional).
    pub web_listen: SocketAddr,
    /// Names and IPs in the server certificate (used on first start only).
    pub hosts: Vec<String>,
    /// Demo mode: the captcha answer is logged and readable via
    /// [`RunningServer::demo_captcha_answer`]. Never for real use.
    pub demo: bool,
    /// Timeouts, connection limits, password-hashing pool, shutdown drain.
    pub limits: Limits,
    /// The relay for Lupa Password mail; `None`: mail is written to `<state>/mail/`.
    pub smtp: Option<SmtpConfig>,
}

impl ServerConfig {
    /// Loopback, free ports, default host names, demo mode off.
    pub fn new(state_dir: impl Into<PathBuf>) -> ServerConfig {
        ServerConfig {
            state_dir: state_dir.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            web_listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            hosts: default_hosts(),
            demo: false,
            limits: Limits::default(),
            smtp: None,
        }
    }

    /// [`ServerConfig::new`] with demo mode on (for `efaktur --simulasi` and training).
    pub fn demo(state_dir: impl Into<PathBuf>) -> ServerConfig {
        ServerConfig {
            demo: true,
            ..ServerConfig::new(state_dir)
        }
    }
}

/// A started service. Dropping it does not stop it; call [`RunningServer::shutdown`].
pub struct RunningServer {
    /// e.g. `https://127.0.0.1:40123` (no trailing slash).
    pub api_url: String,
    pub public_url: String,
    /// The e-Nofa Online web pages, e.g. `https://127.0.0.1:40125`.
    pub web_url: String,
    /// The CA certificate (PEM) clients must trust.
    pub ca_pem: Vec<u8>,
    state: Arc<state::AppState>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningServer {
    /// Stops accepting, lets requests in progress finish (up to [`Limits::drain_timeout`]),
    /// closes the connections, then closes the database.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
        self.state.close().await;
    }

    /// The most argon2 password/Kode Aktivasi checks that ever ran at once (at most
    /// [`Limits::hash_workers`]).
    pub fn peak_hashing(&self) -> usize {
        self.state.hashing.peak()
    }

    /// In demo mode only: the answer of a pending captcha, so a trainer (or a test) can read it.
    /// Always `None` outside demo mode.
    pub fn demo_captcha_answer(&self, captcha_id: &str) -> Option<String> {
        if !self.state.demo {
            return None;
        }
        self.state
            .captchas
            .answer(captcha_id)
            .or_else(|| self.state.web_captchas.answer(captcha_id))
    }
}

/// Creates the state (CA, server certificate, database) if needed and starts both listeners.
pub async fn start(config: ServerConfig) -> Result<RunningServer, ServerError> {
    let dir = config.state_dir.clone();
    crate::private_files::create_dir_all(&dir)
        .map_err(|e| ServerError::Io(format!("{}: {e}", dir.display())))?;
    // A mail relay that cannot work is refused before anything listens.
    let mailer = web::Mailer::configured(config.smtp.as_ref(), &dir)?;
    let hosts = config.hosts.clone();
    let dir2 = dir.clone();
    let (ca, conn, reader) = tokio::task::spawn_blocking(move || -> Result<_, ServerError> {
        let ca = Ca::load_or_create(&dir2, &hosts)?;
        let conn = db::open(&dir2)?;
        let reader = db::open_reader(&dir2)?;
        Ok((ca, conn, reader))
    })
    .await
    .map_err(|e| ServerError::Io(e.to_string()))??;

    let api_tcp = bind(config.listen).await?;
    let public_tcp = bind(config.public_listen).await?;
    let web_tcp = bind(config.web_listen).await?;
    let api_url = url_of(&api_tcp, &config.hosts)?;
    let public_url = url_of(&public_tcp, &config.hosts)?;
    let web_url = url_of(&web_tcp, &config.hosts)?;

    let (api_tls, public_tls) = listener::tls_configs(&dir, &ca.cert_der)?;
    let web_tls = listener::web_tls_config(&dir, &ca.cert_der)?;
    let ca_pem = ca.cert_pem.clone().into_bytes();
    let limits = config.limits.clone().sane();
    let state = Arc::new(state::AppState::new(
        conn,
        reader,
        ca,
        config.demo,
        public_url.clone(),
        limits.hash_workers,
    )?);
    let web_state = Arc::new(web::WebState::new(
        state.clone(),
        web_url.clone(),
        &dir,
        mailer,
    ));
    let (stop, stop_rx) = watch::channel(false);
    let tasks = vec![
        tokio::spawn(listener::serve(
            api_tcp,
            api_tls,
            api::router(state.clone()),
            limits.clone(),
            stop_rx.clone(),
        )),
        tokio::spawn(listener::serve(
            public_tcp,
            public_tls,
            public::router(state.clone()),
            limits.clone(),
            stop_rx.clone(),
        )),
        tokio::spawn(listener::serve(
            web_tcp,
            web_tls,
            web::router(web_state),
            limits,
            stop_rx,
        )),
    ];
    tracing::info!(%api_url, %public_url, %web_url, demo = config.demo, "enofa-server listening");
    Ok(RunningServer {
        api_url,
        public_url,
        web_url,
        ca_pem,
        state,
        stop,
        tasks,
    })
}

/// For `efaktur --simulasi`: prepares the demo PKP in `state_dir` (see [`demo::prepare`]) and
/// starts the service in demo mode on free loopback ports.
pub async fn start_demo(
    state_dir: impl Into<PathBuf>,
) -> Result<(demo::DemoCredentials, RunningServer), ServerError> {
    let dir: PathBuf = state_dir.into();
    crate::private_files::create_dir_all(&dir)
        .map_err(|e| ServerError::Io(format!("{}: {e}", dir.display())))?;
    let prepare_dir = dir.clone();
    let creds = tokio::task::spawn_blocking(move || demo::prepare(&prepare_dir))
        .await
        .map_err(|e| ServerError::Io(e.to_string()))??;
    let running = start(ServerConfig::demo(dir)).await?;
    Ok((creds, running))
}

async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, ServerError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| ServerError::Listen {
            addr: addr.to_string(),
            reason: e.to_string(),
        })
}

/// The URL clients use: the bound IP, or the first host name when bound to all interfaces.
fn url_of(listener: &tokio::net::TcpListener, hosts: &[String]) -> Result<String, ServerError> {
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::Io(e.to_string()))?;
    let host = if addr.ip().is_unspecified() {
        hosts.first().cloned().unwrap_or_else(|| "localhost".into())
    } else if addr.is_ipv6() {
        format!("[{}]", addr.ip())
    } else {
        addr.ip().to_string()
    };
    Ok(format!("https://{host}:{}", addr.port()))
}

/// Names in the server certificate unless the operator gives others: loopback only.
pub(crate) fn default_hosts() -> Vec<String> {
    vec!["localhost".into(), "127.0.0.1".into()]
}

/// Where a state directory keeps the CA certificate (PEM) clients must trust.
pub fn ca_pem_path(state_dir: &Path) -> PathBuf {
    state_dir.join("ca.pem")
}
