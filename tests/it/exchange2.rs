//! Exchange, second round (issue #9): duplicates looked up by key (and one seller in NPWP 15 and
//! 16 form), FK column counts under a 3.1 header, pengganti in a later month, exports that do not
//! surprise scripts, round trips that keep every field, and several files in one import.

use std::path::{Path, PathBuf};
use std::process::Command;

use efaktur::domain::{DjpCode, FakturStatus, Npwp};
use efaktur::exchange::coretax::{self, CoretaxOptions};
use efaktur::exchange::csv_write::{self, ExportError};
use efaktur::exchange::{ImportOptions, Report, import_csv, import_csv_files, validate_csv};
use efaktur::store::faktur::{self, Filter};
use efaktur::store::{Store, party, profile};

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

fn import(store: &mut Store, name: &str) -> Report {
    let file = std::fs::File::open(fixture(name)).unwrap();
    import_csv(file, store, &ImportOptions::default(), &mut |_| {}).unwrap()
}

fn has(report: &Report, line: u64, column: &str, code: DjpCode) -> bool {
    report
        .errors
        .iter()
        .any(|p| p.line == line && p.column == column && p.code == code)
}

fn count(store: &Store) -> usize {
    faktur::list(store.conn(), Filter::default()).unwrap().len()
}

// ---- 5. duplicates against the database ----

#[test]
fn a_masukan_already_stored_in_the_other_npwp_form_is_a_duplicate() {
    let mut store = store_with_profile();
    assert!(import(&mut store, "masukan.csv").is_clean());
    let file = std::fs::File::open(fixture("masukan_npwp16.csv")).unwrap();
    let r = validate_csv(file, store.conn(), &ImportOptions::default(), &mut |_| {}).unwrap();
    assert!(has(&r, 2, "NOMOR_FAKTUR", DjpCode::Etax20002), "{r:#?}");
    assert!(has(&r, 3, "NOMOR_FAKTUR", DjpCode::Etax20002), "{r:#?}");
    let r = import(&mut store, "masukan_npwp16.csv");
    assert!(has(&r, 2, "NOMOR_FAKTUR", DjpCode::Etax20002), "{r:#?}");
    assert_eq!((r.imported, count(&store)), (0, 2));
}

#[test]
fn a_whole_file_imported_again_is_reported_faktur_by_faktur() {
    let mut store = store_with_profile();
    let mut csv = String::new();
    for i in 1..=300 {
        csv.push_str(&format!(
            "FK,01,0,00025{i:08},3,2025,05/03/2025,013000666091000,PT B,Jl. C,100,12,0,,0,0,0,0,R{i},\nOF,K,Barang,100,1,100,0,100,12,0,0\n"
        ));
    }
    let options = ImportOptions::default();
    assert!(
        import_csv(csv.as_bytes(), &mut store, &options, &mut |_| {})
            .unwrap()
            .is_clean()
    );
    let again = import_csv(csv.as_bytes(), &mut store, &options, &mut |_| {}).unwrap();
    assert_eq!(again.errors.len(), 300);
    assert!(again.errors.iter().all(|p| p.code == DjpCode::Etax20002));
    let checked = validate_csv(csv.as_bytes(), store.conn(), &options, &mut |_| {}).unwrap();
    assert_eq!(checked.errors.len(), 300);
}

// ---- 6. CSV checks ----

#[test]
fn an_fk_row_of_19_columns_under_a_20_column_header_is_etax_30005() {
    let store = Store::open_in_memory().unwrap();
    let file = std::fs::File::open(fixture("fk19_in_3_1_file.csv")).unwrap();
    let r = validate_csv(file, store.conn(), &ImportOptions::default(), &mut |_| {}).unwrap();
    assert!(has(&r, 6, "FK", DjpCode::Etax30005), "{r:#?}");
    assert_eq!(r.errors.len(), 1, "the 20-column row is fine: {r:#?}");
    // DJP's own 19-column files (header of 19) stay clean.
    let file = std::fs::File::open(fixture("djp_export_2015.csv")).unwrap();
    let r = validate_csv(file, store.conn(), &ImportOptions::default(), &mut |_| {}).unwrap();
    assert!(r.is_clean(), "{r:#?}");
}

#[test]
fn a_pengganti_dated_in_a_later_month_with_its_originals_masa_imports() {
    let mut store = store_with_profile();
    let r = import(&mut store, "pengganti_later_month.csv");
    assert!(r.is_clean(), "{r:#?}");
    let all = faktur::list(store.conn(), Filter::default()).unwrap();
    let statuses: Vec<_> = all
        .iter()
        .map(|f| (f.faktur.masa, f.faktur.tanggal.to_string(), f.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (3, "2024-03-05".to_string(), FakturStatus::Diganti),
            (3, "2024-04-10".to_string(), FakturStatus::NormalPengganti)
        ]
    );
}

// ---- 7. exports ----

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

