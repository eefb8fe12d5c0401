//! Rows of a file as fields, whichever container holds them: a CSV file (`,` or `;`, quoted or
//! not, BOM, CRLF) or the rows of a spreadsheet ([`super::xlsx`]). The retur, dokumen lain and
//! Referensi imports read through this, so their checks are written once for both.

use std::io::{BufRead, BufReader, Read};

use crate::domain::DjpCode;
use crate::domain::said::Said;

use super::csv_read::detect_delimiter;
use super::report::Problem;

/// One non-empty row: its line (CSV) or row number (spreadsheet), and its fields, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub fields: Vec<String>,
    /// Indexes of fields whose bytes were not UTF-8 (replaced with U+FFFD).
    pub not_utf8: Vec<usize>,
}

impl Row {
    /// Field `i`, or empty when the row is shorter.
    pub fn get(&self, i: usize) -> &str {
        self.fields.get(i).map_or("", String::as_str)
    }

    /// Number of fields up to the last non-empty one (trailing empty fields are padding).
    pub fn used(&self) -> usize {
        self.fields
            .iter()
            .rposition(|f| !f.is_empty())
            .map_or(0, |i| i + 1)
    }

    /// The flag of the row (first field), upper-case.
    pub fn flag(&self) -> String {
        self.get(0).to_ascii_uppercase()
    }

    /// ETAX-30005-like problem when the row has too many fields or too few (`min..=max`).
    pub fn check_columns(&self, min: usize, max: usize, code: DjpCode) -> Option<Problem> {
        let (raw, used) = (self.fields.len(), self.used());
        if raw >= min && used <= max {
            return None;
        }
        let flag = self.flag();
        let (expected, expected_en) = if min == max {
            (max.to_string(), max.to_string())
        } else {
            (format!("{min} sampai {max}"), format!("{min} to {max}"))
        };
        let found = if raw < min { raw } else { used };
        Some(Problem::new(
            self.line,
            flag.clone(),
            code,
            Said::new(
                format!(
                    "baris {flag} harus {expected} kolom, ditemukan {found}; periksa pemisah kolom dan urutan kolom format DJP"
                ),
                format!(
                    "the {flag} row has {found} columns, expected {expected_en}; check the column separator and the column order of DJP's format"
                ),
            ),
        ))
    }

    /// ETAXSERVICE-20021 problems for the fields that were not UTF-8, named by `columns`.
    pub fn encoding_problems(&self, columns: &[&str]) -> Vec<Problem> {
        self.not_utf8
            .iter()
            .map(|&i| {
                Problem::new(
                    self.line,
                    columns.get(i).copied().unwrap_or("?"),
                    DjpCode::EtaxService20021,
                    Said::new(
                        "teks bukan UTF-8 (mis. disalin dari dokumen lain); simpan file sebagai UTF-8 atau ketik ulang teksnya",
                        "the text is not UTF-8 (e.g. copied from another document); save the file as UTF-8 or type the text again",
                    ),
                )
            })
            .collect()
    }
}

/// Where rows come from.
pub enum RowSource<R: Read> {
    Csv {
        reader: csv::Reader<BufReader<R>>,
        record: csv::ByteRecord,
        first: bool,
    },
    /// Rows already taken out of a spreadsheet (row number, cells as text).
    Rows(std::vec::IntoIter<(u64, Vec<String>)>),
    /// The file could not be read at all; the problem is handed out once.
    Failed(Option<Problem>),
}

