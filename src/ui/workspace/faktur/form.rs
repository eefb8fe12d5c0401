//! The Rekam Faktur page: a new faktur keluaran or masukan, Ubah of a stored one, or the
//! Pengganti of an approved one. Every change is checked by the domain once Simpan was tried
//! (the identity on every keystroke); Simpan writes in one transaction, a new faktur keluaran
//! taking its NSFP there.

use chrono::NaiveDate;
use efaktur::domain::faktur::UangMuka;
use efaktur::domain::{Faktur, FieldError};
use efaktur::store::faktur::{self, StoredFaktur};
use efaktur::store::item::{self, BarangJasa};
use efaktur::store::party::{self, LawanTransaksi};
use efaktur::store::{StoreError, faktur_edit};
use iced::Task;
use iced::widget::operation;

use super::draft::{Fields, IdKind};
use super::lines::LineInput;
use crate::ui::ctx::Ctx;
use crate::ui::i18n::Key;
use crate::ui::service::Failure;
use crate::ui::workspace::page::Action;
use crate::ui::workspace::route::Route;

pub const NOMOR_INPUT: &str = "faktur-nomor";
pub const TANGGAL_INPUT: &str = "faktur-tanggal";
pub const ID_INPUT: &str = "faktur-npwp";
pub const NAMA_INPUT: &str = "faktur-nama";
pub const LINE_NAMA_INPUT: &str = "faktur-baris-nama";
pub const REFERENSI_INPUT: &str = "faktur-referensi";
pub const CARI_LAWAN_INPUT: &str = "faktur-cari-lawan";
pub const CARI_BARANG_INPUT: &str = "faktur-cari-barang";
/// Referensi entries offered while searching.
pub const HITS: usize = 8;

/// What Simpan does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Baru,
    Ubah(i64),
    /// The pengganti of this (approved) faktur.
    Pengganti(i64),
}

/// A field of the line being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineField {
    Kode,
    Nama,
    HargaSatuan,
    Jumlah,
    Diskon,
    TarifPpnbm,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<Option<Box<StoredFaktur>>, Failure>),
    Barang(Result<Vec<BarangJasa>, Failure>),
    Kode(u8),
    Keterangan(u16),
    Nomor(String),
    Pengganti(bool),
    Tanggal(String),
    Masa(String),
    Tahun(String),
    UangMuka(UangMuka),
    Diterima(usize, String),
    Jumlah(usize, String),
    Dikreditkan(bool),
    Referensi(String),
    IdKind(IdKind),
    Id(String),
    Nama(String),
    Alamat(String),
    SimpanLawan(bool),
    CariLawan(String),
    LawanFound(u64, Result<Vec<LawanTransaksi>, Failure>),
    PickLawan(usize),
    Line(LineField, String),
    CariBarang(String),
    PickBarang(usize),
    AddLine,
    EditLine(usize),
    RemoveLine(usize),
    Simpan,
    Saved(Result<i64, Failure>),
    Back,
}

pub struct Form {
    pub(super) mode: Mode,
    pub(super) fields: Fields,
    /// The fields as they were when the form became ready: leaving a form that differs from them
    /// asks first ([`Form::unsaved`]).
    pristine: Fields,
    /// The faktur of Ubah/Pengganti has arrived (always for a new one).
    pub(super) ready: bool,
    /// Pengganti: the replaced faktur's date, which the pengganti may not precede.
    pub(super) original_tanggal: Option<NaiveDate>,
    pub(super) simpan_lawan: bool,
    pub(super) cari_lawan: String,
    pub(super) lawan_hits: Vec<LawanTransaksi>,
    lawan_seq: u64,
    pub(super) barang: Vec<BarangJasa>,
    pub(super) cari_barang: String,
    /// The line being typed, and which stored line it edits.
    pub(super) line: LineInput,
    pub(super) editing: Option<usize>,
    /// Simpan was pressed once: from then on every change is validated.
    pub(super) tried: bool,
    pub(super) errors: Vec<FieldError>,
    pub(super) saving: bool,
    pub(super) banner: Option<Failure>,
}

