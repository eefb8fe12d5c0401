//! The KPP officer's pages in English (issue #12): every page and every outcome of an action,
//! rendered once in Bahasa Indonesia and once in English from the same kind of data, compared
//! text by text. A text node (or label attribute) that is the same in both languages and has a
//! word that is not data (NPWP, names, serials) nor language-neutral is an Indonesian label the
//! English page forgot. Over HTTPS with reqwest; Chromium covers the pages in `web.rs`.

use std::collections::HashSet;
use std::path::Path;

use efaktur::cert::P12Encryption;
use efaktur::domain::Npwp;
use efaktur::enofa::server::{self, RunningServer, ServerConfig, operator};
use reqwest::StatusCode;
use reqwest::header::COOKIE;

use crate::web::{
    FormPairs, LoginForm, Pkp, http, http_login, input_value, login_form, new_pkp, set_cookie,
};

/// Texts that are the same word in both languages (product names, the language links).
const NEUTRAL: &[&str] = &[
    "e-faktur",
    "Password",
    "Captcha",
    "Email",
    "Bahasa Indonesia",
    "English",
    "·",
];

/// The visible texts of a page: text nodes and the attributes that label something.
fn texts(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let text = rest[..open].trim();
        if !text.is_empty() {
            out.push(text.to_owned());
        }
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open..open + close];
        for attr in ["data-label=\"", "alt=\"", "aria-label=\"", "placeholder=\""] {
            if let Some(at) = tag.find(attr) {
                let v = &tag[at + attr.len()..];
                out.push(v[..v.find('"').unwrap_or(v.len())].to_owned());
            }
        }
        rest = &rest[open + close + 1..];
    }
    let tail = rest.trim();
    if !tail.is_empty() {
        out.push(tail.to_owned());
    }
    out
}

/// Texts of `en` also in `id` with a word that is neither data nor neutral.
fn untranslated(id: &str, en: &str, data: &HashSet<String>) -> Vec<String> {
    let in_id: HashSet<String> = texts(id).into_iter().collect();
    let is_label_word = |w: &str| {
        w.chars().count() >= 2
            && w.chars().all(|c| c.is_alphabetic())
            && !data.contains(&w.to_lowercase())
    };
    texts(en)
        .into_iter()
        .filter(|t| in_id.contains(t) && !NEUTRAL.contains(&t.as_str()))
        .filter(|t| {
            t.split(|c: char| c.is_whitespace() || ",.:;()/".contains(c))
                .any(is_label_word)
        })
        .collect()
}

/// The pair of pages must be one page in two languages.
fn same_page_two_languages(what: &str, id: &str, en: &str, data: &HashSet<String>) {
    assert!(id.contains("<html lang=\"id\""), "{what} (id): {id}");
    assert!(en.contains("<html lang=\"en\""), "{what} (en): {en}");
    let left = untranslated(id, en, data);
    assert!(
        left.is_empty(),
        "{what}: Indonesian left on the English page: {left:?}\n{en}"
    );
}

struct Officer {
    cookie: String,
    csrf: String,
}

/// GET `path` in `lang` (with `cookie`): the page.
async fn get(
    s: &RunningServer,
    c: &reqwest::Client,
    path: &str,
    lang: &str,
    cookie: &str,
) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    let r = c
        .get(format!("{}{path}{sep}lang={lang}", s.web_url))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    r.text().await.unwrap()
}

