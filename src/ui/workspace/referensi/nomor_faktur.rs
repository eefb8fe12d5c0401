//! Referensi > Nomor Faktur: the recorded NSFP ranges with used and free counts, which faktur
//! took which number (a page at a time, keyed by the number), *Rekam Range* as DJP allotted it,
//! and *Minta NSFP*: a range asked of the e-Nofa server over mutual TLS and recorded at once.
//! Recording and asking are for Administrators; a Perekam sees the lists.

use chrono::{DateTime, Datelike, NaiveDate};
use efaktur::domain::faktur::parse_tanggal;
use efaktur::domain::{DjpCode, Nsfp, NsfpError, NsfpRange, Said};
use efaktur::store::nsfp::{self, RangeUsage, UsedNumber};
use efaktur::store::user::{UserRow, admin};
use efaktur::store::{self};
use iced::widget::{column, container, operation, row, scrollable, text, text_input};
use iced::{Element, Length, Task};

use super::{as_admin, dialog_body, is_admin, me, read_only_notice};
use crate::ui::ctx::{Ctx, LocalDb};
use crate::ui::i18n::{self, Key, errors};
use crate::ui::service::{Failure, NsfpRequest, Secret, Server, Services, blocking};
use crate::ui::widget::{self, Tone};
use crate::ui::workspace::certificate::open_installed;
use crate::ui::workspace::page::Action;

pub const DARI_INPUT: &str = "nsfp-dari";
pub const SAMPAI_INPUT: &str = "nsfp-sampai";
pub const TANGGAL_INPUT: &str = "nsfp-tanggal";
pub const JUMLAH_INPUT: &str = "nsfp-jumlah";
pub const PEMOHON_INPUT: &str = "nsfp-pemohon";
pub const JABATAN_INPUT: &str = "nsfp-jabatan";
pub const PASSWORD_INPUT: &str = "nsfp-password";
pub const PASSPHRASE_INPUT: &str = "nsfp-passphrase";
/// Used numbers shown at once.
pub const USED_PAGE: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Dari,
    Sampai,
    Tanggal,
    Jumlah,
    Pemohon,
    Jabatan,
    Password,
    Passphrase,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<(Option<UserRow>, Vec<RangeUsage>), Failure>),
    /// Shows the numbers taken from this range, from its start.
    Show(NsfpRange),
    /// The numbers after the last one shown.
    More,
    Used(NsfpRange, Result<Vec<UsedNumber>, Failure>),
    OpenRekam,
    OpenMinta,
    Input(Field, String),
    Secret(Field, Secret),
    Rekam,
    Minta,
    /// A range recorded (typed in, or granted by the server), with its number count.
    Recorded(Result<NsfpRange, Failure>),
    CloseDialog,
}

/// Which dialog is open.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Dialog {
    Rekam,
    Minta,
}

/// The two dialogs' fields as typed.
#[derive(Debug, Default)]
struct Fields {
    dari: String,
    sampai: String,
    tanggal: String,
    jumlah: String,
    pemohon: String,
    jabatan: String,
    password: Secret,
    passphrase: Secret,
    errors: Vec<(Field, String)>,
}

impl Fields {
    fn error(&self, f: Field) -> Option<&str> {
        self.errors
            .iter()
            .find(|(g, _)| *g == f)
            .map(|(_, e)| e.as_str())
    }
}

#[derive(Debug, Default)]
pub struct NomorFaktur {
    me: Option<UserRow>,
    loaded: bool,
    ranges: Vec<RangeUsage>,
    /// The range whose used numbers are shown, and those shown.
    shown: Option<NsfpRange>,
    used: Vec<UsedNumber>,
    dialog: Option<Dialog>,
    fields: Fields,
    busy: bool,
    banner: Option<Failure>,
    success: Option<String>,
}

impl NomorFaktur {
    pub fn new(ctx: &Ctx) -> (Self, Task<Message>) {
        let page = NomorFaktur::default();
        let load = page.load(ctx);
        (page, load)
    }

