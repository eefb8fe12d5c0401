//! Upload > Start Uploader / Stop Uploader in the window: the same `efaktur::upload` as
//! `efaktur upload --watch`, held by the shell so it keeps running while pages change.
//!
//! Start: the certificate passphrase (OS keyring, else asked), a captcha from the e-Nofa server,
//! then DJP's dialog "Masukan Captcha dan Password User E-Nofa anda untuk mengakses Web Service".
//! Only when the session opens does the worker start: a thread of its own (its own small Tokio
//! runtime and its own SQLite connection, so neither the window nor the pages' database handle
//! waits on it) that works the outbox, sleeps, and looks again for new Siap Upload faktur until
//! Stop. Its events reach the window as a stream; the handle to stop it is [`Control`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use efaktur::domain::DjpCode;
use efaktur::enofa::EnofaClient;
use efaktur::store::{Store, certificate};
use efaktur::upload::{self, Control, Event, Options};
use iced::futures::channel::mpsc;
use iced::futures::{Stream, StreamExt};
use iced::widget::{column, container, operation, row, text};
use iced::{Element, Length, Task};

use super::certificate::{PROMPT_INPUT, open_installed};
use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key};
use crate::ui::screen::captcha::{self, Shown};
use crate::ui::service::{Captcha, Failure, Secret, blocking, passphrase_key};
use crate::ui::widget;

/// The client with the session, shared by the dialog and the worker. `Debug` names no secret.
#[derive(Clone)]
pub struct Client(Arc<EnofaClient>);

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Client")
    }
}

/// What the worker reports.
#[derive(Debug, Clone)]
pub enum Progress {
    Event(Event),
    /// The worker ended: stopped (`Ok`), or it could not go on (session ended, database).
    Finished(Result<(), Failure>),
}

#[derive(Debug, Clone)]
pub enum Message {
    Start,
    Stop,
    StoredPassphrase(Result<Option<Secret>, Failure>),
    PassphraseChanged(Secret),
    PassphraseOk,
    /// The certificate opened and a first captcha arrived.
    Connected(Result<(Client, Shown), Failure>),
    Refresh,
    CaptchaLoaded(Result<Shown, Failure>),
    AnswerChanged(String),
    PasswordChanged(Secret),
    Submit,
    SessionOpened(Result<(), Failure>),
    Cancel,
    /// Events the worker had ready, in order.
    Worker(Vec<Progress>),
}

/// The Start Uploader dialog, step by step.
#[derive(Debug)]
enum Stage {
    /// No remembered passphrase: asked, as Tes koneksi does.
    Passphrase(Secret),
    /// Opening the certificate and asking for a captcha.
    Connecting,
    Captcha {
        client: Client,
        dialog: captcha::Dialog,
        busy: bool,
    },
}

#[derive(Debug)]
struct Dialog {
    stage: Stage,
    banner: Option<Failure>,
}

/// Counts of this run, for the status bar.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Waiting in the outbox (as of the last count, less those answered since).
    pub queued: u64,
    /// Answered by e-Nofa (approved, rejected or cancelled).
    pub sent: u64,
    pub approved: u64,
    pub rejected: u64,
}

#[derive(Debug, Default)]
pub struct Uploader {
    dialog: Option<Dialog>,
    control: Option<Control>,
    /// Set by Stop until the worker says it has ended.
    stopping: bool,
    started: Option<Instant>,
    stats: Stats,
    problem: Option<Failure>,
}

/// What an update asks of the shell.
pub struct Outcome {
    pub task: Task<Message>,
    /// Answers were written: the open page should read its data again.
    pub changed: bool,
}

impl From<Task<Message>> for Outcome {
    fn from(task: Task<Message>) -> Outcome {
        Outcome {
            task,
            changed: false,
        }
    }
}

impl Uploader {
    pub fn running(&self) -> bool {
        self.control.is_some()
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    #[cfg(test)]
    pub fn problem(&self) -> Option<&Failure> {
        self.problem.as_ref()
    }

    #[cfg(test)]
    /// The dialog's banner (a wrong password, an unreachable server).
    pub fn dialog_banner(&self) -> Option<&Failure> {
        self.dialog.as_ref().and_then(|d| d.banner.as_ref())
    }

    pub fn dialog_open(&self) -> bool {
        self.dialog.is_some()
    }

    /// The Start Uploader dialog's step, for the simulasi screen log.
    pub fn dialog_stage(&self) -> Option<&'static str> {
        self.dialog.as_ref().map(|d| match &d.stage {
            Stage::Passphrase(_) => "passphrase",
            Stage::Connecting => "connecting",
            Stage::Captcha { dialog, .. } if dialog.shown.is_none() => "captcha-loading",
            Stage::Captcha { .. } => "captcha",
        })
    }

