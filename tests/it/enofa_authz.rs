//! Who may act for whom on the e-Nofa service (issue #8): branches of one's own identity only,
//! approved by the KPP; captcha limits per NPWP; the NSFP check about one's own numbers; every
//! refusal in the protocol's `ErrorBody`. Real TLS on 127.0.0.1, one server per test (its own
//! temporary state), the real client. No mocks.

use std::path::Path;
use std::sync::Arc;

use chrono::{Datelike, Utc};
use efaktur::cert::{Identity, P12Encryption, Secret};
use efaktur::domain::{DjpCode, Npwp};
use efaktur::enofa::server::{self, RunningServer, ServerConfig, operator};
use efaktur::enofa::wire::*;
use efaktur::enofa::{ClientError, EnofaClient};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use tempfile::TempDir;

const PASSPHRASE: &str = "rahasia-p12";

/// A demo-mode server (captcha answers readable) on its own temporary state.
async fn start() -> (TempDir, RunningServer) {
    let dir = tempfile::tempdir().unwrap();
    let running = server::start(ServerConfig::demo(dir.path())).await.unwrap();
    (dir, running)
}

/// A fresh valid 15-digit NPWP of a head office (`…123000`), another taxpayer each call.
fn fresh_npwp() -> Npwp {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(31_000_000);
    loop {
        let body = NEXT.fetch_add(1, Ordering::SeqCst);
        for check in 0..10 {
            if let Ok(n) = Npwp::parse(&format!("{body:08}{check}123000")) {
                return n;
            }
        }
    }
}

/// The head office's place of business with KPP code `kpp` and branch code `code`.
fn branch_of(pusat: &Npwp, kpp: &str, code: &str) -> Npwp {
    Npwp::parse(&format!("{}{kpp}{code}", &pusat.digits()[..9])).unwrap()
}

struct Pkp {
    npwp: Npwp,
    password: Secret,
    kode: Secret,
    identity: Identity,
}

fn new_pkp(dir: &Path) -> Pkp {
    let npwp = fresh_npwp();
    let created = operator::pkp_add(dir, npwp.digits(), "PT UJI", "JL. UJI 1", "").unwrap();
    let (_, p12) =
        operator::cert_issue(dir, npwp.digits(), PASSPHRASE, P12Encryption::default()).unwrap();
    Pkp {
        identity: Identity::from_p12(&p12, PASSPHRASE).unwrap(),
        npwp,
        password: created.password,
        kode: created.kode_aktivasi,
    }
}

fn client(s: &RunningServer, identity: &Identity) -> EnofaClient {
    EnofaClient::new(&s.api_url, &s.ca_pem, identity).unwrap()
}

async fn captcha(s: &RunningServer, c: &EnofaClient) -> (String, String) {
    let cap = c.captcha().await.unwrap();
    let answer = s.demo_captcha_answer(&cap.id).unwrap();
    (cap.id, answer)
}

async fn register(
    s: &RunningServer,
    c: &EnofaClient,
    p: &Pkp,
) -> Result<RegisterResponse, ClientError> {
    let (id, answer) = captcha(s, c).await;
    c.register(&p.npwp, &p.kode, &id, &answer, &p.password)
        .await
}

/// A registered head office and its client.
async fn registered_pkp(s: &RunningServer, dir: &Path) -> (Pkp, EnofaClient) {
    let p = new_pkp(dir);
    let c = client(s, &p.identity);
    register(s, &c, &p).await.unwrap();
    (p, c)
}

/// Opens the upload session uploads need (captcha + e-Nofa password).
async fn open_session(s: &RunningServer, c: &EnofaClient, p: &Pkp) {
    let (id, answer) = captcha(s, c).await;
    c.open_session(&id, &answer, &p.password).await.unwrap();
}

fn cabang_add(npwp: &Npwp) -> CabangAdd {
    CabangAdd {
        npwp: npwp.digits().into(),
        nomor_sk: "KEP-00003.PKP/WPJ.07/KP.0503/2015".into(),
        tanggal_sk: "04/02/2015".into(),
        email: "cabang@example.invalid".into(),
        password: "cabang-rahasia".into(),
    }
}

