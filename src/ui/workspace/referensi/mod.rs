//! Referensi: Lawan Transaksi, Barang/Jasa, Nomor Faktur and Administrasi User (Administrasi
//! Certificate is `../certificate.rs`). Each page reads the logged-in user's role with its data:
//! an Administrator may change Referensi and users; a Perekam sees Referensi read-only. The
//! store checks the role again on every write ([`efaktur::store::user::require_admin`]).

pub mod barang_jasa;
pub mod lawan_transaksi;
pub mod listing;
pub mod nomor_faktur;
pub mod satuan;
#[cfg(test)]
mod tests;
pub mod user;

use efaktur::domain::DjpCode;
use efaktur::store::user::{Admin, Role, UserRow, admin};
use efaktur::store::{Store, StoreError};
use iced::Element;
use iced::widget::{button, column, row, scrollable, text};

use crate::ui::ctx::Ctx;
use crate::ui::i18n::{self, Key, Lang};
use crate::ui::service::Failure;
use crate::ui::widget::{self, Tone};

/// Rows a Referensi list shows at once; the search narrows the rest.
pub const LIST_LIMIT: u32 = 200;

/// The logged-in user's name, as login returned it.
pub fn user_name(ctx: &Ctx) -> String {
    ctx.session
        .as_ref()
        .and_then(|s| s.user.clone())
        .unwrap_or_default()
}

/// The user's row, for the page to decide what it offers.
pub fn me(store: &Store, name: &str) -> Result<Option<UserRow>, StoreError> {
    admin::current(store.conn(), name)
}

/// Whether `me` may change Referensi and users.
pub fn is_admin(me: Option<&UserRow>) -> bool {
    me.is_some_and(|u| u.active && u.role == Role::Administrator)
}

/// Runs a write as the Administrator `name`, in one transaction with the role check.
pub fn as_admin<T>(
    store: &mut Store,
    name: &str,
    f: impl FnOnce(&rusqlite::Transaction<'_>, &Admin) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    store.transaction(|tx| {
        let admin = admin::require_admin(tx, name)?;
        f(tx, &admin)
    })
}

/// The line a Perekam reads above a Referensi list.
pub fn read_only_notice<'a, M: 'a>(ctx: &'a Ctx) -> Element<'a, M> {
    widget::notice(Tone::Info, ctx.t(Key::HanyaBaca))
}

/// The "first N shown" hint under a list that hit [`LIST_LIMIT`].
pub fn limit_hint<'a, M: 'a>(ctx: &'a Ctx, shown: usize) -> Option<Element<'a, M>> {
    (shown as u32 >= LIST_LIMIT).then(|| {
        text(
            ctx.t(Key::BatasDaftar)
                .replace("{n}", &LIST_LIMIT.to_string()),
        )
        .size(13)
        .into()
    })
}

/// The refusal of a delete while `faktur` faktur use the entry, in the chosen language.
pub fn in_use(ctx: &Ctx, faktur: u32) -> Failure {
    Failure::new(
        Some(DjpCode::Etax10003),
        i18n::counted(
            ctx.lang(),
            ctx.t(Key::DipakaiFaktur)
                .replace("{n}", &faktur.to_string()),
        ),
        ctx.t(Key::DipakaiTodo),
    )
}

/// A dialog's body with the failure of its last attempt on top, where the person is looking;
/// it scrolls when the window is too low for it.
pub fn dialog_body<'a, M: 'a>(
    lang: Lang,
    banner: Option<&Failure>,
    body: Element<'a, M>,
) -> Element<'a, M> {
    let mut col = column![].spacing(10);
    if let Some(f) = banner {
        col = col.push(widget::failure_in(lang, f));
    }
    scrollable(col.push(body)).into()
}

/// The "Hapus …?" confirmation body of a dialog.
pub fn confirm_body<'a, M: Clone + 'a>(
    ctx: &'a Ctx,
    what: String,
    yes: M,
    no: M,
) -> Element<'a, M> {
    column![
        text(ctx.t(Key::HapusTanya).replace("{nama}", &what)),
        row![
            button(text(ctx.t(Key::YaHapus)))
                .style(button::danger)
                .padding([6, 16])
                .on_press(yes),
            widget::action(ctx.t(Key::Cancel), no, true),
        ]
        .spacing(8),
    ]
    .spacing(12)
    .into()
}