    #[cfg(test)]
    pub fn asks_passphrase(&self) -> bool {
        matches!(
            self.dialog,
            Some(Dialog {
                stage: Stage::Passphrase(_),
                ..
            })
        )
    }

    #[cfg(test)]
    /// The captcha answer the simulasi server shows a trainee.
    pub fn simulasi_answer(&self) -> Option<&str> {
        match &self.dialog.as_ref()?.stage {
            Stage::Captcha { dialog, .. } => {
                dialog.shown.as_ref()?.captcha.simulasi_answer.as_deref()
            }
            _ => None,
        }
    }

    pub fn on_escape(&self) -> Option<Message> {
        self.dialog.as_ref().map(|_| Message::Cancel)
    }

    /// Stops the worker (logout): uploads in flight finish and are written.
    pub fn stop(&mut self) {
        if let Some(c) = &self.control {
            c.stop();
            self.stopping = true;
        }
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Outcome {
        match message {
            Message::Start => self.start(ctx).into(),
            Message::Stop => {
                self.stop();
                Task::none().into()
            }
            Message::StoredPassphrase(r) => self.stored_passphrase(r, ctx).into(),
            Message::PassphraseChanged(p) => {
                if let Some(Dialog {
                    stage: Stage::Passphrase(s),
                    ..
                }) = &mut self.dialog
                {
                    *s = p;
                }
                Task::none().into()
            }
            Message::PassphraseOk => {
                let passphrase = match &self.dialog {
                    Some(Dialog {
                        stage: Stage::Passphrase(s),
                        ..
                    }) if !s.is_empty() => s.clone(),
                    _ => return Task::none().into(),
                };
                self.connect(ctx, passphrase).into()
            }
            Message::Connected(r) => {
                let Some(d) = &mut self.dialog else {
                    return Task::none().into();
                };
                match r {
                    Ok((client, shown)) => {
                        let mut dialog = captcha::Dialog::new();
                        dialog.show(shown);
                        d.stage = Stage::Captcha {
                            client,
                            dialog,
                            busy: false,
                        };
                        widget::focus_selected(captcha::CAPTCHA_INPUT).into()
                    }
                    Err(f) => {
                        // Back to the passphrase: the usual cause is a wrong one.
                        d.stage = Stage::Passphrase(Secret::default());
                        d.banner = Some(f);
                        Task::none().into()
                    }
                }
            }
            Message::Refresh => self.refresh(ctx).into(),
            Message::CaptchaLoaded(r) => {
                if let Some(Dialog {
                    stage: Stage::Captcha { dialog, .. },
                    banner,
                }) = &mut self.dialog
                {
                    dialog.loading = false;
                    match r {
                        Ok(shown) => dialog.show(shown),
                        Err(f) => *banner = Some(f),
                    }
                }
                Task::none().into()
            }
            Message::AnswerChanged(a) => {
                if let Some(dialog) = self.captcha_dialog() {
                    dialog.answer = a;
                }
                Task::none().into()
            }
            Message::PasswordChanged(p) => {
                if let Some(dialog) = self.captcha_dialog() {
                    dialog.password = p;
                }
                Task::none().into()
            }
            Message::Submit => self.submit().into(),
            Message::SessionOpened(r) => self.session_opened(r, ctx),
            Message::Cancel => {
                self.dialog = None;
                Task::none().into()
            }
            Message::Worker(batch) => self.worker(batch),
        }
    }

    fn captcha_dialog(&mut self) -> Option<&mut captcha::Dialog> {
        match &mut self.dialog.as_mut()?.stage {
            Stage::Captcha { dialog, .. } => Some(dialog),
            _ => None,
        }
    }

    fn start(&mut self, ctx: &Ctx) -> Task<Message> {
        if self.running() || self.dialog.is_some() {
            return Task::none();
        }
        let Some(session) = &ctx.session else {
            return Task::none();
        };
        self.dialog = Some(Dialog {
            stage: Stage::Connecting,
            banner: None,
        });
        let secrets = ctx.services.secrets.clone();
        let key = passphrase_key(&session.profile.npwp);
        Task::perform(
            blocking(move || secrets.get(&key).map_err(Failure::from)),
            Message::StoredPassphrase,
        )
    }

    fn stored_passphrase(
        &mut self,
        r: Result<Option<Secret>, Failure>,
        ctx: &Ctx,
    ) -> Task<Message> {
        let Some(d) = &mut self.dialog else {
            return Task::none();
        };
        match r {
            Ok(Some(p)) => self.connect(ctx, p),
            // Nothing remembered, or no keyring on this computer: ask.
            Ok(None) | Err(_) => {
                d.stage = Stage::Passphrase(Secret::default());
                operation::focus(PROMPT_INPUT)
            }
        }
    }

    /// Opens the installed certificate, makes the client and asks for a first captcha.
    fn connect(&mut self, ctx: &Ctx, passphrase: Secret) -> Task<Message> {
        let Some(d) = &mut self.dialog else {
            return Task::none();
        };
        d.stage = Stage::Connecting;
        d.banner = None;
        let (Some(session), Some(server)) = (&ctx.session, &ctx.server) else {
            d.banner = Some(Failure::coded(DjpCode::Etax40001).with_hint(Key::PilihServerConnect));
            return Task::none();
        };
        let Some(client_id) = session.profile.client_id.clone() else {
            d.banner = Some(
                Failure::said(None, Key::BelumRegistrasi, &[]).with_hint(Key::LakukanRegister),
            );
            return Task::none();
        };
        let services = ctx.services.clone();
        let db = session.db.clone();
        let server = server.clone();
        Task::perform(
            async move {
                let certs = services.certs.clone();
                let meta = db
                    .run(|s| certificate::get(s.conn()))
                    .await?
                    .ok_or_else(|| Failure::coded(DjpCode::Etax30022).with_hint(Key::PasangP12))?;
                let cert =
                    blocking(move || open_installed(certs.as_ref(), &meta, &passphrase)).await?;
                let client = EnofaClient::new(&server.url, &server.ca_pem, &cert.identity)?
                    .with_client_id(client_id);
                let client = Client(Arc::new(client));
                let shown = fetch_captcha(&services, &server.url, &client).await?;
                Ok((client, shown))
            },
            Message::Connected,
        )
    }

    fn refresh(&mut self, ctx: &Ctx) -> Task<Message> {
        let Some(Dialog {
            stage: Stage::Captcha { client, dialog, .. },
            ..
        }) = &mut self.dialog
        else {
            return Task::none();
        };
        let Some(server) = &ctx.server else {
            return Task::none();
        };
        dialog.loading = true;
        dialog.answer.clear();
        let (services, url, client) = (ctx.services.clone(), server.url.clone(), client.clone());
        Task::perform(
            async move { fetch_captcha(&services, &url, &client).await },
            Message::CaptchaLoaded,
        )
    }

    fn submit(&mut self) -> Task<Message> {
        let Some(Dialog {
            stage:
                Stage::Captcha {
                    client,
                    dialog,
                    busy,
                },
            banner,
        }) = &mut self.dialog
        else {
            return Task::none();
        };
        if *busy {
            return Task::none();
        }
        let Some((id, answer, password)) = dialog.validate() else {
            return Task::none();
        };
        *busy = true;
        *banner = None;
        let client = client.clone();
        Task::perform(
            async move {
                client
                    .0
                    .open_session(&id, &answer, &password)
                    .await
                    .map(drop)
                    .map_err(Failure::from)
            },
            Message::SessionOpened,
        )
    }

    fn session_opened(&mut self, r: Result<(), Failure>, ctx: &Ctx) -> Outcome {
        let Some(Dialog {
            stage: Stage::Captcha { client, busy, .. },
            banner,
        }) = &mut self.dialog
        else {
            return Task::none().into();
        };
        *busy = false;
        let client = client.clone();
        match r {
            Err(f) => {
                // A captcha is good for one try: a fresh one for the next.
                *banner = Some(with_todo(f));
                if let Some(d) = self.captcha_dialog() {
                    d.password = Secret::default();
                }
                self.refresh(ctx).into()
            }
            Ok(()) => {
                self.dialog = None;
                let Some(db) = ctx.db() else {
                    return Task::none().into();
                };
                let control = Control::new();
                self.control = Some(control.clone());
                self.stopping = false;
                self.started = Some(Instant::now());
                self.stats = Stats::default();
                self.problem = None;
                let stream = worker(db.path().to_path_buf(), client.0, control);
                Task::run(stream.ready_chunks(256), Message::Worker).into()
            }
        }
    }

    fn worker(&mut self, batch: Vec<Progress>) -> Outcome {
        let mut changed = false;
        for p in batch {
            match p {
                Progress::Event(e) => changed |= self.event(e),
                Progress::Finished(r) => {
                    self.control = None;
                    self.stopping = false;
                    if let Err(f) = r {
                        self.problem = Some(f);
                    }
                    changed = true;
                }
            }
        }
        Outcome {
            task: Task::none(),
            changed,
        }
    }

    /// Counts one event; `true` when it changed a faktur.
    fn event(&mut self, e: Event) -> bool {
        let s = &mut self.stats;
        match e {
            Event::Queued { pending, .. } => {
                s.queued = pending;
                // Siap Upload became Dalam Proses Approval.
                return pending > 0;
            }
            Event::Approved { .. } | Event::Cancelled { .. } => {
                s.approved += u64::from(matches!(e, Event::Approved { .. }));
                s.sent += 1;
            }
            Event::Rejected {
                nsfp,
                code,
                message,
            } => {
                s.rejected += 1;
                s.sent += 1;
                self.problem = Some(
                    Failure::said(
                        None,
                        Key::FakturDireject,
                        &[
                            ("{nsfp}", nsfp.clone()),
                            ("{code}", code.clone()),
                            ("{message}", message.clone()),
                        ],
                    )
                    .with_hint(Key::PerbaikiFakturReject),
                );
            }
            Event::Retrying { nsfp, error } => {
                self.problem = Some(
                    Failure::said(
                        None,
                        Key::FakturBelumTerkirim,
                        &[("{nsfp}", nsfp.clone()), ("{error}", error.clone())],
                    )
                    .with_hint(Key::UploaderMencobaLagi),
                );
                return false;
            }
        }
        s.queued = s.queued.saturating_sub(1);
        true
    }

    /// The status bar while running (or after a run, with its figures and last problem).
    pub fn status_view<'a>(&'a self, ctx: &'a Ctx) -> Option<Element<'a, Message>> {
        let started = self.started?;
        let lang = ctx.lang();
        let state = match (self.running(), self.stopping) {
            (true, false) => ctx.t(Key::UploaderBerjalan),
            (true, true) => ctx.t(Key::UploaderBerhenti),
            (false, _) => ctx.t(Key::UploaderMati),
        };
        let secs = started.elapsed().as_secs_f64().max(1.0);
        let rate = self.stats.sent as f64 / secs;
        let n = |v: u64| i18n::rupiah(lang, v as i64);
        let figures = ctx
            .t(Key::UploaderAngka)
            .replace("{antre}", &n(self.stats.queued))
            .replace("{terkirim}", &n(self.stats.sent))
            .replace("{approved}", &n(self.stats.approved))
            .replace("{reject}", &n(self.stats.rejected))
            .replace("{laju}", &format!("{rate:.1}"));
        let mut col = column![
            row![
                text(state).size(13),
                text(figures).size(13),
                widget::fill(),
                widget::action(
                    ctx.t(Key::StopUploader),
                    Message::Stop,
                    self.running() && !self.stopping
                ),
            ]
            .spacing(12)
            .align_y(iced::Alignment::Center)
        ]
        .spacing(4);
        if let Some(p) = &self.problem {
            col = col.push(text(p.to_string()).size(12).style(text::danger));
        }
        Some(
            container(col)
                .padding([4, 12])
                .width(Length::Fill)
                .style(container::secondary)
                .into(),
        )
    }

    /// The Start Uploader dialog over `base`, while open.
    pub fn dialog_view<'a>(
        &'a self,
        ctx: &'a Ctx,
        base: Element<'a, Message>,
    ) -> Element<'a, Message> {
        let Some(d) = &self.dialog else {
            return base;
        };
        let mut body = column![].spacing(10);
        // A cabang (NPWP ending other than 000) opens its session with the branch password.
        let cabang = ctx
            .session
            .as_ref()
            .and_then(|s| s.profile.npwp.npwp15().map(|n| !n.ends_with("000")))
            .unwrap_or(false);
        if cabang && matches!(d.stage, Stage::Captcha { .. }) {
            body = body.push(widget::notice(
                widget::Tone::Info,
                ctx.t(Key::PasswordCabang),
            ));
        }
        if let Some(f) = &d.banner {
            body = body.push(widget::failure_in(ctx.lang(), f));
        }
        let body = match &d.stage {
            Stage::Connecting => body
                .push(text(ctx.t(Key::ContactingServer)))
                .push(widget::action(ctx.t(Key::Cancel), Message::Cancel, true)),
            Stage::Passphrase(p) => {
                let input = widget::secret_input(p, Message::PassphraseChanged)
                    .id(PROMPT_INPUT)
                    .on_submit(Message::PassphraseOk);
                body.push(widget::field(ctx.t(Key::Passphrase), input, None))
                    .push(
                        row![
                            widget::action(ctx.t(Key::Ok), Message::PassphraseOk, !p.is_empty()),
                            widget::action(ctx.t(Key::Cancel), Message::Cancel, true),
                        ]
                        .spacing(8),
                    )
            }
            Stage::Captcha { dialog, busy, .. } => body.push(dialog.view(
                ctx.lang(),
                *busy,
                captcha::Handlers {
                    answer: Message::AnswerChanged,
                    password: Message::PasswordChanged,
                    refresh: Message::Refresh,
                    submit: Message::Submit,
                    cancel: Message::Cancel,
                },
            )),
        };
        widget::dialog(base, ctx.t(Key::StartUploader), body.into())
    }
}

