//! The uploader: the persistent outbox in the Local Database drives it; the window and
//! `efaktur upload` run the same code.
//!
//! 1. *Queue*: faktur keluaran that are *Siap Upload* with an NSFP inside a recorded range get an
//!    outbox entry with a fresh idempotency key and the fingerprint of the faktur as queued.
//! 2. *Send*: one transaction moves the faktur to *Dalam Proses Approval* (a faktur changed
//!    after queuing is validated again first), then the upload goes out with the entry's key.
//! 3. *Answer*: one transaction writes DJP's answer to the faktur (Approval Sukses with approval
//!    code, time and QR data, or Reject with the ETAXSERVICE code and keterangan) and closes the
//!    entry.
//!
//! A network failure or 5xx leaves the entry pending with a later time ([`policy::backoff`]);
//! the rest go on. A process killed anywhere resumes from the outbox: a faktur left *Dalam
//! Proses* is sent again with the same key, and the server answers a key it already decided with
//! its first answer, so nothing is lost and nothing is approved twice. Batal entries travel the
//! same way; a pengganti is a faktur like any other.

pub mod payload;
pub mod policy;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::domain::{ApprovalStatus, DjpCode, FakturDraft, FakturStatus};
use crate::enofa::wire::{FakturPayload, UploadResult};
use crate::enofa::{ClientError, EnofaClient};
use crate::store::outbox::{self, Entry, Kind};
use crate::store::{Store, StoreError, faktur, nsfp};
use policy::Failure;

/// How the uploader paces itself.
#[derive(Debug, Clone)]
pub struct Options {
    /// Uploads in flight at once.
    pub concurrency: usize,
    /// First retry wait; doubles per attempt up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// `Some(n)`: a run ends once every entry left has failed `n` times in this run (`--once`).
    /// `None`: keep trying (`--watch`, the window).
    pub give_up_after: Option<u32>,
    /// How often a long run renews its upload session (well inside its 30 minutes).
    pub renew_every: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            concurrency: 8,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(300),
            give_up_after: Some(6),
            renew_every: Duration::from_secs(600),
        }
    }
}

/// Stops a running uploader (Stop Uploader, Ctrl-C): uploads in flight finish and are written.
#[derive(Debug, Clone, Default)]
pub struct Control {
    stop: Arc<AtomicBool>,
    wake: Arc<Notify>,
}

impl Control {
    pub fn new() -> Control {
        Control::default()
    }

    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake.notify_waiters();
    }

    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Sleeps `d` or until stopped.
    pub async fn sleep(&self, d: Duration) {
        let woken = self.wake.notified();
        if self.stopped() {
            return;
        }
        let _ = tokio::time::timeout(d, woken).await;
    }
}

/// What happened to one faktur, for a progress bar or the window's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `n` faktur newly queued; `pending` entries wait in all.
    Queued {
        n: usize,
        pending: u64,
    },
    Approved {
        nsfp: String,
    },
    Rejected {
        nsfp: String,
        code: String,
        message: String,
    },
    Cancelled {
        nsfp: String,
    },
    /// A failure worth retrying; the entry waits for its next attempt.
    Retrying {
        nsfp: String,
        error: String,
    },
}

/// The outcome of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub approved: u64,
    pub rejected: u64,
    pub cancelled: u64,
    /// Entries still pending when the run ended (network down for too long, or stopped).
    pub pending: u64,
}

/// Why a run could not go on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum UploadError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Client(#[from] ClientError),
}

/// Queues every faktur that is ready (one transaction). Returns how many were queued.
pub fn queue_ready(store: &mut Store) -> Result<usize, StoreError> {
    store.transaction(|tx| {
        let ids = outbox::ready_for_upload(tx)?;
        for &id in &ids {
            let Some(s) = faktur::get(tx, id)? else {
                continue;
            };
            let hash = payload::fingerprint(&payload::payload_of(&s.faktur));
            outbox::enqueue_with_hash(tx, id, Kind::Upload, &hash)?;
        }
        Ok(ids.len())
    })
}

/// What one outbox entry needs sent.
enum Work {
    Upload(Box<FakturPayload>),
    Batal,
}

struct Prepared {
    entry: Entry,
    nsfp: String,
    work: Work,
}

enum Step {
    Send(Box<Prepared>),
    /// Settled without the network (already answered, withdrawn, or invalid after a change).
    Settled(Option<Event>),
}

