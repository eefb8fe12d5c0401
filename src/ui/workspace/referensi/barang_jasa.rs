//! Referensi > Barang/Jasa: items with their price and the Coretax values a faktur line needs
//! (barang or jasa, 6-digit code, unit UM.0001–UM.0039 picked by code and name) — search, add,
//! edit, delete (refused while a faktur line carries the item's code). Read-only for a Perekam.

use std::fmt;

use efaktur::domain::coretax::is_goods_code;
use efaktur::domain::{Amount, CoretaxLine};
use efaktur::store::item::{self, BarangJasa, Entry, Removal};
use efaktur::store::user::UserRow;
use iced::widget::{column, container, operation, pick_list, row, text, text_input};
use iced::{Element, Length, Task};

use super::dialog_body;
use super::listing::Listing;
use super::satuan::Satuan;
use crate::ui::ctx::Ctx;
use crate::ui::i18n::{Key, Lang};
use crate::ui::service::Failure;
use crate::ui::widget;
use crate::ui::workspace::page::Action;

pub const SEARCH_INPUT: &str = "barang-search";
pub const KODE_INPUT: &str = "barang-kode";
pub const NAMA_INPUT: &str = "barang-nama";
pub const HARGA_INPUT: &str = "barang-harga";
pub const CT_KODE_INPUT: &str = "barang-ct-kode";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Kode,
    Nama,
    Harga,
    CtKode,
    Satuan,
}

/// Barang (`A`) or jasa (`B`), shown in the chosen language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Jenis {
    pub jasa: bool,
    lang: Lang,
}

impl Jenis {
    pub fn new(jasa: bool, lang: Lang) -> Jenis {
        Jenis { jasa, lang }
    }
}

impl fmt::Display for Jenis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = if self.jasa { Key::Jasa } else { Key::Barang };
        write!(
            f,
            "{} — {}",
            if self.jasa { "B" } else { "A" },
            crate::ui::i18n::t(self.lang, key)
        )
    }
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
    Jenis(Jenis),
    Satuan(Satuan),
    Save,
    Saved(Result<(), Failure>),
    CloseForm,
    Delete(i64),
    ConfirmDelete,
    Deleted(Result<Removal, Failure>),
}

/// The add/edit form: raw text as typed, checked on Simpan.
#[derive(Debug, Clone)]
pub struct Form {
    /// `None` adds an item.
    pub id: Option<i64>,
    pub kode: String,
    pub nama: String,
    pub harga: String,
    pub jasa: bool,
    pub ct_kode: String,
    pub satuan: Option<Satuan>,
    errors: Vec<(Field, String)>,
}

impl Default for Form {
    fn default() -> Form {
        Form {
            id: None,
            kode: String::new(),
            nama: String::new(),
            harga: String::new(),
            jasa: false,
            // Coretax's "no code" value; most PKP leave it.
            ct_kode: "000000".into(),
            satuan: None,
            errors: Vec::new(),
        }
    }
}

impl Form {
    fn of(e: &Entry) -> Form {
        let b = &e.item;
        let ct = b.coretax.as_ref();
        Form {
            id: Some(e.id),
            kode: b.kode.clone(),
            nama: b.nama.clone(),
            harga: b.harga_satuan.to_string(),
            jasa: ct.is_some_and(|c| c.jasa),
            ct_kode: ct.map_or_else(|| "000000".into(), |c| c.kode.clone()),
            satuan: ct.and_then(|c| Satuan::by_code(&c.satuan)),
            errors: Vec::new(),
        }
    }

    fn error(&self, f: Field) -> Option<&str> {
        self.errors
            .iter()
            .find(|(g, _)| *g == f)
            .map(|(_, e)| e.as_str())
    }

    /// The item to save, or every problem next to its field.
    fn check(&mut self, ctx: &Ctx) -> Option<BarangJasa> {
        self.errors.clear();
        let required = || ctx.t(Key::Required).to_string();
        if self.kode.trim().is_empty() {
            self.errors.push((Field::Kode, required()));
        }
        if self.nama.trim().is_empty() {
            self.errors.push((Field::Nama, required()));
        }
        let harga = match Amount::parse(&self.harga) {
            Ok(a) if a > Amount::ZERO => Some(a),
            _ => {
                self.errors
                    .push((Field::Harga, ctx.t(Key::HargaSalah).to_string()));
                None
            }
        };
        let ct_kode = self.ct_kode.trim();
        if !is_goods_code(ct_kode) {
            self.errors
                .push((Field::CtKode, ctx.t(Key::KodeCoretaxSalah).to_string()));
        }
        if self.satuan.is_none() {
            self.errors.push((Field::Satuan, required()));
        }
        if !self.errors.is_empty() {
            return None;
        }
        let opt = if self.jasa { "B" } else { "A" };
        let coretax = CoretaxLine::new(opt, ct_kode, self.satuan?.code()).ok()?;
        Some(BarangJasa {
            kode: self.kode.trim().to_string(),
            nama: self.nama.trim().to_string(),
            harga_satuan: harga?,
            coretax: Some(coretax),
        })
    }
}

