//! An empty iced window with the same features as the app: the yardstick of
//! `installer/measure-start.sh` ("the window starts as fast as an empty iced window").

use iced::Element;

fn view(_: &()) -> Element<'_, ()> {
    iced::widget::text("").into()
}

fn main() -> iced::Result {
    iced::application(|| (), |_: &mut (), _: ()| {}, view)
        .title(|_: &()| "empty iced window".to_string())
        .window_size((960.0, 720.0))
        .run()
}
