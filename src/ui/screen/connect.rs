//! Pilih Database / Connect: which Local Database to open and which e-Nofa server to use.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use efaktur::config::ServerChoice;
use efaktur::domain::{DjpCode, Npwp};
use efaktur::paths::AppDirs;
use iced::widget::{
    column, container, operation, pick_list, radio, row, scrollable, text, text_input,
};
use iced::{Element, Length, Task};

use crate::ui::chooser::{self, Chooser};
use crate::ui::ctx::{Ctx, SimulasiInfo};
use crate::ui::i18n::{self, Key, Lang};
use crate::ui::service::{Failure, Picked, Server, UiProblem, blocking};
use crate::ui::widget::{self, Tone};

pub const SERVER_URL: &str = "connect-server-url";
pub const CA_PATH: &str = "connect-ca-path";
const CA_EXTENSIONS: &[&str] = &["pem", "crt"];

/// The database to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Existing(Npwp),
    New,
}

#[derive(Debug, Clone)]
pub enum Message {
    DatabasesLoaded(Vec<Npwp>),
    Choose(Choice),
    UrlChanged(String),
    CaChanged(String),
    PickCa,
    CaPicked(Picked),
    /// The app's own file chooser, where no system dialog opens.
    Chooser(chooser::Message),
    UseSimulasi(bool),
    LanguageSelected(LangOption),
    Connect,
    ServerChecked(Result<Server, Failure>),
}

pub enum Action {
    None,
    Run(Task<Message>),
    SetLanguage(Lang),
    Connected {
        choice: Choice,
        server: Server,
        ca_path: PathBuf,
    },
}

pub struct Connect {
    databases: Option<Vec<Npwp>>,
    choice: Choice,
    url: String,
    ca_path: String,
    use_simulasi: bool,
    url_error: Option<String>,
    ca_error: Option<String>,
    banner: Option<Failure>,
    busy: bool,
    /// The app's own file chooser, open while `Some` ("Pilih…" found no system dialog).
    chooser: Option<Chooser>,
}

/// A language as the pick list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LangOption(pub Lang);

impl fmt::Display for LangOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(i18n::lang_name(self.0))
    }
}

const LANGS: [LangOption; 2] = [LangOption(Lang::Id), LangOption(Lang::En)];

