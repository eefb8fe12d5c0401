//! e-Faktur CSV and Coretax XML: checks with their lines and codes, round trips, atomic imports,
//! and the `efaktur` subcommands run as a user runs them.

use std::path::{Path, PathBuf};
use std::process::Command;

use efaktur::domain::{ApprovalStatus, DjpCode, FakturStatus, Npwp, Nsfp, NsfpRange};
use efaktur::exchange::coretax::{self, CoretaxOptions};
use efaktur::exchange::csv_write;
use efaktur::exchange::{ImportOptions, Report, import_csv, import_xml, validate_csv};
use efaktur::store::faktur::{self, Filter};
use efaktur::store::{Store, nsfp, party, profile};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/csv")
        .join(name)
}

fn seller() -> profile::Profile {
    profile::Profile::new(
        Npwp::parse("013463476415001").unwrap(),
        "PT PENJUAL MAKMUR",
        "JL. INDUSTRI NO. 5 JAKARTA",
    )
}

fn store_with_profile() -> Store {
    let store = Store::open_in_memory().unwrap();
    profile::save(store.conn(), &seller()).unwrap();
    store
}

fn check(name: &str) -> Report {
    let store = Store::open_in_memory().unwrap();
    let file = std::fs::File::open(fixture(name)).unwrap();
    validate_csv(file, store.conn(), &ImportOptions::default(), &mut |_| {}).unwrap()
}

fn import(store: &mut Store, name: &str, skip_invalid: bool) -> Report {
    let file = std::fs::File::open(fixture(name)).unwrap();
    let options = ImportOptions {
        skip_invalid,
        ..ImportOptions::default()
    };
    import_csv(file, store, &options, &mut |_| {}).unwrap()
}

fn has(report: &Report, line: u64, column: &str, code: DjpCode) -> bool {
    report
        .errors
        .iter()
        .any(|p| p.line == line && p.column == column && p.code == code)
}

#[test]
fn every_check_reports_its_line_column_and_code() {
    let cases = [
        ("err_columns.csv", 3, "FK", DjpCode::Etax30005),
        ("err_number.csv", 2, "PPN", DjpCode::Etax20004),
        ("err_date.csv", 1, "TANGGAL_FAKTUR", DjpCode::Etax20006),
        ("err_npwp.csv", 1, "NPWP", DjpCode::Etax20005),
        ("err_nomor.csv", 1, "NOMOR_FAKTUR", DjpCode::Etax20007),
        ("err_year.csv", 1, "NOMOR_FAKTUR", DjpCode::Etax30029),
        ("err_duplicate.csv", 3, "NOMOR_FAKTUR", DjpCode::Etax20002),
        ("err_totals.csv", 1, "JUMLAH_PPN", DjpCode::Etax20028),
        ("err_masa.csv", 1, "MASA_PAJAK", DjpCode::Etax20024),
        (
            "err_keterangan.csv",
            1,
            "ID_KETERANGAN_TAMBAHAN",
            DjpCode::Etax20040,
        ),
        ("err_long.csv", 1, "ALAMAT_LENGKAP", DjpCode::Etax10003),
        ("err_control.csv", 1, "NAMA", DjpCode::EtaxService20021),
        ("err_not_utf8.csv", 1, "NAMA", DjpCode::EtaxService20021),
        ("err_junk.csv", 1, "", DjpCode::Etax20023),
    ];
    for (file, line, column, code) in cases {
        let report = check(file);
        assert!(
            has(&report, line, column, code),
            "{file}: expected line {line} {column} {code:?}, got {:#?}",
            report.errors
        );
    }
}

#[test]
fn a_file_with_several_errors_reports_all_of_them() {
    let report = check("err_many.csv");
    for (line, column, code) in [
        (3, "NPWP", DjpCode::Etax20005),
        (3, "TANGGAL_FAKTUR", DjpCode::Etax20006),
        (4, "PPN", DjpCode::Etax20004),
        (5, "NOMOR_FAKTUR", DjpCode::Etax20002),
        (7, "OF", DjpCode::Etax30005),
        (8, "ID_KETERANGAN_TAMBAHAN", DjpCode::Etax20040),
    ] {
        assert!(
            has(&report, line, column, code),
            "missing {line} {column} {code:?} in {:#?}",
            report.errors
        );
    }
    assert_eq!(report.faktur, 4);
    let lines: Vec<u64> = report.errors.iter().map(|p| p.line).collect();
    assert!(
        lines.windows(2).all(|w| w[0] <= w[1]),
        "sorted by line: {lines:?}"
    );
}

