//! Test helpers: a `Ctx` over a temporary data folder; nothing of the user's is touched.

use std::sync::Arc;

use efaktur::config::Settings;
use efaktur::domain::Npwp;
use efaktur::paths::AppDirs;
use efaktur::store::{Store, profile};

use super::app::{App, Message as AppMessage};
use super::ctx::{Ctx, Session, SimulasiInfo};
use super::service::{Failure, FilePicker, Secret, Server, Services};
use super::wire::{LiveEnofa, P12Loader};
use efaktur::cert::MemoryStore;
use efaktur::enofa::server::RunningServer;

pub const NPWP: &str = "01.346.347.6-415.001";

struct NoPicker;

impl FilePicker for NoPicker {
    fn pick(
        &self,
        _: String,
        _: &'static [&'static str],
    ) -> iced::futures::future::BoxFuture<'static, Option<std::path::PathBuf>> {
        Box::pin(async { None })
    }
}

/// The real certificate loader and e-Nofa client; secrets in memory; no file dialog.
pub fn services(simulasi: Option<Arc<RunningServer>>) -> Services {
    Services {
        certs: Arc::new(P12Loader),
        enofa: Arc::new(LiveEnofa { simulasi }),
        secrets: Arc::new(MemoryStore::new()),
        picker: Arc::new(NoPicker),
    }
}

pub fn ctx() -> (Ctx, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = AppDirs::new(Some(tmp.path())).unwrap();
    dirs.ensure().unwrap();
    let ctx = Ctx {
        dirs,
        settings: Settings::default(),
        services: services(None),
        simulasi: None,
        server: None,
        session: None,
    };
    (ctx, tmp)
}

/// A ctx with a registered Local Database open.
pub fn ctx_with_session() -> (Ctx, tempfile::TempDir) {
    let (mut ctx, tmp) = ctx();
    let npwp = Npwp::parse(NPWP).unwrap();
    let db_path = ctx.dirs.db_path(&npwp);
    let db = Store::open(&db_path).unwrap();
    let p = profile::Profile::new(npwp, "PT MAJU MUNDUR", "Jakarta");
    profile::save(db.conn(), &p).unwrap();
    profile::mark_registered(db.conn(), "client-1", "https://127.0.0.1:1").unwrap();
    let profile = profile::get(db.conn()).unwrap().unwrap();
    ctx.session = Some(Session::new(db_path, profile));
    (ctx, tmp)
}

/// Runs a task to completion and returns the messages it produced (widget operations such as
/// focus have no window here and are dropped).
pub async fn outputs<T: Send + 'static>(task: iced::Task<T>) -> Vec<T> {
    use iced::futures::StreamExt;
    use iced_test::runtime::Action;
    let Some(stream) = iced_test::runtime::task::into_stream(task) else {
        return Vec::new();
    };
    stream
        .filter_map(|a| async move {
            match a {
                Action::Output(t) => Some(t),
                _ => None,
            }
        })
        .collect()
        .await
}

/// Runs app messages, and every task they start, until nothing is left.
pub async fn pump_app(app: &mut App, msgs: impl IntoIterator<Item = AppMessage>) {
    let mut queue: std::collections::VecDeque<AppMessage> = msgs.into_iter().collect();
    while let Some(m) = queue.pop_front() {
        let task = app.update(m);
        queue.extend(outputs(task).await);
    }
}

/// The app on `ctx` logged in as `admin` / `rahasia-123` (a user the caller created), typed into
/// the Login screen as a user does; on Beranda.
pub async fn log_in_admin(ctx: Ctx) -> App {
    use iced::widget::Id;

    use super::app::Screen;
    use super::screen::login;

    let (mut app, _) = App::new(ctx, None);
    app.screen = Screen::Login(login::Login::new(None).0);
    let mut ui = iced_test::simulator(app.view());
    ui.click(Id::new(login::USER_INPUT)).unwrap();
    ui.typewrite("admin");
    ui.click(Id::new(login::PASSWORD_INPUT)).unwrap();
    ui.typewrite("rahasia-123");
    ui.tap_key(iced::keyboard::key::Named::Enter);
    let msgs: Vec<AppMessage> = ui.into_messages().collect();
    pump_app(&mut app, msgs).await;
    assert!(matches!(app.screen, Screen::Main(_)), "logged in");
    app
}

