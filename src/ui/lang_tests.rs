//! What a new user tripped on in the window (issue 10, item 6), each as a flow: English without
//! Indonesian core sentences, "Pilih…" without a file dialog, the menu and the Logout dialog
//! blocking the window, Enter and focus, the same answer for unknown names and wrong passwords,
//! and REGISTER explaining its order. Tasks really run; e-Nofa is the real server on loopback.

use std::path::PathBuf;
use std::sync::Arc;

use efaktur::domain::DjpCode;
use efaktur::exchange::report::Problem;
use efaktur::store::{Store, user};
use iced::futures::future::BoxFuture;
use iced_test::simulator;

use super::app::{App, Message, Screen};
use super::ctx::Ctx;
use super::flow_tests::{interact, text_containing, type_into, world};
use super::i18n::{Lang, errors};
use super::screen::{connect, login, register};
use super::service::{FilePicker, Picked};
use super::test_support::{ctx, ctx_with_session, focused, outputs, pump_app};
use super::workspace::{self, Workspace};

/// Words of Indonesian sentences; none may be left in English mode once DJP's code names
/// (which stay as DJP wrote them) are taken out.
const INDONESIAN: &[&str] = &[
    "tidak",
    "periksa",
    "silakan",
    "sudah",
    "salah",
    "coba",
    "bukan",
    "lalu",
    "belum",
    "gagal",
    "pilih",
    "harus",
    "dengan",
    "untuk",
    "atau",
    "ulang",
    "masukkan",
    "berlaku",
    "dikunci",
    "sisa",
    "percobaan",
    "diawali",
    "dapat",
    "file ini",
    "ketik",
    "yang",
    "dan",
    "di",
    "ke",
    "isi",
    // form: the words of field errors.
    "wajib",
    "diisi",
    "lebih",
    "paling",
    "hanya",
    "angka",
    "huruf",
    "seharusnya",
    "persingkat",
    "karakter",
];

/// The Indonesian words in `text`, outside DJP's code names.
fn indonesian_in(text: &str) -> Vec<String> {
    let mut rest = text.to_string();
    for code in DjpCode::ALL {
        rest = rest.replace(code.message(), " ");
    }
    let words: Vec<String> = rest
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    INDONESIAN
        .iter()
        .filter(|w| {
            let parts: Vec<&str> = w.split(' ').collect();
            words
                .windows(parts.len())
                .any(|win| win == parts.as_slice())
        })
        .map(|w| w.to_string())
        .collect()
}

pub(super) fn assert_english(what: &str, text: &str) {
    let found = indonesian_in(text);
    assert!(found.is_empty(), "{what}: Indonesian {found:?} in {text:?}");
}

fn english(mut ctx: Ctx) -> Ctx {
    ctx.settings.language = Lang::En;
    ctx
}