impl Form {
    pub fn new(ctx: &Ctx, masukan: bool, mode: Mode) -> (Self, Task<Message>) {
        let today = chrono::Local::now().date_naive();
        let fields = Fields::new(masukan, today);
        let form = Form {
            mode,
            pristine: fields.clone(),
            fields,
            ready: mode == Mode::Baru,
            original_tanggal: None,
            simpan_lawan: true,
            cari_lawan: String::new(),
            lawan_hits: Vec::new(),
            lawan_seq: 0,
            barang: Vec::new(),
            cari_barang: String::new(),
            line: LineInput::default(),
            editing: None,
            tried: false,
            errors: Vec::new(),
            saving: false,
            banner: None,
        };
        let Some(db) = ctx.db() else {
            return (form, Task::none());
        };
        let barang = {
            let db = db.clone();
            Task::perform(
                async move { db.run(|s| item::list(s.conn())).await },
                Message::Barang,
            )
        };
        let load = match mode {
            Mode::Baru => Task::none(),
            Mode::Ubah(id) | Mode::Pengganti(id) => Task::perform(
                async move {
                    db.run(move |s| faktur::get(s.conn(), id).map(|f| f.map(Box::new)))
                        .await
                },
                Message::Loaded,
            ),
        };
        let first = if masukan { NOMOR_INPUT } else { TANGGAL_INPUT };
        (form, Task::batch([barang, load, operation::focus(first)]))
    }

    pub fn route(&self) -> Route {
        match self.mode {
            Mode::Baru => Route::Rekam {
                masukan: self.fields.masukan,
            },
            Mode::Ubah(id) => Route::Ubah(id),
            Mode::Pengganti(id) => Route::Pengganti(id),
        }
    }

    /// Esc: as the Kembali button (a new faktur has no page behind it to go back to).
    pub fn on_escape(&self) -> Option<Message> {
        (self.mode == Mode::Baru).then_some(Message::Back)
    }

    #[cfg(test)]
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    #[cfg(test)]
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action<Message> {
        let f = &mut self.fields;
        match message {
            Message::Loaded(r) => {
                self.loaded(r);
                // The fields exist now: the first one takes the focus.
                let first = if self.fields.masukan {
                    NOMOR_INPUT
                } else {
                    TANGGAL_INPUT
                };
                return Action::Run(operation::focus(first));
            }
            Message::Barang(Ok(list)) => self.barang = list,
            Message::Barang(Err(e)) | Message::Saved(Err(e)) => {
                self.saving = false;
                self.banner = Some(e);
            }
            Message::Kode(k) => f.kode = k,
            Message::Keterangan(k) => f.keterangan = Some(k),
            Message::Nomor(s) => f.nomor = s,
            Message::Pengganti(b) => f.pengganti = b,
            Message::Tanggal(s) => {
                f.tanggal = s;
                f.period_from_date();
            }
            Message::Masa(s) => {
                f.masa = s;
                f.period_typed = true;
            }
            Message::Tahun(s) => {
                f.tahun = s;
                f.period_typed = true;
            }
            Message::UangMuka(u) => f.uang_muka = u,
            Message::Diterima(i, s) => set(&mut f.diterima, i, s),
            Message::Jumlah(i, s) => set(&mut f.jumlah, i, s),
            Message::Dikreditkan(b) => f.dikreditkan = b,
            Message::Referensi(s) => f.referensi = s,
            Message::IdKind(k) => f.id_kind = k,
            Message::Id(s) => f.id = s,
            Message::Nama(s) => f.nama = s,
            Message::Alamat(s) => f.alamat = s,
            Message::SimpanLawan(b) => self.simpan_lawan = b,
            Message::CariLawan(s) => return Action::Run(self.cari_lawan(s, ctx)),
            Message::LawanFound(seq, r) => {
                if seq == self.lawan_seq {
                    match r {
                        Ok(hits) => self.lawan_hits = hits,
                        Err(e) => self.banner = Some(e),
                    }
                }
            }
            Message::PickLawan(i) => {
                if let Some(p) = self.lawan_hits.get(i).cloned() {
                    self.fields.pick_lawan(&p);
                    self.lawan_hits.clear();
                    self.cari_lawan.clear();
                }
            }
            Message::Line(field, s) => set_line(&mut self.line, field, s),
            Message::CariBarang(s) => self.cari_barang = s,
            Message::PickBarang(i) => self.pick_barang(i),
            Message::AddLine => return self.add_line(),
            Message::EditLine(i) => {
                if let Some(l) = self.fields.lines.get(i) {
                    self.line = l.clone();
                    self.editing = Some(i);
                    return Action::Run(operation::focus(LINE_NAMA_INPUT));
                }
            }
            Message::RemoveLine(i) => {
                if i < self.fields.lines.len() {
                    self.fields.lines.remove(i);
                    self.editing = None;
                }
            }
            Message::Simpan => return self.simpan(ctx),
            Message::Saved(Ok(id)) => {
                self.saving = false;
                let list = Route::Administrasi {
                    masukan: self.fields.masukan,
                };
                return Action::Reset(vec![list, Route::Faktur(id)]);
            }
            // Ubah and Pengganti return to the faktur they came from; a new faktur (opened from
            // the menu, with nothing behind it) to its Administrasi Faktur.
            Message::Back => {
                return match self.mode {
                    Mode::Baru => Action::Reset(vec![Route::Administrasi {
                        masukan: self.fields.masukan,
                    }]),
                    _ => Action::Back,
                };
            }
        }
        self.revalidate();
        Action::None
    }

