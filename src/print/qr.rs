//! The validation QR code as a small grey image, one pixel per module (a few hundred bytes in
//! the PDF, drawn unsmoothed), instead of one rectangle per dark module.

use krilla::image::{BitsPerComponent, CustomImage, Image, ImageColorspace};
use qrcode::{Color, EcLevel, QrCode};

/// Modules of white margin around the code (the quiet zone readers need).
const QUIET: usize = 4;

#[derive(Clone, Hash)]
struct Modules {
    pixels: Vec<u8>,
    side: u32,
}

impl CustomImage for Modules {
    fn color_channel(&self) -> &[u8] {
        &self.pixels
    }
    fn alpha_channel(&self) -> Option<&[u8]> {
        None
    }
    fn bits_per_component(&self) -> BitsPerComponent {
        BitsPerComponent::Eight
    }
    fn size(&self) -> (u32, u32) {
        (self.side, self.side)
    }
    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }
    fn color_space(&self) -> ImageColorspace {
        ImageColorspace::Luma
    }
}

/// The QR code of `text` with its quiet zone, or `None` when the text is too long for a code.
pub fn image(text: &str) -> Option<Image> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let n = code.width();
    let side = n + 2 * QUIET;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in code.to_colors().into_iter().enumerate() {
        if c == Color::Dark {
            pixels[(i / n + QUIET) * side + i % n + QUIET] = 0;
        }
    }
    Image::from_custom(
        Modules {
            pixels,
            side: side as u32,
        },
        false,
    )
    .ok()
}
