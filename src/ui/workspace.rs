//! The main window after login, as a shell: the header with the PKP, the menu bar built from
//! [`route::MENU`], and the page it opened. Pages live in their own modules and talk to the
//! shell through [`page::Action`]; the shell only routes.

pub mod administrasi;
pub mod certificate;
pub mod detail;
pub mod exchange;
pub mod home;
pub mod page;
pub mod route;
pub mod tentang;
#[cfg(test)]
mod tests;

use efaktur::store::profile::Registration;
use iced::widget::{button, column, container, row, rule, text};
use iced::{Element, Length, Task};

use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key, Lang};
use crate::ui::widget;
use page::{Action as PageAction, Nav, Page};
use route::{MENU, Route};

#[derive(Debug, Clone)]
pub enum Message {
    /// Opens or closes the menu at this index of [`MENU`].
    ToggleMenu(usize),
    Open(Route),
    Language(Lang),
    Logout,
    Nav(Nav),
    Page(page::Message),
}

pub enum Action {
    None,
    Run(Task<Message>),
    SetLanguage(Lang),
    Logout,
}

pub struct Workspace {
    page: Page,
    /// Pages left by [`PageAction::Push`], newest last; Esc returns to them as they were.
    back: Vec<Page>,
    open_menu: Option<usize>,
}

impl Workspace {
    pub fn new(ctx: &Ctx) -> (Self, Task<Message>) {
        let (page, task) = Page::new(Route::Home, ctx);
        (
            Workspace {
                page,
                back: Vec::new(),
                open_menu: None,
            },
            task.map(Message::Page),
        )
    }

    pub fn on_escape(&self) -> Option<Message> {
        if self.open_menu.is_some() {
            return self.open_menu.map(Message::ToggleMenu);
        }
        match self.page.on_escape() {
            Some(m) => Some(Message::Page(m)),
            None if !self.back.is_empty() => Some(Message::Page(page::Message::Back)),
            None => None,
        }
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action {
        match message {
            Message::ToggleMenu(i) => {
                self.open_menu = (self.open_menu != Some(i)).then_some(i);
                Action::None
            }
            Message::Open(route) => {
                self.open_menu = None;
                self.back.clear();
                self.open(route, ctx)
            }
            Message::Language(lang) => Action::SetLanguage(lang),
            Message::Logout => Action::Logout,
            Message::Nav(nav) => match self.page.on_nav(nav) {
                Some(m) if self.open_menu.is_none() => self.update(Message::Page(m), ctx),
                _ => Action::None,
            },
            Message::Page(page::Message::Back) => {
                if let Some(previous) = self.back.pop() {
                    self.page = previous;
                }
                Action::None
            }
            Message::Page(m) => match self.page.update(m, ctx) {
                PageAction::None => Action::None,
                PageAction::Run(t) => Action::Run(t.map(Message::Page)),
                PageAction::Push(route) => {
                    let (page, task) = Page::new(route, ctx);
                    self.back.push(std::mem::replace(&mut self.page, page));
                    Action::Run(task.map(Message::Page))
                }
                PageAction::Back => self.update(Message::Page(page::Message::Back), ctx),
            },
        }
    }

    fn open(&mut self, route: Route, ctx: &Ctx) -> Action {
        let (page, task) = Page::new(route, ctx);
        self.page = page;
        Action::Run(task.map(Message::Page))
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        column![
            self.header_view(ctx),
            self.menu_view(ctx),
            rule::horizontal(1),
            container(self.page.view(ctx).map(Message::Page))
                .padding(12)
                .width(Length::Fill)
                .height(Length::Fill),
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
        let mut bar = row![
            button(text(ctx.t(Key::Beranda)))
                .style(button::text)
                .on_press(Message::Open(Route::Home))
        ]
        .spacing(4)
        .padding([2, 8]);
        let here = self.page.route();
        let page_of = |r: Route| match r {
            // A faktur belongs to the list it was opened from.
            Route::Faktur(_) => self.back.last().map(Page::route).unwrap_or(r),
            r => r,
        };
        let here = page_of(here);
        for (i, (label, entries)) in MENU.iter().enumerate() {
            let current = entries.iter().any(|e| e.route == here);
            let style = if self.open_menu == Some(i) || current {
                button::secondary
            } else {
                button::text
            };
            bar = bar.push(
                button(text(ctx.t(*label)))
                    .style(style)
                    .on_press(Message::ToggleMenu(i)),
            );
        }
        let bar = bar.push(widget::fill()).push(
            row![
                button(text(i18n::lang_name(other)))
                    .style(button::text)
                    .on_press(Message::Language(other)),
                button(text(ctx.t(Key::Logout)))
                    .style(button::text)
                    .on_press(Message::Logout),
            ]
            .spacing(4),
        );
        let mut col = column![bar];
        if let Some((_, entries)) = self.open_menu.and_then(|i| MENU.get(i)) {
            let mut list = column![].spacing(2);
            let mut section = None;
            for e in entries.iter() {
                if e.section != section {
                    section = e.section;
                    if let Some(s) = section {
                        list = list.push(text(ctx.t(s)).size(13).style(text::secondary));
                    }
                }
                let indent = if e.section.is_some() { 12 } else { 0 };
                let style = if e.route == here {
                    button::secondary
                } else {
                    button::text
                };
                list = list.push(
                    container(
                        button(text(ctx.t(e.label)))
                            .style(style)
                            .on_press(Message::Open(e.route)),
                    )
                    .padding(iced::Padding::ZERO.left(indent)),
                );
            }
            col = col.push(
                container(list)
                    .padding([6, 16])
                    .style(container::bordered_box),
            );
        }
        col.into()
    }
}
