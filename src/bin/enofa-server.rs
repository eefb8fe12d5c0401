//! `enofa-server`: the e-Nofa service and its operator commands (thin wrapper over
//! `efaktur::enofa::server`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use efaktur::cert::P12Encryption;
use efaktur::enofa::server::{self, ServerConfig, ServerError, operator};

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
        /// Host names/IPs for the server certificate (first start only).
        #[arg(long = "host", default_values_t = ["localhost".to_string(), "127.0.0.1".to_string()])]
        hosts: Vec<String>,
    },
    /// Create (or, on the same --state, keep) the demo PKP, print its training credentials,
    /// then serve in demo mode.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        #[arg(long, default_value = "127.0.0.1:8080")]
        public_listen: SocketAddr,
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
            hosts,
        } => {
            let config = ServerConfig {
                listen,
                public_listen,
                hosts,
                ..ServerConfig::new(&state)
            };
            serve_until_ctrl_c(config).await
        }
        Command::Demo {
            listen,
            public_listen,
        } => demo(&state, listen, public_listen).await,
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
async fn demo(
    state: &Path,
    listen: SocketAddr,
    public_listen: SocketAddr,
) -> Result<(), ServerError> {
    let dir = state.to_path_buf();
    let creds = tokio::task::spawn_blocking(move || server::demo::prepare(&dir))
        .await
        .map_err(|e| ServerError::Io(e.to_string()))??;
    println!("Mode demo e-Nofa. Kredensial latihan:\n{creds}");
    let config = ServerConfig {
        listen,
        public_listen,
        ..ServerConfig::demo(state)
    };
    serve_until_ctrl_c(config).await
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

async fn serve_until_ctrl_c(config: ServerConfig) -> Result<(), ServerError> {
    let running = server::start(config).await?;
    println!("API     : {}", running.api_url);
    println!("Publik  : {}", running.public_url);
    println!("Tekan Ctrl+C untuk berhenti.");
    let _ = tokio::signal::ctrl_c().await;
    running.shutdown().await;
    Ok(())
}
