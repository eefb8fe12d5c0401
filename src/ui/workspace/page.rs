//! The pages of the workspace: `Page::new` is the one place a [`Route`] becomes a page, and
//! messages reach a page only as a `(page, message)` pair.

use iced::{Element, Task};

use super::exchange::{ekspor, impor};
use super::route::Route;
use super::{administrasi, certificate, detail, home, tentang};
use crate::ui::ctx::Ctx;

/// What a page hands to the workspace.
pub enum Action<M> {
    None,
    Run(Task<M>),
    /// Go to another page; Esc (or [`Action::Back`]) returns to this one as it was.
    Push(Route),
    Back,
}

impl<M: Send + 'static> Action<M> {
    pub fn map<N: Send + 'static>(self, f: impl Fn(M) -> N + Send + 'static) -> Action<N> {
        match self {
            Action::None => Action::None,
            Action::Run(t) => Action::Run(t.map(f)),
            Action::Push(r) => Action::Push(r),
            Action::Back => Action::Back,
        }
    }
}

/// A keyboard move in a list (arrows, Page Up/Down, Home/End, Enter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
}

pub enum Page {
    Home(home::Home),
    Administrasi(Box<administrasi::Administrasi>),
    Faktur(Box<detail::Detail>),
    Certificate(Box<certificate::Certificate>),
    Tentang(tentang::Tentang),
    // impor:
    Impor(Box<impor::Impor>),
    Ekspor(Box<ekspor::Ekspor>),
}

#[derive(Debug, Clone)]
pub enum Message {
    Home(home::Message),
    Administrasi(administrasi::Message),
    Faktur(detail::Message),
    Certificate(Box<certificate::Message>),
    // impor:
    Impor(impor::Message),
    Ekspor(ekspor::Message),
    /// Back to the page this one was opened from (the workspace handles it).
    Back,
}

fn certificate_message(m: certificate::Message) -> Message {
    Message::Certificate(Box::new(m))
}

impl Page {
    pub fn new(route: Route, ctx: &Ctx) -> (Page, Task<Message>) {
        match route {
            Route::Home => {
                let (p, t) = home::Home::new(ctx);
                (Page::Home(p), t.map(Message::Home))
            }
            Route::Administrasi { masukan } => {
                let (p, t) = administrasi::Administrasi::new(ctx, masukan);
                (
                    Page::Administrasi(Box::new(p)),
                    t.map(Message::Administrasi),
                )
            }
            Route::Faktur(id) => {
                let (p, t) = detail::Detail::new(ctx, id);
                (Page::Faktur(Box::new(p)), t.map(Message::Faktur))
            }
            Route::Certificate => {
                let (p, t) = certificate::Certificate::new(ctx);
                (Page::Certificate(Box::new(p)), t.map(certificate_message))
            }
            Route::Tentang => (Page::Tentang(tentang::Tentang), Task::none()),
            // impor:
            Route::Impor => {
                let (p, t) = impor::Impor::new(ctx);
                (Page::Impor(Box::new(p)), t.map(Message::Impor))
            }
            Route::Ekspor => {
                let (p, t) = ekspor::Ekspor::new(ctx);
                (Page::Ekspor(Box::new(p)), t.map(Message::Ekspor))
            }
        }
    }

    pub fn route(&self) -> Route {
        match self {
            Page::Home(_) => Route::Home,
            Page::Administrasi(p) => Route::Administrasi {
                masukan: p.masukan(),
            },
            Page::Faktur(p) => Route::Faktur(p.id()),
            Page::Certificate(_) => Route::Certificate,
            Page::Tentang(_) => Route::Tentang,
            // impor:
            Page::Impor(_) => Route::Impor,
            Page::Ekspor(_) => Route::Ekspor,
        }
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action<Message> {
        match (self, message) {
            (Page::Home(p), Message::Home(m)) => p.update(m, ctx).map(Message::Home),
            (Page::Administrasi(p), Message::Administrasi(m)) => {
                p.update(m, ctx).map(Message::Administrasi)
            }
            (Page::Faktur(p), Message::Faktur(m)) => p.update(m, ctx).map(Message::Faktur),
            (Page::Certificate(p), Message::Certificate(m)) => {
                Action::Run(p.update(*m, ctx).map(certificate_message))
            }
            // impor:
            (Page::Impor(p), Message::Impor(m)) => p.update(m, ctx).map(Message::Impor),
            (Page::Ekspor(p), Message::Ekspor(m)) => p.update(m, ctx).map(Message::Ekspor),
            // A late answer for a page that is gone.
            _ => Action::None,
        }
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        match self {
            Page::Home(p) => p.view(ctx).map(Message::Home),
            Page::Administrasi(p) => p.view(ctx).map(Message::Administrasi),
            Page::Faktur(p) => p.view(ctx).map(Message::Faktur),
            Page::Certificate(p) => p.view(ctx).map(certificate_message),
            Page::Tentang(p) => p.view(ctx),
            // impor:
            Page::Impor(p) => p.view(ctx).map(Message::Impor),
            Page::Ekspor(p) => p.view(ctx).map(Message::Ekspor),
        }
    }

    /// What Esc does on this page, `None` when it only goes back.
    pub fn on_escape(&self) -> Option<Message> {
        match self {
            Page::Certificate(p) => p.on_escape().map(certificate_message),
            // impor:
            Page::Impor(p) => p.on_escape().map(Message::Impor),
            Page::Ekspor(p) => p.on_escape().map(Message::Ekspor),
            _ => None,
        }
    }

    /// The message for a keyboard move, on pages with a list.
    pub fn on_nav(&self, nav: Nav) -> Option<Message> {
        match self {
            Page::Administrasi(_) => Some(Message::Administrasi(administrasi::Message::Nav(nav))),
            _ => None,
        }
    }
}
