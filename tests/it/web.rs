//! e-Nofa Online web pages (issue #12) in headless Chromium against a real enofa-server (TLS on
//! 127.0.0.1, its CA trusted through the browser's NSS database, demo mode for the captcha
//! answers). One browser for the whole file; each step is a function. Header and cookie
//! details, and requests a browser would not send (forged forms), go through reqwest.

use std::path::Path;

use efaktur::cert::{Identity, P12Encryption, Secret};
use efaktur::domain::Npwp;
use efaktur::enofa::EnofaClient;
use efaktur::enofa::server::{self, RunningServer, ServerConfig, operator};
use reqwest::StatusCode;
use reqwest::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE,
};
use tempfile::TempDir;

use crate::web_browser::Browser;

/// A PKP account made by the operator command, as its letter gives it.
pub(crate) struct Pkp {
    pub(crate) npwp: Npwp,
    pub(crate) nama: String,
    pub(crate) email: String,
    pub(crate) password: String,
    pub(crate) kode: String,
}

pub(crate) fn fresh_npwp() -> Npwp {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(52_000_000);
    loop {
        let body = NEXT.fetch_add(1, Ordering::SeqCst);
        for check in 0..10 {
            if let Ok(n) = Npwp::parse(&format!("{body:08}{check}411000")) {
                return n;
            }
        }
    }
}

pub(crate) fn new_pkp(dir: &Path, nama: &str, email: &str) -> Pkp {
    let npwp = fresh_npwp();
    let made = operator::pkp_add(dir, npwp.digits(), nama, "JL. UJI 1", email).unwrap();
    Pkp {
        npwp,
        nama: nama.into(),
        email: email.into(),
        password: made.password.expose().into(),
        kode: made.kode_aktivasi.expose().into(),
    }
}

async fn login(s: &RunningServer, b: &Browser, npwp: &str, password: &str) {
    b.goto(&format!("{}/login", s.web_url)).await;
    b.fill("npwp", npwp).await;
    b.fill("password", password).await;
    let id = b.value("captcha-id").await;
    let answer = s
        .demo_captcha_answer(&id)
        .expect("demo mode shows the answer");
    b.fill("captcha", &answer).await;
    b.click("login").await;
}

/// `application/x-www-form-urlencoded` as a browser sends it (reqwest's `form` needs a feature
/// the app does not use).
pub(crate) trait FormPairs {
    fn form_pairs(self, pairs: &[(&str, &str)]) -> Self;
}

impl FormPairs for reqwest::RequestBuilder {
    fn form_pairs(self, pairs: &[(&str, &str)]) -> Self {
        let enc = |s: &str| {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        char::from(b).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        };
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
    }
}

/// An HTTP client trusting the service CA, following no redirects (we look at them).
pub(crate) fn http(s: &RunningServer) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&s.ca_pem).unwrap()])
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `name=value` of the cookie `name` among a response's `Set-Cookie` headers, and the whole header.
pub(crate) fn set_cookie(r: &reqwest::Response, name: &str) -> Option<(String, String)> {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| (v.split(';').next().unwrap().to_owned(), v.to_owned()))
}

/// The `value` of the input with `marker` (e.g. `name="csrf"`) in a page.
pub(crate) fn input_value(html: &str, marker: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {html}"));
    let rest = &html[at..];
    let v = &rest[rest.find("value=\"").unwrap() + 7..];
    v[..v.find('"').unwrap()].to_owned()
}

/// A login form fetched from `url` as a browser would: its pre-session cookie, form token,
/// captcha id, and the captcha's answer (which the demo server reveals to tests).
pub(crate) struct LoginForm {
    pub pre: String,
    pub csrf: String,
    pub id: String,
    pub answer: String,
}

pub(crate) async fn login_form(s: &RunningServer, c: &reqwest::Client, url: &str) -> LoginForm {
    let page = c.get(url).send().await.unwrap();
    let (pre, _) = set_cookie(&page, "__Host-enofa_pra").unwrap();
    let html = page.text().await.unwrap();
    let id = input_value(&html, "id=\"captcha-id\"");
    LoginForm {
        pre,
        csrf: input_value(&html, "name=\"csrf\""),
        answer: s.demo_captcha_answer(&id).unwrap(),
        id,
    }
}

