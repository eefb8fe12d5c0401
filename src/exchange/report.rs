//! What an import or a check tells the user: counts and every problem with its line and column.

use crate::domain::{DjpCode, FieldError, Said};

/// Which format a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// FK/LT/FAPR/OF rows.
    PajakKeluaran,
    /// FM rows.
    PajakMasukan,
    /// Coretax `TaxInvoiceBulk`.
    CoretaxXml,
    /// RK rows.
    ReturKeluaran,
    /// RM rows.
    ReturMasukan,
    /// DK/DM rows.
    DokumenLain,
    /// Referensi Lawan Transaksi (LT rows).
    LawanTransaksi,
    /// Referensi Barang/Jasa (OB rows).
    BarangJasa,
}

impl FileKind {
    /// The name used in `--json` output.
    pub fn key(self) -> &'static str {
        match self {
            FileKind::PajakKeluaran => "pajak-keluaran",
            FileKind::PajakMasukan => "pajak-masukan",
            FileKind::CoretaxXml => "coretax-xml",
            FileKind::ReturKeluaran => "retur-keluaran",
            FileKind::ReturMasukan => "retur-masukan",
            FileKind::DokumenLain => "dokumen-lain",
            FileKind::LawanTransaksi => "lawan-transaksi",
            FileKind::BarangJasa => "barang-jasa",
        }
    }
}

/// One problem in a file: where it is (1-based line, column name as in DJP's header rows), the DJP
/// code users know, and what to do, in Bahasa Indonesia (`message`) and in English (`en`, the
/// same detail: which value, which character, how many).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub column: String,
    pub code: DjpCode,
    pub message: String,
    pub en: String,
}

impl Problem {
    pub fn new(line: u64, column: impl Into<String>, code: DjpCode, said: Said) -> Problem {
        // The code is printed in front of the message; a message that carries it already
        // (a store error's text) must not show it twice.
        let strip = |text: String| match code.strip_from(&text) {
            m if m.len() == text.len() => text,
            m => m.to_string(),
        };
        Problem {
            line,
            column: column.into(),
            code,
            message: strip(said.id),
            en: strip(said.en),
        }
    }

    /// Places a validation error of a faktur on the file: header fields on the FK/FM line, item
    /// fields on the line of their OF row.
    pub fn from_field(e: FieldError, header_line: u64, item_lines: &[u64]) -> Problem {
        let line = e
            .item
            .and_then(|i| item_lines.get(i).copied())
            .unwrap_or(header_line);
        Problem::new(line, e.field, e.code, Said::new(e.message, e.en))
    }

    /// `FILE:LINE: COLUMN: CODE : message`, the human form of the CLI.
    pub fn display_in(&self, file: &str) -> String {
        format!(
            "{file}:{}: {}: {} : {}",
            self.line,
            if self.column.is_empty() {
                "-"
            } else {
                &self.column
            },
            self.code.as_str(),
            self.message
        )
    }
}

/// Problems kept one by one in a report; the rest are only counted. A hostile or broken file can
/// carry a problem on every line, and a million of them help nobody and cost gigabytes.
pub const MAX_PROBLEMS: usize = 1000;

/// A list of problems that keeps the first [`MAX_PROBLEMS`] and counts the others. It reads like
/// a slice of the kept ones (`is_empty`, `len`, `iter`, indexing); [`Problems::total`] counts all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    kept: Vec<Problem>,
    omitted: u64,
}

impl Problems {
    pub fn new() -> Problems {
        Problems::default()
    }

    pub fn push(&mut self, p: Problem) {
        if self.kept.len() < MAX_PROBLEMS {
            self.kept.push(p);
        } else {
            self.omitted += 1;
        }
    }

    /// Adds `other`'s problems (and its count of omitted ones) to this list.
    pub fn append(&mut self, other: &Problems) {
        self.extend(other.kept.iter().cloned());
        self.omitted += other.omitted;
    }

    /// Problems counted but not kept.
    pub fn omitted(&self) -> u64 {
        self.omitted
    }

    /// Every problem found, kept or not.
    pub fn total(&self) -> u64 {
        self.kept.len() as u64 + self.omitted
    }

    /// Orders the kept problems by line, as a reader of the file expects them.
    pub fn sort(&mut self) {
        self.kept.sort_by_key(|p| p.line);
    }

    pub fn into_vec(self) -> Vec<Problem> {
        self.kept
    }
}

impl std::ops::Deref for Problems {
    type Target = [Problem];
    fn deref(&self) -> &[Problem] {
        &self.kept
    }
}

