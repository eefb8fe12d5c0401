//! The pages of the workspace: `Page::new` is the one place a [`Route`] becomes a page, and
//! messages reach a page only as a `(page, message)` pair.

use iced::{Element, Task};

use super::exchange::{ekspor, impor};
use super::faktur::form::{self, Form};
use super::referensi::{barang_jasa, lawan_transaksi, nomor_faktur, user};
use super::route::Route;
use super::{administrasi, cadangan, certificate, detail, dokumen, home, tentang};
use crate::ui::ctx::Ctx;
use crate::ui::i18n::Key;

/// What a page hands to the workspace.
pub enum Action<M> {
    None,
    Run(Task<M>),
    /// Go to another page; Esc (or [`Action::Back`]) returns to this one as it was.
    Push(Route),
    Back,
    /// Start afresh on these pages, the last one shown, Esc going back through the others
    /// (after Simpan: the list, then the saved faktur).
    Reset(Vec<Route>),
    /// Close the Local Database and return to Pilih Database (after a restore).
    CloseDatabase,
}

impl<M: Send + 'static> Action<M> {
    pub fn map<N: Send + 'static>(self, f: impl Fn(M) -> N + Send + 'static) -> Action<N> {
        match self {
            Action::None => Action::None,
            Action::Run(t) => Action::Run(t.map(f)),
            Action::Push(r) => Action::Push(r),
            Action::Back => Action::Back,
            Action::Reset(r) => Action::Reset(r),
            Action::CloseDatabase => Action::CloseDatabase,
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
    Home(Box<home::Home>),
    Administrasi(Box<administrasi::Administrasi>),
    Faktur(Box<detail::Detail>),
    Certificate(Box<certificate::Certificate>),
    Tentang(tentang::Tentang),
    // refui:
    LawanTransaksi(Box<lawan_transaksi::LawanTransaksiPage>),
    BarangJasa(Box<barang_jasa::BarangJasaPage>),
    NomorFaktur(Box<nomor_faktur::NomorFaktur>),
    AdministrasiUser(Box<user::Users>),
    Form(Box<Form>),
    Cadangan(Box<cadangan::Cadangan>),
    // impor:
    Impor(Box<impor::Impor>),
    Ekspor(Box<ekspor::Ekspor>),
    // returui:
    Dokumen(Box<dokumen::Dokumen>),
}

#[derive(Debug, Clone)]
pub enum Message {
    Home(home::Message),
    Administrasi(administrasi::Message),
    Faktur(detail::Message),
    Certificate(Box<certificate::Message>),
    Form(Box<form::Message>),
    Cadangan(cadangan::Message),
    // impor:
    Impor(impor::Message),
    Ekspor(ekspor::Message),
    /// Back to the page this one was opened from (the workspace handles it).
    Back,
    // refui:
    LawanTransaksi(lawan_transaksi::Message),
    BarangJasa(barang_jasa::Message),
    NomorFaktur(nomor_faktur::Message),
    AdministrasiUser(user::Message),
    // returui:
    Dokumen(dokumen::Message),
}

fn certificate_message(m: certificate::Message) -> Message {
    Message::Certificate(Box::new(m))
}

fn form_message(m: form::Message) -> Message {
    Message::Form(Box::new(m))
}

impl Page {
    /// What leaving this page now would throw away: the question the workspace asks first.
    pub fn leaving_loses(&self) -> Option<Key> {
        match self {
            Page::Impor(p) if p.is_running() => Some(Key::TinggalkanImpor),
            Page::Ekspor(p) if p.is_running() => Some(Key::TinggalkanEkspor),
            Page::Form(f) if f.unsaved() => Some(Key::TinggalkanRekam),
            _ => None,
        }
    }

    /// Whether `m` is this page's own way out (Rekam Faktur's Kembali and Esc), which asks
    /// first as the menu does when the page would lose work.
    pub fn leaves_with(&self, m: &Message) -> bool {
        matches!(
            (self, m),
            (Page::Form(_), Message::Form(f)) if matches!(**f, form::Message::Back)
        )
    }

    /// Leaving anyway: a running import or export is stopped (the import rolls back, the export
    /// writes no file) rather than finishing unseen; typed fields go with the page.
    pub fn abandon(&self) {
        match self {
            Page::Impor(p) => p.cancel(),
            Page::Ekspor(p) => p.cancel(),
            _ => {}
        }
    }

    pub fn new(route: Route, ctx: &Ctx) -> (Page, Task<Message>) {
        match route {
            Route::Home => {
                let (p, t) = home::Home::new(ctx);
                (Page::Home(Box::new(p)), t.map(Message::Home))
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
            // refui:
            Route::LawanTransaksi => {
                let (p, t) = lawan_transaksi::LawanTransaksiPage::new(ctx);
                (
                    Page::LawanTransaksi(Box::new(p)),
                    t.map(Message::LawanTransaksi),
                )
            }
            Route::BarangJasa => {
                let (p, t) = barang_jasa::BarangJasaPage::new(ctx);
                (Page::BarangJasa(Box::new(p)), t.map(Message::BarangJasa))
            }
            Route::NomorFaktur => {
                let (p, t) = nomor_faktur::NomorFaktur::new(ctx);
                (Page::NomorFaktur(Box::new(p)), t.map(Message::NomorFaktur))
            }
            Route::AdministrasiUser => {
                let (p, t) = user::Users::new(ctx);
                (
                    Page::AdministrasiUser(Box::new(p)),
                    t.map(Message::AdministrasiUser),
                )
            }
            Route::Rekam { masukan } => form_page(Form::new(ctx, masukan, form::Mode::Baru)),
            Route::Ubah(id) => form_page(Form::new(ctx, false, form::Mode::Ubah(id))),
            Route::Pengganti(id) => form_page(Form::new(ctx, false, form::Mode::Pengganti(id))),
            Route::KeluaranMasa { tahun, masa } => {
                let (p, t) = administrasi::Administrasi::for_masa(ctx, tahun, masa);
                (
                    Page::Administrasi(Box::new(p)),
                    t.map(Message::Administrasi),
                )
            }
            Route::Cadangan { restore } => {
                let (p, t) = cadangan::Cadangan::new(restore);
                (Page::Cadangan(Box::new(p)), t.map(Message::Cadangan))
            }
            // impor:
            Route::Impor => {
                let (p, t) = impor::Impor::new(ctx);
                (Page::Impor(Box::new(p)), t.map(Message::Impor))
            }
            Route::Ekspor => {
                let (p, t) = ekspor::Ekspor::new(ctx);
                (Page::Ekspor(Box::new(p)), t.map(Message::Ekspor))
            }
            // returui:
            Route::Retur { masukan } => {
                dokumen_page(dokumen::Dokumen::new(ctx, dokumen::Kind::Retur, masukan))
            }
            Route::DokumenLain { masukan } => dokumen_page(dokumen::Dokumen::new(
                ctx,
                dokumen::Kind::DokumenLain,
                masukan,
            )),
            Route::DokumenMasa {
                dokumen_lain,
                masukan,
                tahun,
                masa,
            } => {
                let kind = if dokumen_lain {
                    dokumen::Kind::DokumenLain
                } else {
                    dokumen::Kind::Retur
                };
                dokumen_page(dokumen::Dokumen::at(ctx, kind, masukan, tahun, masa))
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
            // refui:
            Page::LawanTransaksi(_) => Route::LawanTransaksi,
            Page::BarangJasa(_) => Route::BarangJasa,
            Page::NomorFaktur(_) => Route::NomorFaktur,
            Page::AdministrasiUser(_) => Route::AdministrasiUser,
            Page::Form(p) => p.route(),
            Page::Cadangan(p) => Route::Cadangan {
                restore: p.restore(),
            },
            // impor:
            Page::Impor(_) => Route::Impor,
            Page::Ekspor(_) => Route::Ekspor,
            // returui:
            Page::Dokumen(p) => p.route(),
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
            // refui:
            (Page::LawanTransaksi(p), Message::LawanTransaksi(m)) => {
                p.update(m, ctx).map(Message::LawanTransaksi)
            }
            (Page::BarangJasa(p), Message::BarangJasa(m)) => {
                p.update(m, ctx).map(Message::BarangJasa)
            }
            (Page::NomorFaktur(p), Message::NomorFaktur(m)) => {
                p.update(m, ctx).map(Message::NomorFaktur)
            }
            (Page::AdministrasiUser(p), Message::AdministrasiUser(m)) => {
                p.update(m, ctx).map(Message::AdministrasiUser)
            }
            (Page::Form(p), Message::Form(m)) => p.update(*m, ctx).map(form_message),
            (Page::Cadangan(p), Message::Cadangan(m)) => p.update(m, ctx).map(Message::Cadangan),
            // impor:
            (Page::Impor(p), Message::Impor(m)) => p.update(m, ctx).map(Message::Impor),
            (Page::Ekspor(p), Message::Ekspor(m)) => p.update(m, ctx).map(Message::Ekspor),
            // returui:
            (Page::Dokumen(p), Message::Dokumen(m)) => p.update(m, ctx).map(Message::Dokumen),
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
            // refui:
            Page::LawanTransaksi(p) => p.view(ctx).map(Message::LawanTransaksi),
            Page::BarangJasa(p) => p.view(ctx).map(Message::BarangJasa),
            Page::NomorFaktur(p) => p.view(ctx).map(Message::NomorFaktur),
            Page::AdministrasiUser(p) => p.view(ctx).map(Message::AdministrasiUser),
            Page::Form(p) => p.view(ctx).map(form_message),
            Page::Cadangan(p) => p.view(ctx).map(Message::Cadangan),
            // impor:
            Page::Impor(p) => p.view(ctx).map(Message::Impor),
            Page::Ekspor(p) => p.view(ctx).map(Message::Ekspor),
            // returui:
            Page::Dokumen(p) => p.view(ctx).map(Message::Dokumen),
        }
    }

    /// Reads the page's data again where it shows faktur (the uploader wrote answers); the
    /// position and selection stay.
    pub fn refresh(&mut self, ctx: &Ctx) -> Task<Message> {
        match self {
            Page::Home(_) => home::Home::new(ctx).1.map(Message::Home),
            Page::Administrasi(p) => p.refresh(ctx).map(Message::Administrasi),
            Page::Faktur(p) => detail::Detail::new(ctx, p.id()).1.map(Message::Faktur),
            _ => Task::none(),
        }
    }

    /// What Esc does on this page, `None` when it only goes back.
    pub fn on_escape(&self) -> Option<Message> {
        match self {
            Page::Certificate(p) => p.on_escape().map(certificate_message),
            // refui:
            Page::LawanTransaksi(p) => p.on_escape().map(Message::LawanTransaksi),
            Page::BarangJasa(p) => p.on_escape().map(Message::BarangJasa),
            Page::NomorFaktur(p) => p.on_escape().map(Message::NomorFaktur),
            Page::Form(p) => p.on_escape().map(form_message),
            Page::Administrasi(p) => p.on_escape().map(Message::Administrasi),
            Page::Faktur(p) => p.on_escape().map(Message::Faktur),
            Page::Cadangan(p) => p.on_escape().map(Message::Cadangan),
            // impor:
            Page::Impor(p) => p.on_escape().map(Message::Impor),
            Page::Ekspor(p) => p.on_escape().map(Message::Ekspor),
            _ => None,
        }
    }

    /// What a page does when Esc brings it back: a list reads its rows again, as a faktur may
    /// have changed meanwhile.
    pub fn on_reveal(&mut self, ctx: &Ctx) -> Task<Message> {
        match self {
            Page::Administrasi(p) => p.refresh(ctx).map(Message::Administrasi),
            // returui:
            Page::Dokumen(p) => p.refresh(ctx).map(Message::Dokumen),
            _ => Task::none(),
        }
    }

    /// The message for a keyboard move, on pages with a list.
    pub fn on_nav(&self, nav: Nav) -> Option<Message> {
        match self {
            Page::Administrasi(_) => Some(Message::Administrasi(administrasi::Message::Nav(nav))),
            // returui:
            Page::Dokumen(_) => Some(Message::Dokumen(dokumen::Message::Nav(nav))),
            _ => None,
        }
    }
}

fn form_page((p, t): (Form, Task<form::Message>)) -> (Page, Task<Message>) {
    (Page::Form(Box::new(p)), t.map(form_message))
}

fn dokumen_page((p, t): (dokumen::Dokumen, Task<dokumen::Message>)) -> (Page, Task<Message>) {
    (Page::Dokumen(Box::new(p)), t.map(Message::Dokumen))
}
