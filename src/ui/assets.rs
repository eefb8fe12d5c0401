//! What the window shows from `assets/`: the typeface (Liberation Sans, the one the faktur PDF
//! embeds, so text looks the same on every system instead of whatever the OS offers) and the app
//! icon.

use iced::{Font, Size, window};

/// Liberation Sans, loaded from the embedded files at start (`efaktur::print::fonts`).
pub const FONT: Font = Font::with_name("Liberation Sans");

/// The window icon: the 64 px rendering of `assets/icons/efaktur.svg`.
static ICON_PNG: &[u8] = include_bytes!("../../assets/icons/efaktur-64.png");

/// The icon as the window system takes it; `None` (no icon, never a failed start) if the
/// embedded file could not be decoded.
pub fn icon() -> Option<window::Icon> {
    let rgba = image::load_from_memory_with_format(ICON_PNG, image::ImageFormat::Png)
        .ok()?
        .to_rgba8();
    let (w, h) = rgba.dimensions();
    window::icon::from_rgba(rgba.into_raw(), w, h).ok()
}

/// The desktop entry's name (`efaktur.desktop`, see `installer/`), so docks and task bars
/// group the window under it and show its icon.
pub const APP_ID: &str = "efaktur";

pub fn window_settings() -> window::Settings {
    window::Settings {
        size: Size::new(960.0, 720.0),
        icon: icon(),
        #[cfg(target_os = "linux")]
        platform_specific: window::settings::PlatformSpecific {
            application_id: APP_ID.to_string(),
            ..Default::default()
        },
        ..window::Settings::default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_icon_decodes() {
        assert!(super::icon().is_some(), "embedded icon");
    }
}
