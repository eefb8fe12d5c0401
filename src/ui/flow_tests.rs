//! The first-run flow against a real `enofa-server` on loopback (started in-process in demo
//! mode), driven through the screens' views with `iced_test`'s simulator. Tasks returned by
//! `update` really run (their outputs are fed back), so this is the app minus the window.

use std::collections::VecDeque;
use std::sync::Arc;

use efaktur::config::Settings;
use efaktur::enofa::server::RunningServer;
use efaktur::paths::AppDirs;
use efaktur::store::{Store, user};
use iced::Element;
use iced::widget::Id;
use iced_test::simulator;

use super::ctx::{Ctx, Session, SimulasiInfo};
use super::screen::{login, register, register_user};
use super::test_support::{outputs, pump_app, services};
use super::wire;
use super::workspace::{self, Workspace};

/// Feeds messages to a screen, running every task it asks for, until nothing is left; returns
/// the actions meant for the parent.
macro_rules! pump {
    ($screen:expr, $ctx:expr, $msgs:expr, $module:ident) => {{
        let mut queue: VecDeque<$module::Message> = $msgs.into_iter().collect();
        let mut handed_up = Vec::new();
        while let Some(m) = queue.pop_front() {
            match $screen.update(m, $ctx) {
                $module::Action::Run(t) => queue.extend(outputs(t).await),
                $module::Action::None => {}
                other => handed_up.push(other),
            }
        }
        handed_up
    }};
}

/// Interacts with a view in the simulator and returns the messages it produced.
pub(super) fn interact<'a, M: Clone + 'a>(
    view: Element<'a, M>,
    steps: impl FnOnce(&mut iced_test::Simulator<'a, M>),
) -> Vec<M> {
    let mut ui = simulator(view);
    steps(&mut ui);
    ui.into_messages().collect()
}

pub(super) fn type_into<M>(ui: &mut iced_test::Simulator<'_, M>, id: &'static str, text: &str) {
    ui.click(Id::new(id))
        .unwrap_or_else(|e| panic!("no field {id}: {e}"));
    select_all(ui);
    ui.typewrite(text);
}

/// Ctrl+A in the focused field: what is typed next replaces what simulasi filled in (the demo
/// passphrase, the revealed captcha answer, the e-Nofa password), as it does for a trainee.
pub(super) fn select_all<M>(ui: &mut iced_test::Simulator<'_, M>) {
    use iced::keyboard::{Event as K, Key, Modifiers};
    ui.simulate([iced::Event::Keyboard(K::ModifiersChanged(Modifiers::CTRL))]);
    ui.simulate(iced_test::simulator::tap_key(
        Key::Character("a".into()),
        None,
    ));
    ui.simulate([iced::Event::Keyboard(K::ModifiersChanged(
        Modifiers::empty(),
    ))]);
}

/// The first text on screen that contains `needle`.
pub(super) fn text_containing<M>(
    ui: &mut iced_test::Simulator<'_, M>,
    needle: &str,
) -> Option<String> {
    let needle = needle.to_string();
    ui.find(move |c: iced_test::selector::Candidate<'_>| match c {
        iced_test::selector::Candidate::Text { content, .. } if content.contains(&needle) => {
            Some(content.to_string())
        }
        _ => None,
    })
    .ok()
}

pub(super) struct World {
    pub(super) ctx: Ctx,
    pub(super) sim: SimulasiInfo,
    /// Keeps the server alive for the test's length.
    _server: Arc<RunningServer>,
    _tmp: tempfile::TempDir,
}

pub(super) async fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = AppDirs::new(Some(tmp.path())).unwrap();
    dirs.ensure().unwrap();
    let (sim, server) = wire::start_simulasi(&dirs).await.unwrap();
    let ctx = Ctx {
        dirs,
        settings: Settings::default(),
        services: services(Some(server.clone())),
        simulasi: Some(sim.clone()),
        server: Some(sim.server.clone()),
        session: None,
    };
    World {
        ctx,
        sim,
        _server: server,
        _tmp: tmp,
    }
}

/// Fills REGISTER ETAX INVOICE and opens the certificate with `passphrase`.
async fn fill_register_form(w: &World, screen: &mut register::Register, passphrase: &str) {
    let ctx = &w.ctx;
    let p12 = w.sim.p12_path.display().to_string();
    let msgs = interact(screen.view(ctx), |ui| {
        type_into(ui, register::NPWP_INPUT, &w.sim.npwp);
        type_into(ui, register::CERT_INPUT, &p12);
        // Dashes as printed on the KPP letter are accepted.
        type_into(
            ui,
            register::KODE_INPUT,
            w.sim.kode_aktivasi.as_ref().expect("unused code").expose(),
        );
        ui.click("Buka").unwrap();
    });
    pump!(screen, ctx, msgs, register);
    let msgs = interact(screen.view(ctx), |ui| {
        type_into(ui, register::PASSPHRASE_INPUT, passphrase);
        ui.tap_key(iced::keyboard::key::Named::Enter);
    });
    pump!(screen, ctx, msgs, register);
}

