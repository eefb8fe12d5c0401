//! e-Nofa over real TLS on 127.0.0.1: one shared demo-mode server (its own runtime and temporary
//! state), real certificates, the real client. No mocks.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{Datelike, Duration, Utc};
use efaktur::cert::{Identity, P12Encryption, Secret};
use efaktur::domain::{DjpCode, Npwp};
use efaktur::enofa::error::TlsProblem;
use efaktur::enofa::server::{self, RunningServer, ServerConfig, operator};
use efaktur::enofa::wire::*;
use efaktur::enofa::{ClientError, EnofaClient};

struct Shared {
    server: RunningServer,
    dir: PathBuf,
    _runtime: tokio::runtime::Runtime,
}

/// One server for all tests; it lives on its own runtime so each `#[tokio::test]` can use it.
fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        // Built on a plain thread: a runtime cannot be started from inside a test's runtime.
        let state = dir.clone();
        let (runtime, server) = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            let server = runtime
                .block_on(server::start(ServerConfig::demo(&state)))
                .unwrap();
            (runtime, server)
        })
        .join()
        .unwrap();
        Shared {
            server,
            dir,
            _runtime: runtime,
        }
    })
}

/// A fresh valid NPWP (correct check digit) per call.
fn fresh_npwp() -> Npwp {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(21_000_000);
    loop {
        let body = NEXT.fetch_add(1, Ordering::SeqCst);
        for check in 0..10 {
            if let Ok(n) = Npwp::parse(&format!("{body:08}{check}123000")) {
                return n;
            }
        }
    }
}

struct Pkp {
    npwp: Npwp,
    password: Secret,
    kode: Secret,
    identity: Identity,
}

const PASSPHRASE: &str = "rahasia-p12";

fn new_pkp(dir: &Path) -> Pkp {
    let npwp = fresh_npwp();
    let created = operator::pkp_add(
        dir,
        npwp.digits(),
        "PT UJI",
        "JL. UJI 1",
        "uji@example.invalid",
    )
    .unwrap();
    let (_, p12) =
        operator::cert_issue(dir, npwp.digits(), PASSPHRASE, P12Encryption::default()).unwrap();
    Pkp {
        identity: Identity::from_p12(&p12, PASSPHRASE).unwrap(),
        npwp,
        password: created.password,
        kode: created.kode_aktivasi,
    }
}

fn client(identity: &Identity) -> EnofaClient {
    let s = &shared().server;
    EnofaClient::new(&s.api_url, &s.ca_pem, identity).unwrap()
}

async fn captcha(c: &EnofaClient) -> (String, String) {
    let cap = c.captcha().await.unwrap();
    assert!(cap.png.starts_with(b"\x89PNG"));
    let answer = shared().server.demo_captcha_answer(&cap.id).unwrap();
    (cap.id, answer)
}

async fn register(c: &EnofaClient, p: &Pkp) -> Result<RegisterResponse, ClientError> {
    let (id, answer) = captcha(c).await;
    c.register(&p.npwp, &p.kode, &id, &answer, &p.password)
        .await
}

fn refused_code(r: Result<impl std::fmt::Debug, ClientError>) -> DjpCode {
    match r {
        Err(e) => e.code(),
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    }
}

fn faktur(nsfp: &str) -> FakturPayload {
    let today = Utc::now().date_naive();
    FakturPayload {
        kd_jenis_transaksi: "01".into(),
        fg_pengganti: "0".into(),
        nomor_faktur: nsfp.into(),
        masa_pajak: today.month().to_string(),
        tahun_pajak: today.year().to_string(),
        tanggal_faktur: today.format("%d/%m/%Y").to_string(),
        npwp: "013000666091000".into(),
        nama: "PT PEMBELI JAYA".into(),
        alamat: "JL. MERDEKA NO. 1 & 2, JAKARTA".into(),
        jumlah_dpp: "1000000".into(),
        jumlah_ppn: "120000".into(),
        jumlah_ppnbm: "0".into(),
        items: vec![FakturItemPayload {
            kode_objek: "B001".into(),
            nama: "Semen 50kg".into(),
            harga_satuan: "100000".into(),
            jumlah_barang: "10".into(),
            harga_total: "1000000".into(),
            diskon: "0".into(),
            dpp: "1000000".into(),
            ppn: "120000".into(),
            tarif_ppnbm: "0".into(),
            ppnbm: "0".into(),
        }],
        ..FakturPayload::default()
    }
}

fn nsfp_request(p: &Pkp, jumlah: u32) -> NsfpRequest {
    NsfpRequest {
        tahun: Utc::now().year(),
        jumlah,
        nama_pemohon: "Budi".into(),
        jabatan_pemohon: "Direktur".into(),
        password: p.password.expose().into(),
    }
}

