//! Beranda: the dashboard of the current masa — faktur by status (keluaran and masukan), NSFP
//! left in Referensi Nomor Faktur, faktur keluaran not yet uploaded, and the upload deadline:
//! masa due within three days and faktur past it, each with a link into the list.

use chrono::Datelike;
use efaktur::store::dashboard::{self, Dashboard};
use efaktur::store::deadline::{self, Deadlines};
use efaktur::store::faktur_list::AdminStatus;
use iced::widget::{button, column, container, row, text};
use iced::{Element, Length, Task};

use super::page::Action;
use super::route::Route;
use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key};
use crate::ui::service::Failure;
use crate::ui::widget;

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<Dashboard, Failure>),
    Deadlines(Result<Deadlines, Failure>),
    Open(Route),
}

#[derive(Debug, Default)]
pub struct Home {
    figures: Option<Dashboard>,
    deadlines: Option<Deadlines>,
    banner: Option<Failure>,
}

impl Home {
    pub fn new(ctx: &Ctx) -> (Self, Task<Message>) {
        let today = chrono::Local::now().date_naive();
        let (tahun, masa) = (today.year() as u16, today.month() as u8);
        let day = ctx.settings.upload.batas_hari;
        let task = match ctx.db() {
            Some(db) => {
                let db2 = db.clone();
                Task::batch([
                    Task::perform(
                        async move {
                            db.run(move |s| dashboard::load(s.conn(), tahun, masa))
                                .await
                        },
                        Message::Loaded,
                    ),
                    Task::perform(
                        async move { db2.run(move |s| deadline::load(s.conn(), today, day)).await },
                        Message::Deadlines,
                    ),
                ])
            }
            None => Task::none(),
        };
        (Home::default(), task)
    }

    #[cfg(test)]
    pub fn figures(&self) -> Option<&Dashboard> {
        self.figures.as_ref()
    }

    #[cfg(test)]
    pub fn deadlines(&self) -> Option<&Deadlines> {
        self.deadlines.as_ref()
    }

    pub fn update(&mut self, message: Message, _ctx: &Ctx) -> Action<Message> {
        match message {
            Message::Loaded(Ok(d)) => self.figures = Some(d),
            Message::Deadlines(Ok(d)) => self.deadlines = Some(d),
            Message::Deadlines(Err(f)) => self.banner = Some(f),
            Message::Loaded(Err(f)) => self.banner = Some(f),
            Message::Open(route) => return Action::Push(route),
        }
        Action::None
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let mut page = column![text(ctx.t(Key::Beranda)).size(22)].spacing(14);
        if let Some(f) = &self.banner {
            page = page.push(widget::failure_in(ctx.lang(), f));
        }
        let Some(d) = &self.figures else {
            return page.push(text(ctx.t(Key::Loading))).into();
        };
        let masa = format!("{:02}/{}", d.masa, d.tahun);
        let title = ctx.t(Key::FakturMasa).replace("{masa}", &masa);
        let lang = ctx.lang();
        let card = |label: Key, counts: &[(AdminStatus, u64)], masukan: bool| {
            let mut col = column![text(ctx.t(label)).size(16)].spacing(4);
            if counts.is_empty() {
                col = col.push(text(ctx.t(Key::BelumAdaFaktur)).size(14));
            }
            for (status, n) in counts {
                col = col.push(
                    row![
                        text(status.label()).size(14).width(Length::Fill),
                        text(i18n::rupiah(lang, *n as i64)).size(14),
                    ]
                    .spacing(8),
                );
            }
            col = col.push(
                button(text(ctx.t(Key::AdministrasiFaktur)).size(14))
                    .style(button::text)
                    .on_press(Message::Open(Route::Administrasi { masukan })),
            );
            container(col)
                .padding(12)
                .width(Length::Fill)
                .style(container::bordered_box)
        };
        let figure = |label: Key, n: u64| {
            container(
                column![
                    text(ctx.t(label)).size(14),
                    text(i18n::rupiah(lang, n as i64)).size(26),
                ]
                .spacing(4),
            )
            .padding(12)
            .width(Length::Fill)
            .style(container::bordered_box)
        };
        page.push(text(title).size(16))
            .push(
                row![
                    card(Key::PajakKeluaran, &d.keluaran, false),
                    card(Key::PajakMasukan, &d.masukan, true),
                ]
                .spacing(12),
            )
            .push(
                row![
                    figure(Key::NsfpTersisa, d.nsfp_left),
                    figure(Key::BelumUpload, d.not_uploaded),
                ]
                .spacing(12),
            )
            .push(self.deadline_view(ctx))
            .into()
    }

    /// Masa due within three days and faktur past the deadline, each with a link to its masa.
    fn deadline_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let title = ctx
            .t(Key::BatasUpload)
            .replace("{hari}", &ctx.settings.upload.batas_hari.to_string());
        let mut col = column![text(title).size(16)].spacing(6);
        let Some(d) = &self.deadlines else {
            return container(col.push(text(ctx.t(Key::Loading)).size(14)))
                .padding(12)
                .width(Length::Fill)
                .style(container::bordered_box)
                .into();
        };
        let lang = ctx.lang();
        let masa_text = |(tahun, masa): (u16, u8)| format!("{masa:02}/{tahun}");
        let link = |m: (u16, u8)| {
            button(text(ctx.t(Key::LihatMasa).replace("{masa}", &masa_text(m))).size(13))
                .style(button::text)
                .on_press(Message::Open(Route::KeluaranMasa {
                    tahun: m.0,
                    masa: m.1,
                }))
        };
        for &(m, date, n) in &d.due_soon {
            let said = i18n::counted(
                lang,
                ctx.t(Key::JatuhTempo)
                    .replace("{masa}", &masa_text(m))
                    .replace("{tanggal}", &date.format("%d/%m/%Y").to_string())
                    .replace("{n}", &i18n::rupiah(lang, n as i64)),
            );
            col = col.push(
                row![widget::notice(widget::Tone::Warning, said), link(m)]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
            );
        }
        if let (Some(newest), Some(oldest)) = (d.overdue_newest, d.overdue_oldest) {
            let n = i18n::rupiah(lang, d.overdue as i64);
            let n = if d.overdue_capped() {
                format!("> {n}")
            } else {
                n
            };
            let said = i18n::counted(
                lang,
                ctx.t(Key::LewatBatas)
                    .replace("{n}", &n)
                    .replace("{dari}", &masa_text(oldest))
                    .replace("{sampai}", &masa_text(newest)),
            );
            let mut links = row![link(newest)].spacing(4);
            if oldest != newest {
                links = links.push(link(oldest));
            }
            col = col.push(
                row![widget::notice(widget::Tone::Error, said), links]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
            );
        }
        if d.due_soon.is_empty() && d.overdue == 0 {
            col = col.push(text(ctx.t(Key::TidakAdaBatas)).size(14));
        }
        container(col)
            .padding(12)
            .width(Length::Fill)
            .style(container::bordered_box)
            .into()
    }
}
