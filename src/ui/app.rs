//! The application: routes messages to the current screen and turns their `Action`s into screen
//! changes. Keyboard conventions (Tab, Shift+Tab, Esc) live here once for every screen.

use std::path::PathBuf;

use efaktur::config::{ServerChoice, Settings};
use efaktur::store::{self, Store, StoreError};
use iced::keyboard::{self, key::Named};
use iced::widget::operation;
use iced::{Element, Event, Subscription, Task, event};

use super::ctx::{Ctx, Session};
use super::i18n::{Key, Lang};
use super::screen::{connect, fatal, login, register, register_user};
use super::service::{Failure, UiProblem, blocking};
use super::widget;
use super::workspace::{self, Workspace, page::Nav};

#[derive(Debug, Clone)]
pub enum Message {
    Connect(connect::Message),
    Register(register::Message),
    RegisterUser(register_user::Message),
    Login(login::Message),
    Main(workspace::Message),
    Fatal(fatal::Message),
    Opened(Result<Opened, OpenFailure>),
    SettingsSaved(Result<(), String>),
    FocusNext,
    FocusPrevious,
    Escape,
    /// A list key (arrows, Page Up/Down, Home/End, Enter) for the workspace's page.
    Nav(Nav),
    Quit,
}

/// An existing Local Database, read at Connect.
#[derive(Debug, Clone)]
pub struct Opened {
    db_path: PathBuf,
    npwp: efaktur::domain::Npwp,
    profile: Option<store::profile::Profile>,
    users: i64,
}

/// Why a database could not be opened: fatal when the file itself is unusable.
#[derive(Debug, Clone)]
pub enum OpenFailure {
    Fatal(Failure),
    Other(Failure),
}

pub enum Screen {
    Connect(connect::Connect),
    Register(Box<register::Register>),
    RegisterUser(register_user::RegisterUser),
    Login(login::Login),
    Main(Box<Workspace>),
    Fatal(fatal::Fatal),
}

pub struct App {
    pub ctx: Ctx,
    pub screen: Screen,
    banner: Option<Failure>,
    /// The last stage written to the simulasi screen log.
    logged: String,
}

impl App {
    pub fn new(ctx: Ctx, startup_problem: Option<String>) -> (App, Task<Message>) {
        let (screen, task) = match startup_problem {
            Some(message) => (
                Screen::Fatal(fatal::Fatal {
                    message,
                    failure: None,
                }),
                Task::none(),
            ),
            None => {
                let (s, t) = connect::Connect::new(&ctx);
                (Screen::Connect(s), t.map(Message::Connect))
            }
        };
        (
            App {
                ctx,
                screen,
                banner: None,
                logged: String::new(),
            },
            task,
        )
    }

    pub fn title(&self) -> String {
        let base = self.ctx.t(Key::AppTitle);
        match &self.ctx.session {
            Some(s) => format!("{base} — {}", s.profile.npwp),
            None => base.to_string(),
        }
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        let task = self.route(message);
        // Simulasi only (a training mode, nothing secret on screen): each change of screen,
        // dialog or page is written to stderr, so a trainer and the CI GUI smoke test
        // (.ci/gui-smoke.sh) can follow the walk.
        if self.ctx.simulasi.is_some() {
            let stage = self.stage();
            if stage != self.logged {
                eprintln!("efaktur-ui: {stage}");
                self.logged = stage;
            }
        }
        task
    }

    /// The screen and its step, as the simulasi screen log writes it.
    pub fn stage(&self) -> String {
        match &self.screen {
            Screen::Connect(_) => "Connect".into(),
            Screen::Register(s) => format!("Register {}", s.stage()),
            Screen::RegisterUser(_) => "RegisterUser".into(),
            Screen::Login(_) => "Login".into(),
            Screen::Main(s) => format!("Main {}", s.stage()),
            Screen::Fatal(_) => "Fatal".into(),
        }
    }

