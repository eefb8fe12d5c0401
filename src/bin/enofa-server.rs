//! `enofa-server`: the e-Nofa service and its operator commands (thin wrapper over
//! `efaktur::enofa::server`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args as ClapArgs, Parser, Subcommand};
use efaktur::cert::P12Encryption;
use efaktur::enofa::server::{self, Limits, ServerConfig, ServerError, operator};

/// mimalloc: argon2 checks on many threads left glibc's per-thread arenas holding gigabytes.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "enofa-server",
    about = "e-Nofa service: PKP accounts, certificates, NSFP, faktur approval"
)]
struct Args {
    /// Directory holding the service state (CA, keys, database).
    #[arg(long, global = true, default_value = "enofa-state")]
    state: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service.
    Serve {
        /// API listener (client certificate required).
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        /// Public QR validation listener.
        #[arg(long, default_value = "127.0.0.1:8080")]
        public_listen: SocketAddr,
        /// e-Nofa Online web pages (HTTPS; login, Profile User, Lupa Password, ...).
        #[arg(long, default_value = "127.0.0.1:8444")]
        web_listen: SocketAddr,
        /// Host names/IPs for the server certificate (first start only).
        #[arg(long = "host", default_values_t = ["localhost".to_string(), "127.0.0.1".to_string()])]
        hosts: Vec<String>,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        smtp: SmtpArgs,
    },
    /// Create (or, on the same --state, keep) the demo PKP, print its training credentials,
    /// then serve in demo mode.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        #[arg(long, default_value = "127.0.0.1:8080")]
        public_listen: SocketAddr,
        #[arg(long, default_value = "127.0.0.1:8444")]
        web_listen: SocketAddr,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// PKP accounts.
    Pkp {
        #[command(subcommand)]
        command: PkpCommand,
    },
    /// Certificates.
    Cert {
        #[command(subcommand)]
        command: CertCommand,
    },
    /// Branches (cabang).
    Cabang {
        #[command(subcommand)]
        command: CabangCommand,
    },
    /// KPP officers of the web pages (e-Nofa Online, `/kpp`).
    Officer {
        #[command(subcommand)]
        command: OfficerCommand,
    },
}

#[derive(Subcommand)]
enum OfficerCommand {
    /// Create an officer account; prints its password once.
    Add {
        #[arg(long)]
        username: String,
    },
}

/// Timeouts and limits of `serve` and `demo` (defaults: [`Limits::default`]).
#[derive(ClapArgs)]
struct LimitArgs {
    /// Seconds a new connection has to complete the TLS handshake.
    #[arg(long, value_name = "DETIK", default_value_t = 10)]
    handshake_timeout: u64,
    /// Seconds a connection may stay without sending a request before it is closed.
    #[arg(long, value_name = "DETIK", default_value_t = 60)]
    idle_timeout: u64,
    /// Open connections per listener (more wait until one closes).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_connections)]
    max_connections: usize,
    /// Open connections per client address and listener (more are closed at once).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_connections_per_address)]
    max_connections_per_address: usize,
    /// Password/Kode Aktivasi checks (argon2, ~19 MiB each) running at once.
    #[arg(long, value_name = "N", default_value_t = Limits::default().hash_workers)]
    hash_workers: usize,
    /// Seconds a shutdown (Ctrl+C, SIGTERM) waits for requests in progress.
    #[arg(long, value_name = "DETIK", default_value_t = 30)]
    drain_timeout: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            handshake_timeout: Duration::from_secs(self.handshake_timeout),
            idle_timeout: Duration::from_secs(self.idle_timeout),
            max_connections: self.max_connections,
            max_connections_per_address: self.max_connections_per_address,
            hash_workers: self.hash_workers,
            drain_timeout: Duration::from_secs(self.drain_timeout),
        }
    }
}

/// The SMTP relay for Lupa Password mail. Without --smtp-host, mail is written to
/// `<state>/mail/`. The relay password never goes on the command line: it is read from
/// `--smtp-password-file` (e.g. systemd's `$CREDENTIALS_DIRECTORY/smtp`) or the environment
/// variable `ENOFA_SMTP_PASSWORD`.
#[derive(ClapArgs)]
struct SmtpArgs {
    /// Host name (or IP) of the relay; its certificate must be valid for this name.
    #[arg(long, value_name = "HOST")]
    smtp_host: Option<String>,
    /// Port (default: 587 for starttls, 465 for tls, 25 for plain).
    #[arg(long, value_name = "PORT", requires = "smtp_host")]
    smtp_port: Option<u16>,
    /// starttls | tls | plain (plain only to a relay on 127.0.0.1, ::1 or localhost).
    #[arg(long, value_name = "KEAMANAN", default_value = "starttls", value_parser = server::SmtpSecurity::parse)]
    smtp_security: server::SmtpSecurity,
    /// Sender address, e.g. "e-Nofa <noreply@kpp.example>".
    #[arg(long, value_name = "ALAMAT", requires = "smtp_host")]
    smtp_from: Option<String>,
    /// Login name at the relay (its password: --smtp-password-file or ENOFA_SMTP_PASSWORD).
    #[arg(long, value_name = "NAMA", requires = "smtp_host")]
    smtp_username: Option<String>,
    /// File holding the relay password (one line).
    #[arg(long, value_name = "BERKAS", requires = "smtp_username")]
    smtp_password_file: Option<PathBuf>,
    /// PEM file with the CA certificate of a private relay, trusted besides the system's roots.
    #[arg(long, value_name = "BERKAS", requires = "smtp_host")]
    smtp_ca_file: Option<PathBuf>,
}