#[test]
fn djp_export_odoo_and_generator_files_import_cleanly() {
    let mut store = store_with_profile();
    for (name, n, items) in [
        ("djp_export_2015.csv", 2, 4),
        ("odoo_export.csv", 2, 2),
        ("generator_quirks.csv", 2, 2),
    ] {
        let r = import(&mut store, name, false);
        assert!(r.is_clean(), "{name}: {:#?}", r.errors);
        assert_eq!((r.faktur, r.items, r.imported), (n, items, n), "{name}");
    }
    let all = faktur::list(store.conn(), Filter::default()).unwrap();
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(|f| f.approval == ApprovalStatus::Draft));
    let odoo = all
        .iter()
        .find(|f| f.faktur.referensi == "INV/2024/0001")
        .unwrap();
    assert_eq!(odoo.faktur.lawan_nama, "PT \"MAJU\" BERSAMA");
    let nik = all
        .iter()
        .find(|f| f.faktur.referensi == "INV/2024/0002")
        .unwrap();
    assert_eq!(nik.faktur.lawan_nik.as_deref(), Some("3578104709870002"));
    assert_eq!(nik.faktur.lawan_nama, "Siti Aminah");
    // Foreign-key checks are skipped while loading; what was written must still satisfy them.
    let violations: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(violations, 0);
    let fk: i64 = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1, "foreign keys are back on after the import");
    let lt = party::by_npwp(store.conn(), "013000666091000")
        .unwrap()
        .unwrap();
    assert_eq!(lt.kelurahan, "Gondangdia");

    let r = import(&mut store, "masukan.csv", false);
    assert!(r.is_clean(), "{:#?}", r.errors);
    assert_eq!((r.kind.key(), r.imported), ("pajak-masukan", 2));
}

#[test]
fn a_number_already_in_the_database_is_etax_20002() {
    let mut store = store_with_profile();
    assert!(import(&mut store, "djp_export_2015.csv", false).is_clean());
    let again = import(&mut store, "djp_export_2015.csv", false);
    assert!(
        has(&again, 4, "NOMOR_FAKTUR", DjpCode::Etax20002),
        "{:#?}",
        again.errors
    );
    assert!(has(&again, 9, "NOMOR_FAKTUR", DjpCode::Etax20002));
    assert_eq!(again.imported, 0);
    assert_eq!(
        faktur::list(store.conn(), Filter::default()).unwrap().len(),
        2
    );
}

#[test]
fn nothing_is_imported_when_anything_is_wrong_unless_skip_invalid() {
    let mut store = store_with_profile();
    let r = import(&mut store, "err_many.csv", false);
    assert!(!r.is_clean());
    assert_eq!(r.imported, 0);
    assert!(
        faktur::list(store.conn(), Filter::default())
            .unwrap()
            .is_empty()
    );

    let r = import(&mut store, "err_many.csv", true);
    assert!(!r.is_clean(), "the rest is still reported");
    assert_eq!(r.imported, 1);
    let stored = faktur::list(store.conn(), Filter::default()).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].faktur.nsfp.digits(), "0002400000001");
}

#[test]
fn numbers_inside_recorded_ranges_are_claimed_others_warned() {
    let mut store = store_with_profile();
    let range = NsfpRange::new(
        Nsfp::parse("0002400000001").unwrap(),
        Nsfp::parse("0002400000001").unwrap(),
    )
    .unwrap();
    nsfp::add_range(
        store.conn(),
        range,
        chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
    )
    .unwrap();
    let r = import(&mut store, "odoo_export.csv", false);
    assert!(r.is_clean());
    assert_eq!(r.imported, 2);
    assert!(nsfp::is_used(store.conn(), Nsfp::parse("0002400000001").unwrap()).unwrap());
    assert_eq!(r.warnings.len(), 1, "{:#?}", r.warnings);
    assert_eq!(
        (r.warnings[0].line, r.warnings[0].code),
        (6, DjpCode::Etax20017)
    );
    assert_eq!(
        store.allocate_nsfp(24).unwrap_err().code(),
        DjpCode::Etax20018,
        "the claimed number is not handed out again"
    );
}

