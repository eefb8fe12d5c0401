//! The e-Nofa service under hostile or heavy connections, over real TLS on loopback: silent
//! connections, unfinished handshakes, idle connections, too many connections from one address,
//! parallel password checks, and SIGTERM to a real `enofa-server` process.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{Datelike, Utc};
use efaktur::cert::Identity;
use efaktur::enofa::EnofaClient;
use efaktur::enofa::server::{self, Limits, RunningServer, ServerConfig};
use efaktur::enofa::wire::{CLIENT_ID_HEADER, NsfpRequest};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use super::enofa_process::{PATIENCE, Pkp, ServerProcess, new_pkp};

fn socket_addr(url: &str) -> SocketAddr {
    url.trim_start_matches("https://").parse().expect("URL")
}

/// A TCP connection to `to` from the loopback address `from` (127.x.y.z are all ours).
async fn connect_from(from: [u8; 4], to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    socket.connect(to).await.unwrap()
}

/// True when the server closes `stream` (end of stream or reset) before [`PATIENCE`] runs out.
async fn closed_by_server(stream: &mut (impl AsyncReadExt + Unpin)) -> bool {
    let mut buf = [0u8; 64];
    loop {
        match tokio::time::timeout(PATIENCE, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

fn tls_connector(ca_pem: &[u8], identity: Option<&Identity>) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let config = match identity {
        Some(id) => builder.with_client_cert_resolver(Arc::new(
            rustls::sign::SingleCertAndKey::from(id.certified_key().unwrap()),
        )),
        None => builder.with_no_client_auth(),
    };
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

fn anonymous_https(ca_pem: &[u8]) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(ca_pem).unwrap()])
        .build()
        .unwrap()
}

/// An in-process service with `limits` and one PKP (with certificate) in a fresh state.
async fn in_process(dir: &Path, limits: Limits) -> (RunningServer, Pkp) {
    let state = dir.to_path_buf();
    let pkp = tokio::task::spawn_blocking(move || new_pkp(&state, 1))
        .await
        .unwrap();
    let config = ServerConfig {
        limits,
        ..ServerConfig::demo(dir)
    };
    (server::start(config).await.unwrap(), pkp)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_leave_both_listeners_answering() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().to_path_buf();
    let pkp = tokio::task::spawn_blocking(move || new_pkp(&state, 2))
        .await
        .unwrap();
    // 64 open files: the silent connections alone exhaust them, as 300 did on a real server.
    let server = ServerProcess::spawn(dir.path(), "serve", &["--handshake-timeout", "1"], Some(64));
    let mut silent = Vec::new();
    for url in [&server.api_url, &server.public_url] {
        for _ in 0..40 {
            silent.push(connect_from([127, 0, 0, 2], socket_addr(url)).await);
        }
    }

    let client = EnofaClient::new(&server.api_url, &server.ca_pem, &pkp.identity).unwrap();
    // While the silent connections still hold the descriptors a request may fail (the server
    // cannot open its database file); once the handshake time-out has closed them it answers.
    let mut pong = client.ping().await;
    for _ in 0..20 {
        if pong.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        pong = client.ping().await;
    }
    assert_eq!(
        pong.map(|p| p.npwp).map_err(|e| e.to_string()),
        Ok(pkp.npwp.digits().to_owned()),
        "{}",
        server.log_text()
    );
    let unknown = format!(
        "{}/validasi/faktur/{}/0000000000000/00",
        server.public_url,
        pkp.npwp.digits()
    );
    let resp = anonymous_https(&server.ca_pem).get(unknown).send().await;
    assert_eq!(resp.map(|r| r.status().as_u16()).ok(), Some(404));
    assert!(
        server.log_text().contains("Too many open files"),
        "the silent connections did exhaust the server's file descriptors"
    );
    drop(silent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_handshakes_and_idle_connections_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        handshake_timeout: Duration::from_secs(2),
        idle_timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    let (running, _) = in_process(dir.path(), limits).await;

    let mut never_speaks = TcpStream::connect(socket_addr(&running.api_url))
        .await
        .unwrap();
    assert!(closed_by_server(&mut never_speaks).await);

    // The handshake done, no request follows.
    let tcp = TcpStream::connect(socket_addr(&running.public_url))
        .await
        .unwrap();
    let name = ServerName::try_from("127.0.0.1").unwrap();
    let mut idle = tls_connector(&running.ca_pem, None)
        .connect(name, tcp)
        .await
        .unwrap();
    assert!(closed_by_server(&mut idle).await);
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_gets_at_most_its_share_of_connections() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        handshake_timeout: PATIENCE * 2,
        max_connections_per_address: 3,
        ..Limits::default()
    };
    let (running, pkp) = in_process(dir.path(), limits).await;
    let api = socket_addr(&running.api_url);
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(connect_from([127, 0, 0, 3], api).await);
    }
    let mut one_too_many = connect_from([127, 0, 0, 3], api).await;
    assert!(closed_by_server(&mut one_too_many).await);

    // Other addresses are not affected.
    let client = EnofaClient::new(&running.api_url, &running.ca_pem, &pkp.identity).unwrap();
    assert_eq!(client.ping().await.unwrap().npwp, pkp.npwp.digits());
    drop(held);
    running.shutdown().await;
}

