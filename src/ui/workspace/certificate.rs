//! Referensi > Administrasi Certificate: the installed certificate, install/replace a `.p12`,
//! "ingat passphrase" (OS keyring) and "Tes koneksi" (mutual TLS to e-Nofa).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use efaktur::domain::{DjpCode, Npwp};
use efaktur::store::{self, certificate::CertificateMeta};
use iced::widget::{checkbox, column, operation, row, scrollable, text, text_input};
use iced::{Element, Task};

use crate::ui::chooser::{self, Chooser};
use crate::ui::ctx::{Ctx, LocalDb};
use crate::ui::i18n::Key;
use crate::ui::screen::register::{certificate_meta, same_npwp, sha256_hex};
use crate::ui::service::{
    CertLoader, Failure, OpenedCert, Picked, Secret, Services, UiProblem, blocking, passphrase_key,
};
use crate::ui::widget::{self, Tone};

const PATH_INPUT: &str = "cert-path";
pub const PROMPT_INPUT: &str = "cert-prompt";
/// Below this many days the certificate is shown as a warning.
pub const WARN_DAYS: i64 = 30;

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<Option<CertificateMeta>, Failure>),
    PathChanged(String),
    Pick,
    Picked(Picked),
    /// The app's own file chooser, where no system dialog opens.
    Chooser(chooser::Message),
    PassphraseChanged(Secret),
    Remember(bool),
    Install,
    /// The installed certificate, and a keyring problem if the passphrase could not be remembered.
    Installed(Result<(CertificateMeta, Option<Failure>), Failure>),
    TestConnection,
    StoredPassphrase(Result<Option<Secret>, Failure>),
    PromptChanged(Secret),
    PromptOk,
    CloseDialog,
    Tested(Result<(), Failure>),
}

/// `Debug` is safe: the passphrase and the prompt are [`Secret`]s.
#[derive(Debug, Default)]
pub struct Certificate {
    meta: Option<CertificateMeta>,
    loaded: bool,
    /// When the page was loaded: days left are counted from here so `view` stays pure.
    now: DateTime<Utc>,
    path: String,
    passphrase: Secret,
    remember: bool,
    path_error: Option<String>,
    /// The app's own file chooser, open while `Some` ("Pilih…" found no system dialog).
    chooser: Option<Chooser>,
    /// The passphrase prompt of Tes koneksi, open while `Some`.
    prompt: Option<Secret>,
    busy: Option<Key>,
    banner: Option<Failure>,
    /// A problem that did not stop the operation (e.g. no OS keyring).
    warning: Option<Failure>,
    success: Option<Key>,
}

/// How the installed certificate stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Valid,
    ExpiresSoon,
    Expired,
    OtherNpwp,
}

pub fn standing(meta: &CertificateMeta, npwp: &Npwp, now: DateTime<Utc>) -> (Standing, i64) {
    let days = DateTime::parse_from_rfc3339(&meta.not_after)
        .map(|t| (t.with_timezone(&Utc) - now).num_days())
        .unwrap_or(-1);
    let cert_npwp = meta.npwp.as_deref().and_then(|n| Npwp::parse(n).ok());
    let s = if !same_npwp(cert_npwp.as_ref(), npwp) {
        Standing::OtherNpwp
    } else if days < 0 {
        Standing::Expired
    } else if days < WARN_DAYS {
        Standing::ExpiresSoon
    } else {
        Standing::Valid
    };
    (s, days)
}

impl Certificate {
    pub fn new(ctx: &Ctx) -> (Self, Task<Message>) {
        let load = match ctx.db() {
            Some(db) => Task::perform(
                async move { db.run(|s| store::certificate::get(s.conn())).await },
                Message::Loaded,
            ),
            None => Task::none(),
        };
        let page = Certificate {
            now: Utc::now(),
            ..Certificate::default()
        };
        (page, Task::batch([load, operation::focus(PATH_INPUT)]))
    }