/// The environment variable that may hold the relay password.
const SMTP_PASSWORD_ENV: &str = "ENOFA_SMTP_PASSWORD";

impl SmtpArgs {
    fn config(self) -> Result<Option<server::SmtpConfig>, ServerError> {
        let Some(host) = self.smtp_host else {
            return Ok(None);
        };
        let Some(from) = self.smtp_from else {
            return Err(ServerError::Operator(
                "--smtp-host memerlukan --smtp-from (alamat pengirim, mis. \"e-Nofa <noreply@kpp.example>\").".into(),
            ));
        };
        let password = match (&self.smtp_username, &self.smtp_password_file) {
            (None, _) => None,
            (Some(_), Some(file)) => Some(server::read_smtp_password_file(file)?),
            (Some(_), None) => std::env::var(SMTP_PASSWORD_ENV)
                .ok()
                .map(efaktur::cert::Secret::new),
        };
        let mut config = server::SmtpConfig::new(host, from);
        config.port = self.smtp_port;
        config.security = self.smtp_security;
        config.username = self.smtp_username;
        config.password = password;
        config.extra_ca = self.smtp_ca_file;
        Ok(Some(config))
    }
}

#[derive(Subcommand)]
enum PkpCommand {
    /// Create a PKP account; prints its e-Nofa password and Kode Aktivasi once.
    Add {
        #[arg(long)]
        npwp: String,
        #[arg(long)]
        nama: String,
        #[arg(long)]
        alamat: String,
        #[arg(long, default_value = "")]
        email: String,
    },
}

#[derive(Subcommand)]
enum CertCommand {
    /// Issue a PKP's .p12 (2 years, passphrase-protected).
    Issue {
        #[arg(long)]
        npwp: String,
        #[arg(long)]
        out: PathBuf,
        /// File whose first line is the passphrase (kept out of the shell history).
        #[arg(long)]
        passphrase_file: PathBuf,
        /// pbeWithSHA1And3-KeyTripleDES-CBC like DJP's files, instead of AES-256.
        #[arg(long)]
        legacy: bool,
    },
    /// Revoke a certificate by serial (hex).
    Revoke {
        #[arg(long)]
        serial: String,
    },
}