/// Logs `p` in without a browser: (session cookie `name=value`, the session's form token).
pub(crate) async fn http_login(
    s: &RunningServer,
    c: &reqwest::Client,
    p: &Pkp,
) -> (String, String) {
    let LoginForm {
        pre,
        csrf,
        id,
        answer,
    } = login_form(s, c, &format!("{}/login", s.web_url)).await;
    let r = c
        .post(format!("{}/login", s.web_url))
        .header(COOKIE, &pre)
        .form_pairs(&[
            ("csrf", csrf.as_str()),
            ("npwp", p.npwp.digits()),
            ("password", &p.password),
            ("captcha_id", &id),
            ("captcha", &answer),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (session, header) = set_cookie(&r, "__Host-enofa_sesi").expect("session cookie");
    for part in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Max-Age=",
        "Path=/",
    ] {
        assert!(header.contains(part), "{header}");
    }
    let profile = c
        .get(format!("{}/pkp/profil", s.web_url))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(profile.status(), StatusCode::OK);
    let html = profile.text().await.unwrap();
    (session, input_value(&html, "name=\"csrf\""))
}

struct World {
    _dir: TempDir,
    dir: std::path::PathBuf,
    s: RunningServer,
    b: Browser,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e_nofa_online_pages_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let s = server::start(ServerConfig::demo(dir.path())).await.unwrap();
    let b = Browser::start(&s.ca_pem).await;
    let w = World {
        dir: dir.path().to_owned(),
        _dir: dir,
        s,
        b,
    };
    let a = new_pkp(&w.dir, "PT ALFA SENTOSA", "pajak@alfa.example");
    let other = new_pkp(&w.dir, "PT BETA JAYA", "pajak@beta.example");

    login_page_at_desktop_and_phone_width(&w).await;
    login_with_captcha_shows_home_and_profile(&w, &a).await;
    security_headers_and_cookies(&w).await;
    forged_forms_are_refused(&w, &a).await;
    one_pkp_cannot_reach_another(&w, &a, &other).await;
    session_expires(&w, &other).await;
    lockout_is_shared_with_the_api(&w).await;
    let a = lupa_password_mails_a_link(&w, a).await;
    ganti_password(&w, &a).await;
    reset_aplikasi_client_lets_the_desktop_register_again(&w).await;
    let pusat = administrasi_cabang_up_to_the_downloaded_certificate(&w, &other).await;
    officer_pages(&w).await;
    own_certificate_request_approved_by_the_officer(&w, &pusat).await;

    let World { s, b, _dir, .. } = w;
    b.close().await;
    s.shutdown().await;
}

async fn login_page_at_desktop_and_phone_width(w: &World) {
    w.b.goto(&format!("{}/login", w.s.web_url)).await;
    let text = w.b.text().await;
    assert!(text.contains("Selamat Datang di Aplikasi e-Nofa"), "{text}");
    assert!(text.contains("Lupa Password"), "{text}");
    w.b.shot("login-1280").await;
    w.b.size(390, 844).await;
    w.b.shot("login-390").await;
    w.b.size(1280, 800).await;
    w.b.goto(&format!("{}/login?lang=en", w.s.web_url)).await;
    assert!(w.b.text().await.contains("Welcome to e-Nofa"));
    w.b.shot("login-en").await;
    // The choice is remembered in a cookie until changed back.
    w.b.goto(&format!("{}/lupa-password", w.s.web_url)).await;
    assert!(w.b.text().await.contains("Forgot password"));
    w.b.goto(&format!("{}/login?lang=id", w.s.web_url)).await;
}

async fn login_with_captcha_shows_home_and_profile(w: &World, a: &Pkp) {
    // The 16-digit NPWP (0 + 15) of an account made with 15 digits logs in too.
    login(&w.s, &w.b, &a.npwp.npwp16(), &a.password).await;
    assert_eq!(w.b.path().await, "/pkp/home");
    let text = w.b.text().await;
    assert!(
        text.contains("Selamat Datang di Aplikasi e-Nofa Online"),
        "{text}"
    );
    w.b.shot("home").await;
    w.b.click("menu-profil").await;
    assert_eq!(w.b.path().await, "/pkp/profil");
    let text = w.b.text().await;
    for shown in [
        a.npwp.to_string().as_str(),
        &a.nama,
        &a.email,
        "Belum Registrasi",
    ] {
        assert!(text.contains(shown), "{shown} in {text}");
    }
    assert!(
        !text.contains(&a.kode),
        "the Kode Aktivasi is never shown again"
    );
    w.b.shot("profil-1280").await;
    w.b.size(390, 844).await;
    w.b.shot("profil-390").await;
    w.b.size(1280, 800).await;
    w.b.goto(&format!("{}/pkp/profil?lang=en", w.s.web_url))
        .await;
    assert!(w.b.text().await.contains("User profile"));
    w.b.shot("profil-en").await;
    w.b.goto(&format!("{}/pkp/profil?lang=id", w.s.web_url))
        .await;
}

async fn security_headers_and_cookies(w: &World) {
    let c = http(&w.s);
    let r = c
        .get(format!("{}/login", w.s.web_url))
        .send()
        .await
        .unwrap();
    let csp = r.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(
        !csp.contains("script-src") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
    let (_, pre) = set_cookie(&r, "__Host-enofa_pra").unwrap();
    for part in ["HttpOnly", "Secure", "SameSite=Strict", "Max-Age="] {
        assert!(pre.contains(part), "{pre}");
    }
    // Pages of a session need one.
    let r = c
        .get(format!("{}/pkp/profil", w.s.web_url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/login?habis=1");
    // Bodies past the limit are refused before they are read.
    let big = "x".repeat(64 * 1024);
    let r = c
        .post(format!("{}/login", w.s.web_url))
        .form_pairs(&[("csrf", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

async fn forged_forms_are_refused(w: &World, a: &Pkp) {
    let c = http(&w.s);
    let (session, csrf) = http_login(&w.s, &c, a).await;
    let change = |token: &str| {
        c.post(format!("{}/pkp/ganti-password", w.s.web_url))
            .header(COOKIE, &session)
            .form_pairs(&[
                ("csrf", token),
                ("lama", a.password.as_str()),
                ("baru", "dipalsukan-123"),
                ("ulang", "dipalsukan-123"),
            ])
            .send()
    };
    let r = change(&"0".repeat(32)).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Formulir ditolak"));
    assert_ne!(csrf, "0".repeat(32));
    // The login form's token must be the browser's own pre-login cookie.
    let r = c
        .post(format!("{}/login", w.s.web_url))
        .header(COOKIE, format!("__Host-enofa_pra={}", "1".repeat(32)))
        .form_pairs(&[
            ("csrf", "2".repeat(32).as_str()),
            ("npwp", a.npwp.digits()),
            ("password", &a.password),
            ("captcha_id", "x"),
            ("captcha", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A form another site makes the browser send carries no session (SameSite=Strict): the
    // browser, still logged in, lands on the login page and the password stays.
    let forged = format!(
        "data:text/html,<form method=post action=\"{}/pkp/ganti-password\"><input name=csrf value=x>\
         <input name=lama value=x><input name=baru value=dipalsukan-123><input name=ulang value=dipalsukan-123>\
         <button id=go>go</button></form>",
        w.s.web_url
    );
    w.b.goto(&forged).await;
    w.b.click("go").await;
    let path = w.b.path().await;
    assert!(path.starts_with("/login"), "{path}");
    w.b.goto(&format!("{}/pkp/home", w.s.web_url)).await;
    let (path, text) = (w.b.path().await, w.b.text().await);
    assert_eq!(
        path, "/pkp/home",
        "the browser's own session still works: {text}"
    );
}

async fn one_pkp_cannot_reach_another(w: &World, a: &Pkp, other: &Pkp) {
    // The browser leaves A and logs in as the other PKP; A logs in elsewhere (reqwest).
    w.b.goto(&format!("{}/pkp/profil", w.s.web_url)).await;
    w.b.click("logout").await;
    assert_eq!(w.b.path().await, "/login?keluar=1");
    login(&w.s, &w.b, other.npwp.digits(), &other.password).await;
    w.b.goto(&format!("{}/pkp/profil", w.s.web_url)).await;
    let text = w.b.text().await;
    assert!(
        text.contains(&other.nama) && !text.contains(&a.nama),
        "{text}"
    );
    let c = http(&w.s);
    let (a_session, a_csrf) = http_login(&w.s, &c, a).await;
    let other_csrf = w.b.value_of_csrf().await;
    assert_ne!(a_csrf, other_csrf);
    // A's session with the other PKP's form token (read off its page) changes nothing.
    let r = c
        .post(format!("{}/pkp/ganti-password", w.s.web_url))
        .header(COOKIE, &a_session)
        .form_pairs(&[
            ("csrf", other_csrf.as_str()),
            ("lama", other.password.as_str()),
            ("baru", "diambil-alih-1"),
            ("ulang", "diambil-alih-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A's own form token with its own session changes only A's password, checked against A's:
    // the other PKP's password is no key to it.
    let r = c
        .post(format!("{}/pkp/ganti-password", w.s.web_url))
        .header(COOKIE, &a_session)
        .form_pairs(&[
            ("csrf", a_csrf.as_str()),
            ("lama", other.password.as_str()),
            ("baru", "diambil-alih-1"),
            ("ulang", "diambil-alih-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("password e-Nofa salah") && html.contains(&a.nama),
        "{html}"
    );
    // The other PKP's page, in the browser, is still its own and its password unchanged.
    w.b.goto(&format!("{}/pkp/profil", w.s.web_url)).await;
    assert!(w.b.text().await.contains(&other.nama));
    // Clear A's failure so later steps start clean.
    let conn = rusqlite::Connection::open(w.dir.join("enofa.sqlite")).unwrap();
    conn.execute(
        "DELETE FROM failed_attempt WHERE npwp = ?1",
        [a.npwp.digits()],
    )
    .unwrap();
}

async fn session_expires(w: &World, other: &Pkp) {
    assert_eq!(w.b.path().await, "/pkp/profil");
    // Half an hour without a request, as the state database records it.
    let conn = rusqlite::Connection::open(w.dir.join("enofa.sqlite")).unwrap();
    let n = conn
        .execute(
            "UPDATE web_session SET expires_at = '2000-01-01T00:00:00Z' WHERE npwp = ?1",
            [other.npwp.digits()],
        )
        .unwrap();
    assert_eq!(n, 1);
    w.b.goto(&format!("{}/pkp/profil", w.s.web_url)).await;
    assert_eq!(w.b.path().await, "/login?habis=1");
    let text = w.b.text().await;
    assert!(text.contains("Sesi Anda telah berakhir"), "{text}");
    w.b.shot("sesi-berakhir").await;
}

async fn lockout_is_shared_with_the_api(w: &World) {
    let l = new_pkp(&w.dir, "PT KUNCI", "");
    let (_, p12) = operator::cert_issue(
        &w.dir,
        l.npwp.digits(),
        "rahasia-p12",
        P12Encryption::default(),
    )
    .unwrap();
    for _ in 0..5 {
        login(&w.s, &w.b, l.npwp.digits(), "bukan-passwordnya").await;
        let text = w.b.text().await;
        assert!(
            text.contains("ETAX-40005 : NPWP, password atau captcha salah"),
            "{text}"
        );
    }
    // The right password no longer helps, here…
    login(&w.s, &w.b, l.npwp.digits(), &l.password).await;
    assert!(w.b.path().await.starts_with("/login"));
    let text = w.b.text().await;
    assert!(text.contains("terlalu banyak"), "{text}");
    w.b.shot("login-terkunci").await;
    // …nor on the API: the same counters.
    let identity = Identity::from_p12(&p12, "rahasia-p12").unwrap();
    let client = EnofaClient::new(&w.s.api_url, &w.s.ca_pem, &identity).unwrap();
    let cap = client.captcha().await.unwrap();
    let answer = w.s.demo_captcha_answer(&cap.id).unwrap();
    let refused = client
        .register(
            &l.npwp,
            &Secret::new(l.kode.clone()),
            &cap.id,
            &answer,
            &Secret::new(l.password.clone()),
        )
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("terlalu banyak"), "{refused}");
}

async fn lupa_password_mails_a_link(w: &World, mut a: Pkp) -> Pkp {
    w.b.goto(&format!("{}/lupa-password", w.s.web_url)).await;
    w.b.fill("npwp", &a.npwp.to_string()).await;
    w.b.fill("kode", &a.kode).await;
    w.b.fill("email", &a.email.to_uppercase()).await;
    w.b.click("kirim").await;
    let text = w.b.text().await;
    assert!(
        text.contains("tautan untuk membuat password baru telah dikirim"),
        "{text}"
    );
    w.b.shot("lupa-password").await;
    let mails: Vec<_> = std::fs::read_dir(w.dir.join("mail"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].starts_with(&format!("To: {}\r\n", a.email)),
        "{}",
        mails[0]
    );
    let link = mails[0]
        .split_whitespace()
        .find(|w| w.contains("/reset-password?token="))
        .unwrap()
        .to_owned();
    w.b.goto(&link).await;
    w.b.fill("baru", "password-baru-1").await;
    w.b.fill("ulang", "password-baru-1").await;
    w.b.shot("password-baru").await;
    w.b.click("simpan").await;
    assert_eq!(w.b.path().await, "/login?reset=1");
    // The link works once.
    w.b.goto(&link).await;
    assert!(w.b.text().await.contains("Tautan tidak berlaku"));
    a.password = "password-baru-1".into();
    login(&w.s, &w.b, a.npwp.digits(), &a.password).await;
    assert_eq!(w.b.path().await, "/pkp/home");
    a
}

async fn ganti_password(w: &World, a: &Pkp) {
    w.b.goto(&format!("{}/pkp/profil", w.s.web_url)).await;
    w.b.fill("lama", &a.password).await;
    w.b.fill("baru", "password-baru-2").await;
    w.b.fill("ulang", "password-baru-2").await;
    w.b.click("simpan-password").await;
    let text = w.b.text().await;
    assert!(text.contains("Password berhasil diganti"), "{text}");
    w.b.shot("ganti-password").await;
    w.b.click("logout").await;
    login(&w.s, &w.b, a.npwp.digits(), "password-baru-2").await;
    assert_eq!(w.b.path().await, "/pkp/home");
}

async fn reset_aplikasi_client_lets_the_desktop_register_again(w: &World) {
    let r = new_pkp(&w.dir, "PT REGISTRASI ULANG", "");
    let (_, p12) = operator::cert_issue(
        &w.dir,
        r.npwp.digits(),
        "rahasia-p12",
        P12Encryption::default(),
    )
    .unwrap();
    let identity = Identity::from_p12(&p12, "rahasia-p12").unwrap();
    let client = EnofaClient::new(&w.s.api_url, &w.s.ca_pem, &identity).unwrap();
    let register = |kode: String| {
        let client = &client;
        let (s, npwp, password) = (&w.s, r.npwp.clone(), r.password.clone());
        async move {
            let cap = client.captcha().await.unwrap();
            let answer = s.demo_captcha_answer(&cap.id).unwrap();
            client
                .register(
                    &npwp,
                    &Secret::new(kode),
                    &cap.id,
                    &answer,
                    &Secret::new(password),
                )
                .await
        }
    };
    register(r.kode.clone()).await.unwrap();

    w.b.click("logout").await;
    login(&w.s, &w.b, r.npwp.digits(), &r.password).await;
    w.b.click("menu-reset").await;
    assert_eq!(w.b.path().await, "/pkp/reset-aplikasi");
    assert!(w.b.text().await.contains("Aplikasi eFaktur Desktop aktif"));
    w.b.shot("reset-aplikasi").await;
    w.b.fill("kode", &r.kode).await;
    w.b.fill("password", &r.password).await;
    w.b.click("reset-aplikasi").await;
    let new_kode =
        w.b.client
            .find(fantoccini::Locator::Id("p-kode"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
    assert_eq!(new_kode.len(), 19, "{new_kode}");
    assert_ne!(new_kode, r.kode);
    let text = w.b.text().await;
    assert!(
        text.contains("Reset berhasil") && text.contains("Belum Registrasi"),
        "{text}"
    );
    w.b.shot("reset-aplikasi-kode-baru").await;
    // The desktop client library registers again with the new code; the old one is spent.
    let old = register(r.kode.clone()).await.unwrap_err();
    assert!(old.to_string().contains("Kode Aktivasi"), "{old}");
    let again = register(new_kode).await.unwrap();
    assert_eq!(again.profile.status_aplikasi, "Aktif");
    // Shown once: Profile User does not show it again.
    w.b.click("menu-profil").await;
    assert!(w.b.text().await.contains("disimpan hanya sebagai hash"));
}

async fn administrasi_cabang_up_to_the_downloaded_certificate(w: &World, other: &Pkp) -> Pkp {
    let p = new_pkp(&w.dir, "PT PUSAT CABANG", "pusat@pusat.example");
    let branch = Npwp::parse(&format!("{}411001", &p.npwp.digits()[..9])).unwrap();
    let b = branch.digits().to_owned();
    w.b.click("logout").await;
    login(&w.s, &w.b, p.npwp.digits(), &p.password).await;
    w.b.click("menu-cabang").await;
    assert!(w.b.text().await.contains("Belum ada cabang yang direkam"));
    // Tambah Cabang: waits for the KPP's confirmation of the SK Pemusatan.
    w.b.fill("npwp", &branch.to_string()).await;
    w.b.fill("nomor_sk", "KEP-00003.PKP/WPJ.07/KP.0503/2015")
        .await;
    w.b.fill("tanggal_sk", "04/02/2015").await;
    w.b.fill("email", "cabang@pusat.example").await;
    w.b.fill("password", "uploader-cabang-1").await;
    w.b.click("tambah").await;
    let text = w.b.text().await;
    assert!(
        text.contains("Menunggu Persetujuan KPP") && text.contains("Tidak Terdaftar"),
        "{text}"
    );
    // The KPP officer confirms it (the operator command's function).
    operator::cabang_approve(&w.dir, &b).unwrap();
    w.b.click("menu-cabang").await;
    w.b.click(&format!("kode-{b}")).await;
    let kode = w.b.element_text("kode-baru").await;
    assert_eq!(kode.len(), 19, "{kode}");
    assert!(w.b.text().await.contains("Belum Aktif"));
    w.b.shot("cabang-kode-aktivasi").await;
    // Permohonan: the terms must be accepted; the passphrase typed twice.
    w.b.click(&format!("minta-{b}")).await;
    w.b.shot("cabang-permohonan-sertifikat").await;
    w.b.fill("passphrase", "passphrase-cabang").await;
    w.b.fill("ulang", "passphrase-cabang").await;
    w.b.click("ajukan").await;
    assert!(w.b.text().await.contains("Setujui syarat dan ketentuan"));
    w.b.click_only("setuju").await;
    w.b.fill("passphrase", "passphrase-cabang").await;
    w.b.fill("ulang", "passphrase-cabang").await;
    w.b.click("ajukan").await;
    let text = w.b.text().await;
    assert!(
        text.contains("Permohonan sertifikat terkirim") && text.contains("Dalam Proses"),
        "{text}"
    );
    w.b.shot("cabang-1280").await;
    w.b.size(390, 844).await;
    w.b.shot("cabang-390").await;
    w.b.size(1280, 800).await;
    // The passphrase is nowhere in the state database.
    let db = std::fs::read(w.dir.join("enofa.sqlite")).unwrap();
    let wal = std::fs::read(w.dir.join("enofa.sqlite-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(!bytes.windows(17).any(|x| x == b"passphrase-cabang"));
    }
    // Another PKP's session learns and changes nothing of this branch.
    let c = http(&w.s);
    let (session, csrf) = http_login(&w.s, &c, other).await;
    for path in ["sertifikat", "unduh", "ubah"] {
        let r = c
            .get(format!("{}/pkp/cabang/{b}/{path}", w.s.web_url))
            .header(COOKIE, &session)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let r = c
        .post(format!("{}/pkp/cabang/{b}/kode", w.s.web_url))
        .header(COOKIE, &session)
        .form_pairs(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The officer approves the certificate; the head office downloads `<npwp>.p12`.
    operator::cabang_approve_cert(&w.dir, &b).unwrap();
    w.b.click("menu-cabang").await;
    assert!(w.b.text().await.contains("Siap Diunduh"));
    let p12 =
        w.b.download(&format!("unduh-{b}"), &format!("{b}.p12"))
            .await;
    let identity = Identity::from_p12(&p12, "passphrase-cabang").unwrap();
    assert_eq!(
        identity.info().npwp.as_ref().map(|n| n.digits()),
        Some(b.as_str())
    );
    assert!(Identity::from_p12(&p12, "bukan-passphrase").is_err());
    // Ubah: a new email keeps the KPP's approval; a new SK Pemusatan waits for it again.
    w.b.click(&format!("ubah-{b}")).await;
    w.b.fill("email", "cabang-baru@pusat.example").await;
    w.b.shot("cabang-ubah").await;
    w.b.click("simpan-ubah").await;
    let text = w.b.text().await;
    assert!(
        text.contains("cabang-baru@pusat.example") && text.contains("Disetujui KPP"),
        "{text}"
    );
    w.b.click(&format!("ubah-{b}")).await;
    w.b.fill("nomor_sk", "KEP-00004.PKP/WPJ.07/KP.0503/2016")
        .await;
    w.b.click("simpan-ubah").await;
    assert!(w.b.text().await.contains("Menunggu Persetujuan KPP"));
    // Permintaan NSFP needs the PKP's certificate in the browser; this one has none.
    w.b.goto(&format!("{}/pkp/nsfp", w.s.web_url)).await;
    let text = w.b.text().await;
    assert!(
        text.contains("Sertifikat elektronik PKP tidak dikirim oleh browser"),
        "{text}"
    );
    assert!(!text.contains("Data Pemohon"));
    w.b.shot("nsfp-tanpa-sertifikat").await;
    p
}

async fn officer_pages(w: &World) {
    let password = operator::officer_add(&w.dir, "petugas.kpp").unwrap();
    w.b.goto(&format!("{}/kpp/login", w.s.web_url)).await;
    w.b.shot("kpp-login").await;
    w.b.fill("username", "petugas.kpp").await;
    w.b.fill("password", password.expose()).await;
    let id = w.b.value("captcha-id").await;
    w.b.fill("captcha", &w.s.demo_captcha_answer(&id).unwrap())
        .await;
    w.b.click("kpp-login").await;
    assert_eq!(w.b.path().await, "/kpp");
    // Rekam Akun PKP: the letter is shown once and its password logs in.
    let npwp = fresh_npwp();
    w.b.fill("npwp", npwp.digits()).await;
    w.b.fill("nama", "PT DIREKAM PETUGAS").await;
    w.b.fill("alamat", "JL. KPP 1").await;
    w.b.click("rekam-pkp").await;
    let letter_password = w.b.element_text("surat-password").await;
    let kode = w.b.element_text("surat-kode").await;
    assert_eq!(kode.len(), 19, "{kode}");
    w.b.shot("kpp-surat-kode-aktivasi").await;
    let q = Pkp {
        npwp: npwp.clone(),
        nama: "PT DIREKAM PETUGAS".into(),
        email: String::new(),
        password: letter_password,
        kode,
    };
    let c = http(&w.s);
    let (session, csrf) = http_login(&w.s, &c, &q).await;
    // A PKP session is no officer session.
    let r = c
        .get(format!("{}/kpp", w.s.web_url))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/kpp/login");
    // The new PKP adds a branch; the officer confirms it in the browser.
    let branch = Npwp::parse(&format!("{}411002", &npwp.digits()[..9])).unwrap();
    let b = branch.digits().to_owned();
    let post = |path: String, pairs: Vec<(&'static str, String)>| {
        let pairs: Vec<(&str, String)> = pairs;
        let c = &c;
        let session = session.clone();
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post(format!("{}{path}", w.s.web_url))
                .header(COOKIE, session)
                .form_pairs(&pairs)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let added = post(
        "/pkp/cabang".into(),
        vec![
            ("csrf", csrf.clone()),
            ("npwp", b.clone()),
            ("nomor_sk", "KEP-1/2026".into()),
            ("tanggal_sk", "01/02/2026".into()),
            ("password", "uploader-cabang-2".into()),
        ],
    )
    .await;
    assert_eq!(added, StatusCode::OK);
    w.b.goto(&format!("{}/kpp", w.s.web_url)).await;
    w.b.shot("kpp-beranda").await;
    w.b.click(&format!("setujui-cabang-{b}")).await;
    assert!(w.b.text().await.contains(&format!("cabang {b} disetujui")));
    // Its certificate request: the officer refuses it.
    let asked = post(
        format!("/pkp/cabang/{b}/sertifikat"),
        vec![
            ("csrf", csrf.clone()),
            ("setuju", "ya".into()),
            ("passphrase", "passphrase-cabang-2".into()),
            ("ulang", "passphrase-cabang-2".into()),
        ],
    )
    .await;
    assert_eq!(asked, StatusCode::OK);
    w.b.goto(&format!("{}/kpp", w.s.web_url)).await;
    w.b.click(&format!("tolak-sertifikat-{b}")).await;
    assert!(w.b.text().await.contains("ditolak"));
    // Cabut Sertifikat: a certificate of the PKP, revoked by serial.
    let (serial, _) = operator::cert_issue(
        &w.dir,
        npwp.digits(),
        "rahasia-p12",
        P12Encryption::default(),
    )
    .unwrap();
    w.b.fill("serial", &serial).await;
    w.b.click("cabut").await;
    assert!(
        w.b.text()
            .await
            .contains(&format!("sertifikat serial {serial} dicabut"))
    );
    let conn = rusqlite::Connection::open(w.dir.join("enofa.sqlite")).unwrap();
    let status: String = conn
        .query_row(
            "SELECT status FROM certificate WHERE serial = ?1",
            [&serial],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "revoked");
    w.b.shot("kpp-cabut").await;
    // The officer's page in English (every label: tests/it/web_kpp_lang.rs), then back.
    w.b.goto(&format!("{}/kpp?lang=en", w.s.web_url)).await;
    assert!(w.b.text().await.contains("Revoke a certificate"));
    w.b.shot("kpp-beranda-en").await;
    w.b.goto(&format!("{}/kpp?lang=id", w.s.web_url)).await;
}

/// Permintaan Sertifikat Digital → Dalam Proses → the officer approves on /kpp → Download
/// Sertifikat Digital `<npwp>.p12`, which opens with the passphrase. The browser holds the
/// head office's session and the officer's at once (separate cookies).
async fn own_certificate_request_approved_by_the_officer(w: &World, p: &Pkp) {
    w.b.goto(&format!("{}/pkp/sertifikat", w.s.web_url)).await;
    assert_eq!(w.b.element_text("status-sertifikat").await, "Belum Diminta");
    w.b.click_only("setuju").await;
    w.b.fill("passphrase", "passphrase-pusat").await;
    w.b.fill("ulang", "passphrase-pusat").await;
    w.b.click("ajukan").await;
    assert_eq!(w.b.element_text("status-sertifikat").await, "Dalam Proses");
    w.b.shot("sertifikat-permohonan").await;
    w.b.click("menu-unduh").await;
    assert!(
        w.b.text()
            .await
            .contains("belum ada sertifikat yang disetujui KPP")
    );
    let n = p.npwp.digits().to_owned();
    w.b.goto(&format!("{}/kpp", w.s.web_url)).await;
    w.b.click(&format!("setujui-sertifikat-{n}")).await;
    assert!(w.b.text().await.contains("disetujui"));
    w.b.goto(&format!("{}/pkp/sertifikat", w.s.web_url)).await;
    assert_eq!(w.b.element_text("status-sertifikat").await, "Siap Diunduh");
    w.b.shot("sertifikat-siap-diunduh").await;
    let p12 = w.b.download("unduh-sertifikat", &format!("{n}.p12")).await;
    let identity = Identity::from_p12(&p12, "passphrase-pusat").unwrap();
    assert_eq!(
        identity.info().npwp.as_ref().map(|x| x.digits()),
        Some(n.as_str())
    );
}
