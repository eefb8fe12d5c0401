//! Bantuan > Tentang: the version, the data folder and the Local Database in use. Nothing to
//! do on it, so it has no messages.

use iced::Element;
use iced::widget::{column, text};

use crate::ui::ctx::Ctx;
use crate::ui::i18n::Key;

#[derive(Debug, Clone, Copy)]
pub struct Tentang;

impl Tentang {
    pub fn view<'a, M: 'a>(&self, ctx: &'a Ctx) -> Element<'a, M> {
        let line = |key: Key, value: String| {
            column![text(ctx.t(key)).size(13), text(value).size(15)].spacing(2)
        };
        let db = ctx
            .session
            .as_ref()
            .map(|s| s.db.path().display().to_string())
            .unwrap_or_default();
        column![
            text(format!(
                "{} — {}",
                ctx.t(Key::Tentang),
                ctx.t(Key::AppTitle)
            ))
            .size(22),
            line(Key::Versi, env!("CARGO_PKG_VERSION").to_string()),
            line(Key::FolderData, ctx.dirs.data_dir().display().to_string()),
            line(Key::PathLocalDatabase, db),
        ]
        .spacing(12)
        .into()
    }
}
