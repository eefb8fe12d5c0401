//! What a check says about a value, in both languages, made where the problem is found.
//!
//! The app speaks Bahasa Indonesia and, when chosen, English completely: a problem found in a
//! field or a file carries both wordings, so the view picks one without losing the detail
//! (which value, which character, how many). The Indonesian text is the one scripts and tests
//! know byte for byte; the English words live next to it. The checkers' recurring kinds have a
//! constructor each; a one-of-a-kind message is a [`Said::new`] pair.

use super::faktur::MAX_TEXT;

/// A message in Bahasa Indonesia (`id`) and English (`en`), both with the same detail.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Said {
    pub id: String,
    pub en: String,
}

impl Said {
    pub fn new(id: impl Into<String>, en: impl Into<String>) -> Said {
        Said {
            id: id.into(),
            en: en.into(),
        }
    }

    /// A required field is empty.
    pub fn required(field: &str) -> Said {
        Said::new(
            format!("{field} wajib diisi"),
            format!("{field} must be filled in"),
        )
    }

    /// A text longer than DJP's database stores (ETAX-10003).
    pub fn too_long(field: &str) -> Said {
        Said::new(
            format!("{field} lebih dari {MAX_TEXT} karakter; persingkat teksnya"),
            format!("{field} is longer than {MAX_TEXT} characters; shorten the text"),
        )
    }

    /// A control character or a broken encoding's U+FFFD, which DJP's upload rejects.
    pub fn bad_char(field: &str, c: char) -> Said {
        let u = c as u32;
        Said::new(
            format!(
                "{field} mengandung karakter yang ditolak DJP (U+{u:04X}); hapus atau ketik ulang"
            ),
            format!(
                "{field} contains a character DJP rejects (U+{u:04X}); delete it or type the text again"
            ),
        )
    }

    /// An amount below zero.
    pub fn negative(field: &str) -> Said {
        Said::new(
            format!("{field} tidak boleh negatif"),
            format!("{field} must not be negative"),
        )
    }

    /// A header total with decimals: DJP's totals are whole rupiah.
    pub fn not_whole_rupiah(field: &str, raw: &str) -> Said {
        Said::new(
            format!("{field} harus rupiah bulat, bukan '{raw}'"),
            format!("{field} must be whole rupiah, not '{raw}'"),
        )
    }

    /// A NSFP of one year on a faktur dated in another (ETAX-30029).
    pub fn serial_year(n: super::nsfp::Nsfp, tanggal: chrono::NaiveDate) -> Said {
        let (year, date) = (n.year(), super::faktur::format_tanggal(tanggal));
        Said::new(
            format!("nomor seri {n} berlaku untuk tahun 20{year:02}, tetapi tanggal faktur {date}"),
            format!(
                "the serial number {n} is for the year 20{year:02}, but the invoice is dated {date}"
            ),
        )
    }

    /// Rows of kind `rows` in a file of kind `file` (both as `FileKind::key` names them).
    pub fn mixed_rows(file: &str, rows: &str) -> Said {
        Said::new(
            format!("file {file} tidak boleh berisi baris {rows}; pisahkan ke file sendiri"),
            format!("a {file} file must not hold {rows} rows; move them to a file of their own"),
        )
    }
}

impl From<super::money::AmountError> for Said {
    fn from(e: super::money::AmountError) -> Said {
        Said::new(e.to_string(), e.english())
    }
}

impl From<super::npwp::NpwpError> for Said {
    fn from(e: super::npwp::NpwpError) -> Said {
        Said::new(e.to_string(), e.english())
    }
}

impl From<super::nsfp::NsfpError> for Said {
    fn from(e: super::nsfp::NsfpError) -> Said {
        Said::new(e.to_string(), e.english())
    }
}