    fn route(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Connect(m) => self.connect(m),
            Message::Register(m) => self.register(m),
            Message::RegisterUser(m) => self.register_user(m),
            Message::Login(m) => self.login(m),
            Message::Main(m) => self.main(m),
            Message::Fatal(fatal::Message::Back) => self.show_connect(),
            Message::Fatal(fatal::Message::Quit) | Message::Quit => iced::exit(),
            Message::Opened(r) => self.opened(r),
            Message::SettingsSaved(Ok(())) => Task::none(),
            Message::SettingsSaved(Err(e)) => {
                self.banner = Some(Failure::ui(None, UiProblem::SettingsNotSaved(e)));
                Task::none()
            }
            Message::FocusNext => operation::focus_next(),
            Message::FocusPrevious => operation::focus_previous(),
            Message::Escape => self.escape(),
            Message::Nav(nav) => match &self.screen {
                Screen::Main(_) => self.main(workspace::Message::Nav(nav)),
                _ if nav == Nav::Enter => self.enter(),
                _ => Task::none(),
            },
        }
    }

    fn escape(&mut self) -> Task<Message> {
        let routed = match &self.screen {
            Screen::Connect(s) => s.on_escape().map(Message::Connect),
            Screen::Register(s) => s.on_escape().map(Message::Register),
            Screen::Main(s) => s.on_escape().map(Message::Main),
            _ => None,
        };
        routed.map(|m| self.update(m)).unwrap_or_else(Task::none)
    }

    /// Enter that no field took: the screen's default action (Connect, Register, Login …).
    fn enter(&mut self) -> Task<Message> {
        let routed = match &self.screen {
            Screen::Connect(s) => s.on_enter().map(Message::Connect),
            Screen::Register(s) => Some(Message::Register(s.on_enter())),
            Screen::RegisterUser(_) => Some(Message::RegisterUser(register_user::Message::Submit)),
            Screen::Login(_) => Some(Message::Login(login::Message::Submit)),
            // The full page of a start-up problem: back to Pilih Database.
            Screen::Fatal(_) => Some(Message::Fatal(fatal::Message::Back)),
            Screen::Main(_) => None,
        };
        routed.map(|m| self.update(m)).unwrap_or_else(Task::none)
    }

    fn connect(&mut self, m: connect::Message) -> Task<Message> {
        let Screen::Connect(s) = &mut self.screen else {
            return Task::none();
        };
        match s.update(m, &self.ctx) {
            connect::Action::None => Task::none(),
            connect::Action::Run(t) => t.map(Message::Connect),
            connect::Action::SetLanguage(lang) => self.set_language(lang),
            connect::Action::Connected {
                choice,
                server,
                ca_path,
            } => {
                let simulasi = self
                    .ctx
                    .simulasi
                    .as_ref()
                    .is_some_and(|sim| sim.server == server);
                let settings = &mut self.ctx.settings;
                if simulasi {
                    settings.last_server = Some(ServerChoice::Simulasi);
                } else {
                    settings.last_server = Some(ServerChoice::Url);
                    settings.server_url = Some(server.url.clone());
                    settings.server_ca_path = Some(ca_path);
                }
                if let connect::Choice::Existing(npwp) = &choice {
                    settings.last_database = Some(npwp.digits().to_string());
                }
                self.ctx.server = Some(server);
                let save = self.save_settings();
                let next = match choice {
                    connect::Choice::New => self.show_register(None),
                    connect::Choice::Existing(npwp) => {
                        let db_path = self.ctx.dirs.db_path(&npwp);
                        let b = self.ctx.settings.backup;
                        let schedule = efaktur::store::backup::Schedule {
                            every_days: b.every_days,
                            keep: b.keep,
                        };
                        Task::perform(open_database(db_path, npwp, schedule), Message::Opened)
                    }
                };
                Task::batch([save, next])
            }
        }
    }

    fn opened(&mut self, result: Result<Opened, OpenFailure>) -> Task<Message> {
        match result {
            Err(OpenFailure::Fatal(failure)) => {
                self.screen = Screen::Fatal(fatal::Fatal {
                    message: String::new(),
                    failure: Some(failure),
                });
                Task::none()
            }
            Err(OpenFailure::Other(f)) => {
                self.banner = Some(f);
                Task::none()
            }
            Ok(o) => match o.profile {
                // A database without a registered profile continues the registration.
                Some(profile)
                    if profile.registration == store::profile::Registration::Terdaftar =>
                {
                    self.ctx.session = Some(Session::new(o.db_path, profile));
                    if o.users == 0 {
                        self.show_register_user(false)
                    } else {
                        self.show_login(None)
                    }
                }
                _ => self.show_register(Some(&o.npwp)),
            },
        }
    }

    fn register(&mut self, m: register::Message) -> Task<Message> {
        let Screen::Register(s) = &mut self.screen else {
            return Task::none();
        };
        match s.update(m, &self.ctx) {
            register::Action::None => Task::none(),
            register::Action::Run(t) => t.map(Message::Register),
            register::Action::Back => self.show_connect(),
            register::Action::Registered(session) => {
                // The demo Kode Aktivasi is used up: Connect must not offer it again.
                let demo_registered = self
                    .ctx
                    .active_simulasi()
                    .is_some_and(|sim| sim.npwp == session.profile.npwp.to_string());
                if let (true, Some(sim)) = (demo_registered, &mut self.ctx.simulasi) {
                    sim.kode_aktivasi = None;
                }
                // The new database is the one to offer next time.
                self.ctx.settings.last_database = Some(session.profile.npwp.digits().to_string());
                self.ctx.session = Some(*session);
                Task::batch([self.save_settings(), self.show_register_user(true)])
            }
        }
    }

    fn register_user(&mut self, m: register_user::Message) -> Task<Message> {
        let Screen::RegisterUser(s) = &mut self.screen else {
            return Task::none();
        };
        match s.update(m, &self.ctx) {
            register_user::Action::None => Task::none(),
            register_user::Action::Run(t) => t.map(Message::RegisterUser),
            register_user::Action::Created(name) => self.show_login(Some(name)),
        }
    }

    fn login(&mut self, m: login::Message) -> Task<Message> {
        let Screen::Login(s) = &mut self.screen else {
            return Task::none();
        };
        match s.update(m, &self.ctx) {
            login::Action::None => Task::none(),
            login::Action::Run(t) => t.map(Message::Login),
            login::Action::Back => self.show_connect(),
            login::Action::LoggedIn(name) => {
                if let Some(session) = &mut self.ctx.session {
                    session.user = Some(name);
                }
                let (s, t) = Workspace::new(&self.ctx);
                self.screen = Screen::Main(Box::new(s));
                t.map(Message::Main)
            }
        }
    }

    fn main(&mut self, m: workspace::Message) -> Task<Message> {
        let Screen::Main(s) = &mut self.screen else {
            return Task::none();
        };
        match s.update(m, &self.ctx) {
            workspace::Action::None => Task::none(),
            workspace::Action::Run(t) => t.map(Message::Main),
            workspace::Action::SetLanguage(lang) => self.set_language(lang),
            workspace::Action::Logout => {
                if let Some(session) = &mut self.ctx.session {
                    session.user = None;
                }
                self.show_login(None)
            }
            workspace::Action::CloseDatabase => self.show_connect(),
        }
    }

    fn show_connect(&mut self) -> Task<Message> {
        self.ctx.session = None;
        self.banner = None;
        let (s, t) = connect::Connect::new(&self.ctx);
        self.screen = Screen::Connect(s);
        t.map(Message::Connect)
    }

    fn show_register(&mut self, npwp: Option<&efaktur::domain::Npwp>) -> Task<Message> {
        self.banner = None;
        // In simulasi the demo certificate is already on disk and its NPWP known: offer both.
        let (s, t) = register::Register::new(npwp, self.ctx.active_simulasi());
        self.screen = Screen::Register(Box::new(s));
        t.map(Message::Register)
    }

    fn show_register_user(&mut self, registered: bool) -> Task<Message> {
        let (s, t) = register_user::RegisterUser::new(registered);
        self.screen = Screen::RegisterUser(s);
        t.map(Message::RegisterUser)
    }

    fn show_login(&mut self, created: Option<String>) -> Task<Message> {
        let (s, t) = login::Login::new(created);
        self.screen = Screen::Login(s);
        t.map(Message::Login)
    }

    fn set_language(&mut self, lang: Lang) -> Task<Message> {
        self.ctx.settings.language = lang;
        self.save_settings()
    }

    fn save_settings(&self) -> Task<Message> {
        let settings = self.ctx.settings.clone();
        let path = Settings::path_in(self.ctx.dirs.config_dir());
        Task::perform(
            async move {
                tokio::task::spawn_blocking(move || settings.save(&path).map_err(|e| e.to_string()))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()))
            },
            Message::SettingsSaved,
        )
    }

    pub fn view(&self) -> Element<'_, Message> {
        let ctx = &self.ctx;
        let screen = match &self.screen {
            Screen::Connect(s) => s.view(ctx).map(Message::Connect),
            Screen::Register(s) => s.view(ctx).map(Message::Register),
            Screen::RegisterUser(s) => s.view(ctx).map(Message::RegisterUser),
            Screen::Login(s) => s.view(ctx).map(Message::Login),
            Screen::Main(s) => s.view(ctx).map(Message::Main),
            Screen::Fatal(s) => s.view(ctx).map(Message::Fatal),
        };
        let mut page = iced::widget::column![];
        // In simulasi every screen says so: nothing here reaches DJP.
        if ctx.active_simulasi().is_some() {
            page = page.push(
                iced::widget::container(iced::widget::text(ctx.t(Key::SimulasiMark)).size(13))
                    .padding([3, 10])
                    .width(iced::Length::Fill)
                    .style(iced::widget::container::warning),
            );
        }
        if let Some(b) = &self.banner {
            page = page.push(widget::failure_in(ctx.lang(), b));
        }
        page.push(screen).into()
    }

    pub fn subscription(&self) -> Subscription<Message> {
        Subscription::batch([event::listen_with(keyboard_shortcut), terminate()])
    }
}

