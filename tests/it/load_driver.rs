//! The load on a real `enofa-server` process: many clients at once doing captcha, register, NSFP
//! request, upload and QR validation; "password" clients keep the argon2 pool busy with NSFP
//! requests, and for as long as they do QR readers validate (their latency is reported as
//! `qr (while passwords)`). Used by `enofa_load` (short) and `benches/load.rs` (full).
//!
//! All clients share one loopback address, so the server must run with a per-address
//! connection limit above the client count (`SERVER_ARGS`).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{Datelike, Utc};
use efaktur::enofa::EnofaClient;
use efaktur::enofa::wire::{FakturItemPayload, FakturPayload, NsfpRequest};

use super::enofa_process::{Pkp, ServerProcess, new_pkp};

/// What the server under load runs with: every client comes from 127.0.0.1 here, unlike in the
/// field, so the per-address limit is lifted (`enofa_conn` tests that limit).
pub const SERVER_ARGS: &[&str] = &["--max-connections-per-address", "1000"];

/// The kind of request the QR readers make.
pub const READER: &str = "qr (while passwords)";

/// How much load: bounded in count (and so in time).
#[derive(Debug, Clone)]
pub struct Plan {
    /// Clients doing the whole journey (captcha, register, then `rounds` of NSFP + uploads + QR).
    pub clients: usize,
    pub rounds: usize,
    pub faktur_per_round: u32,
    /// Clients doing nothing but NSFP requests (one argon2 check each), `password_checks` each.
    pub password_clients: usize,
    pub password_checks: usize,
    /// Tasks validating QR codes for as long as the password clients run.
    pub qr_readers: usize,
}

impl Plan {
    pub fn accounts(&self) -> usize {
        self.clients + self.password_clients
    }
}

/// Latencies per kind of request, failures, wall time.
#[derive(Default)]
pub struct Figures {
    pub latencies: BTreeMap<&'static str, Vec<Duration>>,
    pub failures: Vec<String>,
    pub elapsed: Duration,
}

impl Figures {
    pub fn requests(&self) -> usize {
        self.latencies.values().map(Vec::len).sum()
    }

    /// A table: kind, count, p50, p99, max; then the total and requests/s.
    pub fn report(&self) -> String {
        let mut out = format!(
            "{:<22} {:>7} {:>10} {:>10} {:>10}\n",
            "request", "count", "p50 ms", "p99 ms", "max ms"
        );
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        for (kind, all) in &self.latencies {
            let mut sorted = all.clone();
            sorted.sort();
            let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
            out += &format!(
                "{kind:<22} {:>7} {:>10.1} {:>10.1} {:>10.1}\n",
                sorted.len(),
                ms(at(0.5)),
                ms(at(0.99)),
                ms(at(1.0)),
            );
        }
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let readers = self.latencies.get(READER).map_or(0, Vec::len);
        out += &format!(
            "total {} requests in {:.1} s = {:.0} requests/s ({:.0}/s without `{READER}`), {} failed\n",
            self.requests(),
            secs,
            self.requests() as f64 / secs,
            (self.requests() - readers) as f64 / secs,
            self.failures.len()
        );
        out
    }
}

/// Accounts for `plan` in the (not yet served) state directory `state`.
pub fn prepare(state: &std::path::Path, plan: &Plan) -> Vec<Pkp> {
    (0..plan.accounts() as u32)
        .map(|n| new_pkp(state, n))
        .collect()
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Figures>>);

impl Recorder {
    /// Times `call`; an `Err` (or a result `check` refuses) is a failure.
    async fn time<T, E: std::fmt::Debug>(
        &self,
        kind: &'static str,
        call: impl Future<Output = Result<T, E>>,
    ) -> Option<T> {
        let started = Instant::now();
        let result = call.await;
        let took = started.elapsed();
        let mut f = self.0.lock().unwrap();
        f.latencies.entry(kind).or_default().push(took);
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                f.failures.push(format!("{kind}: {e:?}"));
                None
            }
        }
    }

    fn fail(&self, what: String) {
        self.0.lock().unwrap().failures.push(what);
    }
}