/// Problems of a faktur that changed after it was queued; `None` when it may be sent.
fn revalidate(
    conn: &rusqlite::Connection,
    p: &FakturPayload,
) -> Result<Option<(String, String)>, StoreError> {
    match FakturDraft::from(p).validate() {
        Err(errors) => {
            let code = errors.first().map_or(DjpCode::Etax20008, |e| e.code);
            let text: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect();
            Ok(Some((code.as_str().to_owned(), text.join("; "))))
        }
        Ok(f) if nsfp::range_of(conn, f.nsfp)?.is_none() => Ok(Some((
            DjpCode::Etax20017.as_str().to_owned(),
            format!(
                "NSFP {} tidak ada di Referensi Nomor Faktur; rekam rentang NSFP dari e-Nofa dulu",
                f.nsfp
            ),
        ))),
        Ok(_) => Ok(None),
    }
}

/// Moves the entries' faktur to *Dalam Proses Approval* (one transaction) and says what to send.
fn prepare(store: &mut Store, entries: &[Entry]) -> Result<Vec<Step>, StoreError> {
    store.transaction(|tx| entries.iter().map(|e| prepare_one(tx, e)).collect())
}

fn prepare_one(tx: &rusqlite::Connection, entry: &Entry) -> Result<Step, StoreError> {
    {
        let Some(s) = faktur::get(tx, entry.faktur_id)? else {
            outbox::mark_failed(tx, entry.id, "faktur sudah dihapus")?;
            return Ok(Step::Settled(None));
        };
        let nsfp = s.faktur.nsfp.digits();
        let send = |work| {
            Ok(Step::Send(Box::new(Prepared {
                entry: entry.clone(),
                nsfp: nsfp.clone(),
                work,
            })))
        };
        if entry.kind == Kind::Batal {
            if s.status == FakturStatus::Batal {
                outbox::mark_done(tx, entry.id)?;
                return Ok(Step::Settled(None));
            }
            return send(Work::Batal);
        }
        let p = payload::payload_of(&s.faktur);
        match s.approval {
            // Answered already (another uploader on this database wrote it).
            ApprovalStatus::ApprovalSukses => {
                outbox::mark_done(tx, entry.id)?;
                Ok(Step::Settled(None))
            }
            // In flight when the last run ended: the same key again.
            ApprovalStatus::DalamProses => send(Work::Upload(Box::new(p))),
            ApprovalStatus::SiapUpload => {
                let hash = payload::fingerprint(&p);
                if entry.payload_hash.as_deref() != Some(hash.as_str()) {
                    if let Some((code, message)) = revalidate(tx, &p)? {
                        faktur::set_approval(tx, s.id, ApprovalStatus::DalamProses, "uploader")?;
                        faktur::record_reject(tx, s.id, &code, &message)?;
                        outbox::mark_failed(tx, entry.id, &message)?;
                        return Ok(Step::Settled(Some(Event::Rejected {
                            nsfp,
                            code,
                            message,
                        })));
                    }
                    outbox::set_payload_hash(tx, entry.id, &hash)?;
                }
                faktur::set_approval(tx, s.id, ApprovalStatus::DalamProses, "uploader")?;
                send(Work::Upload(Box::new(p)))
            }
            // Taken back to Belum Approve before it was ever sent.
            ApprovalStatus::Draft | ApprovalStatus::Reject => {
                outbox::mark_failed(tx, entry.id, "ditarik dari antrean sebelum dikirim")?;
                Ok(Step::Settled(None))
            }
        }
    }
}

/// Writes DJP's answers to their faktur and closes the entries, in one transaction.
fn write_answers(
    store: &mut Store,
    answers: &[(&Entry, &UploadResult)],
) -> Result<Vec<Option<Event>>, StoreError> {
    store.transaction(|tx| {
        answers
            .iter()
            .map(|(entry, answer)| write_answer(tx, entry, answer))
            .collect()
    })
}

