//! Referensi > Administrasi User: every user changes their own password here; an Administrator
//! also sees the users, adds one with a role (Administrator or Perekam) and disables or enables
//! one. The last active Administrator cannot be disabled (the store refuses it).

use efaktur::domain::DjpCode;
use efaktur::store::user::{Role, UserRow, admin};
use iced::widget::{button, column, container, operation, pick_list, row, scrollable, text};
use iced::{Element, Length, Task};

use super::{as_admin, is_admin, me};
use crate::ui::ctx::Ctx;
use crate::ui::i18n::Key;
use crate::ui::service::{Failure, Secret};
use crate::ui::widget::{self, Tone};
use crate::ui::workspace::page::Action;

pub const OLD_INPUT: &str = "user-old";
pub const NEW_INPUT: &str = "user-new";
pub const REPEAT_INPUT: &str = "user-repeat";
pub const NAME_INPUT: &str = "user-add-name";
pub const ADD_PASSWORD_INPUT: &str = "user-add-password";
pub const ADD_REPEAT_INPUT: &str = "user-add-repeat";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Old,
    New,
    Repeat,
    Name,
    AddPassword,
    AddRepeat,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<(Option<UserRow>, Vec<UserRow>), Failure>),
    Text(Field, String),
    Secret(Field, Secret),
    Role(Role),
    ChangePassword,
    Add,
    SetActive(i64, bool),
    /// A change done; the key says which, for the success line.
    Done(Key, Result<(), Failure>),
}

#[derive(Debug)]
pub struct Users {
    me: Option<UserRow>,
    loaded: bool,
    users: Vec<UserRow>,
    old: Secret,
    new: Secret,
    repeat: Secret,
    name: String,
    add_password: Secret,
    add_repeat: Secret,
    role: Role,
    errors: Vec<(Field, &'static str)>,
    busy: bool,
    banner: Option<Failure>,
    success: Option<Key>,
}

impl Users {
    pub fn new(ctx: &Ctx) -> (Self, Task<Message>) {
        let page = Users {
            me: None,
            loaded: false,
            users: Vec::new(),
            old: Secret::default(),
            new: Secret::default(),
            repeat: Secret::default(),
            name: String::new(),
            add_password: Secret::default(),
            add_repeat: Secret::default(),
            role: Role::Perekam,
            errors: Vec::new(),
            busy: false,
            banner: None,
            success: None,
        };
        let load = page.load(ctx);
        (page, Task::batch([load, operation::focus(OLD_INPUT)]))
    }

    #[cfg(test)]
    pub fn users(&self) -> &[UserRow] {
        &self.users
    }

    #[cfg(test)]
    pub fn banner(&self) -> Option<&Failure> {
        self.banner.as_ref()
    }

    fn load(&self, ctx: &Ctx) -> Task<Message> {
        let Some(db) = ctx.db() else {
            return Task::none();
        };
        let name = super::user_name(ctx);
        Task::perform(
            async move {
                db.run(move |s| {
                    let me = me(s, &name)?;
                    // Only an Administrator sees the others.
                    let users = if is_admin(me.as_ref()) {
                        admin::list(s.conn())?
                    } else {
                        Vec::new()
                    };
                    Ok((me, users))
                })
                .await
            },
            Message::Loaded,
        )
    }