/// A client trusting only the service CA, with no client certificate (the QR reader's view).
fn anonymous_https() -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(&shared().server.ca_pem).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .unwrap()
}

/// The `statusFaktur` of the QR validation XML at `url` (which must answer 200).
async fn status_faktur(url: &str) -> String {
    let resp = anonymous_https().get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{url}");
    let xml = resp.text().await.unwrap();
    let start = xml.find("<statusFaktur>").expect("statusFaktur") + "<statusFaktur>".len();
    let end = xml[start..]
        .find("</statusFaktur>")
        .expect("</statusFaktur>");
    xml[start..start + end].to_owned()
}

#[tokio::test]
async fn register_request_nsfp_upload_approve_and_validate_qr() {
    let p = new_pkp(&shared().dir);
    let c = client(&p.identity);
    assert_eq!(c.ping().await.unwrap().npwp, p.npwp.digits());

    let reg = register(&c, &p).await.unwrap();
    assert_eq!(reg.profile.npwp, p.npwp.digits());
    assert_eq!(reg.profile.status_aplikasi, "Aktif");
    assert_eq!(c.profile().await.unwrap().nama, "PT UJI");

    let alloc = c.request_nsfp(&nsfp_request(&p, 10)).await.unwrap();
    assert_eq!(alloc.jumlah, 10);
    assert_eq!(c.nsfp_history().await.unwrap(), vec![alloc.clone()]);
    let check = c.check_nsfp(&alloc.awal).await.unwrap();
    assert!(check.allotted && !check.used);

    // Uploads need an upload session (captcha + password).
    let (id, answer) = captcha(&c).await;
    c.open_session(&id, &answer, &p.password).await.unwrap();

    // Approval, and a retry with the same key gets the same approval (not a second one).
    let f = faktur(&alloc.awal);
    let first = c.upload(&f, "key-1").await.unwrap();
    assert_eq!(first.status, "approved", "{first:?}");
    let code = first.approval_code.clone().unwrap();
    assert_eq!(code.len(), 64);
    assert_eq!(c.upload(&f, "key-1").await.unwrap(), first);
    assert_eq!(c.status(&alloc.awal).await.unwrap(), first);
    // The same NSFP under a new key is a second faktur: refused.
    let again = c.upload(&f, "key-2").await.unwrap();
    assert_eq!(again.reject_code.as_deref(), Some("ETAXSERVICE-20008"));
    assert!(c.check_nsfp(&alloc.awal).await.unwrap().used);

    // QR validation on the public listener, over HTTPS trusting the CA, no client certificate.
    let qr = first.qr_url.clone().unwrap();
    assert!(qr.starts_with(&shared().server.public_url), "{qr}");
    let resp = anonymous_https().get(&qr).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let xml = resp.text().await.unwrap();
    assert!(xml.starts_with(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><resValidateFakturPm>"#
    ));
    for part in [
        format!("<nomorFaktur>{}</nomorFaktur>", alloc.awal),
        format!("<npwpPenjual>{}</npwpPenjual>", p.npwp.digits()),
        "<namaPenjual>PT UJI</namaPenjual>".into(),
        "<alamatLawanTransaksi>JL. MERDEKA NO. 1 &amp; 2, JAKARTA</alamatLawanTransaksi>".into(),
        "<jumlahPpn>120000</jumlahPpn>".into(),
        "<statusApproval>Faktur Valid, Sudah Diapprove oleh DJP</statusApproval>".into(),
        "<statusFaktur>Faktur Pajak Normal</statusFaktur>".into(),
        "<detailTransaksi><nama>Semen 50kg</nama>".into(),
    ] {
        assert!(xml.contains(&part), "{part} missing in {xml}");
    }
    let forged = qr.replace(&code, &"0".repeat(64));
    assert_eq!(
        anonymous_https()
            .get(&forged)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // Pengganti replaces the approved faktur: the original stays, "Diganti", under its own QR
    // code; the status query answers with the pengganti; batal cancels the pengganti only.
    let mut pengganti = f.clone();
    pengganti.fg_pengganti = "1".into();
    let replaced = c.upload(&pengganti, "key-3").await.unwrap();
    assert_eq!(replaced.status, "approved", "{replaced:?}");
    assert_ne!(replaced.approval_code, first.approval_code);
    assert_eq!(c.status(&alloc.awal).await.unwrap(), replaced);
    assert_eq!(status_faktur(&qr).await, "Faktur Diganti");
    let replaced_qr = replaced.qr_url.clone().unwrap();
    assert_eq!(
        status_faktur(&replaced_qr).await,
        "Faktur Pajak Normal-Pengganti"
    );
    assert_eq!(c.batal(&alloc.awal).await.unwrap().status, "batal");
    assert_eq!(status_faktur(&replaced_qr).await, "Faktur Dibatalkan");
    assert_eq!(status_faktur(&qr).await, "Faktur Diganti");
    // The cancelled pengganti cannot be replaced, nor the NSFP used again.
    let r = c.upload(&pengganti, "key-3b").await.unwrap();
    assert_eq!(r.reject_code.as_deref(), Some("ETAXSERVICE-20006"), "{r:?}");

    // NSFP not allotted to this PKP, and a faktur dated before the allocation.
    let other = format!("000{:02}99999999", Utc::now().year() % 100);
    let r = c.upload(&faktur(&other), "key-4").await.unwrap();
    assert_eq!(r.reject_code.as_deref(), Some("ETAXSERVICE-20020"), "{r:?}");
    let second = format!(
        "{}{:08}",
        &alloc.awal[..5],
        alloc.awal[5..].parse::<u32>().unwrap() + 1
    );
    let mut early = faktur(&second);
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    if yesterday.year() == Utc::now().year() {
        early.tanggal_faktur = yesterday.format("%d/%m/%Y").to_string();
        early.masa_pajak = yesterday.month().to_string();
        let r = c.upload(&early, "key-5").await.unwrap();
        assert_eq!(r.reject_code.as_deref(), Some("ETAXSERVICE-20025"), "{r:?}");
    }
    // Inconsistent totals are rejected by the domain validation.
    let mut wrong = faktur(&second);
    wrong.jumlah_ppn = "1".into();
    let r = c.upload(&wrong, "key-6").await.unwrap();
    assert_eq!(r.status, "reject");
}

#[tokio::test]
async fn registration_refusals() {
    let dir = &shared().dir;
    let p = new_pkp(dir);
    let c = client(&p.identity);

    let (id, _) = captcha(&c).await;
    let wrong_captcha = c
        .register(&p.npwp, &p.kode, &id, "xxxxx", &p.password)
        .await;
    assert_eq!(refused_code(wrong_captcha), DjpCode::Etax40005);

    let (id, answer) = captcha(&c).await;
    let wrong_password = c
        .register(&p.npwp, &p.kode, &id, &answer, &Secret::new("salah"))
        .await;
    let e = wrong_password.unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax40005);
    assert!(
        e.to_string()
            .starts_with("ETAX-40005 : Error di service registrasi."),
        "{e}"
    );
    assert!(e.to_string().contains("password"), "{e}");
    // The captcha was used by the refused attempt: it cannot be used again.
    let reused = c
        .register(&p.npwp, &p.kode, &id, &answer, &p.password)
        .await;
    assert_eq!(refused_code(reused), DjpCode::Etax40005);

    // The certificate's NPWP must be the one registering.
    let other = fresh_npwp();
    let (id, answer) = captcha(&c).await;
    let e = c
        .register(&other, &p.kode, &id, &answer, &p.password)
        .await
        .unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax40005);
    assert!(e.to_string().contains("bukan NPWP"), "{e}");

    // Two failures so far (captcha, password; a reused captcha is none): below the lockout.
    register(&c, &p).await.unwrap();
    let again = register(&client(&p.identity), &p).await;
    assert_eq!(refused_code(again), DjpCode::EtaxService20019);

    // Reset gives a new code; the old client is refused; the used code is refused.
    let new_code = c.reset(&p.kode, &p.password).await.unwrap();
    assert_eq!(refused_code(c.profile().await), DjpCode::EtaxService20017);
    let used = register(&c, &p).await;
    assert_eq!(refused_code(used), DjpCode::Etax40005);
    let renewed = Pkp {
        kode: new_code,
        ..p
    };
    register(&c, &renewed).await.unwrap();
    c.profile().await.unwrap();
}

