//! Hostile files, concurrent processes, other local users and power cuts: private file modes,
//! migrations racing on a new file, a clear "database in use" message, durable commits, no panic
//! on overflowing amounts, and bounded problem lists.

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use efaktur::domain::{DjpCode, Npwp};
use efaktur::exchange::csv_read::{CsvOptions, CsvReader};
use efaktur::exchange::report::MAX_PROBLEMS;
use efaktur::exchange::{ImportOptions, coretax, import_xml, validate_csv};
use efaktur::paths::AppDirs;
use efaktur::store::{Store, StoreError, profile};

fn xml_fixture() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xml/kode04_2025.xml");
    std::fs::read_to_string(path).unwrap()
}

/// The fixture with one element's text replaced.
fn xml_with(tag: &str, value: &str) -> String {
    let text = xml_fixture();
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let start = text.find(&open).unwrap() + open.len();
    let end = start + text[start..].find(&close).unwrap();
    format!("{}{value}{}", &text[..start], &text[end..])
}

#[cfg(unix)]
mod modes {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .permissions()
            .mode()
            & 0o777
    }

    fn with_suffix(p: &Path, suffix: &str) -> std::path::PathBuf {
        let mut s = p.as_os_str().to_owned();
        s.push(suffix);
        s.into()
    }

    #[test]
    fn local_databases_settings_and_their_folders_are_private() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = AppDirs::new(Some(&tmp.path().join("data"))).unwrap();
        dirs.ensure().unwrap();
        let npwp = Npwp::parse("013463476415001").unwrap();
        let path = dirs.db_path(&npwp);
        let store = Store::open(&path).unwrap();
        profile::save(
            store.conn(),
            &profile::Profile::new(npwp, "PT RAHASIA", "Jakarta"),
        )
        .unwrap();
        assert_eq!(mode(dirs.data_dir()), 0o700);
        assert_eq!(mode(&dirs.db_dir()), 0o700);
        assert_eq!(mode(dirs.config_dir()), 0o700);
        // While the connection is open the WAL and its index exist.
        for p in [
            path.clone(),
            with_suffix(&path, "-wal"),
            with_suffix(&path, "-shm"),
        ] {
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
        drop(store);

        let settings = efaktur::config::Settings::path_in(dirs.config_dir());
        efaktur::config::Settings::default()
            .save(&settings)
            .unwrap();
        assert_eq!(mode(&settings), 0o600);
    }

    #[test]
    fn files_and_folders_of_older_versions_are_tightened_on_open() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = AppDirs::new(Some(tmp.path())).unwrap();
        std::fs::create_dir_all(dirs.db_dir()).unwrap();
        let path = dirs.db_dir().join("013463476415001.sqlite");
        drop(Store::open(&path).unwrap());
        for p in [dirs.db_dir(), path.clone()] {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        dirs.ensure().unwrap();
        drop(Store::open(&path).unwrap());
        assert_eq!((mode(&dirs.db_dir()), mode(&path)), (0o700, 0o600));
    }

    #[test]
    fn server_state_database_and_issued_certificates_are_private() {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("state");
        let npwp = "013000666091000";
        efaktur::enofa::server::operator::pkp_add(&state, npwp, "PT A", "Jl. B", "a@b.c").unwrap();
        assert_eq!(mode(&state), 0o700);
        assert_eq!(mode(&state.join("enofa.sqlite")), 0o600);

        // `cert issue --out` as the operator runs it.
        let pass = tmp.path().join("pass.txt");
        std::fs::write(&pass, "rahasia-sekali\n").unwrap();
        let out = tmp.path().join("pkp.p12");
        let run = Command::new(env!("CARGO_BIN_EXE_enofa-server"))
            .arg("--state")
            .arg(&state)
            .args(["cert", "issue", "--npwp", npwp, "--out"])
            .arg(&out)
            .arg("--passphrase-file")
            .arg(&pass)
            .output()
            .unwrap();
        assert!(run.status.success(), "{run:?}");
        assert_eq!(mode(&out), 0o600);

        // The training server's demo certificate and state.
        let demo = tmp.path().join("simulasi");
        let creds = efaktur::enofa::server::demo::prepare(&demo).unwrap();
        assert_eq!(mode(&demo), 0o700);
        assert_eq!(mode(&creds.p12_path), 0o600);
        assert_eq!(mode(creds.p12_path.parent().unwrap()), 0o700);
    }
}

/// Two `efaktur profile add` at once on a new NPWP: both open (and migrate) the same new file.
#[test]
fn migrations_racing_on_a_new_file_both_succeed() {
    let tmp = tempfile::tempdir().unwrap();
    for round in 0..8 {
        let path = tmp.path().join(format!("race{round}.sqlite"));
        let start = Arc::new(Barrier::new(2));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (path, start) = (path.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    Store::open(&path).map(|s| {
                        s.conn()
                            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
                            .unwrap()
                    })
                })
            })
            .collect();
        for w in workers {
            let version = w
                .join()
                .unwrap()
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
            assert_eq!(version, efaktur::store::SCHEMA_VERSION);
        }
    }
}

