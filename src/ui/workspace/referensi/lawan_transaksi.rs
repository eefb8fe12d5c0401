//! Referensi > Lawan Transaksi: the buyers and sellers faktur are written to — search, add,
//! edit, delete (refused while a faktur names the entry). Read-only for a Perekam.

use efaktur::domain::{Npwp, Said};
use efaktur::store::party::{self, Entry, LawanTransaksi, Removal};
use efaktur::store::user::UserRow;
use iced::widget::{column, container, operation, row, text, text_input};
use iced::{Element, Length, Task};

use super::dialog_body;
use super::listing::Listing;
use crate::ui::ctx::Ctx;
use crate::ui::i18n::{Key, errors};
use crate::ui::service::Failure;
use crate::ui::widget;
use crate::ui::workspace::page::Action;

pub const SEARCH_INPUT: &str = "lawan-search";
pub const NPWP_INPUT: &str = "lawan-npwp";
pub const NIK_INPUT: &str = "lawan-nik";
pub const NAMA_INPUT: &str = "lawan-nama";
pub const ALAMAT_INPUT: &str = "lawan-alamat";
pub const TELEPON_INPUT: &str = "lawan-telepon";

/// The "no NPWP" value of a buyer known by NIK or name.
const NO_NPWP: &str = "000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Npwp,
    Nik,
    Nama,
    Alamat,
    Telepon,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The list read for request `seq`; answers to older requests (earlier keystrokes) are
    /// dropped.
    Loaded(u64, Result<(Option<UserRow>, Vec<Entry>), Failure>),
    SearchChanged(String),
    New,
    Edit(i64),
    Input(Field, String),
    Save,
    Saved(Result<(), Failure>),
    CloseForm,
    Delete(i64),
    ConfirmDelete,
    Deleted(Result<Removal, Failure>),
}

/// The add/edit form: raw text as typed, checked on Simpan.
#[derive(Debug, Default, Clone)]
pub struct Form {
    /// `None` adds an entry.
    pub id: Option<i64>,
    pub npwp: String,
    pub nik: String,
    pub nama: String,
    pub alamat: String,
    pub telepon: String,
    /// Kept from the entry: fields this form does not show.
    rest: LawanTransaksi,
    errors: Vec<(Field, String)>,
}

impl Form {
    fn of(e: &Entry) -> Form {
        let p = &e.party;
        Form {
            id: Some(e.id),
            npwp: p.npwp.clone(),
            nik: p.nik.clone().unwrap_or_default(),
            nama: p.nama.clone(),
            alamat: p.alamat.clone(),
            telepon: p.telepon.clone(),
            rest: p.clone(),
            errors: Vec::new(),
        }
    }

    fn error(&self, f: Field) -> Option<&str> {
        self.errors
            .iter()
            .find(|(g, _)| *g == f)
            .map(|(_, e)| e.as_str())
    }

    /// The entry to save, or every problem next to its field.
    fn check(&mut self, ctx: &Ctx) -> Option<LawanTransaksi> {
        self.errors.clear();
        let npwp_typed = self.npwp.trim();
        let npwp = if npwp_typed.is_empty()
            || npwp_typed.chars().all(|c| !c.is_ascii_digit() || c == '0')
        {
            Some(NO_NPWP.to_string())
        } else {
            match Npwp::parse(npwp_typed) {
                Ok(n) => Some(n.digits().to_string()),
                Err(e) => {
                    let why = Said::from(e);
                    let why = errors::said(ctx.lang(), &why);
                    self.errors
                        .push((Field::Npwp, format!("ETAX-20005 : {why}")));
                    None
                }
            }
        };
        let nik: String = self.nik.chars().filter(char::is_ascii_digit).collect();
        if !self.nik.trim().is_empty() && nik.len() != 16 {
            self.errors
                .push((Field::Nik, ctx.t(Key::NikSalah).to_string()));
        }
        if self.nama.trim().is_empty() {
            self.errors
                .push((Field::Nama, ctx.t(Key::Required).to_string()));
        }
        if self.alamat.trim().is_empty() {
            self.errors
                .push((Field::Alamat, ctx.t(Key::Required).to_string()));
        }
        let npwp = npwp?;
        if !self.errors.is_empty() {
            return None;
        }
        Some(LawanTransaksi {
            npwp,
            nik: (!nik.is_empty()).then_some(nik),
            nama: self.nama.trim().to_string(),
            alamat: self.alamat.trim().to_string(),
            telepon: self.telepon.trim().to_string(),
            ..self.rest.clone()
        })
    }
}

