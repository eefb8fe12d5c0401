//! The Cetak dialog of Administrasi Faktur and the faktur page: the selected faktur, or every
//! faktur of the list's masa and status, printed by `efaktur::print::batch` exactly as
//! `efaktur cetak` does — one PDF per faktur into a folder, or one merged PDF — on a thread of
//! its own with its own read-only connection, the count printed so far shown as it goes.

use std::path::PathBuf;

use efaktur::print::PrintOptions;
use efaktur::print::batch::{self, Printed, Selection};
use efaktur::store::{Store, profile};
use iced::futures::channel::mpsc;
use iced::futures::{Stream, StreamExt};
use iced::widget::{checkbox, column, radio, row, text_input};
use iced::{Element, Task};

use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key};
use crate::ui::service::Failure;
use crate::ui::widget::{self, Tone};

pub const PATH_INPUT: &str = "cetak-path";

/// What may be printed, as the page offers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    /// Shown next to its radio button.
    pub label: String,
    pub selection: SelectionOf,
}

/// [`Selection`] is not `PartialEq`; the dialog only needs to tell its scopes apart.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectionOf {
    Ids(Vec<i64>),
    Filter(efaktur::store::faktur::Filter),
}

impl SelectionOf {
    fn selection(&self) -> Selection {
        match self {
            SelectionOf::Ids(ids) => Selection::Ids(ids.clone()),
            SelectionOf::Filter(f) => Selection::Filter(*f),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// One PDF per faktur, named by nomor.
    Folder,
    /// All in one PDF.
    Merged,
}

#[derive(Debug, Clone)]
pub enum Progress {
    Printed(usize),
    Done(Result<Printed, Failure>),
}

#[derive(Debug, Clone)]
pub enum Message {
    Scope(usize),
    Target(Target),
    PathChanged(String),
    Force(bool),
    Print,
    Progress(Vec<Progress>),
    Close,
}

#[derive(Debug)]
pub struct Cetak {
    scopes: Vec<Scope>,
    scope: usize,
    target: Target,
    folder: String,
    file: String,
    force: bool,
    /// Printed so far while running.
    running: Option<usize>,
    result: Option<Result<Printed, Failure>>,
}

impl Cetak {
    /// `scopes`: what may be printed, the first chosen. Paths start in `<data>/cetak`.
    pub fn new(ctx: &Ctx, scopes: Vec<Scope>) -> Cetak {
        let base = ctx.dirs.data_dir().join("cetak");
        Cetak {
            scopes,
            scope: 0,
            target: Target::Folder,
            folder: base.display().to_string(),
            file: base.join("faktur.pdf").display().to_string(),
            force: false,
            running: None,
            result: None,
        }
    }

    pub fn running(&self) -> bool {
        self.running.is_some()
    }

    /// The last print's failure, if it failed.
    #[cfg(test)]
    pub fn failure(&self) -> Option<&Failure> {
        self.result.as_ref().and_then(|r| r.as_ref().err())
    }

    /// `true` when the dialog is to close.
    pub fn update(&mut self, message: Message, ctx: &Ctx) -> (Task<Message>, bool) {
        match message {
            Message::Scope(i) if !self.running() => self.scope = i.min(self.scopes.len()),
            Message::Target(t) if !self.running() => self.target = t,
            Message::PathChanged(p) if !self.running() => match self.target {
                Target::Folder => self.folder = p,
                Target::Merged => self.file = p,
            },
            Message::Force(f) if !self.running() => self.force = f,
            Message::Print if !self.running() => return (self.print(ctx), false),
            Message::Progress(batch) => {
                for p in batch {
                    match p {
                        Progress::Printed(n) => self.running = Some(n),
                        Progress::Done(r) => {
                            self.running = None;
                            self.result = Some(r);
                        }
                    }
                }
            }
            // Closing while printing leaves the print going; its files are complete or absent.
            Message::Close => return (Task::none(), true),
            _ => {}
        }
        (Task::none(), false)
    }

    fn path(&self) -> &str {
        match self.target {
            Target::Folder => &self.folder,
            Target::Merged => &self.file,
        }
    }

    fn print(&mut self, ctx: &Ctx) -> Task<Message> {
        let (Some(db), Some(scope)) = (ctx.db(), self.scopes.get(self.scope)) else {
            return Task::none();
        };
        let path = PathBuf::from(self.path().trim());
        if path.as_os_str().is_empty() {
            self.result =
                Some(Err(Failure::said(None, Key::CetakTujuanKosong, &[])
                    .with_hint(Key::CetakTulisTujuan)));
            return Task::none();
        }
        let job = Job {
            db_path: db.path().to_path_buf(),
            selection: scope.selection.selection(),
            opts: PrintOptions {
                kota: ctx.settings.cetak.kota.clone(),
                penandatangan: ctx.settings.cetak.penandatangan.clone(),
            },
            target: self.target,
            path,
            force: self.force,
        };
        self.running = Some(0);
        self.result = None;
        Task::run(job.start().ready_chunks(64), Message::Progress)
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let mut col = column![].spacing(10);
        for (i, s) in self.scopes.iter().enumerate() {
            col = col.push(radio(s.label.as_str(), i, Some(self.scope), Message::Scope));
        }
        col = col
            .push(
                row![
                    radio(
                        ctx.t(Key::CetakKeFolder),
                        Target::Folder,
                        Some(self.target),
                        Message::Target
                    ),
                    radio(
                        ctx.t(Key::CetakGabung),
                        Target::Merged,
                        Some(self.target),
                        Message::Target
                    ),
                ]
                .spacing(16),
            )
            .push(widget::field(
                ctx.t(Key::CetakTujuan),
                text_input("", self.path())
                    .id(PATH_INPUT)
                    .on_input(Message::PathChanged)
                    .on_submit(Message::Print),
                None,
            ))
            .push(
                checkbox(self.force)
                    .label(ctx.t(Key::CetakTimpa))
                    .on_toggle(Message::Force),
            );
        if let Some(n) = self.running {
            let said = i18n::counted(
                ctx.lang(),
                ctx.t(Key::CetakBerjalan).replace("{n}", &n.to_string()),
            );
            col = col.push(widget::notice(Tone::Info, said));
        }
        match &self.result {
            Some(Ok(p)) => {
                let said = i18n::counted(
                    ctx.lang(),
                    ctx.t(Key::CetakSelesai)
                        .replace("{n}", &p.faktur.to_string())
                        .replace("{tujuan}", self.path().trim()),
                );
                col = col.push(widget::notice(Tone::Success, said));
                if !p.kept.is_empty() {
                    let kept = i18n::counted(
                        ctx.lang(),
                        ctx.t(Key::CetakDilewati)
                            .replace("{n}", &p.kept.len().to_string()),
                    );
                    col = col.push(widget::notice(Tone::Warning, kept));
                }
                if p.faktur == 0 && p.kept.is_empty() {
                    col = col.push(widget::notice(Tone::Warning, ctx.t(Key::TidakAdaCocok)));
                }
            }
            Some(Err(f)) => col = col.push(widget::failure_in(ctx.lang(), f)),
            None => {}
        }
        col.push(
            row![
                widget::action(ctx.t(Key::MulaiCetak), Message::Print, !self.running()),
                widget::action(ctx.t(Key::Close), Message::Close, true),
            ]
            .spacing(8),
        )
        .into()
    }
}

/// One print, off the UI thread.
struct Job {
    db_path: PathBuf,
    selection: Selection,
    opts: PrintOptions,
    target: Target,
    path: PathBuf,
    force: bool,
}

impl Job {
    fn start(self) -> impl Stream<Item = Progress> {
        let (tx, rx) = mpsc::unbounded();
        let done = tx.clone();
        let spawned = std::thread::Builder::new()
            .name("cetak".into())
            .spawn(move || {
                let result = self.run(|n| {
                    let _ = tx.unbounded_send(Progress::Printed(n));
                });
                let _ = tx.unbounded_send(Progress::Done(result));
            });
        if let Err(e) = spawned {
            let _ = done.unbounded_send(Progress::Done(Err(Failure::said(
                None,
                Key::CetakTidakJalan,
                &[("{error}", e.to_string())],
            )
            .with_hint(Key::CobaLagi))));
        }
        rx
    }

    fn run(self, tick: impl FnMut(usize)) -> Result<Printed, Failure> {
        let store = Store::open_read_only(&self.db_path).map_err(Failure::from)?;
        let seller = profile::get(store.conn())
            .map_err(Failure::from)?
            .ok_or_else(|| Failure::said(None, Key::ProfilPkpKosong, &[]))?;
        let printed = match self.target {
            Target::Folder => batch::to_folder(
                store.conn(),
                &self.selection,
                &seller,
                &self.opts,
                &self.path,
                self.force,
                tick,
            ),
            Target::Merged => batch::merged(
                store.conn(),
                &self.selection,
                &seller,
                &self.opts,
                &self.path,
                self.force,
                tick,
            ),
        };
        printed.map_err(|e| match e {
            batch::BatchError::Exists(p) => Failure::said(
                None,
                Key::CetakFileAda,
                &[("{file}", p.display().to_string())],
            )
            .with_hint(Key::CetakCentangTimpa),
            e => Failure::from(e).with_hint(Key::CetakPerbaikiTujuan),
        })
    }
}
