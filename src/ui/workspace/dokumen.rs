//! Faktur > Retur Pajak Keluaran / Retur Pajak Masukan > Administrasi Retur, and Dokumen Lain >
//! Pajak Keluaran / Pajak Masukan: the retur (RK/RM) or dokumen lain (DK/DM) of one masa, a page
//! of rows at a time from the Local Database (`store::dokumen_page`), with the masa's count.
//! They come in through Faktur > Impor; this page only shows them.

use chrono::Datelike;
use efaktur::store::dokumen_lain::{self, StoredDokumenLain};
use efaktur::store::dokumen_page::{Cursor, Page, Period};
use efaktur::store::retur::{self, StoredRetur};
use iced::widget::{button, column, container, pick_list, row, text};
use iced::{Element, Length, Task};

use super::page::{Action, Nav};
use super::route::Route;
use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key, Lang};
use crate::ui::service::Failure;
use crate::ui::widget;

/// Rows on one page, as Administrasi Faktur shows.
pub const ROWS: usize = super::administrasi::ROWS;

/// What the page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Retur,
    DokumenLain,
}

/// The rows of one page, as read.
#[derive(Debug, Clone)]
pub enum Rows {
    Retur(Page<StoredRetur>),
    DokumenLain(Page<StoredDokumenLain>),
}

impl Rows {
    fn len(&self) -> usize {
        match self {
            Rows::Retur(p) => p.rows.len(),
            Rows::DokumenLain(p) => p.rows.len(),
        }
    }

    fn total(&self) -> u64 {
        match self {
            Rows::Retur(p) => p.total,
            Rows::DokumenLain(p) => p.total,
        }
    }

    fn has(&self) -> (bool, bool) {
        match self {
            Rows::Retur(p) => (p.has_before, p.has_after),
            Rows::DokumenLain(p) => (p.has_before, p.has_after),
        }
    }

    fn after(&self) -> Option<Cursor> {
        match self {
            Rows::Retur(p) => p.after(retur::position),
            Rows::DokumenLain(p) => p.after(dokumen_lain::position),
        }
    }

    fn before(&self) -> Option<Cursor> {
        match self {
            Rows::Retur(p) => p.before(retur::position),
            Rows::DokumenLain(p) => p.before(dokumen_lain::position),
        }
    }

