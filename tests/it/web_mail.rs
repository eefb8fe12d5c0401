//! Lupa Password mail over SMTP (issue #12): a real SMTP server on 127.0.0.1 — aiosmtpd
//! (Debian's `python3-aiosmtpd`, `.ci/apt-packages.txt`) storing what it receives in a Maildir —
//! with a certificate of a test CA, STARTTLS or implicit TLS. The page is driven over HTTPS
//! (Chromium already covers it in `web.rs`); the link from the received mail resets the password.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use efaktur::enofa::server::{self, RunningServer, ServerConfig, SmtpConfig, SmtpSecurity};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use tempfile::TempDir;

use crate::web::{FormPairs, Pkp, http, http_login, input_value, new_pkp, set_cookie};

/// Debian's interpreter: `python3-aiosmtpd` is installed for it (not for a pyenv in PATH).
const PYTHON: &str = "/usr/bin/python3";

/// A CA and a server certificate for `localhost` signed by it (PEM files in `dir`).
struct TestCa {
    dir: TempDir,
}

impl TestCa {
    fn new() -> TestCa {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let dir = tempfile::tempdir().unwrap();
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "Relay SMTP uji CA");
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&key, &issuer)
            .unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca_cert.pem()).unwrap();
        std::fs::write(dir.path().join("smtp.pem"), leaf.pem()).unwrap();
        std::fs::write(dir.path().join("smtp.key"), key.serialize_pem()).unwrap();
        TestCa { dir }
    }

    fn ca_pem(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }
}

/// aiosmtpd on a free loopback port; killed (by its own handle) when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: TempDir,
}

