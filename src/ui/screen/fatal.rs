//! The full page of a start-up problem the app cannot work around (an unreadable database).

use iced::widget::{column, container, row, text};
use iced::{Element, Length};

use crate::ui::ctx::Ctx;
use crate::ui::i18n::Key;
use crate::ui::widget::{self, Tone};

#[derive(Debug, Clone)]
pub enum Message {
    Back,
    Quit,
}

pub struct Fatal {
    pub message: String,
}

impl Fatal {
    pub fn view<'a>(&'a self, ctx: &'a Ctx) -> Element<'a, Message> {
        let col = column![
            text(ctx.t(Key::FatalTitle)).size(26),
            widget::notice(Tone::Error, self.message.as_str()),
            row![
                widget::action(ctx.t(Key::Back), Message::Back, true),
                widget::action(ctx.t(Key::Quit), Message::Quit, true),
            ]
            .spacing(8),
        ]
        .spacing(16)
        .padding(32)
        .max_width(720);
        container(col).center(Length::Fill).into()
    }
}
