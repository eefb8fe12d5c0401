//! REGISTER ETAX INVOICE: NPWP, Sertifikat User (with its passphrase), Kode Aktivasi → Register →
//! captcha dialog → the Local Database is created and marked registered.

use std::path::PathBuf;

use efaktur::domain::{KodeAktivasi, Npwp};
use efaktur::paths::AppDirs;
use efaktur::store::{self, Store};
use iced::widget::{column, container, operation, row, scrollable, text, text_input};
use iced::{Element, Length, Task};

use super::captcha::{self, Dialog, Shown};
use crate::ui::chooser::{self, Chooser};
use crate::ui::ctx::{Ctx, Session, SimulasiInfo};
use crate::ui::i18n::{self, Key, Lang, errors};
use crate::ui::service::{
    Failure, OpenedCert, Picked, RegisterRequest, Registered, Secret, Server, Services, UiProblem,
    blocking, common_name,
};
use crate::ui::widget::{self, Tone};

pub const NPWP_INPUT: &str = "register-npwp";
pub const CERT_INPUT: &str = "register-cert";
pub const KODE_INPUT: &str = "register-kode";
pub const PASSPHRASE_INPUT: &str = "register-passphrase";
const P12_EXTENSIONS: &[&str] = &["p12", "pfx"];

#[derive(Debug, Clone)]
pub enum Message {
    NpwpChanged(String),
    CertPathChanged(String),
    PickCert,
    CertPicked(Picked),
    /// The app's own file chooser, where no system dialog opens.
    Chooser(chooser::Message),
    OpenCert,
    PassphraseChanged(Secret),
    PassphraseOk,
    CertOpened(Result<OpenedCert, Failure>),
    KodeChanged(Secret),
    Register,
    CaptchaLoaded(Result<Shown, Failure>),
    RefreshCaptcha,
    CaptchaChanged(String),
    PasswordChanged(Secret),
    Submit,
    Saved(Result<Session, Failure>),
    /// Esc / Batal: closes the open dialog.
    CloseDialog,
    Close,
}

pub enum Action {
    None,
    Run(Task<Message>),
    Back,
    Registered(Box<Session>),
}

/// `Debug` is safe: passphrase and Kode Aktivasi are [`Secret`]s.
#[derive(Debug, Default)]
pub struct Register {
    npwp: String,
    cert_path: String,
    /// Kode Aktivasi is a secret too (DJP sends it by letter): redacted, wiped on drop.
    kode: Secret,
    npwp_error: Option<String>,
    cert_error: Option<String>,
    kode_error: Option<String>,
    cert: Option<OpenedCert>,
    /// The passphrase prompt, open while `Some`.
    passphrase: Option<Secret>,
    captcha: Option<Dialog>,
    busy: Option<Key>,
    banner: Option<Failure>,
    /// The app's own file chooser, open while `Some` ("Pilih…" found no system dialog).
    chooser: Option<Chooser>,
}

impl Register {
    /// `npwp` continues the registration of an existing Local Database. In simulasi (`demo`) the
    /// demo PKP's NPWP, `.p12` and unused Kode Aktivasi are filled in (the panel above shows
    /// them anyway), and the first thing to do is open the certificate.
    pub fn new(npwp: Option<&Npwp>, demo: Option<&SimulasiInfo>) -> (Self, Task<Message>) {
        let npwp = npwp
            .map(Npwp::to_string)
            .or_else(|| demo.map(|d| d.npwp.clone()))
            .unwrap_or_default();
        // Only for the demo PKP itself: another NPWP typed in simulasi gets nothing of it.
        let demo = demo.filter(|d| is_demo_npwp(&npwp, d));
        let screen = Register {
            npwp,
            cert_path: demo
                .map(|d| d.p12_path.display().to_string())
                .unwrap_or_default(),
            kode: demo
                .and_then(|d| d.kode_aktivasi.clone())
                .unwrap_or_default(),
            ..Register::default()
        };
        let first = if screen.npwp.is_empty() || screen.cert_path.is_empty() {
            NPWP_INPUT
        } else {
            // Enter in the certificate field opens it (asks the passphrase).
            CERT_INPUT
        };
        (screen, operation::focus(first))
    }