    fn error(&self, f: Field) -> Option<&str> {
        self.errors.iter().find(|(g, _)| *g == f).map(|(_, e)| *e)
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action<Message> {
        match message {
            Message::Loaded(r) => {
                self.loaded = true;
                match r {
                    Ok((me, users)) => {
                        self.me = me;
                        self.users = users;
                    }
                    Err(f) => self.banner = Some(f),
                }
            }
            Message::Text(Field::Name, v) => {
                self.name = v;
                self.errors.retain(|(g, _)| *g != Field::Name);
            }
            Message::Text(..) => {}
            Message::Secret(field, v) => {
                match field {
                    Field::Old => self.old = v,
                    Field::New => self.new = v,
                    Field::Repeat => self.repeat = v,
                    Field::AddPassword => self.add_password = v,
                    Field::AddRepeat => self.add_repeat = v,
                    Field::Name => {}
                }
                self.errors.retain(|(g, _)| *g != field);
            }
            Message::Role(r) => self.role = r,
            Message::ChangePassword => return self.change_password(ctx),
            Message::Add => return self.add(ctx),
            Message::SetActive(id, active) => return self.set_active(ctx, id, active),
            Message::Done(key, r) => {
                self.busy = false;
                match r {
                    Ok(()) => {
                        self.banner = None;
                        self.success = Some(key);
                        if key == Key::PasswordDiubah {
                            self.old = Secret::default();
                            self.new = Secret::default();
                            self.repeat = Secret::default();
                        } else if key == Key::UserDitambah {
                            self.name.clear();
                            self.add_password = Secret::default();
                            self.add_repeat = Secret::default();
                        }
                        return Action::Run(self.load(ctx));
                    }
                    Err(f) => self.banner = Some(f),
                }
            }
        }
        Action::None
    }

    /// Runs a write and reports it as `key`.
    fn write(
        &mut self,
        ctx: &Ctx,
        key: Key,
        f: impl FnOnce(&mut efaktur::store::Store, &str) -> Result<(), efaktur::store::StoreError>
        + Send
        + 'static,
    ) -> Action<Message> {
        let Some(db) = ctx.db() else {
            return Action::None;
        };
        if self.busy {
            return Action::None;
        }
        self.busy = true;
        self.banner = None;
        self.success = None;
        let name = super::user_name(ctx);
        Action::Run(Task::perform(
            async move { db.run(move |s| f(s, &name)).await },
            move |r| Message::Done(key, r),
        ))
    }

    fn change_password(&mut self, ctx: &Ctx) -> Action<Message> {
        self.errors.clear();
        let required = ctx.t(Key::Required);
        if self.old.is_empty() {
            self.errors.push((Field::Old, required));
        }
        if self.new.is_empty() {
            self.errors.push((Field::New, required));
        }
        if self.new.expose() != self.repeat.expose() {
            self.errors
                .push((Field::Repeat, ctx.t(Key::PasswordMismatch)));
        }
        if !self.errors.is_empty() {
            return Action::None;
        }
        let (old, new) = (self.old.clone(), self.new.clone());
        self.write(ctx, Key::PasswordDiubah, move |s, name| {
            admin::change_password(s.conn(), name, old.expose(), new.expose())
        })
    }

    fn add(&mut self, ctx: &Ctx) -> Action<Message> {
        self.errors.clear();
        let required = ctx.t(Key::Required);
        if self.name.trim().is_empty() {
            self.errors.push((Field::Name, required));
        }
        if self.add_password.is_empty() {
            self.errors.push((Field::AddPassword, required));
        }
        if self.add_password.expose() != self.add_repeat.expose() {
            self.errors
                .push((Field::AddRepeat, ctx.t(Key::PasswordMismatch)));
        }
        if !self.errors.is_empty() {
            return Action::None;
        }
        let (user, password, role) = (self.name.clone(), self.add_password.clone(), self.role);
        self.write(ctx, Key::UserDitambah, move |s, name| {
            as_admin(s, name, |tx, a| {
                admin::add(tx, a, &user, password.expose(), role).map(|_| ())
            })
        })
    }

    fn set_active(&mut self, ctx: &Ctx, id: i64, active: bool) -> Action<Message> {
        let admin_active = |u: &&UserRow| u.active && u.role == Role::Administrator;
        let last_admin = self.users.iter().filter(admin_active).all(|u| u.id == id)
            && self.users.iter().filter(admin_active).any(|u| u.id == id);
        if !active && last_admin {
            // Said here in the chosen language; the store refuses it as well.
            self.success = None;
            self.banner = Some(Failure::new(
                Some(DjpCode::Etax20008),
                ctx.t(Key::AdminTerakhir),
                "",
            ));
            return Action::None;
        }
        let key = if active {
            Key::UserDiaktifkan
        } else {
            Key::UserDinonaktifkan
        };
        self.write(ctx, key, move |s, name| {
            as_admin(s, name, |tx, a| admin::set_active(tx, a, id, active))
        })
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let mut col = column![text(ctx.t(Key::AdministrasiUser)).size(22)].spacing(14);
        if let Some(f) = &self.banner {
            col = col.push(widget::failure_in(ctx.lang(), f));
        }
        if let Some(k) = self.success {
            col = col.push(widget::notice(Tone::Success, ctx.t(k)));
        }
        if let Some(me) = &self.me {
            col = col.push(text(
                ctx.t(Key::LoginSebagai)
                    .replace("{nama}", &me.username)
                    .replace("{peran}", me.role.label()),
            ));
        }
        // Side by side, so both forms fit a small window without scrolling.
        if is_admin(self.me.as_ref()) {
            col = col
                .push(row![self.password_view(ctx), self.add_view(ctx)].spacing(12))
                .push(self.list_view(ctx));
        } else {
            col = col.push(container(self.password_view(ctx)).max_width(480));
        }
        scrollable(col.padding(8).max_width(1000)).into()
    }

    fn secret<'a>(
        &'a self,
        id: &'static str,
        value: &'a Secret,
        field: Field,
        submit: Message,
    ) -> iced::widget::TextInput<'a, Message> {
        widget::secret_input(value, move |v| Message::Secret(field, v))
            .id(id)
            .on_submit(submit)
    }