#[derive(Debug, Default)]
pub struct LawanTransaksiPage {
    list: Listing<Entry>,
    form: Option<Form>,
}

impl LawanTransaksiPage {
    pub fn new(ctx: &Ctx) -> (Self, Task<Message>) {
        let mut page = LawanTransaksiPage::default();
        let load = page.load(ctx);
        (page, Task::batch([load, operation::focus(SEARCH_INPUT)]))
    }

    #[cfg(test)]
    pub fn rows(&self) -> &[Entry] {
        &self.list.rows
    }

    #[cfg(test)]
    pub fn banner(&self) -> Option<&Failure> {
        self.list.banner.as_ref()
    }

    fn load(&mut self, ctx: &Ctx) -> Task<Message> {
        self.list.load(ctx, party::search, Message::Loaded)
    }

    pub fn on_escape(&self) -> Option<Message> {
        (self.form.is_some() || self.list.deleting.is_some()).then_some(Message::CloseForm)
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action<Message> {
        match message {
            Message::Loaded(seq, r) => self.list.loaded(seq, r),
            Message::SearchChanged(s) => {
                self.list.search = s;
                return Action::Run(self.load(ctx));
            }
            Message::New | Message::Edit(_) if !self.list.admin() => {}
            Message::New => {
                self.form = Some(Form::default());
                self.list.success = None;
                return Action::Run(operation::focus(NPWP_INPUT));
            }
            Message::Edit(id) => {
                if let Some(e) = self.list.rows.iter().find(|e| e.id == id) {
                    self.form = Some(Form::of(e));
                    self.list.success = None;
                    return Action::Run(operation::focus(NAMA_INPUT));
                }
            }
            Message::Input(field, v) => {
                if let Some(f) = &mut self.form {
                    let slot = match field {
                        Field::Npwp => &mut f.npwp,
                        Field::Nik => &mut f.nik,
                        Field::Nama => &mut f.nama,
                        Field::Alamat => &mut f.alamat,
                        Field::Telepon => &mut f.telepon,
                    };
                    *slot = v;
                    f.errors.retain(|(g, _)| *g != field);
                }
            }
            Message::Save => return self.save(ctx),
            Message::Saved(r) => {
                if self.list.saved(r) {
                    self.form = None;
                    return Action::Run(self.load(ctx));
                }
            }
            Message::CloseForm => {
                self.form = None;
                self.list.deleting = None;
            }
            Message::Delete(id) => self.list.ask_delete(id),
            Message::ConfirmDelete => return self.delete(ctx),
            Message::Deleted(r) => {
                if self.list.deleted(ctx, r) {
                    return Action::Run(self.load(ctx));
                }
            }
        }
        Action::None
    }

    fn save(&mut self, ctx: &Ctx) -> Action<Message> {
        let Some(form) = self.form.as_mut() else {
            return Action::None;
        };
        if ctx.db().is_none() || self.list.busy {
            return Action::None;
        }
        let Some(p) = form.check(ctx) else {
            return Action::None;
        };
        self.list.banner = None;
        let id = form.id;
        self.list.write(
            ctx,
            move |tx, admin| match id {
                Some(id) => party::update(tx, admin, id, &p),
                None => party::add(tx, admin, &p).map(|_| ()),
            },
            Message::Saved,
        )
    }

    fn delete(&mut self, ctx: &Ctx) -> Action<Message> {
        if ctx.db().is_none() {
            return Action::None;
        }
        let Some(id) = self.list.deleting.take() else {
            return Action::None;
        };
        self.list.write(
            ctx,
            move |tx, admin| party::delete(tx, admin, id),
            Message::Deleted,
        )
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let admin = self.list.admin();
        let page = self.list.page(
            ctx,
            Key::LawanTransaksi,
            (SEARCH_INPUT, Key::CariLawan),
            Message::SearchChanged,
            Message::New,
            self.form.is_some(),
            self.table(ctx, admin),
        );
        if let Some(form) = &self.form {
            let title = if form.id.is_some() {
                ctx.t(Key::UbahLawan)
            } else {
                ctx.t(Key::TambahLawan)
            };
            let body = dialog_body(
                ctx.lang(),
                self.list.banner.as_ref(),
                self.form_view(ctx, form),
            );
            return widget::dialog(page, title, body);
        }
        let name = |id| {
            self.list
                .rows
                .iter()
                .find(|e: &&Entry| e.id == id)
                .map(|e| e.party.nama.clone())
        };
        self.list.with_delete_dialog(
            ctx,
            page,
            name,
            (Message::ConfirmDelete, Message::CloseForm),
        )
    }

    fn table<'a>(&'a self, ctx: &'a Ctx, admin: bool) -> Element<'a, Message> {
        if self.list.loaded && self.list.rows.is_empty() {
            return text(ctx.t(Key::BelumAdaData)).into();
        }
        let cell = |s: String, w: u16| text(s).size(14).width(Length::FillPortion(w));
        let mut head = row![
            cell(ctx.t(Key::Npwp).into(), 3),
            cell("NIK".into(), 3),
            cell(ctx.t(Key::NamaLawan).into(), 4),
            cell(ctx.t(Key::Alamat).into(), 5),
        ]
        .spacing(8);
        if admin {
            head = head.push(text("").width(170));
        }
        let mut list = column![container(head).padding(4).style(container::secondary)].spacing(2);
        for e in &self.list.rows {
            let p = &e.party;
            let npwp = Npwp::parse(&p.npwp)
                .map(|n| n.to_string())
                .unwrap_or_else(|_| p.npwp.clone());
            let mut line = row![
                cell(npwp, 3),
                cell(p.nik.clone().unwrap_or_default(), 3),
                cell(p.nama.clone(), 4),
                cell(p.alamat.clone(), 5),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center);
            if admin {
                line = line.push(self.list.row_actions(
                    ctx,
                    Message::Edit(e.id),
                    Message::Delete(e.id),
                ));
            }
            list = list.push(container(line).padding(4));
        }
        list.into()
    }

    fn form_view<'a>(&'a self, ctx: &'a Ctx, form: &'a Form) -> Element<'a, Message> {
        let input = |id: &'static str, value: &'a str, field: Field| {
            text_input("", value)
                .id(id)
                .on_input(move |v| Message::Input(field, v))
                .on_submit(Message::Save)
        };
        column![
            widget::field(
                ctx.t(Key::NpwpAtauKosong),
                input(NPWP_INPUT, &form.npwp, Field::Npwp),
                form.error(Field::Npwp),
            ),
            widget::field(
                "NIK",
                input(NIK_INPUT, &form.nik, Field::Nik),
                form.error(Field::Nik),
            ),
            widget::field(
                ctx.t(Key::NamaLawan),
                input(NAMA_INPUT, &form.nama, Field::Nama),
                form.error(Field::Nama),
            ),
            widget::field(
                ctx.t(Key::Alamat),
                input(ALAMAT_INPUT, &form.alamat, Field::Alamat),
                form.error(Field::Alamat),
            ),
            widget::field(
                ctx.t(Key::Telepon),
                input(TELEPON_INPUT, &form.telepon, Field::Telepon),
                form.error(Field::Telepon),
            ),
            row![
                widget::action(ctx.t(Key::Simpan), Message::Save, !self.list.busy),
                widget::action(ctx.t(Key::Cancel), Message::CloseForm, !self.list.busy),
            ]
            .spacing(8),
        ]
        .spacing(10)
        .into()
    }
}