/// Tab / Shift+Tab move focus, Esc closes a dialog: as accountants expect from DJP's app.
/// Lists move with the arrows and Page Up/Down (also while the search field has focus: it does
/// not use them), Home/End and Enter (only when no field took the key).
fn keyboard_shortcut(
    event: Event,
    status: event::Status,
    _window: iced::window::Id,
) -> Option<Message> {
    let Event::Keyboard(keyboard::Event::KeyPressed { key, modifiers, .. }) = event else {
        return None;
    };
    let free = status == event::Status::Ignored;
    let keyboard::Key::Named(named) = key.as_ref() else {
        return None;
    };
    match named {
        Named::Tab if modifiers.shift() => Some(Message::FocusPrevious),
        Named::Tab => Some(Message::FocusNext),
        Named::Escape => Some(Message::Escape),
        Named::ArrowUp => Some(Message::Nav(Nav::Up)),
        Named::ArrowDown => Some(Message::Nav(Nav::Down)),
        Named::PageUp => Some(Message::Nav(Nav::PageUp)),
        Named::PageDown => Some(Message::Nav(Nav::PageDown)),
        Named::Home if free => Some(Message::Nav(Nav::Home)),
        Named::End if free => Some(Message::Nav(Nav::End)),
        Named::Enter if free => Some(Message::Nav(Nav::Enter)),
        _ => None,
    }
}

