//! Permintaan NSFP in headless Chromium with the PKP's `.p12` imported into the browser's NSS
//! database and chosen by the `AutoSelectCertificateForUrls` policy; the page takes the
//! certificate from the TLS handshake and checks it against the logged-in NPWP.

use efaktur::cert::P12Encryption;
use efaktur::domain::Npwp;
use efaktur::enofa::server::{self, RunningServer, ServerConfig, operator};

use crate::web_browser::{AutoSelectCertificate, Browser};

fn fresh_npwp() -> Npwp {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(53_000_000);
    loop {
        let body = NEXT.fetch_add(1, Ordering::SeqCst);
        for check in 0..10 {
            if let Ok(n) = Npwp::parse(&format!("{body:08}{check}411000")) {
                return n;
            }
        }
    }
}

async fn login(s: &RunningServer, b: &Browser, npwp: &str, password: &str) {
    b.goto(&format!("{}/login", s.web_url)).await;
    b.fill("npwp", npwp).await;
    b.fill("password", password).await;
    let id = b.value("captcha-id").await;
    b.fill("captcha", &s.demo_captcha_answer(&id).unwrap())
        .await;
    b.click("login").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permintaan_nsfp_with_the_certificate_from_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let s = server::start(ServerConfig::demo(dir.path())).await.unwrap();
    let npwp = fresh_npwp();
    let made = operator::pkp_add(dir.path(), npwp.digits(), "PT NOMOR SERI", "JL. 2", "").unwrap();
    let (serial, p12) = operator::cert_issue(
        dir.path(),
        npwp.digits(),
        "rahasia-p12",
        P12Encryption::default(),
    )
    .unwrap();
    let other = fresh_npwp();
    let other_made = operator::pkp_add(
        dir.path(),
        other.digits(),
        "PT TANPA SERTIFIKAT",
        "JL. 3",
        "",
    )
    .unwrap();

    let _policy = AutoSelectCertificate::for_origin(&s.web_url);
    let b = Browser::start_with(&s.ca_pem, Some((&p12, "rahasia-p12"))).await;
    login(&s, &b, npwp.digits(), made.password.expose()).await;
    b.click("menu-nsfp").await;
    assert_eq!(b.path().await, "/pkp/nsfp");
    assert_eq!(b.element_text("cert-serial").await, serial);
    // The quota of the last three masa: no faktur yet, so the floor of 75 unused numbers.
    assert_eq!(b.element_text("kuota").await, "75");
    assert_eq!(b.element_text("belum-terpakai").await, "0");
    assert_eq!(b.element_text("masa").await.matches(" : 0").count(), 3);
    b.fill("nama_pemohon", "Budi Santoso").await;
    b.fill("jabatan_pemohon", "Direktur").await;
    b.fill("jumlah", "10").await;
    b.fill("password", made.password.expose()).await;
    b.shot("nsfp-permintaan").await;
    b.click("proses").await;
    let range = b.element_text("nsfp-range").await;
    assert_eq!(b.element_text("belum-terpakai").await, "10");
    assert!(
        range.starts_with("000-") && range.contains(" s.d. "),
        "{range}"
    );
    b.shot("nsfp-diberikan").await;
    b.click("menu-riwayat").await;
    let text = b.text().await;
    assert!(
        text.contains("Budi Santoso") && text.contains("10"),
        "{text}"
    );
    b.shot("nsfp-riwayat").await;
    // Pengecekan NSFP: its own first number is allotted and not used yet.
    b.click("menu-cek").await;
    b.fill("nsfp", range.split(" s.d. ").next().unwrap()).await;
    b.click("periksa").await;
    assert_eq!(b.element_text("cek-milik").await, "Ya");
    assert_eq!(b.element_text("cek-dipakai").await, "Tidak");
    b.shot("nsfp-pengecekan").await;

    // Another NPWP logged in with this browser: the certificate is not its own.
    b.click("logout").await;
    login(&s, &b, other.digits(), other_made.password.expose()).await;
    b.goto(&format!("{}/pkp/nsfp", s.web_url)).await;
    let text = b.text().await;
    assert!(
        text.contains("tidak berlaku untuk NPWP yang sedang login"),
        "{text}"
    );
    assert!(!text.contains("Data Pemohon"));
    // Nor is the first PKP's number its business.
    b.goto(&format!(
        "{}/pkp/nsfp/cek?nsfp={}",
        s.web_url,
        range.split(" s.d. ").next().unwrap()
    ))
    .await;
    assert_eq!(b.element_text("cek-milik").await, "Tidak");

    // A revoked certificate no longer opens the page.
    b.click("logout").await;
    login(&s, &b, npwp.digits(), made.password.expose()).await;
    operator::cert_revoke(dir.path(), &serial).unwrap();
    b.goto(&format!("{}/pkp/nsfp", s.web_url)).await;
    let text = b.text().await;
    assert!(text.contains("dicabut"), "{text}");

    b.close().await;
    s.shutdown().await;
}
