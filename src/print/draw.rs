//! Draws a prepared [`Sheet`] onto krilla pages.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::TextDirection;

use super::fonts::{Face, fonts};
use super::geometry::*;
use super::qr;
use super::sheet::{NOTICE, Row, Sheet};

/// A page being drawn: text in black; rules collected into one path, filled at the end.
struct Pen<'s, 'p> {
    s: &'s mut Surface<'p>,
    rules: PathBuilder,
}

impl Pen<'_, '_> {
    fn text(&mut self, x: f32, y: f32, face: &Face, size: f32, text: &str) {
        if !text.is_empty() {
            self.s.draw_text(
                Point::from_xy(x, y),
                face.font.clone(),
                size,
                text,
                false,
                TextDirection::LeftToRight,
            );
        }
    }

    fn right(&mut self, x: f32, y: f32, face: &Face, size: f32, text: &str) {
        self.text(x - face.width(text, size), y, face, size, text);
    }

    fn center(&mut self, x: f32, y: f32, face: &Face, size: f32, text: &str) {
        self.text(x - face.width(text, size) / 2.0, y, face, size, text);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        if let Some(r) = Rect::from_xywh(x, y, w, h) {
            self.rules.push_rect(r);
        }
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32) {
        self.rect(x1, y - 0.3, x2 - x1, 0.6);
    }

    fn vline(&mut self, x: f32, y1: f32, y2: f32) {
        self.rect(x - 0.3, y1, 0.6, y2 - y1);
    }

    /// A box outline.
    fn frame(&mut self, top: f32, bottom: f32) {
        self.hline(LEFT, RIGHT, top);
        self.hline(LEFT, RIGHT, bottom);
        self.vline(LEFT, top, bottom);
        self.vline(RIGHT, top, bottom);
    }

    fn finish(self) {
        let Pen { s, rules } = self;
        if let Some(path) = rules.finish() {
            s.draw_path(&path);
        }
    }
}

/// Baseline of text in a line box starting at `top`.
fn base(top: f32) -> f32 {
    top + LINE - 3.0
}

/// Adds the pages of `sheet` to `doc`.
pub fn sheet(doc: &mut Document, sheet: &Sheet) {
    let f = fonts();
    let total = sheet.pages.len();
    let qr = sheet.qr_url.as_deref().and_then(qr::image);
    for (index, items) in sheet.pages.iter().enumerate() {
        let last = index + 1 == total;
        let Some(settings) = PageSettings::from_wh(PAGE_W, PAGE_H) else {
            continue;
        };
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        if let Some(w) = sheet.watermark {
            watermark(&mut surface, w.text());
        }
        surface.set_fill(Some(Fill::default()));
        let mut pen = Pen {
            s: &mut surface,
            rules: PathBuilder::new(),
        };

        // Title and nomor.
        pen.center(PAGE_W / 2.0, TITLE_BASELINE, &f.bold, TITLE, "Faktur Pajak");
        let nomor = if index == 0 {
            format!("Kode dan Nomor Seri Faktur Pajak : {}", sheet.nomor)
        } else {
            format!(
                "Kode dan Nomor Seri Faktur Pajak : {} (lanjutan)",
                sheet.nomor
            )
        };
        pen.text(LABEL_X, BOX_TOP + 12.5, &f.bold, BODY, &nomor);
        let mut y = BOX_TOP + NOMOR_ROW;
        if index == 0 {
            y = party(&mut pen, y, "Pengusaha Kena Pajak", &sheet.seller);
            y = party(
                &mut pen,
                y,
                "Pembeli Barang Kena Pajak / Penerima Jasa Kena Pajak",
                &sheet.buyer,
            );
        }
        // Table header, repeated on every page.
        let table_top = y;
        pen.hline(LEFT, RIGHT, y);
        let hb = y + 12.0;
        pen.center((LEFT + COL_NAME) / 2.0, hb, &f.bold, SMALL + 0.5, "No.");
        pen.center(
            (COL_NAME + COL_AMOUNT) / 2.0,
            hb,
            &f.bold,
            SMALL + 0.5,
            "Nama Barang Kena Pajak / Jasa Kena Pajak",
        );
        pen.center(
            (COL_AMOUNT + RIGHT) / 2.0,
            hb,
            &f.bold,
            SMALL + 0.5,
            "Harga Jual/Penggantian/Uang Muka/Termin",
        );
        y += TABLE_HEAD;
        pen.hline(LEFT, RIGHT, y);
        for item in &sheet.items[items.clone()] {
            let top = y + CELL_PAD;
            pen.center(
                (LEFT + COL_NAME) / 2.0,
                base(top),
                &f.regular,
                BODY,
                &item.no,
            );
            for (i, line) in item.lines.iter().enumerate() {
                pen.text(
                    COL_NAME + 6.0,
                    base(top + i as f32 * LINE),
                    &f.regular,
                    BODY,
                    line,
                );
            }
            pen.right(RIGHT - 6.0, base(top), &f.regular, BODY, &item.amount);
            y += item.height();
            pen.hline(LEFT, RIGHT, y);
        }
        pen.vline(COL_NAME, table_top, y);
        pen.vline(COL_AMOUNT, table_top, y);
        if last {
            for (label, amount) in &sheet.totals {
                let b = y + 10.5;
                pen.text(LABEL_X, b, &f.regular, BODY, label);
                pen.right(RIGHT - 6.0, b, &f.regular, BODY, amount);
                y += TOTAL_ROW;
                pen.hline(LEFT, RIGHT, y);
            }
            let totals_top = y - sheet.totals.len() as f32 * TOTAL_ROW;
            pen.vline(COL_AMOUNT, totals_top, y);
        }
        pen.frame(BOX_TOP, y);

        if last {
            if !sheet.cap.is_empty() {
                y += GAP;
                for line in &sheet.cap {
                    y += LINE;
                    pen.center((LEFT + RIGHT) / 2.0, y - 2.5, &f.bold, BODY, line);
                }
            }
            y += GAP;
            for line in &sheet.esign {
                y += SMALL_LINE;
                pen.text(LEFT, y - 2.0, &f.regular, SMALL, line);
            }
            y += GAP;
            signature(&mut pen, y, sheet, qr.as_ref());
            if sheet.approved {
                let mut ny = FOOTER_TOP;
                for line in f.regular.wrap(NOTICE, TINY, RIGHT - LEFT - 60.0) {
                    ny += TINY_LINE;
                    pen.text(LEFT, ny, &f.regular, TINY, &line);
                }
            }
        }
        pen.right(
            RIGHT,
            PAGE_NO_BASELINE,
            &f.regular,
            SMALL,
            &format!("{} dari {}", index + 1, total),
        );
        pen.finish();
        surface.finish();
        page.finish();
    }
}