/// SIGTERM (a session logout, `kill`, the CI smoke test) closes the window cleanly, exit code 0.
fn terminate() -> Subscription<Message> {
    Subscription::run(|| {
        iced::stream::channel(
            1,
            async |mut out: iced::futures::channel::mpsc::Sender<Message>| {
                #[cfg(unix)]
                {
                    use iced::futures::SinkExt;
                    if let Ok(mut term) =
                        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    {
                        term.recv().await;
                        let _ = out.send(Message::Quit).await;
                    }
                }
                #[cfg(not(unix))]
                {
                    let _ = &mut out;
                    std::future::pending::<()>().await;
                }
            },
        )
    })
}

/// Opens an existing Local Database and reads what decides the next screen.
async fn open_database(
    db_path: PathBuf,
    npwp: efaktur::domain::Npwp,
    schedule: efaktur::store::backup::Schedule,
) -> Result<Opened, OpenFailure> {
    let result = blocking(move || {
        let db = match Store::open(&db_path) {
            Ok(db) => db,
            Err(e @ (StoreError::NotADatabase { .. } | StoreError::SchemaTooNew { .. })) => {
                return Ok(Err(OpenFailure::Fatal(e.into())));
            }
            Err(e) => return Err(e.into()),
        };
        // The backup schedule set in the settings ([backup]); a failure does not stop the work.
        match efaktur::store::backup::run_schedule(&db_path, schedule) {
            Ok(Some(made)) => tracing::info!(file = %made.display(), "cadangan terjadwal"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "cadangan terjadwal gagal"),
        }
        let profile = store::profile::get(db.conn()).map_err(Failure::from)?;
        let users = store::user::count(db.conn()).map_err(Failure::from)?;
        Ok(Ok(Opened {
            db_path,
            npwp,
            profile,
            users,
        }))
    })
    .await;
    result.unwrap_or_else(|f| Err(OpenFailure::Other(f)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::test_support::{NPWP, ctx};

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn an_unreadable_database_is_a_full_page() {
        let (ctx, _tmp) = ctx();
        let npwp = efaktur::domain::Npwp::parse(NPWP).unwrap();
        let path = ctx.dirs.db_path(&npwp);
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        let result = open_database(path, npwp, NO_SCHEDULE).await;
        let (mut app, _) = App::new(ctx, None);
        let _ = app.update(Message::Opened(result));
        match &app.screen {
            Screen::Fatal(f) => {
                let said = f.failure.as_ref().unwrap().text(Lang::Id);
                assert!(said.contains("bukan Local Database"), "{said}")
            }
            _ => panic!("expected the fatal page"),
        }
        // Back returns to Connect instead of leaving the user stuck.
        let _ = app.update(Message::Fatal(fatal::Message::Back));
        assert!(matches!(app.screen, Screen::Connect(_)));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn an_unregistered_database_continues_registration_with_its_npwp() {
        let (ctx, _tmp) = ctx();
        let npwp = efaktur::domain::Npwp::parse(NPWP).unwrap();
        let path = ctx.dirs.db_path(&npwp);
        Store::open(&path).unwrap();
        let result = open_database(path, npwp, NO_SCHEDULE).await;
        let (mut app, _) = App::new(ctx, None);
        let _ = app.update(Message::Opened(result));
        assert!(matches!(app.screen, Screen::Register(_)));
    }

    const NO_SCHEDULE: efaktur::store::backup::Schedule = efaktur::store::backup::Schedule {
        every_days: 0,
        keep: 1,
    };

    // ship:
    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn opening_a_database_runs_the_backup_schedule_of_the_settings() {
        use efaktur::store::backup;
        let (ctx, _tmp) = ctx();
        let npwp = efaktur::domain::Npwp::parse(NPWP).unwrap();
        let path = ctx.dirs.db_path(&npwp);
        Store::open(&path).unwrap();
        let daily = backup::Schedule {
            every_days: 1,
            keep: 2,
        };
        open_database(path.clone(), npwp.clone(), NO_SCHEDULE)
            .await
            .unwrap();
        assert!(backup::list(&path).is_empty(), "no schedule, no backup");
        open_database(path.clone(), npwp.clone(), daily)
            .await
            .unwrap();
        open_database(path.clone(), npwp, daily).await.unwrap();
        assert_eq!(backup::list(&path).len(), 1, "one a day");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn connect_remembers_database_and_server_for_the_next_start() {
        use crate::ui::test_support::{fake_simulasi, outputs, pump_app};
        use connect::{Choice, Message as C};
        let (ctx, tmp) = ctx();
        let dirs = ctx.dirs.clone();
        let a = efaktur::domain::Npwp::parse("013000666091000").unwrap();
        let b = efaktur::domain::Npwp::parse(NPWP).unwrap();
        for n in [&a, &b] {
            Store::open(&dirs.db_path(n)).unwrap();
        }
        let ca = tmp.path().join("ca.pem");
        std::fs::write(
            &ca,
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let settings_path = Settings::path_in(dirs.config_dir());

        let (mut app, boot) = App::new(ctx, None);
        pump_app(&mut app, outputs(boot).await).await;
        let steps = [
            C::Choose(Choice::Existing(b.clone())),
            C::UrlChanged("https://enofa.example:8443".into()),
            C::CaChanged(ca.display().to_string()),
            C::Connect,
        ];
        pump_app(&mut app, steps.map(Message::Connect)).await;
        assert!(matches!(app.screen, Screen::Register(_)), "opened {b}");
        let saved = Settings::load(&settings_path).unwrap();
        assert_eq!(saved.last_database.as_deref(), Some(b.digits()));
        assert_eq!(saved.last_server, Some(ServerChoice::Url));
        assert_eq!(saved.server_ca_path.as_deref(), Some(ca.as_path()));

        // Next start, now with --simulasi: the real server and database b are preselected.
        let next = Ctx {
            dirs: dirs.clone(),
            settings: saved,
            services: crate::ui::test_support::services(None),
            simulasi: Some(fake_simulasi(&dirs)),
            server: None,
            session: None,
        };
        let (mut app, boot) = App::new(next, None);
        pump_app(&mut app, outputs(boot).await).await;
        let Screen::Connect(c) = &app.screen else {
            panic!("Connect first");
        };
        assert_eq!(c.choice(), &Choice::Existing(b.clone()));
        assert!(!c.uses_simulasi());
        // Choosing simulasi and database a is remembered; the real server's address is kept.
        let steps = [
            C::UseSimulasi(true),
            C::Choose(Choice::Existing(a.clone())),
            C::Connect,
        ];
        pump_app(&mut app, steps.map(Message::Connect)).await;
        let saved = Settings::load(&settings_path).unwrap();
        assert_eq!(saved.last_server, Some(ServerChoice::Simulasi));
        assert_eq!(saved.last_database.as_deref(), Some(a.digits()));
        assert_eq!(
            saved.server_url.as_deref(),
            Some("https://enofa.example:8443")
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn simulasi_register_has_the_demo_npwp_and_data_but_a_real_server_does_not() {
        use crate::ui::test_support::{fake_simulasi, outputs, pump_app};
        use connect::{Choice, Message as C};
        let (mut ctx, tmp) = ctx();
        let sim = fake_simulasi(&ctx.dirs);
        ctx.simulasi = Some(sim.clone());
        let panel = "Data PKP latihan (hanya simulasi)";

        let (mut app, boot) = App::new(ctx, None);
        pump_app(&mut app, outputs(boot).await).await;
        pump_app(
            &mut app,
            [C::Choose(Choice::New), C::Connect].map(Message::Connect),
        )
        .await;
        let Screen::Register(r) = &app.screen else {
            panic!("REGISTER ETAX INVOICE expected");
        };
        assert_eq!(r.npwp(), sim.npwp);
        // What the simulasi screen log writes (the CI GUI smoke test waits for it).
        assert_eq!(app.stage(), "Register form");
        let mut ui = iced_test::simulator(app.view());
        for shown in [panel, sim.passphrase.expose(), sim.password.expose()] {
            assert!(ui.find(shown).is_ok(), "{shown} on screen");
        }
        let kode = sim.kode_text(Lang::Id);
        assert!(ui.find(kode.as_str()).is_ok(), "Kode Aktivasi on screen");
        drop(ui);

        // Close, then a real server: nothing of the demo PKP.
        pump_app(&mut app, [Message::Register(register::Message::Close)]).await;
        let ca = tmp.path().join("ca.pem");
        std::fs::write(
            &ca,
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let steps = [
            C::UseSimulasi(false),
            C::Choose(Choice::New),
            C::UrlChanged("https://enofa.example:8443".into()),
            C::CaChanged(ca.display().to_string()),
            C::Connect,
        ];
        pump_app(&mut app, steps.map(Message::Connect)).await;
        let Screen::Register(r) = &app.screen else {
            panic!("REGISTER ETAX INVOICE expected");
        };
        assert_eq!(r.npwp(), "");
        let mut ui = iced_test::simulator(app.view());
        assert!(
            ui.find(panel).is_err(),
            "no demo data against a real server"
        );
        assert!(ui.find(sim.passphrase.expose()).is_err());
    }

    #[test]
    fn after_the_demo_registers_connect_no_longer_offers_its_kode_aktivasi() {
        use crate::ui::test_support::fake_simulasi;
        let (mut ctx, _tmp) = ctx();
        let mut sim = fake_simulasi(&ctx.dirs);
        sim.kode_aktivasi = Some(efaktur::cert::Secret::new("J23D-5LDT-SE1A-W64J"));
        ctx.server = Some(sim.server.clone());
        ctx.simulasi = Some(sim.clone());
        let npwp = efaktur::domain::Npwp::parse(&sim.npwp).unwrap();
        let session = Session::new(
            ctx.dirs.db_path(&npwp),
            store::profile::Profile::new(npwp, "PT SIMULASI FAKTUR", "Jakarta"),
        );
        let (mut app, _) = App::new(ctx, None);
        let (reg, _) = register::Register::new(None, app.ctx.active_simulasi());
        app.screen = Screen::Register(Box::new(reg));
        let _ = app.update(Message::Register(register::Message::Saved(Ok(session))));
        assert!(matches!(app.screen, Screen::RegisterUser(_)));
        assert!(app.ctx.simulasi.as_ref().unwrap().kode_aktivasi.is_none());
        let _ = app.show_connect();
        let mut ui = iced_test::simulator(app.view());
        assert!(
            ui.find("J23D-5LDT-SE1A-W64J").is_err(),
            "the used code is gone"
        );
        assert!(
            ui.find("sudah dipakai — registrasi sudah selesai, silakan login")
                .is_ok()
        );
    }

    #[test]
    fn language_choice_is_saved_and_keys_map_to_focus_and_escape() {
        let (ctx, _tmp) = ctx();
        let (mut app, _) = App::new(ctx, None);
        let _ = app.update(Message::Connect(connect::Message::LanguageSelected(
            connect::LangOption(Lang::En),
        )));
        assert_eq!(app.ctx.lang(), Lang::En);
        assert_eq!(app.title(), "e-Faktur Desktop (open)");
        let press = |key, shift: bool| {
            let modifiers = if shift {
                keyboard::Modifiers::SHIFT
            } else {
                keyboard::Modifiers::empty()
            };
            Event::Keyboard(keyboard::Event::KeyPressed {
                key: keyboard::Key::Named(key),
                modified_key: keyboard::Key::Named(key),
                physical_key: keyboard::key::Physical::Unidentified(
                    keyboard::key::NativeCode::Unidentified,
                ),
                location: keyboard::Location::Standard,
                modifiers,
                text: None,
                repeat: false,
            })
        };
        let w = iced::window::Id::unique();
        let st = event::Status::Captured;
        assert!(matches!(
            keyboard_shortcut(press(Named::Tab, false), st, w),
            Some(Message::FocusNext)
        ));
        assert!(matches!(
            keyboard_shortcut(press(Named::Tab, true), st, w),
            Some(Message::FocusPrevious)
        ));
        assert!(matches!(
            keyboard_shortcut(press(Named::Escape, false), st, w),
            Some(Message::Escape)
        ));
        assert!(keyboard_shortcut(press(Named::Enter, false), st, w).is_none());
        // Lists: arrows and Page Up/Down also from the search field (which ignores them);
        // Home, End and Enter only when no field took them.
        let free = event::Status::Ignored;
        let nav = |key, status| match keyboard_shortcut(press(key, false), status, w) {
            Some(Message::Nav(n)) => Some(n),
            _ => None,
        };
        assert_eq!(nav(Named::ArrowDown, st), Some(Nav::Down));
        assert_eq!(nav(Named::ArrowUp, st), Some(Nav::Up));
        assert_eq!(nav(Named::PageDown, st), Some(Nav::PageDown));
        assert_eq!(nav(Named::PageUp, st), Some(Nav::PageUp));
        assert_eq!(nav(Named::Home, st), None);
        assert_eq!(nav(Named::Home, free), Some(Nav::Home));
        assert_eq!(nav(Named::End, free), Some(Nav::End));
        assert_eq!(nav(Named::Enter, free), Some(Nav::Enter));
    }
}