#[tokio::test]
async fn wrong_passwords_are_throttled() {
    let p = new_pkp(&shared().dir);
    let c = client(&p.identity);
    for _ in 0..5 {
        let (id, answer) = captcha(&c).await;
        let r = c
            .register(&p.npwp, &p.kode, &id, &answer, &Secret::new("salah"))
            .await;
        assert_eq!(refused_code(r), DjpCode::Etax40005);
    }
    assert_eq!(refused_code(register(&c, &p).await), DjpCode::Etax40004);
}

#[tokio::test]
async fn a_captcha_is_only_for_the_npwp_that_asked() {
    let (p, q) = (new_pkp(&shared().dir), new_pkp(&shared().dir));
    let (cp, cq) = (client(&p.identity), client(&q.identity));
    let (id, answer) = captcha(&cq).await;
    let e = cp
        .register(&p.npwp, &p.kode, &id, &answer, &p.password)
        .await
        .unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax40005);
    assert!(e.to_string().contains("captcha"), "{e}");
    // The refused use did not spend it: its owner still can.
    cq.register(&q.npwp, &q.kode, &id, &answer, &q.password)
        .await
        .unwrap();
}

#[tokio::test]
async fn wrong_activation_codes_are_throttled() {
    let p = new_pkp(&shared().dir);
    let c = client(&p.identity);
    let wrong = Secret::new("AAAA-BBBB-CCCC-DDDD");
    for _ in 0..3 {
        let (id, answer) = captcha(&c).await;
        let r = c.register(&p.npwp, &wrong, &id, &answer, &p.password).await;
        assert_eq!(refused_code(r), DjpCode::Etax40005);
    }
    for _ in 0..2 {
        assert_eq!(
            refused_code(c.reset(&wrong, &p.password).await),
            DjpCode::Etax40005
        );
    }
    // Five wrong codes (register and reset alike) lock the account, right code or not.
    assert_eq!(refused_code(register(&c, &p).await), DjpCode::Etax40004);
    assert_eq!(
        refused_code(c.reset(&p.kode, &p.password).await),
        DjpCode::Etax40004
    );
}

