//! Retur (RK/RM) and Dokumen Lain (DK/DM): checks against the faktur they name, atomic imports,
//! CSV -> Local Database -> CSV round trips, the schema 1 -> 2 migration, and the CLI.

use std::path::{Path, PathBuf};
use std::process::Command;

use efaktur::domain::{ApprovalStatus, DjpCode, Npwp, Rupiah};
use efaktur::exchange::retur::{
    ReturExport, ReturImportOptions, import_retur, validate_retur, write_retur,
};
use efaktur::exchange::rows::RowSource;
use efaktur::exchange::{ImportOptions, Report, import_csv};
use efaktur::store::faktur::Filter;
use efaktur::store::{Store, dokumen_lain, profile, retur};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/csv")
        .join(name)
}

fn source(name: &str) -> RowSource<std::fs::File> {
    RowSource::csv(std::fs::File::open(fixture(name)).unwrap(), None)
}

fn store_with_faktur() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    profile::save(
        store.conn(),
        &profile::Profile::new(
            Npwp::parse("013463476415001").unwrap(),
            "PT PENJUAL MAKMUR",
            "JL. INDUSTRI NO. 5 JAKARTA",
        ),
    )
    .unwrap();
    for name in ["djp_export_2015.csv", "masukan.csv"] {
        let file = std::fs::File::open(fixture(name)).unwrap();
        let r = import_csv(file, &mut store, &ImportOptions::default(), &mut |_| {}).unwrap();
        assert!(r.is_clean(), "{name}: {:?}", r.errors);
    }
    store
}

fn import(store: &mut Store, name: &str) -> Report {
    import_retur(source(name), store, &ReturImportOptions::default()).unwrap()
}

fn has(report: &Report, line: u64, column: &str, code: DjpCode) -> bool {
    report
        .errors
        .iter()
        .any(|p| p.line == line && p.column == column && p.code == code)
}

fn filter(masukan: bool) -> Filter {
    Filter {
        masukan: Some(masukan),
        ..Filter::default()
    }
}

