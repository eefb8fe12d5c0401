//! The embedded typeface (Liberation Sans: Arial/Helvetica metrics, SIL OFL 1.1, see
//! `assets/fonts/LICENSE-LiberationSans.txt`), its glyph widths for layout, and line wrapping.
//! krilla embeds only the glyphs a document uses (subsetting), so a faktur stays small.

use std::sync::OnceLock;

use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};

/// The font files; also the window's font (`src/ui/assets.rs`), so both look the same and the
/// binary carries them once.
pub static REGULAR: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");
pub static BOLD: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Bold.ttf");

/// One face: the font handed to krilla and the advance widths used to place text.
pub struct Face {
    pub font: krilla::text::Font,
    metrics: FontRef<'static>,
    /// Advance of characters U+0000..U+00FF per point of font size (the common case, no lookup).
    latin: [f32; 256],
    units_per_em: f32,
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        let font = krilla::text::Font::new(data.into(), 0)?;
        let metrics = FontRef::new(data).ok()?;
        let units_per_em = f32::from(metrics.head().ok()?.units_per_em());
        let mut face = Face {
            font,
            metrics,
            latin: [0.0; 256],
            units_per_em,
        };
        for c in 0..=255u8 {
            face.latin[c as usize] = face.lookup(c as char);
        }
        Some(face)
    }

    fn lookup(&self, c: char) -> f32 {
        let gid = self.metrics.charmap().map(c).unwrap_or_default();
        self.metrics
            .glyph_metrics(Size::unscaled(), LocationRef::default())
            .advance_width(gid)
            .unwrap_or(0.0)
            / self.units_per_em
    }

    /// Width of `text` set at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let em: f32 = text
            .chars()
            .map(|c| match self.latin.get(c as usize) {
                Some(w) => *w,
                None => self.lookup(c),
            })
            .sum();
        em * size
    }

    /// Splits `text` into lines no wider than `max` at `size`: at spaces where possible, inside
    /// a word only when the word alone is too wide. Always at least one line.
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: cut it where it overflows.
            for c in word.chars() {
                line.push(c);
                if self.width(&line, size) > max && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

/// The two faces, parsed once per process.
pub fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        // The files are part of the binary and tested; they cannot fail to parse at run time.
        regular: Face::load(REGULAR).expect("embedded LiberationSans-Regular.ttf"),
        bold: Face::load(BOLD).expect("embedded LiberationSans-Bold.ttf"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_helvetica_metrics_and_lines_wrap_at_spaces() {
        let f = &fonts().regular;
        // Helvetica/Arial: "0" is 556/1000 em.
        assert!((f.width("0", 10.0) - 5.56).abs() < 0.01);
        let lines = f.wrap("JL. MERDEKA NO. 1 JAKARTA PUSAT", 10.0, 80.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(lines.iter().all(|l| f.width(l, 10.0) <= 80.0));
        assert_eq!(lines.join(" "), "JL. MERDEKA NO. 1 JAKARTA PUSAT");
        let long = "X".repeat(100);
        let cut = f.wrap(&long, 10.0, 50.0);
        assert_eq!(cut.concat(), long);
        assert_eq!(f.wrap("", 10.0, 50.0), vec![String::new()]);
    }
}