/// POST `pairs` to `path` in `lang` as `officer`: (status, page).
async fn post(
    s: &RunningServer,
    c: &reqwest::Client,
    o: &Officer,
    path: &str,
    lang: &str,
    pairs: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut all = vec![("csrf", o.csrf.as_str())];
    all.extend_from_slice(pairs);
    let r = c
        .post(format!("{}{path}?lang={lang}", s.web_url))
        .header(COOKIE, &o.cookie)
        .form_pairs(&all)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// Logs the officer in over HTTP; with a wrong password returns the refusal page instead.
async fn officer_login(
    s: &RunningServer,
    c: &reqwest::Client,
    username: &str,
    password: &str,
    lang: &str,
) -> Result<Officer, String> {
    let LoginForm {
        pre,
        csrf,
        id,
        answer,
    } = login_form(s, c, &format!("{}/kpp/login?lang={lang}", s.web_url)).await;
    let r = c
        .post(format!("{}/kpp/login?lang={lang}", s.web_url))
        .header(COOKIE, &pre)
        .form_pairs(&[
            ("csrf", csrf.as_str()),
            ("username", username),
            ("password", password),
            ("captcha_id", &id),
            ("captcha", &answer),
        ])
        .send()
        .await
        .unwrap();
    let Some((cookie, _)) = set_cookie(&r, "__Host-enofa_kpp") else {
        return Err(r.text().await.unwrap());
    };
    let home = get(s, c, "/kpp", lang, &cookie).await;
    Ok(Officer {
        csrf: input_value(&home, "name=\"csrf\""),
        cookie,
    })
}

/// A PKP with a pending branch (`cabang`) and a pending request for its own certificate.
async fn pkp_with_requests(
    s: &RunningServer,
    c: &reqwest::Client,
    dir: &Path,
    nama: &str,
) -> (Pkp, String) {
    let p = new_pkp(dir, nama, "");
    let (session, csrf) = http_login(s, c, &p).await;
    let cabang = Npwp::parse(&format!("{}411002", &p.npwp.digits()[..9])).unwrap();
    let send = |path: &'static str, pairs: Vec<(&'static str, String)>| {
        let session = session.clone();
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post(format!("{}{path}", s.web_url))
                .header(COOKIE, session)
                .form_pairs(&pairs)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let added = send(
        "/pkp/cabang",
        vec![
            ("csrf", csrf.clone()),
            ("npwp", cabang.digits().to_owned()),
            ("nomor_sk", "KEP-9/2026".into()),
            ("tanggal_sk", "01/02/2026".into()),
            ("password", "uploader-cabang-9".into()),
        ],
    )
    .await;
    assert_eq!(added, StatusCode::OK);
    let asked = send(
        "/pkp/sertifikat",
        vec![
            ("csrf", csrf),
            ("setuju", "ya".into()),
            ("passphrase", "passphrase-bahasa".into()),
            ("ulang", "passphrase-bahasa".into()),
        ],
    )
    .await;
    assert_eq!(asked, StatusCode::OK);
    (p, cabang.digits().to_owned())
}

/// The serial of the pending certificate request of `npwp`.
fn pending_serial(dir: &Path, npwp: &Npwp) -> String {
    let conn = rusqlite::Connection::open(dir.join("enofa.sqlite")).unwrap();
    conn.query_row(
        "SELECT serial FROM certificate WHERE status = 'pending' AND npwp IN (?1, ?2)",
        [npwp.digits(), &npwp.to_string()],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_officer_page_in_english_has_no_indonesian_label_left() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = server::start(ServerConfig::demo(dir)).await.unwrap();
    let c = http(&s);
    let password = operator::officer_add(dir, "petugas.bahasa").unwrap();
    let mut data: HashSet<String> = ["petugas", "bahasa", "kep", "pt"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut note = |words: &str| {
        for w in words.split(|c: char| !c.is_alphanumeric()) {
            data.insert(w.to_lowercase());
        }
    };

    // Login, and a refused login.
    let (id, en) = (
        get(&s, &c, "/kpp/login", "id", "").await,
        get(&s, &c, "/kpp/login", "en", "").await,
    );
    assert!(id.contains("Login Petugas KPP") && en.contains("Tax office officer login"));
    let refused =
        |lang: &'static str| officer_login(&s, &c, "petugas.bahasa", "salah-sekali", lang);
    let (id_wrong, en_wrong) = (
        refused("id").await.err().unwrap(),
        refused("en").await.err().unwrap(),
    );
    assert!(
        en_wrong.contains("Wrong user name, password or captcha"),
        "{en_wrong}"
    );

    // Four PKP, each with a pending branch and a pending certificate request.
    let mut pkps = Vec::new();
    for nama in [
        "PT SATU BAHASA",
        "PT DUA BAHASA",
        "PT TIGA BAHASA",
        "PT EMPAT BAHASA",
    ] {
        note(nama);
        let (p, cabang) = pkp_with_requests(&s, &c, dir, nama).await;
        pkps.push((p, cabang));
    }
    let o = officer_login(&s, &c, "petugas.bahasa", password.expose(), "en")
        .await
        .unwrap();
    let mut pages = vec![
        ("login".to_owned(), id, en),
        ("refused login".to_owned(), id_wrong, en_wrong),
    ];
    let home = (
        get(&s, &c, "/kpp", "id", &o.cookie).await,
        get(&s, &c, "/kpp", "en", &o.cookie).await,
    );
    assert!(home.1.contains("id=\"pending-cabang\"") && home.1.contains("id=\"pending-cert\""));
    pages.push(("home with pending requests".into(), home.0, home.1));

    // Each action once in each language.
    let in_both = async |path: [String; 2], pairs: &[(&str, &str)], expect: StatusCode| {
        let (si, id) = post(&s, &c, &o, &path[0], "id", pairs).await;
        let (se, en) = post(&s, &c, &o, &path[1], "en", pairs).await;
        assert_eq!((si, se), (expect, expect), "{path:?}: {en}");
        (id, en)
    };
    let cabang = |i: usize, what: &str| format!("/kpp/cabang/{}/{what}", pkps[i].1);
    let (id, en) = in_both(
        [cabang(0, "setujui"), cabang(1, "setujui")],
        &[],
        StatusCode::OK,
    )
    .await;
    assert!(
        en.contains(&format!("branch {} approved", pkps[1].1)),
        "{en}"
    );
    pages.push(("branch approved".into(), id, en));
    let (id, en) = in_both(
        [cabang(2, "tolak"), cabang(3, "tolak")],
        &[],
        StatusCode::OK,
    )
    .await;
    pages.push(("branch refused".into(), id, en));
    let serial = |i: usize| pending_serial(dir, &pkps[i].0.npwp);
    let serials: Vec<String> = (0..4).map(serial).collect();
    for s in &serials {
        note(s);
    }
    let cert = |i: usize, what: &str| format!("/kpp/sertifikat/{}/{what}", serials[i]);
    let (id, en) = in_both(
        [cert(0, "setujui"), cert(1, "setujui")],
        &[],
        StatusCode::OK,
    )
    .await;
    assert!(en.contains("approved"), "{en}");
    pages.push(("certificate approved".into(), id, en));
    let (id, en) = in_both([cert(2, "tolak"), cert(3, "tolak")], &[], StatusCode::OK).await;
    pages.push(("certificate refused".into(), id, en));
    let (id, en) = in_both(
        [cert(0, "setujui"), cert(0, "setujui")],
        &[],
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(en.contains("There is no certificate request"), "{en}");
    pages.push(("no such request".into(), id, en));
    let (id, en) = in_both(
        [cabang(0, "entah"), cabang(0, "entah")],
        &[],
        StatusCode::BAD_REQUEST,
    )
    .await;
    pages.push(("unknown decision".into(), id, en));

    // Rekam Akun PKP: the letter, shown once.
    note("PT SURAT BAHASA");
    let mut letters = Vec::new();
    for lang in ["id", "en"] {
        let n = crate::web::fresh_npwp();
        let pairs = [
            ("npwp", n.digits()),
            ("nama", "PT SURAT BAHASA"),
            ("alamat", "JL. BAHASA 1"),
        ];
        let (status, page) = post(&s, &c, &o, "/kpp/pkp", lang, &pairs).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        note(&element_text(&page, "id=\"surat-password\""));
        note(&element_text(&page, "id=\"surat-kode\""));
        letters.push(page);
    }
    let (en, id) = (letters.pop().unwrap(), letters.pop().unwrap());
    assert!(en.contains("Activation code and password letter"), "{en}");
    pages.push(("letter of a new PKP".into(), id, en));

    // Cabut Sertifikat.
    let revoked: Vec<String> = [&pkps[0].0, &pkps[1].0]
        .iter()
        .map(|p| {
            operator::cert_issue(
                dir,
                p.npwp.digits(),
                "rahasia-p12",
                P12Encryption::default(),
            )
            .unwrap()
            .0
        })
        .collect();
    for r in &revoked {
        note(r);
    }
    let (si, id) = post(&s, &c, &o, "/kpp/cabut", "id", &[("serial", &revoked[0])]).await;
    let (se, en) = post(&s, &c, &o, "/kpp/cabut", "en", &[("serial", &revoked[1])]).await;
    assert_eq!((si, se), (StatusCode::OK, StatusCode::OK));
    assert!(
        en.contains(&format!("certificate serial {} revoked", revoked[1])),
        "{en}"
    );
    pages.push(("certificate revoked".into(), id, en));

    // A forged form (wrong token) is refused in the page's language.
    let forged = Officer {
        cookie: o.cookie.clone(),
        csrf: "0".repeat(64),
    };
    let (si, id) = post(&s, &c, &forged, "/kpp/cabut", "id", &[("serial", "1")]).await;
    let (se, en) = post(&s, &c, &forged, "/kpp/cabut", "en", &[("serial", "1")]).await;
    assert_eq!((si, se), (StatusCode::FORBIDDEN, StatusCode::FORBIDDEN));
    pages.push(("forged form".into(), id, en));

    for (what, id, en) in &pages {
        same_page_two_languages(what, id, en, &data);
    }
    // The comparison is not empty-handed: the Indonesian pages do have their labels.
    let all_id: String = pages.iter().map(|p| p.1.as_str()).collect();
    for label in [
        "Setujui",
        "Cabut Sertifikat",
        "Rekam Akun PKP",
        "Nama pengguna",
    ] {
        assert!(all_id.contains(label), "{label}");
    }
    s.shutdown().await;
}

/// The text of the element with `marker` (e.g. `id="surat-kode"`).
fn element_text(html: &str, marker: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {html}"));
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    rest[start..start + rest[start..].find('<').unwrap()].to_owned()
}