impl SmtpServer {
    fn start(ca: &TestCa, security: SmtpSecurity) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("maildir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let (cert_flag, key_flag) = match security {
            SmtpSecurity::StartTls => ("--tlscert", "--tlskey"),
            SmtpSecurity::Tls => ("--smtpscert", "--smtpskey"),
            SmtpSecurity::Plain => unreachable!("the tests use TLS"),
        };
        let mut child = Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .arg(cert_flag)
            .arg(ca.dir.path().join("smtp.pem"))
            .arg(key_flag)
            .arg(ca.dir.path().join("smtp.key"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{PYTHON} -m aiosmtpd (apt: python3-aiosmtpd): {e}"));
        // Listening once a TCP connection is accepted (at most ~20 s on a loaded machine).
        for _ in 0..200 {
            if let Some(status) = child.try_wait().unwrap() {
                let mut err = String::new();
                use std::io::Read;
                child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .unwrap();
                panic!("aiosmtpd stopped ({status}): {err}");
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return SmtpServer {
                    child,
                    port,
                    maildir,
                    _dir: dir,
                };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        panic!("aiosmtpd did not listen on 127.0.0.1:{port}");
    }

    /// The messages received so far, as stored (headers and encoded body).
    fn messages(&self) -> Vec<String> {
        match std::fs::read_dir(self.maildir.join("new")) {
            Ok(entries) => entries
                .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The body of a stored message, its Content-Transfer-Encoding undone.
fn body_text(message: &str) -> String {
    let (head, body) = message
        .split_once("\n\n")
        .or_else(|| message.split_once("\r\n\r\n"))
        .unwrap();
    let head = head.to_ascii_lowercase();
    if head.contains("content-transfer-encoding: base64") {
        use base64::Engine;
        let clean: String = body.split_whitespace().collect();
        return String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(clean)
                .unwrap(),
        )
        .unwrap();
    }
    if !head.contains("content-transfer-encoding: quoted-printable") {
        return body.to_owned();
    }
    // Quoted-printable: soft line breaks go, =XX become bytes.
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        if bytes[i] == b'='
            && let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn smtp_config(relay: &SmtpServer, security: SmtpSecurity, trust: Option<PathBuf>) -> SmtpConfig {
    let mut c = SmtpConfig::new("localhost", "e-Nofa Online <noreply@kpp.example>");
    c.port = Some(relay.port);
    c.security = security;
    c.extra_ca = trust;
    c
}

async fn start(dir: &Path, smtp: SmtpConfig) -> RunningServer {
    server::start(ServerConfig {
        smtp: Some(smtp),
        ..ServerConfig::demo(dir)
    })
    .await
    .unwrap()
}

/// Lupa Password in `lang`: (status, page).
async fn ask_link(
    s: &RunningServer,
    c: &reqwest::Client,
    p: &Pkp,
    lang: &str,
) -> (StatusCode, String) {
    let page = c
        .get(format!("{}/lupa-password?lang={lang}", s.web_url))
        .send()
        .await
        .unwrap();
    let (pre, _) = set_cookie(&page, "__Host-enofa_pra").unwrap();
    let csrf = input_value(&page.text().await.unwrap(), "name=\"csrf\"");
    let r = c
        .post(format!("{}/lupa-password?lang={lang}", s.web_url))
        .header(COOKIE, &pre)
        .form_pairs(&[
            ("csrf", csrf.as_str()),
            ("npwp", p.npwp.digits()),
            ("kode", &p.kode),
            ("email", &p.email),
        ])
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// Open reset links of the state directory's database.
fn open_links(dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("enofa.sqlite")).unwrap();
    conn.query_row(
        "SELECT count(*) FROM password_reset WHERE used_at IS NULL",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lupa_password_link_goes_through_smtp_with_starttls_and_resets_the_password() {
    let ca = TestCa::new();
    let relay = SmtpServer::start(&ca, SmtpSecurity::StartTls);
    let dir = tempfile::tempdir().unwrap();
    let s = start(
        dir.path(),
        smtp_config(&relay, SmtpSecurity::StartTls, Some(ca.ca_pem())),
    )
    .await;
    let mut p = new_pkp(dir.path(), "PT SURAT SENTOSA", "pajak@surat.example");
    let c = http(&s);

    // Asked on the English page: the mail is in English too.
    let (status, page) = ask_link(&s, &c, &p, "en").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("a link to set a new password was sent"),
        "{page}"
    );
    let mails = relay.messages();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert!(mail.contains("X-RcptTo: pajak@surat.example"), "{mail}");
    assert!(mail.contains("noreply@kpp.example"), "{mail}");
    assert!(
        mail.contains("Subject: e-Nofa Online: Forgot password link"),
        "{mail}"
    );
    let body = body_text(mail);
    assert!(body.contains("Dear PT SURAT SENTOSA"), "{body}");
    // SMTP configured: nothing goes to the mail folder.
    assert!(!dir.path().join("mail").exists());

    // The link from the received mail sets a new password, once.
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/reset-password?token="))
        .unwrap_or_else(|| panic!("no link in {body}"))
        .to_owned();
    assert!(link.starts_with(&s.web_url), "{link}");
    let form = c.get(&link).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let (pre, _) = set_cookie(&form, "__Host-enofa_pra").unwrap();
    let html = form.text().await.unwrap();
    let (csrf, token) = (
        input_value(&html, "name=\"csrf\""),
        input_value(&html, "name=\"token\""),
    );
    let done = c
        .post(format!("{}/reset-password", s.web_url))
        .header(COOKIE, &pre)
        .form_pairs(&[
            ("csrf", csrf.as_str()),
            ("token", &token),
            ("baru", "password-lewat-smtp"),
            ("ulang", "password-lewat-smtp"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(done.headers()[LOCATION], "/login?reset=1");
    p.password = "password-lewat-smtp".into();
    http_login(&s, &c, &p).await;

    // The relay is gone: the page says so in plain words, the link made for it is withdrawn.
    let before = open_links(dir.path());
    drop(relay);
    let (status, page) = ask_link(&s, &c, &p, "id").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{page}");
    assert!(
        page.contains("layanan email e-Nofa sedang tidak dapat dihubungi"),
        "{page}"
    );
    assert!(page.contains("Coba kirim lagi"), "{page}");
    // No internal detail (relay address, lettre's error) reaches the page.
    assert!(
        !page.contains("localhost:") && !page.contains("Connection refused"),
        "{page}"
    );
    assert_eq!(open_links(dir.path()), before);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_certificate_not_from_a_trusted_ca_is_refused() {
    let ca = TestCa::new();
    let relay = SmtpServer::start(&ca, SmtpSecurity::Tls);
    let dir = tempfile::tempdir().unwrap();
    let p = new_pkp(dir.path(), "PT RELAY ASING", "pajak@asing.example");

    // Implicit TLS to a relay whose CA the service was not told to trust: nothing is sent.
    let s = start(dir.path(), smtp_config(&relay, SmtpSecurity::Tls, None)).await;
    let (status, page) = ask_link(&s, &http(&s), &p, "en").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{page}");
    assert!(page.contains("mail service cannot be reached"), "{page}");
    assert!(relay.messages().is_empty());
    assert_eq!(open_links(dir.path()), 0);
    s.shutdown().await;

    // The same relay with its CA trusted (--smtp-ca-file): the mail arrives.
    let s = start(
        dir.path(),
        smtp_config(&relay, SmtpSecurity::Tls, Some(ca.ca_pem())),
    )
    .await;
    let (status, page) = ask_link(&s, &http(&s), &p, "id").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mails = relay.messages();
    assert_eq!(mails.len(), 1);
    assert!(body_text(&mails[0]).contains("Yth. PT RELAY ASING"));
    assert_eq!(open_links(dir.path()), 1);
    s.shutdown().await;
}

/// `enofa-server serve` refuses SMTP settings that would send in clear or could never log in,
/// with what to do, before it listens.
#[test]
fn serve_refuses_smtp_settings_that_cannot_work() {
    let dir = tempfile::tempdir().unwrap();
    let refusal = |extra: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_enofa-server"))
            .arg("--state")
            .arg(dir.path())
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--public-listen",
                "127.0.0.1:0",
            ])
            .args(["--web-listen", "127.0.0.1:0"])
            .args(extra)
            .env_remove("ENOFA_SMTP_PASSWORD")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A refusal ends the process at once; one that serves is stopped and reported.
        for _ in 0..300 {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(!status.success());
                let mut err = String::new();
                use std::io::Read;
                child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .unwrap();
                return err;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("enofa-server serve {extra:?} started instead of refusing");
    };
    let plain = refusal(&[
        "--smtp-host",
        "relay.kpp.example",
        "--smtp-from",
        "noreply@kpp.example",
        "--smtp-security",
        "plain",
    ]);
    assert!(plain.contains("SMTP tanpa TLS hanya diizinkan"), "{plain}");
    assert!(
        plain.contains("Pilih --smtp-security starttls atau tls"),
        "{plain}"
    );
    let no_password = refusal(&[
        "--smtp-host",
        "relay.kpp.example",
        "--smtp-from",
        "noreply@kpp.example",
        "--smtp-username",
        "enofa",
    ]);
    assert!(no_password.contains("ENOFA_SMTP_PASSWORD"), "{no_password}");
    let no_from = refusal(&["--smtp-host", "relay.kpp.example"]);
    assert!(no_from.contains("memerlukan --smtp-from"), "{no_from}");
}