fn with_profile() -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    let (code, _, err) = efaktur(
        data.path(),
        &[
            "profile",
            "add",
            "--npwp",
            "013463476415001",
            "--nama",
            "PT PENJUAL MAKMUR",
            "--alamat",
            "Jakarta",
        ],
    );
    assert_eq!(code, 0, "{err}");
    data
}

fn export_args<'a>(out: &'a str, format: &'a str, masa: &'a str) -> Vec<&'a str> {
    // Coretax takes faktur from 2025 on; the e-Faktur CSV fixtures are of 2024.
    let tahun = if format == "coretax-xml" {
        "2025"
    } else {
        "2024"
    };
    vec![
        "export", "--masa", masa, "--tahun", tahun, "--format", format, "--out", out,
    ]
}

#[test]
fn cli_export_refuses_to_overwrite_without_force() {
    let data = with_profile();
    for f in ["multi_a.csv", "odoo_export_2025.csv"] {
        let (code, _, err) = efaktur(data.path(), &["import", fixture(f).to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    for format in ["efaktur-csv", "coretax-xml"] {
        let out = data.path().join(format!("out-{format}"));
        std::fs::write(&out, "punya saya").unwrap();
        let (code, _, err) = efaktur(
            data.path(),
            &export_args(out.to_str().unwrap(), format, "3"),
        );
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("--force"), "{err}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "punya saya");
        let mut args = export_args(out.to_str().unwrap(), format, "3");
        args.push("--force");
        let (code, _, err) = efaktur(data.path(), &args);
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains(&format!("ditulis: {}", out.display())),
            "{err}"
        );
        assert_ne!(std::fs::read_to_string(&out).unwrap(), "punya saya");
    }
    // No temporary files left beside the outputs.
    let left: Vec<_> = std::fs::read_dir(data.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn cli_export_of_an_empty_masa_writes_nothing_and_says_so() {
    let data = with_profile();
    for format in ["efaktur-csv", "coretax-xml"] {
        let out = data.path().join(format!("kosong-{format}"));
        let (code, stdout, err) = efaktur(
            data.path(),
            &export_args(out.to_str().unwrap(), format, "7"),
        );
        assert_eq!(code, 3, "{err}");
        let tahun = if format == "coretax-xml" { 2025 } else { 2024 };
        assert!(
            err.contains(&format!("tidak ada faktur keluaran untuk masa 7/{tahun}")),
            "{err}"
        );
        assert!(!out.exists(), "{format}: nothing written");
        assert!(stdout.is_empty());
    }
    let (code, stdout, _) = efaktur(
        data.path(),
        &[
            "export",
            "--masa",
            "7",
            "--tahun",
            "2024",
            "--format",
            "efaktur-csv",
        ],
    );
    assert_eq!((code, stdout.as_str()), (3, ""), "not even the header rows");
}

#[test]
fn a_split_coretax_export_keeps_the_target_and_handles_old_parts() {
    let mut big = store_with_profile();
    let mut csv = String::new();
    for i in 1..=1001 {
        csv.push_str(&format!(
            "FK,01,0,00025{i:08},3,2025,05/03/2025,013000666091000,PT B,Jl. C,100,12,0,,0,0,0,0,R{i},\nOF,K,Barang,100,1,100,0,100,12,0,0\n"
        ));
    }
    let options = ImportOptions::default();
    assert!(
        import_csv(csv.as_bytes(), &mut big, &options, &mut |_| {})
            .unwrap()
            .is_clean()
    );
    let dir = tempfile::tempdir().unwrap();
    let keep = dir.path().join("keep.xml");
    std::fs::write(&keep, "punya saya").unwrap();
    let stale = dir.path().join("keep-9.xml");
    let part = |n: u32| dir.path().join(format!("keep-{n}.xml"));
    std::fs::write(part(1), "lama").unwrap();
    std::fs::write(part(2), "lama").unwrap();
    std::fs::write(part(3), "lama").unwrap();
    std::fs::write(&stale, "bukan bagian").unwrap();
    let write = |force: bool| {
        coretax::write_files_to(
            big.conn(),
            Filter::default(),
            &seller(),
            &CoretaxOptions::default(),
            &keep,
            force,
            &mut |_| {},
        )
    };
    // Without --force: stopped before anything changed.
    assert!(matches!(write(false), Err(ExportError::Exists(_))));
    assert_eq!(std::fs::read_to_string(part(1)).unwrap(), "lama");
    // With it: the parts replaced, the left-over part 3 of an earlier export removed, the
    // target itself and files outside the numbering untouched.
    let w = write(true).unwrap();
    assert_eq!(w.files, vec![part(1), part(2)]);
    assert_eq!(w.removed, vec![part(3)]);
    assert!(!part(3).exists());
    assert_eq!(std::fs::read_to_string(&keep).unwrap(), "punya saya");
    assert_eq!(std::fs::read_to_string(&stale).unwrap(), "bukan bagian");
    let counts: Vec<u64> = w
        .files
        .iter()
        .map(|f| coretax::check(&std::fs::read_to_string(f).unwrap()).faktur)
        .collect();
    assert_eq!(counts, vec![1000, 1]);
}

fn database_file(data: &Path) -> PathBuf {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.to_string_lossy().contains("013463476415001")
                && !p.to_string_lossy().ends_with("-wal")
                && !p.to_string_lossy().ends_with("-shm")
            {
                out.push(p);
            }
        }
    }
    let mut found = Vec::new();
    walk(data, &mut found);
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

#[test]
fn a_failed_export_leaves_no_half_file() {
    let data = with_profile();
    for f in ["multi_a.csv", "multi_b.csv"] {
        let (code, _, err) = efaktur(data.path(), &["import", fixture(f).to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    // The second faktur cannot be read back: the export fails after writing the first.
    let db = rusqlite::Connection::open(database_file(data.path())).unwrap();
    db.execute(
        "UPDATE faktur_item SET dpp = 'rusak' WHERE faktur_id = (SELECT max(id) FROM faktur)",
        [],
    )
    .unwrap();
    drop(db);
    let out = data.path().join("keluaran.csv");
    let (code, _, err) = efaktur(
        data.path(),
        &export_args(out.to_str().unwrap(), "efaktur-csv", "3"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(!out.exists(), "no half file");
    let left: Vec<_> = std::fs::read_dir(data.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

// ---- 8. round trips ----

fn export_keluaran(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    csv_write::write_keluaran(
        &mut out,
        store.conn(),
        Filter::default(),
        &seller(),
        &mut |_| {},
    )
    .unwrap();
    out
}

#[test]
fn csv_to_database_to_csv_gives_back_every_field() {
    // The fixture is written as our export writes: LT rows after the buyer's first faktur,
    // addresses with spaces around them, kode 01 to 10, and a pengganti dated in the next month.
    let original = std::fs::read_to_string(fixture("roundtrip.csv")).unwrap();
    let mut store = store_with_profile();
    let r = import(&mut store, "roundtrip.csv");
    assert!(r.is_clean(), "{r:#?}");
    assert_eq!(r.lawan_transaksi, 2);
    let exported = String::from_utf8(export_keluaran(&store)).unwrap();
    for (n, (a, b)) in original.lines().zip(exported.lines()).enumerate() {
        assert_eq!(a, b, "line {}", n + 1);
    }
    assert_eq!(original, exported);

    // The LT's parts are kept and composed into the address as DJP does.
    let lt = party::by_npwp(store.conn(), "013000666091000")
        .unwrap()
        .unwrap();
    assert_eq!(
        lt.alamat,
        "KOTA BLATER Blok - No.000 RT:004 RW:000 Kel.PONTANG Kec.AMBULU Kota/Kab.JEMBER JAWATIMUR 00000"
    );
}

// ---- several files ----

#[test]
fn several_files_import_in_one_transaction_or_per_file() {
    let mut store = store_with_profile();
    let open = |n: &str| std::fs::File::open(fixture(n)).unwrap();
    let options = ImportOptions::default();
    let reports = import_csv_files(
        vec![
            open("multi_a.csv"),
            open("multi_bad.csv"),
            open("multi_b.csv"),
        ],
        &mut store,
        &options,
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(reports.len(), 3);
    assert!(reports[0].is_clean() && reports[2].is_clean());
    assert!(has(&reports[1], 1, "JUMLAH_PPN", DjpCode::Etax20028));
    assert!(reports.iter().all(|r| r.imported == 0));
    assert_eq!(count(&store), 0, "all or nothing");

    let reports = import_csv_files(
        vec![open("multi_a.csv"), open("multi_b.csv")],
        &mut store,
        &options,
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(
        reports.iter().map(|r| r.imported).collect::<Vec<_>>(),
        vec![1, 1]
    );
    assert_eq!(count(&store), 2);
}

#[test]
fn cli_imports_several_files_together_or_per_file() {
    let data = with_profile();
    let (a, bad, b) = (
        fixture("multi_a.csv"),
        fixture("multi_bad.csv"),
        fixture("multi_b.csv"),
    );
    let files = [
        a.to_str().unwrap(),
        bad.to_str().unwrap(),
        b.to_str().unwrap(),
    ];
    let mut args = vec!["import"];
    args.extend(files);
    let (code, out, err) = efaktur(data.path(), &args);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("multi_bad.csv:1: JUMLAH_PPN: ETAX-20028"),
        "{out}"
    );
    assert!(err.contains("file lain"), "{err}");
    args.push("--per-file");
    args.push("--json");
    let (code, out, _) = efaktur(data.path(), &args);
    assert_eq!(code, 1, "{out}");
    let imported: Vec<u64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["imported"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(imported, vec![1, 0, 1]);
}

#[test]
fn cli_help_documents_exit_statuses() {
    let data = tempfile::tempdir().unwrap();
    let (_, out, _) = efaktur(data.path(), &["import", "--help"]);
    assert!(
        out.contains("--skip-invalid") && out.contains("Exit status"),
        "{out}"
    );
    let (_, out, _) = efaktur(data.path(), &["export", "--help"]);
    assert!(out.contains("3 no faktur"), "{out}");
}
