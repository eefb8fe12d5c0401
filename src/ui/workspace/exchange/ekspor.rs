//! Faktur > Ekspor: the faktur of a masa/tahun (and status) to e-Faktur CSV or Coretax XML, or its
//! retur or dokumen lain to DJP's CSV, on a background task with progress and *Batal*; an
//! existing file is replaced only after asking.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::Datelike;
use efaktur::domain::ApprovalStatus;
use efaktur::exchange::control::Control;
use iced::widget::{column, operation, pick_list, progress_bar, row, text, text_input};
use iced::{Element, Length, Task};

use super::exporter::{self, DocKind, Exported, Format, Request};
use super::job::{self, Event, Step};
use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key};
use crate::ui::service::Failure;
use crate::ui::widget::{self, Tone};
use crate::ui::workspace::page::Action;

pub const PATH_INPUT: &str = "ekspor-path";

/// An option of a pick list with its label in the chosen language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice<T> {
    pub value: T,
    label: String,
}

impl<T> Choice<T> {
    pub fn new(value: T, label: impl Into<String>) -> Choice<T> {
        Choice {
            value,
            label: label.into(),
        }
    }
}

impl<T> fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Masa(u8),
    TahunChanged(String),
    /// Faktur, Retur or Dokumen Lain.
    Dokumen(Choice<DocKind>),
    Masukan(Choice<bool>),
    Status(Choice<Option<ApprovalStatus>>),
    Format(Choice<Format>),
    PathChanged(String),
    Start,
    Cancel,
    /// An event of the job with this id ([`job::next_id`]).
    Job(u64, Event<Exported>),
    /// The answer of the "replace the existing file?" dialog.
    Overwrite(bool),
}

#[derive(Debug)]
struct Running {
    id: u64,
    control: Arc<Control>,
    step: Step,
    dokumen: DocKind,
    /// Coretax XML is written whole at the end: Batal is offered for CSV only.
    cancellable: bool,
}

#[derive(Debug)]
pub struct Ekspor {
    dokumen: DocKind,
    /// What the shown result counts.
    exported: DocKind,
    masa: u8,
    tahun: String,
    masukan: bool,
    status: Option<ApprovalStatus>,
    format: Format,
    path: String,
    /// The user typed a path: it no longer follows masa, tahun and format.
    path_typed: bool,
    folder: PathBuf,
    npwp: String,
    error: Option<String>,
    running: Option<Running>,
    result: Option<Result<Exported, Failure>>,
    confirm_overwrite: Option<PathBuf>,
}

impl Ekspor {
    pub fn new(ctx: &Ctx) -> (Self, Task<Message>) {
        let today = chrono::Local::now().date_naive();
        let folder = directories::UserDirs::new()
            .map(|u| {
                u.document_dir()
                    .unwrap_or_else(|| u.home_dir())
                    .to_path_buf()
            })
            .unwrap_or_else(|| ctx.dirs.data_dir().to_path_buf());
        let npwp = ctx
            .session
            .as_ref()
            .map(|s| s.profile.npwp.digits().to_string())
            .unwrap_or_default();
        let mut page = Ekspor {
            dokumen: DocKind::Faktur,
            exported: DocKind::Faktur,
            masa: today.month() as u8,
            tahun: today.year().to_string(),
            masukan: false,
            status: None,
            format: Format::EfakturCsv,
            path: String::new(),
            path_typed: false,
            folder,
            npwp,
            error: None,
            running: None,
            result: None,
            confirm_overwrite: None,
        };
        page.suggest_path();
        (page, operation::focus(PATH_INPUT))
    }

    #[cfg(test)]
    pub fn result(&self) -> Option<&Result<Exported, Failure>> {
        self.result.as_ref()
    }

    #[cfg(test)]
    pub fn format(&self) -> Format {
        self.format
    }

    #[cfg(test)]
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Stops the running export (its file is not written).
    pub fn cancel(&self) {
        if let Some(r) = &self.running {
            r.control.cancel();
        }
    }

    pub fn on_escape(&self) -> Option<Message> {
        self.confirm_overwrite
            .is_some()
            .then_some(Message::Overwrite(false))
    }

    fn coretax_possible(&self) -> bool {
        self.dokumen == DocKind::Faktur && !self.masukan
    }

    fn tahun(&self) -> Option<u16> {
        self.tahun
            .trim()
            .parse()
            .ok()
            .filter(|y| (2000..=2099).contains(y))
    }

    fn request(&self, ctx: &Ctx, force: bool) -> Option<Request> {
        Some(Request {
            dokumen: self.dokumen,
            masa: self.masa,
            tahun: self.tahun()?,
            masukan: self.masukan,
            status: self.status,
            format: self.format,
            path: PathBuf::from(self.path.trim()),
            force,
            lang: ctx.lang(),
        })
    }