impl Connect {
    pub fn new(ctx: &Ctx) -> (Self, Task<Message>) {
        let dirs: AppDirs = ctx.dirs.clone();
        let screen = Connect {
            databases: None,
            choice: Choice::New,
            url: ctx.settings.server_url.clone().unwrap_or_default(),
            ca_path: ctx
                .settings
                .server_ca_path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            // Simulasi when available, unless the user chose a real server last time.
            use_simulasi: ctx.simulasi.is_some()
                && ctx.settings.last_server != Some(ServerChoice::Url),
            url_error: None,
            ca_error: None,
            banner: None,
            busy: false,
            chooser: None,
        };
        let load = Task::perform(
            async move {
                tokio::task::spawn_blocking(move || dirs.databases())
                    .await
                    .unwrap_or_default()
            },
            Message::DatabasesLoaded,
        );
        (screen, Task::batch([load, operation::focus(SERVER_URL)]))
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action {
        match message {
            Message::DatabasesLoaded(list) => {
                // A returning user most likely wants the database opened last, else one they have.
                let last = ctx.settings.last_database.as_deref();
                let preferred = list
                    .iter()
                    .find(|n| Some(n.digits()) == last)
                    .or(list.first());
                if let Some(npwp) = preferred {
                    self.choice = Choice::Existing(npwp.clone());
                }
                self.databases = Some(list);
            }
            Message::Choose(choice) => self.choice = choice,
            Message::UrlChanged(url) => {
                self.url = url;
                self.url_error = None;
            }
            Message::CaChanged(path) => {
                self.ca_path = path;
                self.ca_error = None;
            }
            Message::PickCa => {
                let picker = ctx.services.picker.clone();
                let title = ctx.t(Key::CaCertificate).to_string();
                return Action::Run(Task::perform(
                    async move { picker.choose(title, CA_EXTENSIONS).await },
                    Message::CaPicked,
                ));
            }
            Message::CaPicked(Picked::Path(path)) => {
                self.ca_path = path.display().to_string();
                self.ca_error = None;
            }
            Message::CaPicked(Picked::Cancelled) => {}
            Message::CaPicked(Picked::Unavailable) => {
                let (c, task) = Chooser::open(&self.ca_path, CA_EXTENSIONS);
                self.chooser = Some(c);
                return Action::Run(task.map(Message::Chooser));
            }
            Message::Chooser(m) => {
                let Some(c) = &mut self.chooser else {
                    return Action::None;
                };
                match c.update(m) {
                    chooser::Outcome::None => {}
                    chooser::Outcome::Run(t) => return Action::Run(t.map(Message::Chooser)),
                    chooser::Outcome::Cancelled => self.chooser = None,
                    chooser::Outcome::Chosen(path) => {
                        self.chooser = None;
                        self.ca_path = path.display().to_string();
                        self.ca_error = None;
                    }
                }
            }
            Message::UseSimulasi(on) => {
                self.use_simulasi = on && ctx.simulasi.is_some();
                // The server's fields appear: the address is the first one to type.
                if !self.use_simulasi {
                    return Action::Run(operation::focus(SERVER_URL));
                }
            }
            Message::LanguageSelected(LangOption(lang)) => return Action::SetLanguage(lang),
            Message::Connect => return self.connect(ctx),
            Message::ServerChecked(result) => {
                self.busy = false;
                match result {
                    Ok(server) => {
                        return Action::Connected {
                            choice: self.choice.clone(),
                            server,
                            ca_path: self.chosen_ca_path(ctx),
                        };
                    }
                    Err(f) => self.ca_error = Some(f.text(ctx.lang())),
                }
            }
        }
        Action::None
    }

    /// Enter outside a field connects, as the button does (in the file chooser: its OK).
    pub fn on_enter(&self) -> Option<Message> {
        if self.chooser.is_some() {
            return Some(Message::Chooser(chooser::Message::Ok));
        }
        (!self.busy).then_some(Message::Connect)
    }

    /// Esc closes the file chooser.
    pub fn on_escape(&self) -> Option<Message> {
        self.chooser
            .as_ref()
            .map(|_| Message::Chooser(chooser::Message::Cancel))
    }

    #[cfg(test)]
    pub fn choice(&self) -> &Choice {
        &self.choice
    }

    #[cfg(test)]
    pub fn uses_simulasi(&self) -> bool {
        self.use_simulasi
    }

    fn chosen_ca_path(&self, ctx: &Ctx) -> PathBuf {
        match (&ctx.simulasi, self.use_simulasi) {
            (Some(sim), true) => sim.ca_path.clone(),
            _ => PathBuf::from(self.ca_path.trim()),
        }
    }

    fn connect(&mut self, ctx: &Ctx) -> Action {
        if self.busy {
            return Action::None;
        }
        self.banner = None;
        if let (Some(sim), true) = (&ctx.simulasi, self.use_simulasi) {
            return Action::Connected {
                choice: self.choice.clone(),
                server: sim.server.clone(),
                ca_path: sim.ca_path.clone(),
            };
        }
        let url = self.url.trim().to_string();
        self.url_error =
            (!url.starts_with("https://")).then(|| ctx.t(Key::UrlHarusHttps).to_string());
        self.ca_error = self
            .ca_path
            .trim()
            .is_empty()
            .then(|| ctx.t(Key::Required).to_string());
        if self.url_error.is_some() || self.ca_error.is_some() {
            return Action::None;
        }
        self.busy = true;
        let path = PathBuf::from(self.ca_path.trim());
        Action::Run(Task::perform(
            blocking(move || read_ca(url, path)),
            Message::ServerChecked,
        ))
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let lang = ctx.lang();
        let title = row![
            text(ctx.t(Key::PilihDatabase)).size(24),
            widget::fill(),
            text(ctx.t(Key::Language)),
            pick_list(LANGS, Some(LangOption(lang)), Message::LanguageSelected),
        ]
        .spacing(8)
        .align_y(iced::Alignment::Center);

        let mut content = column![title].spacing(16).padding(24).max_width(760);
        if let Some(b) = &self.banner {
            content = content.push(widget::failure_in(lang, b));
        }
        content = content.push(self.databases_view(ctx));
        content = content.push(self.server_view(ctx));
        if let (Some(sim), true) = (&ctx.simulasi, self.use_simulasi) {
            content = content.push(simulasi_view(sim, lang));
        }
        let label = if self.busy {
            ctx.t(Key::Working)
        } else {
            ctx.t(Key::Connect)
        };
        content = content.push(widget::action(label, Message::Connect, !self.busy));
        let page = scrollable(container(content).center_x(Length::Fill)).into();
        match &self.chooser {
            Some(c) => widget::dialog(
                page,
                ctx.t(Key::CaCertificate),
                c.view(lang).map(Message::Chooser),
            ),
            None => page,
        }
    }

    fn databases_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let mut list = column![text(ctx.t(Key::LocalDatabase)).size(18)].spacing(6);
        match &self.databases {
            None => list = list.push(text(ctx.t(Key::Loading))),
            Some(dbs) => {
                if dbs.is_empty() {
                    list = list.push(text(ctx.t(Key::NoDatabases)));
                }
                for npwp in dbs {
                    let choice = Choice::Existing(npwp.clone());
                    let selected = (self.choice == choice).then_some(0u8);
                    list = list.push(radio(npwp.to_string(), 0u8, selected, move |_| {
                        Message::Choose(choice.clone())
                    }));
                }
            }
        }
        let new_selected = (self.choice == Choice::New).then_some(1u8);
        list = list.push(radio(ctx.t(Key::NewDatabase), 1u8, new_selected, |_| {
            Message::Choose(Choice::New)
        }));
        container(list)
            .padding(12)
            .style(container::rounded_box)
            .width(Length::Fill)
            .into()
    }

