//! The buttons of one faktur on its detail page: Ubah, Hapus and Upload (to Siap Upload, for the
//! uploader) while DJP has not approved it, Pengganti and Batal Faktur once it has. Hapus and
//! Batal ask first.

use efaktur::domain::faktur::Jenis;
use efaktur::domain::{ApprovalStatus, FakturStatus};
use efaktur::store::faktur::StoredFaktur;
use efaktur::store::faktur_edit;
use iced::widget::{button, row, text};
use iced::{Element, Task};

use crate::ui::ctx::Ctx;
use crate::ui::i18n::Key;
use crate::ui::service::Failure;
use crate::ui::widget;
use crate::ui::workspace::page::Action;
use crate::ui::workspace::route::Route;

/// A step that is asked before it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    Hapus,
    Batal,
}

#[derive(Debug, Clone)]
pub enum Message {
    BatalPending(Result<bool, Failure>),
    Ubah,
    Pengganti,
    Ask(Ask),
    Confirm,
    Cancel,
    Done(Ask, Result<(), Failure>),
    /// *Upload*: the faktur becomes Siap Upload.
    Upload,
    Uploaded(Result<(), Failure>),
}

#[derive(Debug)]
pub struct Actions {
    id: i64,
    asking: Option<Ask>,
    busy: bool,
    batal_pending: bool,
    banner: Option<Failure>,
}

impl Actions {
    pub fn new(ctx: &Ctx, id: i64) -> (Self, Task<Message>) {
        let task = match ctx.db() {
            Some(db) => Task::perform(
                async move {
                    db.run(move |s| faktur_edit::batal_diajukan(s.conn(), id))
                        .await
                },
                Message::BatalPending,
            ),
            None => Task::none(),
        };
        let a = Actions {
            id,
            asking: None,
            busy: false,
            batal_pending: false,
            banner: None,
        };
        (a, task)
    }

    /// What the buttons do; `masukan` is the faktur's side (for the list Hapus returns to).
    pub fn update(&mut self, message: Message, ctx: &Ctx, masukan: bool) -> Action<Message> {
        match message {
            Message::BatalPending(r) => match r {
                Ok(p) => self.batal_pending = p,
                Err(e) => self.banner = Some(e),
            },
            Message::Ubah => return Action::Push(Route::Ubah(self.id)),
            Message::Pengganti => return Action::Push(Route::Pengganti(self.id)),
            Message::Ask(a) => {
                self.asking = Some(a);
                self.banner = None;
            }
            Message::Cancel => self.asking = None,
            Message::Confirm => return self.confirm(ctx),
            Message::Upload => return self.upload(ctx),
            Message::Uploaded(r) => {
                self.busy = false;
                match r {
                    // The page again, with the list behind it, both showing Siap Upload.
                    Ok(()) => {
                        return Action::Reset(vec![
                            Route::Administrasi { masukan },
                            Route::Faktur(self.id),
                        ]);
                    }
                    Err(e) => self.banner = Some(e),
                }
            }
            Message::Done(ask, r) => {
                self.busy = false;
                match (ask, r) {
                    (Ask::Hapus, Ok(())) => {
                        return Action::Reset(vec![Route::Administrasi { masukan }]);
                    }
                    (Ask::Batal, Ok(())) => self.batal_pending = true,
                    (_, Err(e)) => self.banner = Some(e),
                }
            }
        }
        Action::None
    }

    fn upload(&mut self, ctx: &Ctx) -> Action<Message> {
        let Some(db) = ctx.db() else {
            return Action::None;
        };
        self.busy = true;
        self.banner = None;
        let id = self.id;
        let actor = ctx
            .session
            .as_ref()
            .and_then(|s| s.user.clone())
            .unwrap_or_else(|| "user".into());
        Action::Run(Task::perform(
            async move {
                db.run(move |s| s.transaction(|tx| faktur_edit::siap_upload(tx, id, &actor)))
                    .await
            },
            Message::Uploaded,
        ))
    }

    fn confirm(&mut self, ctx: &Ctx) -> Action<Message> {
        let (Some(ask), Some(db)) = (self.asking.take(), ctx.db()) else {
            return Action::None;
        };
        self.busy = true;
        let id = self.id;
        let actor = ctx
            .session
            .as_ref()
            .and_then(|s| s.user.clone())
            .unwrap_or_else(|| "user".into());
        Action::Run(Task::perform(
            async move {
                db.run(move |s| {
                    s.transaction(|tx| match ask {
                        Ask::Hapus => faktur_edit::hapus(tx, id, &actor),
                        Ask::Batal => faktur_edit::ajukan_batal(tx, id, &actor),
                    })
                })
                .await
            },
            move |r| Message::Done(ask, r),
        ))
    }

    pub fn view<'a>(&'a self, ctx: &'a Ctx, s: &StoredFaktur) -> Element<'a, Message> {
        let in_force = matches!(
            s.status,
            FakturStatus::Normal | FakturStatus::NormalPengganti
        );
        let editable = in_force && s.approval.editable();
        let approved = in_force && s.approval == ApprovalStatus::ApprovalSukses;
        let keluaran = s.faktur.jenis == Jenis::Keluaran;
        let idle = !self.busy && self.asking.is_none();
        let mut col = iced::widget::column![].spacing(8);
        if let Some(f) = &self.banner {
            col = col.push(widget::failure_in(ctx.lang(), f));
        }
        if self.batal_pending {
            col = col.push(widget::notice(
                widget::Tone::Info,
                ctx.t(Key::BatalDiajukan),
            ));
        }
        let mut offered: Vec<(Key, Message)> = Vec::new();
        if editable {
            offered.push((Key::Ubah, Message::Ubah));
            offered.push((Key::Hapus, Message::Ask(Ask::Hapus)));
            if keluaran {
                offered.push((Key::UploadFaktur, Message::Upload));
            }
        }
        // A faktur whose batal is on its way is neither replaced nor cancelled again.
        if approved && keluaran && !self.batal_pending {
            offered.push((Key::Pengganti, Message::Pengganti));
            offered.push((Key::BatalFaktur, Message::Ask(Ask::Batal)));
        }
        if !offered.is_empty() {
            let mut buttons = row![].spacing(8);
            for (key, m) in offered {
                buttons = buttons.push(button(text(ctx.t(key))).on_press_maybe(idle.then_some(m)));
            }
            col = col.push(buttons);
        }
        if let Some(ask) = self.asking {
            let question = match ask {
                Ask::Hapus => Key::HapusFakturTanya,
                Ask::Batal => Key::BatalTanya,
            };
            col = col
                .push(widget::notice(widget::Tone::Warning, ctx.t(question)))
                .push(
                    row![
                        button(text(ctx.t(Key::Ya))).on_press(Message::Confirm),
                        button(text(ctx.t(Key::Tidak)))
                            .style(button::secondary)
                            .on_press(Message::Cancel),
                    ]
                    .spacing(8),
                );
        }
        col.into()
    }
}