fn refused<T: std::fmt::Debug>(r: Result<T, ClientError>) -> ClientError {
    match r {
        Err(e) => e,
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    }
}

/// Refused because the branch waits for the KPP, with the Indonesian explanation.
fn assert_cabang_pending<T: std::fmt::Debug>(r: Result<T, ClientError>) {
    let e = refused(r);
    assert!(matches!(e, ClientError::CabangPending { .. }), "{e:?}");
    assert_eq!(e.code(), DjpCode::Etax40004);
    assert!(e.to_string().contains("Cabang belum disetujui KPP"), "{e}");
}

#[tokio::test]
async fn a_head_office_cannot_take_another_taxpayers_npwp_as_its_cabang() {
    let (dir, s) = start().await;
    let (_, c) = registered_pkp(&s, dir.path()).await;
    let victim = fresh_npwp();
    let e = refused(c.cabang_add(&cabang_add(&victim)).await);
    assert_eq!(e.code(), DjpCode::Etax20005, "{e}");
    assert!(e.to_string().contains("bukan cabang"), "{e}");
    // Nor the other taxpayer's branch, nor its NITKU.
    let victims_branch = branch_of(&victim, "415", "001");
    assert_eq!(
        refused(c.cabang_add(&cabang_add(&victims_branch)).await).code(),
        DjpCode::Etax20005
    );
    let victims_nitku = Npwp::parse(&format!("{}000001", victim.npwp16())).unwrap();
    assert_eq!(
        refused(c.cabang_add(&cabang_add(&victims_nitku)).await).code(),
        DjpCode::Etax20005
    );
    assert!(c.cabang_list().await.unwrap().is_empty());
    // The real owner still gets its account.
    operator::pkp_add(dir.path(), victim.digits(), "PT KORBAN", "JL. LAIN", "").unwrap();
    s.shutdown().await;
}

#[tokio::test]
async fn a_cabang_acts_only_after_the_kpp_confirms_its_sk_pemusatan() {
    let (dir, s) = start().await;
    let dir = dir.path();
    let (p, c) = registered_pkp(&s, dir).await;
    let cabang = branch_of(&p.npwp, "415", "001");
    let added = c.cabang_add(&cabang_add(&cabang)).await.unwrap();
    assert_eq!(added.status_persetujuan, "Menunggu Persetujuan KPP");
    // A NITKU of the head office is a branch too.
    let nitku = Npwp::parse(&format!("{}000002", p.npwp.npwp16())).unwrap();
    c.cabang_add(&cabang_add(&nitku)).await.unwrap();

    // Waiting: no Kode Aktivasi, no certificate, and the operator cannot approve one either.
    assert_cabang_pending(c.cabang_kode_aktivasi(&cabang).await);
    assert_cabang_pending(
        c.cabang_request_cert(&cabang, &Secret::new("passphrase-cabang"))
            .await,
    );
    assert_cabang_pending(c.cabang_download_cert(&cabang).await);
    assert!(operator::cabang_approve_cert(dir, cabang.digits()).is_err());
    let pending = operator::cabang_pending(dir).unwrap();
    let listed: Vec<&str> = pending.iter().map(|b| b.npwp.as_str()).collect();
    assert_eq!(listed.len(), 2, "{pending:?}");
    assert!(listed.contains(&cabang.digits()) && listed.contains(&nitku.digits()));
    assert!(pending.iter().all(|b| b.same_taxpayer
        && b.npwp_pusat == p.npwp.digits()
        && b.nomor_sk.starts_with("KEP-")));

    // The KPP officer confirms the SK Pemusatan.
    operator::cabang_approve(dir, cabang.digits()).unwrap();
    assert!(operator::cabang_approve(dir, cabang.digits()).is_err());
    assert_eq!(operator::cabang_pending(dir).unwrap().len(), 1);
    let list = c.cabang_list().await.unwrap();
    let approved = list.iter().find(|b| b.npwp == cabang.digits()).unwrap();
    assert_eq!(approved.status_persetujuan, "Disetujui KPP");

    let kode = c.cabang_kode_aktivasi(&cabang).await.unwrap();
    c.cabang_request_cert(&cabang, &Secret::new("passphrase-cabang"))
        .await
        .unwrap();
    operator::cabang_approve_cert(dir, cabang.digits()).unwrap();
    let (_, p12) = c.cabang_download_cert(&cabang).await.unwrap();
    let branch = Pkp {
        npwp: cabang.clone(),
        password: Secret::new("cabang-rahasia"),
        kode,
        identity: Identity::from_p12(&p12, "passphrase-cabang").unwrap(),
    };
    let bc = client(&s, &branch.identity);
    let reg = register(&s, &bc, &branch).await.unwrap();
    assert_eq!(reg.profile.npwp_pusat.as_deref(), Some(p.npwp.digits()));

    // A waiting branch the KPP does not confirm is removed; its NPWP is free again.
    operator::cabang_reject(dir, nitku.digits()).unwrap();
    assert!(operator::cabang_pending(dir).unwrap().is_empty());
    assert_eq!(c.cabang_list().await.unwrap().len(), 1);
    s.shutdown().await;
}

