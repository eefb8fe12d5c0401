//! The main window after login: a header with the PKP, a menu of the entries that work, and the
//! page they open.

use efaktur::store::profile::Registration;
use iced::widget::{button, column, container, row, rule, text};
use iced::{Element, Length, Task};

use super::certificate::{self, Certificate};
use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key, Lang};
use crate::ui::widget::{self, Tone};

#[derive(Debug, Clone)]
pub enum Message {
    ToggleReferensi,
    OpenCertificate,
    Language(Lang),
    Logout,
    Certificate(Box<certificate::Message>),
}

fn boxed(m: certificate::Message) -> Message {
    Message::Certificate(Box::new(m))
}

pub enum Action {
    None,
    Run(Task<Message>),
    SetLanguage(Lang),
    Logout,
}

enum Page {
    Home,
    Certificate(Box<Certificate>),
}

pub struct MainWindow {
    page: Page,
    referensi_open: bool,
}

impl MainWindow {
    pub fn new() -> (Self, Task<Message>) {
        (
            MainWindow {
                page: Page::Home,
                referensi_open: false,
            },
            Task::none(),
        )
    }

    pub fn on_escape(&self) -> Option<Message> {
        match &self.page {
            Page::Certificate(c) => c.on_escape().map(boxed),
            Page::Home => None,
        }
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action {
        match message {
            Message::ToggleReferensi => self.referensi_open = !self.referensi_open,
            Message::OpenCertificate => {
                self.referensi_open = false;
                let (page, task) = Certificate::new(ctx);
                self.page = Page::Certificate(Box::new(page));
                return Action::Run(task.map(boxed));
            }
            Message::Language(lang) => return Action::SetLanguage(lang),
            Message::Logout => return Action::Logout,
            Message::Certificate(m) => {
                if let Page::Certificate(page) = &mut self.page {
                    return Action::Run(page.update(*m, ctx).map(boxed));
                }
            }
        }
        Action::None
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let page: Element<'a, Message> = match &self.page {
            Page::Home => self.home_view(ctx),
            Page::Certificate(c) => c.view(ctx).map(boxed),
        };
        column![
            self.header_view(ctx),
            self.menu_view(ctx),
            rule::horizontal(1),
            page
        ]
        .into()
    }

    fn header_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let Some(s) = &ctx.session else {
            return text("").into();
        };
        let status = s.profile.registration;
        let tone = match status {
            Registration::Terdaftar => container::success,
            _ => container::warning,
        };
        let user = s.user.clone().unwrap_or_default();
        container(
            row![
                column![
                    text(s.profile.nama.as_str()).size(20),
                    text(format!("NPWP {}", s.profile.npwp)).size(14),
                ],
                widget::fill(),
                container(text(status.label())).padding([4, 10]).style(tone),
                text(user),
            ]
            .spacing(12)
            .align_y(iced::Alignment::Center),
        )
        .padding(12)
        .style(container::rounded_box)
        .width(Length::Fill)
        .into()
    }

    fn menu_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let other = match ctx.lang() {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        };
        let bar = row![
            button(text(ctx.t(Key::Referensi)))
                .style(button::text)
                .on_press(Message::ToggleReferensi),
            widget::fill(),
            button(text(i18n::lang_name(other)))
                .style(button::text)
                .on_press(Message::Language(other)),
            button(text(ctx.t(Key::Logout)))
                .style(button::text)
                .on_press(Message::Logout),
        ]
        .spacing(4)
        .padding([2, 8]);
        let mut col = column![bar];
        if self.referensi_open {
            col = col.push(
                container(
                    button(text(ctx.t(Key::AdministrasiCertificate)))
                        .style(button::text)
                        .on_press(Message::OpenCertificate),
                )
                .padding([0, 16]),
            );
        }
        col.into()
    }

    fn home_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let hint = match ctx.lang() {
            Lang::Id => {
                "Pilih menu Referensi > Administrasi Certificate untuk memeriksa sertifikat elektronik."
            }
            Lang::En => {
                "Open References > Certificate administration to check the electronic certificate."
            }
        };
        container(widget::notice::<Message>(Tone::Info, hint))
            .padding(20)
            .into()
    }
}