/// Two `efaktur profile add` at once: one creates the profile, the other is told it exists;
/// neither overwrites the other.
#[test]
fn racing_profile_adds_create_one_profile() {
    let tmp = tempfile::tempdir().unwrap();
    let npwp = Npwp::parse("013463476415001").unwrap();
    for round in 0..8 {
        let path = tmp.path().join(format!("p{round}.sqlite"));
        let start = Arc::new(Barrier::new(2));
        let workers: Vec<_> = ["PT SATU", "PT DUA"]
            .into_iter()
            .map(|nama| {
                let (path, start, npwp) = (path.clone(), start.clone(), npwp.clone());
                std::thread::spawn(move || {
                    start.wait();
                    let mut store = Store::open(&path).unwrap();
                    let p = profile::Profile::new(npwp, nama, "Jakarta");
                    profile::add(&mut store, &p)
                        .unwrap()
                        .map(|()| nama)
                        .map_err(|existing| existing.nama)
                })
            })
            .collect();
        let outcomes: Vec<_> = workers.into_iter().map(|w| w.join().unwrap()).collect();
        let created: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
        assert_eq!(created.len(), 1, "round {round}: {outcomes:?}");
        let stored = profile::get(Store::open(&path).unwrap().conn())
            .unwrap()
            .unwrap();
        assert_eq!(&stored.nama.as_str(), created[0]);
    }
}

#[test]
fn a_database_in_use_says_so_with_its_path_and_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("013463476415001.sqlite");
    let holder = Store::open(&path).unwrap();
    let mut waiter = Store::open(&path).unwrap();
    holder.conn().execute_batch("BEGIN IMMEDIATE").unwrap();
    // Shorter than the real wait, so the test does not sit for seconds.
    waiter
        .conn()
        .busy_timeout(Duration::from_millis(50))
        .unwrap();
    let err = waiter.transaction(|_| Ok::<_, StoreError>(())).unwrap_err();
    assert!(matches!(err, StoreError::Busy { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(
        text.contains("sedang dipakai proses efaktur lain"),
        "{text}"
    );
    assert!(text.contains("Tunggu"), "{text}");
    holder.conn().execute_batch("ROLLBACK").unwrap();
    waiter.transaction(|_| Ok::<_, StoreError>(())).unwrap();
}

/// A saved faktur survives a power cut: the WAL is synced at every commit.
#[test]
fn local_database_commits_are_durable() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&tmp.path().join("a.sqlite")).unwrap();
    let (journal, synchronous): (String, i64) = (
        store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap(),
        store
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap(),
    );
    assert_eq!((journal.as_str(), synchronous), ("wal", 2), "WAL + FULL");
}

#[test]
fn overflowing_coretax_amounts_are_problems_not_panics() {
    let huge = "999999999999999999.99";
    // Price × Qty does not fit a Decimal.
    let text = xml_with("Qty", huge).replacen(
        "<Price>50000.00</Price>",
        &format!("<Price>{huge}</Price>"),
        1,
    );
    let report = coretax::check(&text);
    assert!(
        report
            .errors
            .iter()
            .any(|p| p.column == "Price" && p.code == DjpCode::Etax20004),
        "{:?}",
        report.errors
    );
    // OtherTaxBase × VATRate does not fit either.
    let text = xml_with("VATRate", huge).replacen(
        "<OtherTaxBase>91666.67</OtherTaxBase>",
        &format!("<OtherTaxBase>{huge}</OtherTaxBase>"),
        1,
    );
    let report = coretax::check(&text);
    assert!(
        report
            .errors
            .iter()
            .any(|p| p.column == "VATRate" && p.code == DjpCode::Etax20004),
        "{:?}",
        report.errors
    );
    // The import checks first and writes nothing.
    let mut store = Store::open_in_memory().unwrap();
    let report = import_xml(&text, &mut store, "test").unwrap();
    assert!(!report.is_clean());
    assert_eq!(report.imported, 0);
}

/// A file of nothing but unknown rows: one problem each, but only the first ones are kept.
fn junk_csv(rows: usize) -> Vec<u8> {
    let mut text = String::with_capacity(rows * 16);
    for i in 0..rows {
        text.push_str(&format!("XX,{i},junk\n"));
    }
    text.into_bytes()
}

#[test]
fn a_file_of_bad_rows_keeps_a_bounded_problem_list_and_counts_all() {
    let rows = MAX_PROBLEMS * 3 + 7;
    // The reader itself: no entry comes out of such a file, so its own list is capped too.
    let junk = junk_csv(rows);
    let mut reader = CsvReader::new(junk.as_slice(), CsvOptions::default());
    assert!(reader.next_entry().is_none());
    let pending = reader.take_problems();
    assert_eq!(
        (pending.len(), pending.total()),
        (MAX_PROBLEMS, rows as u64)
    );

    let store = Store::open_in_memory().unwrap();
    let report = validate_csv(
        junk.as_slice(),
        store.conn(),
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.errors.len(), MAX_PROBLEMS);
    assert_eq!(report.errors.total(), rows as u64);
    assert_eq!(report.errors[0].line, 1);
    assert!(!report.is_clean());
}

#[test]
fn the_cli_shows_the_first_problems_and_counts_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let rows = MAX_PROBLEMS + 250;
    let file = tmp.path().join("junk.csv");
    std::fs::write(&file, junk_csv(rows)).unwrap();
    let run = |json: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_efaktur"));
        c.arg("--data-dir")
            .arg(tmp.path())
            .arg("validate")
            .arg(&file);
        if json {
            c.arg("--json");
        }
        c.output().unwrap()
    };
    let out = run(false);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stdout.lines().count(), MAX_PROBLEMS + 1, "{stderr}");
    assert!(
        stdout.contains("dan 250 masalah lainnya"),
        "{}",
        stdout.lines().last().unwrap_or_default()
    );
    assert!(stderr.contains(&format!("{rows} kesalahan")), "{stderr}");

    let out = run(true);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"].as_array().unwrap().len(), MAX_PROBLEMS);
    assert_eq!(json["errors_total"], rows as u64);
    assert_eq!(json["errors_omitted"], 250);
}
