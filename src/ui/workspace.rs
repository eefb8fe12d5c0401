//! The main window after login, as a shell: the header with the PKP, the menu bar built from
//! [`route::MENU`], and the page it opened. Pages live in their own modules and talk to the
//! shell through [`page::Action`]; the shell only routes.

pub mod administrasi;
pub mod cadangan;
#[cfg(test)]
mod cadangan_tests;
pub mod certificate;
pub mod cetak;
pub mod detail;
pub mod dokumen;
#[cfg(test)]
mod dokumen_tests;
pub mod exchange;
pub mod faktur;
pub mod home;
pub mod page;
pub mod referensi;
pub mod route;
pub mod tentang;
#[cfg(test)]
mod tests;
pub mod uploader;

use efaktur::store::profile::Registration;
use iced::widget::{button, column, container, mouse_area, opaque, row, rule, stack, text};
use iced::{Element, Length, Task};

use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key, Lang};
use crate::ui::widget;
use page::{Action as PageAction, Nav, Page};
use route::{MENU, Route};

/// The Upload menu's index for [`Message::ToggleMenu`]: after the pages' menus.
const UPLOAD_MENU: usize = MENU.len();

#[derive(Debug, Clone)]
pub enum Message {
    /// Opens or closes the menu at this index of [`MENU`].
    ToggleMenu(usize),
    Open(Route),
    Language(Lang),
    /// Asks whether to log out (a dialog); [`Message::ConfirmLogout`] does it.
    Logout,
    ConfirmLogout,
    /// Closes the open menu or dialog (Batal, Esc, a click beside the menu).
    Dismiss,
    /// Esc on a page that has one behind it: back to it, asking first if this one is busy.
    Escape,
    /// Leave the busy page as asked ([`Workspace::leaving`]).
    ConfirmLeave,
    Nav(Nav),
    Page(page::Message),
    Uploader(uploader::Message),
}

pub enum Action {
    None,
    Run(Task<Message>),
    SetLanguage(Lang),
    Logout,
    /// Back to Pilih Database (after a restore replaced the open Local Database).
    CloseDatabase,
}

pub struct Workspace {
    page: Page,
    /// Pages left by [`PageAction::Push`], newest last; Esc returns to them as they were.
    back: Vec<Page>,
    open_menu: Option<usize>,
    /// The "Logout?" dialog is open.
    asking_logout: bool,
    /// Start/Stop Uploader: lives as long as the window, whatever page is open.
    uploader: uploader::Uploader,
    /// Where the user asked to go while the page was busy (an import running, a faktur not
    /// saved), and what leaving would lose: the dialog that asks first.
    leaving: Option<(Leave, Key)>,
}

/// A move away from the current page.
#[derive(Debug, Clone)]
enum Leave {
    Open(Route),
    Back,
    Logout,
    /// The page's own way out ([`Page::leaves_with`]).
    Page(page::Message),
}

impl Workspace {
    pub fn new(ctx: &Ctx) -> (Self, Task<Message>) {
        let (page, task) = Page::new(Route::Home, ctx);
        (
            Workspace {
                page,
                back: Vec::new(),
                open_menu: None,
                asking_logout: false,
                uploader: uploader::Uploader::default(),
                leaving: None,
            },
            task.map(Message::Page),
        )
    }

