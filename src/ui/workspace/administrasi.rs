//! Faktur > Pajak Keluaran / Pajak Masukan > Administrasi Faktur: the faktur list, one page of
//! rows at a time from the Local Database (`store::faktur_list`), filtered by masa/tahun and
//! status, searched as you type, sorted by a column; the keyboard moves the selection and Enter
//! opens the faktur.

use std::fmt;

use chrono::Datelike;
use efaktur::store::faktur_list::{
    self, AdminStatus, Cursor, ListQuery, ListRow, Page, Search, SearchField, SortKey,
};
use iced::widget::{button, column, container, operation, pick_list, row, text, text_input};
use iced::{Element, Length, Task};

use super::cetak;
use super::page::{Action, Nav};
use super::route::Route;
use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key, Lang};
use crate::ui::service::Failure;
use crate::ui::widget;

/// Rows on one page: what fits the window without scrolling.
pub const ROWS: usize = 15;
pub const SEARCH_INPUT: &str = "administrasi-search";

/// Which row to select once a page arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    First,
    Last,
    /// The same position as before, as Page Up/Down keep it.
    Keep(usize),
}

#[derive(Debug, Clone)]
pub enum Message {
    /// A page read for request `seq`; older requests' answers are dropped.
    Loaded(u64, Cursor, Select, Result<Page, Failure>),
    SearchChanged(String),
    SearchField(Choice<SearchField>),
    Masa(Choice<u8>),
    Tahun(Choice<u16>),
    Status(Choice<AdminStatus>),
    Sort(SortKey),
    Select(usize),
    Open,
    Nav(Nav),
    OpenCetak,
    Cetak(cetak::Message),
}

/// An option of a pick list: `None` is "Semua".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice<T> {
    pub value: Option<T>,
    label: String,
}

impl<T> fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl<T> Choice<T> {
    pub fn new(value: Option<T>, label: impl Into<String>) -> Self {
        Choice {
            value,
            label: label.into(),
        }
    }
}

pub struct Administrasi {
    query: ListQuery,
    search: Search,
    masa: Option<u8>,
    tahun: u16,
    page: Page,
    /// The cursor `page` was read with, to read it again after a change.
    cursor: Cursor,
    selected: Option<usize>,
    /// Number of the newest request; answers of older ones are stale.
    seq: u64,
    loading: bool,
    banner: Option<Failure>,
    /// The Cetak dialog, while open.
    cetak: Option<cetak::Cetak>,
}

impl Administrasi {
    pub fn new(ctx: &Ctx, masukan: bool) -> (Self, Task<Message>) {
        Self::with_masa(ctx, masukan, None)
    }

    /// Pajak Keluaran of one masa: where Beranda's deadline marks lead.
    pub fn for_masa(ctx: &Ctx, tahun: u16, masa: u8) -> (Self, Task<Message>) {
        Self::with_masa(ctx, false, Some((tahun, masa)))
    }

    fn with_masa(ctx: &Ctx, masukan: bool, period: Option<(u16, u8)>) -> (Self, Task<Message>) {
        let mut page = Administrasi {
            query: ListQuery {
                masukan,
                ..ListQuery::default()
            },
            search: Search::default(),
            masa: None,
            tahun: chrono::Local::now().year() as u16,
            page: Page::default(),
            cursor: Cursor::First,
            selected: None,
            seq: 0,
            loading: false,
            banner: None,
            cetak: None,
        };
        if let Some((tahun, masa)) = period {
            page.tahun = tahun;
            page.masa = Some(masa);
            page.query.period = period;
        }
        let load = page.load(ctx, Cursor::First, Select::First);
        (page, Task::batch([load, operation::focus(SEARCH_INPUT)]))
    }

    pub fn masukan(&self) -> bool {
        self.query.masukan
    }

    #[cfg(test)]
    pub fn rows(&self) -> &[ListRow] {
        &self.page.rows
    }

    pub fn selected(&self) -> Option<&ListRow> {
        self.selected.and_then(|i| self.page.rows.get(i))
    }

    #[cfg(test)]
    pub fn query(&self) -> &ListQuery {
        &self.query
    }

