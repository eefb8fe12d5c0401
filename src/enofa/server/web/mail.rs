//! Mail to PKP (the Lupa Password link). Two transports:
//!
//! - **SMTP** when the operator configured a relay ([`SmtpConfig`], `enofa-server serve
//!   --smtp-host …`): lettre over rustls, certificate verification always on (the system's
//!   roots plus an optional CA file of a private relay); `starttls` or implicit `tls`, plain SMTP
//!   only to a relay on the same machine (127.0.0.1/::1/localhost).
//! - otherwise a **mail folder** in the state directory (`<state>/mail/*.eml`, readable by the
//!   service's user only): an operator's own relay or a test picks the messages up from there.
//!
//! Sending is async (SMTP) or runs off the async threads (folder). A failure carries its cause
//! for the log only; the relay password is never part of it, nor of any `Debug` output.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::cert::Secret;
use crate::enofa::server::ServerError;
use crate::enofa::server::state::random_hex;

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which is required (default port 587).
    StartTls,
    /// TLS from the first byte, "SMTPS" (default port 465).
    Tls,
    /// No TLS at all: accepted only for a relay on this machine (default port 25).
    Plain,
}

impl SmtpSecurity {
    /// `starttls`, `tls` or `plain`, as the command line spells them.
    pub fn parse(s: &str) -> Result<SmtpSecurity, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "starttls" => Ok(SmtpSecurity::StartTls),
            "tls" => Ok(SmtpSecurity::Tls),
            "plain" => Ok(SmtpSecurity::Plain),
            other => Err(format!(
                "keamanan SMTP \"{other}\" tidak dikenal: pilih starttls, tls atau plain"
            )),
        }
    }

    fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::Plain => 25,
        }
    }
}

/// An SMTP relay for the service's mail. The password comes from the environment or a
/// credentials file (see the README), never from the command line or a config file.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    /// `None`: the security's usual port.
    pub port: Option<u16>,
    pub security: SmtpSecurity,
    /// The sender, e.g. `e-Nofa <noreply@kpp.example>`.
    pub from: String,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// PEM file with the CA certificate(s) of a private relay, trusted besides the system's.
    pub extra_ca: Option<PathBuf>,
    /// Each step of the SMTP dialogue may take this long.
    pub timeout: Duration,
}

impl SmtpConfig {
    /// `starttls` to `host`, its usual port, no login, no extra CA, 30 s per step.
    pub fn new(host: impl Into<String>, from: impl Into<String>) -> SmtpConfig {
        SmtpConfig {
            host: host.into(),
            port: None,
            security: SmtpSecurity::StartTls,
            from: from.into(),
            username: None,
            password: None,
            extra_ca: None,
            timeout: Duration::from_secs(30),
        }
    }
}

/// The relay password from a file, e.g. one systemd hands the service with `LoadCredential=`
/// (`$CREDENTIALS_DIRECTORY/smtp`). One trailing line break is not part of it.
pub fn read_password_file(path: &Path) -> Result<Secret, ServerError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ServerError::Operator(format!(
            "Berkas password SMTP {} tidak terbaca: {e}. Periksa path --smtp-password-file dan izin bacanya.",
            path.display()
        ))
    })?;
    let text = zeroize::Zeroizing::new(text);
    let password = text.strip_suffix('\n').unwrap_or(&text);
    let password = password.strip_suffix('\r').unwrap_or(password);
    Ok(Secret::new(password))
}

/// A message that could not be sent; `cause` is for the log (no secrets in it).
#[derive(Debug)]
pub struct MailError {
    pub cause: String,
}

/// Where mail goes: see the module documentation.
pub enum Mailer {
    Folder(PathBuf),
    Smtp(Box<Smtp>),
}

/// A configured relay: the transport (one connection per message), the sender, `host:port`.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    relay: String,
}

impl Mailer {
    pub fn folder(folder: PathBuf) -> Mailer {
        Mailer::Folder(folder)
    }

