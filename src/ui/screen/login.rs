//! Login with a local application user. Five wrong passwords lock the user for a minute
//! (`store::user::login` keeps the count); the screen says so.

use efaktur::store::user;
use iced::widget::{column, container, operation, row, scrollable, text, text_input};
use iced::{Element, Length, Task};

use crate::ui::ctx::{Ctx, LocalDb};
use crate::ui::i18n::{Key, errors};
use crate::ui::service::Secret;
use crate::ui::widget::{self, Tone};

pub const USER_INPUT: &str = "login-user";
pub const PASSWORD_INPUT: &str = "login-password";

#[derive(Debug, Clone)]
pub enum Message {
    UserChanged(String),
    PasswordChanged(Secret),
    Submit,
    Checked(Result<String, user::LoginError>),
    Back,
}

pub enum Action {
    None,
    Run(Task<Message>),
    LoggedIn(String),
    Back,
}

/// `Debug` is safe: the password is a [`Secret`].
#[derive(Debug, Default)]
pub struct Login {
    user: String,
    password: Secret,
    error: Option<user::LoginError>,
    /// The user just made on REGISTER USER, to greet and prefill.
    created: Option<String>,
    busy: bool,
}

impl Login {
    /// `created`: the user just made on REGISTER USER; the name is filled in and the password
    /// is the next thing to type.
    pub fn new(created: Option<String>) -> (Self, Task<Message>) {
        let focus = if created.is_some() {
            PASSWORD_INPUT
        } else {
            USER_INPUT
        };
        let screen = Login {
            user: created.clone().unwrap_or_default(),
            created,
            ..Login::default()
        };
        (screen, operation::focus(focus))
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action {
        match message {
            Message::UserChanged(v) => self.user = v,
            Message::PasswordChanged(v) => self.password = v,
            Message::Submit => {
                let Some(db) = ctx.db() else {
                    return Action::None;
                };
                if self.busy {
                    return Action::None;
                }
                self.busy = true;
                self.error = None;
                let (name, password) = (self.user.clone(), self.password.clone());
                return Action::Run(Task::perform(
                    async move {
                        tokio::task::spawn_blocking(move || check(&db, &name, &password))
                            .await
                            .unwrap_or_else(|e| Err(user::LoginError::Store(e.to_string())))
                    },
                    Message::Checked,
                ));
            }
            Message::Checked(Ok(name)) => {
                self.busy = false;
                self.password = Secret::default();
                return Action::LoggedIn(name);
            }
            Message::Checked(Err(e)) => {
                self.busy = false;
                self.created = None;
                self.password = Secret::default();
                self.error = Some(e);
                // The name is usually right: the password is what to type again.
                return Action::Run(operation::focus(PASSWORD_INPUT));
            }
            Message::Back => return Action::Back,
        }
        Action::None
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let user = text_input("", &self.user)
            .id(USER_INPUT)
            .on_input(Message::UserChanged)
            .on_submit(Message::Submit);
        let password = widget::secret_input(&self.password, Message::PasswordChanged)
            .id(PASSWORD_INPUT)
            .on_submit(Message::Submit);
        let mut col = column![text(ctx.t(Key::LoginTitle)).size(24)].spacing(14);
        if let Some(s) = &ctx.session {
            col = col.push(text(format!("{} — {}", s.profile.nama, s.profile.npwp)));
        }
        if let Some(name) = &self.created {
            let said = ctx.t(Key::UserDibuat).replace("{nama}", name);
            col = col.push(widget::notice(Tone::Success, said));
        }
        if let Some(e) = &self.error {
            col = col.push(widget::notice(Tone::Error, errors::login(ctx.lang(), e)));
        }
        let label = if self.busy {
            ctx.t(Key::Working)
        } else {
            ctx.t(Key::Login)
        };
        col = col
            .push(widget::field(ctx.t(Key::NamaUser), user, None))
            .push(widget::field(ctx.t(Key::Password), password, None))
            .push(
                row![
                    widget::action(label, Message::Submit, !self.busy),
                    widget::action(ctx.t(Key::Back), Message::Back, !self.busy),
                ]
                .spacing(8),
            );
        // A small window scrolls instead of hiding the buttons.
        scrollable(container(col.padding(24).max_width(480)).center_x(Length::Fill)).into()
    }
}

fn check(db: &LocalDb, name: &str, password: &Secret) -> Result<String, user::LoginError> {
    db.with(|s| {
        Ok(user::login(s.conn(), name, password.expose(), chrono::Utc::now()).map(|u| u.username))
    })
    .unwrap_or_else(|f| Err(user::LoginError::Store(f.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::test_support::ctx_with_session;
    use efaktur::store::Store;

    #[test]
    fn five_wrong_passwords_lock_the_user_and_the_screen_says_so() {
        let (ctx, _tmp) = ctx_with_session();
        let db_path = ctx.session.as_ref().unwrap().db_path.clone();
        {
            let db = Store::open(&db_path).unwrap();
            user::create(db.conn(), "admin", "benar123").unwrap();
        }
        let (mut s, _) = Login::new(None);
        for _ in 0..user::MAX_FAILED_LOGINS {
            s.update(Message::UserChanged("admin".into()), &ctx);
            s.update(Message::PasswordChanged("salah".into()), &ctx);
            assert!(matches!(s.update(Message::Submit, &ctx), Action::Run(_)));
            let r = check(&ctx.db().unwrap(), "admin", &Secret::new("salah"));
            s.update(Message::Checked(r), &ctx);
            assert!(s.password.is_empty(), "a wrong password is cleared");
        }
        // Even the right password is refused while locked.
        let r = check(&ctx.db().unwrap(), "admin", &Secret::new("benar123"));
        assert!(matches!(r, Err(user::LoginError::Locked { .. })));
        s.update(Message::Checked(r), &ctx);
        let said = errors::login(ctx.lang(), s.error.as_ref().unwrap());
        assert!(said.contains("dikunci"), "{said}");
    }
}