/// The main window's workspace.
pub fn workspace(app: &App) -> &super::workspace::Workspace {
    match &app.screen {
        super::app::Screen::Main(w) => w,
        _ => panic!("not in the workspace"),
    }
}

/// Whether `text` is on screen, whole.
pub fn on_screen(app: &App, text: &str) -> bool {
    iced_test::simulator(app.view()).find(text).is_ok()
}

/// Clicks what shows `what` and runs what the click starts.
pub async fn click(app: &mut App, what: &str) {
    let mut ui = iced_test::simulator(app.view());
    ui.click(what).unwrap_or_else(|e| panic!("{what}: {e:?}"));
    let msgs: Vec<AppMessage> = ui.into_messages().collect();
    pump_app(app, msgs).await;
}

/// A `--simulasi` description whose server nobody listens on: for screens that only show it.
pub fn fake_simulasi(dirs: &AppDirs) -> SimulasiInfo {
    SimulasiInfo {
        npwp: "01.300.066.6-091.000".into(),
        p12_path: dirs.data_dir().join("simulasi/demo/013000666091000.p12"),
        passphrase: Secret::new("simulasi-efaktur"),
        kode_aktivasi: None,
        password: Secret::new("simulasi-enofa"),
        server: Server {
            url: "https://127.0.0.1:1".into(),
            ca_pem: Arc::new(b"-----BEGIN CERTIFICATE-----".to_vec()),
        },
        ca_path: dirs.data_dir().join("simulasi/ca.pem"),
    }
}

/// Clicks the `n`th (0-based, in drawing order) visible text `label`: for a menu lying over a
/// page that shows the same words.
pub fn click_nth<M>(ui: &mut iced_test::Simulator<'_, M>, label: &str, n: usize) {
    use iced_test::selector::Candidate;
    use std::sync::Mutex;
    let found = Arc::new(Mutex::new(Vec::new()));
    let seen = found.clone();
    let label = label.to_string();
    let _ = ui.find(move |c: Candidate<'_>| {
        if let Candidate::Text {
            content,
            visible_bounds: Some(b),
            ..
        } = c
            && content == label
        {
            seen.lock().unwrap().push(b);
        }
        None::<()>
    });
    let bounds = found
        .lock()
        .unwrap()
        .get(n)
        .copied()
        .expect("label on screen");
    ui.point_at(bounds.center());
    let _ = ui.simulate(iced_test::simulator::click());
}

/// Which of `ids` a task's widget operations focus, if any.
pub async fn focused<T: Send + 'static>(
    task: iced::Task<T>,
    ids: &[&'static str],
) -> Option<&'static str> {
    use iced::advanced::widget::operation::Focusable;
    use iced::futures::StreamExt;
    use iced_test::runtime::Action;
    struct Probe(bool);
    impl Focusable for Probe {
        fn is_focused(&self) -> bool {
            self.0
        }
        fn focus(&mut self) {
            self.0 = true;
        }
        fn unfocus(&mut self) {
            self.0 = false;
        }
    }
    let mut stream = iced_test::runtime::task::into_stream(task)?;
    let mut target = None;
    while let Some(action) = stream.next().await {
        if let Action::Widget(mut op) = action {
            for id in ids {
                let mut probe = Probe(false);
                op.focusable(
                    Some(&iced::widget::Id::new(id)),
                    iced::Rectangle::default(),
                    &mut probe,
                );
                if probe.0 {
                    target = Some(*id);
                }
            }
        }
    }
    target
}

/// Runs blocking work as the app's tasks would, for `update` tests.
pub fn run_blocking<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    f()
}
