//! File > Backup and File > Restore: a backup of the open Local Database (taken while the window
//! keeps working), and restoring one after checking it, with a confirmation; after a restore the
//! window returns to Pilih Database, so nothing keeps using the replaced data.

use std::path::PathBuf;

use efaktur::store::backup::{self, Checked, Restored};
use iced::widget::{column, row, text, text_input};
use iced::{Element, Task};

use super::page::Action;
use crate::ui::ctx::Ctx;
use crate::ui::i18n::Key;
use crate::ui::service::{Failure, blocking};
use crate::ui::widget::{self, Tone};

#[derive(Debug, Clone)]
pub enum Message {
    BackupNow,
    BackedUp(Result<PathBuf, Failure>),
    PathChanged(String),
    Pick,
    Picked(Option<PathBuf>),
    Check,
    Checked(Result<Checked, Failure>),
    Confirm,
    Cancel,
    Restored(Result<Restored, Failure>),
}

#[derive(Debug, Default)]
pub struct Cadangan {
    restore: bool,
    busy: bool,
    path: String,
    made: Option<PathBuf>,
    checked: Option<Checked>,
    confirming: bool,
    banner: Option<Failure>,
}

fn failure(e: backup::BackupError) -> Failure {
    tracing::warn!(error = %e, "backup/restore");
    Failure::from(e)
}

impl Cadangan {
    pub fn new(restore: bool) -> (Self, Task<Message>) {
        (
            Cadangan {
                restore,
                ..Cadangan::default()
            },
            Task::none(),
        )
    }

    pub fn restore(&self) -> bool {
        self.restore
    }

    /// Esc closes the confirmation first.
    pub fn on_escape(&self) -> Option<Message> {
        self.confirming.then_some(Message::Cancel)
    }

    pub fn update(&mut self, message: Message, ctx: &Ctx) -> Action<Message> {
        match message {
            Message::BackupNow => {
                let Some(db) = ctx.db() else {
                    return Action::None;
                };
                self.start();
                let path = db.path().to_path_buf();
                return Action::Run(Task::perform(
                    blocking(move || backup::backup(&path, None).map_err(failure)),
                    Message::BackedUp,
                ));
            }
            Message::BackedUp(r) => {
                self.busy = false;
                match r {
                    Ok(p) => self.made = Some(p),
                    Err(f) => self.banner = Some(f),
                }
            }
            Message::PathChanged(p) => {
                self.path = p;
                self.checked = None;
            }
            Message::Pick => {
                let picker = ctx.services.picker.clone();
                let title = ctx.t(Key::PilihCadangan).to_string();
                return Action::Run(Task::perform(
                    async move { picker.pick(title, &["db", "sqlite"]).await },
                    Message::Picked,
                ));
            }
            Message::Picked(Some(p)) => {
                self.path = p.display().to_string();
                return self.update(Message::Check, ctx);
            }
            Message::Picked(None) => {}
            Message::Check => {
                self.start();
                let (dirs, file) = (ctx.dirs.clone(), PathBuf::from(self.path.trim()));
                return Action::Run(Task::perform(
                    blocking(move || backup::inspect(&dirs, &file).map_err(failure)),
                    Message::Checked,
                ));
            }
            Message::Checked(r) => {
                self.busy = false;
                match r {
                    Ok(c) => self.checked = Some(c),
                    Err(f) => self.banner = Some(f),
                }
            }
            Message::Confirm if !self.confirming => self.confirming = self.checked.is_some(),
            Message::Confirm => {
                self.confirming = false;
                self.start();
                let (dirs, file) = (ctx.dirs.clone(), PathBuf::from(self.path.trim()));
                return Action::Run(Task::perform(
                    blocking(move || backup::restore(&dirs, &file, None).map_err(failure)),
                    Message::Restored,
                ));
            }
            Message::Cancel => self.confirming = false,
            Message::Restored(Ok(r)) => {
                tracing::info!(database = %r.database.display(), "Local Database dipulihkan");
                return Action::CloseDatabase;
            }
            Message::Restored(Err(f)) => {
                self.busy = false;
                self.banner = Some(f);
            }
        }
        Action::None
    }

    fn start(&mut self) {
        self.busy = true;
        self.banner = None;
        self.made = None;
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let mut col = column![].spacing(12);
        if let Some(f) = &self.banner {
            col = col.push(widget::failure_in(ctx.lang(), f));
        }
        let base = if self.restore {
            self.restore_view(ctx, col)
        } else {
            self.backup_view(ctx, col)
        };
        if self.confirming {
            let content = column![
                text(ctx.t(Key::KonfirmasiRestore)),
                row![
                    widget::action(ctx.t(Key::Pulihkan), Message::Confirm, true),
                    widget::action(ctx.t(Key::Cancel), Message::Cancel, true),
                ]
                .spacing(8),
            ]
            .spacing(12);
            widget::dialog(base, ctx.t(Key::RestoreDatabase), content.into())
        } else {
            base
        }
    }

    fn backup_view<'a>(
        &'a self,
        ctx: &'a Ctx,
        col: iced::widget::Column<'a, Message>,
    ) -> Element<'a, Message> {
        let mut col = col
            .push(text(ctx.t(Key::BackupDatabase)).size(22))
            .push(text(ctx.t(Key::BackupPenjelasan)))
            .push(text(format!(
                "{}: {}",
                ctx.t(Key::FolderCadangan),
                ctx.dirs.backup_dir().display()
            )))
            .push(widget::action(
                ctx.t(Key::BuatCadangan),
                Message::BackupNow,
                !self.busy && ctx.db().is_some(),
            ));
        if let Some(p) = &self.made {
            col = col.push(widget::notice(
                Tone::Success,
                format!("{}: {}", ctx.t(Key::CadanganDibuat), p.display()),
            ));
        }
        col.into()
    }

    fn restore_view<'a>(
        &'a self,
        ctx: &'a Ctx,
        col: iced::widget::Column<'a, Message>,
    ) -> Element<'a, Message> {
        let input = text_input("", &self.path)
            .on_input(Message::PathChanged)
            .on_submit(Message::Check);
        let mut col = col
            .push(text(ctx.t(Key::RestoreDatabase)).size(22))
            .push(text(ctx.t(Key::RestorePenjelasan)))
            .push(widget::path_field(
                ctx.t(Key::FileCadangan),
                input,
                ctx.t(Key::PilihCadangan),
                (!self.busy).then_some(Message::Pick),
                None,
            ))
            .push(widget::action(
                ctx.t(Key::PeriksaCadangan),
                Message::Check,
                !self.busy && !self.path.trim().is_empty(),
            ));
        if let Some(c) = &self.checked {
            col = col
                .push(widget::notice(
                    Tone::Info,
                    format!(
                        "{} {} ({} {})",
                        ctx.t(Key::CadanganUtuh),
                        c.npwp,
                        ctx.t(Key::Skema),
                        c.schema
                    ),
                ))
                .push(widget::action(
                    ctx.t(Key::Pulihkan),
                    Message::Confirm,
                    !self.busy,
                ));
        }
        col.into()
    }
}