#[tokio::test]
async fn one_activation_code_registers_only_once_under_concurrency() {
    let p = new_pkp(&shared().dir);
    let (a, b) = (client(&p.identity), client(&p.identity));
    let (ra, rb) = tokio::join!(register(&a, &p), register(&b, &p));
    let ok = [ra.is_ok(), rb.is_ok()].iter().filter(|x| **x).count();
    assert_eq!(ok, 1, "{ra:?} {rb:?}");
}

#[tokio::test]
async fn nsfp_quota_is_enforced() {
    let p = new_pkp(&shared().dir);
    let c = client(&p.identity);
    register(&c, &p).await.unwrap();
    let e = c.request_nsfp(&nsfp_request(&p, 76)).await.unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax20008);
    assert!(e.to_string().contains("kuota"), "{e}");
    c.request_nsfp(&nsfp_request(&p, 70)).await.unwrap();
    assert_eq!(
        refused_code(c.request_nsfp(&nsfp_request(&p, 6)).await),
        DjpCode::Etax20008
    );
    let mut bad = nsfp_request(&p, 1);
    bad.password = "salah".into();
    assert_eq!(refused_code(c.request_nsfp(&bad).await), DjpCode::Etax40004);
}

/// Ranges asked for at the same moment by several PKP never share a number: each allocation
/// reads the year's last serial and writes its range in one IMMEDIATE transaction.
#[tokio::test]
async fn nsfp_ranges_asked_at_once_never_overlap() {
    let pkp: Vec<Pkp> = (0..3).map(|_| new_pkp(&shared().dir)).collect();
    let clients: Vec<EnofaClient> = pkp.iter().map(|p| client(&p.identity)).collect();
    for (c, p) in clients.iter().zip(&pkp) {
        register(c, p).await.unwrap();
    }
    let requests: Vec<NsfpRequest> = pkp.iter().map(|p| nsfp_request(p, 5)).collect();
    let ask = |i: usize| clients[i].request_nsfp(&requests[i]);
    let (a, b, c, d, e, f, g, h, i) = tokio::join!(
        ask(0),
        ask(1),
        ask(2),
        ask(0),
        ask(1),
        ask(2),
        ask(0),
        ask(1),
        ask(2)
    );
    let serial = |nsfp: &str| nsfp[5..].parse::<u32>().unwrap();
    let mut ranges: Vec<(u32, u32)> = [a, b, c, d, e, f, g, h, i]
        .into_iter()
        .map(|r| {
            let alloc = r.unwrap();
            assert_eq!(alloc.jumlah, 5);
            (serial(&alloc.awal), serial(&alloc.akhir))
        })
        .collect();
    ranges.sort();
    for (awal, akhir) in &ranges {
        assert_eq!(akhir - awal + 1, 5, "{ranges:?}");
    }
    for pair in ranges.windows(2) {
        assert!(pair[0].1 < pair[1].0, "ranges overlap: {ranges:?}");
    }
}