/// Writes DJP's answer to the faktur and closes the entry (inside the caller's transaction).
fn write_answer(
    tx: &rusqlite::Connection,
    entry: &Entry,
    answer: &UploadResult,
) -> Result<Option<Event>, StoreError> {
    {
        let Some(s) = faktur::get(tx, entry.faktur_id)? else {
            outbox::mark_failed(tx, entry.id, "faktur sudah dihapus")?;
            return Ok(None);
        };
        let nsfp = s.faktur.nsfp.digits();
        if entry.kind == Kind::Batal {
            if answer.status == "batal" {
                if s.status != FakturStatus::Batal {
                    faktur::record_batal(tx, s.id)?;
                }
                outbox::mark_done(tx, entry.id)?;
                return Ok(Some(Event::Cancelled { nsfp }));
            }
            let message = format!("server menjawab status {} untuk batal", answer.status);
            outbox::mark_failed(tx, entry.id, &message)?;
            return Ok(Some(Event::Rejected {
                nsfp,
                code: DjpCode::EtaxService20006.as_str().into(),
                message,
            }));
        }
        if s.approval != ApprovalStatus::DalamProses {
            // Written already by another run: the answer for one key is always the same.
            outbox::mark_done(tx, entry.id)?;
            return Ok(None);
        }
        if answer.status == "approved" {
            faktur::record_approval(
                tx,
                s.id,
                answer.approval_time.as_deref().unwrap_or_default(),
                answer.qr_url.as_deref().unwrap_or_default(),
            )?;
            if let Some(code) = &answer.approval_code {
                faktur::set_approval_code(tx, s.id, code)?;
            }
            outbox::mark_done(tx, entry.id)?;
            Ok(Some(Event::Approved { nsfp }))
        } else {
            let code = answer.reject_code.clone().unwrap_or_default();
            let message = answer.reject_message.clone().unwrap_or_default();
            faktur::record_reject(tx, s.id, &code, &message)?;
            outbox::mark_failed(tx, entry.id, &format!("{code} : {message}"))?;
            Ok(Some(Event::Rejected {
                nsfp,
                code,
                message,
            }))
        }
    }
}

/// A refusal for good: the faktur becomes Reject with the refusal's code.
fn write_refusal(store: &mut Store, entry: &Entry, e: &ClientError) -> Result<Event, StoreError> {
    let answer = UploadResult {
        nomor_faktur: String::new(),
        status: "reject".into(),
        approval_time: None,
        approval_code: None,
        qr_url: None,
        reject_code: Some(e.code().as_str().into()),
        reject_message: Some(e.to_string()),
    };
    let fallback = Event::Rejected {
        nsfp: String::new(),
        code: e.code().as_str().into(),
        message: e.to_string(),
    };
    let written = store.transaction(|tx| write_answer(tx, entry, &answer))?;
    Ok(written.unwrap_or(fallback))
}

type Outcome = (Box<Prepared>, Result<UploadResult, ClientError>);

fn spawn_send(set: &mut JoinSet<Outcome>, client: &Arc<EnofaClient>, p: Box<Prepared>) {
    let client = client.clone();
    set.spawn(async move {
        let result = match &p.work {
            Work::Upload(payload) => client.upload(payload, &p.entry.idempotency_key).await,
            Work::Batal => client.batal(&p.nsfp).await,
        };
        (p, result)
    });
}

fn count(summary: &mut Summary, event: &Event) {
    match event {
        Event::Approved { .. } => summary.approved += 1,
        Event::Rejected { .. } => summary.rejected += 1,
        Event::Cancelled { .. } => summary.cancelled += 1,
        Event::Queued { .. } | Event::Retrying { .. } => {}
    }
}