    fn password_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let submit = Message::ChangePassword;
        container(
            column![
                text(ctx.t(Key::UbahPassword)).size(16),
                widget::field(
                    ctx.t(Key::PasswordLama),
                    self.secret(OLD_INPUT, &self.old, Field::Old, submit.clone()),
                    self.error(Field::Old),
                ),
                widget::field(
                    ctx.t(Key::PasswordBaru),
                    self.secret(NEW_INPUT, &self.new, Field::New, submit.clone()),
                    self.error(Field::New),
                ),
                widget::field(
                    ctx.t(Key::UlangiPassword),
                    self.secret(REPEAT_INPUT, &self.repeat, Field::Repeat, submit.clone()),
                    self.error(Field::Repeat),
                ),
                widget::action(ctx.t(Key::UbahPassword), submit, !self.busy),
            ]
            .spacing(8),
        )
        .padding(12)
        .width(Length::Fill)
        .style(container::bordered_box)
        .into()
    }

    fn list_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let cell = |s: String, w: u16| text(s).size(14).width(Length::FillPortion(w));
        let mut list = column![
            text(ctx.t(Key::DaftarUser)).size(16),
            container(
                row![
                    cell(ctx.t(Key::NamaUser).into(), 4),
                    cell(ctx.t(Key::Peran).into(), 3),
                    cell(ctx.t(Key::Status).into(), 2),
                    text("").width(150),
                ]
                .spacing(8)
            )
            .padding(4)
            .style(container::secondary),
        ]
        .spacing(2);
        for u in &self.users {
            let (state, label, to) = if u.active {
                (ctx.t(Key::Aktif), ctx.t(Key::Nonaktifkan), false)
            } else {
                (ctx.t(Key::Nonaktif), ctx.t(Key::Aktifkan), true)
            };
            list = list.push(
                container(
                    row![
                        cell(u.username.clone(), 4),
                        cell(u.role.label().into(), 3),
                        cell(state.into(), 2),
                        button(text(label).size(13))
                            .style(if u.active {
                                button::danger
                            } else {
                                button::secondary
                            })
                            .on_press_maybe((!self.busy).then_some(Message::SetActive(u.id, to)))
                            .width(150),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                )
                .padding(4),
            );
        }
        list.into()
    }

    fn add_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let name = iced::widget::text_input("", &self.name)
            .id(NAME_INPUT)
            .on_input(|v| Message::Text(Field::Name, v))
            .on_submit(Message::Add);
        container(
            column![
                text(ctx.t(Key::TambahUser)).size(16),
                widget::field(ctx.t(Key::NamaUser), name, self.error(Field::Name)),
                widget::field(
                    ctx.t(Key::Password),
                    self.secret(
                        ADD_PASSWORD_INPUT,
                        &self.add_password,
                        Field::AddPassword,
                        Message::Add
                    ),
                    self.error(Field::AddPassword),
                ),
                widget::field(
                    ctx.t(Key::UlangiPassword),
                    self.secret(
                        ADD_REPEAT_INPUT,
                        &self.add_repeat,
                        Field::AddRepeat,
                        Message::Add
                    ),
                    self.error(Field::AddRepeat),
                ),
                column![
                    text(ctx.t(Key::Peran)).size(14),
                    pick_list(Role::ALL, Some(self.role), Message::Role),
                ]
                .spacing(4),
                widget::action(ctx.t(Key::Tambah), Message::Add, !self.busy),
            ]
            .spacing(8),
        )
        .padding(12)
        .width(Length::Fill)
        .style(container::bordered_box)
        .into()
    }
}