    #[cfg(test)]
    pub fn ranges(&self) -> &[RangeUsage] {
        &self.ranges
    }

    #[cfg(test)]
    pub fn used(&self) -> &[UsedNumber] {
        &self.used
    }

    #[cfg(test)]
    pub fn banner(&self) -> Option<&Failure> {
        self.banner.as_ref()
    }

    fn load(&self, ctx: &Ctx) -> Task<Message> {
        let Some(db) = ctx.db() else {
            return Task::none();
        };
        let name = super::user_name(ctx);
        Task::perform(
            async move {
                db.run(move |s| Ok((me(s, &name)?, nsfp::usage(s.conn())?)))
                    .await
            },
            Message::Loaded,
        )
    }

    fn load_used(ctx: &Ctx, range: NsfpRange, after: Option<Nsfp>) -> Task<Message> {
        let Some(db) = ctx.db() else {
            return Task::none();
        };
        Task::perform(
            async move {
                db.run(move |s| nsfp::used_in(s.conn(), range, after, USED_PAGE))
                    .await
            },
            move |r| Message::Used(range, r),
        )
    }

    pub fn on_escape(&self) -> Option<Message> {
        self.dialog.is_some().then_some(Message::CloseDialog)
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action<Message> {
        match message {
            Message::Loaded(r) => {
                self.loaded = true;
                match r {
                    Ok((me, ranges)) => {
                        self.me = me;
                        self.ranges = ranges;
                    }
                    Err(f) => self.banner = Some(f),
                }
            }
            Message::Show(range) => {
                self.shown = Some(range);
                self.used.clear();
                return Action::Run(Self::load_used(ctx, range, None));
            }
            Message::More => {
                if let (Some(range), Some(last)) = (self.shown, self.used.last()) {
                    return Action::Run(Self::load_used(ctx, range, Some(last.nsfp)));
                }
            }
            Message::Used(range, r) => {
                if self.shown == Some(range) {
                    match r {
                        Ok(rows) => self.used = rows,
                        Err(f) => self.banner = Some(f),
                    }
                }
            }
            Message::OpenRekam | Message::OpenMinta if !is_admin(self.me.as_ref()) => {}
            Message::OpenRekam => {
                self.open(Dialog::Rekam);
                return Action::Run(operation::focus(DARI_INPUT));
            }
            Message::OpenMinta => {
                self.open(Dialog::Minta);
                return Action::Run(operation::focus(JUMLAH_INPUT));
            }
            Message::Input(field, v) => {
                let f = &mut self.fields;
                match field {
                    Field::Dari => f.dari = v,
                    Field::Sampai => f.sampai = v,
                    Field::Tanggal => f.tanggal = v,
                    Field::Jumlah => f.jumlah = v,
                    Field::Pemohon => f.pemohon = v,
                    Field::Jabatan => f.jabatan = v,
                    Field::Password | Field::Passphrase => {}
                }
                f.errors.retain(|(g, _)| *g != field);
            }
            Message::Secret(field, v) => {
                match field {
                    Field::Password => self.fields.password = v,
                    Field::Passphrase => self.fields.passphrase = v,
                    _ => {}
                }
                self.fields.errors.retain(|(g, _)| *g != field);
            }
            Message::Rekam => return self.rekam(ctx),
            Message::Minta => return self.minta(ctx),
            Message::Recorded(r) => {
                self.busy = false;
                match r {
                    Ok(range) => {
                        self.dialog = None;
                        self.fields = Fields::default();
                        self.banner = None;
                        self.success = Some(i18n::counted(
                            ctx.lang(),
                            ctx.t(Key::RangeDirekam)
                                .replace("{range}", &range.to_string())
                                .replace("{n}", &range.len().to_string()),
                        ));
                        return Action::Run(self.load(ctx));
                    }
                    Err(f) => self.banner = Some(f),
                }
            }
            Message::CloseDialog => {
                if !self.busy {
                    self.dialog = None;
                    self.fields = Fields::default();
                }
            }
        }
        Action::None
    }

    fn open(&mut self, dialog: Dialog) {
        self.dialog = Some(dialog);
        self.fields = Fields::default();
        self.banner = None;
        self.success = None;
    }

    /// Rekam Range: the range and the date of DJP's notice, checked as the domain does.
    fn rekam(&mut self, ctx: &Ctx) -> Action<Message> {
        let Some(db) = ctx.db() else {
            return Action::None;
        };
        if self.busy {
            return Action::None;
        }
        let f = &mut self.fields;
        f.errors.clear();
        let lang = ctx.lang();
        let coded = |e: NsfpError| format!("ETAX-20007 : {}", errors::said(lang, &Said::from(e)));
        let mut parse = |field: Field, v: &str| match Nsfp::parse(v) {
            Ok(n) => Some(n),
            Err(e) => {
                f.errors.push((field, coded(e)));
                None
            }
        };
        let (dari, sampai) = (
            parse(Field::Dari, &f.dari.clone()),
            parse(Field::Sampai, &f.sampai.clone()),
        );
        let day = parse_tanggal(&f.tanggal);
        if day.is_none() {
            f.errors
                .push((Field::Tanggal, ctx.t(Key::TanggalSalah).to_string()));
        }
        let (Some(dari), Some(sampai), Some(day)) = (dari, sampai, day) else {
            return Action::None;
        };
        let range = match NsfpRange::new(dari, sampai) {
            Ok(r) => r,
            Err(e) => {
                f.errors.push((Field::Sampai, coded(e)));
                return Action::None;
            }
        };
        self.busy = true;
        self.banner = None;
        let name = super::user_name(ctx);
        Action::Run(Task::perform(
            async move {
                db.run(move |s| {
                    as_admin(s, &name, |tx, admin| {
                        nsfp::record_range(tx, admin, range, day).map(|_| range)
                    })
                })
                .await
            },
            Message::Recorded,
        ))
    }

    /// Minta NSFP: checks the form, then asks the server and records the range it grants.
    fn minta(&mut self, ctx: &Ctx) -> Action<Message> {
        let (Some(session), Some(server)) = (&ctx.session, &ctx.server) else {
            self.banner = Some(Failure::coded(DjpCode::Etax40001).with_hint(Key::PilihServer));
            return Action::None;
        };
        if self.busy {
            return Action::None;
        }
        let f = &mut self.fields;
        f.errors.clear();
        let jumlah = f.jumlah.trim().parse::<u32>().ok().filter(|&n| n > 0);
        if jumlah.is_none() {
            f.errors
                .push((Field::Jumlah, ctx.t(Key::JumlahSalah).to_string()));
        }
        let required = ctx.t(Key::Required).to_string();
        if f.pemohon.trim().is_empty() {
            f.errors.push((Field::Pemohon, required.clone()));
        }
        if f.jabatan.trim().is_empty() {
            f.errors.push((Field::Jabatan, required.clone()));
        }
        if f.password.is_empty() {
            f.errors.push((Field::Password, required));
        }
        let Some(jumlah) = jumlah.filter(|_| f.errors.is_empty()) else {
            return Action::None;
        };
        let Some(client_id) = session.profile.client_id.clone() else {
            self.banner =
                Some(Failure::coded(DjpCode::EtaxService20017).with_hint(Key::RegisterDulu));
            return Action::None;
        };
        let job = Minta {
            services: ctx.services.clone(),
            db: session.db.clone(),
            server: server.clone(),
            client_id,
            user: super::user_name(ctx),
            passphrase: f.passphrase.clone(),
            passphrase_key: crate::ui::service::passphrase_key(&session.profile.npwp),
            no_passphrase: ctx.t(Key::PassphraseBelumDiingat).to_string(),
            request: NsfpRequest {
                tahun: chrono::Local::now().year(),
                jumlah,
                nama_pemohon: f.pemohon.trim().to_string(),
                jabatan_pemohon: f.jabatan.trim().to_string(),
                password: f.password.expose().to_string(),
            },
        };
        self.busy = true;
        self.banner = None;
        Action::Run(Task::perform(job.run(), Message::Recorded))
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let admin = is_admin(self.me.as_ref());
        let mut col = column![text(ctx.t(Key::NomorFakturRef)).size(22)].spacing(12);
        if let Some(f) = self.banner.as_ref().filter(|_| self.dialog.is_none()) {
            col = col.push(widget::failure_in(ctx.lang(), f));
        }
        if let Some(s) = &self.success {
            col = col.push(widget::notice(Tone::Success, s.as_str()));
        }
        if self.busy {
            col = col.push(widget::notice(Tone::Info, ctx.t(Key::Working)));
        }
        if self.loaded && !admin {
            col = col.push(read_only_notice(ctx));
        }
        if admin {
            col = col.push(
                row![
                    widget::action(ctx.t(Key::RekamRange), Message::OpenRekam, !self.busy),
                    widget::action(ctx.t(Key::MintaNsfp), Message::OpenMinta, !self.busy),
                ]
                .spacing(8),
            );
        }
        col = col.push(self.ranges_view(ctx));
        if let Some(range) = self.shown {
            col = col.push(self.used_view(ctx, range));
        }
        let page: Element<'a, Message> = scrollable(col.padding(8).max_width(1100)).into();
        match &self.dialog {
            Some(Dialog::Rekam) => widget::dialog(
                page,
                ctx.t(Key::RekamRange),
                dialog_body(ctx.lang(), self.banner.as_ref(), self.rekam_view(ctx)),
            ),
            Some(Dialog::Minta) => widget::dialog(
                page,
                ctx.t(Key::MintaNsfp),
                dialog_body(ctx.lang(), self.banner.as_ref(), self.minta_view(ctx)),
            ),
            None => page,
        }
    }

    fn ranges_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        if self.loaded && self.ranges.is_empty() {
            return widget::notice(Tone::Warning, ctx.t(Key::BelumAdaRange));
        }
        let cell = |s: String, w: u16| text(s).size(14).width(Length::FillPortion(w));
        let head = row![
            cell(ctx.t(Key::RangeNsfp).into(), 6),
            cell(ctx.t(Key::TanggalSurat).into(), 3),
            cell(ctx.t(Key::JumlahNomor).into(), 2),
            cell(ctx.t(Key::Terpakai).into(), 2),
            cell(ctx.t(Key::Tersisa).into(), 2),
            text("").width(120),
        ]
        .spacing(8);
        let mut list = column![container(head).padding(4).style(container::secondary)].spacing(2);
        for u in &self.ranges {
            let r = u.recorded.range;
            let style = if self.shown == Some(r) {
                iced::widget::button::secondary
            } else {
                iced::widget::button::text
            };
            list = list.push(
                container(
                    row![
                        cell(r.to_string(), 6),
                        cell(u.recorded.allocated_on.format("%d/%m/%Y").to_string(), 3),
                        cell(r.len().to_string(), 2),
                        cell(u.used.to_string(), 2),
                        cell(u.free().to_string(), 2),
                        iced::widget::button(text(ctx.t(Key::LihatNomor)).size(13))
                            .style(style)
                            .on_press(Message::Show(r))
                            .width(120),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                )
                .padding(4),
            );
        }
        list.into()
    }

    fn used_view<'a>(&'a self, ctx: &'a Ctx, range: NsfpRange) -> Element<'a, Message> {
        let mut col = column![
            text(
                ctx.t(Key::NomorTerpakai)
                    .replace("{range}", &range.to_string())
            )
            .size(16)
        ]
        .spacing(4);
        if self.used.is_empty() {
            return col.push(text(ctx.t(Key::BelumAdaData))).into();
        }
        let cell = |s: String, w: u16| text(s).size(14).width(Length::FillPortion(w));
        col = col.push(
            container(
                row![
                    cell(ctx.t(Key::NomorFaktur).into(), 3),
                    cell(ctx.t(Key::LawanTransaksi).into(), 4),
                    cell(ctx.t(Key::KolomReferensi).into(), 3),
                    cell(ctx.t(Key::DipakaiPada).into(), 3),
                ]
                .spacing(8),
            )
            .padding(4)
            .style(container::secondary),
        );
        for u in &self.used {
            let who = match (&u.faktur_id, &u.lawan_nama) {
                (Some(_), Some(n)) => n.clone(),
                _ => ctx.t(Key::TanpaFaktur).to_string(),
            };
            let when = DateTime::parse_from_rfc3339(&u.used_at)
                .map(|t| t.format("%d/%m/%Y %H:%M").to_string())
                .unwrap_or_else(|_| u.used_at.clone());
            col = col.push(
                row![
                    cell(u.nsfp.to_string(), 3),
                    cell(who, 4),
                    cell(u.referensi.clone().unwrap_or_default(), 3),
                    cell(when, 3),
                ]
                .spacing(8)
                .padding(4),
            );
        }
        let mut nav = row![widget::action(ctx.t(Key::Awal), Message::Show(range), true)].spacing(8);
        if self.used.len() as u32 >= USED_PAGE {
            nav = nav.push(widget::action(ctx.t(Key::Berikutnya), Message::More, true));
        }
        col.push(nav).into()
    }

    fn rekam_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let f = &self.fields;
        let input = |id: &'static str, value: &'a str, field: Field| {
            let hint = if field == Field::Tanggal {
                "dd/mm/yyyy"
            } else {
                ""
            };
            text_input(hint, value)
                .id(id)
                .on_input(move |v| Message::Input(field, v))
                .on_submit(Message::Rekam)
        };
        column![
            widget::field(
                ctx.t(Key::NomorAwal),
                input(DARI_INPUT, &f.dari, Field::Dari),
                f.error(Field::Dari)
            ),
            widget::field(
                ctx.t(Key::NomorAkhir),
                input(SAMPAI_INPUT, &f.sampai, Field::Sampai),
                f.error(Field::Sampai)
            ),
            widget::field(
                ctx.t(Key::TanggalSurat),
                input(TANGGAL_INPUT, &f.tanggal, Field::Tanggal),
                f.error(Field::Tanggal)
            ),
            row![
                widget::action(ctx.t(Key::Simpan), Message::Rekam, !self.busy),
                widget::action(ctx.t(Key::Cancel), Message::CloseDialog, !self.busy),
            ]
            .spacing(8),
        ]
        .spacing(10)
        .into()
    }

