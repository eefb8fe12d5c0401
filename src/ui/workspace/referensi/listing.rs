//! What Referensi Lawan Transaksi and Barang/Jasa share: the searched list with the user's role,
//! writes as the Administrator, the answers to Simpan and Hapus, the page around the table and
//! the delete confirmation. Each page keeps its own form, columns and messages.

use efaktur::store::StoreError;
use efaktur::store::party::Removal;
use efaktur::store::user::{Admin, UserRow};
use iced::widget::{button, column, row, scrollable, text, text_input};
use iced::{Element, Task};
use rusqlite::{Connection, Transaction};

use super::{
    LIST_LIMIT, as_admin, confirm_body, in_use, is_admin, limit_hint, me, read_only_notice,
    user_name,
};
use crate::ui::ctx::Ctx;
use crate::ui::i18n::Key;
use crate::ui::service::Failure;
use crate::ui::widget::{self, Tone};
use crate::ui::workspace::page::Action;

/// A list read: the user's row (for the role) and the entries found.
pub type Read<E> = Result<(Option<UserRow>, Vec<E>), Failure>;

/// The list of one Referensi page and what its last action said.
#[derive(Debug)]
pub struct Listing<E> {
    pub me: Option<UserRow>,
    pub loaded: bool,
    pub search: String,
    pub rows: Vec<E>,
    /// The entry asked about in the delete confirmation.
    pub deleting: Option<i64>,
    /// A write is on its way.
    pub busy: bool,
    pub banner: Option<Failure>,
    pub success: Option<Key>,
    /// The latest list request: answers to older ones (earlier keystrokes) are dropped.
    seq: u64,
}

impl<E> Default for Listing<E> {
    fn default() -> Self {
        Listing {
            me: None,
            loaded: false,
            search: String::new(),
            rows: Vec::new(),
            deleting: None,
            busy: false,
            banner: None,
            success: None,
            seq: 0,
        }
    }
}

