//! The uploader against a real `enofa-server` over mutual TLS on 127.0.0.1, with faults between
//! them (a TCP proxy that cuts connections before and after the server decided, slow answers,
//! a server restart) and an `efaktur upload` process killed with SIGKILL mid-batch. Each faktur
//! must end approved exactly once: none lost, none approved twice.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{Datelike, Utc};
use efaktur::cert::{Identity, P12Encryption, Secret};
use efaktur::domain::{ApprovalStatus, FakturDraft, Npwp, Nsfp, NsfpRange};
use efaktur::enofa::EnofaClient;
use efaktur::enofa::server::{self, RunningServer, ServerConfig, operator};
use efaktur::enofa::wire::*;
use efaktur::paths::AppDirs;
use efaktur::store::{Store, certificate, faktur, nsfp, outbox, profile};
use efaktur::upload::{self, Control, Options};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub(crate) const PASSPHRASE: &str = "rahasia-p12";

/// A fresh valid NPWP (correct check digit) per call, away from the other modules' numbers.
pub(crate) fn fresh_npwp() -> Npwp {
    static NEXT: AtomicU64 = AtomicU64::new(31_000_000);
    loop {
        let body = NEXT.fetch_add(1, Ordering::SeqCst);
        for check in 0..10 {
            if let Ok(n) = Npwp::parse(&format!("{body:08}{check}123000")) {
                return n;
            }
        }
    }
}

pub(crate) async fn start_server(state: &Path) -> RunningServer {
    server::start(ServerConfig::demo(state)).await.unwrap()
}

/// A PKP (or cabang) with a registered Local Database in `data` holding `n` faktur
/// *Siap Upload* on NSFP the server allotted it.
pub(crate) struct LocalPkp {
    pub npwp: Npwp,
    pub data: PathBuf,
    pub dirs: AppDirs,
    pub password_file: PathBuf,
    pub passphrase_file: PathBuf,
    pub ca_file: PathBuf,
    pub identity: Identity,
    pub client_id: String,
    pub password: Secret,
    pub nsfp: Vec<String>,
}