/// A party block (seller or buyer) from `top`; returns where it ends.
fn party(pen: &mut Pen<'_, '_>, top: f32, title: &str, rows: &[Row]) -> f32 {
    let f = fonts();
    pen.hline(LEFT, RIGHT, top);
    pen.text(LABEL_X, top + 11.0, &f.bold, BODY, title);
    let mut y = top + SECTION_HEAD + CELL_PAD;
    for row in rows {
        pen.text(LABEL_X, base(y), &f.regular, BODY, row.label);
        pen.text(COLON_X, base(y), &f.regular, BODY, ":");
        for line in &row.lines {
            pen.text(VALUE_X, base(y), &f.regular, BODY, line);
            y += LINE;
        }
    }
    y + CELL_PAD
}

/// Place and date, the signer's name on the right; the QR code and referensi on the left.
fn signature(pen: &mut Pen<'_, '_>, top: f32, sheet: &Sheet, qr: Option<&krilla::image::Image>) {
    let f = fonts();
    let cx = RIGHT - 100.0;
    pen.center(cx, top + 9.0, &f.regular, BODY, &sheet.place_date);
    let signer_y = top + QR_SIZE - 10.0;
    pen.center(cx, signer_y, &f.regular, BODY, &sheet.signer);
    if !sheet.signer.is_empty() {
        let w = f.regular.width(&sheet.signer, BODY).max(100.0);
        pen.hline(cx - w / 2.0, cx + w / 2.0, signer_y + 2.5);
    }
    if let Some(image) = qr
        && let Some(size) = Size::from_wh(QR_SIZE, QR_SIZE)
    {
        pen.s.push_transform(&Transform::from_translate(LEFT, top));
        pen.s.draw_image(image.clone(), size);
        pen.s.pop();
    }
    if !sheet.referensi.is_empty() {
        let ry = top + QR_SIZE + 10.0;
        pen.text(
            LEFT,
            ry,
            &f.regular,
            SMALL,
            &format!("Referensi: {}", sheet.referensi),
        );
    }
}

/// The large grey word across the page, under everything else.
fn watermark(s: &mut Surface<'_>, word: &str) {
    let face = &fonts().bold;
    let size = 120.0;
    let w = face.width(word, size);
    // Scaled down so a long word (DIGANTI) still fits the diagonal.
    let size = if w > 600.0 { size * 600.0 / w } else { size };
    let w = face.width(word, size);
    s.set_fill(Some(Fill {
        paint: rgb::Color::new(200, 200, 200).into(),
        opacity: NormalizedF32::new(0.6).unwrap_or(NormalizedF32::ONE),
        rule: Default::default(),
    }));
    s.push_transform(&Transform::from_translate(PAGE_W / 2.0, PAGE_H / 2.0));
    s.push_transform(&Transform::from_rotate(-50.0));
    s.draw_text(
        Point::from_xy(-w / 2.0, size * 0.35),
        face.font.clone(),
        size,
        word,
        false,
        TextDirection::LeftToRight,
    );
    s.pop();
    s.pop();
}