#[test]
fn the_word_check_finds_indonesian_and_spares_code_names() {
    assert_eq!(indonesian_in("Periksa lokasi file"), ["periksa"]);
    assert!(indonesian_in(&DjpCode::Etax30023.to_string()).is_empty());
    assert!(indonesian_in("Check the file and try again.").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_mode_shows_no_indonesian_core_message() {
    let mut w = world().await;
    w.ctx.settings.language = Lang::En;
    let sim = w.sim.clone();
    let tmp = tempfile::tempdir().unwrap();

    // Connect: a CA file that is not PEM, and one that is not there.
    let not_pem = tmp.path().join("ca.txt");
    std::fs::write(&not_pem, "bukan sertifikat").unwrap();
    for path in [not_pem, tmp.path().join("missing.pem")] {
        let (mut c, _) = connect::Connect::new(&w.ctx);
        let steps = [
            connect::Message::UseSimulasi(false),
            connect::Message::UrlChanged("https://127.0.0.1:1".into()),
            connect::Message::CaChanged(path.display().to_string()),
            connect::Message::Connect,
        ];
        for m in steps {
            if let connect::Action::Run(t) = c.update(m, &w.ctx) {
                for out in outputs(t).await {
                    c.update(out, &w.ctx);
                }
            }
        }
        let mut ui = simulator(c.view(&w.ctx));
        let shown = text_containing(&mut ui, &path.display().to_string()).expect("error shown");
        assert_english("Connect", &shown);
    }

    // REGISTER with a wrong passphrase, then a wrong Kode Aktivasi against the real server.
    let (mut app, _) = App::new(std::mem::replace(&mut w.ctx, ctx().0), None);
    app.screen = Screen::Register(Box::new(register::Register::new(None, None).0));
    let p12 = sim.p12_path.display().to_string();
    let open = |app: &App, passphrase: &str| {
        let msgs = interact(app.view(), |ui| {
            ui.click("Open").unwrap();
        });
        (msgs, passphrase.to_string())
    };
    let msgs = interact(app.view(), |ui| {
        type_into(ui, register::NPWP_INPUT, &sim.npwp);
        type_into(ui, register::CERT_INPUT, &p12);
        type_into(ui, register::KODE_INPUT, "AAAA-BBBB-CCCC-DDDD");
    });
    pump_app(&mut app, msgs).await;
    for passphrase in ["wrong", sim.passphrase.expose()] {
        let (msgs, pass) = open(&app, passphrase);
        pump_app(&mut app, msgs).await;
        let msgs = interact(app.view(), |ui| {
            type_into(ui, register::PASSPHRASE_INPUT, &pass);
            ui.tap_key(iced::keyboard::key::Named::Enter);
        });
        pump_app(&mut app, msgs).await;
        if passphrase == "wrong" {
            let Screen::Register(r) = &app.screen else {
                panic!("on REGISTER");
            };
            let said = r.banner().expect("wrong passphrase").text(Lang::En);
            assert!(said.contains("Wrong passphrase"), "{said}");
            assert_english("wrong passphrase", &said);
        }
    }
    let msgs = interact(app.view(), |ui| {
        ui.click("Register").unwrap();
    });
    pump_app(&mut app, msgs).await;
    let Screen::Register(r) = &app.screen else {
        panic!("on REGISTER");
    };
    let answer = r.simulasi_answer().expect("captcha shown");
    let msgs = interact(app.view(), |ui| {
        type_into(ui, super::screen::captcha::CAPTCHA_INPUT, &answer);
        type_into(
            ui,
            super::screen::captcha::PASSWORD_INPUT,
            sim.password.expose(),
        );
        ui.click("Submit").unwrap();
    });
    pump_app(&mut app, msgs).await;
    let Screen::Register(r) = &app.screen else {
        panic!("still on REGISTER");
    };
    let f = r.banner().expect("refused");
    assert_eq!(f.code, Some(DjpCode::Etax40005), "{f}");
    let said = f.text(Lang::En);
    assert_english("wrong Kode Aktivasi", &said);
    let mut ui = simulator(app.view());
    assert!(ui.find(said.as_str()).is_ok(), "the banner is in English");
    drop(ui);

    // A failed login.
    let (login_ctx, _tmp) = ctx_with_session();
    let ctx = english(login_ctx);
    {
        let db = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
        user::create(db.conn(), "admin", "benar-123").unwrap();
    }
    let mut app = App::new(ctx, None).0;
    app.screen = Screen::Login(login::Login::new(None).0);
    let msgs = interact(app.view(), |ui| {
        type_into(ui, login::USER_INPUT, "admin");
        type_into(ui, login::PASSWORD_INPUT, "salah-1");
        ui.tap_key(iced::keyboard::key::Named::Enter);
    });
    pump_app(&mut app, msgs).await;
    let mut ui = simulator(app.view());
    let said = text_containing(&mut ui, "password").expect("login refused");
    assert_english("login", &said);
    drop(ui);

    // A Local Database that is not one: the full page.
    let (fresh, _tmp2) = super::test_support::ctx();
    let ctx = english(fresh);
    let path = ctx.dirs.data_dir().join("rusak.db");
    std::fs::write(&path, vec![b'x'; 4096]).unwrap();
    let f = efaktur::store::Store::open(&path).unwrap_err();
    let mut app = App::new(ctx, None).0;
    app.screen = Screen::Fatal(super::screen::fatal::Fatal {
        message: String::new(),
        failure: Some(f.into()),
    });
    let mut ui = simulator(app.view());
    let said = text_containing(&mut ui, "not an e-Faktur Local Database").expect("in English");
    assert_english("Local Database", &said);
    drop(ui);
    // Enter on that page goes back to Pilih Database.
    pump_app(&mut app, [Message::Nav(workspace::page::Nav::Enter)]).await;
    assert!(matches!(app.screen, Screen::Connect(_)));

    import_problem_is_english();
}

/// An import problem as the Impor page and the CLI show it.
fn import_problem_is_english() {
    let p = Problem::new(
        7,
        "NPWP",
        DjpCode::Etax20005,
        efaktur::domain::NpwpError::Length(12).into(),
    );
    let said = errors::problem(Lang::En, &p);
    assert!(
        said.starts_with("line 7, column NPWP: ETAX-20005"),
        "{said}"
    );
    assert!(said.contains("not 12"), "{said}");
    assert_english("import problem", &said);
    assert!(errors::problem(Lang::Id, &p).contains("bukan 12 digit"));
}

#[test]
fn every_djp_code_has_english_words_and_every_store_error_is_english() {
    for &code in DjpCode::ALL {
        assert_english(code.as_str(), errors::code_meaning(code));
    }
    let rule = efaktur::store::StoreError::rule(DjpCode::Etax20018, "habis");
    assert_english("rule", &errors::store(Lang::En, &rule));
    let busy = efaktur::store::StoreError::Busy {
        path: "/tmp/x.db".into(),
    };
    assert_english("busy", &errors::store(Lang::En, &busy));
}

/// The stand-in of a computer without xdg-desktop-portal or zenity.
struct NoPortal;

impl FilePicker for NoPortal {
    fn pick(&self, _: String, _: &'static [&'static str]) -> BoxFuture<'static, Option<PathBuf>> {
        Box::pin(async { None })
    }

    fn choose(&self, _: String, _: &'static [&'static str]) -> BoxFuture<'static, Picked> {
        Box::pin(async { Picked::Unavailable })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn pilih_without_a_file_dialog_opens_the_apps_own_chooser() {
    let (mut ctx, tmp) = ctx();
    ctx.services.picker = Arc::new(NoPortal);
    let folder = tmp.path().join("dari-operator");
    std::fs::create_dir_all(folder.join("arsip")).unwrap();
    for f in ["ca.pem", "catatan.txt"] {
        std::fs::write(folder.join(f), b"").unwrap();
    }
    let note = "Jendela pilih file sistem tidak tersedia di komputer ini";
    // Connect's CA file: the chooser opens where the typed path points, lists folders and
    // .pem files, and a click on one fills the field.
    let (mut c, _) = connect::Connect::new(&ctx);
    let mut queue = std::collections::VecDeque::from([
        connect::Message::UseSimulasi(false),
        connect::Message::CaChanged(folder.join("x").display().to_string()),
        connect::Message::PickCa,
    ]);
    while let Some(m) = queue.pop_front() {
        if let connect::Action::Run(t) = c.update(m, &ctx) {
            queue.extend(outputs(t).await);
        }
    }
    let msgs = interact(c.view(&ctx), |ui| {
        assert!(text_containing(ui, note).is_some(), "says why");
        assert!(ui.find("arsip/").is_ok(), "folders are listed");
        assert!(ui.find("catatan.txt").is_err(), "only certificate files");
        ui.click("ca.pem").unwrap();
    });
    for m in msgs {
        c.update(m, &ctx);
    }
    let mut ui = simulator(c.view(&ctx));
    assert!(ui.find(note).is_err(), "the chooser closed");
    let typed = folder.join("ca.pem").display().to_string();
    assert!(ui.find(typed.as_str()).is_ok(), "the CA path is filled in");
    drop(ui);
    // REGISTER's certificate: the chooser opens with the cursor in its path field; Esc closes it.
    let (mut r, _) = register::Register::new(None, None);
    let register::Action::Run(pick) = r.update(register::Message::PickCert, &ctx) else {
        panic!("Pilih… runs the dialog");
    };
    let mut focus = None;
    for m in outputs(pick).await {
        if let register::Action::Run(t) = r.update(m, &ctx) {
            focus = focused(t, &[super::chooser::INPUT, register::CERT_INPUT]).await;
        }
    }
    assert_eq!(focus, Some(super::chooser::INPUT));
    let esc = r.on_escape().expect("Esc closes the chooser");
    r.update(esc, &ctx);
    assert!(r.on_escape().is_none());
    // Administrasi Certificate's .p12 likewise.
    let (ctx, _tmp2) = ctx_with_session();
    let mut ctx = ctx;
    ctx.services.picker = Arc::new(NoPortal);
    let (mut page, _) = super::workspace::certificate::Certificate::new(&ctx);
    use super::workspace::certificate::Message as Cm;
    for m in outputs(page.update(Cm::Pick, &ctx)).await {
        let _ = page.update(m, &ctx);
    }
    let mut ui = simulator(page.view(&ctx));
    assert!(
        text_containing(&mut ui, note).is_some(),
        "the chooser is open"
    );
    drop(ui);
    assert!(matches!(page.on_escape(), Some(Cm::Chooser(_))));
}