    /// What the NPWP field holds.
    #[cfg(test)]
    pub fn npwp(&self) -> &str {
        &self.npwp
    }

    /// The captcha answer the simulasi server revealed, as shown on screen.
    #[cfg(test)]
    pub fn simulasi_answer(&self) -> Option<String> {
        self.captcha
            .as_ref()?
            .shown
            .as_ref()?
            .captcha
            .simulasi_answer
            .clone()
    }

    /// The banner of the last failed operation.
    #[cfg(test)]
    pub fn banner(&self) -> Option<&Failure> {
        self.banner.as_ref()
    }

    /// Where the registration is, for the simulasi screen log (see `App::update`).
    pub fn stage(&self) -> &'static str {
        match (&self.passphrase, &self.captcha, &self.cert, self.busy) {
            (Some(_), ..) => "passphrase",
            (_, Some(d), ..) if d.shown.is_some() => "captcha",
            (_, Some(_), ..) => "captcha-loading",
            (_, _, _, Some(_)) => "busy",
            (_, _, Some(_), None) => "sertifikat-terbuka",
            _ => "form",
        }
    }

    /// Enter outside a field: the open dialog's OK/Submit, else Register.
    pub fn on_enter(&self) -> Message {
        if self.chooser.is_some() {
            Message::Chooser(chooser::Message::Ok)
        } else if self.passphrase.is_some() {
            Message::PassphraseOk
        } else if self.captcha.is_some() {
            Message::Submit
        } else {
            Message::Register
        }
    }

    pub fn on_escape(&self) -> Option<Message> {
        if self.chooser.is_some() {
            return Some(Message::Chooser(chooser::Message::Cancel));
        }
        (self.passphrase.is_some() || self.captcha.is_some()).then_some(Message::CloseDialog)
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action {
        match message {
            Message::NpwpChanged(v) => {
                self.npwp = v;
                self.npwp_error = None;
            }
            Message::CertPathChanged(v) => {
                self.cert_path = v;
                self.cert_error = None;
                self.cert = None;
            }
            Message::PickCert => {
                let picker = ctx.services.picker.clone();
                let title = ctx.t(Key::SertifikatUser).to_string();
                return Action::Run(Task::perform(
                    async move { picker.choose(title, P12_EXTENSIONS).await },
                    Message::CertPicked,
                ));
            }
            Message::CertPicked(Picked::Cancelled) => {}
            Message::CertPicked(Picked::Unavailable) => {
                let (c, task) = Chooser::open(&self.cert_path, P12_EXTENSIONS);
                self.chooser = Some(c);
                return Action::Run(task.map(Message::Chooser));
            }
            Message::Chooser(m) => return self.chooser_update(m, ctx),
            Message::CertPicked(Picked::Path(path)) => {
                self.cert_path = path.display().to_string();
                self.cert = None;
                return self.ask_passphrase(ctx);
            }
            Message::OpenCert => return self.ask_passphrase(ctx),
            Message::PassphraseChanged(v) => self.passphrase = Some(v),
            Message::PassphraseOk => return self.open_cert(ctx),
            Message::CertOpened(result) => return self.cert_opened(result),
            Message::KodeChanged(v) => {
                self.kode = v;
                self.kode_error = None;
            }
            Message::Register => return self.register(ctx),
            Message::CaptchaLoaded(result) => return self.captcha_loaded(result, ctx),
            Message::RefreshCaptcha => return self.refresh_captcha(ctx),
            Message::CaptchaChanged(v) => {
                if let Some(d) = &mut self.captcha {
                    d.answer = v;
                    d.answer_error = None;
                }
            }
            Message::PasswordChanged(v) => {
                if let Some(d) = &mut self.captcha {
                    d.password = v;
                    d.password_error = None;
                }
            }
            Message::Submit => return self.submit(ctx),
            Message::Saved(Ok(session)) => {
                self.busy = None;
                self.captcha = None;
                return Action::Registered(Box::new(session));
            }
            Message::Saved(Err(f)) => self.registration_failed(f),
            Message::CloseDialog => {
                if self.busy.is_none() {
                    self.passphrase = None;
                    self.captcha = None;
                }
            }
            Message::Close => return Action::Back,
        }
        Action::None
    }

    fn chooser_update(&mut self, m: chooser::Message, ctx: &Ctx) -> Action {
        let Some(c) = &mut self.chooser else {
            return Action::None;
        };
        match c.update(m) {
            chooser::Outcome::None => Action::None,
            chooser::Outcome::Run(t) => Action::Run(t.map(Message::Chooser)),
            chooser::Outcome::Cancelled => {
                self.chooser = None;
                Action::None
            }
            // As from the system dialog: the passphrase is next.
            chooser::Outcome::Chosen(path) => {
                self.chooser = None;
                self.update(Message::CertPicked(Picked::Path(path)), ctx)
            }
        }
    }

    fn ask_passphrase(&mut self, ctx: &Ctx) -> Action {
        if self.cert_path.trim().is_empty() {
            self.cert_error = Some(ctx.t(Key::PilihFileP12).to_string());
            return Action::None;
        }
        // Simulasi, the demo `.p12`: its public training passphrase is filled in (OK confirms).
        let demo = ctx
            .active_simulasi()
            .filter(|d| d.p12_path.as_path() == std::path::Path::new(self.cert_path.trim()))
            .map(|d| d.passphrase.clone());
        self.passphrase = Some(demo.unwrap_or_default());
        Action::Run(widget::focus_selected(PASSPHRASE_INPUT))
    }

    fn open_cert(&mut self, ctx: &Ctx) -> Action {
        let Some(pass) = self.passphrase.take() else {
            return Action::None;
        };
        self.busy = Some(Key::OpeningCertificate);
        self.banner = None;
        let loader = ctx.services.certs.clone();
        let path = PathBuf::from(self.cert_path.trim());
        Action::Run(Task::perform(
            blocking(move || loader.open(&path, &pass)),
            Message::CertOpened,
        ))
    }

    fn cert_opened(&mut self, result: Result<OpenedCert, Failure>) -> Action {
        self.busy = None;
        match result {
            Ok(cert) => {
                self.cert_error = None;
                // Fill the NPWP from the certificate when the user has not typed one.
                if self.npwp.trim().is_empty()
                    && let Some(n) = &cert.summary.npwp
                {
                    self.npwp = n.to_string();
                }
                self.cert = Some(cert);
                // The next thing to type is the Kode Aktivasi.
                Action::Run(widget::focus_selected(KODE_INPUT))
            }
            Err(f) => {
                self.cert = None;
                self.banner = Some(f);
                Action::None
            }
        }
    }

    /// Validates the form; on success asks the server for a captcha.
    fn register(&mut self, ctx: &Ctx) -> Action {
        if self.busy.is_some() {
            return Action::None;
        }
        self.banner = None;
        let npwp = Npwp::parse(&self.npwp);
        let lang = ctx.lang();
        self.npwp_error = npwp.as_ref().err().map(|e| errors::npwp(lang, e));
        self.kode_error = KodeAktivasi::parse(self.kode.expose())
            .err()
            .map(|e| errors::kode_aktivasi(lang, &e));
        // The certificate must be valid today and belong to the NPWP being registered.
        self.cert_error = match (&self.cert, &npwp) {
            // Not opened yet: that is the next step, not an error.
            (None, _) if !self.cert_path.trim().is_empty() => {
                self.cert_error = Some(ctx.t(Key::BukaDulu).to_string());
                return self.ask_passphrase(ctx);
            }
            (None, _) => Some(ctx.t(Key::BukaDulu).to_string()),
            (Some(c), Ok(n)) => c
                .summary
                .check_for(n, chrono::Utc::now())
                .err()
                .map(|e| errors::cert(lang, &e)),
            _ => None,
        };
        if self.npwp_error.is_some() || self.kode_error.is_some() || self.cert_error.is_some() {
            return Action::None;
        }
        self.captcha = Some(Dialog::new());
        self.refresh_captcha(ctx)
    }

    fn refresh_captcha(&mut self, ctx: &Ctx) -> Action {
        let (Some(server), Some(cert), Some(dialog)) = (&ctx.server, &self.cert, &mut self.captcha)
        else {
            return Action::None;
        };
        dialog.loading = true;
        dialog.answer.clear();
        Action::Run(
            captcha::fetch(&ctx.services, server.clone(), cert.clone()).map(Message::CaptchaLoaded),
        )
    }

    fn captcha_loaded(&mut self, result: Result<Shown, Failure>, ctx: &Ctx) -> Action {
        // Simulasi, the demo PKP: the e-Nofa password is its public training value.
        let demo_password = ctx
            .active_simulasi()
            .filter(|d| is_demo_npwp(&self.npwp, d))
            .map(|d| d.password.clone());
        match (result, &mut self.captcha) {
            (Ok(shown), Some(d)) => {
                if let (Some(p), Some(_)) = (demo_password, &shown.captcha.simulasi_answer) {
                    d.password = p;
                    d.password_error = None;
                }
                // The simulasi answer is filled in: Submit confirms.
                d.show(shown);
                // Focus once the dialog's field exists in the view.
                return Action::Run(widget::focus_selected(captcha::CAPTCHA_INPUT));
            }
            (Err(f), _) => {
                // Without a captcha the dialog is useless: back to the form with the reason.
                self.captcha = None;
                self.banner = Some(f);
            }
            (Ok(_), None) => {}
        }
        Action::None
    }

    fn submit(&mut self, ctx: &Ctx) -> Action {
        if self.busy.is_some() {
            return Action::None;
        }
        let (Some(server), Some(cert), Some(dialog)) = (&ctx.server, &self.cert, &mut self.captcha)
        else {
            return Action::None;
        };
        let Some((captcha_id, answer, password)) = dialog.validate() else {
            return Action::None;
        };
        let (Ok(npwp), Ok(kode)) = (
            Npwp::parse(&self.npwp),
            KodeAktivasi::parse(self.kode.expose()),
        ) else {
            return Action::None;
        };
        self.busy = Some(Key::ContactingServer);
        self.banner = None;
        let request = RegisterRequest {
            npwp: npwp.clone(),
            kode_aktivasi: kode,
            captcha_id,
            captcha: answer,
            password,
        };
        Action::Run(Task::perform(
            register_and_save(
                ctx.services.clone(),
                ctx.dirs.clone(),
                server.clone(),
                cert.clone(),
                request,
            ),
            Message::Saved,
        ))
    }

    fn registration_failed(&mut self, f: Failure) {
        self.busy = None;
        self.banner = Some(f);
        // A captcha is single use: show a fresh one after a failure.
        if let Some(d) = &mut self.captcha {
            d.shown = None;
            d.answer.clear();
        }
        self.captcha = None;
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let base = self.form_view(ctx);
        if let Some(c) = &self.chooser {
            return widget::dialog(
                base,
                ctx.t(Key::SertifikatUser),
                c.view(ctx.lang()).map(Message::Chooser),
            );
        }
        if let Some(pass) = &self.passphrase {
            return widget::dialog(
                base,
                ctx.t(Key::PassphraseTitle),
                self.passphrase_view(pass, ctx),
            );
        }
        if let Some(d) = &self.captcha {
            let handlers = captcha::Handlers {
                answer: Message::CaptchaChanged,
                password: Message::PasswordChanged,
                refresh: Message::RefreshCaptcha,
                submit: Message::Submit,
                cancel: Message::CloseDialog,
            };
            let mut body = column![].spacing(8);
            if let Some(b) = &self.banner {
                body = body.push(widget::failure_in(ctx.lang(), b));
            }
            body = body.push(d.view(ctx.lang(), self.busy.is_some(), handlers));
            return widget::dialog(base, ctx.t(Key::CaptchaTitle), body.into());
        }
        base
    }

    fn passphrase_view<'a>(&'a self, pass: &'a Secret, ctx: &'a Ctx) -> Element<'a, Message> {
        let input = widget::secret_input(pass, Message::PassphraseChanged)
            .id(PASSPHRASE_INPUT)
            .on_submit(Message::PassphraseOk);
        column![
            text(self.cert_path.as_str()).size(13),
            widget::field(ctx.t(Key::Passphrase), input, None),
            row![
                widget::action(ctx.t(Key::Ok), Message::PassphraseOk, true),
                widget::action(ctx.t(Key::Cancel), Message::CloseDialog, true),
            ]
            .spacing(8),
        ]
        .spacing(10)
        .into()
    }

    fn form_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let idle = self.busy.is_none();
        // A format hint, not a sample NPWP a trainee could mistake for a filled-in value.
        let npwp = text_input("NN.NNN.NNN.N-NNN.NNN", &self.npwp)
            .id(NPWP_INPUT)
            .on_input(Message::NpwpChanged)
            .on_submit(Message::Register);
        let cert = text_input("/path/<npwp>.p12", &self.cert_path)
            .id(CERT_INPUT)
            .on_input(Message::CertPathChanged)
            .on_submit(Message::OpenCert);
        // Shown in clear (it is copied from a letter), but kept in a `Secret`.
        let kode = text_input("XXXX-XXXX-XXXX-XXXX", self.kode.expose())
            .id(KODE_INPUT)
            .on_input(|typed| Message::KodeChanged(Secret::new(typed)))
            .on_submit(Message::Register);
        let mut col = column![text(ctx.t(Key::RegisterTitle)).size(24)].spacing(14);
        // The order is not obvious to a first-time user: the certificate opens first.
        if self.cert.is_none() {
            col = col.push(widget::notice(Tone::Info, ctx.t(Key::UrutanRegister)));
        }
        // At the top, so it stays readable above the passphrase and captcha dialogs.
        if let Some(sim) = ctx.active_simulasi() {
            col = col.push(simulasi_panel(sim, ctx.lang()));
        }
        if let (Some(b), None) = (&self.banner, &self.captcha) {
            col = col.push(widget::failure_in(ctx.lang(), b));
        }
        if let Some(k) = self.busy {
            col = col.push(widget::notice(Tone::Info, ctx.t(k)));
        }
        col = col
            .push(widget::field(
                ctx.t(Key::Npwp),
                npwp,
                self.npwp_error.as_deref(),
            ))
            .push(widget::path_field(
                ctx.t(Key::SertifikatUser),
                cert,
                ctx.t(Key::Pilih),
                idle.then_some(Message::PickCert),
                self.cert_error.as_deref(),
            ));
        col = col.push(row![widget::action(
            ctx.t(Key::Buka),
            Message::OpenCert,
            idle
        )]);
        if let Some(c) = &self.cert {
            let who = format!(
                "{} — NPWP {}",
                c.summary.subject,
                c.summary
                    .npwp
                    .as_ref()
                    .map(Npwp::to_string)
                    .unwrap_or_else(|| "?".into())
            );
            col = col.push(widget::notice(Tone::Success, who));
        }
        col = col
            .push(widget::field(
                ctx.t(Key::KodeAktivasi),
                kode,
                self.kode_error.as_deref(),
            ))
            .push(
                row![
                    widget::action(ctx.t(Key::Register), Message::Register, idle),
                    widget::action(ctx.t(Key::Close), Message::Close, idle),
                ]
                .spacing(8),
            );
        scrollable(container(col.padding(24).max_width(640)).center_x(Length::Fill)).into()
    }
}