impl<R: Read> RowSource<R> {
    /// A CSV source; the delimiter is detected from the first line when `None`.
    pub fn csv(input: R, delimiter: Option<u8>) -> RowSource<R> {
        let mut buffered = BufReader::with_capacity(64 * 1024, input);
        let head = match buffered.fill_buf() {
            Ok(h) => h,
            Err(e) => {
                return RowSource::Failed(Some(Problem::new(
                    0,
                    "",
                    DjpCode::Etax20023,
                    Said::new(
                        format!("file tidak dapat dibaca: {e}"),
                        format!("the file cannot be read: {e}"),
                    ),
                )));
            }
        };
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return RowSource::Failed(Some(Problem::new(
                1,
                "",
                DjpCode::Etax20023,
                Said::new(
                    "file tersimpan sebagai UTF-16; simpan ulang sebagai CSV UTF-8",
                    "the file is saved as UTF-16; save it again as UTF-8 CSV",
                ),
            )));
        }
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(head));
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .escape(Some(b'\\'))
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(buffered);
        RowSource::Csv {
            reader,
            record: csv::ByteRecord::new(),
            first: true,
        }
    }

    /// The next non-empty row, or a problem that ends the file (unreadable CSV).
    pub fn next_row(&mut self) -> Option<Result<Row, Problem>> {
        match self {
            RowSource::Failed(p) => p.take().map(Err),
            RowSource::Rows(rows) => rows.find_map(|(line, cells)| {
                let fields: Vec<String> = cells.into_iter().map(|c| c.trim().to_string()).collect();
                (!fields.iter().all(String::is_empty)).then_some(Ok(Row {
                    line,
                    fields,
                    not_utf8: Vec::new(),
                }))
            }),
            RowSource::Csv {
                reader,
                record,
                first,
            } => loop {
                match reader.read_byte_record(record) {
                    Ok(false) => return None,
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line());
                        *self = RowSource::Failed(None);
                        return Some(Err(Problem::new(
                            line,
                            "",
                            DjpCode::Etax20023,
                            Said::new(
                                format!("baris tidak dapat dibaca sebagai CSV: {e}"),
                                format!("the row cannot be read as CSV: {e}"),
                            ),
                        )));
                    }
                    Ok(true) => {
                        let line = record.position().map_or(0, |p| p.line());
                        let strip_bom = std::mem::replace(first, false);
                        let mut row = Row {
                            line,
                            fields: Vec::with_capacity(record.len()),
                            not_utf8: Vec::new(),
                        };
                        for (i, raw) in record.iter().enumerate() {
                            let raw = if i == 0 && strip_bom {
                                raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
                            } else {
                                raw
                            };
                            let text = match std::str::from_utf8(raw) {
                                Ok(s) => s.trim().to_string(),
                                Err(_) => {
                                    row.not_utf8.push(i);
                                    String::from_utf8_lossy(raw).trim().to_string()
                                }
                            };
                            row.fields.push(text);
                        }
                        if !row.fields.iter().all(String::is_empty) {
                            return Some(Ok(row));
                        }
                    }
                }
            },
        }
    }
}

/// The flag of the first row of a CSV file's beginning (`head`), upper-case: how the CLI tells
/// a retur or dokumen lain file from a faktur file.
pub fn first_flag(head: &[u8]) -> String {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let mut source = RowSource::csv(head, None);
    match source.next_row() {
        Some(Ok(row)) => row.flag(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Row> {
        let mut s = RowSource::csv(text.as_bytes(), None);
        std::iter::from_fn(|| s.next_row())
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn csv_rows_keep_their_lines_and_skip_blank_ones() {
        let r = rows("\u{FEFF}\"RK\";\"1\"\r\n\r\n;;\nRM; 2 ;x\n");
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].line, r[0].flag()), (1, "RK".to_string()));
        assert_eq!((r[1].line, r[1].get(1), r[1].get(7)), (4, "2", ""));
        assert_eq!(first_flag(b"\xEF\xBB\xBF\"DK_DM\",\"JENIS\"\n"), "DK_DM");
    }

    #[test]
    fn columns_are_counted_without_padding() {
        let r = &rows("RK,1,2,,\n")[0];
        assert!(r.check_columns(3, 3, DjpCode::Etax30005).is_none());
        let p = r.check_columns(4, 4, DjpCode::Etax30005);
        assert!(p.is_none(), "raw field count covers the minimum");
        let short = &rows("RK,1\n")[0];
        assert_eq!(
            short.check_columns(4, 4, DjpCode::Etax30005).unwrap().code,
            DjpCode::Etax30005
        );
    }
}