    fn load(&mut self, ctx: &Ctx, cursor: Cursor, select: Select) -> Task<Message> {
        let Some(db) = ctx.db() else {
            return Task::none();
        };
        self.seq += 1;
        self.loading = true;
        let seq = self.seq;
        let q = self.query.clone();
        let c = cursor.clone();
        Task::perform(
            async move {
                db.run(move |s| faktur_list::page(s.conn(), &q, &c, ROWS))
                    .await
            },
            move |r| Message::Loaded(seq, cursor.clone(), select, r),
        )
    }

    /// The same page read again (its rows changed underneath: Esc back from a faktur, an
    /// uploader's answers), the same row selected.
    pub fn refresh(&mut self, ctx: &Ctx) -> Task<Message> {
        let keep = Select::Keep(self.selected.unwrap_or(0));
        self.load(ctx, self.cursor.clone(), keep)
    }

    /// The filter or search changed: back to the first page.
    fn requery(&mut self, ctx: &Ctx) -> Task<Message> {
        self.query.period = self.masa.map(|m| (self.tahun, m));
        // Only tanggal orders every masa; another column's order ends with the masa filter.
        if self.query.period.is_none() && self.query.sort.needs_masa() {
            self.query.sort = SortKey::Tanggal;
            self.query.descending = false;
        }
        self.query.search = Some(self.search.clone()).filter(|s| !s.text.trim().is_empty());
        self.load(ctx, Cursor::First, Select::First)
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action<Message> {
        let task = match message {
            Message::Loaded(seq, cursor, select, result) => {
                let backwards = matches!(cursor, Cursor::Before(_));
                self.loaded(seq, cursor, select, result);
                // Paging back onto the start can give a short page: show the full first page,
                // with the same row selected.
                let short = self.page.rows.len() < ROWS && !self.page.has_before;
                if seq == self.seq && backwards && short && self.page.has_after {
                    let keep = Select::Keep(self.selected.unwrap_or(0));
                    self.load(ctx, Cursor::First, keep)
                } else {
                    Task::none()
                }
            }
            Message::SearchChanged(text) => {
                self.search.text = text;
                self.requery(ctx)
            }
            Message::SearchField(c) => {
                self.search.field = c.value.unwrap_or_default();
                self.requery(ctx)
            }
            Message::Masa(c) => {
                self.masa = c.value;
                self.requery(ctx)
            }
            Message::Tahun(c) => {
                self.tahun = c.value.unwrap_or(self.tahun);
                self.requery(ctx)
            }
            Message::Status(c) => {
                self.query.status = c.value;
                self.requery(ctx)
            }
            // No index sorts every masa by this column: its header is not a button then.
            Message::Sort(key) if key.needs_masa() && self.query.period.is_none() => Task::none(),
            Message::Sort(key) => {
                // A second click on the sorted column turns the order round.
                if self.query.effective_sort() == key {
                    self.query.descending = !self.query.descending;
                } else {
                    self.query.sort = key;
                    self.query.descending = false;
                    // Sorting by another column ends a search, which sorts by its own column.
                    if self.query.search.is_some() {
                        self.search.text.clear();
                    }
                }
                self.requery(ctx)
            }
            // A click on the selected row opens it, as a double click would.
            Message::Select(i) if self.selected == Some(i) => {
                return self.update(Message::Open, ctx);
            }
            Message::Select(i) => {
                self.selected = (i < self.page.rows.len()).then_some(i);
                Task::none()
            }
            Message::Open => {
                return match self.selected() {
                    Some(r) => Action::Push(Route::Faktur(r.id)),
                    None => Action::None,
                };
            }
            // The list stays still under the Cetak dialog.
            Message::Nav(_) if self.cetak.is_some() => Task::none(),
            Message::Nav(nav) => return self.nav(nav, ctx),
            Message::OpenCetak => {
                self.cetak = Some(cetak::Cetak::new(ctx, self.cetak_scopes(ctx)));
                Task::none()
            }
            Message::Cetak(m) => match &mut self.cetak {
                Some(c) => {
                    let (task, close) = c.update(m, ctx);
                    if close {
                        self.cetak = None;
                    }
                    task.map(Message::Cetak)
                }
                None => Task::none(),
            },
        };
        Action::Run(task)
    }

    /// Esc closes the Cetak dialog.
    pub fn on_escape(&self) -> Option<Message> {
        self.cetak
            .as_ref()
            .map(|_| Message::Cetak(cetak::Message::Close))
    }

    /// What Cetak offers: the selected faktur, and every faktur of the list's masa and status
    /// (not after Diganti/Batal, which the print selection cannot name).
    fn cetak_scopes(&self, ctx: &Ctx) -> Vec<cetak::Scope> {
        let mut scopes = Vec::new();
        if let Some(r) = self.selected() {
            scopes.push(cetak::Scope {
                label: ctx.t(Key::CetakTerpilih).replace("{nomor}", &r.nomor),
                selection: cetak::SelectionOf::Ids(vec![r.id]),
            });
        }
        let approval = self
            .query
            .status
            .map(|s| efaktur::domain::ApprovalStatus::from_key(s.key()));
        if approval != Some(None) {
            scopes.push(cetak::Scope {
                label: ctx.t(Key::CetakSesuaiFilter).to_string(),
                selection: cetak::SelectionOf::Filter(efaktur::store::faktur::Filter {
                    masukan: Some(self.query.masukan),
                    masa: self.query.period.map(|(_, m)| m),
                    tahun: self.query.period.map(|(t, _)| t),
                    approval: approval.flatten(),
                }),
            });
        }
        scopes
    }

    #[cfg(test)]
    pub fn cetak(&self) -> Option<&cetak::Cetak> {
        self.cetak.as_ref()
    }

    fn loaded(&mut self, seq: u64, cursor: Cursor, select: Select, result: Result<Page, Failure>) {
        if seq != self.seq {
            return;
        }
        self.loading = false;
        match result {
            Ok(page) => {
                self.banner = None;
                let last = page.rows.len().checked_sub(1);
                self.selected = match select {
                    Select::First => last.map(|_| 0),
                    Select::Last => last,
                    Select::Keep(i) => last.map(|l| i.min(l)),
                };
                self.page = page;
                self.cursor = cursor;
            }
            Err(f) => self.banner = Some(f),
        }
    }

    fn nav(&mut self, nav: Nav, ctx: &Ctx) -> Action<Message> {
        let rows = self.page.rows.len();
        let at = self.selected;
        // A bounded scan goes on from where it stopped, not from its last hit.
        let (after, before) = (self.page.after(), self.page.before());
        let task = match nav {
            Nav::Enter => return self.update(Message::Open, ctx),
            Nav::Down => match at {
                Some(i) if i + 1 < rows => {
                    self.selected = Some(i + 1);
                    None
                }
                None if rows > 0 => {
                    self.selected = Some(0);
                    None
                }
                _ => after.map(|c| (c, Select::First)),
            },
            Nav::Up => match at {
                Some(i) if i > 0 => {
                    self.selected = Some(i - 1);
                    None
                }
                _ => before.map(|c| (c, Select::Last)),
            },
            Nav::PageDown => match after {
                Some(c) => Some((c, Select::Keep(at.unwrap_or(0)))),
                None => {
                    self.selected = rows.checked_sub(1);
                    None
                }
            },
            Nav::PageUp => match before {
                Some(c) => Some((c, Select::Keep(at.unwrap_or(0)))),
                None => {
                    self.selected = (rows > 0).then_some(0);
                    None
                }
            },
            Nav::Home => Some((Cursor::First, Select::First)),
            Nav::End => Some((Cursor::Last, Select::Last)),
        };
        match task {
            Some((cursor, select)) => Action::Run(self.load(ctx, cursor, select)),
            None => Action::None,
        }
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let section = if self.query.masukan {
            Key::PajakMasukan
        } else {
            Key::PajakKeluaran
        };
        let title = text(format!(
            "{} — {}",
            ctx.t(Key::AdministrasiFaktur),
            ctx.t(section)
        ))
        .size(20);
        let mut page = column![title, self.filters_view(ctx)].spacing(8);
        if self.query.period.is_none() {
            page = page.push(text(ctx.t(Key::UrutanTanpaMasa)).size(12));
        }
        if let Some(f) = &self.banner {
            page = page.push(widget::failure_in(ctx.lang(), f));
        }
        if self.page.bounded {
            let n = i18n::rupiah(ctx.lang(), faktur_list::SCAN_LIMIT as i64);
            let message = ctx.t(Key::PersempitPencarian).replace("{n}", &n);
            page = page.push(widget::notice(widget::Tone::Info, message));
        }
        let page: Element<'a, Message> = page
            .push(self.table_view(ctx))
            .push(self.footer_view(ctx))
            .into();
        match &self.cetak {
            Some(c) => widget::dialog(page, ctx.t(Key::Cetak), c.view(ctx).map(Message::Cetak)),
            None => page,
        }
    }

    fn filters_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let all = ctx.t(Key::Semua);
        let fields: Vec<Choice<SearchField>> = SearchField::ALL
            .into_iter()
            .map(|f| Choice::new(Some(f), ctx.t(search_label(f))))
            .collect();
        let field = Choice::new(
            Some(self.search.field),
            ctx.t(search_label(self.search.field)),
        );
        let mut masa = vec![Choice::new(None, all)];
        masa.extend((1..=12u8).map(|m| Choice::new(Some(m), format!("{m:02}"))));
        let masa_now = match self.masa {
            Some(m) => Choice::new(Some(m), format!("{m:02}")),
            None => Choice::new(None, all),
        };
        let this_year = chrono::Local::now().year() as u16;
        let tahun: Vec<Choice<u16>> = (this_year.saturating_sub(5)..=this_year + 1)
            .rev()
            .map(|t| Choice::new(Some(t), t.to_string()))
            .collect();
        let mut status = vec![Choice::new(None, all)];
        status.extend(
            AdminStatus::ALL
                .into_iter()
                .map(|s| Choice::new(Some(s), s.label())),
        );
        let status_now = match self.query.status {
            Some(s) => Choice::new(Some(s), s.label()),
            None => Choice::new(None, all),
        };
        let labelled = |key: Key, e: Element<'a, Message>| -> Element<'a, Message> {
            column![text(ctx.t(key)).size(12), e].spacing(2).into()
        };
        row![
            labelled(
                Key::Cari,
                row![
                    pick_list(fields, Some(field), Message::SearchField).text_size(13),
                    text_input(ctx.t(Key::Cari), &self.search.text)
                        .id(SEARCH_INPUT)
                        .on_input(Message::SearchChanged)
                        .on_submit(Message::Open)
                        .size(13)
                        .padding(5)
                        .width(Length::Fixed(220.0)),
                ]
                .spacing(4)
                .into()
            ),
            labelled(
                Key::Masa,
                pick_list(masa, Some(masa_now), Message::Masa)
                    .text_size(13)
                    .into()
            ),
            labelled(
                Key::Tahun,
                pick_list(
                    tahun,
                    Some(Choice::new(Some(self.tahun), self.tahun.to_string())),
                    Message::Tahun
                )
                .text_size(13)
                .into()
            ),
            labelled(
                Key::Status,
                pick_list(status, Some(status_now), Message::Status)
                    .text_size(13)
                    .into()
            ),
        ]
        .spacing(12)
        .align_y(iced::Alignment::End)
        .into()
    }

