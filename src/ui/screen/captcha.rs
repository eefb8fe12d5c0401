//! The captcha dialog of the registration ("Session Captcha"): image, Refresh Captcha, Captcha,
//! Password e-Nofa, Submit. Owned by the REGISTER ETAX INVOICE screen.

use iced::widget::{column, image, row, text, text_input};
use iced::{Element, Task};

use crate::ui::i18n::{self, Key, Lang};
use crate::ui::service::{Captcha, Failure, OpenedCert, Secret, Server, Services, UiProblem};
use crate::ui::widget::{self, Tone};

pub const CAPTCHA_INPUT: &str = "captcha-answer";
pub const PASSWORD_INPUT: &str = "captcha-password";

/// A captcha ready to show: the PNG decoded off the UI thread.
#[derive(Debug, Clone)]
pub struct Shown {
    pub captcha: Captcha,
    pub image: image::Handle,
}

#[derive(Debug)]
pub struct Dialog {
    pub shown: Option<Shown>,
    pub answer: String,
    pub password: Secret,
    pub answer_error: Option<&'static str>,
    pub password_error: Option<&'static str>,
    pub loading: bool,
}

impl Dialog {
    pub fn new() -> Self {
        Dialog {
            shown: None,
            answer: String::new(),
            password: Secret::default(),
            answer_error: None,
            password_error: None,
            loading: true,
        }
    }

    /// Shows a captcha. Only the simulasi server reveals its answer (the dialog shows it too): it
    /// is filled in, so a trainee (or the CI GUI smoke test) just confirms. A real e-Nofa
    /// server never reveals one, so nothing changes outside simulasi.
    pub fn show(&mut self, shown: Shown) {
        if let Some(answer) = &shown.captcha.simulasi_answer {
            self.answer = answer.clone();
            self.answer_error = None;
        }
        self.loading = false;
        self.shown = Some(shown);
    }

    /// Checks the two fields; `Some((captcha id, answer, password))` when they are filled.
    pub fn validate(&mut self) -> Option<(String, String, Secret)> {
        self.answer_error = self.answer.trim().is_empty().then_some("Captcha");
        self.password_error = self.password.is_empty().then_some("Password");
        let shown = self.shown.as_ref()?;
        if self.answer_error.is_some() || self.password_error.is_some() {
            return None;
        }
        Some((
            shown.captcha.id.clone(),
            self.answer.trim().to_string(),
            self.password.clone(),
        ))
    }

    pub fn view<'a, M: Clone + 'a>(
        &'a self,
        lang: Lang,
        busy: bool,
        on: Handlers<M>,
    ) -> Element<'a, M> {
        let t = |k| i18n::t(lang, k);
        let picture: Element<'a, M> = match &self.shown {
            Some(s) => image(s.image.clone()).width(200).into(),
            None => text(t(Key::Loading)).into(),
        };
        let answer = text_input("", &self.answer)
            .id(CAPTCHA_INPUT)
            .on_input(on.answer)
            .on_submit(on.submit.clone());
        let password = widget::secret_input(&self.password, on.password)
            .id(PASSWORD_INPUT)
            .on_submit(on.submit.clone());
        let required = t(Key::Required);
        let mut col = column![
            text(t(Key::CaptchaHint)).size(14),
            row![
                picture,
                widget::action(t(Key::RefreshCaptcha), on.refresh, !busy && !self.loading)
            ]
            .spacing(12)
            .align_y(iced::Alignment::Center),
        ]
        .spacing(10);
        if let Some(answer) = self
            .shown
            .as_ref()
            .and_then(|s| s.captcha.simulasi_answer.as_ref())
        {
            col = col.push(widget::notice(
                Tone::Info,
                format!("{} {answer}", t(Key::SimulasiCaptchaHint)),
            ));
        }
        col = col
            .push(widget::field(
                t(Key::Captcha),
                answer,
                self.answer_error.map(|_| required),
            ))
            .push(widget::field(
                t(Key::PasswordEnofa),
                password,
                self.password_error.map(|_| required),
            ));
        let submit_label = if busy {
            t(Key::ContactingServer)
        } else {
            t(Key::Submit)
        };
        col.push(
            row![
                widget::action(submit_label, on.submit, !busy && self.shown.is_some()),
                widget::action(t(Key::Cancel), on.cancel, !busy),
            ]
            .spacing(8),
        )
        .into()
    }
}

/// The messages the parent screen wants for each interaction.
pub struct Handlers<M> {
    pub answer: fn(String) -> M,
    pub password: fn(Secret) -> M,
    pub refresh: M,
    pub submit: M,
    pub cancel: M,
}

/// Fetches a captcha and decodes its image.
pub fn fetch(
    services: &Services,
    server: Server,
    cert: OpenedCert,
) -> Task<Result<Shown, Failure>> {
    let enofa = services.enofa.clone();
    Task::perform(
        async move {
            let captcha = enofa.captcha(server, cert).await?;
            let png = captcha.png.clone();
            let decoded = tokio::task::spawn_blocking(move || decode_png(&png))
                .await
                .map_err(|e| Failure::ui(None, UiProblem::Background(e.to_string())))??;
            Ok(Shown {
                captcha,
                image: decoded,
            })
        },
        |r| r,
    )
}

/// iced is built without image codecs; the `image` crate decodes the PNG to RGBA.
pub fn decode_png(png: &[u8]) -> Result<image::Handle, Failure> {
    let img = ::image::load_from_memory_with_format(png, ::image::ImageFormat::Png)
        .map_err(|e| {
            Failure::ui(
                Some(efaktur::domain::DjpCode::Etax40005),
                UiProblem::Background(e.to_string()),
            )
            .with_hint(Key::HintRefreshCaptcha)
        })?
        .to_rgba8();
    Ok(image::Handle::from_rgba(
        img.width(),
        img.height(),
        img.into_raw(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn shown(answer: Option<&str>) -> Shown {
        Shown {
            captcha: Captcha {
                id: "c1".into(),
                png: Arc::new(Vec::new()),
                simulasi_answer: answer.map(str::to_string),
            },
            image: image::Handle::from_rgba(1, 1, vec![0; 4]),
        }
    }

    #[test]
    fn only_an_answer_the_simulasi_server_revealed_is_filled_in() {
        let mut d = Dialog::new();
        d.show(shown(Some("40213")));
        assert_eq!(d.answer, "40213");
        assert!(!d.loading);
        // A real server's captcha (Start Uploader and registration share this dialog).
        let mut d = Dialog::new();
        d.show(shown(None));
        assert!(d.answer.is_empty());
        assert!(d.shown.is_some());
        assert!(
            d.password.is_empty(),
            "the password is never filled in here"
        );
    }
}