    fn minta_view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let f = &self.fields;
        let input = |id: &'static str, value: &'a str, field: Field| {
            text_input("", value)
                .id(id)
                .on_input(move |v| Message::Input(field, v))
                .on_submit(Message::Minta)
        };
        let secret = |id: &'static str, value: &'a Secret, field: Field| {
            widget::secret_input(value, move |v| Message::Secret(field, v))
                .id(id)
                .on_submit(Message::Minta)
        };
        let label = if self.busy {
            ctx.t(Key::ContactingServer)
        } else {
            ctx.t(Key::Submit)
        };
        // A trainee reads the demo PKP's secrets here, as on the Connect screen.
        let training = ctx.active_simulasi().map(|sim| {
            widget::notice(
                Tone::Info,
                format!(
                    "{}: {} {} · {} {}",
                    ctx.t(Key::SimulasiPanel),
                    ctx.t(Key::PasswordEnofa),
                    sim.password.expose(),
                    ctx.t(Key::Passphrase),
                    sim.passphrase.expose()
                ),
            )
        });
        column![
            training,
            text(
                ctx.t(Key::MintaNsfpHint)
                    .replace("{tahun}", &chrono::Local::now().year().to_string())
            )
            .size(14),
            widget::field(
                ctx.t(Key::JumlahNomor),
                input(JUMLAH_INPUT, &f.jumlah, Field::Jumlah),
                f.error(Field::Jumlah)
            ),
            widget::field(
                ctx.t(Key::NamaPemohon),
                input(PEMOHON_INPUT, &f.pemohon, Field::Pemohon),
                f.error(Field::Pemohon)
            ),
            widget::field(
                ctx.t(Key::JabatanPemohon),
                input(JABATAN_INPUT, &f.jabatan, Field::Jabatan),
                f.error(Field::Jabatan)
            ),
            widget::field(
                ctx.t(Key::PasswordEnofa),
                secret(PASSWORD_INPUT, &f.password, Field::Password),
                f.error(Field::Password)
            ),
            widget::field(
                ctx.t(Key::PassphraseBilaPerlu),
                secret(PASSPHRASE_INPUT, &f.passphrase, Field::Passphrase),
                f.error(Field::Passphrase)
            ),
            row![
                widget::action(label, Message::Minta, !self.busy),
                widget::action(ctx.t(Key::Cancel), Message::CloseDialog, !self.busy),
            ]
            .spacing(8),
        ]
        .spacing(10)
        .into()
    }
}