fn tls_problem(r: Result<Pong, ClientError>) -> TlsProblem {
    match r {
        Err(ClientError::Tls { problem, .. }) => problem,
        other => panic!("expected a TLS refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn certificate_refusals() {
    let dir = &shared().dir;

    // No client certificate at all: the handshake is refused.
    let url = format!("{}/api/v1/ping", shared().server.api_url);
    assert!(anonymous_https().get(&url).send().await.is_err());

    // A certificate from another CA.
    let foreign = server::Ca::create("Bukan CA e-Nofa").unwrap();
    let npwp = fresh_npwp();
    let now = Utc::now();
    let issued = foreign
        .issue(
            &npwp,
            "PT LAIN",
            now - Duration::days(1),
            now + Duration::days(30),
            PASSPHRASE,
            P12Encryption::default(),
        )
        .unwrap();
    let stranger = Identity::from_p12(&issued.p12, PASSPHRASE).unwrap();
    let e = client(&stranger).ping().await.unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax40002);
    assert!(
        matches!(
            e,
            ClientError::Tls {
                problem: TlsProblem::ClientCertRefused,
                ..
            }
        ),
        "{e:?}"
    );

    // Expired.
    let p = new_pkp(dir);
    let (_, p12) = operator::cert_issue_valid(
        dir,
        p.npwp.digits(),
        PASSPHRASE,
        P12Encryption::Legacy3Des,
        now - Duration::days(800),
        now - Duration::days(70),
    )
    .unwrap();
    let expired = Identity::from_p12(&p12, PASSPHRASE).unwrap();
    assert_eq!(
        tls_problem(client(&expired).ping().await),
        TlsProblem::ClientCertExpired
    );

    // Revoked: works, then refused once the operator revokes it.
    let c = client(&p.identity);
    c.ping().await.unwrap();
    operator::cert_revoke(dir, &p.identity.info().serial).unwrap();
    let e = c.ping().await.unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax40002);
    assert!(
        matches!(
            e,
            ClientError::Tls {
                problem: TlsProblem::ClientCertRevoked,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("dicabut"), "{e}");
}

#[tokio::test]
async fn client_refuses_a_server_from_another_ca() {
    let p = new_pkp(&shared().dir);
    let foreign = server::Ca::create("CA palsu").unwrap();
    let c = EnofaClient::new(
        &shared().server.api_url,
        foreign.cert_pem.as_bytes(),
        &p.identity,
    )
    .unwrap();
    let e = c.ping().await.unwrap_err();
    assert!(
        matches!(
            e,
            ClientError::Tls {
                problem: TlsProblem::UnknownServerCa,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.code(), DjpCode::Etax40002);
}

#[tokio::test]
async fn a_stopped_server_is_etax_40001() {
    let dir = tempfile::tempdir().unwrap();
    let running = server::start(ServerConfig::new(dir.path())).await.unwrap();
    let created = operator::pkp_add(dir.path(), "013000666091000", "PT X", "JL", "").unwrap();
    let (_, p12) = operator::cert_issue(
        dir.path(),
        created.npwp.digits(),
        PASSPHRASE,
        P12Encryption::default(),
    )
    .unwrap();
    let identity = Identity::from_p12(&p12, PASSPHRASE).unwrap();
    let c = EnofaClient::new(&running.api_url, &running.ca_pem, &identity).unwrap();
    c.ping().await.unwrap();
    // Outside demo mode the captcha answer is never available.
    let cap = c.captcha().await.unwrap();
    assert_eq!(running.demo_captcha_answer(&cap.id), None);
    let (url, ca) = (running.api_url.clone(), running.ca_pem.clone());
    running.shutdown().await;
    let e = EnofaClient::new(&url, &ca, &identity)
        .unwrap()
        .ping()
        .await
        .unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax40001, "{e}");
    assert!(
        e.to_string()
            .starts_with("ETAX-40001 : Tidak dapat menghubungi E-TaxInvoice Server.")
    );
}

#[tokio::test]
async fn demo_credentials_register_and_survive_a_restart() {
    // What `efaktur --simulasi` does: prepare the demo PKP and start in-process.
    let dir = tempfile::tempdir().unwrap();
    let (creds, running) = server::start_demo(dir.path()).await.unwrap();
    assert!(!format!("{creds:?}").contains(creds.password.expose()));
    let kode = creds.kode_aktivasi.clone().expect("not registered yet");
    let printed = creds.to_string();
    assert!(printed.contains(kode.expose()) && printed.contains(creds.passphrase.expose()));
    let p12 = std::fs::read(&creds.p12_path).unwrap();
    let identity = Identity::from_p12(&p12, creds.passphrase.expose()).unwrap();
    identity.check_for(&creds.npwp, Utc::now()).unwrap();
    let ca = std::fs::read(&creds.ca_pem_path).unwrap();
    assert_eq!(ca, running.ca_pem);
    let c = EnofaClient::new(&running.api_url, &ca, &identity).unwrap();
    let cap = c.captcha().await.unwrap();
    let answer = running.demo_captcha_answer(&cap.id).unwrap();
    let reg = c
        .register(&creds.npwp, &kode, &cap.id, &answer, &creds.password)
        .await
        .unwrap();
    assert_eq!(reg.profile.nama, creds.nama);
    assert_eq!(c.client_id(), Some(reg.client_id.clone()));
    running.shutdown().await;

    // The next day: same state directory, same account, client and certificate.
    let (again, running) = server::start_demo(dir.path()).await.unwrap();
    assert_eq!(again.passphrase, creds.passphrase);
    assert_eq!(again.password, creds.password);
    assert_eq!(std::fs::read(&again.p12_path).unwrap(), p12, "not reissued");
    assert!(again.registered(), "the used code is not replaced");
    assert!(again.to_string().contains("sudah dipakai"));
    assert_eq!(std::fs::read(&again.ca_pem_path).unwrap(), running.ca_pem);
    assert_eq!(running.ca_pem, ca, "same CA");
    let identity = Identity::from_p12(&p12, again.passphrase.expose()).unwrap();
    let c = EnofaClient::new(&running.api_url, &running.ca_pem, &identity)
        .unwrap()
        .with_client_id(reg.client_id);
    c.ping().await.unwrap();
    // `profile` needs the registered client id, so this proves the client was kept.
    assert_eq!(c.profile().await.unwrap().nama, creds.nama);
    running.shutdown().await;
}

#[tokio::test]
async fn branch_add_code_certificate_and_registration() {
    let dir = &shared().dir;
    let p = new_pkp(dir);
    let c = client(&p.identity);
    register(&c, &p).await.unwrap();
    // The head office's own place of business (same taxpayer part, branch code 001).
    let cabang = Npwp::parse(&format!("{}415001", &p.npwp.digits()[..9])).unwrap();
    let added = c
        .cabang_add(&CabangAdd {
            npwp: cabang.digits().into(),
            nomor_sk: "SK-1/2024".into(),
            tanggal_sk: "02/01/2024".into(),
            email: "cabang@example.invalid".into(),
            password: "cabang-rahasia".into(),
        })
        .await
        .unwrap();
    assert_eq!(added.status_aktivasi, "Tidak Terdaftar");
    operator::cabang_approve(dir, cabang.digits()).unwrap();
    let kode = c.cabang_kode_aktivasi(&cabang).await.unwrap();
    assert_eq!(
        c.cabang_list().await.unwrap()[0].status_aktivasi,
        "Belum Aktif"
    );

    let requested = c
        .cabang_request_cert(&cabang, &Secret::new("passphrase-cabang"))
        .await
        .unwrap();
    assert_eq!(requested.status_sertifikat, "Dalam Proses");
    assert_eq!(
        refused_code(c.cabang_download_cert(&cabang).await),
        DjpCode::Etax20008
    );
    operator::cabang_approve_cert(dir, cabang.digits()).unwrap();
    let (name, p12) = c.cabang_download_cert(&cabang).await.unwrap();
    assert_eq!(name, format!("{}.p12", cabang.digits()));

    let identity = Identity::from_p12(&p12, "passphrase-cabang").unwrap();
    let branch = Pkp {
        npwp: cabang.clone(),
        password: Secret::new("cabang-rahasia"),
        kode,
        identity,
    };
    let bc = client(&branch.identity);
    let reg = register(&bc, &branch).await.unwrap();
    assert_eq!(reg.profile.npwp_pusat.as_deref(), Some(p.npwp.digits()));
    assert_eq!(c.cabang_list().await.unwrap()[0].status_aktivasi, "Aktif");
}

/// Serializes `value` and compares it with `tests/fixtures/enofa/<name>.json`.
/// `UPDATE_GOLDEN=1` rewrites the files after an intended protocol change.
fn golden<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    name: &str,
    value: &T,
) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/enofa/{name}.json"));
    let json = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &json).unwrap();
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        json, expected,
        "wire format of {name} changed; update the golden file on purpose"
    );
    let back: T = serde_json::from_str(&expected).unwrap();
    assert_eq!(&back, value);
}