/// "Data PKP latihan (hanya simulasi)": what the trainee types on this screen and in its dialogs,
/// in two compact columns.
fn simulasi_panel(sim: &SimulasiInfo, lang: Lang) -> Element<'_, Message> {
    let t = |k| i18n::t(lang, k);
    let item = |label: &'static str, value: String| {
        row![
            text(label).size(13).width(120),
            text(value).size(13).font(iced::Font::MONOSPACE)
        ]
        .spacing(6)
        .align_y(iced::Alignment::Center)
        .width(Length::FillPortion(1))
    };
    let body = column![
        text(t(Key::SimulasiPanel)).size(14),
        row![
            item(t(Key::Npwp), sim.npwp.clone()),
            item(t(Key::Passphrase), sim.passphrase.expose().to_string()),
        ]
        .spacing(12),
        row![
            item(t(Key::KodeAktivasi), sim.kode_text(lang)),
            item(t(Key::PasswordEnofa), sim.password.expose().to_string()),
        ]
        .spacing(12),
    ]
    .spacing(4);
    container(body)
        .padding(10)
        .width(Length::Fill)
        .style(container::secondary)
        .into()
}

/// Whether `npwp` (as typed) is the demo PKP's.
fn is_demo_npwp(npwp: &str, demo: &SimulasiInfo) -> bool {
    match (Npwp::parse(npwp), Npwp::parse(&demo.npwp)) {
        (Ok(a), Ok(b)) => a.npwp16() == b.npwp16(),
        _ => false,
    }
}