/// Presses Register, then fills the captcha dialog and submits.
async fn submit_captcha(
    w: &World,
    screen: &mut register::Register,
    answer: Option<&str>,
) -> Vec<register::Action> {
    let ctx = &w.ctx;
    let msgs = interact(screen.view(ctx), |ui| {
        ui.click("Register").unwrap();
    });
    pump!(screen, ctx, msgs, register);
    let shown = screen
        .simulasi_answer()
        .expect("simulasi shows the captcha answer");
    let answer = answer.unwrap_or(&shown).to_string();
    let password = w.sim.password.expose().to_string();
    let msgs = interact(screen.view(ctx), |ui| {
        ui.find("Refresh Captcha").expect("captcha dialog is open");
        type_into(ui, super::screen::captcha::CAPTCHA_INPUT, &answer);
        type_into(ui, super::screen::captcha::PASSWORD_INPUT, &password);
        ui.click("Submit").unwrap();
    });
    pump!(screen, ctx, msgs, register)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_registers_creates_a_user_logs_in_and_shows_the_certificate() {
    let mut w = world().await;
    let (mut reg, _) = register::Register::new(None, None);
    fill_register_form(&w, &mut reg, w.sim.passphrase.expose()).await;
    assert!(reg.banner().is_none(), "{:?}", reg.banner());
    let done = submit_captcha(&w, &mut reg, None).await;
    let session: Session = match done.into_iter().next() {
        Some(register::Action::Registered(s)) => *s,
        _ => panic!("not registered: {:?}", reg.banner()),
    };
    assert_eq!(session.profile.nama, "PT SIMULASI FAKTUR");
    assert!(session.db_path.exists());
    w.ctx.session = Some(session);
    let ctx = &w.ctx;

    // REGISTER USER says the registration worked → Daftarkan User
    let (mut ru, _) = register_user::RegisterUser::new(true);
    let msgs = interact(ru.view(ctx), |ui| {
        ui.find("Registrasi berhasil. Buat user pertama untuk aplikasi ini.")
            .expect("success is said");
        type_into(ui, register_user::NAME_INPUT, "admin");
        type_into(ui, register_user::PASSWORD_INPUT, "rahasia-123");
        type_into(ui, register_user::REPEAT_INPUT, "rahasia-123");
        ui.click("Daftarkan User").unwrap();
    });
    let done = pump!(ru, ctx, msgs, register_user);
    let created = match done.as_slice() {
        [register_user::Action::Created(name)] => name.clone(),
        _ => panic!("user not created"),
    };
    assert_eq!(created, "admin");

    // Login greets the new user, whose name is already filled in: only the password to type.
    let (mut lg, _) = login::Login::new(Some(created));
    let msgs = interact(lg.view(ctx), |ui| {
        ui.find("User admin dibuat. Silakan login.")
            .expect("the new user is greeted");
        type_into(ui, login::PASSWORD_INPUT, "rahasia-123");
        ui.tap_key(iced::keyboard::key::Named::Enter);
    });
    let done = pump!(lg, ctx, msgs, login);
    assert!(matches!(done.as_slice(), [login::Action::LoggedIn(n)] if n == "admin"));

    // Referensi > Administrasi Certificate shows the registered certificate.
    let (mut main, boot) = Workspace::new(ctx);
    let msgs = outputs(boot).await;
    pump!(main, ctx, msgs, workspace);
    let msgs = interact(main.view(ctx), |ui| {
        ui.find("PT SIMULASI FAKTUR").expect("header shows the PKP");
        ui.find("Terdaftar").expect("header shows the registration");
        ui.click("Referensi").unwrap();
    });
    pump!(main, ctx, msgs, workspace);
    let msgs = interact(main.view(ctx), |ui| {
        ui.click("Administrasi Certificate").unwrap();
    });
    pump!(main, ctx, msgs, workspace);
    let msgs = interact(main.view(ctx), |ui| {
        ui.find("01.300.066.6-091.000").expect("certificate NPWP");
        ui.click("Tes koneksi").unwrap();
    });
    pump!(main, ctx, msgs, workspace);
    // No remembered passphrase: it is asked for.
    let passphrase = w.sim.passphrase.expose().to_string();
    let msgs = interact(main.view(ctx), |ui| {
        type_into(ui, super::workspace::certificate::PROMPT_INPUT, &passphrase);
        ui.tap_key(iced::keyboard::key::Named::Enter);
    });
    pump!(main, ctx, msgs, workspace);
    let mut ui = simulator(main.view(ctx));
    ui.find("Koneksi ke server e-Nofa berhasil (mutual TLS).")
        .expect("Tes koneksi succeeds over mutual TLS");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passphrase_is_a_banner_and_nothing_is_registered() {
    let w = world().await;
    let (mut reg, _) = register::Register::new(None, None);
    fill_register_form(&w, &mut reg, "bukan-passphrase").await;
    let f = reg.banner().expect("banner");
    assert_eq!(f.code, Some(efaktur::domain::DjpCode::Etax30023));
    assert!(f.message.contains("Passphrase salah"), "{f}");
    let mut ui = simulator(reg.view(&w.ctx));
    assert!(ui.find(f.to_string()).is_ok(), "the banner is on screen");
    drop(ui);
    // Register without a usable certificate stays on the form with an inline error.
    let msgs = interact(reg.view(&w.ctx), |ui| {
        ui.click("Register").unwrap();
    });
    assert!(pump!(reg, &w.ctx, msgs, register).is_empty());
    assert!(w.ctx.dirs.databases().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_captcha_is_etax_40005_and_a_retry_succeeds() {
    let w = world().await;
    let (mut reg, _) = register::Register::new(None, None);
    fill_register_form(&w, &mut reg, w.sim.passphrase.expose()).await;
    let done = submit_captcha(&w, &mut reg, Some("SALAH")).await;
    assert!(done.is_empty());
    let f = reg.banner().expect("banner");
    assert_eq!(f.code, Some(efaktur::domain::DjpCode::Etax40005), "{f}");
    assert!(
        w.ctx.dirs.databases().is_empty(),
        "nothing saved on failure"
    );
    // A fresh captcha and the right answer register.
    let done = submit_captcha(&w, &mut reg, None).await;
    assert!(
        matches!(done.as_slice(), [register::Action::Registered(_)]),
        "{:?}",
        reg.banner()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_server_is_etax_40001() {
    let mut w = world().await;
    // A loopback port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    w.ctx.server = Some(super::service::Server {
        url: format!("https://127.0.0.1:{port}"),
        ca_pem: w.sim.server.ca_pem.clone(),
    });
    let (mut reg, _) = register::Register::new(None, None);
    fill_register_form(&w, &mut reg, w.sim.passphrase.expose()).await;
    let msgs = interact(reg.view(&w.ctx), |ui| {
        ui.click("Register").unwrap();
    });
    pump!(reg, &w.ctx, msgs, register);
    let f = reg.banner().expect("banner");
    assert_eq!(f.code, Some(efaktur::domain::DjpCode::Etax40001), "{f}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_locks_after_five_wrong_passwords() {
    let (mut ctx, _tmp) = super::test_support::ctx_with_session();
    ctx.session.as_mut().unwrap().user = None;
    {
        let db = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
        user::create(db.conn(), "admin", "benar-123").unwrap();
    }
    let (mut lg, _) = login::Login::new(None);
    for attempt in 1..=user::MAX_FAILED_LOGINS + 1 {
        let password = if attempt > user::MAX_FAILED_LOGINS {
            "benar-123"
        } else {
            "salah"
        };
        // The simulator types after the current value: start each round from empty fields.
        lg.update(login::Message::UserChanged(String::new()), &ctx);
        let msgs = interact(lg.view(&ctx), |ui| {
            type_into(ui, login::USER_INPUT, "admin");
            type_into(ui, login::PASSWORD_INPUT, password);
            // Enter submits, as in DJP's app ("Login" is also the title, so no click by text).
            ui.tap_key(iced::keyboard::key::Named::Enter);
        });
        assert!(
            pump!(lg, &ctx, msgs, login).is_empty(),
            "attempt {attempt} must fail"
        );
    }
    let mut ui = simulator(lg.view(&ctx));
    let shown = text_containing(&mut ui, "User dikunci");
    assert!(
        shown.is_some(),
        "the lock is shown; screen says {:?}",
        text_containing(&mut ui, "salah")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulasi_restart_keeps_the_registration_and_the_user_logs_in() {
    use super::app::{App, Screen};
    let mut w = world().await;
    // Day one: register and create a user.
    let (mut reg, _) = register::Register::new(None, None);
    fill_register_form(&w, &mut reg, w.sim.passphrase.expose()).await;
    let done = submit_captcha(&w, &mut reg, None).await;
    let Some(register::Action::Registered(session)) = done.into_iter().next() else {
        panic!("not registered: {:?}", reg.banner());
    };
    {
        let db = Store::open(&session.db_path).unwrap();
        user::create(db.conn(), "admin", "rahasia-123").unwrap();
    }
    w.ctx.session = Some(*session);

    // Close the app: the server stops once nothing holds it any more.
    let World {
        ctx,
        sim,
        _server: server,
        _tmp: tmp,
    } = w;
    let dirs = ctx.dirs.clone();
    drop(ctx);
    let Ok(server) = Arc::try_unwrap(server) else {
        panic!("the server is still in use");
    };
    server.shutdown().await;

    // Day two: `efaktur --simulasi` on the same data folder.
    let (sim2, server2) = wire::start_simulasi(&dirs).await.unwrap();
    assert_eq!(sim2.passphrase, sim.passphrase);
    assert_eq!(sim2.password, sim.password);
    assert_eq!(sim2.p12_path, sim.p12_path);
    assert!(sim2.kode_aktivasi.is_none(), "the code was used yesterday");
    assert_ne!(
        sim2.server.url, sim.server.url,
        "a new port, same server state"
    );
    let ctx = Ctx {
        dirs,
        settings: Settings::default(),
        services: services(Some(server2.clone())),
        simulasi: Some(sim2.clone()),
        server: None,
        session: None,
    };
    let (mut app, boot) = App::new(ctx, None);
    pump_app(&mut app, outputs(boot).await).await;
    let msgs = interact(app.view(), |ui| {
        ui.find("sudah dipakai — registrasi sudah selesai, silakan login")
            .expect("Connect says the code is used");
        ui.find("01.300.066.6-091.000")
            .expect("the Local Database is listed");
        ui.click("Connect").unwrap();
    });
    pump_app(&mut app, msgs).await;
    assert!(
        matches!(app.screen, Screen::Login(_)),
        "a registered database goes to Login"
    );
    let msgs = interact(app.view(), |ui| {
        type_into(ui, login::USER_INPUT, "admin");
        type_into(ui, login::PASSWORD_INPUT, "rahasia-123");
        ui.tap_key(iced::keyboard::key::Named::Enter);
    });
    pump_app(&mut app, msgs).await;
    assert!(matches!(app.screen, Screen::Main(_)), "logged in");
    for label in ["Referensi", "Administrasi Certificate"] {
        let msgs = interact(app.view(), |ui| {
            ui.click(label).unwrap();
        });
        pump_app(&mut app, msgs).await;
    }
    let msgs = interact(app.view(), |ui| {
        ui.find("01.300.066.6-091.000").expect("certificate NPWP");
        ui.click("Tes koneksi").unwrap();
    });
    pump_app(&mut app, msgs).await;
    let passphrase = sim2.passphrase.expose().to_string();
    let msgs = interact(app.view(), |ui| {
        type_into(ui, super::workspace::certificate::PROMPT_INPUT, &passphrase);
        ui.tap_key(iced::keyboard::key::Named::Enter);
    });
    pump_app(&mut app, msgs).await;
    let mut ui = simulator(app.view());
    ui.find("Koneksi ke server e-Nofa berhasil (mutual TLS).")
        .expect("the kept certificate still works with the restarted server");
    drop(ui);

    // Day three, the Local Database deleted: the demo client is reset so it can register again.
    let dirs = app.ctx.dirs.clone();
    drop(app);
    let Ok(server2) = Arc::try_unwrap(server2) else {
        panic!("the server is still in use");
    };
    server2.shutdown().await;
    std::fs::remove_file(dirs.db_path(&efaktur::domain::Npwp::parse(&sim.npwp).unwrap())).unwrap();
    let (sim3, _server3) = wire::start_simulasi(&dirs).await.unwrap();
    assert!(sim3.kode_aktivasi.is_some(), "a usable Kode Aktivasi again");
    drop(tmp);
}

/// What a person types into a secret field reaches `update` as a `Secret`, and neither the
/// messages (as the app routes them) nor the screens' state print it with `{:?}`.
#[test]
fn typed_secrets_never_show_in_debug_output() {
    use super::app::Message as App;
    use super::screen::captcha;
    use super::service::Secret;
    use super::workspace::certificate;
    const TYPED: &str = "RahasiaSekali42";
    fn hidden(what: &str, debug: String) {
        assert!(!debug.contains(TYPED), "{what} shows the secret: {debug}");
    }
    /// The last message carries the whole typed text, inside a `Secret`.
    fn arrived<M>(msgs: &[M], secret: impl Fn(&M) -> Option<&Secret>) {
        let last = msgs
            .iter()
            .rev()
            .find_map(secret)
            .expect("a secret message");
        assert_eq!(last.expose(), TYPED);
    }
    let (ctx, _tmp) = super::test_support::ctx_with_session();

    let (mut lg, _) = login::Login::new(None);
    let msgs = interact(lg.view(&ctx), |ui| {
        type_into(ui, login::PASSWORD_INPUT, TYPED)
    });
    arrived(&msgs, |m| match m {
        login::Message::PasswordChanged(s) => Some(s),
        _ => None,
    });
    for m in msgs {
        hidden("Login message", format!("{:?}", App::Login(m.clone())));
        lg.update(m, &ctx);
    }
    hidden("Login", format!("{lg:?}"));

    let (mut ru, _) = register_user::RegisterUser::new(false);
    let msgs = interact(ru.view(&ctx), |ui| {
        type_into(ui, register_user::PASSWORD_INPUT, TYPED);
        type_into(ui, register_user::REPEAT_INPUT, TYPED);
    });
    arrived(&msgs, |m| match m {
        register_user::Message::RepeatChanged(s) => Some(s),
        _ => None,
    });
    for m in msgs {
        hidden(
            "REGISTER USER message",
            format!("{:?}", App::RegisterUser(m.clone())),
        );
        ru.update(m, &ctx);
    }
    hidden("REGISTER USER", format!("{ru:?}"));

    // REGISTER ETAX INVOICE: Kode Aktivasi, then the passphrase prompt.
    let (mut reg, _) = register::Register::new(None, None);
    reg.update(
        register::Message::CertPathChanged("/tmp/a.p12".into()),
        &ctx,
    );
    let msgs = interact(reg.view(&ctx), |ui| {
        type_into(ui, register::KODE_INPUT, TYPED)
    });
    arrived(&msgs, |m| match m {
        register::Message::KodeChanged(s) => Some(s),
        _ => None,
    });
    for m in msgs.into_iter().chain([register::Message::OpenCert]) {
        hidden(
            "REGISTER message",
            format!("{:?}", App::Register(m.clone())),
        );
        reg.update(m, &ctx);
    }
    let msgs = interact(reg.view(&ctx), |ui| {
        type_into(ui, register::PASSPHRASE_INPUT, TYPED)
    });
    arrived(&msgs, |m| match m {
        register::Message::PassphraseChanged(s) => Some(s),
        _ => None,
    });
    for m in msgs {
        hidden(
            "REGISTER message",
            format!("{:?}", App::Register(m.clone())),
        );
        reg.update(m, &ctx);
    }
    hidden("REGISTER", format!("{reg:?}"));

    // The captcha dialog's e-Nofa password.
    let mut dialog = captcha::Dialog::new();
    let handlers = captcha::Handlers {
        answer: register::Message::CaptchaChanged,
        password: register::Message::PasswordChanged,
        refresh: register::Message::RefreshCaptcha,
        submit: register::Message::Submit,
        cancel: register::Message::CloseDialog,
    };
    let msgs = interact(dialog.view(super::i18n::Lang::Id, false, handlers), |ui| {
        type_into(ui, captcha::PASSWORD_INPUT, TYPED)
    });
    arrived(&msgs, |m| match m {
        register::Message::PasswordChanged(s) => Some(s),
        _ => None,
    });
    for m in msgs {
        hidden("captcha message", format!("{:?}", App::Register(m.clone())));
        if let register::Message::PasswordChanged(s) = m {
            dialog.password = s;
        }
    }
    hidden("captcha dialog", format!("{dialog:?}"));

    // Administrasi Certificate: install passphrase and the Tes koneksi prompt.
    let (mut cert, _) = certificate::Certificate::new(&ctx);
    let _ = cert.update(certificate::Message::StoredPassphrase(Ok(None)), &ctx);
    let msgs = interact(cert.view(&ctx), |ui| {
        type_into(ui, certificate::PROMPT_INPUT, TYPED)
    });
    arrived(&msgs, |m| match m {
        certificate::Message::PromptChanged(s) => Some(s),
        _ => None,
    });
    let install = certificate::Message::PassphraseChanged(Secret::new(TYPED));
    for m in msgs.into_iter().chain([install]) {
        let routed = App::Main(workspace::Message::Page(
            workspace::page::Message::Certificate(Box::new(m.clone())),
        ));
        hidden("certificate message", format!("{routed:?}"));
        let _ = cert.update(m, &ctx);
    }
    hidden("Administrasi Certificate", format!("{cert:?}"));
}