fn export_csv(store: &Store, masukan: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let filter = Filter::default();
    if masukan {
        csv_write::write_masukan(&mut out, store.conn(), filter, &mut |_| {}).unwrap();
    } else {
        csv_write::write_keluaran(&mut out, store.conn(), filter, &seller(), &mut |_| {}).unwrap();
    }
    out
}

#[test]
fn export_then_import_gives_back_identical_faktur() {
    let mut a = store_with_profile();
    for name in [
        "djp_export_2015.csv",
        "odoo_export.csv",
        "generator_quirks.csv",
        "masukan.csv",
        "pengganti.csv",
    ] {
        assert!(import(&mut a, name, false).is_clean(), "{name}");
    }
    let keluaran = export_csv(&a, false);
    let masukan = export_csv(&a, true);
    let text = String::from_utf8(keluaran.clone()).unwrap();
    assert!(text.starts_with("\"FK\",\"KD_JENIS_TRANSAKSI\""));
    assert!(text.contains("\r\n\"FAPR\",\"PT PENJUAL MAKMUR\""));
    assert!(text.contains("\"3578104709870002#NIK#NAMA#Siti Aminah\""));

    let mut b = store_with_profile();
    for data in [keluaran, masukan] {
        let r = import_csv(
            data.as_slice(),
            &mut b,
            &ImportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
        assert!(r.is_clean(), "{:#?}", r.errors);
    }
    let strip = |s: &Store| {
        faktur::list(s.conn(), Filter::default())
            .unwrap()
            .into_iter()
            .map(|f| (f.faktur, f.status, f.approval))
            .collect::<Vec<_>>()
    };
    let (before, after) = (strip(&a), strip(&b));
    assert_eq!(before.len(), 10);
    assert_eq!(before, after);
}

#[test]
fn a_pengganti_in_the_file_replaces_its_original() {
    let mut store = store_with_profile();
    let number = Nsfp::parse("0002400000021").unwrap();
    nsfp::add_range(
        store.conn(),
        NsfpRange::new(number, number).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
    )
    .unwrap();
    let r = import(&mut store, "pengganti.csv", false);
    assert!(r.is_clean(), "{:#?}", r.errors);
    let all = faktur::list(store.conn(), Filter::default()).unwrap();
    let statuses: Vec<_> = all
        .iter()
        .map(|f| (f.faktur.referensi.as_str(), f.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("INV/021", FakturStatus::Diganti),
            ("INV/021-R", FakturStatus::NormalPengganti)
        ]
    );
    for f in &all {
        assert_eq!(f.faktur.items.len(), 1, "{}", f.faktur.referensi);
    }
    // The claimed number belongs to the faktur in force: the pengganti, written after its original.
    let holder: i64 = store
        .conn()
        .query_row(
            "SELECT faktur_id FROM nsfp_use WHERE nsfp = '0002400000021'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(holder, all[1].id);
    // Checked against the database, a pengganti is no duplicate of the faktur it replaces.
    let again = "FK,01,1,0002400000021,3,2024,13/03/2024,013000666091000,PT PEMBELI,Jl. Sudirman 1,800000,88000,0,,0,0,0,0,INV/021-R2,\nOF,A1,Jasa,400000,2,800000,0,800000,88000,0,0\n";
    let report = validate_csv(
        again.as_bytes(),
        store.conn(),
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert!(report.is_clean(), "{:#?}", report.errors);
}

#[test]
fn a_failure_mid_import_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    {
        let mut store = Store::open(&path).unwrap();
        profile::save(store.conn(), &seller()).unwrap();
        let options = ImportOptions {
            fail_after: Some(1),
            ..ImportOptions::default()
        };
        let file = std::fs::File::open(fixture("djp_export_2015.csv")).unwrap();
        assert!(import_csv(file, &mut store, &options, &mut |_| {}).is_err());
    }
    let store = Store::open(&path).unwrap();
    store.integrity_check().unwrap();
    assert!(
        faktur::list(store.conn(), Filter::default())
            .unwrap()
            .is_empty()
    );
    let items: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM faktur_item", [], |r| r.get(0))
        .unwrap();
    assert_eq!(items, 0);
}

#[test]
fn coretax_export_reads_back_identical_and_splits_at_1000() {
    // Coretax takes faktur from 2025 on.
    let mut store = store_with_profile();
    assert!(import(&mut store, "odoo_export_2025.csv", false).is_clean());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ct.xml");
    let files = coretax::write_files(
        store.conn(),
        Filter::default(),
        &seller(),
        &CoretaxOptions::default(),
        &out,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(files, vec![out.clone()]);
    let text = std::fs::read_to_string(&out).unwrap();
    let report = coretax::check(&text);
    assert!(report.is_clean(), "{:#?}", report.errors);
    assert_eq!((report.faktur, report.items), (2, 2));
    let bulk = coretax::from_xml(&text).unwrap();
    // The seller is a branch (…001): its TIN is the head office's.
    assert_eq!(bulk.tin, "0013463476415000");
    let expected: Vec<_> = faktur::list(store.conn(), Filter::default())
        .unwrap()
        .iter()
        .map(|f| coretax::to_tax_invoice(&f.faktur, &seller().npwp, &CoretaxOptions::default()))
        .collect();
    assert_eq!(bulk.list.invoices, expected);
    let nik = &bulk.list.invoices[1];
    assert_eq!(
        (
            nik.buyer_document.as_str(),
            nik.buyer_document_number.as_str()
        ),
        ("National ID", "3578104709870002")
    );

    // 1001 faktur: two files, the first renamed.
    let mut big = store_with_profile();
    let mut csv = String::new();
    for i in 1..=1001 {
        csv.push_str(&format!(
            "FK,01,0,00025{i:08},3,2025,05/03/2025,013000666091000,PT B,Jl. C,100,12,0,,0,0,0,0,R{i},\nOF,K,Barang,100,1,100,0,100,12,0,0\n"
        ));
    }
    assert!(
        import_csv(
            csv.as_bytes(),
            &mut big,
            &ImportOptions::default(),
            &mut |_| {}
        )
        .unwrap()
        .is_clean()
    );
    let files = coretax::write_files(
        big.conn(),
        Filter::default(),
        &seller(),
        &CoretaxOptions::default(),
        &out,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(
        files,
        vec![dir.path().join("ct-1.xml"), dir.path().join("ct-2.xml")]
    );
    let counts: Vec<u64> = files
        .iter()
        .map(|f| coretax::check(&std::fs::read_to_string(f).unwrap()).faktur)
        .collect();
    assert_eq!(counts, vec![1000, 1]);
}

#[test]
fn coretax_check_finds_wrong_vat_and_units_with_lines() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xml/kode04_2025.xml");
    let report = coretax::check(&std::fs::read_to_string(&path).unwrap());
    assert!(report.is_clean(), "{:#?}", report.errors);
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xml/kode04_2025_bad.xml");
    let report = coretax::check(&std::fs::read_to_string(&bad).unwrap());
    let found: Vec<_> = report
        .errors
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.code))
        .collect();
    // Each on the line of its own element.
    assert!(
        found.contains(&(28, "Unit", DjpCode::Etax20008)),
        "{found:?}"
    );
    assert!(
        found.contains(&(33, "OtherTaxBase", DjpCode::Etax20028)),
        "{found:?}"
    );
    assert!(
        found.contains(&(35, "VAT", DjpCode::Etax20028)),
        "{found:?}"
    );
}

// ---- the real binary ----

fn efaktur(data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_efaktur"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn add_profile(data: &Path, npwp: &str) {
    let (code, _, err) = efaktur(
        data,
        &[
            "profile",
            "add",
            "--npwp",
            npwp,
            "--nama",
            "PT PENJUAL MAKMUR",
            "--alamat",
            "Jakarta",
        ],
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn cli_validate_reports_json_and_exit_codes() {
    let data = tempfile::tempdir().unwrap();
    let bad = fixture("err_many.csv");
    let (code, out, _) = efaktur(data.path(), &["validate", bad.to_str().unwrap(), "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["kind"], "pajak-keluaran");
    assert_eq!(v["faktur"], 4);
    let errors = v["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["line"] == 3 && e["column"] == "NPWP" && e["code"] == "ETAX-20005"),
        "{out}"
    );
    // Each problem in both languages, with the same detail.
    for e in errors {
        let (id, en) = (
            e["message"].as_str().unwrap(),
            e["message_en"].as_str().unwrap(),
        );
        assert!(!en.is_empty() && en != id, "{e}");
    }

    let (code, out, _) = efaktur(data.path(), &["validate", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!("{}:3: NPWP: ETAX-20005 : ", bad.display())),
        "{out}"
    );

    let good = fixture("djp_export_2015.csv");
    let (code, out, _) = efaktur(data.path(), &["validate", good.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"errors\":[]"));

    let (code, _, err) = efaktur(data.path(), &["validate", "/tidak/ada.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("ETAX-30006"), "{err}");
}

#[test]
fn cli_profile_import_nsfp_and_export() {
    let data = tempfile::tempdir().unwrap();
    let (code, _, err) = efaktur(
        data.path(),
        &["import", fixture("odoo_export.csv").to_str().unwrap()],
    );
    assert_eq!(code, 2, "no database yet: {err}");
    add_profile(data.path(), "01.346.347.6-415.001");
    let (code, out, _) = efaktur(data.path(), &["profile", "list"]);
    assert_eq!(code, 0);
    assert!(out.contains("013463476415001\tPT PENJUAL MAKMUR"), "{out}");
    let (code, _, err) = efaktur(
        data.path(),
        &[
            "nsfp",
            "add",
            "--dari",
            "0002400000001",
            "--sampai",
            "0002400000100",
            "--tanggal",
            "02/01/2024",
        ],
    );
    assert_eq!(code, 0, "{err}");

    let (code, out, err) = efaktur(
        data.path(),
        &[
            "import",
            fixture("odoo_export.csv").to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["imported"], 2);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0);

    // Checked against the profile's database (read only): the numbers are taken now.
    let odoo = fixture("odoo_export.csv");
    let args = [
        "validate",
        odoo.to_str().unwrap(),
        "--npwp",
        "013463476415001",
        "--json",
    ];
    let (code, out, _) = efaktur(data.path(), &args);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("\"code\":\"ETAX-20002\""), "{out}");

    let (code, out, _) = efaktur(
        data.path(),
        &[
            "import",
            fixture("err_many.csv").to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(code, 1);
    assert!(out.contains("\"imported\":0"), "{out}");

    let csv_out = data.path().join("out.csv");
    let (code, _, err) = efaktur(
        data.path(),
        &[
            "export",
            "--masa",
            "3",
            "--tahun",
            "2024",
            "--format",
            "efaktur-csv",
            "--out",
            csv_out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&csv_out).unwrap();
    assert_eq!(text.matches("\"FK\",\"01\"").count(), 2);
    let xml_out = data.path().join("out.xml");
    let (code, _, err) = efaktur(
        data.path(),
        &[
            "export",
            "--masa",
            "3",
            "--tahun",
            "2024",
            "--format",
            "coretax-xml",
            "--out",
            xml_out.to_str().unwrap(),
        ],
    );
    // Coretax takes faktur from 2025 on: a 2024 masa is refused, naming the faktur.
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("1 Januari 2025"), "{err}");
    assert!(err.contains("INV/2024/0001"), "{err}");
    assert!(!xml_out.exists());

    add_profile(data.path(), "013000666091000");
    let (code, _, err) = efaktur(
        data.path(),
        &["import", fixture("masukan.csv").to_str().unwrap()],
    );
    assert_eq!(code, 2);
    assert!(err.contains("--npwp"), "{err}");
}

#[test]
fn a_killed_import_leaves_all_or_nothing() {
    let data = tempfile::tempdir().unwrap();
    add_profile(data.path(), "013463476415001");
    let file = data.path().join("big.csv");
    let mut csv = String::new();
    for i in 1..=8000 {
        csv.push_str(&format!(
            "FK,01,0,00024{i:08},3,2024,05/03/2024,013000666091000,PT B,Jl. C,300,33,0,,0,0,0,0,R{i},\nOF,K,Barang,100,1,100,0,100,11,0,0\nOF,K,Barang,100,1,100,0,100,11,0,0\nOF,K,Barang,100,1,100,0,100,11,0,0\n"
        ));
    }
    std::fs::write(&file, csv).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_efaktur"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["import", file.to_str().unwrap(), "--json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let _ = child.kill();
    let finished = child.wait().unwrap().success();
    let store = Store::open(&data.path().join("db/013463476415001.sqlite")).unwrap();
    store.integrity_check().unwrap();
    let n = faktur::list(store.conn(), Filter::default()).unwrap().len();
    // Killed before the commit: nothing; after it (or finished): everything. Never a part.
    assert!(n == 0 || n == 8000, "partial import: {n} faktur");
    assert!(
        !finished || n == 8000,
        "a finished import must have written everything"
    );
    let items: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM faktur_item", [], |r| r.get(0))
        .unwrap();
    assert_eq!(items as usize, n * 3);
}

#[test]
fn warnings_beyond_the_kept_ones_are_counted_not_lost() {
    // 1,200 faktur outside every recorded range: one warning each, more than the report keeps.
    let mut csv = String::new();
    for i in 1..=1200u32 {
        csv.push_str(&format!(
            "FK,01,0,00024{i:08},1,2024,15/01/2024,013000666091000,PT B {i},Jl. A,1000,110,0,,0,0,0,0,INV/{i},\n\
             OF,K1,Barang,1000,1,1000,0,1000,110,0,0\n"
        ));
    }
    let mut store = store_with_profile();
    let options = ImportOptions {
        actor: "test".into(),
        ..ImportOptions::default()
    };
    let r = import_csv(csv.as_bytes(), &mut store, &options, &mut |_| {}).unwrap();
    assert_eq!(r.imported, 1200);
    assert!(r.warnings.iter().all(|w| w.code == DjpCode::Etax20017));
    assert_eq!(r.warnings.len() as u64 + r.warnings_omitted, 1200);
    assert!(r.warnings_omitted > 0);
}

fn with_range(store: &Store, first: &str, last: &str) {
    let range = NsfpRange::new(Nsfp::parse(first).unwrap(), Nsfp::parse(last).unwrap()).unwrap();
    nsfp::add_range(
        store.conn(),
        range,
        chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
    )
    .unwrap();
}

#[test]
fn coretax_xml_imports_with_numbers_from_the_recorded_range() {
    // Export two faktur as Coretax XML, then import the XML into a fresh Local Database.
    let mut source = store_with_profile();
    assert!(import(&mut source, "odoo_export_2025.csv", false).is_clean());
    let originals = faktur::list(source.conn(), Filter::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ct.xml");
    coretax::write_files(
        source.conn(),
        Filter::default(),
        &seller(),
        &CoretaxOptions::default(),
        &out,
        &mut |_| {},
    )
    .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();

    let mut target = store_with_profile();
    with_range(&target, "0002500000101", "0002500000200");
    let report = import_xml(&text, &mut target, "test").unwrap();
    assert!(report.is_clean(), "{:#?}", report.errors);
    assert_eq!((report.faktur, report.items, report.imported), (2, 2, 2));

    let imported = faktur::list(target.conn(), Filter::default()).unwrap();
    let numbers: Vec<String> = imported.iter().map(|f| f.faktur.nsfp.digits()).collect();
    assert_eq!(numbers, vec!["0002500000101", "0002500000102"]);
    for (a, b) in originals.iter().zip(&imported) {
        let (a, b) = (&a.faktur, &b.faktur);
        assert_eq!((a.tanggal, a.kode, a.totals), (b.tanggal, b.kode, b.totals));
        // Coretax speaks NPWP 16; the 15-digit NPWP comes back in its 16-digit form.
        assert_eq!(a.lawan_npwp.npwp16(), b.lawan_npwp.npwp16());
        assert_eq!((&a.lawan_nik, &a.lawan_nama), (&b.lawan_nik, &b.lawan_nama));
        assert_eq!(a.referensi, b.referensi);
        // The same faktur as Coretax sees it.
        let opts = CoretaxOptions::default();
        assert_eq!(
            coretax::to_tax_invoice(a, &seller().npwp, &opts),
            coretax::to_tax_invoice(b, &seller().npwp, &opts)
        );
    }
    assert!(nsfp::is_used(target.conn(), Nsfp::parse("0002500000101").unwrap()).unwrap());
}

#[test]
fn coretax_kode_04_from_2025_imports_with_dpp_nilai_lain() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xml/kode04_2025.xml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut store = store_with_profile();
    with_range(&store, "0002500000001", "0002500000010");
    let report = import_xml(&text, &mut store, "test").unwrap();
    assert!(report.is_clean(), "{:#?}", report.errors);
    let f = &faktur::list(store.conn(), Filter::default()).unwrap()[0].faktur;
    assert_eq!(f.kode.value(), 4);
    // 100,000 × 11/12 = 91,666.67; PPN 12 % of that = 11,000.
    assert_eq!(f.totals.dpp.value(), 91_666);
    assert_eq!(f.totals.ppn.value(), 11_000);
}

#[test]
fn coretax_import_without_numbers_or_for_another_seller_writes_nothing() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xml/kode04_2025.xml");
    let text = std::fs::read_to_string(&path).unwrap();
    // No NSFP range for 2025: ETAX-20018 on the faktur's line, nothing written.
    let mut store = store_with_profile();
    let report = import_xml(&text, &mut store, "test").unwrap();
    assert_eq!(report.imported, 0);
    assert!(
        has(&report, 6, "TaxInvoiceDate", DjpCode::Etax20018),
        "{:#?}",
        report.errors
    );
    assert!(
        faktur::list(store.conn(), Filter::default())
            .unwrap()
            .is_empty()
    );

    // A file of another seller is refused before anything is numbered.
    let other = Store::open_in_memory().unwrap();
    profile::save(
        other.conn(),
        &profile::Profile::new(
            Npwp::parse("013000666091000").unwrap(),
            "PT LAIN",
            "Bandung",
        ),
    )
    .unwrap();
    with_range(&other, "0002500000001", "0002500000010");
    let mut other = other;
    let report = import_xml(&text, &mut other, "test").unwrap();
    assert!(
        has(&report, 3, "TIN", DjpCode::Etax20005),
        "{:#?}",
        report.errors
    );
    assert!(!nsfp::is_used(other.conn(), Nsfp::parse("0002500000001").unwrap()).unwrap());
}

#[test]
fn cli_imports_coretax_xml() {
    let data = tempfile::tempdir().unwrap();
    add_profile(data.path(), "01.346.347.6-415.001");
    let xml = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xml/kode04_2025.xml");
    let xml = xml.to_str().unwrap();
    let (code, out, _) = efaktur(data.path(), &["import", xml, "--json"]);
    assert_eq!(code, 1, "no NSFP range yet: {out}");
    assert!(out.contains("ETAX-20018"), "{out}");
    let (code, _, err) = efaktur(
        data.path(),
        &[
            "nsfp",
            "add",
            "--dari",
            "0002500000001",
            "--sampai",
            "0002500000005",
            "--tanggal",
            "02/01/2025",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = efaktur(data.path(), &["import", xml, "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        (v["kind"].as_str(), v["imported"].as_u64()),
        (Some("coretax-xml"), Some(1))
    );
}

#[test]
fn long_files_and_long_faktur_keep_every_item_in_order() {
    // More faktur than one hand-over batch, and faktur with more items than one statement takes.
    let mut csv = String::new();
    let mut expected_items = 0;
    for i in 1..=300u32 {
        let items = if i % 100 == 0 { 40 } else { 1 + i % 3 };
        expected_items += items;
        let dpp = 1000 * items;
        let ppn = dpp * 11 / 100;
        csv.push_str(&format!(
            "FK,01,0,00024{i:08},1,2024,15/01/2024,013000666091000,PT PEMBELI {i},Jl. {i},{dpp},{ppn},0,,0,0,0,0,INV/{i},\n"
        ));
        for n in 1..=items {
            csv.push_str(&format!(
                "OF,K{n},Barang {i}-{n},1000,1,1000,0,1000,110,0,0\n"
            ));
        }
    }
    let mut store = store_with_profile();
    let r = import_csv(
        csv.as_bytes(),
        &mut store,
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert!(r.is_clean(), "{:#?}", r.errors);
    assert_eq!(r.imported, 300);
    let all = faktur::list(store.conn(), Filter::default()).unwrap();
    assert_eq!(
        all.iter().map(|f| f.faktur.items.len() as u32).sum::<u32>(),
        expected_items
    );
    for f in &all {
        let i = f.faktur.referensi.trim_start_matches("INV/");
        for (n, it) in f.faktur.items.iter().enumerate() {
            assert_eq!(it.nama, format!("Barang {i}-{}", n + 1));
        }
    }
}

#[test]
fn one_seller_in_npwp15_and_npwp16_form_is_one_seller_for_duplicates() {
    let csv = "FM,01,0,0102400000123,3,2024,05/03/2024,013000666091000,PT PENJUAL LAIN,Jl. A,2000000,220000,0,1\n\
               FM,01,0,0102400000123,3,2024,05/03/2024,0013000666091000,PT PENJUAL LAIN,Jl. A,2000000,220000,0,1\n";
    let store = Store::open_in_memory().unwrap();
    let r = validate_csv(
        csv.as_bytes(),
        store.conn(),
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert!(
        has(&r, 2, "NOMOR_FAKTUR", DjpCode::Etax20002),
        "{:#?}",
        r.errors
    );
}

/// `n` valid faktur, one OF each: more than one hand-over batch when `n` > 256.
fn many_faktur(n: u32) -> String {
    let mut csv = String::new();
    for i in 1..=n {
        csv.push_str(&format!(
            "FK,01,0,00024{i:08},1,2024,15/01/2024,013000666091000,PT PEMBELI {i},Jl. {i},1000,110,0,,0,0,0,0,INV/{i},\nOF,K1,Barang,1000,1,1000,0,1000,110,0,0\n"
        ));
    }
    csv
}

#[test]
fn a_cancelled_import_writes_nothing_and_counts_faktur_as_it_goes() {
    use efaktur::exchange::control::Control;
    use std::sync::Arc;
    let csv = many_faktur(2000);
    for skip_invalid in [false, true] {
        let mut store = store_with_profile();
        let control = Arc::new(Control::new());
        let options = ImportOptions {
            skip_invalid,
            control: Some(control.clone()),
            ..ImportOptions::default()
        };
        let mut seen = Vec::new();
        // Batal pressed while the first batch is reported, as the window does.
        let r = import_csv(csv.as_bytes(), &mut store, &options, &mut |_| {
            seen.push(control.faktur());
            control.cancel();
        })
        .unwrap();
        assert_eq!(r.imported, 0);
        assert!(seen[0] > 0 && seen[0] < 2000, "{seen:?}");
        assert!(
            faktur::list(store.conn(), Filter::default())
                .unwrap()
                .is_empty(),
            "skip_invalid {skip_invalid}"
        );
    }
    // Without Batal the same control only counts.
    let mut store = store_with_profile();
    let control = Arc::new(Control::new());
    let options = ImportOptions {
        control: Some(control.clone()),
        ..ImportOptions::default()
    };
    let r = import_csv(csv.as_bytes(), &mut store, &options, &mut |_| {}).unwrap();
    assert_eq!((r.imported, control.faktur()), (2000, 2000));
}

#[test]
fn values_at_every_schema_limit_import_and_keep_the_check_constraints() {
    // The bulk import does not evaluate the tables' CHECK constraints: its validators hold to
    // them. Texts of 255 characters (two bytes each: CHECK counts characters), an LT address
    // composed past 255, masa 12, a pengganti and both kinds of faktur masukan.
    let long = |c: char| c.to_string().repeat(255);
    let (nama, alamat, referensi, kode, barang) =
        (long('É'), long('a'), long('r'), long('K'), long('b'));
    let part = "x".repeat(60);
    let keluaran = format!(
        "FK,01,0,0002400000001,12,2024,31/12/2024,013000666091000,{nama},{alamat},1000,110,0,,0,0,0,0,{referensi},\n\
         LT,013000666091000,{nama},{part},{part},{part},001,002,{part},{part},{part},{part},12345,021\n\
         OF,{kode},{barang},1000,1,1000,0,1000,110,0,0\n\
         FK,01,1,0002400000001,12,2024,31/12/2024,013000666091000,PT PEMBELI,Jl. A,2000,220,0,,0,0,0,0,R2,\n\
         OF,K2,Barang,2000,1,2000,0,2000,220,0,0\n"
    );
    let masukan = "FM,01,0,0102400000123,12,2024,05/12/2024,013000666091000,PT PENJUAL LAIN,Jl. A,2000000,220000,0,1\n\
                   FM,01,0,0102400000124,12,2024,06/12/2024,013000666091000,PT PENJUAL LAIN,Jl. A,2000000,220000,0,0\n";
    let mut store = store_with_profile();
    for file in [keluaran.as_str(), masukan] {
        let r = import_csv(
            file.as_bytes(),
            &mut store,
            &ImportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
        assert!(r.is_clean(), "{:#?}", r.errors);
    }
    store.integrity_check().unwrap();
    let (n, longest): (i64, i64) = store
        .conn()
        .query_row(
            "SELECT count(*), max(length(lawan_nama)) FROM faktur",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((n, longest), (4, 255));
    let composed: i64 = store
        .conn()
        .query_row("SELECT max(length(alamat)) FROM lawan_transaksi", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(composed, 255);

    // One character more is refused before anything is written.
    let over = keluaran
        .replacen(&nama, &format!("{nama}É"), 1)
        .replace("0002400000001", "0002400000009");
    let r = import_csv(
        over.as_bytes(),
        &mut store,
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert!(has(&r, 1, "NAMA", DjpCode::Etax10003), "{:#?}", r.errors);
    assert_eq!(r.imported, 0);
    store.integrity_check().unwrap();
}
