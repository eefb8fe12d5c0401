//! The Rekam Faktur page as DJP's form: Detail Transaksi, the lawan transaksi, the lines with
//! their DPP, PPN and PPnBM computed live (keluaran) or the seller's amounts (masukan), the
//! totals and Simpan. Errors stand under the field they belong to.

use efaktur::domain::faktur::UangMuka;
use efaktur::domain::{Amount, KodeTransaksi, coretax};
use iced::widget::{
    button, checkbox, column, container, pick_list, row, scrollable, text, text_input,
};
use iced::{Element, Length};

use super::draft::{IdKind, errors_for, line_errors};
use super::form::{
    CARI_BARANG_INPUT, CARI_LAWAN_INPUT, Form, ID_INPUT, LINE_NAMA_INPUT, LineField, Message, Mode,
    NAMA_INPUT, NOMOR_INPUT, REFERENSI_INPUT, TANGGAL_INPUT,
};
use super::lines;
use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key, Lang};
use crate::ui::widget;
use crate::ui::workspace::administrasi::Choice;

/// Widest the form grows: lines stay readable on a wide screen.
const MAX_WIDTH: f32 = 980.0;

type El<'a> = Element<'a, Message>;

/// A label, an input and the domain's errors for `fields` under it.
fn labelled<'a>(label: &'a str, input: El<'a>, error: Option<String>) -> El<'a> {
    labelled_to(Length::Fill, label, input, error)
}

/// [`labelled`] of a given width (a short field: a date, a masa).
fn labelled_to<'a>(width: Length, label: &'a str, input: El<'a>, error: Option<String>) -> El<'a> {
    let mut col = column![text(label).size(13), input].spacing(3);
    if let Some(e) = error {
        col = col.push(text(e).size(12).style(text::danger));
    }
    col.width(width).into()
}

fn input<'a>(
    value: &'a str,
    on_input: impl Fn(String) -> Message + 'a,
    on_submit: Message,
) -> text_input::TextInput<'a, Message> {
    hinted("", value, on_input, on_submit)
}

/// [`input`] with a placeholder showing what to type.
fn hinted<'a>(
    placeholder: &str,
    value: &'a str,
    on_input: impl Fn(String) -> Message + 'a,
    on_submit: Message,
) -> text_input::TextInput<'a, Message> {
    text_input(placeholder, value)
        .on_input(on_input)
        .on_submit(on_submit)
        .padding(5)
        .size(14)
}

/// An amount of a line: rupiah grouping, and up to two decimals where it has any.
pub fn amount(lang: Lang, a: Amount) -> String {
    let s = a.round_dp(2).to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let whole = i18n::rupiah(lang, int.parse().unwrap_or(0));
    if frac.is_empty() {
        whole
    } else {
        let sep = if lang == Lang::Id { ',' } else { '.' };
        format!("{whole}{sep}{frac:0<2}")
    }
}

/// A typed amount in the table: grouped when it is a number, as typed otherwise.
fn typed(lang: Lang, raw: &str) -> String {
    match Amount::parse(raw) {
        Ok(a) if !raw.trim().is_empty() => amount(lang, a),
        _ => raw.to_string(),
    }
}