/// Schema 1 of the service's database, as shipped.
const SCHEMA_1: &str = include_str!("../../resources/migrations/server/0001_init.sql");

#[tokio::test]
async fn cabang_of_schema_1_wait_for_the_kpp_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let pusat = fresh_npwp();
    let own = branch_of(&pusat, "415", "001");
    let taken = fresh_npwp(); // another taxpayer, added as a branch when nothing checked
    {
        let conn = rusqlite::Connection::open(dir.join("enofa.sqlite")).unwrap();
        conn.execute_batch(SCHEMA_1).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        let t = "2025-01-02T03:04:05Z";
        for (npwp, pusat_of) in [
            (pusat.digits(), None),
            (own.digits(), Some(pusat.digits())),
            (taken.digits(), Some(pusat.digits())),
        ] {
            conn.execute(
                "INSERT INTO account (npwp, nama, alamat, email, password_hash, client_status,
                 npwp_pusat, nomor_sk, tanggal_sk, created_at)
                 VALUES (?1, 'PT LAMA', 'JL. LAMA', '', 'x', 'aktif', ?2, 'SK-1', '02/01/2025', ?3)",
                rusqlite::params![npwp, pusat_of, t],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO nsfp_allocation (npwp, tahun, prefix, awal_serial, akhir_serial,
             nama_pemohon, jabatan_pemohon, allocated_at) VALUES (?1, 2025, 0, 1, 10, 'Budi', 'Direktur', ?2)",
            rusqlite::params![pusat.digits(), t],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO audit (at, npwp, action, detail) VALUES (?1, ?2, 'cabang-tambah', ?3)",
            rusqlite::params![t, pusat.digits(), taken.digits()],
        )
        .unwrap();
    }

    let s = server::start(ServerConfig::demo(dir)).await.unwrap();
    // Certificates issued for the branches (as schema 1 allowed) are refused until approval.
    let identity = |npwp: &Npwp| {
        let (_, p12) =
            operator::cert_issue(dir, npwp.digits(), PASSPHRASE, P12Encryption::default()).unwrap();
        Identity::from_p12(&p12, PASSPHRASE).unwrap()
    };
    let (own_c, taken_c) = (client(&s, &identity(&own)), client(&s, &identity(&taken)));
    assert_cabang_pending(own_c.ping().await);
    assert_cabang_pending(taken_c.ping().await);
    client(&s, &identity(&pusat)).ping().await.unwrap();

    let pending = operator::cabang_pending(dir).unwrap();
    assert_eq!(pending.len(), 2, "{pending:?}");
    let of = |n: &Npwp| pending.iter().find(|b| b.npwp == n.digits()).unwrap();
    assert!(of(&own).same_taxpayer);
    assert!(!of(&taken).same_taxpayer);
    assert!(operator::cabang_approve(dir, taken.digits()).is_err());
    operator::cabang_reject(dir, taken.digits()).unwrap();
    operator::pkp_add(dir, taken.digits(), "PT PEMILIK ASLI", "JL. ASLI", "").unwrap();
    operator::cabang_approve(dir, own.digits()).unwrap();
    own_c.ping().await.unwrap();
    s.shutdown().await;

    let conn = rusqlite::Connection::open(dir.join("enofa.sqlite")).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert!(version >= 2, "{version}");
    let kept: (i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM nsfp_allocation WHERE npwp = ?1),
                    (SELECT COUNT(*) FROM audit WHERE action = 'cabang-tambah')",
            [pusat.digits()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(kept, (1, 1));
}