    /// The document numbers shown, in order.
    #[cfg(test)]
    pub fn nomor(&self) -> Vec<String> {
        match self {
            Rows::Retur(p) => p.rows.iter().map(|r| r.retur.nomor_retur.clone()).collect(),
            Rows::DokumenLain(p) => p.rows.iter().map(|d| d.dokumen.nomor.clone()).collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    /// A page read for request `seq`; older requests' answers are dropped.
    Loaded(u64, Result<Rows, Failure>),
    Masa(u8),
    Tahun(u16),
    /// Awal, Sebelumnya, Berikutnya, Akhir.
    Go(Cursor),
    /// The empty state's way to Faktur > Impor.
    Impor,
    /// Page Up/Down, Home/End turn pages as the buttons do.
    Nav(Nav),
}

pub struct Dokumen {
    kind: Kind,
    period: Period,
    rows: Rows,
    seq: u64,
    loading: bool,
    banner: Option<Failure>,
}

impl Dokumen {
    /// The page of `kind` for keluaran or `masukan`, on the current masa.
    pub fn new(ctx: &Ctx, kind: Kind, masukan: bool) -> (Self, Task<Message>) {
        let today = chrono::Local::now().date_naive();
        Dokumen::at(ctx, kind, masukan, today.year() as u16, today.month() as u8)
    }

    /// The page of `kind` for keluaran or `masukan`, on masa `masa` of `tahun`.
    pub fn at(ctx: &Ctx, kind: Kind, masukan: bool, tahun: u16, masa: u8) -> (Self, Task<Message>) {
        let rows = match kind {
            Kind::Retur => Rows::Retur(Page::default()),
            Kind::DokumenLain => Rows::DokumenLain(Page::default()),
        };
        let mut page = Dokumen {
            kind,
            period: Period {
                masukan,
                masa,
                tahun,
            },
            rows,
            seq: 0,
            loading: false,
            banner: None,
        };
        let task = page.load(ctx, Cursor::First);
        (page, task)
    }

    pub fn route(&self) -> Route {
        let masukan = self.period.masukan;
        match self.kind {
            Kind::Retur => Route::Retur { masukan },
            Kind::DokumenLain => Route::DokumenLain { masukan },
        }
    }

    #[cfg(test)]
    pub fn rows(&self) -> &Rows {
        &self.rows
    }

    fn load(&mut self, ctx: &Ctx, cursor: Cursor) -> Task<Message> {
        let Some(db) = ctx.db() else {
            return Task::none();
        };
        self.seq += 1;
        self.loading = true;
        let (seq, kind, period) = (self.seq, self.kind, self.period);
        Task::perform(
            async move {
                db.run(move |s| match kind {
                    Kind::Retur => retur::page(s.conn(), period, &cursor, ROWS).map(Rows::Retur),
                    Kind::DokumenLain => {
                        dokumen_lain::page(s.conn(), period, &cursor, ROWS).map(Rows::DokumenLain)
                    }
                })
                .await
            },
            move |r| Message::Loaded(seq, r),
        )
    }

    /// Reads the first page again (Esc back here: an import may have added rows).
    pub fn refresh(&mut self, ctx: &Ctx) -> Task<Message> {
        self.load(ctx, Cursor::First)
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action<Message> {
        let task = match message {
            Message::Loaded(seq, _) if seq != self.seq => Task::none(),
            Message::Loaded(_, result) => {
                self.loading = false;
                match result {
                    Ok(rows) => {
                        self.rows = rows;
                        self.banner = None;
                    }
                    Err(f) => self.banner = Some(f),
                }
                Task::none()
            }
            Message::Masa(m) => {
                self.period.masa = m;
                self.load(ctx, Cursor::First)
            }
            Message::Tahun(t) => {
                self.period.tahun = t;
                self.load(ctx, Cursor::First)
            }
            Message::Go(cursor) => self.load(ctx, cursor),
            Message::Nav(nav) => {
                let (before, after) = self.rows.has();
                let to = match nav {
                    Nav::PageDown => self.rows.after(),
                    Nav::PageUp => self.rows.before(),
                    Nav::Home => before.then_some(Cursor::First),
                    Nav::End => after.then_some(Cursor::Last),
                    // No row opens: the list has no page per document.
                    Nav::Up | Nav::Down | Nav::Enter => None,
                };
                match to {
                    Some(c) => self.load(ctx, c),
                    None => Task::none(),
                }
            }
            Message::Impor => return Action::Push(Route::Impor),
        };
        Action::Run(task)
    }

    fn title(&self, ctx: &Ctx) -> String {
        match (self.kind, self.period.masukan) {
            (Kind::Retur, m) => {
                let section = if m {
                    Key::ReturPajakMasukan
                } else {
                    Key::ReturPajakKeluaran
                };
                format!("{} — {}", ctx.t(Key::AdministrasiRetur), ctx.t(section))
            }
            (Kind::DokumenLain, m) => {
                let section = if m {
                    Key::PajakMasukan
                } else {
                    Key::PajakKeluaran
                };
                format!("{} — {}", ctx.t(Key::MenuDokumenLain), ctx.t(section))
            }
        }
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let masa_text = format!("{:02}/{}", self.period.masa, self.period.tahun);
        let mut page = column![text(self.title(ctx)).size(20), self.filters_view(ctx)].spacing(8);
        if let Some(f) = &self.banner {
            page = page.push(widget::failure_in(ctx.lang(), f));
        }
        let empty = self.rows.len() == 0 && !self.loading && self.banner.is_none();
        if empty {
            let key = match self.kind {
                Kind::Retur => Key::ReturKosong,
                Kind::DokumenLain => Key::DokumenLainKosong,
            };
            page = page.push(widget::notice(
                widget::Tone::Info,
                ctx.t(key).replace("{masa}", &masa_text),
            ));
            page = page.push(widget::action(ctx.t(Key::MenuImpor), Message::Impor, true));
            return page.into();
        }
        let count_key = match self.kind {
            Kind::Retur => Key::JumlahRetur,
            Kind::DokumenLain => Key::JumlahDokumenLain,
        };
        let count = ctx
            .t(count_key)
            .replace("{n}", &i18n::rupiah(ctx.lang(), self.rows.total() as i64))
            .replace("{masa}", &masa_text);
        page.push(self.table_view(ctx))
            .push(self.footer_view(ctx, count))
            .into()
    }

    fn filters_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let this_year = chrono::Local::now().year() as u16;
        let mut tahun: Vec<u16> = (this_year.saturating_sub(10)..=this_year + 1)
            .rev()
            .collect();
        if !tahun.contains(&self.period.tahun) {
            tahun.push(self.period.tahun);
        }
        let labelled = |key: Key, e: Element<'a, Message>| -> Element<'a, Message> {
            column![text(ctx.t(key)).size(12), e].spacing(2).into()
        };
        row![
            labelled(
                Key::Masa,
                pick_list(
                    (1..=12u8).collect::<Vec<_>>(),
                    Some(self.period.masa),
                    Message::Masa
                )
                .text_size(13)
                .into()
            ),
            labelled(
                Key::Tahun,
                pick_list(tahun, Some(self.period.tahun), Message::Tahun)
                    .text_size(13)
                    .into()
            ),
        ]
        .spacing(12)
        .into()
    }

    fn table_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let head = |key: Key, width: u16| -> Element<'a, Message> {
            container(text(ctx.t(key)).size(11).wrapping(text::Wrapping::None))
                .width(Length::FillPortion(width))
                .clip(true)
                .into()
        };
        let lang = ctx.lang();
        let mut lines: Vec<Element<'a, Message>> = Vec::new();
        let header = match &self.rows {
            Rows::Retur(p) => {
                lines.extend(p.rows.iter().map(|r| retur_line(r, lang)));
                row![
                    head(Key::NomorRetur, 12),
                    head(Key::TanggalRetur, 8),
                    head(Key::MasaTahun, 7),
                    head(Key::NomorFaktur, 13),
                    head(Key::TanggalFaktur, 8),
                    head(Key::NamaLawan, 14),
                    head(Key::NpwpLawan, 13),
                    head(Key::Dpp, 9),
                    head(Key::Ppn, 8),
                    head(Key::Ppnbm, 6),
                ]
            }
            Rows::DokumenLain(p) => {
                lines.extend(p.rows.iter().map(|d| dokumen_line(d, lang)));
                row![
                    head(Key::NomorDokumen, 12),
                    head(Key::Tanggal, 8),
                    head(Key::MasaTahun, 7),
                    head(Key::JenisDokumen, 8),
                    head(Key::DokumenDiganti, 10),
                    head(Key::NamaLawan, 14),
                    head(Key::NpwpLawan, 13),
                    head(Key::Dpp, 9),
                    head(Key::Ppn, 8),
                    head(Key::Ppnbm, 6),
                    head(Key::Keterangan, 10),
                ]
            }
        };
        let mut table =
            column![container(header.spacing(6).padding([4, 6])).style(container::secondary)];
        for line in lines {
            table = table.push(container(line).padding([2, 6]));
        }
        container(table)
            .style(container::bordered_box)
            .width(Length::Fill)
            .into()
    }

