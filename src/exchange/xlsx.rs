//! Spreadsheet (`.xlsx`) input: the first sheet's rows, with the same columns as the CSV, handed
//! to the same row handling ([`super::csv_read::CsvReader::from_rows`] for faktur,
//! [`super::rows::RowSource::Rows`] for retur, dokumen lain and Referensi), so every check is
//! shared. Problems name the row number of the sheet; the CLI shows the file as `FILE[SHEET]`.
//!
//! Memory stays bounded on hostile files: before the workbook is opened, every part of the
//! archive is decompressed into nothing while counting, and a file whose parts add up to more
//! than [`MAX_UNCOMPRESSED`] is refused (the sizes an archive declares are not trusted). Cells are
//! then streamed, not read into a dense grid (a sheet with one cell in A1 and one in XFD1048576
//! would otherwise ask for billions of cells), and refused past [`MAX_ROWS`] rows,
//! [`MAX_COLUMNS`] columns, or [`MAX_UNCOMPRESSED`] bytes of cell text (a shared string is
//! copied into every cell that uses it). The file on disk may not be larger than that either.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek};
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};
use chrono::{Days, NaiveDate};

use crate::domain::Said;

/// Largest total uncompressed size of the archive's parts (sheets, shared strings, styles).
pub const MAX_UNCOMPRESSED: u64 = 100 * 1024 * 1024;
/// Most rows read from a sheet (Excel's own limit is 1 048 576).
pub const MAX_ROWS: u32 = 1_048_576;
/// Most columns: the widest e-Faktur row (FK) has 20; a few more for notes are tolerated.
pub const MAX_COLUMNS: u32 = 64;
/// Rows are padded with empty cells to this width: a spreadsheet does not store empty cells at
/// the end of a row, where a CSV writes empty fields, and the column-count checks must not take
/// one for a missing column (20 = the widest e-Faktur row, FK).
const PAD_TO: usize = 20;

/// The rows of one sheet: 1-based row number and cells as text (trimmed by the readers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<(u64, Vec<String>)>,
}

/// Whether a path names a spreadsheet this module reads.
pub fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}

/// Reads the first sheet of an `.xlsx` file. The error is a sentence for the user in both
/// languages, with its DJP code (ETAX-30007 file cannot be read).
pub fn read_first_sheet(path: &Path) -> Result<Sheet, Said> {
    let shown = path.display();
    let within = |place: &str, why: Said| {
        Said::new(
            format!("ETAX-30007 : {place}: {}", why.id),
            format!("ETAX-30007 : {place}: {}", why.en),
        )
    };
    let mut file = File::open(path).map_err(|e| {
        Said::new(
            format!("ETAX-30006 : file {shown} tidak dapat dibuka: {e}"),
            format!("ETAX-30006 : the file {shown} cannot be opened: {e}"),
        )
    })?;
    // The archive's directory is read into memory: bound the file itself too.
    if file.metadata().map_or(0, |m| m.len()) > MAX_UNCOMPRESSED {
        return Err(within(&shown.to_string(), too_big()));
    }
    check_size(&mut file).map_err(|e| within(&shown.to_string(), e))?;
    file.rewind().map_err(|e| {
        Said::new(
            format!("ETAX-30007 : {shown} tidak dapat dibaca: {e}"),
            format!("ETAX-30007 : {shown} cannot be read: {e}"),
        )
    })?;
    let mut book = Xlsx::new(std::io::BufReader::new(file)).map_err(|e| {
        Said::new(
            format!("ETAX-30007 : {shown} bukan file .xlsx yang dapat dibaca ({e}); simpan ulang dari Excel sebagai .xlsx atau sebagai CSV"),
            format!("ETAX-30007 : {shown} is not a readable .xlsx file ({e}); save it again from Excel as .xlsx or as CSV"),
        )
    })?;
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err(Said::new(
            format!("ETAX-30007 : {shown} tidak berisi sheet"),
            format!("ETAX-30007 : {shown} holds no sheet"),
        ));
    };
    let rows = read_sheet(&mut book, &name).map_err(|e| within(&format!("{shown}[{name}]"), e))?;
    Ok(Sheet { name, rows })
}

