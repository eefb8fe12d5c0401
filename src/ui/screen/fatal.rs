//! The full page of a start-up problem the app cannot work around (an unreadable database).

use iced::widget::{column, container, row, scrollable, text};
use iced::{Element, Length};

use crate::ui::ctx::Ctx;
use crate::ui::i18n::Key;
use crate::ui::service::Failure;
use crate::ui::widget::{self, Tone};

#[derive(Debug, Clone)]
pub enum Message {
    Back,
    Quit,
}

pub struct Fatal {
    /// A start-up problem found before the settings (and so the language) were read.
    pub message: String,
    /// A typed problem, shown in the chosen language.
    pub failure: Option<Failure>,
}

impl Fatal {
    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let col = column![
            text(ctx.t(Key::FatalTitle)).size(26),
            match &self.failure {
                Some(f) => widget::failure_in(ctx.lang(), f),
                None => widget::notice(Tone::Error, self.message.as_str()),
            },
            row![
                widget::action(ctx.t(Key::Back), Message::Back, true),
                widget::action(ctx.t(Key::Quit), Message::Quit, true),
            ]
            .spacing(8),
        ]
        .spacing(16)
        .padding(32)
        .max_width(720);
        scrollable(container(col).center_x(Length::Fill)).into()
    }
}