#[test]
fn wire_format_matches_golden_files() {
    golden(
        "error",
        &ErrorBody {
            code: "ETAX-40005".into(),
            message: "Error di service registrasi".into(),
            reason: "password e-Nofa salah".into(),
            certificate: None,
            cabang: None,
        },
    );
    golden(
        "error_certificate",
        &ErrorBody {
            code: "ETAX-40002".into(),
            message: "Error di service".into(),
            reason: "sertifikat klien dicabut (serial 398b5c7bd42eaf48aca06214f87a704e)".into(),
            certificate: Some("revoked".into()),
            cabang: None,
        },
    );
    golden(
        "error_cabang_pending",
        &ErrorBody {
            code: "ETAX-40004".into(),
            message: "User tidak dapat mengakses service".into(),
            reason: "cabang 013121660415001 menunggu konfirmasi SK Pemusatan oleh KPP".into(),
            certificate: None,
            cabang: Some("pending".into()),
        },
    );
    golden(
        "session_request",
        &SessionRequest {
            captcha_id: "5f0c3e1a9b7d4c2e8f6a1b3c5d7e9f01".into(),
            captcha_answer: "4821".into(),
            password: "password-enofa".into(),
        },
    );
    golden(
        "session_response",
        &SessionResponse {
            session: "9c1e4b7a2d5f8c3e6a9b1d4f7c2e5a8b3d6f9c1e4b7a2d5f8c3e6a9b1d4f7c2e".into(),
            expires_at: "2025-01-02T03:34:05Z".into(),
        },
    );
    golden(
        "pong",
        &Pong {
            npwp: "013000666091000".into(),
            server_time: "2025-01-02T03:04:05Z".into(),
            api_version: 1,
        },
    );
    golden(
        "captcha_response",
        &CaptchaResponse {
            captcha_id: "9f1c".into(),
            image_png: "iVBORw0KGgo=".into(),
            expires_at: "2025-01-02T03:09:05Z".into(),
        },
    );
    let profile = Profile {
        npwp: "013000666091000".into(),
        nama: "PT SIMULASI FAKTUR".into(),
        alamat: "JL. LATIHAN NO. 1, JAKARTA".into(),
        email: "demo@example.invalid".into(),
        npwp_pusat: None,
        status_aplikasi: "Aktif".into(),
    };
    golden(
        "register_request",
        &RegisterRequest {
            npwp: "013000666091000".into(),
            kode_aktivasi: "J23D5LDTSE1AW64J".into(),
            captcha_id: "9f1c".into(),
            captcha_answer: "12345".into(),
            password: "password-enofa".into(),
        },
    );
    golden(
        "register_response",
        &RegisterResponse {
            client_id: "c0ffee".into(),
            profile,
        },
    );
    golden(
        "reset_request",
        &ResetRequest {
            kode_aktivasi: "J23D5LDTSE1AW64J".into(),
            password: "password-enofa".into(),
        },
    );
    golden(
        "kode_aktivasi_response",
        &KodeAktivasiResponse {
            kode_aktivasi: "ABCD-EFGH-JKLM-NPQR".into(),
        },
    );
    golden(
        "nsfp_request",
        &NsfpRequest {
            tahun: 2025,
            jumlah: 10,
            nama_pemohon: "Budi".into(),
            jabatan_pemohon: "Direktur".into(),
            password: "password-enofa".into(),
        },
    );
    golden(
        "nsfp_allocation",
        &NsfpAllocation {
            id: 1,
            awal: "0002500000001".into(),
            akhir: "0002500000010".into(),
            jumlah: 10,
            tahun: 2025,
            allocated_at: "2025-01-02T03:04:05Z".into(),
            nama_pemohon: "Budi".into(),
            jabatan_pemohon: "Direktur".into(),
        },
    );
    golden(
        "nsfp_check",
        &NsfpCheck {
            nsfp: "0002500000001".into(),
            allotted: true,
            used: false,
        },
    );
    let mut payload = faktur("0002500000001");
    payload.masa_pajak = "1".into();
    payload.tahun_pajak = "2025".into();
    payload.tanggal_faktur = "02/01/2025".into();
    golden("faktur_payload", &payload);
    golden(
        "upload_request",
        &UploadRequest {
            idempotency_key: "0002500000001-1".into(),
            payload: serde_json::to_string(&payload).unwrap(),
            signature_scheme: "ECDSA_NISTP256_SHA256".into(),
            signature: "MEUCIQ==".into(),
        },
    );
    golden(
        "upload_result_approved",
        &UploadResult {
            nomor_faktur: "0002500000001".into(),
            status: "approved".into(),
            approval_time: Some("2025-01-02T03:04:05Z".into()),
            approval_code: Some("ab".repeat(32)),
            qr_url: Some(format!(
                "https://127.0.0.1:8080/validasi/faktur/013000666091000/0002500000001/{}",
                "ab".repeat(32)
            )),
            reject_code: None,
            reject_message: None,
        },
    );
    golden("upload_result_reject", &UploadResult {
        nomor_faktur: "0002500000001".into(),
        status: "reject".into(),
        approval_time: None,
        approval_code: None,
        qr_url: None,
        reject_code: Some("ETAXSERVICE-20020".into()),
        reject_message: Some("Nomor seri faktur pajak tidak valid. Nomor Pajak Bukan Jatah : 0002500000001 tidak dialokasikan untuk NPWP 013000666091000".into()),
    });
    golden(
        "cabang_add",
        &CabangAdd {
            npwp: "013121660123001".into(),
            nomor_sk: "SK-1/2024".into(),
            tanggal_sk: "02/01/2024".into(),
            email: "cabang@example.invalid".into(),
            password: "cabang-rahasia".into(),
        },
    );
    golden(
        "cabang",
        &Cabang {
            npwp: "013121660123001".into(),
            nomor_sk: "SK-1/2024".into(),
            tanggal_sk: "02/01/2024".into(),
            email: "cabang@example.invalid".into(),
            status_aktivasi: "Belum Aktif".into(),
            status_sertifikat: "Dalam Proses".into(),
            status_persetujuan: "Disetujui KPP".into(),
        },
    );
    golden(
        "cabang_cert_request",
        &CabangCertRequest {
            passphrase: "passphrase-cabang".into(),
        },
    );
    golden(
        "cabang_cert_download",
        &CabangCertDownload {
            file_name: "013121660123001.p12".into(),
            p12: "MIIK".into(),
        },
    );
}