    fn server_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let mut col = column![text(ctx.t(Key::Server)).size(18)].spacing(8);
        if ctx.simulasi.is_some() {
            col = col.push(
                iced::widget::checkbox(self.use_simulasi)
                    .label(ctx.t(Key::Simulasi))
                    .on_toggle(Message::UseSimulasi),
            );
        }
        if !self.use_simulasi {
            let url = text_input("https://enofa.example:8443", &self.url)
                .id(SERVER_URL)
                .on_input(Message::UrlChanged)
                .on_submit(Message::Connect);
            let ca = text_input("/path/ca.pem", &self.ca_path)
                .id(CA_PATH)
                .on_input(Message::CaChanged)
                .on_submit(Message::Connect);
            col = col
                .push(widget::field(
                    ctx.t(Key::ServerUrl),
                    url,
                    self.url_error.as_deref(),
                ))
                .push(widget::path_field(
                    ctx.t(Key::CaCertificate),
                    ca,
                    ctx.t(Key::Pilih),
                    Some(Message::PickCa),
                    self.ca_error.as_deref(),
                ));
        }
        container(col)
            .padding(12)
            .style(container::rounded_box)
            .width(Length::Fill)
            .into()
    }
}

fn simulasi_view(sim: &SimulasiInfo, lang: Lang) -> Element<'_, Message> {
    let line = |label: &'static str, value: String| {
        row![
            text(label).width(190),
            text(value).font(iced::Font::MONOSPACE)
        ]
        .spacing(8)
    };
    let t = |k| i18n::t(lang, k);
    let (p12, pass, pw) = (
        t(Key::SertifikatP12),
        t(Key::Passphrase),
        t(Key::PasswordEnofa),
    );
    let kode = sim.kode_text(lang);
    column![
        widget::notice::<Message>(Tone::Info, i18n::t(lang, Key::SimulasiInfo)),
        line("NPWP", sim.npwp.clone()),
        line(p12, sim.p12_path.display().to_string()),
        line(pass, sim.passphrase.expose().to_string()),
        line("Kode Aktivasi", kode),
        line(pw, sim.password.expose().to_string()),
        line("Server", sim.server.url.clone()),
    ]
    .spacing(4)
    .into()
}