#[derive(Debug, Default)]
pub struct BarangJasaPage {
    list: Listing<Entry>,
    form: Option<Form>,
}

impl BarangJasaPage {
    pub fn new(ctx: &Ctx) -> (Self, Task<Message>) {
        let mut page = BarangJasaPage::default();
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
        self.list.load(ctx, item::search, Message::Loaded)
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
                return Action::Run(operation::focus(KODE_INPUT));
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
                    match field {
                        Field::Kode => f.kode = v,
                        Field::Nama => f.nama = v,
                        Field::Harga => f.harga = v,
                        Field::CtKode => f.ct_kode = v,
                        Field::Satuan => {}
                    }
                    f.errors.retain(|(g, _)| *g != field);
                }
            }
            Message::Jenis(j) => {
                if let Some(f) = &mut self.form {
                    f.jasa = j.jasa;
                }
            }
            Message::Satuan(s) => {
                if let Some(f) = &mut self.form {
                    f.satuan = Some(s);
                    f.errors.retain(|(g, _)| *g != Field::Satuan);
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
        let Some(b) = form.check(ctx) else {
            return Action::None;
        };
        self.list.banner = None;
        let id = form.id;
        self.list.write(
            ctx,
            move |tx, admin| match id {
                Some(id) => item::update(tx, admin, id, &b),
                None => item::add(tx, admin, &b).map(|_| ()),
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
            move |tx, admin| item::delete(tx, admin, id),
            Message::Deleted,
        )
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let admin = self.list.admin();
        let page = self.list.page(
            ctx,
            Key::BarangJasa,
            (SEARCH_INPUT, Key::CariBarang),
            Message::SearchChanged,
            Message::New,
            self.form.is_some(),
            self.table(ctx, admin),
        );
        if let Some(form) = &self.form {
            let title = if form.id.is_some() {
                ctx.t(Key::UbahBarang)
            } else {
                ctx.t(Key::TambahBarang)
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
                .map(|e| e.item.nama.clone())
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
            cell(ctx.t(Key::KodeBarang).into(), 2),
            cell(ctx.t(Key::NamaBarang).into(), 5),
            cell(ctx.t(Key::HargaSatuan).into(), 3),
            cell("Coretax".into(), 4),
        ]
        .spacing(8);
        if admin {
            head = head.push(text("").width(170));
        }
        let mut list = column![container(head).padding(4).style(container::secondary)].spacing(2);
        for e in &self.list.rows {
            let b = &e.item;
            let coretax = b.coretax.as_ref().map_or_else(
                || "-".to_string(),
                |c| format!("{} · {} · {}", c.opt(), c.kode, c.satuan),
            );
            let mut line = row![
                cell(b.kode.clone(), 2),
                cell(b.nama.clone(), 5),
                cell(b.harga_satuan.to_string(), 3),
                cell(coretax, 4),
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
        let lang = ctx.lang();
        let jenis: Vec<Jenis> = [false, true]
            .into_iter()
            .map(|jasa| Jenis::new(jasa, lang))
            .collect();
        let chosen = Jenis::new(form.jasa, lang);
        let mut satuan = column![
            text(ctx.t(Key::Satuan)).size(14),
            pick_list(Satuan::all(), form.satuan, Message::Satuan)
                .placeholder(ctx.t(Key::PilihSatuan))
                .width(Length::Fill),
        ]
        .spacing(4);
        if let Some(e) = form.error(Field::Satuan) {
            satuan = satuan.push(text(e).size(13).style(text::danger));
        }
        column![
            widget::field(
                ctx.t(Key::KodeBarang),
                input(KODE_INPUT, &form.kode, Field::Kode),
                form.error(Field::Kode),
            ),
            widget::field(
                ctx.t(Key::NamaBarang),
                input(NAMA_INPUT, &form.nama, Field::Nama),
                form.error(Field::Nama),
            ),
            widget::field(
                ctx.t(Key::HargaSatuan),
                input(HARGA_INPUT, &form.harga, Field::Harga),
                form.error(Field::Harga),
            ),
            column![
                text(ctx.t(Key::BarangAtauJasa)).size(14),
                pick_list(jenis, Some(chosen), Message::Jenis).width(Length::Fill),
            ]
            .spacing(4),
            widget::field(
                ctx.t(Key::KodeCoretax),
                input(CT_KODE_INPUT, &form.ct_kode, Field::CtKode),
                form.error(Field::CtKode),
            ),
            satuan,
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
