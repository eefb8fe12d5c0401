//! REGISTER USER: the first (administrator) user of a freshly registered Local Database.

use efaktur::store::user;
use iced::widget::{column, container, operation, scrollable, text, text_input};
use iced::{Element, Length, Task};

use crate::ui::ctx::{Ctx, LocalDb};
use crate::ui::i18n::Key;
use crate::ui::service::{Failure, Secret, blocking};
use crate::ui::widget::{self, Tone};

pub const NAME_INPUT: &str = "register-user-name";
pub const PASSWORD_INPUT: &str = "register-user-password";
pub const REPEAT_INPUT: &str = "register-user-repeat";

#[derive(Debug, Clone)]
pub enum Message {
    NameChanged(String),
    PasswordChanged(Secret),
    RepeatChanged(Secret),
    Submit,
    Created(Result<String, Failure>),
}

pub enum Action {
    None,
    Run(Task<Message>),
    /// The user of this name was created.
    Created(String),
}

/// `Debug` is safe: the passwords are [`Secret`]s.
#[derive(Debug, Default)]
pub struct RegisterUser {
    name: String,
    password: Secret,
    repeat: Secret,
    name_error: Option<String>,
    password_error: Option<String>,
    repeat_error: Option<String>,
    banner: Option<Failure>,
    /// Right after REGISTER ETAX INVOICE: say that it worked.
    registered: bool,
    busy: bool,
}

impl RegisterUser {
    /// `registered`: the registration has just succeeded (else a registered database without
    /// users was opened).
    pub fn new(registered: bool) -> (Self, Task<Message>) {
        let screen = RegisterUser {
            registered,
            ..RegisterUser::default()
        };
        (screen, operation::focus(NAME_INPUT))
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action {
        match message {
            Message::NameChanged(v) => {
                self.name = v;
                self.name_error = None;
            }
            Message::PasswordChanged(v) => {
                self.password = v;
                self.password_error = None;
            }
            Message::RepeatChanged(v) => {
                self.repeat = v;
                self.repeat_error = None;
            }
            Message::Submit => return self.submit(ctx),
            Message::Created(Ok(name)) => {
                self.busy = false;
                return Action::Created(name);
            }
            Message::Created(Err(f)) => {
                self.busy = false;
                self.banner = Some(f);
            }
        }
        Action::None
    }

    fn submit(&mut self, ctx: &Ctx) -> Action {
        let Some(db) = ctx.db() else {
            return Action::None;
        };
        if self.busy {
            return Action::None;
        }
        let required = ctx.t(Key::Required).to_string();
        self.name_error = self.name.trim().is_empty().then(|| required.clone());
        self.password_error = if self.password.is_empty() {
            Some(required)
        } else if self.password.expose().chars().count() < user::MIN_PASSWORD_LEN {
            Some(
                ctx.t(Key::PasswordMinimal)
                    .replace("{n}", &user::MIN_PASSWORD_LEN.to_string()),
            )
        } else {
            None
        };
        self.repeat_error =
            (self.password != self.repeat).then(|| ctx.t(Key::PasswordMismatch).to_string());
        if self.name_error.is_some() || self.password_error.is_some() || self.repeat_error.is_some()
        {
            return Action::None;
        }
        self.busy = true;
        self.banner = None;
        let name = self.name.trim().to_string();
        let password = self.password.clone();
        Action::Run(Task::perform(
            blocking(move || create_user(&db, name, password)),
            Message::Created,
        ))
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let name = text_input("", &self.name)
            .id(NAME_INPUT)
            .on_input(Message::NameChanged)
            .on_submit(Message::Submit);
        let password = widget::secret_input(&self.password, Message::PasswordChanged)
            .id(PASSWORD_INPUT)
            .on_submit(Message::Submit);
        let repeat = widget::secret_input(&self.repeat, Message::RepeatChanged)
            .id(REPEAT_INPUT)
            .on_submit(Message::Submit);
        let mut col = column![text(ctx.t(Key::RegisterUserTitle)).size(24)].spacing(14);
        if self.registered {
            col = col.push(widget::notice(
                Tone::Success,
                ctx.t(Key::RegistrasiBerhasil),
            ));
        }
        if let Some(b) = &self.banner {
            col = col.push(widget::failure_in(ctx.lang(), b));
        }
        let label = if self.busy {
            ctx.t(Key::Working)
        } else {
            ctx.t(Key::DaftarkanUser)
        };
        col = col
            .push(widget::field(
                ctx.t(Key::NamaUser),
                name,
                self.name_error.as_deref(),
            ))
            .push(widget::field(
                ctx.t(Key::Password),
                password,
                self.password_error.as_deref(),
            ))
            .push(widget::field(
                ctx.t(Key::UlangiPassword),
                repeat,
                self.repeat_error.as_deref(),
            ))
            .push(widget::action(label, Message::Submit, !self.busy));
        // A small window scrolls instead of hiding the buttons.
        scrollable(container(col.padding(24).max_width(480)).center_x(Length::Fill)).into()
    }
}

fn create_user(db: &LocalDb, name: String, password: Secret) -> Result<String, Failure> {
    db.with(|s| Ok(user::create(s.conn(), &name, password.expose())))?
        .map(|u| u.username)
        .map_err(|e| Failure::from(e).with_hint(Key::HintPeriksaIsian))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::test_support::{ctx_with_session, run_blocking};

    #[test]
    fn success_is_said_only_right_after_registration() {
        let (ctx, _tmp) = ctx_with_session();
        let said = "Registrasi berhasil. Buat user pertama untuk aplikasi ini.";
        let (fresh, _) = RegisterUser::new(true);
        assert!(iced_test::simulator(fresh.view(&ctx)).find(said).is_ok());
        // A registered database without users, opened later: nothing just happened.
        let (later, _) = RegisterUser::new(false);
        assert!(iced_test::simulator(later.view(&ctx)).find(said).is_err());
    }

    #[test]
    fn mismatch_is_inline_and_a_valid_form_creates_the_user() {
        let (ctx, _tmp) = ctx_with_session();
        let (mut s, _) = RegisterUser::new(true);
        s.update(Message::NameChanged("admin".into()), &ctx);
        s.update(Message::PasswordChanged("rahasia1".into()), &ctx);
        s.update(Message::RepeatChanged("rahasia2".into()), &ctx);
        assert!(matches!(s.update(Message::Submit, &ctx), Action::None));
        assert_eq!(s.repeat_error.as_deref(), Some("Password tidak sama"));
        s.update(Message::RepeatChanged("rahasia1".into()), &ctx);
        assert!(matches!(s.update(Message::Submit, &ctx), Action::Run(_)));
        let db = ctx.db().unwrap();
        let result =
            run_blocking(move || create_user(&db, "admin".into(), Secret::new("rahasia1")));
        assert_eq!(result, Ok("admin".to_string()));
        assert!(matches!(
            s.update(Message::Created(result), &ctx),
            Action::Created(n) if n == "admin"
        ));
    }
}