/// Reads and sanity-checks the server's CA certificate (blocking).
fn read_ca(url: String, path: PathBuf) -> Result<Server, Failure> {
    let pem = std::fs::read(&path).map_err(|e| {
        Failure::ui(
            None,
            UiProblem::FileUnreadable {
                path: path.display().to_string(),
                detail: e.to_string(),
            },
        )
    })?;
    if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
        return Err(Failure::ui(
            Some(DjpCode::Etax30023),
            UiProblem::NotPem {
                path: path.display().to_string(),
            },
        ));
    }
    Ok(Server {
        url,
        ca_pem: Arc::new(pem),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::test_support::ctx;

    #[test]
    fn connect_validates_url_and_ca_inline() {
        let (ctx, _tmp) = ctx();
        let (mut s, _) = Connect::new(&ctx);
        s.update(Message::UrlChanged("http://plain".into()), &ctx);
        assert!(matches!(s.update(Message::Connect, &ctx), Action::None));
        assert!(s.url_error.is_some());
        assert_eq!(s.ca_error.as_deref(), Some("Wajib diisi"));
        s.update(Message::UrlChanged("https://127.0.0.1:1".into()), &ctx);
        s.update(Message::CaChanged("/nonexistent/ca.pem".into()), &ctx);
        assert!(matches!(s.update(Message::Connect, &ctx), Action::Run(_)));
        assert!(s.busy, "buttons disabled while checking");
        let f = read_ca("https://127.0.0.1:1".into(), "/nonexistent/ca.pem".into()).unwrap_err();
        s.update(Message::ServerChecked(Err(f)), &ctx);
        assert!(!s.busy);
        assert!(
            s.ca_error
                .as_deref()
                .unwrap()
                .contains("/nonexistent/ca.pem")
        );
    }

    #[test]
    fn the_database_and_server_chosen_last_are_preselected() {
        let (mut ctx, _tmp) = ctx();
        let a = Npwp::parse("013000666091000").unwrap();
        let b = Npwp::parse(crate::ui::test_support::NPWP).unwrap();
        // Nothing remembered: the first database, and simulasi when it runs.
        ctx.simulasi = Some(crate::ui::test_support::fake_simulasi(&ctx.dirs));
        let (mut s, _) = Connect::new(&ctx);
        s.update(Message::DatabasesLoaded(vec![a.clone(), b.clone()]), &ctx);
        assert_eq!(s.choice(), &Choice::Existing(a.clone()));
        assert!(s.uses_simulasi());
        // Remembered: the second database and a real server, whose address is filled in.
        ctx.settings.last_database = Some(b.digits().into());
        ctx.settings.last_server = Some(ServerChoice::Url);
        ctx.settings.server_url = Some("https://enofa.example:8443".into());
        let (mut s, _) = Connect::new(&ctx);
        s.update(Message::DatabasesLoaded(vec![a.clone(), b.clone()]), &ctx);
        assert_eq!(s.choice(), &Choice::Existing(b.clone()));
        assert!(!s.uses_simulasi());
        assert_eq!(s.url, "https://enofa.example:8443");
        // A remembered database that was deleted falls back to the first one.
        s.update(Message::DatabasesLoaded(vec![a.clone()]), &ctx);
        assert_eq!(s.choice(), &Choice::Existing(a));
        // Simulasi remembered but not running this time: the URL form.
        ctx.settings.last_server = Some(ServerChoice::Simulasi);
        ctx.simulasi = None;
        assert!(!Connect::new(&ctx).0.uses_simulasi());
    }

    #[test]
    fn existing_database_is_preselected_and_language_is_handed_up() {
        let (ctx, _tmp) = ctx();
        let (mut s, _) = Connect::new(&ctx);
        let npwp = Npwp::parse("01.346.347.6-415.001").unwrap();
        s.update(Message::DatabasesLoaded(vec![npwp.clone()]), &ctx);
        assert_eq!(s.choice, Choice::Existing(npwp));
        let a = s.update(Message::LanguageSelected(LangOption(Lang::En)), &ctx);
        assert!(matches!(a, Action::SetLanguage(Lang::En)));
    }
}