/// Whether a certificate's NPWP is the one being registered (15 and 16-digit forms agree).
pub fn same_npwp(cert: Option<&Npwp>, npwp: &Npwp) -> bool {
    cert.is_some_and(|c| c.npwp16() == npwp.npwp16())
}

/// Registers with e-Nofa, then creates the Local Database of the NPWP and records the profile,
/// the registration and the certificate (never its passphrase).
async fn register_and_save(
    services: Services,
    dirs: AppDirs,
    server: Server,
    cert: OpenedCert,
    request: RegisterRequest,
) -> Result<Session, Failure> {
    let npwp = request.npwp.clone();
    let registered = services
        .enofa
        .register(server.clone(), cert.clone(), request)
        .await?;
    blocking(move || save_registration(&dirs, &npwp, &server.url, &cert, &registered)).await
}

fn save_registration(
    dirs: &AppDirs,
    npwp: &Npwp,
    server_url: &str,
    cert: &OpenedCert,
    registered: &Registered,
) -> Result<Session, Failure> {
    let db_failure = |e: store::StoreError| Failure::from(e).with_hint(Key::HintUlangiRegistrasi);
    dirs.ensure()
        .map_err(|e| Failure::ui(None, UiProblem::DataFolder(e.to_string())))?;
    let db_path = dirs.db_path(npwp);
    let mut db = Store::open(&db_path).map_err(db_failure)?;
    let nama = if registered.nama.trim().is_empty() {
        common_name(&cert.summary).unwrap_or("PKP").to_string()
    } else {
        registered.nama.clone()
    };
    let profile = store::profile::Profile::new(npwp.clone(), nama, registered.alamat.clone());
    let meta = certificate_meta(cert);
    let profile =
        efaktur::registration::record(&mut db, profile, &registered.client_id, server_url, &meta)
            .map_err(db_failure)?;
    Ok(Session::new(db_path, profile))
}

