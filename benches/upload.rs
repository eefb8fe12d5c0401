//! Uploader benchmark: N faktur (default 10,000) from a Local Database through the uploader
//! (`efaktur::upload::run`: outbox, idempotency keys, one transaction per answer) to an
//! in-process `enofa-server` over loopback mutual TLS, next to a bare loop of the same signed
//! POSTs (`EnofaClient::upload`, one after the other on one reused TLS connection) to the same
//! server in the same run. Prints faktur/s of both and their ratio.
//!
//! Run with `cargo bench --bench upload` (optionally `-- N CONCURRENCY`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Datelike, Utc};
use efaktur::cert::{Identity, P12Encryption};
use efaktur::domain::{ApprovalStatus, FakturDraft, Npwp, Nsfp, NsfpRange};
use efaktur::enofa::EnofaClient;
use efaktur::enofa::server::{self, ServerConfig, operator};
use efaktur::enofa::wire::{FakturItemPayload, FakturPayload};
use efaktur::store::{Store, StoreError, faktur, nsfp, profile};
use efaktur::upload::{self, Control, Options};

const PASSPHRASE: &str = "rahasia-p12";

fn payload(nsfp: &str, k: usize) -> FakturPayload {
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

/// Gives `npwp` `n` NSFP of this year straight in the service's database (the quota of 75
/// unused numbers stops a request for thousands): the numbers as 13 digits.
fn allot(state: &std::path::Path, npwp: &str, n: u32) -> Vec<String> {
    let db = rusqlite::Connection::open(state.join("enofa.sqlite")).expect("state db");
    db.busy_timeout(Duration::from_secs(10)).expect("busy");
    let year = Utc::now().year();
    let last: i64 = db
        .query_row(
            "SELECT COALESCE(MAX(akhir_serial), 0) FROM nsfp_allocation WHERE tahun = ?1",
            [year],
            |r| r.get(0),
        )
        .expect("last");
    let (awal, akhir) = (last + 1, last + i64::from(n));
    let at =
        (Utc::now() - chrono::Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    db.execute(
        "INSERT INTO nsfp_allocation (npwp, tahun, prefix, awal_serial, akhir_serial, nama_pemohon, jabatan_pemohon, allocated_at)
         VALUES (?1, ?2, 0, ?3, ?4, 'Bench', 'Direktur', ?5)",
        rusqlite::params![npwp, year, awal, akhir, at],
    )
    .expect("allocation");
    (awal..=akhir)
        .map(|s| format!("000{:02}{s:08}", year % 100))
        .collect()
}

fn main() {
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = numbers.first().copied().unwrap_or(10_000);
    let concurrency = numbers.get(1).copied().unwrap_or(16);
    let dir = tempfile::tempdir().expect("temporary directory");
    let state = dir.path().join("enofa");

    // The server on its own runtime (two workers), as enofa-server runs.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let s = server_rt
        .block_on(server::start(ServerConfig::demo(&state)))
        .expect("server");

    let npwp = Npwp::parse("013000666091000").expect("npwp");
    let created =
        operator::pkp_add(&state, npwp.digits(), "PT BENCH", "JL. CEPAT", "").expect("pkp");
    let (_, p12) =
        operator::cert_issue(&state, npwp.digits(), PASSPHRASE, P12Encryption::default())
            .expect("certificate");
    let identity = Identity::from_p12(&p12, PASSPHRASE).expect("identity");
    let rt = tokio::runtime::Builder::new_multi_thread()
        // The uploads go on on the workers while this thread writes answers to SQLite.
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let client = EnofaClient::new(&s.api_url, &s.ca_pem, &identity).expect("client");
    rt.block_on(async {
        let cap = client.captcha().await.expect("captcha");
        let answer = s.demo_captcha_answer(&cap.id).expect("answer");
        client
            .register(
                &npwp,
                &created.kode_aktivasi,
                &cap.id,
                &answer,
                &created.password,
            )
            .await
            .expect("register");
        let cap = client.captcha().await.expect("captcha");
        let answer = s.demo_captcha_answer(&cap.id).expect("answer");
        client
            .open_session(&cap.id, &answer, &created.password)
            .await
            .expect("session");
    });
    let client = Arc::new(client);

    // The bare loop: the same signed POSTs one after another on one reused connection.
    let bare: Vec<FakturPayload> = allot(&state, npwp.digits(), n as u32)
        .iter()
        .enumerate()
        .map(|(k, nsfp)| payload(nsfp, k))
        .collect();
    let started = Instant::now();
    rt.block_on(async {
        for (k, p) in bare.iter().enumerate() {
            let r = client
                .upload(p, &format!("bare-{k}"))
                .await
                .expect("upload");
            assert_eq!(r.status, "approved", "{r:?}");
        }
    });
    let bare_secs = started.elapsed().as_secs_f64();

    // The uploader: a Local Database with n faktur Siap Upload.
    let numbers = allot(&state, npwp.digits(), n as u32);
    let db_path = dir.path().join("local.sqlite");
    let mut store = Store::open(&db_path).expect("store");
    let _ = profile::add(
        &mut store,
        &profile::Profile::new(npwp.clone(), "PT BENCH", "JL. CEPAT"),
    )
    .expect("profile");
    let range = NsfpRange::new(
        Nsfp::parse(&numbers[0]).expect("nsfp"),
        Nsfp::parse(&numbers[numbers.len() - 1]).expect("nsfp"),
    )
    .expect("range");
    store
        .transaction(|tx| {
            nsfp::add_range(
                tx,
                range,
                Utc::now().date_naive() - chrono::Duration::days(1),
            )?;
            for (k, number) in numbers.iter().enumerate() {
                let f = FakturDraft::from(&payload(number, k))
                    .validate()
                    .expect("valid faktur");
                faktur::insert(tx, &f, ApprovalStatus::SiapUpload, "bench")?;
            }
            Ok::<_, StoreError>(())
        })
        .expect("faktur");
    let options = Options {
        concurrency,
        ..Options::default()
    };
    let started = Instant::now();
    let summary = rt
        .block_on(upload::run(
            &mut store,
            &client,
            &options,
            &Control::new(),
            &mut |_| {},
        ))
        .expect("upload run");
    let uploader_secs = started.elapsed().as_secs_f64();
    assert_eq!(summary.approved as usize, n, "{summary:?}");

    let (bare_rate, uploader_rate) = (n as f64 / bare_secs, n as f64 / uploader_secs);
    println!(
        "bare loop (one connection, one at a time): {n} faktur in {bare_secs:.2} s = {bare_rate:.0} faktur/s"
    );
    println!(
        "uploader (outbox, {concurrency} in flight):       {n} faktur in {uploader_secs:.2} s = {uploader_rate:.0} faktur/s"
    );
    println!("uploader / bare loop: {:.2}x", uploader_rate / bare_rate);
    server_rt.block_on(s.shutdown());
}