#[tokio::test]
async fn the_nsfp_check_tells_nothing_about_another_pkps_numbers() {
    let (dir, s) = start().await;
    let (p, c) = registered_pkp(&s, dir.path()).await;
    let (_, other) = registered_pkp(&s, dir.path()).await;
    let alloc = c
        .request_nsfp(&NsfpRequest {
            tahun: Utc::now().year(),
            jumlah: 1,
            nama_pemohon: "Budi".into(),
            jabatan_pemohon: "Direktur".into(),
            password: p.password.expose().into(),
        })
        .await
        .unwrap();
    let today = Utc::now().date_naive();
    let f = FakturPayload {
        kd_jenis_transaksi: "01".into(),
        fg_pengganti: "0".into(),
        nomor_faktur: alloc.awal.clone(),
        masa_pajak: today.month().to_string(),
        tahun_pajak: today.year().to_string(),
        tanggal_faktur: today.format("%d/%m/%Y").to_string(),
        npwp: "013000666091000".into(),
        nama: "PT PEMBELI".into(),
        alamat: "JL. MERDEKA 1".into(),
        jumlah_dpp: "1000".into(),
        jumlah_ppn: "120".into(),
        jumlah_ppnbm: "0".into(),
        items: vec![FakturItemPayload {
            kode_objek: "B1".into(),
            nama: "Barang".into(),
            harga_satuan: "1000".into(),
            jumlah_barang: "1".into(),
            harga_total: "1000".into(),
            diskon: "0".into(),
            dpp: "1000".into(),
            ppn: "120".into(),
            tarif_ppnbm: "0".into(),
            ppnbm: "0".into(),
        }],
        ..FakturPayload::default()
    };
    open_session(&s, &c, &p).await;
    assert_eq!(c.upload(&f, "k1").await.unwrap().status, "approved");
    let own = c.check_nsfp(&alloc.awal).await.unwrap();
    assert!(own.allotted && own.used, "{own:?}");
    let theirs = other.check_nsfp(&alloc.awal).await.unwrap();
    assert!(!theirs.allotted && !theirs.used, "{theirs:?}");
    s.shutdown().await;
}

/// Captchas the old global cap kept for all PKP together.
const OLD_GLOBAL_CAP: usize = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_pkp_asking_for_many_captchas_cannot_crowd_out_another() {
    let (dir, s) = start().await;
    let victim = new_pkp(dir.path());
    let vc = client(&s, &victim.identity);
    let (id, answer) = captcha(&s, &vc).await;
    let flooder = new_pkp(dir.path());
    let fc = client(&s, &flooder.identity);
    // Four connections in parallel, as many captchas as the old cap held.
    let flood = |fc: EnofaClient| async move {
        for _ in 0..OLD_GLOBAL_CAP / 4 {
            fc.captcha().await.unwrap();
        }
    };
    tokio::join!(
        flood(client(&s, &flooder.identity)),
        flood(client(&s, &flooder.identity)),
        flood(client(&s, &flooder.identity)),
        flood(fc),
    );
    vc.register(&victim.npwp, &victim.kode, &id, &answer, &victim.password)
        .await
        .unwrap();
    s.shutdown().await;
}