#[tokio::test]
async fn uploads_need_a_live_session_and_wrong_session_passwords_count_toward_the_lockout() {
    let p = new_pkp(&shared().dir);
    let c = client(&p.identity);
    register(&c, &p).await.unwrap();
    let alloc = c.request_nsfp(&nsfp_request(&p, 1)).await.unwrap();
    let f = faktur(&alloc.awal);
    // No session: refused, and nothing was decided.
    let e = c.upload(&f, "tanpa-sesi").await.unwrap_err();
    assert!(matches!(e, ClientError::SessionExpired { .. }), "{e:?}");
    assert!(e.to_string().starts_with("ETAX-40004"), "{e}");
    assert!(!c.check_nsfp(&alloc.awal).await.unwrap().used);
    // Renewing needs a session too.
    assert!(matches!(
        c.renew_session().await,
        Err(ClientError::SessionExpired { .. })
    ));

    let (id, answer) = captcha(&c).await;
    c.open_session(&id, &answer, &p.password).await.unwrap();
    c.renew_session().await.unwrap();
    assert_eq!(c.upload(&f, "sesi-1").await.unwrap().status, "approved");

    // Wrong passwords when opening a session lock the account as at registration.
    for _ in 0..5 {
        let (id, answer) = captcha(&c).await;
        let wrong = c
            .open_session(&id, &answer, &Secret::new("salah-sekali"))
            .await;
        assert_eq!(refused_code(wrong), DjpCode::Etax40005);
    }
    let (id, answer) = captcha(&c).await;
    let locked = c.open_session(&id, &answer, &p.password).await;
    assert_eq!(refused_code(locked), DjpCode::Etax40004);
}