impl Extend<Problem> for Problems {
    fn extend<I: IntoIterator<Item = Problem>>(&mut self, iter: I) {
        for p in iter {
            self.push(p);
        }
    }
}

impl<'a> IntoIterator for &'a Problems {
    type Item = &'a Problem;
    type IntoIter = std::slice::Iter<'a, Problem>;
    fn into_iter(self) -> Self::IntoIter {
        self.kept.iter()
    }
}

impl From<Vec<Problem>> for Problems {
    fn from(v: Vec<Problem>) -> Problems {
        let mut out = Problems::new();
        out.extend(v);
        out
    }
}

/// The outcome of reading (and perhaps importing) one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub kind: FileKind,
    /// Faktur found in the file.
    pub faktur: u64,
    /// OF rows (items) found in the file.
    pub items: u64,
    /// Faktur written to the database (0 for a check, or when the import was rolled back).
    pub imported: u64,
    /// Lawan transaksi rows written to Referensi Lawan Transaksi.
    pub lawan_transaksi: u64,
    /// The first [`MAX_PROBLEMS`] errors; `errors.total()` counts them all.
    pub errors: Problems,
    /// Things worth knowing that do not stop the import (e.g. a number outside recorded ranges).
    pub warnings: Vec<Problem>,
    /// Warnings counted but not kept one by one (a file can carry one per faktur).
    pub warnings_omitted: u64,
    /// The newest masa of the retur or dokumen lain written: where the Impor page opens their
    /// list (`None` for faktur, and when nothing was written).
    pub newest_masa: Option<NewestMasa>,
}

/// A masa documents were written in, and whether they are of Pajak Masukan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewestMasa {
    pub masukan: bool,
    pub tahun: u16,
    pub masa: u8,
}

impl Report {
    /// Notes a retur or dokumen lain written in `masa` of `tahun` ([`Report::newest_masa`]).
    pub fn wrote_in(&mut self, masukan: bool, tahun: u16, masa: u8) {
        if self
            .newest_masa
            .is_none_or(|n| (tahun, masa) > (n.tahun, n.masa))
        {
            self.newest_masa = Some(NewestMasa {
                masukan,
                tahun,
                masa,
            });
        }
    }

    pub fn new(kind: FileKind) -> Report {
        Report {
            kind,
            faktur: 0,
            items: 0,
            imported: 0,
            lawan_transaksi: 0,
            warnings_omitted: 0,
            newest_masa: None,
            errors: Problems::new(),
            warnings: Vec::new(),
        }
    }

    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// Errors ordered by line, as a reader of the file expects them.
    pub fn sort(&mut self) {
        self.errors.sort();
        self.warnings.sort_by_key(|p| p.line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_keep_the_first_ones_and_count_all() {
        let p = |line| Problem::new(line, "", DjpCode::Etax20023, Said::new("x", "x"));
        let mut a: Problems = (0..MAX_PROBLEMS as u64 + 5)
            .map(p)
            .collect::<Vec<_>>()
            .into();
        let all = MAX_PROBLEMS as u64 + 5;
        assert_eq!((a.len(), a.omitted(), a.total()), (MAX_PROBLEMS, 5, all));
        let mut b = Problems::new();
        b.push(p(7));
        b.append(&a);
        assert_eq!((b.len(), b.total()), (MAX_PROBLEMS, all + 1));
        assert_eq!(b[0].line, 7);
        a.sort();
        assert_eq!(a.first().map(|p| p.line), Some(0));
    }

    #[test]
    fn item_errors_land_on_their_of_line() {
        let e = FieldError {
            field: "PPN",
            item: Some(1),
            code: DjpCode::Etax20004,
            message: "x".into(),
            en: "y".into(),
        };
        let p = Problem::from_field(e.clone(), 4, &[5, 6]);
        assert_eq!((p.line, p.column.as_str()), (6, "PPN"));
        let header = FieldError { item: None, ..e };
        assert_eq!(Problem::from_field(header, 4, &[5, 6]).line, 4);
        assert_eq!(p.display_in("a.csv"), "a.csv:6: PPN: ETAX-20004 : x");
        assert_eq!(p.en, "y");
        let twice = Problem::new(
            1,
            "X",
            DjpCode::Etax20018,
            Said::new("ETAX-20018: habis", "ETAX-20018: none left"),
        );
        assert_eq!(twice.display_in("a.xml"), "a.xml:1: X: ETAX-20018 : habis");
        assert_eq!(twice.en, "none left");
    }
}
