//! `.xlsx` input: the same columns and checks as the CSV (sheet and row in every message), the
//! same Local Database result, and bounded memory on hostile files. The workbooks are written
//! here with rust_xlsxwriter, so no binary fixture has to be trusted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use efaktur::domain::DjpCode;
use efaktur::exchange::csv_read::CsvReader;
use efaktur::exchange::retur::{ReturImportOptions, import_retur};
use efaktur::exchange::rows::RowSource;
use efaktur::exchange::xlsx::{self, MAX_UNCOMPRESSED};
use efaktur::exchange::{ImportOptions, import_csv, import_reader, validate_reader};
use efaktur::store::Store;
use efaktur::store::faktur::{self, Filter};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/csv")
        .join(name)
}

fn csv_rows(name: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(fixture(name))
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Writes `rows` to sheet `Faktur` as a person would type them in Excel: amounts as numbers,
/// dates as date cells, identifiers (NPWP, nomor faktur, codes with leading zeros) as text.
fn workbook(path: &Path, rows: &[Vec<String>]) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Faktur").unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let plain_number = !cell.starts_with('0') || cell.starts_with("0.") || cell == "0";
            if let Some(d) = efaktur::domain::faktur::parse_tanggal(cell) {
                use chrono::Datelike;
                let when = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                    .unwrap();
                sheet
                    .write_datetime_with_format(r, c, &when, &date)
                    .unwrap();
            } else if plain_number && let Ok(n) = cell.parse::<f64>() {
                sheet.write_number(r, c, n).unwrap();
            } else {
                sheet.write_string(r, c, cell).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn a_spreadsheet_imports_like_the_csv_it_was_made_from() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("faktur.xlsx");
    workbook(&path, &csv_rows("djp_export_2015.csv"));

    let mut from_csv = Store::open_in_memory().unwrap();
    let file = std::fs::File::open(fixture("djp_export_2015.csv")).unwrap();
    let r = import_csv(file, &mut from_csv, &ImportOptions::default(), &mut |_| {}).unwrap();
    assert!(r.is_clean(), "{:#?}", r.errors);

    let sheet = xlsx::read_first_sheet(&path).unwrap();
    assert_eq!(sheet.name, "Faktur");
    let mut from_xlsx = Store::open_in_memory().unwrap();
    let reader = CsvReader::<std::io::Empty>::from_rows(sheet.rows);
    let r = import_reader(
        reader,
        &mut from_xlsx,
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert!(r.is_clean(), "{:#?}", r.errors);
    assert_eq!((r.faktur, r.items), (2, 4));

    let all = |s: &Store| faktur::list(s.conn(), Filter::default()).unwrap();
    assert_eq!(all(&from_xlsx), all(&from_csv));
}

#[test]
fn spreadsheet_problems_name_the_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.xlsx");
    let mut rows = csv_rows("djp_export_2015.csv");
    rows[3][7] = "013000666091999X".into(); // NPWP of the first FK (row 4)
    rows[5][8] = "3518,4".into(); // PPN of the first OF (row 6)
    workbook(&path, &rows);
    let sheet = xlsx::read_first_sheet(&path).unwrap();
    let store = Store::open_in_memory().unwrap();
    let report = validate_reader(
        CsvReader::<std::io::Empty>::from_rows(sheet.rows),
        store.conn(),
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let found: Vec<_> = report
        .errors
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.code))
        .collect();
    assert!(
        found.contains(&(4, "NPWP", DjpCode::Etax20005)),
        "{found:?}"
    );
    assert!(found.contains(&(6, "PPN", DjpCode::Etax20004)), "{found:?}");

    // The CLI names the sheet with the file.
    let data = dir.path().join("data");
    let out = Command::new(env!("CARGO_BIN_EXE_efaktur"))
        .arg("--data-dir")
        .arg(&data)
        .args(["validate", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("bad.xlsx[Faktur]:4: NPWP: ETAX-20005 : "),
        "{text}"
    );
}

#[test]
fn retur_rows_in_a_spreadsheet_go_through_the_retur_checks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("retur.xlsx");
    workbook(&path, &csv_rows("retur_keluaran.csv"));
    let mut store = Store::open_in_memory().unwrap();
    let file = std::fs::File::open(fixture("djp_export_2015.csv")).unwrap();
    assert!(
        import_csv(file, &mut store, &ImportOptions::default(), &mut |_| {})
            .unwrap()
            .is_clean()
    );
    let sheet = xlsx::read_first_sheet(&path).unwrap();
    let report = import_retur(
        RowSource::<std::io::Empty>::Rows(sheet.rows.into_iter()),
        &mut store,
        &ReturImportOptions::default(),
    )
    .unwrap();
    assert!(report.is_clean(), "{:#?}", report.errors);
    assert_eq!(report.imported, 2);
}