    /// Through `smtp` when given, else to `<state_dir>/mail`.
    pub fn configured(smtp: Option<&SmtpConfig>, state_dir: &Path) -> Result<Mailer, ServerError> {
        let mailer = match smtp {
            Some(config) => Mailer::smtp(config)?,
            None => Mailer::folder(state_dir.join("mail")),
        };
        tracing::info!(surat = %mailer.describe(), "transport surat Lupa Password");
        Ok(mailer)
    }

    /// The SMTP transport of `config`. Refuses what could not work or would send in clear:
    /// a bad sender, an unreadable or empty CA file, plain SMTP to another machine, a user
    /// without a password.
    pub fn smtp(config: &SmtpConfig) -> Result<Mailer, ServerError> {
        let bad = |what: String| ServerError::Operator(format!("Konfigurasi SMTP: {what}"));
        let host = config.host.trim();
        if host.is_empty() {
            return Err(bad("--smtp-host kosong.".into()));
        }
        let from: Mailbox = config.from.parse().map_err(|e| {
            bad(format!(
                "alamat pengirim --smtp-from \"{}\" tidak sah ({e}); contoh: \"e-Nofa <noreply@kpp.example>\".",
                config.from
            ))
        })?;
        let port = config.port.unwrap_or(config.security.default_port());
        let tls = || -> Result<TlsParameters, ServerError> {
            let mut params = TlsParameters::builder(host.to_owned());
            if let Some(path) = &config.extra_ca {
                let pem = std::fs::read(path).map_err(|e| {
                    bad(format!(
                        "berkas CA {} tidak terbaca: {e}. Periksa path --smtp-ca-file.",
                        path.display()
                    ))
                })?;
                let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
                    .collect::<Result<_, _>>()
                    .ok()
                    .filter(|c: &Vec<_>| !c.is_empty())
                    .ok_or_else(|| {
                        bad(format!(
                            "berkas CA {} tidak berisi sertifikat PEM. Berikan sertifikat CA relay dalam format PEM.",
                            path.display()
                        ))
                    })?;
                for der in certs {
                    let cert = Certificate::from_der(der.to_vec())
                        .map_err(|e| bad(format!("berkas CA {}: {e}", path.display())))?;
                    params = params.add_root_certificate(cert);
                }
            }
            params
                .build_rustls()
                .map_err(|e| bad(format!("TLS ke {host}: {e}")))
        };
        let builder = match config.security {
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                .tls(Tls::Required(tls()?)),
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                .tls(Tls::Wrapper(tls()?)),
            SmtpSecurity::Plain if is_loopback(host) => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).tls(Tls::None)
            }
            SmtpSecurity::Plain => {
                return Err(bad(format!(
                    "SMTP tanpa TLS hanya diizinkan ke relay di mesin ini (127.0.0.1, ::1, localhost), bukan ke {host}. Pilih --smtp-security starttls atau tls."
                )));
            }
        };
        let mut builder = builder.port(port).timeout(Some(config.timeout));
        match (&config.username, &config.password) {
            (Some(user), Some(password)) => {
                builder = builder
                    .credentials(Credentials::new(user.clone(), password.expose().to_owned()));
            }
            (Some(_), None) => {
                return Err(bad(
                    "--smtp-username tanpa password: berikan password lewat variabel lingkungan ENOFA_SMTP_PASSWORD atau --smtp-password-file.".into(),
                ));
            }
            (None, _) => {}
        }
        Ok(Mailer::Smtp(Box::new(Smtp {
            transport: builder.build(),
            from,
            relay: format!("{host}:{port}"),
        })))
    }

    /// For the start-up log: `smtp://host:port` or the folder.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Folder(folder) => folder.display().to_string(),
            Mailer::Smtp(smtp) => format!("smtp://{}", smtp.relay),
        }
    }

    /// Sends one plain-text message; returns where it went (a file name or the relay).
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<String, MailError> {
        match self {
            Mailer::Folder(folder) => {
                let (folder, to, subject, body) = (
                    folder.clone(),
                    to.to_owned(),
                    subject.to_owned(),
                    body.to_owned(),
                );
                tokio::task::spawn_blocking(move || write_to_folder(&folder, &to, &subject, &body))
                    .await
                    .map_err(|e| MailError {
                        cause: e.to_string(),
                    })?
            }
            Mailer::Smtp(smtp) => {
                let Smtp {
                    transport,
                    from,
                    relay,
                } = smtp.as_ref();
                let to: Mailbox = to.trim().parse().map_err(|e| MailError {
                    cause: format!("alamat email penerima tidak sah: {e}"),
                })?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(body.to_owned())
                    .map_err(|e| MailError {
                        cause: format!("surat tidak dapat disusun: {e}"),
                    })?;
                match transport.send(message).await {
                    Ok(_) => Ok(format!("smtp://{relay}")),
                    Err(e) => Err(MailError {
                        cause: format!("relay SMTP {relay}: {e}"),
                    }),
                }
            }
        }
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn write_to_folder(
    folder: &Path,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<String, MailError> {
    let io = |path: &Path, e: std::io::Error| MailError {
        cause: format!("{}: {e}", path.display()),
    };
    crate::private_files::create_dir_all(folder).map_err(|e| io(folder, e))?;
    let name = format!(
        "{}-{}.eml",
        chrono::Utc::now().format("%Y%m%dT%H%M%S"),
        random_hex(4)
    );
    // Header values come from our own records; strip line breaks all the same so no field
    // can add headers.
    let clean = |s: &str| s.replace(['\r', '\n'], " ");
    let message = format!(
        "To: {}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        clean(to),
        clean(subject)
    );
    let path = folder.join(&name);
    crate::private_files::write(&path, message).map_err(|e| io(&path, e))?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_only_to_this_machine() {
        for host in ["127.0.0.1", "::1", "[::1]", "localhost"] {
            let mut c = SmtpConfig::new(host, "e-Nofa <noreply@kpp.example>");
            c.security = SmtpSecurity::Plain;
            assert!(Mailer::smtp(&c).is_ok(), "{host}");
        }
        let mut c = SmtpConfig::new("relay.kpp.example", "noreply@kpp.example");
        c.security = SmtpSecurity::Plain;
        let Err(e) = Mailer::smtp(&c) else {
            panic!("plain SMTP to another machine was accepted")
        };
        assert!(e.to_string().contains("starttls atau tls"), "{e}");
    }

    #[test]
    fn a_user_needs_a_password_and_a_bad_sender_is_refused() {
        let mut c = SmtpConfig::new("relay.kpp.example", "noreply@kpp.example");
        c.username = Some("enofa".into());
        assert!(Mailer::smtp(&c).is_err());
        c.password = Some(Secret::new("rahasia"));
        assert!(Mailer::smtp(&c).is_ok());
        // Debug of the configuration never shows the password.
        assert!(!format!("{c:?}").contains("rahasia"));
        let c = SmtpConfig::new("relay.kpp.example", "bukan alamat");
        assert!(Mailer::smtp(&c).is_err());
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "bukan PEM").unwrap();
        let mut c = SmtpConfig::new("relay.kpp.example", "noreply@kpp.example");
        c.extra_ca = Some(path);
        let Err(e) = Mailer::smtp(&c) else {
            panic!("an empty CA file was accepted")
        };
        assert!(e.to_string().contains("sertifikat PEM"), "{e}");
    }

    #[test]
    fn password_file_loses_one_trailing_line_break() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("smtp");
        std::fs::write(&path, "rahasia relay\n").unwrap();
        assert_eq!(read_password_file(&path).unwrap().expose(), "rahasia relay");
        assert!(read_password_file(&dir.path().join("tidak-ada")).is_err());
    }
}