impl Form {
    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> El<'a> {
        let title = match (self.mode, self.fields.masukan) {
            (Mode::Baru, false) => format!(
                "{} — {}",
                ctx.t(Key::RekamFaktur),
                ctx.t(Key::PajakKeluaran)
            ),
            (Mode::Baru, true) => {
                format!("{} — {}", ctx.t(Key::RekamFaktur), ctx.t(Key::PajakMasukan))
            }
            (Mode::Ubah(_), _) => ctx.t(Key::UbahFaktur).to_string(),
            (Mode::Pengganti(_), _) => ctx.t(Key::FakturPenggantiJudul).to_string(),
        };
        let mut page = column![text(title).size(20)].spacing(12);
        if let Some(f) = &self.banner {
            page = page.push(widget::failure_in(ctx.lang(), f));
        }
        if !self.ready {
            if self.banner.is_none() {
                page = page.push(text(ctx.t(Key::Loading)));
            }
            return page.into();
        }
        if matches!(self.mode, Mode::Pengganti(_)) {
            page = page.push(widget::notice(
                widget::Tone::Info,
                ctx.t(Key::PenggantiInfo),
            ));
        }
        if !self.errors.is_empty() {
            page = page.push(widget::notice(
                widget::Tone::Error,
                ctx.t(Key::PeriksaIsian),
            ));
        }
        page = page
            .push(self.transaksi_view(ctx))
            .push(self.lawan_view(ctx));
        page = if self.fields.masukan {
            page.push(self.jumlah_view(ctx))
        } else {
            page.push(self.lines_view(ctx))
        };
        page = page.push(self.footer_view(ctx));
        scrollable(container(page.padding([4, 16]).max_width(MAX_WIDTH)).center_x(Length::Fill))
            .into()
    }

    fn section<'a>(title: &'a str, body: El<'a>) -> El<'a> {
        container(column![text(title).size(16), body].spacing(8))
            .padding(12)
            .width(Length::Fill)
            .style(container::bordered_box)
            .into()
    }

    fn transaksi_view<'a>(&'a self, ctx: &'a Ctx) -> El<'a> {
        let f = &self.fields;
        let e = |names: &[&str]| errors_for(ctx.lang(), &self.errors, names, None);
        let kodes: Vec<Choice<u8>> = KodeTransaksi::all()
            .map(|k| Choice::new(Some(k.value()), format!("{k} — {}", k.description())))
            .collect();
        let kode_now = kodes.iter().find(|c| c.value == Some(f.kode)).cloned();
        // A pengganti may correct the kode too (a wrong kode is a reason for one).
        let kode: El<'a> = pick_list(kodes, kode_now, |c: Choice<u8>| {
            Message::Kode(c.value.unwrap_or(1))
        })
        .text_size(14)
        .width(Length::Fill)
        .into();
        let mut col = column![labelled(
            ctx.t(Key::KodeTransaksi),
            kode,
            e(&["KD_JENIS_TRANSAKSI"])
        )]
        .spacing(8);
        if let Some(max) = coretax::max_keterangan(f.kode) {
            let options: Vec<Choice<u16>> = (1..=max)
                .map(|k| Choice::new(Some(k), format!("{k:02}")))
                .collect();
            let now = f
                .keterangan
                .map(|k| Choice::new(Some(k), format!("{k:02}")));
            col = col.push(labelled(
                ctx.t(Key::KeteranganTambahan),
                pick_list(options, now, |c: Choice<u16>| {
                    Message::Keterangan(c.value.unwrap_or(1))
                })
                .placeholder(ctx.t(Key::PilihSatu))
                .width(Length::Fixed(160.0))
                .text_size(14)
                .into(),
                e(&["ID_KETERANGAN_TAMBAHAN"]),
            ));
        }
        col = col.push(self.nomor_view(ctx));
        let fixed_period = matches!(self.mode, Mode::Pengganti(_)) && !f.masukan;
        let masa_label = if f.masukan {
            ctx.t(Key::MasaPengkreditan)
        } else {
            ctx.t(Key::Masa)
        };
        let period = |value: &'a str, m: fn(String) -> Message| -> El<'a> {
            if fixed_period {
                text(value).into()
            } else {
                input(value, m, Message::Simpan).into()
            }
        };
        // Each error under its own field: a long one wraps within the field's column.
        col = col.push(
            row![
                labelled_to(
                    Length::FillPortion(2),
                    ctx.t(Key::Tanggal),
                    hinted("dd/mm/yyyy", &f.tanggal, Message::Tanggal, Message::Simpan)
                        .id(TANGGAL_INPUT)
                        .into(),
                    e(&["TANGGAL_FAKTUR"])
                ),
                labelled_to(
                    Length::FillPortion(1),
                    masa_label,
                    period(&f.masa, Message::Masa),
                    e(&["MASA_PAJAK"])
                ),
                labelled_to(
                    Length::FillPortion(1),
                    ctx.t(Key::Tahun),
                    period(&f.tahun, Message::Tahun),
                    e(&["TAHUN_PAJAK"])
                ),
                container(text("")).width(Length::FillPortion(2)),
            ]
            .spacing(12),
        );
        if f.masukan {
            col = col.push(
                checkbox(f.dikreditkan)
                    .label(ctx.t(Key::Dikreditkan))
                    .on_toggle(Message::Dikreditkan),
            );
        } else {
            col = col.push(self.uang_muka_view(ctx));
        }
        col = col.push(labelled(
            ctx.t(Key::KolomReferensi),
            input(&f.referensi, Message::Referensi, Message::Simpan)
                .id(REFERENSI_INPUT)
                .into(),
            e(&["REFERENSI"]),
        ));
        Self::section(ctx.t(Key::DetailTransaksi), col.into())
    }

    fn nomor_view<'a>(&'a self, ctx: &'a Ctx) -> El<'a> {
        let f = &self.fields;
        let e = errors_for(
            ctx.lang(),
            &self.errors,
            &["NOMOR_FAKTUR", "FG_PENGGANTI"],
            None,
        );
        if f.masukan {
            return column![
                labelled(
                    ctx.t(Key::NomorFakturPenjual),
                    hinted("0102400000001", &f.nomor, Message::Nomor, Message::Simpan)
                        .id(NOMOR_INPUT)
                        .into(),
                    e
                ),
                // Ubah keeps the kode status (what the faktur replaced stays as it is).
                checkbox(f.pengganti)
                    .label(ctx.t(Key::FakturPengganti))
                    .on_toggle_maybe((self.mode == Mode::Baru).then_some(Message::Pengganti)),
            ]
            .spacing(6)
            .into();
        }
        let shown = if f.nomor.is_empty() {
            ctx.t(Key::NsfpOtomatis).to_string()
        } else {
            let flag = if f.pengganti { 1 } else { 0 };
            let d = &f.nomor;
            match (d.get(..3), d.get(3..5), d.get(5..)) {
                (Some(a), Some(b), Some(c)) => format!("{:02}{flag}.{a}-{b}.{c}", f.kode),
                _ => d.clone(),
            }
        };
        labelled(ctx.t(Key::NomorFaktur), text(shown).size(14).into(), e)
    }

    fn uang_muka_view<'a>(&'a self, ctx: &'a Ctx) -> El<'a> {
        let f = &self.fields;
        let choices: Vec<Choice<UangMuka>> = [
            (UangMuka::Tidak, Key::UangMukaTidak),
            (UangMuka::UangMuka, Key::UangMukaYa),
            (UangMuka::Pelunasan, Key::Pelunasan),
        ]
        .into_iter()
        .map(|(u, k)| Choice::new(Some(u), ctx.t(k)))
        .collect();
        let now = choices
            .iter()
            .find(|c| c.value == Some(f.uang_muka))
            .cloned();
        let mut col = column![labelled(
            ctx.t(Key::UangMuka),
            pick_list(choices, now, |c: Choice<UangMuka>| {
                Message::UangMuka(c.value.unwrap_or(UangMuka::Tidak))
            })
            .text_size(14)
            .into(),
            errors_for(ctx.lang(), &self.errors, &["FG_UANG_MUKA"], None),
        )]
        .spacing(6);
        if f.uang_muka == UangMuka::Pelunasan {
            let names = ["UANG_MUKA_DPP", "UANG_MUKA_PPN", "UANG_MUKA_PPNBM"];
            let mut r = row![].spacing(8);
            for (i, name) in names.into_iter().enumerate() {
                r = r.push(labelled(
                    name,
                    input(
                        &f.diterima[i],
                        move |s| Message::Diterima(i, s),
                        Message::Simpan,
                    )
                    .into(),
                    errors_for(ctx.lang(), &self.errors, &[name], None),
                ));
            }
            col = col
                .push(text(ctx.t(Key::UangMukaDiterima)).size(13))
                .push(r);
        }
        col.into()
    }

    fn lawan_view<'a>(&'a self, ctx: &'a Ctx) -> El<'a> {
        let f = &self.fields;
        let e = |names: &[&str]| errors_for(ctx.lang(), &self.errors, names, None);
        let mut col = column![labelled(
            ctx.t(Key::FormCariLawan),
            text_input("", &self.cari_lawan)
                .id(CARI_LAWAN_INPUT)
                .on_input(Message::CariLawan)
                .padding(5)
                .size(14)
                .into(),
            None
        )]
        .spacing(8);
        if !self.lawan_hits.is_empty() {
            let mut hits = column![].spacing(2);
            for (i, p) in self.lawan_hits.iter().enumerate() {
                let id = p.nik.as_deref().unwrap_or(&p.npwp);
                hits = hits.push(
                    button(text(format!("{id} — {}", p.nama)).size(13))
                        .style(button::text)
                        .on_press(Message::PickLawan(i)),
                );
            }
            col = col.push(container(hits).padding(4).style(container::bordered_box));
        }
        let kinds: Vec<Choice<IdKind>> = if f.masukan {
            vec![Choice::new(Some(IdKind::Npwp), ctx.t(Key::IdNpwp))]
        } else {
            [
                (IdKind::Npwp, Key::IdNpwp),
                (IdKind::Nik, Key::IdNik),
                (IdKind::Paspor, Key::IdPaspor),
            ]
            .into_iter()
            .map(|(k, key)| Choice::new(Some(k), ctx.t(key)))
            .collect()
        };
        let kind_now = kinds.iter().find(|c| c.value == Some(f.id_kind)).cloned();
        // The identity is checked as typed; the domain's word on it after Simpan.
        let id_error = f
            .id_problem()
            .map(|s| i18n::errors::said(ctx.lang(), &s).to_string())
            .or_else(|| e(&["NPWP"]));
        col = col.push(
            row![
                labelled(
                    ctx.t(Key::Identitas),
                    pick_list(kinds, kind_now, |c: Choice<IdKind>| {
                        Message::IdKind(c.value.unwrap_or_default())
                    })
                    .text_size(14)
                    .into(),
                    None
                ),
                container(labelled(
                    if f.masukan {
                        ctx.t(Key::IdNpwp)
                    } else {
                        ctx.t(Key::NomorIdentitas)
                    },
                    input(&f.id, Message::Id, Message::Simpan)
                        .id(ID_INPUT)
                        .into(),
                    id_error
                ))
                .width(Length::FillPortion(3)),
            ]
            .spacing(12),
        );
        col = col
            .push(labelled(
                ctx.t(Key::NamaLawan),
                input(&f.nama, Message::Nama, Message::Simpan)
                    .id(NAMA_INPUT)
                    .into(),
                e(&["NAMA"]),
            ))
            .push(labelled(
                ctx.t(Key::Alamat),
                input(&f.alamat, Message::Alamat, Message::Simpan).into(),
                e(&["ALAMAT_LENGKAP"]),
            ));
        if !matches!(self.mode, Mode::Pengganti(_)) {
            col = col.push(
                checkbox(self.simpan_lawan)
                    .label(ctx.t(Key::SimpanKeReferensi))
                    .on_toggle(Message::SimpanLawan),
            );
        }
        let title = if f.masukan {
            ctx.t(Key::Penjual)
        } else {
            ctx.t(Key::Pembeli)
        };
        Self::section(title, col.into())
    }

    fn jumlah_view<'a>(&'a self, ctx: &'a Ctx) -> El<'a> {
        let names = ["JUMLAH_DPP", "JUMLAH_PPN", "JUMLAH_PPNBM"];
        let labels = [Key::Dpp, Key::Ppn, Key::Ppnbm];
        let mut r = row![].spacing(12);
        for (i, name) in names.into_iter().enumerate() {
            r = r.push(labelled(
                ctx.t(labels[i]),
                input(
                    &self.fields.jumlah[i],
                    move |s| Message::Jumlah(i, s),
                    Message::Simpan,
                )
                .into(),
                errors_for(ctx.lang(), &self.errors, &[name], None),
            ));
        }
        let rule = lines::rule_text(self.fields.tax_date(), self.fields.kode());
        Self::section(
            ctx.t(Key::JumlahFakturMasukan),
            column![r, text(rule).size(12)].spacing(6).into(),
        )
    }

    fn lines_view<'a>(&'a self, ctx: &'a Ctx) -> El<'a> {
        let lang = ctx.lang();
        let (date, kode) = (self.fields.tax_date(), self.fields.kode());
        let head =
            |key: Key, w: u16| container(text(ctx.t(key)).size(12)).width(Length::FillPortion(w));
        let mut table = column![
            container(
                row![
                    head(Key::NamaBarang, 14),
                    head(Key::HargaSatuan, 7),
                    head(Key::Jumlah, 4),
                    head(Key::Diskon, 6),
                    head(Key::Dpp, 8),
                    head(Key::Ppn, 7),
                    head(Key::Ppnbm, 6),
                    container(text("")).width(Length::FillPortion(9)),
                ]
                .spacing(6)
                .padding([4, 6])
            )
            .style(container::secondary)
        ]
        .spacing(2);
        if self.fields.lines.is_empty() {
            table = table.push(text(ctx.t(Key::BelumAdaBaris)).size(13));
        }
        let cell = |s: String, w: u16| container(text(s).size(12)).width(Length::FillPortion(w));
        for (i, l) in self.fields.lines.iter().enumerate() {
            let c = l.compute(date, kode);
            let money = |a: Option<Amount>| a.map(|a| amount(lang, a)).unwrap_or("-".into());
            let nama = if l.kode.is_empty() {
                l.nama.clone()
            } else {
                format!("{} {}", l.kode, l.nama)
            };
            table = table.push(
                row![
                    cell(nama, 14),
                    cell(typed(lang, &l.harga_satuan), 7),
                    cell(typed(lang, &l.jumlah), 4),
                    cell(typed(lang, &l.diskon), 6),
                    cell(money(c.map(|c| c.tax.dpp)), 8),
                    cell(money(c.map(|c| c.tax.ppn)), 7),
                    cell(money(c.map(|c| c.tax.ppnbm)), 6),
                    row![
                        button(text(ctx.t(Key::Ubah)).size(12))
                            .style(button::text)
                            .on_press(Message::EditLine(i)),
                        button(text(ctx.t(Key::HapusBaris)).size(12))
                            .style(button::text)
                            .on_press(Message::RemoveLine(i)),
                    ]
                    .width(Length::FillPortion(9)),
                ]
                .spacing(6)
                .padding([2, 6])
                .align_y(iced::Alignment::Center),
            );
            if let Some(e) = line_errors(ctx.lang(), &self.errors, i) {
                table = table.push(text(e).size(12).style(text::danger));
            }
        }
        let mut col = column![table, self.line_editor(ctx)].spacing(10);
        if let Some(e) = errors_for(
            ctx.lang(),
            &self.errors,
            &["OF", "JUMLAH_DPP", "JUMLAH_PPN", "JUMLAH_PPNBM"],
            None,
        ) {
            col = col.push(text(e).size(12).style(text::danger));
        }
        col = col.push(text(lines::rule_text(date, kode)).size(12));
        Self::section(ctx.t(Key::BarangJasa), col.into())
    }

    fn line_editor<'a>(&'a self, ctx: &'a Ctx) -> El<'a> {
        let l = &self.line;
        let field = |label: Key, value: &'a str, which: LineField, w: u16| -> El<'a> {
            let mut i = input(value, move |s| Message::Line(which, s), Message::AddLine);
            if which == LineField::Nama {
                i = i.id(LINE_NAMA_INPUT);
            }
            container(labelled(ctx.t(label), i.into(), None))
                .width(Length::FillPortion(w))
                .into()
        };
        let mut col = column![labelled(
            ctx.t(Key::FormCariBarang),
            text_input("", &self.cari_barang)
                .id(CARI_BARANG_INPUT)
                .on_input(Message::CariBarang)
                .padding(5)
                .size(14)
                .into(),
            None
        )]
        .spacing(6);
        let hits = self.barang_hits();
        if !hits.is_empty() {
            let mut list = column![].spacing(2);
            for (i, b) in hits {
                list = list.push(
                    button(
                        text(format!(
                            "{} — {} ({})",
                            b.kode,
                            b.nama,
                            amount(ctx.lang(), b.harga_satuan)
                        ))
                        .size(13),
                    )
                    .style(button::text)
                    .on_press(Message::PickBarang(i)),
                );
            }
            col = col.push(container(list).padding(4).style(container::bordered_box));
        }
        let add = if self.editing.is_some() {
            Key::SimpanBaris
        } else {
            Key::TambahBaris
        };
        col.push(
            row![
                field(Key::KodeBarang, &l.kode, LineField::Kode, 4),
                field(Key::NamaBarang, &l.nama, LineField::Nama, 12),
                field(Key::HargaSatuan, &l.harga_satuan, LineField::HargaSatuan, 6),
                field(Key::Jumlah, &l.jumlah, LineField::Jumlah, 4),
                field(Key::Diskon, &l.diskon, LineField::Diskon, 5),
                field(Key::TarifPpnbm, &l.tarif_ppnbm, LineField::TarifPpnbm, 5),
            ]
            .spacing(6),
        )
        .push(button(text(ctx.t(add)).size(13)).on_press(Message::AddLine))
        .into()
    }

    fn footer_view<'a>(&'a self, ctx: &'a Ctx) -> El<'a> {
        let lang = ctx.lang();
        let totals = if self.fields.masukan {
            None
        } else {
            Some(self.fields.totals())
        };
        let mut r = row![].spacing(16).align_y(iced::Alignment::Center);
        if let Some(t) = totals {
            r = r.push(text(format!(
                "{} — {}: {} · {}: {} · {}: {}",
                ctx.t(Key::Total),
                ctx.t(Key::Dpp),
                i18n::rupiah(lang, t.dpp.value()),
                ctx.t(Key::Ppn),
                i18n::rupiah(lang, t.ppn.value()),
                ctx.t(Key::Ppnbm),
                i18n::rupiah(lang, t.ppnbm.value()),
            )));
        }
        let simpan = if self.saving {
            ctx.t(Key::Menyimpan)
        } else {
            ctx.t(Key::Simpan)
        };
        column![
            r,
            row![
                text(ctx.t(Key::PetunjukForm)).size(12),
                widget::fill(),
                button(text(ctx.t(Key::Back))).on_press(Message::Back),
                widget::action(simpan, Message::Simpan, !self.saving),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        ]
        .spacing(8)
        .into()
    }
}