fn nsfp_request(pkp: &Pkp, jumlah: u32) -> NsfpRequest {
    NsfpRequest {
        tahun: Utc::now().year(),
        jumlah,
        nama_pemohon: "Budi".into(),
        jabatan_pemohon: "Direktur".into(),
        password: pkp.password.expose().into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_checks_never_exceed_the_hashing_pool() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        hash_workers: 2,
        ..Limits::default()
    };
    let (running, pkp) = in_process(dir.path(), limits).await;
    let client =
        Arc::new(EnofaClient::new(&running.api_url, &running.ca_pem, &pkp.identity).unwrap());
    let captcha = client.captcha().await.unwrap();
    let answer = running.demo_captcha_answer(&captcha.id).unwrap();
    client
        .register(&pkp.npwp, &pkp.kode, &captcha.id, &answer, &pkp.password)
        .await
        .unwrap();

    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (client, req) = (client.clone(), nsfp_request(&pkp, 1));
        requests.spawn(async move { client.request_nsfp(&req).await });
    }
    let mut first = Vec::new();
    while let Some(done) = requests.join_next().await {
        first.push(done.unwrap().unwrap().awal);
    }
    first.sort();
    first.dedup();
    assert_eq!(first.len(), 12, "every request got its own NSFP");
    let peak = running.peak_hashing();
    assert!((1..=2).contains(&peak), "peak {peak}");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_request_in_progress_and_closes_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().to_path_buf();
    let pkp = tokio::task::spawn_blocking(move || new_pkp(&state, 3))
        .await
        .unwrap();
    let mut server = ServerProcess::spawn(dir.path(), "demo", &[], None);
    let client = EnofaClient::new(&server.api_url, &server.ca_pem, &pkp.identity).unwrap();
    let captcha = client.captcha().await.unwrap();
    let answer = server.captcha_answer(&captcha.id).unwrap();
    let registered = client
        .register(&pkp.npwp, &pkp.kode, &captcha.id, &answer, &pkp.password)
        .await
        .unwrap();

    // An NSFP request in progress when SIGTERM arrives: the server has read its head and asked
    // for the body (100 Continue), which we send only after the signal.
    let api = socket_addr(&server.api_url);
    let tcp = TcpStream::connect(api).await.unwrap();
    let name = ServerName::try_from("127.0.0.1").unwrap();
    let mut tls = tls_connector(&server.ca_pem, Some(&pkp.identity))
        .connect(name, tcp)
        .await
        .unwrap();
    let body = serde_json::to_vec(&nsfp_request(&pkp, 5)).unwrap();
    let head = format!(
        "POST /api/v1/nsfp HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n\
         expect: 100-continue\r\ncontent-length: {}\r\n{CLIENT_ID_HEADER}: {}\r\n\r\n",
        body.len(),
        registered.client_id
    );
    tls.write_all(head.as_bytes()).await.unwrap();
    tls.flush().await.unwrap();
    let mut interim = Vec::new();
    while !interim.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(PATIENCE, tls.read(&mut byte)).await;
        assert!(matches!(read, Ok(Ok(1))), "no 100 Continue: {read:?}");
        interim.push(byte[0]);
    }
    assert!(interim.starts_with(b"HTTP/1.1 100"), "{interim:?}");

    server.sigterm();
    assert!(
        server.wait_for_line(&format!(
            "stopped accepting; finishing requests in progress addr={api}"
        )),
        "{}",
        server.log_text()
    );
    assert!(
        TcpStream::connect(api).await.is_err(),
        "no new connections while draining"
    );
    tls.write_all(&body).await.unwrap();
    tls.flush().await.unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(PATIENCE, tls.read_to_end(&mut response)).await;
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"jumlah\":5"), "{response}");

    let status = server.wait();
    assert!(status.success(), "{status:?}\n{}", server.log_text());
    assert!(server.wait_for_line("database ditutup"));
    let db = dir.path().join("enofa.sqlite");
    assert!(
        !dir.path().join("enofa.sqlite-wal").exists(),
        "a clean close checkpoints and removes the WAL"
    );
    let conn = rusqlite::Connection::open(db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let allocated: i64 = conn
        .query_row(
            "SELECT COALESCE(SUM(akhir_serial - awal_serial + 1), 0) FROM nsfp_allocation WHERE npwp = ?1",
            [pkp.npwp.digits()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(allocated, 5);
}