    fn loaded(&mut self, r: Result<Option<Box<StoredFaktur>>, Failure>) {
        let s = match r {
            Ok(Some(s)) => s,
            Ok(None) => {
                self.banner = Some(
                    Failure::said(
                        Some(efaktur::domain::DjpCode::Etax20003),
                        Key::FakturTidakAdaLagi,
                        &[],
                    )
                    .with_hint(Key::KembaliMuatUlang),
                );
                return;
            }
            Err(e) => {
                self.banner = Some(e);
                return;
            }
        };
        let masukan = !matches!(s.faktur.jenis, efaktur::domain::faktur::Jenis::Keluaran);
        self.fields = Fields::of_faktur(&s.faktur, masukan);
        if let Mode::Pengganti(_) = self.mode {
            // Same number, kode status 1, the original's masa; dated today unless that is
            // before the original.
            let today = chrono::Local::now().date_naive();
            let date = today.max(s.faktur.tanggal);
            self.fields.pengganti = true;
            self.fields.tanggal = date.format("%d/%m/%Y").to_string();
            self.original_tanggal = Some(s.faktur.tanggal);
        }
        self.simpan_lawan = false;
        self.ready = true;
        self.pristine = self.fields.clone();
    }

    /// Something was typed that Simpan has not stored: a field changed, or a line is half typed.
    pub fn unsaved(&self) -> bool {
        self.ready && (self.fields != self.pristine || self.line != LineInput::default())
    }

    fn cari_lawan(&mut self, s: String, ctx: &Ctx) -> Task<Message> {
        self.cari_lawan = s.clone();
        self.lawan_seq += 1;
        let seq = self.lawan_seq;
        let needle = s.trim().to_string();
        if needle.is_empty() {
            self.lawan_hits.clear();
            return Task::none();
        }
        let Some(db) = ctx.db() else {
            return Task::none();
        };
        // NPWP is stored as digits: "01.300…" finds it too.
        let digits: String = needle.chars().filter(char::is_ascii_digit).collect();
        let filter = if digits.len() >= 2 && needle.chars().all(|c| !c.is_alphabetic()) {
            digits
        } else {
            needle
        };
        Task::perform(
            async move {
                db.run(move |st| {
                    let mut all = party::list(st.conn(), &filter)?;
                    all.truncate(HITS);
                    Ok(all)
                })
                .await
            },
            move |r| Message::LawanFound(seq, r),
        )
    }

    /// Referensi Barang/Jasa matching the search, at most [`HITS`].
    pub(super) fn barang_hits(&self) -> Vec<(usize, &BarangJasa)> {
        let q = self.cari_barang.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        self.barang
            .iter()
            .enumerate()
            .filter(|(_, b)| {
                b.kode.to_lowercase().contains(&q) || b.nama.to_lowercase().contains(&q)
            })
            .take(HITS)
            .collect()
    }

    fn pick_barang(&mut self, i: usize) {
        if let Some(b) = self.barang.get(i) {
            self.line.kode = b.kode.clone();
            self.line.nama = b.nama.clone();
            self.line.harga_satuan = b.harga_satuan.to_string();
            // Another item: what Coretax said of the old one no longer applies.
            self.line.coretax = None;
            if self.line.jumlah.trim().is_empty() {
                self.line.jumlah = "1".into();
            }
            self.cari_barang.clear();
        }
    }