/// Queues what is ready and works the outbox until it is empty, every entry left has failed
/// [`Options::give_up_after`] times in this run, or `control` stops it.
pub async fn run(
    store: &mut Store,
    client: &Arc<EnofaClient>,
    options: &Options,
    control: &Control,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Summary, UploadError> {
    let n = queue_ready(store)?;
    on_event(&Event::Queued {
        n,
        pending: outbox::pending_count(store.conn())? as u64,
    });
    let mut summary = Summary::default();
    let mut failures: HashMap<i64, u32> = HashMap::new();
    let mut in_flight: HashSet<i64> = HashSet::new();
    let mut set: JoinSet<Outcome> = JoinSet::new();
    let mut ready: VecDeque<Box<Prepared>> = VecDeque::new();
    let concurrency = options.concurrency.max(1);
    let exhausted = |failures: &HashMap<i64, u32>, id: i64| {
        options
            .give_up_after
            .is_some_and(|n| failures.get(&id).copied().unwrap_or(0) >= n)
    };
    let mut fatal: Option<UploadError> = None;
    let mut renewed = std::time::Instant::now();
    loop {
        if renewed.elapsed() >= options.renew_every {
            renewed = std::time::Instant::now();
            // A network failure here is retried at the next turn; an ended session stops the run.
            if let Err(e) = client.renew_session().await
                && policy::classify(&e) != Failure::Retry
            {
                fatal.get_or_insert(UploadError::Client(e));
            }
        }
        // Prepared ahead in batches of `concurrency` (one transaction each), sent as slots free.
        if fatal.is_none() && !control.stopped() && ready.is_empty() && set.len() < concurrency {
            let want = (concurrency * 3 + in_flight.len()) as u32;
            let batch: Vec<Entry> = outbox::due(store.conn(), Utc::now(), want)?
                .into_iter()
                .filter(|e| !in_flight.contains(&e.id) && !exhausted(&failures, e.id))
                .take(concurrency)
                .collect();
            if !batch.is_empty() {
                for step in prepare(store, &batch)? {
                    match step {
                        Step::Send(p) => {
                            in_flight.insert(p.entry.id);
                            ready.push_back(p);
                        }
                        Step::Settled(Some(event)) => {
                            count(&mut summary, &event);
                            on_event(&event);
                        }
                        Step::Settled(None) => {}
                    }
                }
            }
        }
        while set.len() < concurrency
            && !control.stopped()
            && let Some(p) = ready.pop_front()
        {
            spawn_send(&mut set, client, p);
        }
        let Some(done) = set.join_next().await else {
            if fatal.is_some() || control.stopped() {
                break;
            }
            // Nothing in flight: wait for the next entry that may still be tried in this run.
            let pending = outbox::due(
                store.conn(),
                Utc::now() + chrono::Duration::days(3650),
                u32::MAX,
            )?;
            if pending.iter().all(|e| exhausted(&failures, e.id)) {
                break;
            }
            let wait = outbox::next_due(store.conn())?
                .map(|t| (t - Utc::now()).to_std().unwrap_or_default())
                .unwrap_or_default()
                .clamp(Duration::from_millis(10), Duration::from_secs(1));
            control.sleep(wait).await;
            continue;
        };
        // Every answer already in is written in one transaction (each faktur on its own is
        // still all-or-nothing); fewer commits leave more time for the network.
        let mut outcomes: Vec<Outcome> = done.into_iter().collect();
        while let Some(more) = set.try_join_next() {
            // A task cannot fail but by a panic; its entry stays pending for the next run.
            outcomes.extend(more);
        }
        let mut answered = Vec::new();
        let mut failed = Vec::new();
        for (p, result) in outcomes {
            in_flight.remove(&p.entry.id);
            match result {
                Ok(answer) => answered.push((p, answer)),
                Err(e) => failed.push((p, e)),
            }
        }
        let pairs: Vec<(&Entry, &UploadResult)> =
            answered.iter().map(|(p, a)| (&p.entry, a)).collect();
        let mut events = write_answers(store, &pairs)?;
        for (p, e) in failed {
            events.push(match policy::classify(&e) {
                Failure::Refused => Some(write_refusal(store, &p.entry, &e)?),
                Failure::Stop => {
                    fatal.get_or_insert(UploadError::Client(e));
                    None
                }
                // Renew the session, then as any retry; if renewing fails, the run cannot go on.
                Failure::Session if client.renew_session().await.is_err() => {
                    fatal.get_or_insert(UploadError::Client(e));
                    None
                }
                Failure::Session | Failure::Retry => {
                    let tries = failures.entry(p.entry.id).or_insert(0);
                    *tries += 1;
                    let wait = policy::backoff(
                        p.entry.attempts + 1,
                        options.base_delay,
                        options.max_delay,
                        rand::random::<f64>(),
                    );
                    let next = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                    outbox::retry_at(store.conn(), p.entry.id, next, &e.to_string())?;
                    Some(Event::Retrying {
                        nsfp: p.nsfp.clone(),
                        error: e.to_string(),
                    })
                }
            });
        }
        for event in events.into_iter().flatten() {
            count(&mut summary, &event);
            on_event(&event);
        }
    }
    if let Some(e) = fatal {
        return Err(e);
    }
    summary.pending = outbox::pending_count(store.conn())? as u64;
    Ok(summary)
}