/// Decompresses every part into nothing, counting, and refuses archives that grow too large.
fn check_size<R: Read + Seek>(input: R) -> Result<(), Said> {
    let mut zip = zip::ZipArchive::new(input).map_err(|e| {
        Said::new(
            format!("bukan file .xlsx (arsip zip) yang sah: {e}"),
            format!("not a valid .xlsx file (zip archive): {e}"),
        )
    })?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|e| {
            Said::new(
                format!("bagian {i} arsip tidak dapat dibaca: {e}"),
                format!("part {i} of the archive cannot be read: {e}"),
            )
        })?;
        let left = MAX_UNCOMPRESSED - total;
        let n = std::io::copy(&mut part.take(left + 1), &mut std::io::sink()).map_err(|e| {
            Said::new(
                format!("bagian {i} arsip rusak: {e}"),
                format!("part {i} of the archive is damaged: {e}"),
            )
        })?;
        total += n;
        if total > MAX_UNCOMPRESSED {
            return Err(too_big());
        }
    }
    Ok(())
}

fn too_big() -> Said {
    let mb = MAX_UNCOMPRESSED / (1024 * 1024);
    Said::new(
        format!(
            "isi file lebih dari {mb} MB setelah diekstrak; pecah menjadi beberapa file atau simpan sebagai CSV (CSV dibaca tanpa batas ukuran)"
        ),
        format!(
            "the file's content is more than {mb} MB once extracted; split it into several files or save it as CSV (CSV is read without a size limit)"
        ),
    )
}

fn unreadable_sheet(e: impl std::fmt::Display) -> Said {
    Said::new(
        format!("sheet tidak dapat dibaca: {e}"),
        format!("the sheet cannot be read: {e}"),
    )
}

fn read_sheet<R: Read + Seek>(
    book: &mut Xlsx<R>,
    name: &str,
) -> Result<Vec<(u64, Vec<String>)>, Said> {
    let mut cells = book
        .worksheet_cells_reader(name)
        .map_err(unreadable_sheet)?;
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    // Text taken out so far: one shared string referenced by many cells is copied into each, so
    // the archive's size alone does not bound it.
    let mut taken: u64 = 0;
    while let Some(cell) = cells.next_cell().map_err(unreadable_sheet)? {
        let (row, col) = cell.get_position();
        if row >= MAX_ROWS {
            return Err(Said::new(
                format!("lebih dari {MAX_ROWS} baris; pecah menjadi beberapa file"),
                format!("more than {MAX_ROWS} rows; split it into several files"),
            ));
        }
        let text = cell_text(cell.get_value());
        if text.trim().is_empty() {
            continue;
        }
        if col >= MAX_COLUMNS {
            let (row, col) = (row + 1, col + 1);
            return Err(Said::new(
                format!(
                    "baris {row}: isi di kolom ke-{col} (paling banyak {MAX_COLUMNS} kolom); hapus isi di luar kolom format e-Faktur"
                ),
                format!(
                    "row {row}: content in column {col} (at most {MAX_COLUMNS} columns); delete what is outside the e-Faktur format's columns"
                ),
            ));
        }
        taken += text.len() as u64 + 24;
        if taken > MAX_UNCOMPRESSED {
            return Err(too_big());
        }
        let fields = rows.entry(row).or_default();
        if fields.len() <= col as usize {
            fields.resize(col as usize + 1, String::new());
        }
        fields[col as usize] = text;
    }
    Ok(rows
        .into_iter()
        .map(|(row, mut fields)| {
            if fields.len() < PAD_TO {
                fields.resize(PAD_TO, String::new());
            }
            (u64::from(row) + 1, fields)
        })
        .collect())
}

/// A cell as the CSV would carry it: whole numbers without `.0` (Excel keeps every number as a
/// float), dates as `dd/mm/yyyy`.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        DataRef::DateTime(d) => excel_date(d.as_f64()).unwrap_or_else(|| number_text(d.as_f64())),
        DataRef::DateTimeIso(s) => iso_date(s).unwrap_or_else(|| s.clone()),
        DataRef::DurationIso(s) => s.clone(),
        // A formula error (#N/A, #REF!) stays visible, so the check names its column.
        DataRef::Error(e) => format!("#{e}"),
    }
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// An Excel date serial (days since 1899-12-30) as `dd/mm/yyyy`.
fn excel_date(serial: f64) -> Option<String> {
    if !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let d = base.checked_add_days(Days::new(serial.floor() as u64))?;
    Some(crate::domain::faktur::format_tanggal(d))
}

fn iso_date(s: &str) -> Option<String> {
    let d = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    Some(crate::domain::faktur::format_tanggal(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_read_as_the_csv_writes_them() {
        assert_eq!(number_text(5864.0), "5864");
        assert_eq!(number_text(3518.4), "3518.4");
        assert_eq!(excel_date(45356.0).as_deref(), Some("05/03/2024"));
        assert_eq!(
            iso_date("2024-03-05T00:00:00").as_deref(),
            Some("05/03/2024")
        );
        assert_eq!(excel_date(-1.0), None);
    }
}