    fn table_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let sort = self.query.effective_sort();
        let arrow = if self.query.descending {
            " ▼"
        } else {
            " ▲"
        };
        let head = |key: Key, sort_key: Option<SortKey>, width: u16| -> Element<'a, Message> {
            let label = match sort_key {
                Some(k) if k == sort => format!("{}{arrow}", ctx.t(key)),
                _ => ctx.t(key).to_string(),
            };
            let cell = text(label).size(11).wrapping(text::Wrapping::None);
            // Without a masa only tanggal can be sorted (see `UrutanTanpaMasa`).
            let sortable = sort_key.filter(|k| !k.needs_masa() || self.query.period.is_some());
            let e: Element<'a, Message> = match sortable {
                Some(k) => button(cell)
                    .style(button::text)
                    .padding(0)
                    .on_press(Message::Sort(k))
                    .into(),
                None => cell.into(),
            };
            container(e)
                .width(Length::FillPortion(width))
                .clip(true)
                .into()
        };
        let header = row![
            head(Key::NomorFaktur, Some(SortKey::Nomor), 15),
            head(Key::Tanggal, Some(SortKey::Tanggal), 8),
            head(Key::MasaTahun, None, 8),
            head(Key::NpwpLawan, Some(SortKey::Npwp), 15),
            head(Key::NamaLawan, Some(SortKey::Nama), 14),
            head(Key::Dpp, None, 9),
            head(Key::Ppn, None, 8),
            head(Key::Ppnbm, None, 6),
            head(Key::Status, None, 11),
            head(Key::KolomReferensi, Some(SortKey::Referensi), 9),
        ]
        .spacing(6)
        .padding([4, 6]);
        let mut table = column![container(header).style(container::secondary)];
        if self.page.rows.is_empty() && !self.loading {
            table = table.push(container(text(ctx.t(Key::TidakAdaCocok)).size(13)).padding(8));
        }
        let lang = ctx.lang();
        for (i, r) in self.page.rows.iter().enumerate() {
            table = table.push(row_view(r, i, self.selected == Some(i), lang));
        }
        container(table)
            .style(container::bordered_box)
            .width(Length::Fill)
            .into()
    }

    fn footer_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let nav = |key: Key, enabled: bool, nav: Nav| {
            button(text(ctx.t(key)).size(13))
                .style(button::text)
                .on_press_maybe(enabled.then_some(Message::Nav(nav)))
        };
        let (before, after) = (self.page.has_before, self.page.has_after);
        row![
            nav(Key::Awal, before, Nav::Home),
            nav(Key::Sebelumnya, before, Nav::PageUp),
            nav(Key::Berikutnya, after, Nav::PageDown),
            nav(Key::Akhir, after, Nav::End),
            widget::fill(),
            text(ctx.t(Key::PetunjukTabel)).size(12),
            button(text(ctx.t(Key::Cetak)).size(13))
                .on_press_maybe((!self.page.rows.is_empty()).then_some(Message::OpenCetak)),
            button(text(ctx.t(Key::Buka)).size(13))
                .on_press_maybe(self.selected().map(|_| Message::Open)),
        ]
        .spacing(6)
        .align_y(iced::Alignment::Center)
        .into()
    }
}

