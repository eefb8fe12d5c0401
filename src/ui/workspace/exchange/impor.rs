//! Faktur > Impor: choose a file (or type its path), import it on a background task with a
//! progress bar and *Batal*, then every problem found in a table that can be saved as CSV.
//! Nothing is written when anything is wrong, unless "impor yang benar saja" was chosen.

use std::path::PathBuf;
use std::sync::Arc;

use efaktur::exchange::control::Control;
use efaktur::exchange::{FileKind, Report};
use iced::widget::{
    checkbox, column, container, operation, progress_bar, row, scrollable, text, text_input,
};
use iced::{Element, Length, Task};

use super::importer::{self, Imported, Request};
use super::job::{self, Event, Step};
use super::problems::{self, Saved};
use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key, Lang, errors};
use crate::ui::service::{Failure, blocking};
use crate::ui::widget::{self, Tone};
use crate::ui::workspace::page::Action;
use crate::ui::workspace::route::Route;

pub const PATH_INPUT: &str = "impor-path";
pub const PROBLEMS_INPUT: &str = "impor-problems-path";
/// What the file chooser offers.
const EXTENSIONS: &[&str] = &["csv", "txt", "xml", "xlsx", "xlsm"];

#[derive(Debug, Clone)]
pub enum Message {
    PathChanged(String),
    Pick,
    Picked(Option<PathBuf>),
    SkipInvalid(bool),
    Start,
    Cancel,
    /// An event of the job with this id ([`job::next_id`]).
    Job(u64, Event<Imported>),
    ProblemsPathChanged(String),
    SaveProblems,
    /// Replace the existing problems file (answer of the dialog), or keep it.
    Overwrite(bool),
    Saved(Result<Saved, Failure>),
    OpenAdministrasi,
    /// The Retur or Dokumen Lain page on the newest masa imported.
    OpenDokumen(Route),
}

/// An import on its way.
#[derive(Debug)]
struct Running {
    id: u64,
    control: Arc<Control>,
    step: Step,
    /// Progress counts rows (a spreadsheet) rather than bytes.
    rows: bool,
}

#[derive(Debug, Default)]
pub struct Impor {
    path: String,
    path_error: Option<String>,
    skip_invalid: bool,
    running: Option<Running>,
    result: Option<Result<Imported, Failure>>,
    /// The file the result is about (the path field may change meanwhile).
    imported_from: PathBuf,
    problems_path: String,
    /// The problems file exists: the dialog asks before replacing it.
    confirm_overwrite: Option<PathBuf>,
    saved: Option<Result<PathBuf, Failure>>,
}