impl<E: Send + 'static> Listing<E> {
    pub fn admin(&self) -> bool {
        is_admin(self.me.as_ref())
    }

    /// Reads the entries `search` finds for the search text, with the user's row.
    pub fn load<M: Send + 'static>(
        &mut self,
        ctx: &Ctx,
        search: fn(&Connection, &str, u32) -> Result<Vec<E>, StoreError>,
        answer: fn(u64, Read<E>) -> M,
    ) -> Task<M> {
        let Some(db) = ctx.db() else {
            return Task::none();
        };
        self.seq += 1;
        let seq = self.seq;
        let (name, text) = (user_name(ctx), self.search.clone());
        Task::perform(
            async move {
                db.run(move |s| {
                    let me = me(s, &name)?;
                    Ok((me, search(s.conn(), &text, LIST_LIMIT)?))
                })
                .await
            },
            move |r| answer(seq, r),
        )
    }

    /// The answer of list request `seq`.
    pub fn loaded(&mut self, seq: u64, r: Read<E>) {
        if seq != self.seq {
            return;
        }
        self.loaded = true;
        match r {
            Ok((me, rows)) => {
                self.me = me;
                self.rows = rows;
            }
            Err(f) => self.banner = Some(f),
        }
    }

    /// Hapus on entry `id`: the confirmation, for an Administrator.
    pub fn ask_delete(&mut self, id: i64) {
        if self.admin() {
            self.deleting = Some(id);
            self.success = None;
        }
    }

    /// Runs `f` as the logged-in Administrator in one transaction (the store checks the role
    /// again); the page is busy until `answer` comes.
    pub fn write<T: Send + 'static, M: Send + 'static>(
        &mut self,
        ctx: &Ctx,
        f: impl FnOnce(&Transaction<'_>, &Admin) -> Result<T, StoreError> + Send + 'static,
        answer: fn(Result<T, Failure>) -> M,
    ) -> Action<M> {
        let Some(db) = ctx.db() else {
            return Action::None;
        };
        self.busy = true;
        let name = user_name(ctx);
        Action::Run(Task::perform(
            async move { db.run(move |s| as_admin(s, &name, f)).await },
            answer,
        ))
    }

    /// Simpan's answer; `true` when saved (the form closes and the list is read again).
    pub fn saved(&mut self, r: Result<(), Failure>) -> bool {
        self.busy = false;
        match r {
            Ok(()) => {
                self.banner = None;
                self.success = Some(Key::Tersimpan);
                true
            }
            Err(f) => {
                self.banner = Some(f);
                false
            }
        }
    }

    /// Hapus's answer; `true` when deleted (the list is read again). An entry a faktur still
    /// uses is kept, and the banner says so and what to do.
    pub fn deleted(&mut self, ctx: &Ctx, r: Result<Removal, Failure>) -> bool {
        self.busy = false;
        match r {
            Ok(Removal::Deleted) => {
                self.banner = None;
                self.success = Some(Key::Terhapus);
                true
            }
            Ok(Removal::InUse { faktur }) => {
                self.banner = Some(in_use(ctx, faktur));
                false
            }
            Err(f) => {
                self.banner = Some(f);
                false
            }
        }
    }

    /// The page: title, what the last action said (the form shows its own failure), the
    /// read-only notice for a Perekam, the search with *Tambah*, then `table`.
    #[allow(clippy::too_many_arguments)]
    pub fn page<'a, M: Clone + 'a>(
        &'a self,
        ctx: &'a Ctx,
        title: Key,
        (search_id, placeholder): (&'static str, Key),
        on_search: fn(String) -> M,
        new: M,
        form_open: bool,
        table: Element<'a, M>,
    ) -> Element<'a, M> {
        let mut col = column![text(ctx.t(title)).size(22)].spacing(12);
        if let Some(f) = self.banner.as_ref().filter(|_| !form_open) {
            col = col.push(widget::failure_in(ctx.lang(), f));
        }
        if let Some(k) = self.success {
            col = col.push(widget::notice(Tone::Success, ctx.t(k)));
        }
        if self.loaded && !self.admin() {
            col = col.push(read_only_notice(ctx));
        }
        let search = text_input(ctx.t(placeholder), &self.search)
            .id(search_id)
            .on_input(on_search)
            .padding(6);
        let mut bar = row![search].spacing(8);
        if self.admin() {
            bar = bar.push(widget::action(ctx.t(Key::Tambah), new, !self.busy));
        }
        col = col.push(bar).push(table);
        if let Some(hint) = limit_hint(ctx, self.rows.len()) {
            col = col.push(hint);
        }
        scrollable(col.padding(8).max_width(1100)).into()
    }

    /// *Ubah* and *Hapus* of a row.
    pub fn row_actions<'a, M: Clone + 'a>(
        &self,
        ctx: &'a Ctx,
        edit: M,
        delete: M,
    ) -> Element<'a, M> {
        row![
            button(text(ctx.t(Key::Ubah)).size(13))
                .style(button::secondary)
                .on_press_maybe((!self.busy).then_some(edit)),
            button(text(ctx.t(Key::Hapus)).size(13))
                .style(button::danger)
                .on_press_maybe((!self.busy).then_some(delete)),
        ]
        .spacing(6)
        .width(170)
        .into()
    }

    /// `page` under the delete confirmation, when one is asked; `name` of the entry `id`.
    pub fn with_delete_dialog<'a, M: Clone + 'a>(
        &'a self,
        ctx: &'a Ctx,
        page: Element<'a, M>,
        name: impl Fn(i64) -> Option<String>,
        (yes, no): (M, M),
    ) -> Element<'a, M> {
        match self.deleting {
            Some(id) => widget::dialog(
                page,
                ctx.t(Key::Hapus),
                confirm_body(ctx, name(id).unwrap_or_default(), yes, no),
            ),
            None => page,
        }
    }
}
