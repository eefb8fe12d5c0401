//! Small view helpers shared by the screens: labelled fields with inline errors, banners, dialogs.

use iced::widget::{
    Space, button, center, column, container, opaque, row, scrollable, stack, text, text_input,
};
use iced::{Element, Length};

use super::i18n::Lang;
use super::service::{Failure, Secret};

/// A masked input whose value lives in a [`Secret`]: each keystroke's text goes straight into
/// one, so no message or screen state holds a password as a plain, printable `String`.
pub fn secret_input<'a, M: Clone + 'a>(
    value: &'a Secret,
    on_input: impl Fn(Secret) -> M + 'a,
) -> text_input::TextInput<'a, M> {
    text_input("", value.expose())
        .secure(true)
        .on_input(move |typed| on_input(Secret::new(typed)))
}

/// Severity of a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Warning,
    Error,
}

/// A coloured strip with a message.
pub fn notice<'a, M: 'a>(tone: Tone, message: impl text::IntoFragment<'a>) -> Element<'a, M> {
    let style = match tone {
        Tone::Info => container::secondary,
        Tone::Success => container::success,
        Tone::Warning => container::warning,
        Tone::Error => container::danger,
    };
    container(text(message))
        .padding(10)
        .width(Length::Fill)
        .style(style)
        .into()
}

/// The banner of a failed operation (DJP code, message and what to do) in `lang`.
pub fn failure_in<'a, M: 'a>(lang: Lang, f: &Failure) -> Element<'a, M> {
    notice(Tone::Error, f.text(lang))
}

/// A label, a text input and, below it, the field's validation error.
pub fn field<'a, M: Clone + 'a>(
    label: &'a str,
    input: text_input::TextInput<'a, M>,
    error: Option<&'a str>,
) -> Element<'a, M> {
    let mut col = column![text(label).size(14), input.padding(6)].spacing(4);
    if let Some(e) = error {
        col = col.push(text(e).size(13).style(text::danger));
    }
    col.into()
}

/// A text input for a path with a "Pilih…" button beside it; the path can always be typed.
pub fn path_field<'a, M: Clone + 'a>(
    label: &'a str,
    input: text_input::TextInput<'a, M>,
    pick_label: &'a str,
    on_pick: Option<M>,
    error: Option<&'a str>,
) -> Element<'a, M> {
    let line = row![
        input.padding(6).width(Length::Fill),
        button(text(pick_label)).on_press_maybe(on_pick)
    ]
    .spacing(8);
    let mut col = column![text(label).size(14), line].spacing(4);
    if let Some(e) = error {
        col = col.push(text(e).size(13).style(text::danger));
    }
    col.into()
}

/// A button that is disabled (and says so) while `busy`.
pub fn action<'a, M: Clone + 'a>(label: &'a str, on_press: M, enabled: bool) -> Element<'a, M> {
    button(text(label))
        .padding([6, 16])
        .on_press_maybe(enabled.then_some(on_press))
        .into()
}

/// `content` as a modal dialog over `base`: the base cannot be clicked while it is open.
pub fn dialog<'a, M: 'a>(
    base: Element<'a, M>,
    title: &'a str,
    content: Element<'a, M>,
) -> Element<'a, M> {
    // The content scrolls in a small window; the card never grows past it.
    let card = container(column![text(title).size(20), scrollable(content)].spacing(12))
        .padding(20)
        .max_width(520)
        .style(container::bordered_box);
    let veil = container(center(card))
        .width(Length::Fill)
        .height(Length::Fill)
        .style(|_| container::background(iced::Color::from_rgba(0.0, 0.0, 0.0, 0.45)));
    stack![
        container(base).width(Length::Fill).height(Length::Fill),
        opaque(veil)
    ]
    .into()
}

/// A filler that pushes what follows to the right.
pub fn fill() -> Space {
    Space::new().width(Length::Fill)
}

/// Focuses a field and selects what it holds, so typing replaces a value simulasi filled in
/// (a trainee who types the demo value from the panel does not end up with it twice).
pub fn focus_selected<T: 'static>(id: &'static str) -> iced::Task<T> {
    iced::widget::operation::focus(id).chain(iced::widget::operation::select_all(id))
}