impl Impor {
    pub fn new(_ctx: &Ctx) -> (Self, Task<Message>) {
        (Impor::default(), operation::focus(PATH_INPUT))
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Stops the running import (it rolls back: nothing of the file stays).
    pub fn cancel(&self) {
        if let Some(r) = &self.running {
            r.control.cancel();
        }
    }

    #[cfg(test)]
    pub fn step(&self) -> Option<Step> {
        self.running.as_ref().map(|r| r.step)
    }

    #[cfg(test)]
    pub fn result(&self) -> Option<&Result<Imported, Failure>> {
        self.result.as_ref()
    }

    pub fn on_escape(&self) -> Option<Message> {
        self.confirm_overwrite
            .is_some()
            .then_some(Message::Overwrite(false))
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action<Message> {
        match message {
            Message::PathChanged(p) => {
                self.path = p;
                self.path_error = None;
            }
            Message::Pick => {
                let picker = ctx.services.picker.clone();
                let title = ctx.t(Key::PilihFileImpor).to_string();
                return Action::Run(Task::perform(
                    async move { picker.pick(title, EXTENSIONS).await },
                    Message::Picked,
                ));
            }
            Message::Picked(Some(p)) => {
                self.path = p.display().to_string();
                self.path_error = None;
            }
            Message::Picked(None) => {}
            Message::SkipInvalid(on) => self.skip_invalid = on,
            Message::Start => return self.start(ctx),
            Message::Cancel => self.cancel(),
            Message::Job(id, _) if self.running.as_ref().map(|r| r.id) != Some(id) => {}
            Message::Job(_, Event::Progress(step)) => {
                if let Some(r) = &mut self.running {
                    r.step = step;
                }
            }
            Message::Job(_, Event::Done(result)) => self.finished(result),
            Message::ProblemsPathChanged(p) => {
                self.problems_path = p;
                self.saved = None;
            }
            Message::SaveProblems => return self.save(ctx, false),
            Message::Overwrite(yes) => {
                self.confirm_overwrite = None;
                if yes {
                    return self.save(ctx, true);
                }
            }
            Message::Saved(Ok(Saved::Exists(p))) => self.confirm_overwrite = Some(p),
            Message::Saved(Ok(Saved::Written(p))) => self.saved = Some(Ok(p)),
            Message::Saved(Err(f)) => self.saved = Some(Err(f)),
            Message::OpenAdministrasi => {
                let masukan = matches!(
                    self.result,
                    Some(Ok(Imported {
                        report: Report {
                            kind: FileKind::PajakMasukan,
                            ..
                        },
                        ..
                    }))
                );
                return Action::Push(Route::Administrasi { masukan });
            }
            Message::OpenDokumen(route) => return Action::Push(route),
        }
        Action::None
    }

    fn start(&mut self, ctx: &Ctx) -> Action<Message> {
        let Some(db) = ctx.db() else {
            return Action::None;
        };
        if self.running.is_some() {
            return Action::None;
        }
        let path = self.path.trim();
        if path.is_empty() {
            self.path_error = Some(ctx.t(Key::Required).to_string());
            return Action::Run(operation::focus(PATH_INPUT));
        }
        let path = PathBuf::from(path);
        let request = Request {
            path: path.clone(),
            skip_invalid: self.skip_invalid,
            actor: ctx
                .session
                .as_ref()
                .and_then(|s| s.user.clone())
                .unwrap_or_else(|| "impor".into()),
            lang: ctx.lang(),
        };
        let control = Arc::new(Control::new());
        let id = job::next_id();
        self.running = Some(Running {
            id,
            control: control.clone(),
            step: Step::default(),
            rows: efaktur::exchange::xlsx::is_xlsx(&path),
        });
        self.result = None;
        self.saved = None;
        self.problems_path = problems::default_path(&path).display().to_string();
        self.imported_from = path;
        let work =
            move |step: &mut dyn FnMut(Step)| importer::import(&db, &request, &control, step);
        Action::Run(Task::run(job::run(work), move |e| Message::Job(id, e)))
    }

    fn finished(&mut self, result: Result<Imported, Failure>) {
        self.running = None;
        if let Err(f) = &result {
            tracing::warn!(error = %f, "impor");
        }
        self.result = Some(result);
    }

    fn save(&mut self, ctx: &Ctx, force: bool) -> Action<Message> {
        let Some(Ok(imported)) = &self.result else {
            return Action::None;
        };
        let target = PathBuf::from(self.problems_path.trim());
        let report = imported.report.clone();
        let lang = ctx.lang();
        Action::Run(Task::perform(
            blocking(move || problems::save(&report, &target, force, lang)),
            Message::Saved,
        ))
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let idle = self.running.is_none();
        let input = text_input("", &self.path)
            .id(PATH_INPUT)
            .on_input_maybe(idle.then_some(Message::PathChanged))
            .on_submit_maybe(idle.then_some(Message::Start));
        let mut col = column![
            text(ctx.t(Key::MenuImpor)).size(22),
            widget::path_field(
                ctx.t(Key::ImporFile),
                input,
                ctx.t(Key::Pilih),
                idle.then_some(Message::Pick),
                self.path_error.as_deref(),
            ),
            checkbox(self.skip_invalid)
                .label(ctx.t(Key::ImporYangBenar))
                .on_toggle_maybe(idle.then_some(Message::SkipInvalid)),
            widget::action(ctx.t(Key::ImporMulai), Message::Start, idle),
        ]
        .spacing(12)
        .max_width(900);
        if let Some(r) = &self.running {
            col = col.push(progress_view(ctx, r));
        }
        match &self.result {
            None => {}
            Some(Err(f)) => col = col.push(widget::failure_in(ctx.lang(), f)),
            Some(Ok(imported)) => col = col.push(self.result_view(ctx, imported)),
        }
        let page: Element<'a, Message> = container(col).height(Length::Fill).into();
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
                widget::dialog(page, ctx.t(Key::SimpanMasalah), body.into())
            }
            None => page,
        }
    }