#[tokio::test]
async fn a_session_belongs_to_its_client_and_only_a_few_live_per_npwp() {
    let p = new_pkp(&shared().dir);
    let first = client(&p.identity);
    let reg = register(&first, &p).await.unwrap();
    let (id, answer) = captcha(&first).await;
    first.open_session(&id, &answer, &p.password).await.unwrap();
    first.renew_session().await.unwrap();
    // Four more sessions of the same client: the oldest (the first) ends.
    for _ in 0..4 {
        let other = client(&p.identity).with_client_id(reg.client_id.clone());
        let (id, answer) = captcha(&other).await;
        other.open_session(&id, &answer, &p.password).await.unwrap();
        other.renew_session().await.unwrap();
    }
    assert!(matches!(
        first.renew_session().await,
        Err(ClientError::SessionExpired { .. })
    ));
    // The server keeps only hashes of the tokens.
    let db = rusqlite::Connection::open(shared().dir.join("enofa.sqlite")).unwrap();
    let n: i64 = db
        .query_row(
            "SELECT count(*) FROM upload_session WHERE npwp = ?1 AND length(token_hash) = 64",
            [p.npwp.digits()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 4);
}

#[tokio::test]
async fn a_session_ends_with_the_registration_it_was_opened_under() {
    let p = new_pkp(&shared().dir);
    let c = client(&p.identity);
    register(&c, &p).await.unwrap();
    let (id, answer) = captcha(&c).await;
    c.open_session(&id, &answer, &p.password).await.unwrap();
    c.renew_session().await.unwrap();
    // Reset Aplikasi Client and register again: a new client id, the old session is not its.
    let kode = c.reset(&p.kode, &p.password).await.unwrap();
    let (id, answer) = captcha(&c).await;
    c.register(&p.npwp, &kode, &id, &answer, &p.password)
        .await
        .unwrap();
    assert!(matches!(
        c.renew_session().await,
        Err(ClientError::SessionExpired { .. })
    ));
}