/// Every record of a CSV text, fields as strings (CRLF or LF).
fn records(text: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn export(store: &Store, kind: ReturExport) -> Vec<u8> {
    let mut out = Vec::new();
    write_retur(&mut out, store.conn(), kind, Filter::default(), &mut |_| {}).unwrap();
    out
}

#[test]
fn retur_keluaran_and_masukan_round_trip_every_field() {
    let mut store = store_with_faktur();
    for (name, kind, masukan) in [
        ("retur_keluaran.csv", ReturExport::ReturKeluaran, false),
        ("retur_masukan.csv", ReturExport::ReturMasukan, true),
    ] {
        let report = import(&mut store, name);
        assert!(report.is_clean(), "{name}: {:#?}", report.errors);
        assert_eq!(report.imported, 2, "{name}");
        let listed = retur::list(store.conn(), filter(masukan)).unwrap();
        assert_eq!(listed.len(), 2);

        let original = records(&std::fs::read(fixture(name)).unwrap());
        let exported = export(&store, kind);
        assert!(exported.ends_with(b"\r\n"), "DJP's CRLF line ends");
        assert_eq!(records(&exported), original, "{name}: CSV -> DB -> CSV");
    }
    // The stored retur keep the link to their faktur and their amounts.
    let rk = retur::list(store.conn(), filter(false)).unwrap();
    assert_eq!(rk[0].retur.nilai.dpp, Rupiah::new(50_000));
    assert_eq!(rk[0].approval, ApprovalStatus::Draft);
    assert!(
        import(&mut store, "retur_keluaran.csv")
            .errors
            .iter()
            .all(|p| p.code == DjpCode::Etax30030),
        "a second import of the same numbers is refused"
    );
}

#[test]
fn retur_masa_listing_uses_the_retur_period() {
    let mut store = store_with_faktur();
    assert!(import(&mut store, "retur_keluaran.csv").is_clean());
    let in_masa = |masa| {
        retur::list(
            store.conn(),
            Filter {
                masukan: Some(false),
                masa: Some(masa),
                tahun: Some(2015),
                approval: None,
            },
        )
        .unwrap()
        .len()
    };
    assert_eq!((in_masa(7), in_masa(8), in_masa(9)), (1, 1, 0));
}

#[test]
fn retur_errors_name_line_column_and_code_and_nothing_is_written() {
    let mut store = store_with_faktur();
    let report = import(&mut store, "err_retur.csv");
    for (line, column, code) in [
        (1, "NOMOR_FAKTUR", DjpCode::Etax20003),
        (3, "NILAI_RETUR_DPP", DjpCode::Etax20032),
        (3, "NILAI_RETUR_PPN", DjpCode::Etax20033),
        (4, "TANGGAL_RETUR", DjpCode::Etax20030),
        (5, "NOMOR_DOKUMEN_RETUR", DjpCode::Etax30030),
        (6, "RK", DjpCode::Etax30005),
        (7, "", DjpCode::Etax20023),
    ] {
        assert!(
            has(&report, line, column, code),
            "missing {line} {column} {code:?} in {:#?}",
            report.errors
        );
    }
    assert!(
        !report.errors.iter().any(|p| p.line == 2),
        "line 2 is a valid retur: {:#?}",
        report.errors
    );
    assert_eq!(report.imported, 0);
    assert!(retur::list(store.conn(), filter(false)).unwrap().is_empty());

    // With --skip-invalid the good row is written, and the saldo counts it.
    let report = import_retur(
        source("err_retur.csv"),
        &mut store,
        &ReturImportOptions {
            skip_invalid: true,
            actor: "test".into(),
        },
    )
    .unwrap();
    assert_eq!(report.imported, 1);
    let more = "RK,016090524017000,CV TOKO BANGUNAN,01,0,0001500000002,24/07/2015,RET/Y/1,28/07/2015,7,2015,40001,4000,0\n";
    let r = import_retur(
        RowSource::csv(more.as_bytes(), None),
        &mut store,
        &ReturImportOptions::default(),
    )
    .unwrap();
    assert!(
        has(&r, 1, "NILAI_RETUR_DPP", DjpCode::Etax20032),
        "60 000 of 100 000 already returned: {:#?}",
        r.errors
    );
}

#[test]
fn one_retur_number_written_with_two_npwp_forms_is_one_duplicate_on_its_line() {
    let mut store = store_with_faktur();
    let text = "RK,016090524017000,CV TOKO BANGUNAN,01,0,0001500000002,24/07/2015,R-9,25/07/2015,7,2015,10,1,0\n\
                RK,0016090524017000,CV TOKO BANGUNAN,01,0,0001500000002,24/07/2015,R-9,25/07/2015,7,2015,10,1,0\n";
    let report = import_retur(
        RowSource::csv(text.as_bytes(), None),
        &mut store,
        &ReturImportOptions::default(),
    )
    .unwrap();
    assert!(
        has(&report, 2, "NOMOR_DOKUMEN_RETUR", DjpCode::Etax30030),
        "{:#?}",
        report.errors
    );
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
}

#[test]
fn a_check_without_database_looks_only_at_the_file() {
    let report = validate_retur(source("retur_keluaran.csv"), None).unwrap();
    assert!(report.is_clean(), "{:#?}", report.errors);
    assert_eq!(report.faktur, 2);
    assert_eq!(report.imported, 0);
    let store = store_with_faktur();
    let report = validate_retur(source("err_retur.csv"), Some(store.conn())).unwrap();
    assert!(has(&report, 1, "NOMOR_FAKTUR", DjpCode::Etax20003));
    assert!(
        retur::list(store.conn(), Filter::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn dokumen_lain_round_trips_one_file_per_direction() {
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, "dokumen_lain.csv");
    assert!(report.is_clean(), "{:#?}", report.errors);
    assert_eq!(report.imported, 3);
    assert_eq!(
        dokumen_lain::list(store.conn(), filter(true))
            .unwrap()
            .len(),
        2
    );

    // The pengganti in the fixture names a PIB that is not recorded: imported, with a warning.
    assert_eq!(
        report
            .warnings
            .iter()
            .map(|p| (p.line, p.column.as_str(), p.code))
            .collect::<Vec<_>>(),
        vec![(4, "NOMOR_DOK_LAIN_GANTI", DjpCode::Etax20003)]
    );
    let original = records(&std::fs::read(fixture("dokumen_lain.csv")).unwrap());
    let dk = records(&export(&store, ReturExport::DokumenLainKeluaran));
    let dm = records(&export(&store, ReturExport::DokumenLainMasukan));
    assert_eq!(dk[0], original[0], "DJP's DK_DM header");
    assert_eq!(dk[1..], original[1..2]);
    assert_eq!(dm[0], original[0]);
    assert_eq!(dm[1..], original[2..]);
}

#[test]
fn dokumen_lain_errors_name_line_column_and_code() {
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, "err_dokumen_lain.csv");
    for (line, column, code) in [
        (1, "JENIS_DOKUMEN", DjpCode::Etax30031),
        (2, "NOMOR_DOK_LAIN_GANTI", DjpCode::Etax30031),
        (3, "DK", DjpCode::Etax30031),
        (4, "MASA_PAJAK", DjpCode::Etax20024),
        (6, "NOMOR_DOK_LAIN", DjpCode::Etax20002),
    ] {
        assert!(
            has(&report, line, column, code),
            "missing {line} {column} {code:?} in {:#?}",
            report.errors
        );
    }
    assert_eq!(report.imported, 0);
    assert!(
        dokumen_lain::list(store.conn(), Filter::default())
            .unwrap()
            .is_empty()
    );
}

/// A schema 1 database (as released) with a faktur in it opens, migrates to schema 2 and keeps
/// its data; a retur of that faktur can then be recorded.
#[test]
fn a_schema_1_database_with_data_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(include_str!(
            "../../resources/migrations/client/0001_init.sql"
        ))
        .unwrap();
        c.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO faktur (jenis, kode_transaksi, fg_pengganti, nsfp, masa, tahun, tanggal,
                lawan_npwp, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn, jumlah_ppnbm,
                created_at, updated_at)
             VALUES ('keluaran', 1, 0, '0001500000002', 7, 2015, '2015-07-24', '016090524017000',
                'CV TOKO BANGUNAN', 'JL. RAYA 10 SURABAYA', 100000, 10000, 0,
                '2015-07-24T00:00:00Z', '2015-07-24T00:00:00Z');
             INSERT INTO faktur_item (faktur_id, line_no, kode_objek, nama, harga_satuan,
                jumlah_barang, harga_total, diskon, dpp, ppn, tarif_ppnbm, ppnbm)
             VALUES (1, 1, 'B001', 'Semen 50kg', '50000', '2', '100000', '0', '100000', '10000',
                '0', '0');
             INSERT INTO barang_jasa (kode, nama, harga_satuan, updated_at)
             VALUES ('B001', 'Semen 50kg', '50000', '2015-07-24T00:00:00Z');",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let version: i64 = store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, efaktur::store::SCHEMA_VERSION);
    assert!(version >= 2);
    store.integrity_check().unwrap();
    let fakturs = efaktur::store::faktur::list(store.conn(), filter(false)).unwrap();
    assert_eq!(fakturs.len(), 1);
    assert_eq!(fakturs[0].faktur.items.len(), 1);
    assert_eq!(efaktur::store::item::list(store.conn()).unwrap().len(), 1);

    let row = "RK,016090524017000,CV TOKO BANGUNAN,01,0,0001500000002,24/07/2015,RET/1,24/07/2015,7,2015,50000,5000,0\n";
    let report = import_retur(
        RowSource::csv(row.as_bytes(), None),
        &mut store,
        &ReturImportOptions::default(),
    )
    .unwrap();
    assert!(report.is_clean(), "{:#?}", report.errors);
    assert_eq!(retur::list(store.conn(), filter(false)).unwrap().len(), 1);
    // The faktur a retur names cannot be deleted from under it.
    assert!(
        store
            .conn()
            .execute("DELETE FROM faktur WHERE id = 1", [])
            .is_err()
    );
}

fn efaktur(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_efaktur"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cli_imports_and_exports_retur_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str]| efaktur(&data, args);
    let out = run(&[
        "profile",
        "add",
        "--npwp",
        "013463476415001",
        "--nama",
        "PT PENJUAL MAKMUR",
        "--alamat",
        "JL. INDUSTRI 5",
    ]);
    assert!(out.status.success(), "{out:?}");
    let faktur = fixture("djp_export_2015.csv");
    assert!(run(&["import", faktur.to_str().unwrap()]).status.success());

    let rk = fixture("retur_keluaran.csv");
    let out = run(&["validate", rk.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let out = run(&["import", "--json", rk.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["kind"], "retur-keluaran");
    assert_eq!(json["imported"], 2);

    let bad = fixture("err_retur.csv");
    let out = run(&["import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("err_retur.csv:1: NOMOR_FAKTUR: ETAX-20003 : "),
        "{text}"
    );

    let exported = dir.path().join("rk.csv");
    let out = run(&[
        "export",
        "--masa",
        "8",
        "--tahun",
        "2015",
        "--format",
        "efaktur-csv",
        "--jenis",
        "retur-keluaran",
        "--out",
        exported.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let rows = records(&std::fs::read(&exported).unwrap());
    assert_eq!(rows.len(), 2, "header and the one retur of masa 8");
    assert_eq!(rows[1][7], "RET/2015/001");
}

#[test]
fn a_pengganti_of_a_document_earlier_in_the_file_or_stored_needs_no_warning() {
    let mut store = Store::open_in_memory().unwrap();
    let normal =
        "DM,2,5,1,0,-,PIB-1,02/01/2024,1,2024,013000666091000,PT IMPORTIR,Jl. A,1000,110,0,\n";
    let pengganti = "DM,2,5,1,1,PIB-1,PIB-2,03/01/2024,1,2024,01.300.066.6-091.000,PT IMPORTIR,Jl. A,2000,220,0,\n";
    let run = |store: &mut Store, text: &str| {
        import_retur(
            RowSource::csv(text.as_bytes(), None),
            store,
            &ReturImportOptions::default(),
        )
        .unwrap()
    };
    let both = run(&mut store, &format!("{normal}{pengganti}"));
    assert!(both.is_clean() && both.warnings.is_empty(), "{both:#?}");
    let mut other = Store::open_in_memory().unwrap();
    assert!(run(&mut other, normal).is_clean());
    let later = run(&mut other, pengganti);
    assert!(later.is_clean() && later.warnings.is_empty(), "{later:#?}");
}