    fn footer_view<'a>(&'a self, ctx: &'a Ctx, count: String) -> Element<'a, Message> {
        let (before, after) = self.rows.has();
        let go = |key: Key, to: Option<Cursor>| {
            button(text(ctx.t(key)).size(13))
                .style(button::text)
                .on_press_maybe(to.map(Message::Go))
        };
        row![
            go(Key::Awal, before.then_some(Cursor::First)),
            go(Key::Sebelumnya, self.rows.before()),
            go(Key::Berikutnya, self.rows.after()),
            go(Key::Akhir, after.then_some(Cursor::Last)),
            widget::fill(),
            text(count).size(12),
        ]
        .spacing(6)
        .align_y(iced::Alignment::Center)
        .into()
    }
}

/// One line per document: a long value is cut, not wrapped, so every row has the same height.
fn cell<'a>(s: String, width: u16) -> container::Container<'a, Message> {
    container(text(s).size(11).wrapping(text::Wrapping::None))
        .width(Length::FillPortion(width))
        .clip(true)
}

fn retur_line<'a>(s: &StoredRetur, lang: Lang) -> Element<'a, Message> {
    let r = &s.retur;
    let amount = |v: i64| i18n::rupiah(lang, v);
    row![
        cell(r.nomor_retur.clone(), 12),
        cell(r.tanggal_retur.format("%d/%m/%Y").to_string(), 8),
        cell(format!("{:02}/{}", r.masa, r.tahun), 7),
        cell(r.nsfp.digits(), 13),
        cell(r.tanggal_faktur.format("%d/%m/%Y").to_string(), 8),
        cell(r.lawan_nama.clone(), 14),
        cell(r.lawan_npwp.digits().to_string(), 13),
        cell(amount(r.nilai.dpp.value()), 9),
        cell(amount(r.nilai.ppn.value()), 8),
        cell(amount(r.nilai.ppnbm.value()), 6),
    ]
    .spacing(6)
    .into()
}

fn dokumen_line<'a>(s: &StoredDokumenLain, lang: Lang) -> Element<'a, Message> {
    let d = &s.dokumen;
    let amount = |v: i64| i18n::rupiah(lang, v);
    // The DJP codes as in the file: their names are not published.
    let jenis = format!(
        "{}/{}/{}",
        d.jenis_transaksi, d.jenis_dokumen, d.kd_jns_transaksi
    );
    let diganti = match d.nomor_ganti.trim() {
        "" | "-" => String::new(),
        n => n.to_string(),
    };
    row![
        cell(d.nomor.clone(), 12),
        cell(d.tanggal.format("%d/%m/%Y").to_string(), 8),
        cell(format!("{:02}/{}", d.masa, d.tahun), 7),
        cell(jenis, 8),
        cell(diganti, 10),
        cell(d.lawan_nama.clone(), 14),
        cell(d.lawan_npwp.digits().to_string(), 13),
        cell(amount(d.totals.dpp.value()), 9),
        cell(amount(d.totals.ppn.value()), 8),
        cell(amount(d.totals.ppnbm.value()), 6),
        cell(d.keterangan.clone(), 10),
    ]
    .spacing(6)
    .into()
}