    fn add_line(&mut self) -> Action<Message> {
        let l = std::mem::take(&mut self.line);
        if l == LineInput::default() {
            return Action::None;
        }
        match self.editing.take() {
            Some(i) if i < self.fields.lines.len() => self.fields.lines[i] = l,
            _ => self.fields.lines.push(l),
        }
        self.revalidate();
        Action::Run(operation::focus(LINE_NAMA_INPUT))
    }

    fn revalidate(&mut self) {
        if self.tried {
            self.errors = self.fields.validate().err().unwrap_or_default();
        }
    }

    fn simpan(&mut self, ctx: &Ctx) -> Action<Message> {
        if self.saving || !self.ready {
            return Action::None;
        }
        // A line still in the editor is part of what the user means to save.
        if self.line != LineInput::default() && !self.fields.masukan {
            let l = std::mem::take(&mut self.line);
            match self.editing.take() {
                Some(i) if i < self.fields.lines.len() => self.fields.lines[i] = l,
                _ => self.fields.lines.push(l),
            }
        }
        self.tried = true;
        self.banner = None;
        let f = match self.fields.validate() {
            Ok(f) => f,
            Err(errors) => {
                self.errors = errors;
                return Action::None;
            }
        };
        self.errors.clear();
        if let (Mode::Pengganti(_), Some(t)) = (self.mode, self.original_tanggal)
            && f.tanggal < t
        {
            // The store refuses it too (ETAX-20027); said here, next to the date.
            self.errors.push(FieldError {
                field: "TANGGAL_FAKTUR",
                item: None,
                code: efaktur::domain::DjpCode::Etax20027,
                message: format!(
                    "tanggal faktur pengganti tidak boleh sebelum tanggal faktur yang diganti ({})",
                    t.format("%d/%m/%Y")
                ),
                en: format!(
                    "a replacement invoice may not be dated before the invoice it replaces ({})",
                    t.format("%d/%m/%Y")
                ),
            });
            return Action::None;
        }
        let Some(db) = ctx.db() else {
            return Action::None;
        };
        self.saving = true;
        let lawan = self.simpan_lawan.then(|| self.fields.lawan(&f));
        let actor = ctx
            .session
            .as_ref()
            .and_then(|s| s.user.clone())
            .unwrap_or_else(|| "user".into());
        let mode = self.mode;
        Action::Run(Task::perform(
            async move {
                db.run(move |s| s.transaction(|tx| save(tx, mode, f, lawan.as_ref(), &actor)))
                    .await
            },
            Message::Saved,
        ))
    }
}

/// Simpan's transaction: the lawan into Referensi (when new), then the faktur.
fn save(
    tx: &rusqlite::Connection,
    mode: Mode,
    f: Faktur,
    lawan: Option<&LawanTransaksi>,
    actor: &str,
) -> Result<i64, StoreError> {
    if let Some(l) = lawan
        && party::for_buyer(tx, &l.npwp, l.nik.as_deref(), &l.nama)?.is_none()
    {
        party::upsert(tx, l)?;
    }
    let keluaran = matches!(f.jenis, efaktur::domain::faktur::Jenis::Keluaran);
    match mode {
        // A new faktur keluaran is always normal: its pengganti starts from the original.
        Mode::Baru if keluaran => faktur_edit::rekam_keluaran(tx, f, actor).map(|(id, _)| id),
        Mode::Baru => faktur_edit::rekam_masukan(tx, &f, actor),
        Mode::Ubah(id) => faktur_edit::ubah(tx, id, &f, actor).map(|()| id),
        Mode::Pengganti(original) => faktur_edit::rekam_pengganti(tx, original, &f, actor),
    }
}

fn set(slots: &mut [String; 3], i: usize, s: String) {
    if let Some(slot) = slots.get_mut(i) {
        *slot = s;
    }
}

fn set_line(l: &mut LineInput, field: LineField, s: String) {
    let slot = match field {
        LineField::Kode => &mut l.kode,
        LineField::Nama => &mut l.nama,
        LineField::HargaSatuan => &mut l.harga_satuan,
        LineField::Jumlah => &mut l.jumlah,
        LineField::Diskon => &mut l.diskon,
        LineField::TarifPpnbm => &mut l.tarif_ppnbm,
    };
    *slot = s;
}