/// A workspace after login, on Beranda.
async fn logged_in() -> (App, tempfile::TempDir) {
    let (mut ctx, tmp) = ctx_with_session();
    ctx.session.as_mut().unwrap().user = Some("admin".into());
    let (w, boot) = Workspace::new(&ctx);
    let mut app = App::new(ctx, None).0;
    app.screen = Screen::Main(Box::new(w));
    pump_app(&mut app, outputs(boot.map(Message::Main)).await).await;
    (app, tmp)
}

fn main_messages(msgs: Vec<Message>) -> Vec<workspace::Message> {
    msgs.into_iter()
        .filter_map(|m| match m {
            Message::Main(m) => Some(m),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn an_open_menu_blocks_the_page_and_a_click_beside_it_closes_it() {
    let (mut app, _tmp) = logged_in().await;
    let bantuan = workspace::route::MENU
        .iter()
        .position(|(label, _)| *label == super::i18n::Key::Bantuan)
        .expect("the Bantuan menu");
    pump_app(
        &mut app,
        [Message::Main(workspace::Message::ToggleMenu(bantuan))],
    )
    .await;
    assert!(
        simulator(app.view()).find("Tentang").is_ok(),
        "Bantuan is open"
    );
    // Beranda's own "Administrasi Faktur" button lies under the open Bantuan menu.
    let msgs = interact(app.view(), |ui| {
        ui.click("Administrasi Faktur").unwrap();
    });
    let got = main_messages(msgs.clone());
    assert!(
        got.iter()
            .all(|m| !matches!(m, workspace::Message::Page(_))),
        "the page behind the menu took a click: {got:?}"
    );
    assert!(
        matches!(got.as_slice(), [workspace::Message::Dismiss]),
        "{got:?}"
    );
    pump_app(&mut app, msgs).await;
    let mut ui = simulator(app.view());
    assert!(ui.find("Tentang").is_err(), "the menu closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn logout_asks_first_and_its_dialog_blocks_the_window_until_closed() {
    let (mut app, _tmp) = logged_in().await;
    let msgs = interact(app.view(), |ui| {
        ui.click("Logout").unwrap();
    });
    pump_app(&mut app, msgs).await;
    assert!(matches!(app.screen, Screen::Main(_)), "not logged out yet");
    let question = "Keluar dari aplikasi (Logout)? Data yang belum disimpan hilang.";
    assert!(simulator(app.view()).find(question).is_ok());
    // The menu bar behind the dialog takes no click.
    let msgs = interact(app.view(), |ui| {
        ui.click("Referensi").unwrap();
    });
    assert!(
        main_messages(msgs).is_empty(),
        "the window behind is blocked"
    );
    // Esc closes the dialog; Enter in it logs out.
    pump_app(&mut app, [Message::Escape]).await;
    assert!(simulator(app.view()).find(question).is_err());
    pump_app(
        &mut app,
        [
            Message::Main(workspace::Message::Logout),
            Message::Nav(workspace::page::Nav::Enter),
        ],
    )
    .await;
    assert!(matches!(app.screen, Screen::Login(_)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn enter_outside_a_field_is_the_default_action_of_connect_and_login() {
    // Pilih Database with simulasi: no field to press Enter in, Enter still connects.
    let (mut ctx, _tmp) = ctx();
    let sim = super::test_support::fake_simulasi(&ctx.dirs);
    ctx.simulasi = Some(sim);
    let (mut app, boot) = App::new(ctx, None);
    pump_app(&mut app, outputs(boot).await).await;
    pump_app(&mut app, [Message::Nav(workspace::page::Nav::Enter)]).await;
    assert!(matches!(app.screen, Screen::Register(_)), "Enter connected");
    // REGISTER: Enter asks to open the certificate first (its path is filled in simulasi).
    pump_app(&mut app, [Message::Nav(workspace::page::Nav::Enter)]).await;
    let Screen::Register(r) = &app.screen else {
        panic!("on REGISTER");
    };
    assert!(r.on_escape().is_some(), "the passphrase dialog opened");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_failed_login_focuses_the_password_and_unknown_names_answer_alike() {
    let (ctx, _tmp) = ctx_with_session();
    {
        let db = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
        user::create(db.conn(), "admin", "benar-123").unwrap();
    }
    let mut said = Vec::new();
    for name in ["admin", "tidak-ada"] {
        let (mut lg, _) = login::Login::new(None);
        lg.update(login::Message::UserChanged(name.into()), &ctx);
        lg.update(login::Message::PasswordChanged("keliru-1".into()), &ctx);
        let login::Action::Run(check) = lg.update(login::Message::Submit, &ctx) else {
            panic!("login runs");
        };
        let mut focus = None;
        for m in outputs(check).await {
            if let login::Action::Run(t) = lg.update(m, &ctx) {
                focus = focused(t, &[login::USER_INPUT, login::PASSWORD_INPUT]).await;
            }
        }
        assert_eq!(
            focus,
            Some(login::PASSWORD_INPUT),
            "after a failure, {name}"
        );
        let mut ui = simulator(lg.view(&ctx));
        said.push(text_containing(&mut ui, "password salah").expect("refused"));
    }
    assert_eq!(
        said[0], said[1],
        "an unknown name reads like a wrong password"
    );
}

#[test]
fn register_explains_the_order_instead_of_an_error() {
    let (ctx, _tmp) = ctx();
    let (mut r, _) = register::Register::new(None, None);
    let mut ui = simulator(r.view(&ctx));
    assert!(
        text_containing(&mut ui, "Urutan: 1. NPWP").is_some(),
        "the order is on screen"
    );
    drop(ui);
    r.update(register::Message::Register, &ctx);
    let mut ui = simulator(r.view(&ctx));
    assert!(text_containing(&mut ui, "Buka sertifikat .p12 dulu").is_some());
    assert!(
        text_containing(&mut ui, "ETAX-30022").is_none(),
        "not an error code for a step not taken yet"
    );
    drop(ui);
    // With a path typed, Register opens the passphrase prompt itself.
    r.update(
        register::Message::CertPathChanged("/tmp/pkp.p12".into()),
        &ctx,
    );
    r.update(register::Message::Register, &ctx);
    assert!(r.on_escape().is_some(), "the passphrase dialog is open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn raw_os_and_asn1_texts_follow_a_plain_sentence_in_brackets() {
    let (ctx, tmp) = ctx();
    let not_p12 = tmp.path().join("bukan.p12");
    std::fs::write(&not_p12, b"this is not a PKCS#12 file").unwrap();
    let missing = tmp.path().join("hilang.p12");
    for (path, sentence) in [
        (
            &not_p12,
            "bukan sertifikat elektronik PKCS#12 (.p12) atau rusak.",
        ),
        (&missing, "tidak dapat dibaca. Periksa lokasi dan izin file"),
    ] {
        let (mut r, _) = register::Register::new(None, None);
        r.update(
            register::Message::CertPathChanged(path.display().to_string()),
            &ctx,
        );
        r.update(register::Message::OpenCert, &ctx);
        r.update(register::Message::PassphraseChanged("x".into()), &ctx);
        if let register::Action::Run(t) = r.update(register::Message::PassphraseOk, &ctx) {
            for m in outputs(t).await {
                r.update(m, &ctx);
            }
        }
        let said = r.banner().expect("refused").text(Lang::Id);
        let plain = said.find(sentence).unwrap_or_else(|| panic!("{said}"));
        let detail = said
            .find('[')
            .unwrap_or_else(|| panic!("no detail in {said}"));
        assert!(plain < detail, "the sentence comes first: {said}");
        assert!(said.ends_with("]."), "{said}");
    }
}

/// The pages' own failure sentences (issue 10): English without Indonesian, and each
/// Indonesian text still the one the page always showed.
#[test]
fn page_failure_sentences_are_english_and_their_indonesian_is_unchanged() {
    use super::i18n::{Key, t};
    use super::service::Failure;
    let keys = [
        Key::CetakTujuanKosong,
        Key::CetakTulisTujuan,
        Key::CetakTidakJalan,
        Key::CobaLagi,
        Key::ProfilPkpKosong,
        Key::CetakFileAda,
        Key::CetakCentangTimpa,
        Key::CetakPerbaikiTujuan,
        Key::FakturTidakAdaLagi,
        Key::KembaliMuatUlang,
        Key::ProsesBerhenti,
        Key::CobaLagiLaporkan,
        Key::PilihServerConnect,
        Key::BelumRegistrasi,
        Key::LakukanRegister,
        Key::PasangP12,
        Key::FakturDireject,
        Key::PerbaikiFakturReject,
        Key::FakturBelumTerkirim,
        Key::UploaderMencobaLagi,
        Key::UploaderTidakJalan,
        Key::StartUploaderLagi,
        Key::StartUploaderBaru,
        Key::PeriksaCaptchaSubmit,
        Key::TutupAplikasiBerat,
    ];
    for k in keys {
        assert_english(&format!("{k:?}"), t(Lang::En, k));
        assert_ne!(t(Lang::Id, k), t(Lang::En, k), "{k:?} has its own English");
    }
    let f = Failure::said(None, Key::CetakFileAda, &[("{file}", "/x/a.pdf".into())])
        .with_hint(Key::CetakCentangTimpa);
    assert_eq!(
        f.to_string(),
        "File /x/a.pdf sudah ada dan tidak ditimpa. Centang Timpa file yang sudah ada, atau \
         tulis nama file lain."
    );
    assert_eq!(f.text(Lang::Id), f.to_string());
    assert_english("CetakFileAda", &f.text(Lang::En));
    let f = Failure::said(Some(DjpCode::Etax20003), Key::FakturTidakAdaLagi, &[])
        .with_hint(Key::KembaliMuatUlang);
    assert_eq!(
        f.to_string(),
        format!(
            "{} : faktur tidak ada lagi di Local Database. Kembali ke Administrasi Faktur dan \
             muat ulang daftarnya.",
            DjpCode::Etax20003.as_str()
        )
    );
    assert_english("FakturTidakAdaLagi", &f.text(Lang::En));
    let f = Failure::coded(DjpCode::Etax40001).with_hint(Key::PilihServerConnect);
    assert_english("Etax40001", &f.text(Lang::En));
}

/// Every backup/restore failure, print failure and export failure the core can give, in
/// English: no Indonesian word; in Indonesian: the core's own `Display`, as before.
#[test]
fn backup_print_and_export_errors_are_english_and_their_indonesian_is_unchanged() {
    use efaktur::exchange::csv_write::ExportError;
    use efaktur::print::PrintError;
    use efaktur::print::batch::BatchError;
    use efaktur::store::StoreError;
    use efaktur::store::backup::BackupError;

    use super::i18n::Key;
    use super::service::Failure;

    let path = || "/data/efaktur.db".to_string();
    let io = || std::io::Error::from(std::io::ErrorKind::PermissionDenied);
    let mut backups = vec![
        BackupError::SchemaTooNew {
            path: path(),
            found: 99,
            supported: 3,
        },
        BackupError::OtherNpwp {
            path: path(),
            found: "013463476415001".into(),
            expected: "013463476415002".into(),
        },
        BackupError::Io {
            path: path(),
            reason: "Permission denied (os error 13)".into(),
        },
        BackupError::Store(StoreError::Busy { path: path() }),
    ];
    // The reasons the core writes itself.
    for reason in [
        "file tidak ada",
        "terlalu banyak cadangan dalam detik yang sama",
        "file sudah ada dan tidak ditimpa; pilih nama lain",
    ] {
        backups.push(BackupError::Io {
            path: path(),
            reason: reason.into(),
        });
    }
    for reason in [
        "tidak ada skema e-Faktur",
        "tidak ada profil PKP",
        "referensi rusak di tabel faktur",
        "file is not a database",
    ] {
        backups.push(BackupError::NotALocalDatabase {
            path: path(),
            reason: reason.into(),
        });
    }
    for e in backups {
        let id = e.to_string();
        let f = Failure::from(e);
        assert_eq!(f.to_string(), id);
        assert_eq!(f.text(Lang::Id), id);
        assert_english("backup", &f.text(Lang::En));
    }

    let batches = vec![
        BatchError::Store(StoreError::Busy { path: path() }),
        BatchError::Pdf(PrintError::Pdf("font".into())),
        BatchError::Io {
            path: path(),
            source: io(),
        },
        BatchError::Exists(path().into()),
        BatchError::Nomor(
            "faktur 7 sudah tidak ada di Local Database; muat ulang daftarnya".into(),
        ),
    ];
    for e in batches {
        let id = format!("{e} {}", super::i18n::t(Lang::Id, Key::CetakPerbaikiTujuan));
        let f = Failure::from(e).with_hint(Key::CetakPerbaikiTujuan);
        assert_eq!(f.to_string(), id);
        assert_english("print", &f.text(Lang::En));
    }

    let exports = vec![
        ExportError::Store(StoreError::Busy { path: path() }),
        ExportError::Io(io()),
        ExportError::Exists(path().into()),
    ];
    for e in exports {
        assert_eq!(errors::export(Lang::Id, &e), e.to_string());
        assert_english("export", &errors::export(Lang::En, &e));
    }
}

/// File > Restore of a file that is no Local Database, in English.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn english_restore_of_a_file_that_is_no_database_says_so_in_english() {
    use super::workspace::cadangan::{Cadangan, Message as C};
    use super::workspace::page::Action;

    let (ctx, tmp) = ctx_with_session();
    let ctx = english(ctx);
    let file = tmp.path().join("catatan.db");
    std::fs::write(&file, "bukan database, hanya catatan ".repeat(200)).unwrap();
    let (mut page, _) = Cadangan::new(true);
    page.update(C::PathChanged(file.display().to_string()), &ctx);
    let Action::Run(task) = page.update(C::Check, &ctx) else {
        panic!("Check runs the inspection");
    };
    for m in outputs(task).await {
        page.update(m, &ctx);
    }
    let mut ui = simulator(page.view(&ctx));
    let shown = text_containing(&mut ui, &file.display().to_string()).expect("failure shown");
    assert_english("Restore", &shown);
}

/// Cetak to a folder that cannot be made (its parent is a file), and with no destination, in
/// English.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn english_cetak_to_a_folder_that_cannot_be_made_says_so_in_english() {
    use super::workspace::cetak::{Cetak, Message as P, Scope, SelectionOf};

    let (ctx, tmp) = ctx_with_session();
    let ctx = english(ctx);
    let scopes = vec![Scope {
        label: "Selected".into(),
        selection: SelectionOf::Ids(vec![]),
    }];
    let mut page = Cetak::new(&ctx, scopes);

    let _ = page.update(P::PathChanged(" ".into()), &ctx);
    let _ = page.update(P::Print, &ctx);
    let f = page.failure().expect("an empty destination is refused");
    assert_english("Cetak, no destination", &f.text(Lang::En));

    let parent = tmp.path().join("berkas");
    std::fs::write(&parent, "x").unwrap();
    let folder = parent.join("pdf");
    let _ = page.update(P::PathChanged(folder.display().to_string()), &ctx);
    let (task, _) = page.update(P::Print, &ctx);
    for m in outputs(task).await {
        let _ = page.update(m, &ctx);
    }
    assert!(page.failure().is_some(), "the folder cannot be made");
    let mut ui = simulator(page.view(&ctx));
    let shown = text_containing(&mut ui, &folder.display().to_string()).expect("failure shown");
    assert_english("Cetak", &shown);
}

/// REGISTER's word on a typed NPWP in English, a NIK's reason too (it was left Indonesian).
#[test]
fn a_refused_npwp_or_nik_is_english_with_its_detail() {
    for typed in [
        "01.300.066.5-091.000",
        "01A312166009100",
        "0131",
        "9971011708450001",
        "3171013002001234",
    ] {
        let e = efaktur::domain::Npwp::parse(typed).unwrap_err();
        let said = errors::npwp(Lang::En, &e);
        assert_english(typed, &said);
        assert_eq!(said, format!("ETAX-20005: {}", e.english()));
    }
}
