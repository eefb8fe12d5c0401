//! Page geometry in PDF points (A4, origin top left, y downwards), after the PER-03/PJ/2022 form.

pub const PAGE_W: f32 = 595.0;
pub const PAGE_H: f32 = 842.0;
/// The box's left and right edges; DJP puts the QR at x = 20.
pub const LEFT: f32 = 20.0;
pub const RIGHT: f32 = 575.0;

pub const TITLE: f32 = 14.0;
pub const BODY: f32 = 9.0;
pub const SMALL: f32 = 7.5;
pub const TINY: f32 = 6.5;
pub const LINE: f32 = 11.5;
pub const SMALL_LINE: f32 = 9.5;
pub const TINY_LINE: f32 = 8.0;
pub const CELL_PAD: f32 = 3.0;
pub const GAP: f32 = 8.0;

pub const TITLE_BASELINE: f32 = 36.0;
pub const BOX_TOP: f32 = 46.0;
pub const NOMOR_ROW: f32 = 18.0;
pub const SECTION_HEAD: f32 = 15.0;

/// Party blocks: label, colon, value.
pub const LABEL_X: f32 = LEFT + 6.0;
pub const COLON_X: f32 = LEFT + 78.0;
pub const VALUE_X: f32 = LEFT + 86.0;
pub const VALUE_W: f32 = RIGHT - 6.0 - VALUE_X;

/// Item table: No. | Nama | Harga.
pub const COL_NAME: f32 = LEFT + 30.0;
pub const COL_AMOUNT: f32 = LEFT + 360.0;
pub const NAME_W: f32 = COL_AMOUNT - COL_NAME - 12.0;
pub const TABLE_HEAD: f32 = 18.0;
pub const TOTAL_ROW: f32 = 15.0;

/// A continuation page: the nomor row, then the table header.
pub const CONT_ITEMS_TOP: f32 = BOX_TOP + NOMOR_ROW + TABLE_HEAD;

/// QR code: 102 pt (36 mm), as DJP prints it; the signature block beside it.
pub const QR_SIZE: f32 = 102.0;
pub const SIGN_BLOCK: f32 = QR_SIZE + 14.0;

/// Content ends here; the notice and the page number live below.
pub const CONTENT_BOTTOM: f32 = 792.0;
pub const FOOTER_TOP: f32 = 798.0;
pub const PAGE_NO_BASELINE: f32 = 832.0;