    pub fn on_escape(&self) -> Option<Message> {
        if let Some(m) = self.uploader.on_escape() {
            return Some(Message::Uploader(m));
        }
        if self.open_menu.is_some() || self.asking_logout || self.leaving.is_some() {
            return Some(Message::Dismiss);
        }
        match self.page.on_escape() {
            Some(m) => Some(Message::Page(m)),
            None if !self.back.is_empty() => Some(Message::Escape),
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
                if self.ask_before(Leave::Open(route)) {
                    return Action::None;
                }
                self.back.clear();
                self.open(route, ctx)
            }
            Message::Escape => {
                if self.ask_before(Leave::Back) {
                    return Action::None;
                }
                self.update(Message::Page(page::Message::Back), ctx)
            }
            Message::ConfirmLeave => {
                let Some((leave, _)) = self.leaving.take() else {
                    return Action::None;
                };
                self.page.abandon();
                match leave {
                    Leave::Open(route) => {
                        self.back.clear();
                        self.open(route, ctx)
                    }
                    Leave::Back => self.update(Message::Page(page::Message::Back), ctx),
                    Leave::Logout => self.update(Message::ConfirmLogout, ctx),
                    Leave::Page(m) => self.page_update(m, ctx),
                }
            }
            Message::Language(lang) => Action::SetLanguage(lang),
            Message::Logout => {
                self.open_menu = None;
                if self.ask_before(Leave::Logout) {
                    return Action::None;
                }
                self.asking_logout = true;
                Action::None
            }
            Message::ConfirmLogout => {
                self.asking_logout = false;
                self.uploader.stop();
                Action::Logout
            }
            Message::Uploader(m) => {
                self.open_menu = None;
                let outcome = self.uploader.update(m, ctx);
                let task = outcome.task.map(Message::Uploader);
                if outcome.changed {
                    let refresh = self.page.refresh(ctx).map(Message::Page);
                    Action::Run(Task::batch([task, refresh]))
                } else {
                    Action::Run(task)
                }
            }
            Message::Dismiss => {
                self.open_menu = None;
                self.asking_logout = false;
                self.leaving = None;
                Action::None
            }
            // Enter in the Logout dialog confirms it.
            Message::Nav(Nav::Enter) if self.asking_logout => {
                self.update(Message::ConfirmLogout, ctx)
            }
            Message::Nav(nav) => match self.page.on_nav(nav) {
                Some(m) if !self.blocked() => self.update(Message::Page(m), ctx),
                _ => Action::None,
            },
            Message::Page(page::Message::Back) => match self.back.pop() {
                Some(previous) => {
                    self.page = previous;
                    Action::Run(self.page.on_reveal(ctx).map(Message::Page))
                }
                None => Action::None,
            },
            Message::Page(m) => {
                if self.page.leaves_with(&m) && self.ask_before(Leave::Page(m.clone())) {
                    return Action::None;
                }
                self.page_update(m, ctx)
            }
        }
    }

    fn page_update(&mut self, m: page::Message, ctx: &Ctx) -> Action {
        match self.page.update(m, ctx) {
            PageAction::None => Action::None,
            PageAction::Run(t) => Action::Run(t.map(Message::Page)),
            PageAction::Push(route) => {
                let (page, task) = Page::new(route, ctx);
                self.back.push(std::mem::replace(&mut self.page, page));
                Action::Run(task.map(Message::Page))
            }
            PageAction::Back => self.update(Message::Page(page::Message::Back), ctx),
            PageAction::Reset(routes) => self.reset(routes, ctx),
            PageAction::CloseDatabase => Action::CloseDatabase,
        }
    }

    /// A menu or dialog (Logout, Start Uploader) is open: the page behind it takes no input.
    fn blocked(&self) -> bool {
        self.open_menu.is_some()
            || self.asking_logout
            || self.leaving.is_some()
            || self.uploader.dialog_open()
    }

    /// Whether `leave` must wait for the user's answer: the page would lose work (a running
    /// import, a faktur not saved), so the dialog asks first.
    fn ask_before(&mut self, leave: Leave) -> bool {
        match self.page.leaving_loses() {
            Some(what) => {
                self.leaving = Some((leave, what));
                true
            }
            None => false,
        }
    }

    /// Opens `routes` afresh, the last one shown and the others behind it. Only the shown page
    /// loads now: answers for a hidden page would be dropped, and Esc reloads it
    /// ([`Page::on_reveal`]).
    fn reset(&mut self, routes: Vec<Route>, ctx: &Ctx) -> Action {
        let mut pages = Vec::with_capacity(routes.len());
        let mut shown = Task::none();
        for route in routes {
            let (page, task) = Page::new(route, ctx);
            pages.push(page);
            shown = task;
        }
        let Some(last) = pages.pop() else {
            return Action::None;
        };
        self.back = pages;
        self.page = last;
        Action::Run(shown.map(Message::Page))
    }

    fn open(&mut self, route: Route, ctx: &Ctx) -> Action {
        let (page, task) = Page::new(route, ctx);
        self.page = page;
        Action::Run(task.map(Message::Page))
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let page: Element<'a, Message> = container(self.page.view(ctx).map(Message::Page))
            .padding(12)
            .width(Length::Fill)
            .height(Length::Fill)
            .into();
        // An open menu lies over the page and blocks it; a click beside it closes it.
        let dropdown = match self.open_menu {
            Some(UPLOAD_MENU) => Some(self.upload_menu_view(ctx)),
            Some(i) => MENU
                .get(i)
                .map(|(_, entries)| self.dropdown_view(ctx, i, entries)),
            None => None,
        };
        let page = match dropdown {
            Some(dropdown) => {
                let veil = mouse_area(container(dropdown).width(Length::Fill).height(Length::Fill))
                    .on_press(Message::Dismiss);
                stack![page, opaque(veil)].into()
            }
            None => page,
        };
        let mut window = column![
            self.header_view(ctx),
            self.menu_view(ctx),
            rule::horizontal(1),
            page
        ];
        if let Some(bar) = self.uploader.status_view(ctx) {
            window = window.push(bar.map(Message::Uploader));
        }
        if self.uploader.dialog_open() {
            // The dialog's own messages only; the window under it cannot be clicked.
            let base: Element<'a, uploader::Message> = iced::widget::Space::new().into();
            let dialog = self.uploader.dialog_view(ctx, base).map(Message::Uploader);
            return stack![Element::from(window), dialog].into();
        }
        if let Some((_, what)) = &self.leaving {
            let body = column![
                text(ctx.t(*what)),
                row![
                    widget::action(ctx.t(Key::TinggalkanYa), Message::ConfirmLeave, true),
                    widget::action(ctx.t(Key::TetapDiSini), Message::Dismiss, true),
                ]
                .spacing(8),
            ]
            .spacing(12);
            return widget::dialog(window.into(), ctx.t(Key::TinggalkanJudul), body.into());
        }
        if self.asking_logout {
            let body = column![
                text(ctx.t(Key::LogoutTanya)),
                row![
                    widget::action(ctx.t(Key::Logout), Message::ConfirmLogout, true),
                    widget::action(ctx.t(Key::Cancel), Message::Dismiss, true),
                ]
                .spacing(8),
            ]
            .spacing(12);
            return widget::dialog(window.into(), ctx.t(Key::Logout), body.into());
        }
        window.into()
    }

    #[cfg(test)]
    pub fn uploader(&self) -> &uploader::Uploader {
        &self.uploader
    }

    #[cfg(test)]
    pub fn page(&self) -> &Page {
        &self.page
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
        let other = i18n::other_lang(ctx.lang());
        let mut bar = row![
            button(text(ctx.t(Key::Beranda)))
                .style(button::text)
                .on_press(Message::Open(Route::Home))
        ]
        .spacing(4)
        .padding([2, 8]);
        let here = self.here();
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
        // Upload: actions, not pages (after the pages' menus).
        let style = if self.open_menu == Some(UPLOAD_MENU) {
            button::secondary
        } else {
            button::text
        };
        bar = bar.push(
            button(text(ctx.t(Key::MenuUpload)))
                .style(style)
                .on_press(Message::ToggleMenu(UPLOAD_MENU)),
        );
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
        bar.into()
    }

    /// The entries of menu `index`, under its button.
    fn dropdown_view<'a>(
        &'a self,
        ctx: &'a Ctx,
        index: usize,
        entries: &'a [route::Entry],
    ) -> Element<'a, Message> {
        let here = self.here();
        // Roughly under the menu's button: the bar's padding, then each button before it
        // (~9 px a character, its padding and the spacing).
        let width_of = |k: Key| (ctx.t(k).chars().count() * 9 + 24) as f32;
        let offset = 8.0
            + width_of(Key::Beranda)
            + MENU[..index].iter().map(|(k, _)| width_of(*k)).sum::<f32>();
        {
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
            container(
                container(list)
                    .padding([6, 16])
                    .style(container::bordered_box),
            )
            .padding(iced::Padding::ZERO.left(offset))
            .into()
        }
    }

    /// The Upload menu: Start and Stop Uploader, under its button (after the pages' menus).
    fn upload_menu_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let running = self.uploader.running();
        let entry = |key: Key, m: uploader::Message, enabled: bool| {
            button(text(ctx.t(key)))
                .style(button::text)
                .on_press_maybe(enabled.then_some(Message::Uploader(m)))
        };
        let width_of = |k: Key| (ctx.t(k).chars().count() * 9 + 24) as f32;
        let offset =
            8.0 + width_of(Key::Beranda) + MENU.iter().map(|(k, _)| width_of(*k)).sum::<f32>();
        container(
            container(
                column![
                    entry(Key::StartUploader, uploader::Message::Start, !running),
                    entry(Key::StopUploader, uploader::Message::Stop, running),
                ]
                .spacing(2),
            )
            .padding([6, 16])
            .style(container::bordered_box),
        )
        .padding(iced::Padding::ZERO.left(offset))
        .into()
    }

    /// The page and what lies over it, for the simulasi screen log (see `App::update`).
    pub fn stage(&self) -> String {
        let mut said = format!("{:?}", self.page.route());
        if let Some(i) = self.open_menu {
            said.push_str(&format!(" menu {i}"));
        }
        if self.asking_logout {
            said.push_str(" logout?");
        }
        if let Some(step) = self.uploader.dialog_stage() {
            said.push_str(" uploader-");
            said.push_str(step);
        }
        if self.uploader.running() {
            let st = self.uploader.stats();
            said.push_str(&format!(
                " uploader sent={} approved={} rejected={}",
                st.sent, st.approved, st.rejected
            ));
        }
        said
    }

    /// The page the menu bar marks as current.
    fn here(&self) -> Route {
        let r = self.page.route();
        match r {
            // A faktur, and its Ubah or Pengganti form, belong to the list it was opened from.
            Route::Faktur(_) | Route::Ubah(_) | Route::Pengganti(_) => {
                self.back.first().map(Page::route).unwrap_or(r)
            }
            Route::KeluaranMasa { .. } => Route::Administrasi { masukan: false },
            r => r,
        }
    }
}