    pub fn on_escape(&self) -> Option<Message> {
        if self.chooser.is_some() {
            return Some(Message::Chooser(chooser::Message::Cancel));
        }
        self.prompt.is_some().then_some(Message::CloseDialog)
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Task<Message> {
        match message {
            Message::Loaded(r) => {
                self.loaded = true;
                self.now = Utc::now();
                match r {
                    Ok(meta) => self.meta = meta,
                    Err(f) => self.banner = Some(f),
                }
            }
            Message::PathChanged(v) => {
                self.path = v;
                self.path_error = None;
            }
            Message::Pick => {
                let picker = ctx.services.picker.clone();
                let title = ctx.t(Key::SertifikatUser).to_string();
                return Task::perform(
                    async move { picker.choose(title, &["p12", "pfx"]).await },
                    Message::Picked,
                );
            }
            Message::Picked(Picked::Path(p)) => {
                self.path = p.display().to_string();
                self.path_error = None;
            }
            Message::Picked(Picked::Cancelled) => {}
            Message::Picked(Picked::Unavailable) => {
                let (c, task) = Chooser::open(&self.path, &["p12", "pfx"]);
                self.chooser = Some(c);
                return task.map(Message::Chooser);
            }
            Message::Chooser(m) => {
                let Some(c) = &mut self.chooser else {
                    return Task::none();
                };
                match c.update(m) {
                    chooser::Outcome::None => {}
                    chooser::Outcome::Run(t) => return t.map(Message::Chooser),
                    chooser::Outcome::Cancelled => self.chooser = None,
                    chooser::Outcome::Chosen(p) => {
                        self.chooser = None;
                        self.path = p.display().to_string();
                        self.path_error = None;
                    }
                }
            }
            Message::PassphraseChanged(v) => self.passphrase = v,
            Message::Remember(on) => self.remember = on,
            Message::Install => return self.install(ctx),
            Message::Installed(r) => {
                self.busy = None;
                self.passphrase = Secret::default();
                match r {
                    Ok((meta, keyring_problem)) => {
                        self.now = Utc::now();
                        self.meta = Some(meta);
                        self.success = Some(Key::CertificateInstalled);
                        self.warning = keyring_problem;
                    }
                    Err(f) => self.banner = Some(f),
                }
            }
            Message::TestConnection => return self.test_connection(ctx),
            Message::StoredPassphrase(Ok(Some(pass))) => return self.ping(ctx, pass),
            Message::StoredPassphrase(found) => {
                // Nothing remembered, or no keyring on this computer: ask, as DJP's app does.
                // A missing keyring only matters to someone who asked to remember the passphrase.
                self.warning = found.err().filter(|_| self.remember);
                self.busy = None;
                self.prompt = Some(Secret::default());
                return operation::focus(PROMPT_INPUT);
            }
            Message::Tested(Err(f)) => {
                self.busy = None;
                self.banner = Some(f);
            }
            Message::PromptChanged(v) => self.prompt = Some(v),
            Message::PromptOk => {
                if let Some(p) = self.prompt.take() {
                    return self.ping(ctx, p);
                }
            }
            Message::CloseDialog => self.prompt = None,
            Message::Tested(Ok(())) => {
                self.busy = None;
                self.success = Some(Key::KoneksiOk);
            }
        }
        Task::none()
    }

    fn install(&mut self, ctx: &Ctx) -> Task<Message> {
        let Some(session) = &ctx.session else {
            return Task::none();
        };
        if self.busy.is_some() {
            return Task::none();
        }
        if self.path.trim().is_empty() {
            self.path_error = Some(ctx.t(Key::Required).to_string());
            return Task::none();
        }
        self.busy = Some(Key::OpeningCertificate);
        self.banner = None;
        self.warning = None;
        self.success = None;
        let job = Install {
            services: ctx.services.clone(),
            db: session.db.clone(),
            npwp: session.profile.npwp.clone(),
            path: PathBuf::from(self.path.trim()),
            passphrase: self.passphrase.clone(),
            remember: self.remember,
        };
        Task::perform(blocking(move || job.run()), Message::Installed)
    }

    fn test_connection(&mut self, ctx: &Ctx) -> Task<Message> {
        let Some(session) = &ctx.session else {
            return Task::none();
        };
        if self.meta.is_none() {
            self.banner = Some(Failure::coded(DjpCode::Etax30022).with_hint(Key::HintPasangP12));
            return Task::none();
        }
        self.busy = Some(Key::ContactingServer);
        self.banner = None;
        self.warning = None;
        self.success = None;
        let secrets = ctx.services.secrets.clone();
        let key = passphrase_key(&session.profile.npwp);
        Task::perform(
            blocking(move || secrets.get(&key).map_err(Failure::from)),
            Message::StoredPassphrase,
        )
    }

    fn ping(&mut self, ctx: &Ctx, passphrase: Secret) -> Task<Message> {
        let (Some(meta), Some(server)) = (&self.meta, &ctx.server) else {
            self.busy = None;
            self.banner = Some(Failure::coded(DjpCode::Etax40001).with_hint(Key::HintPilihServer));
            return Task::none();
        };
        self.busy = Some(Key::ContactingServer);
        let services = ctx.services.clone();
        let (meta, server) = (meta.clone(), server.clone());
        Task::perform(
            async move {
                let certs = services.certs.clone();
                let cert =
                    blocking(move || open_installed(certs.as_ref(), &meta, &passphrase)).await?;
                services.enofa.ping(server, cert).await
            },
            Message::Tested,
        )
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let mut col = column![text(ctx.t(Key::AdministrasiCertificate)).size(22)].spacing(12);
        if let Some(b) = &self.banner {
            col = col.push(widget::failure_in(ctx.lang(), b));
        }
        if let Some(k) = self.success {
            col = col.push(widget::notice(Tone::Success, ctx.t(k)));
        }
        if let Some(w) = &self.warning {
            col = col.push(widget::notice(Tone::Warning, w.text(ctx.lang())));
        }
        if let Some(k) = self.busy {
            col = col.push(widget::notice(Tone::Info, ctx.t(k)));
        }
        col = col.push(self.details_view(ctx));
        col = col.push(self.install_view(ctx));
        let page: Element<'a, Message> = scrollable(col.padding(20).max_width(760)).into();
        if let Some(c) = &self.chooser {
            return widget::dialog(
                page,
                ctx.t(Key::SertifikatUser),
                c.view(ctx.lang()).map(Message::Chooser),
            );
        }
        match &self.prompt {
            Some(p) => {
                let input = widget::secret_input(p, Message::PromptChanged)
                    .id(PROMPT_INPUT)
                    .on_submit(Message::PromptOk);
                let body = column![
                    widget::field(ctx.t(Key::Passphrase), input, None),
                    row![
                        widget::action(ctx.t(Key::Ok), Message::PromptOk, true),
                        widget::action(ctx.t(Key::Cancel), Message::CloseDialog, true),
                    ]
                    .spacing(8),
                ]
                .spacing(10);
                widget::dialog(page, ctx.t(Key::PassphraseTitle), body.into())
            }
            None => page,
        }
    }

    fn details_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let (Some(meta), Some(session)) = (&self.meta, &ctx.session) else {
            return if self.loaded {
                widget::notice(Tone::Warning, ctx.t(Key::NoCertificate))
            } else {
                text(ctx.t(Key::Loading)).into()
            };
        };
        let (standing, days) = standing(meta, &session.profile.npwp, self.now);
        let line = |label: &'static str, value: String| {
            row![text(label).width(160), text(value)].spacing(8)
        };
        let npwp = meta
            .npwp
            .as_deref()
            .map(|n| {
                Npwp::parse(n)
                    .map(|n| n.to_string())
                    .unwrap_or_else(|_| n.to_string())
            })
            .unwrap_or_else(|| "-".into());
        let mut col = column![
            line(ctx.t(Key::Subject), meta.subject.clone()),
            line(ctx.t(Key::Npwp), npwp),
            line(ctx.t(Key::Issuer), meta.issuer.clone()),
            line(ctx.t(Key::Serial), meta.serial.clone()),
            line(ctx.t(Key::BerlakuDari), date(&meta.not_before)),
            line(ctx.t(Key::BerlakuSampai), date(&meta.not_after)),
            line(ctx.t(Key::SisaHari), days.to_string()),
            text(meta.path.as_str()).size(12),
        ]
        .spacing(4);
        col = match standing {
            Standing::Valid => col,
            Standing::ExpiresSoon => {
                col.push(widget::notice(Tone::Warning, ctx.t(Key::ExpiresSoon)))
            }
            Standing::Expired => col.push(widget::notice(Tone::Error, ctx.t(Key::Expired))),
            Standing::OtherNpwp => col.push(widget::notice(Tone::Error, ctx.t(Key::OtherNpwp))),
        };
        col.push(widget::action(
            ctx.t(Key::TesKoneksi),
            Message::TestConnection,
            self.busy.is_none(),
        ))
        .into()
    }

    fn install_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let idle = self.busy.is_none();
        let path = text_input("/path/<npwp>.p12", &self.path)
            .id(PATH_INPUT)
            .on_input(Message::PathChanged)
            .on_submit(Message::Install);
        let pass = widget::secret_input(&self.passphrase, Message::PassphraseChanged)
            .on_submit(Message::Install);
        column![
            text(ctx.t(Key::InstallCertificate)).size(18),
            widget::path_field(
                ctx.t(Key::SertifikatUser),
                path,
                ctx.t(Key::Pilih),
                idle.then_some(Message::Pick),
                self.path_error.as_deref(),
            ),
            widget::field(ctx.t(Key::Passphrase), pass, None),
            checkbox(self.remember)
                .label(ctx.t(Key::IngatPassphrase))
                .on_toggle(Message::Remember),
            widget::action(ctx.t(Key::Pasang), Message::Install, idle),
        ]
        .spacing(10)
        .into()
    }
}