/// A refused session says what to do next.
fn with_todo(f: Failure) -> Failure {
    if f.todo.is_empty() && f.hint.is_none() {
        f.with_hint(Key::PeriksaCaptchaSubmit)
    } else {
        f
    }
}

async fn fetch_captcha(
    services: &crate::ui::service::Services,
    server_url: &str,
    client: &Client,
) -> Result<Shown, Failure> {
    let c = client.0.captcha().await?;
    let png = Arc::new(c.png);
    let bytes = png.clone();
    let image = blocking(move || captcha::decode_png(&bytes)).await?;
    Ok(Shown {
        captcha: Captcha {
            simulasi_answer: services.enofa.simulasi_captcha_answer(server_url, &c.id),
            id: c.id,
            png,
        },
        image,
    })
}

/// Starts the uploader on a thread of its own; its events, then `Finished`, come out of the
/// stream. The thread ends when `control` stops it or the session cannot go on.
fn worker(
    db_path: PathBuf,
    client: Arc<EnofaClient>,
    control: Control,
) -> impl Stream<Item = Progress> {
    let (tx, rx) = mpsc::unbounded();
    let events = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("uploader".into())
        .spawn(move || {
            let result = work(&db_path, &client, &control, &tx);
            let _ = tx.unbounded_send(Progress::Finished(result));
        });
    if let Err(e) = spawned {
        let _ = events.unbounded_send(Progress::Finished(Err(Failure::said(
            None,
            Key::UploaderTidakJalan,
            &[("{error}", e.to_string())],
        )
        .with_hint(Key::TutupAplikasiBerat))));
    }
    drop(events);
    rx
}