/// What the Local Database keeps about a certificate.
pub fn certificate_meta(cert: &OpenedCert) -> store::certificate::CertificateMeta {
    efaktur::registration::certificate_meta(&cert.path, &cert.summary, &cert.bytes)
}

/// SHA-256 of a certificate file as the Local Database keeps it: 64 lower-case hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    efaktur::registration::sha256_hex(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::test_support::ctx;

    #[test]
    fn validation_is_inline_and_escape_closes_the_passphrase_dialog() {
        let (ctx, _tmp) = ctx();
        let (mut s, _) = Register::new(None, None);
        s.update(Message::NpwpChanged("12.345".into()), &ctx);
        s.update(Message::KodeChanged("ABCD-EFGH".into()), &ctx);
        assert!(matches!(s.update(Message::Register, &ctx), Action::None));
        assert!(s.npwp_error.as_deref().unwrap().starts_with("ETAX-20005"));
        assert!(s.kode_error.as_deref().unwrap().contains("16"));
        // No certificate yet: the screen says the order instead of an error code.
        assert!(
            s.cert_error
                .as_deref()
                .unwrap()
                .starts_with("Buka sertifikat .p12 dulu")
        );
        assert!(s.captcha.is_none(), "no captcha before the form is valid");

        // Dashes in the Kode Aktivasi are fine.
        s.update(Message::KodeChanged("J23D-5LDT-SE1A-W64J".into()), &ctx);
        s.update(Message::Register, &ctx);
        assert!(s.kode_error.is_none());

        // Buka without a file says so, in the chosen language.
        assert!(matches!(s.update(Message::OpenCert, &ctx), Action::None));
        assert_eq!(s.cert_error.as_deref(), Some("Pilih file .p12"));
        let mut en = crate::ui::test_support::ctx().0;
        en.settings.language = Lang::En;
        s.update(Message::OpenCert, &en);
        assert_eq!(s.cert_error.as_deref(), Some("Choose a .p12 file"));

        s.update(Message::CertPathChanged("/tmp/a.p12".into()), &ctx);
        assert!(matches!(s.update(Message::OpenCert, &ctx), Action::Run(_)));
        assert!(s.passphrase.is_some());
        assert_eq!(
            s.on_escape().map(|m| format!("{m:?}")),
            Some("CloseDialog".into())
        );
        s.update(Message::CloseDialog, &ctx);
        assert!(s.passphrase.is_none());
        assert!(s.on_escape().is_none());
    }
}