    /// Keeps the suggested file name in step with the choices, until the user types one.
    fn suggest_path(&mut self) {
        if self.path_typed {
            return;
        }
        let tahun = self.tahun().unwrap_or(0);
        let r = Request {
            dokumen: self.dokumen,
            masa: self.masa,
            tahun,
            masukan: self.masukan,
            status: None,
            format: self.format,
            path: PathBuf::new(),
            force: false,
            lang: Default::default(),
        };
        self.path = exporter::default_name(&self.folder, &self.npwp, &r)
            .display()
            .to_string();
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action<Message> {
        match message {
            Message::Masa(m) => self.masa = m,
            Message::TahunChanged(t) => self.tahun = t,
            Message::Dokumen(c) => self.dokumen = c.value,
            Message::Masukan(c) => self.masukan = c.value,
            Message::Status(c) => self.status = c.value,
            Message::Format(c) => self.format = c.value,
            Message::PathChanged(p) => {
                self.path = p;
                self.path_typed = true;
            }
            Message::Start => return self.start(ctx, false),
            Message::Cancel => self.cancel(),
            Message::Job(id, _) if self.running.as_ref().map(|r| r.id) != Some(id) => {}
            Message::Job(_, Event::Progress(s)) => {
                if let Some(r) = &mut self.running {
                    r.step = s;
                }
            }
            Message::Job(_, Event::Done(result)) => {
                self.running = None;
                match result {
                    Ok(Exported::Exists(p)) => self.confirm_overwrite = Some(p),
                    other => self.result = Some(other),
                }
            }
            Message::Overwrite(yes) => {
                self.confirm_overwrite = None;
                if yes {
                    return self.start(ctx, true);
                }
            }
        }
        if !self.coretax_possible() {
            // Coretax XML is for faktur keluaran only.
            self.format = Format::EfakturCsv;
        }
        self.error = None;
        self.suggest_path();
        Action::None
    }

    fn start(&mut self, ctx: &Ctx, force: bool) -> Action<Message> {
        let Some(db) = ctx.db() else {
            return Action::None;
        };
        if self.running.is_some() {
            return Action::None;
        }
        let Some(request) = self.request(ctx, force) else {
            self.error = Some(ctx.t(Key::TahunSalah).into());
            return Action::None;
        };
        if self.path.trim().is_empty() {
            self.error = Some(ctx.t(Key::Required).into());
            return Action::Run(operation::focus(PATH_INPUT));
        }
        let control = Arc::new(Control::new());
        let id = job::next_id();
        self.running = Some(Running {
            id,
            control: control.clone(),
            step: Step::default(),
            dokumen: request.dokumen,
            cancellable: request.format == Format::EfakturCsv,
        });
        self.result = None;
        self.error = None;
        self.exported = request.dokumen;
        let work =
            move |step: &mut dyn FnMut(Step)| exporter::export(&db, &request, &control, step);
        Action::Run(Task::run(job::run(work), move |e| Message::Job(id, e)))
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let lang = ctx.lang();
        let idle = self.running.is_none();
        let masa: Vec<u8> = (1..=12).collect();
        let jenis = vec![
            Choice::new(false, ctx.t(Key::PajakKeluaran)),
            Choice::new(true, ctx.t(Key::PajakMasukan)),
        ];
        let jenis_now = jenis.iter().find(|c| c.value == self.masukan).cloned();
        let mut status = vec![Choice::new(None, ctx.t(Key::Semua))];
        status.extend(
            ApprovalStatus::ALL
                .iter()
                .map(|s| Choice::new(Some(*s), s.label())),
        );
        let status_now = status.iter().find(|c| c.value == self.status).cloned();
        let dokumen = vec![
            Choice::new(DocKind::Faktur, ctx.t(Key::MenuFaktur)),
            Choice::new(DocKind::Retur, ctx.t(Key::EksporPilihRetur)),
            Choice::new(DocKind::DokumenLain, ctx.t(Key::MenuDokumenLain)),
        ];
        let dokumen_now = dokumen.iter().find(|c| c.value == self.dokumen).cloned();
        let mut formats = vec![Choice::new(Format::EfakturCsv, ctx.t(Key::EfakturCsv))];
        if self.coretax_possible() {
            formats.push(Choice::new(Format::CoretaxXml, ctx.t(Key::CoretaxXml)));
        }
        let format_now = formats.iter().find(|c| c.value == self.format).cloned();
        let labelled = |label: Key, e: Element<'a, Message>| -> Element<'a, Message> {
            column![text(ctx.t(label)).size(14), e].spacing(4).into()
        };
        let choices = row![
            labelled(
                Key::Masa,
                pick_list(masa, Some(self.masa), Message::Masa).into()
            ),
            labelled(
                Key::Tahun,
                text_input("", &self.tahun)
                    .on_input(Message::TahunChanged)
                    .on_submit(Message::Start)
                    .padding(6)
                    .width(Length::Fixed(90.0))
                    .into()
            ),
            labelled(
                Key::EksporDokumen,
                pick_list(dokumen, dokumen_now, Message::Dokumen).into()
            ),
            labelled(
                Key::JenisFaktur,
                pick_list(jenis, jenis_now, Message::Masukan).into()
            ),
            labelled(
                Key::Status,
                pick_list(status, status_now, Message::Status).into()
            ),
            labelled(
                Key::Format,
                pick_list(formats, format_now, Message::Format).into()
            ),
        ]
        .spacing(12);
        let path = text_input("", &self.path)
            .id(PATH_INPUT)
            .on_input(Message::PathChanged)
            .on_submit(Message::Start)
            .padding(6);
        let mut col = column![
            text(ctx.t(Key::MenuEkspor)).size(22),
            choices,
            widget::field(ctx.t(Key::FileTujuan), path, self.error.as_deref()),
            widget::action(ctx.t(Key::EksporMulai), Message::Start, idle),
        ]
        .spacing(12)
        .max_width(900);
        if let Some(r) = &self.running {
            let cancelling = r.control.is_cancelled();
            let line = if cancelling {
                ctx.t(Key::Membatalkan).to_string()
            } else if r.dokumen == DocKind::Faktur {
                i18n::counted(
                    lang,
                    ctx.t(Key::EksporBerjalan)
                        .replace("{faktur}", &i18n::rupiah(lang, r.step.faktur as i64)),
                )
            } else {
                ctx.t(Key::EksporDokumenBerjalan)
                    .replace("{n}", &i18n::rupiah(lang, r.step.faktur as i64))
            };
            col = col.push(
                column![
                    progress_bar(0.0..=1.0, if r.step.faktur > 0 { 1.0 } else { 0.0 }).girth(4),
                    row![
                        text(line).width(Length::Fill),
                        widget::action(
                            ctx.t(Key::Cancel),
                            Message::Cancel,
                            r.cancellable && !cancelling
                        ),
                    ]
                    .spacing(12),
                ]
                .spacing(6),
            );
        }
        match &self.result {
            None => {}
            Some(Err(f)) => col = col.push(widget::failure_in(ctx.lang(), f)),
            Some(Ok(e)) => col = col.push(result_view(ctx, e, self.exported)),
        }
        let page: Element<'a, Message> = col.into();
        match &self.confirm_overwrite {
            Some(p) => {
                let body = column![
                    text(
                        ctx.t(Key::FileSudahAda)
                            .replace("{file}", &p.display().to_string())
                    ),
                    row![
                        widget::action(ctx.t(Key::Timpa), Message::Overwrite(true), true),
                        widget::action(ctx.t(Key::Cancel), Message::Overwrite(false), true),
                    ]
                    .spacing(8),
                ]
                .spacing(12);
                widget::dialog(page, ctx.t(Key::MenuEkspor), body.into())
            }
            None => page,
        }
    }
}

fn result_view<'a>(ctx: &'a Ctx, e: &'a Exported, dokumen: DocKind) -> Element<'a, Message> {
    let lang = ctx.lang();
    let faktur = dokumen == DocKind::Faktur;
    match e {
        Exported::Written {
            files,
            faktur: count,
            skipped,
            removed,
        } => {
            let n = i18n::rupiah(lang, *count as i64);
            let done = if faktur {
                i18n::counted(lang, ctx.t(Key::EksporSelesai).replace("{faktur}", &n))
            } else {
                ctx.t(Key::EksporDokumenSelesai).replace("{n}", &n)
            };
            let mut col = column![widget::notice(Tone::Success, done)].spacing(6);
            for f in files {
                col = col.push(text(f.display().to_string()).size(14));
            }
            if *skipped > 0 {
                col = col.push(
                    text(
                        ctx.t(Key::EksporBatalDilewati)
                            .replace("{n}", &i18n::rupiah(lang, *skipped as i64)),
                    )
                    .size(14),
                );
            }
            for f in removed {
                col = col.push(
                    text(
                        ctx.t(Key::FileDihapus)
                            .replace("{file}", &f.display().to_string()),
                    )
                    .size(14),
                );
            }
            col.into()
        }
        Exported::Nothing if faktur => widget::notice(Tone::Warning, ctx.t(Key::EksporKosong)),
        Exported::Nothing => widget::notice(Tone::Warning, ctx.t(Key::EksporDokumenKosong)),
        Exported::Cancelled => widget::notice(Tone::Info, ctx.t(Key::EksporDibatalkan)),
        // Turned into the dialog by `update`.
        Exported::Exists(_) => text("").into(),
    }
}
