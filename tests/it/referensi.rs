//! Referensi Lawan Transaksi and Barang/Jasa files: import in one transaction with every problem
//! placed on its line and column, export in the same shape, and the `efaktur referensi` commands.

use std::path::{Path, PathBuf};
use std::process::Command;

use efaktur::domain::DjpCode;
use efaktur::exchange::Report;
use efaktur::exchange::referensi::{Referensi, import_referensi, write_referensi};
use efaktur::exchange::rows::RowSource;
use efaktur::store::{Store, item, party};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/csv")
        .join(name)
}

fn import(store: &mut Store, name: &str, jenis: Referensi) -> Report {
    let file = std::fs::File::open(fixture(name)).unwrap();
    import_referensi(RowSource::csv(file, None), store, jenis, "test").unwrap()
}

fn records(text: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn sorted(mut rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    rows[1..].sort();
    rows
}

#[test]
fn lawan_transaksi_round_trips_with_nik_buyers() {
    let mut store = Store::open_in_memory().unwrap();
    let report = import(
        &mut store,
        "referensi_lawan_transaksi.csv",
        Referensi::LawanTransaksi,
    );
    assert!(report.is_clean(), "{:#?}", report.errors);
    assert_eq!(report.imported, 2);
    let all = party::list(store.conn(), "").unwrap();
    let budi = all.iter().find(|p| p.nama == "BUDI SANTOSO").unwrap();
    assert_eq!(budi.nik.as_deref(), Some("3578104709870002"));
    assert_eq!(budi.kabupaten, "SURABAYA");

    let mut out = Vec::new();
    write_referensi(&mut out, store.conn(), Referensi::LawanTransaksi).unwrap();
    let original = records(
        &std::fs::read(fixture("referensi_lawan_transaksi.csv")).unwrap(),
        b',',
    );
    assert_eq!(sorted(records(&out, b',')), sorted(original));

    // Importing again updates the same entries instead of adding new ones.
    let again = import(
        &mut store,
        "referensi_lawan_transaksi.csv",
        Referensi::LawanTransaksi,
    );
    assert!(again.is_clean());
    assert_eq!(party::list(store.conn(), "").unwrap().len(), 2);
}

#[test]
fn barang_jasa_round_trips() {
    let mut store = Store::open_in_memory().unwrap();
    let report = import(
        &mut store,
        "referensi_barang_jasa.csv",
        Referensi::BarangJasa,
    );
    assert!(report.is_clean(), "{:#?}", report.errors);
    assert_eq!(report.imported, 2);
    let mut out = Vec::new();
    write_referensi(&mut out, store.conn(), Referensi::BarangJasa).unwrap();
    let original = records(
        &std::fs::read(fixture("referensi_barang_jasa.csv")).unwrap(),
        b';',
    );
    assert_eq!(sorted(records(&out, b',')), sorted(original));
}

#[test]
fn every_problem_has_its_line_and_column_and_nothing_is_written() {
    let mut store = Store::open_in_memory().unwrap();
    let report = import(
        &mut store,
        "err_referensi_barang_jasa.csv",
        Referensi::BarangJasa,
    );
    for (line, column, code) in [
        (2, "HARGA_SATUAN", DjpCode::Etax30024),
        (3, "OB", DjpCode::Etax20022),
        (4, "KODE_OBJEK", DjpCode::Etax20020),
        (5, "NAMA", DjpCode::Etax20021),
        (6, "NAMA", DjpCode::Etax20022),
        (7, "", DjpCode::Etax20023),
    ] {
        assert!(
            report
                .errors
                .iter()
                .any(|p| p.line == line && p.column == column && p.code == code),
            "missing {line} {column} {code:?} in {:#?}",
            report.errors
        );
    }
    assert_eq!(report.imported, 0);
    assert!(
        item::list(store.conn()).unwrap().is_empty(),
        "one transaction"
    );

    let lt = "LT,013000676091000,PT A,,,,,,,,,,,\nLT,013000666091000,,,,,,,,,,,,\nLT,013000666091000,PT B\n";
    let report = import_referensi(
        RowSource::csv(lt.as_bytes(), None),
        &mut store,
        Referensi::LawanTransaksi,
        "test",
    )
    .unwrap();
    for (line, column, code) in [
        (1, "NPWP", DjpCode::Etax20005),
        (2, "NAMA", DjpCode::Etax20013),
        (3, "LT", DjpCode::Etax20013),
        (3, "NPWP", DjpCode::Etax20013),
    ] {
        assert!(
            report
                .errors
                .iter()
                .any(|p| p.line == line && p.column == column && p.code == code),
            "missing {line} {column} {code:?} in {:#?}",
            report.errors
        );
    }
    assert!(party::list(store.conn(), "").unwrap().is_empty());
}

#[test]
fn a_name_taken_by_another_code_in_the_database_is_reported_on_its_line() {
    let mut store = Store::open_in_memory().unwrap();
    assert!(
        import(
            &mut store,
            "referensi_barang_jasa.csv",
            Referensi::BarangJasa
        )
        .is_clean()
    );
    let text = "OB,B009,Jasa kirim,1000\nOB,X001,Semen 50kg,1000\n";
    let report = import_referensi(
        RowSource::csv(text.as_bytes(), None),
        &mut store,
        Referensi::BarangJasa,
        "test",
    )
    .unwrap();
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert_eq!(
        (report.errors[0].line, report.errors[0].code),
        (2, DjpCode::Etax20021)
    );
    assert_eq!(
        item::list(store.conn()).unwrap().len(),
        2,
        "B009 rolled back"
    );
}

#[test]
fn cli_referensi_import_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_efaktur"))
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[
        "profile",
        "add",
        "--npwp",
        "013463476415001",
        "--nama",
        "PT PENJUAL MAKMUR",
        "--alamat",
        "Jakarta",
    ]);
    assert!(out.status.success(), "{out:?}");
    let file = fixture("referensi_barang_jasa.csv");
    let out = run(&[
        "referensi",
        "import",
        "--jenis",
        "barang-jasa",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let bad = fixture("err_referensi_barang_jasa.csv");
    let out = run(&[
        "referensi",
        "import",
        "--jenis",
        "barang-jasa",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("err_referensi_barang_jasa.csv:2: HARGA_SATUAN: ETAX-30024 : "),
        "{text}"
    );
    let exported = dir.path().join("ob.csv");
    let out = run(&[
        "referensi",
        "export",
        "--jenis",
        "barang-jasa",
        "--out",
        exported.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let rows = records(&std::fs::read(&exported).unwrap(), b',');
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0], ["OB", "KODE_OBJEK", "NAMA", "HARGA_SATUAN"]);
}