#[test]
fn a_far_away_cell_is_refused_without_building_a_dense_grid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("far.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "FK").unwrap();
    sheet.write_string(1_000_000, 16_000, "x").unwrap();
    book.save(&path).unwrap();
    let err = xlsx::read_first_sheet(&path).unwrap_err();
    assert!(
        err.id.contains("ETAX-30007") && err.id.contains("kolom"),
        "{err:?}"
    );
    assert!(
        err.en.contains("ETAX-30007") && err.en.contains("column"),
        "{err:?}"
    );
}

#[test]
fn an_archive_that_expands_past_the_limit_is_refused_before_it_is_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    let file = std::fs::File::create(&path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..=(MAX_UNCOMPRESSED >> 20) {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap();
    assert!(
        std::fs::metadata(&path).unwrap().len() < 1 << 20,
        "small on disk"
    );
    let err = xlsx::read_first_sheet(&path).unwrap_err();
    assert!(
        err.id.contains("100 MB") && err.en.contains("100 MB"),
        "{err:?}"
    );
}

#[test]
fn one_shared_string_in_many_cells_cannot_multiply_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    // Stored once in the shared strings table; each cell that uses it would get its own copy.
    let long = "A".repeat(30_000);
    for row in 0..4_000 {
        sheet.write_string(row, 0, &long).unwrap();
    }
    book.save(&path).unwrap();
    assert!(
        std::fs::metadata(&path).unwrap().len() < 1 << 20,
        "small on disk"
    );
    let err = xlsx::read_first_sheet(&path).unwrap_err();
    assert!(
        err.id.contains("100 MB") && err.en.contains("100 MB"),
        "{err:?}"
    );
}

#[test]
fn referensi_spreadsheets_import_like_their_csv() {
    use efaktur::exchange::referensi::{Referensi, import_referensi};
    use efaktur::store::party;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lt.xlsx");
    workbook(&path, &csv_rows("referensi_lawan_transaksi.csv"));
    let sheet = xlsx::read_first_sheet(&path).unwrap();
    let mut from_xlsx = Store::open_in_memory().unwrap();
    let r = import_referensi(
        RowSource::<std::io::Empty>::Rows(sheet.rows.into_iter()),
        &mut from_xlsx,
        Referensi::LawanTransaksi,
        "test",
    )
    .unwrap();
    assert!(r.is_clean(), "{:#?}", r.errors);
    let mut from_csv = Store::open_in_memory().unwrap();
    let file = std::fs::File::open(fixture("referensi_lawan_transaksi.csv")).unwrap();
    let r = import_referensi(
        RowSource::csv(file, None),
        &mut from_csv,
        Referensi::LawanTransaksi,
        "test",
    )
    .unwrap();
    assert!(r.is_clean(), "{:#?}", r.errors);
    assert_eq!(
        party::list(from_xlsx.conn(), "").unwrap(),
        party::list(from_csv.conn(), "").unwrap()
    );
}