    fn result_view<'a>(&'a self, ctx: &'a Ctx, imported: &'a Imported) -> Element<'a, Message> {
        let lang = ctx.lang();
        if imported.cancelled {
            return widget::notice(Tone::Info, ctx.t(Key::ImporDibatalkan));
        }
        let r = &imported.report;
        let summary = i18n::counted(
            lang,
            ctx.t(Key::ImporSelesai)
                .replace("{file}", &self.imported_from.display().to_string())
                .replace("{imported}", &i18n::rupiah(lang, r.imported as i64))
                .replace("{faktur}", &i18n::rupiah(lang, r.faktur as i64))
                .replace("{errors}", &i18n::rupiah(lang, r.errors.total() as i64))
                .replace(
                    "{warnings}",
                    &i18n::rupiah(lang, (r.warnings.len() as u64 + r.warnings_omitted) as i64),
                ),
        );
        let (tone, next) = if r.is_clean() {
            (Tone::Success, None)
        } else if r.imported == 0 {
            (Tone::Error, Some(Key::ImporTidakAdaYangDitulis))
        } else {
            (Tone::Warning, Some(Key::ImporSebagian))
        };
        let mut col = column![widget::notice(tone, summary)].spacing(10);
        if let Some(k) = next {
            col = col.push(text(ctx.t(k)).size(14));
        }
        if r.imported > 0
            && matches!(
                r.kind,
                FileKind::PajakKeluaran | FileKind::PajakMasukan | FileKind::CoretaxXml
            )
        {
            col = col.push(widget::action(
                ctx.t(Key::BukaAdministrasi),
                Message::OpenAdministrasi,
                true,
            ));
        }
        if let Some(n) = r.newest_masa.filter(|_| r.imported > 0) {
            let dokumen_lain = r.kind == FileKind::DokumenLain;
            let key = if dokumen_lain {
                Key::BukaDokumenLain
            } else {
                Key::BukaRetur
            };
            let route = Route::DokumenMasa {
                dokumen_lain,
                masukan: n.masukan,
                tahun: n.tahun,
                masa: n.masa,
            };
            let label = ctx
                .t(key)
                .replace("{masa}", &format!("{:02}/{}", n.masa, n.tahun));
            col = col.push(
                iced::widget::button(text(label))
                    .padding([6, 16])
                    .on_press(Message::OpenDokumen(route)),
            );
        }
        if !r.errors.is_empty() || !r.warnings.is_empty() {
            col = col.push(problems_table(ctx, r));
            let hidden = r.errors.omitted() + r.warnings_omitted;
            if hidden > 0 {
                col = col.push(
                    text(
                        ctx.t(Key::MasalahLain)
                            .replace("{n}", &i18n::rupiah(lang, hidden as i64)),
                    )
                    .size(13),
                );
            }
            let input = text_input("", &self.problems_path)
                .id(PROBLEMS_INPUT)
                .on_input(Message::ProblemsPathChanged)
                .on_submit(Message::SaveProblems)
                .padding(6);
            col = col.push(
                column![
                    text(ctx.t(Key::FileMasalah)).size(14),
                    row![
                        input.width(Length::Fill),
                        widget::action(ctx.t(Key::SimpanMasalah), Message::SaveProblems, true),
                    ]
                    .spacing(8),
                ]
                .spacing(4),
            );
            match &self.saved {
                None => {}
                Some(Ok(p)) => {
                    col = col.push(widget::notice(
                        Tone::Success,
                        ctx.t(Key::MasalahDisimpan)
                            .replace("{file}", &p.display().to_string()),
                    ))
                }
                Some(Err(f)) => col = col.push(widget::failure_in(ctx.lang(), f)),
            }
        }
        col.into()
    }
}

fn progress_view<'a>(ctx: &'a Ctx, r: &Running) -> Element<'a, Message> {
    let lang = ctx.lang();
    let s = r.step;
    let amount = |n: u64| {
        if r.rows {
            i18n::rupiah(lang, n as i64)
        } else {
            size(lang, n)
        }
    };
    let line = ctx
        .t(if r.rows {
            Key::ImporBerjalanBaris
        } else {
            Key::ImporBerjalan
        })
        .replace("{done}", &amount(s.done))
        .replace("{total}", &amount(s.total))
        .replace("{faktur}", &i18n::rupiah(lang, s.faktur as i64));
    let cancelling = r.control.is_cancelled();
    column![
        progress_bar(0.0..=1.0, s.fraction()),
        row![
            text(if cancelling {
                ctx.t(Key::Membatalkan).to_string()
            } else {
                line
            })
            .width(Length::Fill),
            widget::action(ctx.t(Key::Cancel), Message::Cancel, !cancelling),
        ]
        .spacing(12)
        .align_y(iced::Alignment::Center),
    ]
    .spacing(6)
    .into()
}

/// Bytes as a person reads them, in whole kilobytes: `12.345 KB` (`12,345 KB` in English).
pub fn size(lang: Lang, bytes: u64) -> String {
    format!("{} KB", i18n::rupiah(lang, bytes.div_ceil(1024) as i64))
}

/// Every kept problem, errors then warnings, in one table.
fn problems_table<'a>(ctx: &'a Ctx, r: &'a Report) -> Element<'a, Message> {
    let cell = |s: String, w: u16| text(s).size(13).width(Length::Fixed(f32::from(w)));
    let header = row![
        cell(ctx.t(Key::Baris).into(), 60),
        cell(ctx.t(Key::Kolom).into(), 190),
        cell(ctx.t(Key::Kode).into(), 100),
        text(ctx.t(Key::Pesan)).size(13).width(Length::Fill),
    ]
    .spacing(8);
    let mut rows = column![].spacing(2);
    let all = r
        .errors
        .iter()
        .map(|p| (p, false))
        .chain(r.warnings.iter().map(|p| (p, true)));
    for (p, warning) in all {
        let said = errors::problem_message(ctx.lang(), p);
        let message = if warning {
            format!("{}: {said}", ctx.t(Key::Peringatan))
        } else {
            said.to_string()
        };
        rows = rows.push(
            row![
                cell(p.line.to_string(), 60),
                cell(p.column.clone(), 190),
                cell(p.code.as_str().to_string(), 100),
                text(message).size(13).width(Length::Fill),
            ]
            .spacing(8),
        );
    }
    column![
        container(header)
            .padding([4, 8])
            .style(container::rounded_box),
        scrollable(container(rows).padding([0, 8])).height(Length::Fixed(280.0)),
    ]
    .spacing(4)
    .into()
}
