//! One faktur, opened from Administrasi Faktur: its header, status and items. Esc goes back to
//! the list as it was.

use efaktur::domain::FakturStatus;
use efaktur::store::faktur::{self, StoredFaktur};
use efaktur::store::faktur_list::AdminStatus;
use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Element, Length, Task};

use super::cetak;
use super::faktur::actions::{self, Actions};
use super::page::Action;
use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key};
use crate::ui::service::Failure;
use crate::ui::widget;

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<Option<Box<StoredFaktur>>, Failure>),
    Back,
    Actions(actions::Message),
    OpenCetak,
    Cetak(cetak::Message),
}

#[derive(Debug)]
pub struct Detail {
    id: i64,
    faktur: Option<Box<StoredFaktur>>,
    loaded: bool,
    banner: Option<Failure>,
    /// Ubah, Hapus, Pengganti, Batal Faktur.
    actions: Actions,
    cetak: Option<cetak::Cetak>,
}

impl Detail {
    pub fn new(ctx: &Ctx, id: i64) -> (Self, Task<Message>) {
        let task = match ctx.db() {
            Some(db) => Task::perform(
                async move {
                    db.run(move |s| faktur::get(s.conn(), id).map(|f| f.map(Box::new)))
                        .await
                },
                Message::Loaded,
            ),
            None => Task::none(),
        };
        let (actions, more) = Actions::new(ctx, id);
        let page = Detail {
            id,
            faktur: None,
            loaded: false,
            banner: None,
            actions,
            cetak: None,
        };
        (page, Task::batch([task, more.map(Message::Actions)]))
    }

    pub fn id(&self) -> i64 {
        self.id
    }

    /// Esc closes the Cetak dialog.
    pub fn on_escape(&self) -> Option<Message> {
        self.cetak
            .as_ref()
            .map(|_| Message::Cetak(cetak::Message::Close))
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action<Message> {
        match message {
            Message::Loaded(r) => {
                self.loaded = true;
                match r {
                    Ok(f) => self.faktur = f,
                    Err(f) => self.banner = Some(f),
                }
                Action::None
            }
            Message::Back => Action::Back,
            Message::Actions(m) => {
                let masukan = self
                    .faktur
                    .as_ref()
                    .is_some_and(|s| s.faktur.jenis != efaktur::domain::faktur::Jenis::Keluaran);
                self.actions.update(m, ctx, masukan).map(Message::Actions)
            }
            Message::OpenCetak => {
                if let Some(s) = &self.faktur {
                    let scope = cetak::Scope {
                        label: ctx
                            .t(Key::CetakTerpilih)
                            .replace("{nomor}", &s.faktur.nomor().to_string()),
                        selection: cetak::SelectionOf::Ids(vec![self.id]),
                    };
                    self.cetak = Some(cetak::Cetak::new(ctx, vec![scope]));
                }
                Action::None
            }
            Message::Cetak(m) => {
                let Some(c) = &mut self.cetak else {
                    return Action::None;
                };
                let (task, close) = c.update(m, ctx);
                if close {
                    self.cetak = None;
                }
                Action::Run(task.map(Message::Cetak))
            }
        }
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let page = self.page_view(ctx);
        match &self.cetak {
            Some(c) => widget::dialog(page, ctx.t(Key::Cetak), c.view(ctx).map(Message::Cetak)),
            None => page,
        }
    }

    fn page_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let back = button(text(ctx.t(Key::Back))).on_press(Message::Back);
        let print = button(text(ctx.t(Key::Cetak)))
            .on_press_maybe(self.faktur.as_ref().map(|_| Message::OpenCetak));
        let mut page = column![
            row![
                text(ctx.t(Key::DetailFaktur)).size(20),
                widget::fill(),
                print,
                back
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center)
        ]
        .spacing(10);
        if let Some(f) = &self.banner {
            page = page.push(widget::failure_in(ctx.lang(), f));
        }
        let Some(s) = &self.faktur else {
            let note = if self.loaded {
                ctx.t(Key::TidakAdaCocok)
            } else {
                ctx.t(Key::Loading)
            };
            return page.push(text(note)).into();
        };
        let f = &s.faktur;
        let lang = ctx.lang();
        let status = match s.status {
            FakturStatus::Diganti => AdminStatus::Diganti,
            FakturStatus::Batal => AdminStatus::Batal,
            _ => AdminStatus::from_key(s.approval.key()).unwrap_or(AdminStatus::Draft),
        };
        let field = |key: Key, value: String| {
            column![text(ctx.t(key)).size(12), text(value).size(15)]
                .spacing(2)
                .width(Length::Fill)
        };
        page = page
            .push(row![
                field(Key::NomorFaktur, f.nomor().to_string()),
                field(Key::Tanggal, f.tanggal.format("%d/%m/%Y").to_string()),
                field(Key::MasaTahun, format!("{:02}/{}", f.masa, f.tahun)),
                field(Key::Status, status.label().to_string()),
            ])
            .push(row![
                field(Key::LawanTransaksi, f.lawan_nama.clone()),
                field(Key::NpwpLawan, f.lawan_npwp.to_string()),
                field(Key::Alamat, f.lawan_alamat.clone()),
                field(Key::KolomReferensi, f.referensi.clone()),
            ])
            .push(row![
                field(Key::Dpp, i18n::rupiah(lang, f.totals.dpp.value())),
                field(Key::Ppn, i18n::rupiah(lang, f.totals.ppn.value())),
                field(Key::Ppnbm, i18n::rupiah(lang, f.totals.ppnbm.value())),
                field(Key::AlasanReject, reject_text(s)),
            ])
            .push(self.actions.view(ctx, s).map(Message::Actions));
        let head =
            |key: Key, w: u16| container(text(ctx.t(key)).size(12)).width(Length::FillPortion(w));
        let mut items = column![
            container(
                row![
                    head(Key::NamaBarang, 16),
                    head(Key::HargaSatuan, 8),
                    head(Key::Jumlah, 5),
                    head(Key::HargaTotal, 8),
                    head(Key::Diskon, 6),
                    head(Key::Dpp, 8),
                    head(Key::Ppn, 8),
                    head(Key::Ppnbm, 6),
                ]
                .spacing(6)
                .padding([4, 6])
            )
            .style(container::secondary)
        ];
        let cell = |s: String, w: u16| container(text(s).size(12)).width(Length::FillPortion(w));
        for it in &f.items {
            items = items.push(
                row![
                    cell(format!("{} {}", it.kode_objek, it.nama), 16),
                    cell(it.harga_satuan.to_string(), 8),
                    cell(it.jumlah_barang.to_string(), 5),
                    cell(it.harga_total.to_string(), 8),
                    cell(it.diskon.to_string(), 6),
                    cell(it.dpp.to_string(), 8),
                    cell(it.ppn.to_string(), 8),
                    cell(it.ppnbm.to_string(), 6),
                ]
                .spacing(6)
                .padding([3, 6]),
            );
        }
        page.push(scrollable(
            container(items)
                .style(container::bordered_box)
                .width(Length::Fill),
        ))
        .into()
    }
}

fn reject_text(s: &StoredFaktur) -> String {
    match (&s.reject_code, &s.reject_message) {
        (Some(c), Some(m)) => format!("{c} : {m}"),
        (Some(c), None) => c.clone(),
        (None, Some(m)) => m.clone(),
        (None, None) => "-".into(),
    }
}