fn search_label(f: SearchField) -> Key {
    match f {
        SearchField::Nomor => Key::NomorFaktur,
        SearchField::Npwp => Key::NpwpLawan,
        SearchField::Nama => Key::NamaLawan,
        SearchField::Referensi => Key::KolomReferensi,
    }
}

fn row_view<'a>(r: &'a ListRow, i: usize, selected: bool, lang: Lang) -> Element<'a, Message> {
    // One line per faktur: a long value is cut, not wrapped, so every row has the same height.
    let cell = |s: String, width: u16| {
        container(text(s).size(11).wrapping(text::Wrapping::None))
            .width(Length::FillPortion(width))
            .clip(true)
    };
    let amount = |v: i64| i18n::rupiah(lang, v);
    let line = row![
        cell(r.nomor.clone(), 15),
        cell(r.tanggal.format("%d/%m/%Y").to_string(), 8),
        cell(format!("{:02}/{}", r.masa, r.tahun), 8),
        cell(r.npwp.clone(), 15),
        cell(r.nama.clone(), 14),
        cell(amount(r.dpp), 9),
        cell(amount(r.ppn), 8),
        cell(amount(r.ppnbm), 6),
        cell(r.status.label().to_string(), 11),
        cell(r.referensi.clone(), 9),
    ]
    .spacing(6);
    let style = if selected {
        button::primary
    } else {
        button::text
    };
    button(line)
        .style(style)
        .padding([2, 6])
        .width(Length::Fill)
        .on_press(Message::Select(i))
        .into()
}