#[cfg(test)]
mod simulasi_tests {
    use super::*;
    use crate::ui::service::Captcha;
    use crate::ui::test_support::{ctx, fake_simulasi};
    use std::sync::Arc;

    fn shown(answer: Option<&str>) -> Shown {
        Shown {
            captcha: Captcha {
                id: "c1".into(),
                png: Arc::new(Vec::new()),
                simulasi_answer: answer.map(str::to_string),
            },
            image: iced::widget::image::Handle::from_rgba(1, 1, vec![0; 4]),
        }
    }

    #[test]
    fn simulasi_fills_in_the_demo_values_so_enter_walks_the_registration() {
        let (mut ctx, _tmp) = ctx();
        let mut sim = fake_simulasi(&ctx.dirs);
        sim.kode_aktivasi = Some(Secret::new("J23D-5LDT-SE1A-W64J"));
        ctx.server = Some(sim.server.clone());
        ctx.simulasi = Some(sim.clone());

        let (mut s, _) = Register::new(None, ctx.active_simulasi());
        assert_eq!(s.stage(), "form");
        assert_eq!(s.kode.expose(), "J23D-5LDT-SE1A-W64J");
        // Enter in the certificate field: the passphrase dialog, with the demo passphrase.
        assert!(matches!(s.update(Message::OpenCert, &ctx), Action::Run(_)));
        assert_eq!(s.stage(), "passphrase");
        assert_eq!(
            s.passphrase.as_ref().map(Secret::expose),
            Some("simulasi-efaktur")
        );

        // The captcha the simulasi server revealed, and the demo e-Nofa password.
        s.passphrase = None;
        s.captcha = Some(Dialog::new());
        assert_eq!(s.stage(), "captcha-loading");
        s.update(Message::CaptchaLoaded(Ok(shown(Some("7K2QX")))), &ctx);
        assert_eq!(s.stage(), "captcha");
        let d = s.captcha.as_ref().unwrap();
        assert_eq!(d.answer, "7K2QX");
        assert_eq!(d.password.expose(), "simulasi-enofa");
    }