fn date(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%d-%m-%Y").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// Opens the installed certificate, refusing a file that is no longer the one installed
/// (replaced, moved or deleted): DJP's `ETAX-30002 : Tidak dapat melakukan hashing`.
pub fn open_installed(
    certs: &dyn CertLoader,
    meta: &CertificateMeta,
    passphrase: &Secret,
) -> Result<OpenedCert, Failure> {
    let changed = || {
        Failure::ui(
            Some(DjpCode::Etax30002),
            UiProblem::CertificateChanged {
                path: meta.path.clone(),
            },
        )
    };
    let path = Path::new(&meta.path);
    // Checked before opening: a changed file would otherwise show as a wrong passphrase.
    let on_disk = std::fs::read(path).map_err(|_| changed())?;
    if sha256_hex(&on_disk) != meta.sha256 {
        return Err(changed());
    }
    let cert = certs.open(path, passphrase)?;
    // And the bytes actually opened, in case the file changed in between.
    if sha256_hex(&cert.bytes) != meta.sha256 {
        return Err(changed());
    }
    Ok(cert)
}

/// Installing a certificate, off the UI thread.
struct Install {
    services: Services,
    db: LocalDb,
    npwp: Npwp,
    path: PathBuf,
    passphrase: Secret,
    remember: bool,
}

impl Install {
    fn run(self) -> Result<(CertificateMeta, Option<Failure>), Failure> {
        let cert = self.services.certs.open(&self.path, &self.passphrase)?;
        cert.summary.check_for(&self.npwp, Utc::now())?;
        let meta = certificate_meta(&cert);
        self.db
            .with(|s| store::certificate::save(s.conn(), &meta))?;
        let key = passphrase_key(&self.npwp);
        // The certificate is installed either way; a keyring problem only means the passphrase
        // will be asked when needed.
        let keyring = if self.remember {
            self.services.secrets.set(&key, &self.passphrase)
        } else {
            // Not remembering also forgets an older passphrase.
            self.services.secrets.delete(&key)
        };
        Ok((meta, keyring.err().map(Failure::from)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(npwp: &str, not_after: &str) -> CertificateMeta {
        CertificateMeta {
            path: "/tmp/x.p12".into(),
            subject: "CN=PT MAJU".into(),
            npwp: Some(npwp.into()),
            issuer: "CN=e-Nofa CA".into(),
            serial: "01".into(),
            not_before: "2026-01-01T00:00:00Z".into(),
            not_after: not_after.into(),
            sha256: String::new(),
        }
    }

    #[test]
    fn warning_under_thirty_days_error_when_expired_or_other_npwp() {
        let npwp = Npwp::parse("013000666091000").unwrap();
        let now = DateTime::parse_from_rfc3339("2027-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let s = |n: &str, t: &str| standing(&meta(n, t), &npwp, now);
        assert_eq!(
            s("013000666091000", "2028-01-01T00:00:00Z").0,
            Standing::Valid
        );
        assert_eq!(
            s("013000666091000", "2027-01-20T00:00:00Z"),
            (Standing::ExpiresSoon, 19)
        );
        assert_eq!(
            s("013000666091000", "2026-12-31T00:00:00Z").0,
            Standing::Expired
        );
        assert_eq!(
            s("013463476415001", "2028-01-01T00:00:00Z").0,
            Standing::OtherNpwp
        );
    }

    /// A self-signed `.p12` protected by "benar".
    fn p12() -> Vec<u8> {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::default()
            .self_signed(&key)
            .unwrap();
        efaktur::cert::write_p12(
            &[cert.der().to_vec()],
            &key.serialize_der(),
            "uji",
            "benar",
            efaktur::cert::P12Encryption::default(),
        )
        .unwrap()
    }

    #[test]
    fn a_certificate_file_changed_since_install_is_etax_30002() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("uji.p12");
        std::fs::write(&path, p12()).unwrap();
        let loader = crate::ui::wire::P12Loader;
        let pass = Secret::new("benar");
        let installed = certificate_meta(&loader.open(&path, &pass).unwrap());
        assert!(open_installed(&loader, &installed, &pass).is_ok());

        let hashing = |f: Failure| {
            assert_eq!(f.code, Some(DjpCode::Etax30002), "{f}");
            let shown = f.to_string();
            assert!(
                shown.starts_with("ETAX-30002 : Tidak dapat melakukan hashing"),
                "{shown}"
            );
            assert!(shown.contains("Administrasi Certificate"), "{shown}");
        };
        // Replaced by another .p12 with the same passphrase: it opens, but it is not the one.
        std::fs::write(&path, p12()).unwrap();
        hashing(open_installed(&loader, &installed, &pass).unwrap_err());
        // Moved away.
        std::fs::remove_file(&path).unwrap();
        hashing(open_installed(&loader, &installed, &pass).unwrap_err());
    }

    #[test]
    fn without_a_keyring_the_passphrase_is_asked_and_warned_of_only_if_remembering() {
        let (ctx, _tmp) = crate::ui::test_support::ctx_with_session();
        let (mut page, _) = Certificate::new(&ctx);
        let no_keyring = Failure::new(None, "keyring tidak tersedia", "");
        // Never asked to remember: just the prompt, no noise.
        let _ = page.update(Message::StoredPassphrase(Err(no_keyring.clone())), &ctx);
        assert_eq!(page.prompt, Some(Secret::default()));
        assert!(page.warning.is_none(), "{:?}", page.warning);
        let _ = page.update(Message::CloseDialog, &ctx);
        // "Ingat passphrase" ticked: the user expects it stored, so say why it is asked.
        let _ = page.update(Message::Remember(true), &ctx);
        let _ = page.update(Message::StoredPassphrase(Err(no_keyring.clone())), &ctx);
        assert_eq!(
            page.prompt,
            Some(Secret::default()),
            "the passphrase is asked"
        );
        assert_eq!(page.warning, Some(no_keyring));
        assert!(page.banner.is_none(), "not an error: the test can go on");
        assert!(page.on_escape().is_some());
        let _ = page.update(Message::CloseDialog, &ctx);
        assert!(page.prompt.is_none());
        // The next Tes koneksi starts clean: an old warning is not shown again by itself.
        page.meta = Some(meta("013463476415001", "2099-01-01T00:00:00Z"));
        let _ = page.update(Message::TestConnection, &ctx);
        assert!(page.warning.is_none());
    }
}