pub(crate) fn faktur_payload(nsfp: &str, k: usize) -> FakturPayload {
    let today = Utc::now().date_naive();
    FakturPayload {
        kd_jenis_transaksi: "01".into(),
        fg_pengganti: "0".into(),
        nomor_faktur: nsfp.into(),
        masa_pajak: today.month().to_string(),
        tahun_pajak: today.year().to_string(),
        tanggal_faktur: today.format("%d/%m/%Y").to_string(),
        npwp: "013000666091000".into(),
        nama: format!("PT PEMBELI {k}"),
        alamat: "JL. MERDEKA NO. 1, JAKARTA".into(),
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

/// The account `npwp` (on the server with `password` and `kode`, its certificate `p12`)
/// registers a new Local Database in `data`, which records `n` faktur on NSFP it requests.
pub(crate) struct Account {
    pub npwp: Npwp,
    pub password: Secret,
    pub kode: Secret,
    pub p12: Vec<u8>,
    pub passphrase: &'static str,
}

pub(crate) async fn local_registered(
    s: &RunningServer,
    data: &Path,
    account: Account,
    n: u32,
) -> LocalPkp {
    let Account {
        npwp,
        password,
        kode,
        p12,
        passphrase,
    } = account;
    std::fs::create_dir_all(data).unwrap();
    let p12_path = data.join("sertifikat.p12");
    std::fs::write(&p12_path, &p12).unwrap();
    let (ca_file, password_file, passphrase_file) = (
        data.join("ca.pem"),
        data.join("password.txt"),
        data.join("passphrase.txt"),
    );
    std::fs::write(&ca_file, &s.ca_pem).unwrap();
    std::fs::write(&password_file, format!("{}\n", password.expose())).unwrap();
    std::fs::write(&passphrase_file, format!("{passphrase}\n")).unwrap();
    let identity = Identity::from_p12(&p12, passphrase).unwrap();

    let c = EnofaClient::new(&s.api_url, &s.ca_pem, &identity).unwrap();
    let cap = c.captcha().await.unwrap();
    let answer = s.demo_captcha_answer(&cap.id).unwrap();
    let reg = c
        .register(&npwp, &kode, &cap.id, &answer, &password)
        .await
        .unwrap();
    let alloc = c
        .request_nsfp(&NsfpRequest {
            tahun: Utc::now().year(),
            jumlah: n,
            nama_pemohon: "Budi".into(),
            jabatan_pemohon: "Direktur".into(),
            password: password.expose().into(),
        })
        .await
        .unwrap();

    let dirs = AppDirs::new(Some(data)).unwrap();
    dirs.ensure().unwrap();
    let mut store = Store::open(&dirs.db_path(&npwp)).unwrap();
    profile::add(
        &mut store,
        &profile::Profile::new(npwp.clone(), "PT UJI", "JL. UJI 1"),
    )
    .unwrap()
    .unwrap();
    profile::mark_registered(store.conn(), &reg.client_id, &s.api_url).unwrap();
    certificate::save(
        store.conn(),
        &certificate::CertificateMeta {
            path: p12_path.display().to_string(),
            subject: "PT UJI".into(),
            npwp: Some(npwp.digits().into()),
            issuer: "e-Nofa CA".into(),
            serial: "01".into(),
            not_before: "2025-01-01T00:00:00Z".into(),
            not_after: "2035-01-01T00:00:00Z".into(),
            sha256: String::new(),
        },
    )
    .unwrap();
    let range = NsfpRange::new(
        Nsfp::parse(&alloc.awal).unwrap(),
        Nsfp::parse(&alloc.akhir).unwrap(),
    )
    .unwrap();
    let first: u64 = alloc.awal[5..].parse().unwrap();
    let numbers: Vec<String> = (0..u64::from(n))
        .map(|k| format!("{}{:08}", &alloc.awal[..5], first + k))
        .collect();
    store
        .transaction(|tx| {
            nsfp::add_range(tx, range, Utc::now().date_naive())?;
            for (k, number) in numbers.iter().enumerate() {
                let f = FakturDraft::from(&faktur_payload(number, k))
                    .validate()
                    .unwrap();
                faktur::insert(tx, &f, ApprovalStatus::SiapUpload, "test")?;
            }
            Ok::<_, efaktur::store::StoreError>(())
        })
        .unwrap();
    LocalPkp {
        npwp,
        data: data.to_path_buf(),
        dirs,
        password_file,
        passphrase_file,
        ca_file,
        identity,
        client_id: reg.client_id,
        password,
        nsfp: numbers,
    }
}

/// A new PKP on the server, registered from a new Local Database with `n` faktur.
pub(crate) async fn local_pkp(s: &RunningServer, state: &Path, data: &Path, n: u32) -> LocalPkp {
    let npwp = fresh_npwp();
    let created = operator::pkp_add(
        state,
        npwp.digits(),
        "PT UJI",
        "JL. UJI 1",
        "uji@example.invalid",
    )
    .unwrap();
    let (_, p12) =
        operator::cert_issue(state, npwp.digits(), PASSPHRASE, P12Encryption::default()).unwrap();
    let account = Account {
        npwp,
        password: created.password,
        kode: created.kode_aktivasi,
        p12,
        passphrase: PASSPHRASE,
    };
    local_registered(s, data, account, n).await
}

/// Every faktur of `pkp` is Approval Sukses locally, with the approval code the server holds
/// for it, nothing is left queued, and the server approved each NSFP exactly once under
/// `pkp`'s NPWP with one idempotency key per faktur.
pub(crate) fn assert_each_approved_once(pkp: &LocalPkp, state: &Path) {
    let store = Store::open(&pkp.dirs.db_path(&pkp.npwp)).unwrap();
    assert_eq!(outbox::pending_count(store.conn()).unwrap(), 0);
    let server = rusqlite::Connection::open(state.join("enofa.sqlite")).unwrap();
    let keys: i64 = server
        .query_row(
            "SELECT count(*) FROM upload WHERE npwp = ?1",
            [pkp.npwp.digits()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        keys,
        pkp.nsfp.len() as i64,
        "one idempotency key per faktur"
    );
    let all = faktur::list(store.conn(), faktur::Filter::default()).unwrap();
    assert_eq!(all.len(), pkp.nsfp.len());
    for f in all {
        assert_eq!(f.approval, ApprovalStatus::ApprovalSukses, "{f:?}");
        let nsfp = f.faktur.nsfp.digits();
        let (approved, code, npwp): (i64, String, String) = server
            .query_row(
                "SELECT count(*), max(approval_code), max(npwp) FROM faktur WHERE nsfp = ?1",
                [&nsfp],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(approved, 1, "{nsfp} approved once");
        assert_eq!(npwp, pkp.npwp.digits(), "{nsfp} under its own NPWP");
        assert_eq!(
            faktur::approval_code(store.conn(), f.id)
                .unwrap()
                .as_deref(),
            Some(code.as_str())
        );
        assert!(f.qr_url.unwrap().ends_with(&code));
    }
}

/// A TCP proxy between client and server that cuts connections after a random number of bytes
/// in either direction (a cut on the way up loses the request before the server decided, on
/// the way down loses the answer after it committed), delays some answers, and follows the
/// server to a new port after a restart.
struct FaultProxy {
    addr: SocketAddr,
    upstream: Arc<Mutex<SocketAddr>>,
    faults: Arc<AtomicBool>,
    cuts: Arc<AtomicU64>,
}

async fn relay(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    budget: Option<usize>,
    delay: Duration,
    faults: Arc<AtomicBool>,
    cuts: Arc<AtomicU64>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut sent = 0usize;
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let n = match budget {
            Some(b) if sent + n >= b && faults.load(Ordering::SeqCst) => {
                // Forward part of it, then cut both ways.
                let _ = to.write_all(&buf[..b.saturating_sub(sent)]).await;
                cuts.fetch_add(1, Ordering::SeqCst);
                return;
            }
            _ => n,
        };
        if !delay.is_zero() && faults.load(Ordering::SeqCst) {
            tokio::time::sleep(delay).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
        sent += n;
    }
    let _ = to.shutdown().await;
}

impl FaultProxy {
    async fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = FaultProxy {
            addr: listener.local_addr().unwrap(),
            upstream: Arc::new(Mutex::new(upstream)),
            faults: Arc::new(AtomicBool::new(true)),
            cuts: Arc::new(AtomicU64::new(0)),
        };
        let (upstream, faults, cuts) = (
            proxy.upstream.clone(),
            proxy.faults.clone(),
            proxy.cuts.clone(),
        );
        tokio::spawn(async move {
            let mut n = 0u64;
            while let Ok((client, _)) = listener.accept().await {
                n += 1;
                let target = *upstream.lock().unwrap();
                let (faults, cuts) = (faults.clone(), cuts.clone());
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(target).await else {
                        return; // server down (restarting): the client sees a dropped connection
                    };
                    // One connection in four is clean; the others are cut after a random
                    // number of bytes up or down (the TLS handshake alone is ~2-4 KiB), and
                    // some answers come slowly.
                    // (Enforced only while faults are on: a connection opened before keeps
                    // its budget, HTTP/2 reuses it.)
                    let (up, down, delay) = if n.is_multiple_of(4) {
                        (None, None, Duration::ZERO)
                    } else {
                        let r = |lo: usize, hi: usize| rand::random_range(lo..hi);
                        match n % 4 {
                            1 => (Some(r(1_500, 9_000)), None, Duration::ZERO),
                            2 => (None, Some(r(2_000, 9_000)), Duration::ZERO),
                            _ => (None, Some(r(4_000, 12_000)), Duration::from_millis(30)),
                        }
                    };
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    let a = tokio::spawn(relay(
                        cr,
                        sw,
                        up,
                        Duration::ZERO,
                        faults.clone(),
                        cuts.clone(),
                    ));
                    let b = tokio::spawn(relay(sr, cw, down, delay, faults, cuts));
                    // Either direction ending (or cut) ends the connection.
                    tokio::select! {
                        _ = a => {}
                        _ = b => {}
                    }
                });
            }
        });
        proxy
    }

    fn url(&self) -> String {
        format!("https://{}", self.addr)
    }
}

fn socket_of(url: &str) -> SocketAddr {
    url.trim_start_matches("https://").parse().unwrap()
}

fn approved_count(pkp: &LocalPkp) -> i64 {
    let conn = rusqlite::Connection::open(pkp.dirs.db_path(&pkp.npwp)).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.query_row(
        "SELECT count(*) FROM faktur WHERE status_approval = 'approval_sukses'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_connections_slow_answers_and_a_server_restart_lose_nothing_and_approve_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("enofa");
    let s = start_server(&state).await;
    let pkp = local_pkp(&s, &state, &dir.path().join("pkp"), 75).await;
    let proxy = FaultProxy::start(socket_of(&s.api_url)).await;

    let client = EnofaClient::new(&proxy.url(), &s.ca_pem, &pkp.identity)
        .unwrap()
        .with_client_id(pkp.client_id.clone());
    // The session is opened without faults; the faults start with the uploads.
    proxy.faults.store(false, Ordering::SeqCst);
    let cap = client.captcha().await.unwrap();
    let answer = s.demo_captcha_answer(&cap.id).unwrap();
    client
        .open_session(&cap.id, &answer, &pkp.password)
        .await
        .unwrap();
    proxy.faults.store(true, Ordering::SeqCst);
    let client = Arc::new(client);

    // A restart of the server once a third is approved.
    let server = Arc::new(tokio::sync::Mutex::new(Some(s)));
    let restarter = {
        let (server, state, upstream) = (server.clone(), state.clone(), proxy.upstream.clone());
        let db = pkp.dirs.db_path(&pkp.npwp);
        tokio::spawn(async move {
            loop {
                let done = tokio::task::spawn_blocking({
                    let db = db.clone();
                    move || {
                        let c = rusqlite::Connection::open(db).unwrap();
                        c.busy_timeout(Duration::from_secs(10)).unwrap();
                        c.query_row(
                            "SELECT count(*) FROM faktur WHERE status_approval = 'approval_sukses'",
                            [],
                            |r| r.get::<_, i64>(0),
                        )
                        .unwrap()
                    }
                })
                .await
                .unwrap();
                if done >= 25 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let old = server.lock().await.take().unwrap();
            old.shutdown().await;
            tokio::time::sleep(Duration::from_millis(200)).await;
            let new = start_server(&state).await;
            *upstream.lock().unwrap() = socket_of(&new.api_url);
            *server.lock().await = Some(new);
        })
    };

    let mut store = Store::open(&pkp.dirs.db_path(&pkp.npwp)).unwrap();
    let options = Options {
        concurrency: 6,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(400),
        give_up_after: Some(200),
        // Renewals go through the faults too; a lost one is only tried again.
        renew_every: Duration::from_millis(100),
    };
    let mut retries = 0u64;
    let summary = upload::run(&mut store, &client, &options, &Control::new(), &mut |e| {
        if matches!(e, upload::Event::Retrying { .. }) {
            retries += 1;
        }
    })
    .await
    .unwrap();
    restarter.await.unwrap();
    assert_eq!(summary.approved, 75, "{summary:?}");
    assert_eq!((summary.rejected, summary.pending), (0, 0), "{summary:?}");
    assert!(retries > 0, "the faults were felt");
    assert!(proxy.cuts.load(Ordering::SeqCst) > 0);
    assert_each_approved_once(&pkp, &state);

    // A second run finds nothing to do and sends nothing.
    let again = upload::run(&mut store, &client, &options, &Control::new(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(again, upload::Summary::default());
    server.lock().await.take().unwrap().shutdown().await;
}

/// `efaktur upload --once` for `pkp`, its captcha answered from the server's demo log.
fn spawn_uploader(pkp: &LocalPkp, s: &RunningServer) -> Child {
    let mut args: Vec<std::ffi::OsString> = ["upload", "--once", "--quiet", "--concurrency", "2"]
        .into_iter()
        .chain(["--retry-delay-ms", "50", "--npwp", pkp.npwp.digits()])
        .map(Into::into)
        .collect();
    for (flag, file) in [
        ("--password-file", &pkp.password_file),
        ("--passphrase-file", &pkp.passphrase_file),
        ("--ca", &pkp.ca_file),
    ] {
        args.push(flag.into());
        args.push(file.into());
    }
    spawn_efaktur(&pkp.data, &args, s)
}

/// `efaktur --data-dir data ARGS`, its captcha answered from the server's demo log.
pub(crate) fn spawn_efaktur(data: &Path, args: &[std::ffi::OsString], s: &RunningServer) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_efaktur"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    // Lines before the captcha's (e.g. `--siapkan`'s count) are skipped.
    let mut line = String::new();
    while out.read_line(&mut line).unwrap_or(0) > 0 && !line.contains("(id ") {
        line.clear();
    }
    let Some(id) = line
        .split("(id ")
        .nth(1)
        .and_then(|rest| rest.strip_suffix(")\n"))
    else {
        let mut err = String::new();
        let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err);
        panic!("no captcha line: {line:?}, stderr: {err}");
    };
    let answer = s.demo_captcha_answer(id).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{answer}").unwrap();
    // The rest of its output is drained by a thread so the process never blocks on a pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    child
}

/// Waits for `child` to end: (exit code, stderr).
pub(crate) async fn finished(mut child: Child) -> (Option<i32>, String) {
    tokio::task::spawn_blocking(move || {
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        (child.wait().unwrap().code(), err)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn efaktur_upload_killed_mid_batch_resumes_and_approves_each_faktur_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("enofa");
    let s = start_server(&state).await;
    let pkp = local_pkp(&s, &state, &dir.path().join("pkp"), 75).await;

    for kill_after in [15, 45] {
        let mut child = tokio::task::block_in_place(|| spawn_uploader(&pkp, &s));
        loop {
            if approved_count(&pkp) >= kill_after {
                break;
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the uploader ended before it was killed: {status}");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        assert!(approved_count(&pkp) < 75, "killed mid-batch");
    }
    let (code, err) = upload_process(&pkp, &s).await;
    assert_eq!(code, Some(0), "{err}");
    assert_each_approved_once(&pkp, &state);
    s.shutdown().await;
}

#[test]
fn a_database_of_schema_4_with_a_queued_faktur_migrates_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        for sql in [
            include_str!("../../resources/migrations/client/0001_init.sql"),
            include_str!("../../resources/migrations/client/0002_retur_dokumen_lain.sql"),
            include_str!("../../resources/migrations/client/0003_coretax_fields.sql"),
            include_str!("../../resources/migrations/client/0004_administrasi_index.sql"),
        ] {
            c.execute_batch(sql).unwrap();
        }
        c.execute_batch(
            "PRAGMA user_version = 4;
             INSERT INTO faktur (id, jenis, kode_transaksi, fg_pengganti, nsfp, masa, tahun, tanggal,
               lawan_npwp, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn, jumlah_ppnbm,
               referensi, status_approval, approval_time, qr_url, created_at, updated_at)
             VALUES (1, 'keluaran', 1, 0, '0002500000001', 2, 2025, '2025-02-03',
               '013000666091000', 'PT LAMA', 'Jl. A', 100, 12, 0, 'V1', 'approval_sukses',
               '2025-02-03T01:02:03Z', 'https://x/validasi/1', '', '');
             INSERT INTO faktur_item (faktur_id, line_no, kode_objek, nama, harga_satuan,
               jumlah_barang, harga_total, diskon, dpp, ppn, tarif_ppnbm, ppnbm)
             VALUES (1, 1, 'K1', 'Semen', '100', '1', '100', '0', '100', '12', '0', '0');
             INSERT INTO outbox (faktur_id, kind, idempotency_key, next_attempt_at, created_at)
             VALUES (1, 'batal', 'kunci-lama', '2025-02-04T00:00:00Z', '2025-02-04T00:00:00Z');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let v: i64 = store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, efaktur::store::SCHEMA_VERSION);
    let f = faktur::get(store.conn(), 1).unwrap().unwrap();
    assert_eq!(f.approval, ApprovalStatus::ApprovalSukses);
    assert_eq!(f.qr_url.as_deref(), Some("https://x/validasi/1"));
    assert_eq!(faktur::approval_code(store.conn(), 1).unwrap(), None);
    let queued = outbox::due(store.conn(), Utc::now(), 10).unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].idempotency_key, "kunci-lama");
    assert_eq!(queued[0].kind, outbox::Kind::Batal);
    assert_eq!(queued[0].payload_hash, None);
    store.integrity_check().unwrap();
}

fn by_nsfp(store: &Store, n: &str) -> faktur::StoredFaktur {
    faktur::list(store.conn(), faktur::Filter::default())
        .unwrap()
        .into_iter()
        .find(|f| f.faktur.nsfp.digits() == n && f.status != efaktur::domain::FakturStatus::Diganti)
        .unwrap()
}

/// Runs the uploader once over a direct (fault-free) connection with an open session.
async fn upload_once(s: &RunningServer, pkp: &LocalPkp) -> upload::Summary {
    let client = EnofaClient::new(&s.api_url, &s.ca_pem, &pkp.identity)
        .unwrap()
        .with_client_id(pkp.client_id.clone());
    let cap = client.captcha().await.unwrap();
    let answer = s.demo_captcha_answer(&cap.id).unwrap();
    client
        .open_session(&cap.id, &answer, &pkp.password)
        .await
        .unwrap();
    let mut store = Store::open(&pkp.dirs.db_path(&pkp.npwp)).unwrap();
    let options = Options {
        base_delay: Duration::from_millis(20),
        ..Options::default()
    };
    upload::run(
        &mut store,
        &Arc::new(client),
        &options,
        &Control::new(),
        &mut |_| {},
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_faktur_changed_after_queuing_is_validated_again_and_pengganti_and_batal_travel_the_same_way()
 {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("enofa");
    let s = start_server(&state).await;
    let pkp = local_pkp(&s, &state, &dir.path().join("pkp"), 4).await;
    let path = pkp.dirs.db_path(&pkp.npwp);
    {
        let mut store = Store::open(&path).unwrap();
        assert_eq!(upload::queue_ready(&mut store).unwrap(), 4);
        assert_eq!(upload::queue_ready(&mut store).unwrap(), 0, "queued once");
        // After queuing: one faktur gets a PPN that does not match its DPP, another a new name.
        let c = store.conn();
        c.execute(
            "UPDATE faktur SET jumlah_ppn = 5 WHERE nsfp = ?1",
            [&pkp.nsfp[0]],
        )
        .unwrap();
        c.execute(
            "UPDATE faktur SET lawan_nama = 'PT NAMA BARU' WHERE nsfp = ?1",
            [&pkp.nsfp[1]],
        )
        .unwrap();
        // A third goes back to Belum Approve before it was sent.
        c.execute(
            "UPDATE faktur SET status_approval = 'draft' WHERE nsfp = ?1",
            [&pkp.nsfp[2]],
        )
        .unwrap();
    }
    let summary = upload_once(&s, &pkp).await;
    assert_eq!((summary.approved, summary.rejected), (2, 1), "{summary:?}");

    let store = Store::open(&path).unwrap();
    let invalid = by_nsfp(&store, &pkp.nsfp[0]);
    assert_eq!(invalid.approval, ApprovalStatus::Reject);
    assert!(invalid.reject_code.unwrap().starts_with("ETAX"));
    assert!(invalid.reject_message.unwrap().contains("PPN"));
    assert_eq!(
        by_nsfp(&store, &pkp.nsfp[2]).approval,
        ApprovalStatus::Draft
    );
    let server = rusqlite::Connection::open(state.join("enofa.sqlite")).unwrap();
    let sent: Vec<String> = server
        .prepare("SELECT payload FROM faktur WHERE npwp = ?1 ORDER BY nsfp")
        .unwrap()
        .query_map([pkp.npwp.digits()], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        sent.len(),
        2,
        "the invalid and the withdrawn one never left"
    );
    assert!(sent[0].contains("PT NAMA BARU"), "{}", sent[0]);

    // A pengganti of an approved faktur travels the same way.
    let replaced = by_nsfp(&store, &pkp.nsfp[3]);
    let mut p = faktur_payload(&pkp.nsfp[3], 3);
    p.fg_pengganti = "1".into();
    p.nama = "PT PEMBELI PENGGANTI".into();
    let pengganti = FakturDraft::from(&p).validate().unwrap();
    faktur::insert_pengganti(
        store.conn(),
        &pengganti,
        ApprovalStatus::SiapUpload,
        "2026-01-01T00:00:00Z",
    )
    .unwrap();
    drop(store);
    let summary = upload_once(&s, &pkp).await;
    assert_eq!(summary.approved, 1, "{summary:?}");
    let store = Store::open(&path).unwrap();
    let old = faktur::get(store.conn(), replaced.id).unwrap().unwrap();
    assert_eq!(old.status, efaktur::domain::FakturStatus::Diganti);
    let (statuses, payload): (String, String) = server
        .query_row(
            "SELECT group_concat(status, ',' ORDER BY id), max(CASE WHEN status = 'approved' THEN payload END)
             FROM faktur WHERE nsfp = ?1",
            [&pkp.nsfp[3]],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(statuses, "diganti,approved");
    assert!(payload.contains("PT PEMBELI PENGGANTI"), "{payload}");

    // Batal of an approved faktur goes through the outbox too.
    let approved = by_nsfp(&store, &pkp.nsfp[1]);
    outbox::enqueue(store.conn(), approved.id, outbox::Kind::Batal).unwrap();
    drop(store);
    let summary = upload_once(&s, &pkp).await;
    assert_eq!(summary.cancelled, 1, "{summary:?}");
    let store = Store::open(&path).unwrap();
    let cancelled = faktur::get(store.conn(), approved.id).unwrap().unwrap();
    assert_eq!(cancelled.status, efaktur::domain::FakturStatus::Batal);
    let status: String = server
        .query_row(
            "SELECT status FROM faktur WHERE nsfp = ?1",
            [&pkp.nsfp[1]],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "batal");
    s.shutdown().await;
}

/// Runs `efaktur upload --once` for `pkp` to its end: (exit code, stderr).
async fn upload_process(pkp: &LocalPkp, s: &RunningServer) -> (Option<i32>, String) {
    let child = tokio::task::block_in_place(|| spawn_uploader(pkp, s));
    finished(child).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_office_and_cabang_each_upload_under_their_own_npwp() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("enofa");
    let s = start_server(&state).await;
    let pusat = local_pkp(&s, &state, &dir.path().join("pusat"), 5).await;

    // The head office records its cabang; the KPP confirms the SK Pemusatan (operator); the
    // head office makes the cabang's Kode Aktivasi and certificate.
    let hc = EnofaClient::new(&s.api_url, &s.ca_pem, &pusat.identity)
        .unwrap()
        .with_client_id(pusat.client_id.clone());
    let digits = pusat.npwp.digits();
    let cabang = Npwp::parse(&format!("{}{}001", &digits[..9], &digits[9..12])).unwrap();
    let today = Utc::now().date_naive().format("%d/%m/%Y").to_string();
    hc.cabang_add(&CabangAdd {
        npwp: cabang.digits().into(),
        nomor_sk: "SK-001/PJ/2026".into(),
        tanggal_sk: today,
        email: "cabang@example.invalid".into(),
        password: "cabang-rahasia".into(),
    })
    .await
    .unwrap();
    operator::cabang_approve(&state, cabang.digits()).unwrap();
    let kode = hc.cabang_kode_aktivasi(&cabang).await.unwrap();
    hc.cabang_request_cert(&cabang, &Secret::new("passphrase-cabang"))
        .await
        .unwrap();
    operator::cabang_approve_cert(&state, cabang.digits()).unwrap();
    let (_, p12) = hc.cabang_download_cert(&cabang).await.unwrap();

    // The cabang registers its own Local Database with its own certificate and password.
    let account = Account {
        npwp: cabang,
        password: Secret::new("cabang-rahasia"),
        kode,
        p12,
        passphrase: "passphrase-cabang",
    };
    let branch = local_registered(&s, &dir.path().join("cabang"), account, 4).await;
    assert!(branch.nsfp.iter().all(|n| !pusat.nsfp.contains(n)));

    for pkp in [&pusat, &branch] {
        let (code, err) = upload_process(pkp, &s).await;
        assert_eq!(code, Some(0), "{}: {err}", pkp.npwp);
        assert_each_approved_once(pkp, &state);
    }
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn efaktur_register_then_efaktur_upload_without_a_display() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("enofa");
    let s = start_server(&state).await;
    let npwp = fresh_npwp();
    let created =
        operator::pkp_add(&state, npwp.digits(), "PT KONSOL", "JL. TANPA LAYAR", "").unwrap();
    let (_, p12) =
        operator::cert_issue(&state, npwp.digits(), PASSPHRASE, P12Encryption::default()).unwrap();
    let (data, files) = (dir.path().join("data"), dir.path().join("rahasia"));
    std::fs::create_dir_all(&files).unwrap();
    let file = |name: &str, text: &[u8]| {
        let path = files.join(name);
        std::fs::write(&path, text).unwrap();
        path.into_os_string()
    };
    let args: Vec<std::ffi::OsString> = vec![
        "register".into(),
        "--npwp".into(),
        npwp.digits().into(),
        "--cert".into(),
        file("kantor.p12", &p12),
        "--server".into(),
        s.api_url.clone().into(),
        "--ca".into(),
        file("ca.pem", &s.ca_pem),
        "--kode-aktivasi-file".into(),
        file("kode.txt", created.kode_aktivasi.expose().as_bytes()),
        "--password-file".into(),
        file("password.txt", created.password.expose().as_bytes()),
        "--passphrase-file".into(),
        file("passphrase.txt", PASSPHRASE.as_bytes()),
    ];
    let child = tokio::task::block_in_place(|| spawn_efaktur(&data, &args, &s));
    let (code, err) = finished(child).await;
    assert_eq!(code, Some(0), "{err}");

    // The Local Database is there, registered, with the certificate recorded.
    let dirs = AppDirs::new(Some(&data)).unwrap();
    let mut store = Store::open(&dirs.db_path(&npwp)).unwrap();
    let p = profile::get(store.conn()).unwrap().unwrap();
    assert_eq!(p.registration, profile::Registration::Terdaftar);
    assert_eq!(p.nama, "PT KONSOL");
    assert_eq!(p.server_url.as_deref(), Some(s.api_url.as_str()));
    let cert = certificate::get(store.conn()).unwrap().unwrap();
    assert_eq!(cert.npwp.as_deref(), Some(npwp.digits()));
    assert_eq!(cert.sha256, efaktur::registration::sha256_hex(&p12));

    // Faktur on NSFP from e-Nofa, then the uploader, which finds server and CA in the settings.
    let identity = Identity::from_p12(&p12, PASSPHRASE).unwrap();
    let c = EnofaClient::new(&s.api_url, &s.ca_pem, &identity)
        .unwrap()
        .with_client_id(p.client_id.unwrap());
    let alloc = c
        .request_nsfp(&NsfpRequest {
            tahun: Utc::now().year(),
            jumlah: 2,
            nama_pemohon: "Budi".into(),
            jabatan_pemohon: "Direktur".into(),
            password: created.password.expose().into(),
        })
        .await
        .unwrap();
    let range = NsfpRange::new(
        Nsfp::parse(&alloc.awal).unwrap(),
        Nsfp::parse(&alloc.akhir).unwrap(),
    )
    .unwrap();
    store
        .transaction(|tx| {
            nsfp::add_range(tx, range, Utc::now().date_naive())?;
            for (k, n) in [&alloc.awal, &alloc.akhir].into_iter().enumerate() {
                let f = FakturDraft::from(&faktur_payload(n, k)).validate().unwrap();
                faktur::insert(tx, &f, ApprovalStatus::SiapUpload, "test")?;
            }
            Ok::<_, efaktur::store::StoreError>(())
        })
        .unwrap();
    drop(store);
    let args: Vec<std::ffi::OsString> = vec![
        "upload".into(),
        "--quiet".into(),
        "--password-file".into(),
        files.join("password.txt").into(),
        "--passphrase-file".into(),
        files.join("passphrase.txt").into(),
    ];
    let child = tokio::task::block_in_place(|| spawn_efaktur(&data, &args, &s));
    let (code, err) = finished(child).await;
    assert_eq!(code, Some(0), "{err}");
    let store = Store::open(&dirs.db_path(&npwp)).unwrap();
    let all = faktur::list(store.conn(), faktur::Filter::default()).unwrap();
    assert!(
        all.iter()
            .all(|f| f.approval == ApprovalStatus::ApprovalSukses)
    );
    assert_eq!(all.len(), 2);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploader_without_a_captcha_answer_stops_and_costs_no_lockout_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("enofa");
    let s = start_server(&state).await;
    let pkp = local_pkp(&s, &state, &dir.path().join("pkp"), 1).await;
    for _ in 0..6 {
        let out = Command::new(env!("CARGO_BIN_EXE_efaktur"))
            .arg("--data-dir")
            .arg(&pkp.data)
            .args(["upload", "--quiet", "--npwp", pkp.npwp.digits()])
            .arg("--password-file")
            .arg(&pkp.password_file)
            .arg("--passphrase-file")
            .arg(&pkp.passphrase_file)
            .arg("--ca")
            .arg(&pkp.ca_file)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("jawaban captcha kosong"), "{err}");
    }
    // Six runs without an answer, and the account is not locked.
    let (code, err) = upload_process(&pkp, &s).await;
    assert_eq!(code, Some(0), "{err}");
    assert_each_approved_once(&pkp, &state);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_siapkan_sends_the_draft_faktur_of_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("enofa");
    let s = start_server(&state).await;
    let pkp = local_pkp(&s, &state, &dir.path().join("pkp"), 3).await;
    // As a file just imported leaves them: Draft, numbers in the recorded range.
    {
        let store = Store::open(&pkp.dirs.db_path(&pkp.npwp)).unwrap();
        store
            .conn()
            .execute("UPDATE faktur SET status_approval = 'draft'", [])
            .unwrap();
    }
    // Without --siapkan nothing is sent.
    let plain = Command::new(env!("CARGO_BIN_EXE_efaktur"))
        .arg("--data-dir")
        .arg(&pkp.data)
        .args(["upload", "--quiet", "--npwp", pkp.npwp.digits()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&plain.stdout).contains("Tidak ada faktur Siap Upload"));
    assert_eq!(approved_count(&pkp), 0);

    let mut args: Vec<std::ffi::OsString> = ["upload", "--once", "--quiet", "--siapkan"]
        .into_iter()
        .chain(["--npwp", pkp.npwp.digits()])
        .map(Into::into)
        .collect();
    for (flag, file) in [
        ("--password-file", &pkp.password_file),
        ("--passphrase-file", &pkp.passphrase_file),
        ("--ca", &pkp.ca_file),
    ] {
        args.push(flag.into());
        args.push(file.into());
    }
    let child = tokio::task::block_in_place(|| spawn_efaktur(&pkp.data, &args, &s));
    let (code, err) = finished(child).await;
    assert_eq!(code, Some(0), "{err}");
    assert_each_approved_once(&pkp, &state);
    assert_eq!(approved_count(&pkp), 3);
    s.shutdown().await;
}