/// Runs `plan` against `server` with the accounts from [`prepare`].
pub async fn run(server: Arc<ServerProcess>, pkps: Vec<Pkp>, plan: &Plan) -> Figures {
    let rec = Recorder::default();
    let qr_urls = Arc::new(Mutex::new(Vec::<String>::new()));
    let passwords_left = Arc::new(AtomicUsize::new(plan.password_clients));
    let anonymous = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&server.ca_pem).expect("CA")])
        .timeout(super::enofa_process::PATIENCE)
        .build()
        .expect("QR client");
    let started = Instant::now();

    let mut workers = tokio::task::JoinSet::new();
    for (i, pkp) in pkps.into_iter().enumerate() {
        let (server, rec, urls, anonymous, plan, left) = (
            server.clone(),
            rec.clone(),
            qr_urls.clone(),
            anonymous.clone(),
            plan.clone(),
            passwords_left.clone(),
        );
        workers.spawn(async move {
            let client = registered(&server, &pkp, &rec).await;
            match client {
                Some(client) if i < plan.clients => {
                    journey(&client, &pkp, &plan, &rec, &urls, &anonymous).await;
                }
                Some(client) => {
                    // Start once there are QR codes to validate alongside.
                    let patience = Instant::now() + super::enofa_process::PATIENCE;
                    while urls.lock().unwrap().is_empty() && Instant::now() < patience {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    for _ in 0..plan.password_checks {
                        let req = nsfp_request(&pkp, 1);
                        rec.time("nsfp (password)", client.request_nsfp(&req)).await;
                    }
                    left.fetch_sub(1, Ordering::SeqCst);
                }
                None if i >= plan.clients => {
                    left.fetch_sub(1, Ordering::SeqCst);
                }
                None => {}
            }
        });
    }
    let mut readers = tokio::task::JoinSet::new();
    for r in 0..plan.qr_readers {
        let (rec, urls, anonymous, left) = (
            rec.clone(),
            qr_urls.clone(),
            anonymous.clone(),
            passwords_left.clone(),
        );
        readers.spawn(async move {
            let mut n = r;
            while left.load(Ordering::SeqCst) > 0 {
                let url = {
                    let urls = urls.lock().unwrap();
                    (!urls.is_empty()).then(|| urls[n % urls.len()].clone())
                };
                n += 1;
                match url {
                    Some(url) => validate(&anonymous, &url, READER, &rec).await,
                    None => tokio::time::sleep(Duration::from_millis(5)).await,
                }
            }
        });
    }
    while let Some(w) = workers.join_next().await {
        if let Err(e) = w {
            rec.fail(format!("client task: {e}"));
        }
    }
    while readers.join_next().await.is_some() {}
    let mut figures = std::mem::take(&mut *rec.0.lock().unwrap());
    figures.elapsed = started.elapsed();
    figures
}

async fn registered(server: &Arc<ServerProcess>, pkp: &Pkp, rec: &Recorder) -> Option<EnofaClient> {
    let client = match EnofaClient::new(&server.api_url, &server.ca_pem, &pkp.identity) {
        Ok(c) => c,
        Err(e) => {
            rec.fail(format!("client: {e}"));
            return None;
        }
    };
    let captcha = rec.time("captcha", client.captcha()).await?;
    // The demo log is read by a thread; wait for the line off the async threads.
    let (log, id) = (server.clone(), captcha.id.clone());
    let answer = tokio::task::spawn_blocking(move || log.captcha_answer(&id))
        .await
        .ok()
        .flatten();
    let Some(answer) = answer else {
        rec.fail(format!("no demo-log answer for captcha {}", captcha.id));
        return None;
    };
    let register = client.register(&pkp.npwp, &pkp.kode, &captcha.id, &answer, &pkp.password);
    rec.time("register", register).await?;
    // Uploads need an upload session: a second captcha, then the password.
    let captcha = rec.time("captcha", client.captcha()).await?;
    let (log, id) = (server.clone(), captcha.id.clone());
    let answer = tokio::task::spawn_blocking(move || log.captcha_answer(&id))
        .await
        .ok()
        .flatten();
    let Some(answer) = answer else {
        rec.fail(format!("no demo-log answer for captcha {}", captcha.id));
        return None;
    };
    let session = client.open_session(&captcha.id, &answer, &pkp.password);
    rec.time("session", session).await?;
    Some(client)
}

/// Rounds of: request NSFP, upload a faktur on each, validate each QR code.
async fn journey(
    client: &EnofaClient,
    pkp: &Pkp,
    plan: &Plan,
    rec: &Recorder,
    urls: &Mutex<Vec<String>>,
    anonymous: &reqwest::Client,
) {
    for round in 0..plan.rounds {
        let req = nsfp_request(pkp, plan.faktur_per_round);
        let Some(alloc) = rec.time("nsfp", client.request_nsfp(&req)).await else {
            continue;
        };
        let first: u64 = alloc.awal[5..].parse().unwrap_or_default();
        for k in 0..u64::from(alloc.jumlah) {
            let nsfp = format!("{}{:08}", &alloc.awal[..5], first + k);
            let key = format!("{}-{round}-{k}", pkp.npwp.digits());
            let Some(result) = rec
                .time("upload", client.upload(&faktur(&nsfp), &key))
                .await
            else {
                continue;
            };
            match (result.status.as_str(), result.qr_url) {
                ("approved", Some(url)) => {
                    validate(anonymous, &url, "qr", rec).await;
                    urls.lock().unwrap().push(url);
                }
                (status, _) => rec.fail(format!(
                    "upload {nsfp}: {status} {:?}",
                    result.reject_message
                )),
            }
        }
        rec.time("nsfp check", client.check_nsfp(&alloc.awal)).await;
    }
}

async fn validate(anonymous: &reqwest::Client, url: &str, kind: &'static str, rec: &Recorder) {
    let answer = async {
        let resp = anonymous.get(url).send().await?;
        let status = resp.status();
        Ok::<_, reqwest::Error>((status, resp.text().await?))
    };
    if let Some((status, xml)) = rec.time(kind, answer).await
        && (status != 200 || !xml.contains("<statusApproval>Faktur Valid"))
    {
        rec.fail(format!("{kind} {url}: HTTP {status}"));
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