/// How long the window's uploader waits before it looks for new Siap Upload faktur.
const WATCH_EVERY: Duration = Duration::from_secs(10);

fn work(
    db_path: &std::path::Path,
    client: &Arc<EnofaClient>,
    control: &Control,
    tx: &mpsc::UnboundedSender<Progress>,
) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::said(None, Key::UploaderTidakJalan, &[("{error}", e.to_string())]))?;
    let mut store = Store::open(db_path).map_err(Failure::from)?;
    let options = Options {
        give_up_after: None,
        ..Options::default()
    };
    runtime.block_on(async {
        loop {
            let mut on_event = |e: &Event| {
                let _ = tx.unbounded_send(Progress::Event(e.clone()));
            };
            upload::run(&mut store, client, &options, control, &mut on_event)
                .await
                .map_err(|e| match e {
                    upload::UploadError::Store(s) => Failure::from(s),
                    upload::UploadError::Client(c) => Failure::from(c),
                })
                .map_err(|f| f.with_hint(Key::StartUploaderLagi))?;
            control.sleep(WATCH_EVERY).await;
            if control.stopped() {
                return Ok(());
            }
            // A network failure is tried again at the next turn; an ended session stops.
            if let Err(e) = client.renew_session().await
                && upload::policy::classify(&e) != upload::policy::Failure::Retry
            {
                return Err(Failure::from(e).with_hint(Key::StartUploaderBaru));
            }
        }
    })
}