#[tokio::test]
async fn a_captcha_no_longer_valid_is_no_failure_toward_the_lockout() {
    let (dir, s) = start().await;
    let p = new_pkp(dir.path());
    let c = client(&s, &p.identity);
    // One real failure: a wrong password (after a right captcha, which is used up now).
    let (used, used_answer) = captcha(&s, &c).await;
    let wrong = c
        .register(&p.npwp, &p.kode, &used, &used_answer, &Secret::new("salah"))
        .await;
    assert_eq!(refused(wrong).code(), DjpCode::Etax40005);
    // Used already, or never issued: more than the lockout's five, none counts.
    for id in [used.as_str(), "0", "tidak-ada", used.as_str(), "ffff", ""] {
        let e = refused(
            c.register(&p.npwp, &p.kode, id, &used_answer, &p.password)
                .await,
        );
        assert_eq!(e.code(), DjpCode::Etax40005, "{e}");
        assert!(e.to_string().contains("tidak berlaku lagi"), "{e}");
    }
    // Displaced by newer captchas of the same PKP (more than it may hold at once): no failure.
    let (first, first_answer) = captcha(&s, &c).await;
    for _ in 0..20 {
        c.captcha().await.unwrap();
    }
    let e = refused(
        c.register(&p.npwp, &p.kode, &first, &first_answer, &p.password)
            .await,
    );
    assert_eq!(e.code(), DjpCode::Etax40005);
    assert!(e.to_string().contains("tidak berlaku lagi"), "{e}");
    // One real failure (the password) so far: the right answer still registers.
    register(&s, &c, &p).await.unwrap();
    s.shutdown().await;
}

/// An HTTPS client presenting `identity`, trusting only the service CA, sending raw requests.
fn raw_client(s: &RunningServer, identity: &Identity) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&s.ca_pem) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_client_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(
            identity.certified_key().unwrap(),
        )));
    reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .build()
        .unwrap()
}

/// The answer's status and its body read as an [`ErrorBody`] (which it must be).
async fn error_body(resp: reqwest::Response) -> (u16, ErrorBody) {
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("HTTP {status}: not an ErrorBody ({e}): {text}"));
    (status, body)
}

#[tokio::test]
async fn axums_own_refusals_answer_with_the_protocols_error_body() {
    let (dir, s) = start().await;
    let p = new_pkp(dir.path());
    let http = raw_client(&s, &p.identity);
    let url = |path: &str| format!("{}{path}", s.api_url);
    let json = |body: String| {
        http.post(url("/api/v1/register"))
            .header("content-type", "application/json")
            .body(body)
    };

    let cases = [
        (json("{".into()), 400, "ETAX-30005"),
        (
            http.post(url("/api/v1/register")).body("{}"),
            415,
            "ETAX-30005",
        ),
        (json(r#"{"npwp":"1"}"#.into()), 422, "ETAX-30005"),
        (json("x".repeat(3 << 20)), 413, "ETAX-30005"),
        (http.get(url("/api/v1/tidak-ada")), 404, "ETAX-40002"),
        (http.delete(url("/api/v1/ping")), 405, "ETAX-40002"),
    ];
    for (request, status, code) in cases {
        let (got, body) = error_body(request.send().await.unwrap()).await;
        assert_eq!((got, body.code.as_str()), (status, code), "{body:?}");
        assert!(
            !body.message.is_empty() && !body.reason.is_empty(),
            "{body:?}"
        );
    }
    s.shutdown().await;
}

#[tokio::test]
async fn an_internal_error_sends_only_an_id() {
    let (dir, s) = start().await;
    let (p, c) = registered_pkp(&s, dir.path()).await;
    // A stored answer that no longer reads: the retry of that upload fails inside the server.
    let conn = rusqlite::Connection::open(dir.path().join("enofa.sqlite")).unwrap();
    conn.execute(
        "INSERT INTO upload (idempotency_key, npwp, result, created_at)
         VALUES ('rusak', ?1, 'bukan json', '2025-01-02T03:04:05Z')",
        [p.npwp.digits()],
    )
    .unwrap();
    let f = FakturPayload {
        nomor_faktur: "0002500000001".into(),
        ..FakturPayload::default()
    };
    open_session(&s, &c, &p).await;
    let e = refused(c.upload(&f, "rusak").await);
    assert_eq!(e.code(), DjpCode::Etax10001);
    let shown = e.to_string();
    assert!(shown.contains("kesalahan internal server (id "), "{shown}");
    // serde_json's own words about the broken row stay in the server's log.
    assert!(!shown.contains("expected"), "{shown}");
    s.shutdown().await;
}