    #[test]
    fn nothing_is_filled_in_for_another_npwp_or_a_captcha_without_an_answer() {
        let (mut ctx, _tmp) = ctx();
        let mut sim = fake_simulasi(&ctx.dirs);
        sim.kode_aktivasi = Some(Secret::new("J23D-5LDT-SE1A-W64J"));
        ctx.server = Some(sim.server.clone());
        ctx.simulasi = Some(sim.clone());

        // Continuing another NPWP's registration in simulasi: no demo values.
        let other = Npwp::parse(crate::ui::test_support::NPWP).unwrap();
        let (mut s, _) = Register::new(Some(&other), ctx.active_simulasi());
        assert!(s.kode.expose().is_empty());
        assert!(s.cert_path.is_empty());
        s.update(Message::CertPathChanged("/tmp/lain.p12".into()), &ctx);
        s.update(Message::OpenCert, &ctx);
        assert!(s.passphrase.as_ref().unwrap().is_empty());

        // A real server reveals no answer: the dialog stays empty, even for the demo NPWP.
        let (mut s, _) = Register::new(None, ctx.active_simulasi());
        s.captcha = Some(Dialog::new());
        s.update(Message::CaptchaLoaded(Ok(shown(None))), &ctx);
        let d = s.captcha.as_ref().unwrap();
        assert!(d.answer.is_empty());
        assert!(d.password.is_empty());

        // Not the simulasi server: nothing of the demo PKP, not even its passphrase.
        ctx.server = None;
        let (mut s, _) = Register::new(None, ctx.active_simulasi());
        assert!(s.kode.expose().is_empty());
        s.update(
            Message::CertPathChanged(sim.p12_path.display().to_string()),
            &ctx,
        );
        s.update(Message::OpenCert, &ctx);
        assert!(s.passphrase.as_ref().unwrap().is_empty());
    }
}