#[derive(Subcommand)]
enum CabangCommand {
    /// List branches waiting for the KPP to confirm their SK Pemusatan.
    Pending,
    /// The KPP officer confirmed the branch's SK Pemusatan: the branch may get its Kode
    /// Aktivasi and certificate.
    Approve {
        #[arg(long)]
        npwp: String,
    },
    /// Remove a waiting branch the KPP did not confirm (frees the NPWP).
    Reject {
        #[arg(long)]
        npwp: String,
    },
    /// Approve a branch's pending certificate request (KPP approval).
    ApproveCert {
        #[arg(long)]
        npwp: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("enofa-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), ServerError> {
    let state = args.state;
    match args.command {
        Command::Serve {
            listen,
            public_listen,
            web_listen,
            hosts,
            limits,
            smtp,
        } => {
            let config = ServerConfig {
                listen,
                public_listen,
                web_listen,
                hosts,
                limits: limits.limits(),
                smtp: smtp.config()?,
                ..ServerConfig::new(&state)
            };
            serve_until_stopped(config).await
        }
        Command::Demo {
            listen,
            public_listen,
            web_listen,
            limits,
        } => {
            let config = ServerConfig {
                listen,
                public_listen,
                web_listen,
                limits: limits.limits(),
                ..ServerConfig::demo(&state)
            };
            demo(config).await
        }
        Command::Pkp {
            command:
                PkpCommand::Add {
                    npwp,
                    nama,
                    alamat,
                    email,
                },
        } => pkp_add(&state, &npwp, &nama, &alamat, &email),
        Command::Cert {
            command:
                CertCommand::Issue {
                    npwp,
                    out,
                    passphrase_file,
                    legacy,
                },
        } => cert_issue(&state, &npwp, &out, &passphrase_file, legacy),
        Command::Cert {
            command: CertCommand::Revoke { serial },
        } => {
            operator::cert_revoke(&state, &serial)?;
            println!("Sertifikat {serial} dicabut.");
            Ok(())
        }
        Command::Cabang {
            command: CabangCommand::Pending,
        } => cabang_pending(&state),
        Command::Cabang {
            command: CabangCommand::Approve { npwp },
        } => {
            operator::cabang_approve(&state, &npwp)?;
            println!(
                "Cabang {npwp} disetujui KPP; kantor pusat kini dapat membuat Kode Aktivasi dan meminta sertifikatnya."
            );
            Ok(())
        }
        Command::Cabang {
            command: CabangCommand::Reject { npwp },
        } => {
            operator::cabang_reject(&state, &npwp)?;
            println!("Cabang {npwp} ditolak dan dihapus; NPWP ini bebas didaftarkan lagi.");
            Ok(())
        }
        Command::Cabang {
            command: CabangCommand::ApproveCert { npwp },
        } => {
            let a = operator::cabang_approve_cert(&state, &npwp)?;
            println!(
                "Sertifikat cabang {} disetujui (serial {}); siap diunduh.",
                a.npwp, a.serial
            );
            Ok(())
        }
        Command::Officer {
            command: OfficerCommand::Add { username },
        } => {
            let password = operator::officer_add(&state, &username)?;
            println!("Petugas KPP  : {}", username.trim());
            println!("Password     : {}", password.expose());
            println!("Password hanya ditampilkan sekali ini. Login di <web>/kpp/login.");
            Ok(())
        }
    }
}

/// `cabang pending`: one line per waiting branch; those of another taxpayer are marked.
fn cabang_pending(state: &Path) -> Result<(), ServerError> {
    let pending = operator::cabang_pending(state)?;
    if pending.is_empty() {
        println!("Tidak ada cabang yang menunggu persetujuan KPP.");
        return Ok(());
    }
    println!("NPWP cabang\tNPWP pusat\tNomor SK\tTanggal SK\tDitambahkan\tCatatan");
    for c in pending {
        let note = if c.same_taxpayer {
            "-"
        } else {
            "BUKAN wajib pajak yang sama: tolak (cabang reject)"
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{note}",
            c.npwp, c.npwp_pusat, c.nomor_sk, c.tanggal_sk, c.added_at
        );
    }
    Ok(())
}

/// `demo`: prepares the demo PKP, prints its credentials, serves.
async fn demo(config: ServerConfig) -> Result<(), ServerError> {
    let dir = config.state_dir.clone();
    let creds = tokio::task::spawn_blocking(move || server::demo::prepare(&dir))
        .await
        .map_err(|e| ServerError::Io(e.to_string()))??;
    println!("Mode demo e-Nofa. Kredensial latihan:\n{creds}");
    serve_until_stopped(config).await
}

/// `pkp add`: creates the account and shows its password and Kode Aktivasi once.
fn pkp_add(
    state: &Path,
    npwp: &str,
    nama: &str,
    alamat: &str,
    email: &str,
) -> Result<(), ServerError> {
    let created = operator::pkp_add(state, npwp, nama, alamat, email)?;
    println!(
        "PKP {} dibuat. Sampaikan sekali ini saja kepada PKP:",
        created.npwp
    );
    println!("Password e-Nofa : {}", created.password.expose());
    println!("Kode Aktivasi   : {}", created.kode_aktivasi.expose());
    Ok(())
}

/// `cert issue`: writes a `.p12` protected by the first line of `passphrase_file`.
fn cert_issue(
    state: &Path,
    npwp: &str,
    out: &Path,
    passphrase_file: &Path,
    legacy: bool,
) -> Result<(), ServerError> {
    let text = std::fs::read_to_string(passphrase_file)
        .map_err(|e| ServerError::Io(format!("{}: {e}", passphrase_file.display())))?;
    let passphrase = zeroize::Zeroizing::new(text.lines().next().unwrap_or_default().to_owned());
    let encryption = if legacy {
        P12Encryption::Legacy3Des
    } else {
        P12Encryption::Aes256
    };
    let (serial, p12) = operator::cert_issue(state, npwp, &passphrase, encryption)?;
    // The .p12 holds the PKP's private key: readable by the operator only (0600 on Unix).
    efaktur::private_files::write(out, p12)
        .map_err(|e| ServerError::Io(format!("{}: {e}", out.display())))?;
    println!(
        "Sertifikat {} ditulis ke {} (serial {serial}).",
        npwp,
        out.display()
    );
    Ok(())
}

/// Serves until Ctrl+C or SIGTERM (systemd, docker, kill), then drains and closes the database.
async fn serve_until_stopped(config: ServerConfig) -> Result<(), ServerError> {
    let drain = config.limits.drain_timeout;
    let running = server::start(config).await?;
    println!("API     : {}", running.api_url);
    println!("Publik  : {}", running.public_url);
    println!("Web     : {}", running.web_url);
    println!("Tekan Ctrl+C untuk berhenti.");
    stop_requested().await?;
    println!(
        "Berhenti: menyelesaikan permintaan yang sedang berjalan (paling lama {} detik)…",
        drain.as_secs()
    );
    running.shutdown().await;
    println!("enofa-server berhenti; database ditutup.");
    Ok(())
}

#[cfg(unix)]
async fn stop_requested() -> Result<(), ServerError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term =
        signal(SignalKind::terminate()).map_err(|e| ServerError::Io(format!("SIGTERM: {e}")))?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    Ok(())
}

#[cfg(not(unix))]
async fn stop_requested() -> Result<(), ServerError> {
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| ServerError::Io(format!("Ctrl+C: {e}")))
}
