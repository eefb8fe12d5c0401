//! What an import or a check tells the user: counts and every problem with its line and column.

use crate::domain::{DjpCode, FieldError};

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
/// code users know, and what to do, in Bahasa Indonesia.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub column: String,
    pub code: DjpCode,
    pub message: String,
}

impl Problem {
    pub fn new(
        line: u64,
        column: impl Into<String>,
        code: DjpCode,
        message: impl Into<String>,
    ) -> Problem {
        let message: String = message.into();
        Problem {
            line,
            column: column.into(),
            code,
            // The code is printed in front of the message; a message that carries it already
            // (a store error's text) must not show it twice.
            message: match code.strip_from(&message) {
                m if m.len() == message.len() => message,
                m => m.to_string(),
            },
        }
    }

    /// Places a validation error of a faktur on the file: header fields on the FK/FM line, item
    /// fields on the line of their OF row.
    pub fn from_field(e: FieldError, header_line: u64, item_lines: &[u64]) -> Problem {
        let line = e
            .item
            .and_then(|i| item_lines.get(i).copied())
            .unwrap_or(header_line);
        Problem::new(line, e.field, e.code, e.message)
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
    pub errors: Vec<Problem>,
    /// Things worth knowing that do not stop the import (e.g. a number outside recorded ranges).
    pub warnings: Vec<Problem>,
    /// Warnings counted but not kept one by one (a file can carry one per faktur).
    pub warnings_omitted: u64,
}

impl Report {
    pub fn new(kind: FileKind) -> Report {
        Report {
            kind,
            faktur: 0,
            items: 0,
            imported: 0,
            lawan_transaksi: 0,
            warnings_omitted: 0,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// Errors ordered by line, as a reader of the file expects them.
    pub fn sort(&mut self) {
        self.errors.sort_by_key(|p| p.line);
        self.warnings.sort_by_key(|p| p.line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_errors_land_on_their_of_line() {
        let e = FieldError {
            field: "PPN",
            item: Some(1),
            code: DjpCode::Etax20004,
            message: "x".into(),
        };
        let p = Problem::from_field(e.clone(), 4, &[5, 6]);
        assert_eq!((p.line, p.column.as_str()), (6, "PPN"));
        let header = FieldError { item: None, ..e };
        assert_eq!(Problem::from_field(header, 4, &[5, 6]).line, 4);
        assert_eq!(p.display_in("a.csv"), "a.csv:6: PPN: ETAX-20004 : x");
        let twice = Problem::new(1, "X", DjpCode::Etax20018, "ETAX-20018: habis");
        assert_eq!(twice.display_in("a.xml"), "a.xml:1: X: ETAX-20018 : habis");
    }
}