/// Minta NSFP off the UI thread: role, certificate, server, then the range in one transaction.
struct Minta {
    services: Services,
    db: LocalDb,
    server: Server,
    client_id: String,
    user: String,
    /// As typed; empty uses the one remembered in the OS keyring.
    passphrase: Secret,
    passphrase_key: String,
    /// What to say when neither is there, in the chosen language.
    no_passphrase: String,
    request: NsfpRequest,
}

impl Minta {
    async fn run(self) -> Result<NsfpRange, Failure> {
        let user = self.user.clone();
        // Asked before the server hands out numbers: a Perekam's request goes nowhere.
        let meta = self
            .db
            .run(move |s| {
                admin::require_admin(s.conn(), &user)?;
                store::certificate::get(s.conn())
            })
            .await?
            .ok_or_else(|| Failure::coded(DjpCode::Etax30022))?;
        let (secrets, key, typed, none) = (
            self.services.secrets.clone(),
            self.passphrase_key,
            self.passphrase,
            self.no_passphrase,
        );
        let certs = self.services.certs.clone();
        let cert = blocking(move || {
            let passphrase = if typed.is_empty() {
                secrets
                    .get(&key)
                    .map_err(Failure::from)?
                    .ok_or_else(|| Failure::new(Some(DjpCode::Etax30023), none, ""))?
            } else {
                typed
            };
            open_installed(certs.as_ref(), &meta, &passphrase)
        })
        .await?;
        let granted = self
            .services
            .enofa
            .request_nsfp(self.server, cert, self.client_id, self.request)
            .await?;
        let bad = |e: String| {
            Failure::new(
                Some(DjpCode::Etax40002),
                format!("{} ({e})", DjpCode::Etax40002.message()),
                "",
            )
        };
        let awal = Nsfp::parse(&granted.awal).map_err(|e| bad(e.to_string()))?;
        let akhir = Nsfp::parse(&granted.akhir).map_err(|e| bad(e.to_string()))?;
        let range = NsfpRange::new(awal, akhir).map_err(|e| bad(e.to_string()))?;
        let on: NaiveDate = DateTime::parse_from_rfc3339(&granted.allocated_at)
            .map(|t| t.date_naive())
            .unwrap_or_else(|_| chrono::Local::now().date_naive());
        let user = self.user;
        self.db
            .run(move |s| {
                as_admin(s, &user, |tx, admin| {
                    nsfp::record_range(tx, admin, range, on).map(|_| range)
                })
            })
            .await
    }
}
