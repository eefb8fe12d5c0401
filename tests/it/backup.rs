//! Backup and restore of a Local Database (`efaktur::store::backup`, `efaktur backup|restore`):
//! a backup taken while another connection saves faktur, restores that are refused and change
//! nothing, pruning, the schedule and the backup before a schema migration.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use chrono::{Datelike, Utc};
use efaktur::domain::{ApprovalStatus, FakturDraft, Npwp};
use efaktur::paths::AppDirs;
use efaktur::store::backup::{self, BackupError, Kind, Schedule};
use efaktur::store::{SCHEMA_VERSION, Store, faktur, profile};

use crate::upload::{faktur_payload, fresh_npwp};

/// A data folder with the Local Database of a new NPWP and its profile.
fn data_with_profile(root: &Path) -> (AppDirs, Npwp, PathBuf) {
    let dirs = AppDirs::new(Some(root)).unwrap();
    dirs.ensure().unwrap();
    let npwp = fresh_npwp();
    let path = dirs.db_path(&npwp);
    let mut store = Store::open(&path).unwrap();
    profile::add(
        &mut store,
        &profile::Profile::new(npwp.clone(), "PT CADANGAN", "JL. ARSIP 1"),
    )
    .unwrap()
    .unwrap();
    (dirs, npwp, path)
}

fn nsfp(k: u64) -> String {
    format!("010{:02}{:08}", Utc::now().year() % 100, k + 1)
}

fn save_faktur(store: &mut Store, k: u64) {
    let f = FakturDraft::from(&faktur_payload(&nsfp(k), k as usize))
        .validate()
        .unwrap();
    store
        .transaction(|tx| faktur::insert(tx, &f, ApprovalStatus::Draft, "uji"))
        .unwrap();
}

fn faktur_count(path: &Path) -> i64 {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row("SELECT count(*) FROM faktur", [], |r| r.get(0))
        .unwrap()
}

/// Every file under `dir` with its bytes, to show that a refused restore changed nothing.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_backup_while_faktur_are_saved_is_intact_and_holds_every_faktur_committed_before_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (_dirs, _npwp, path) = data_with_profile(tmp.path());
    let committed = Arc::new(AtomicI64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (path, committed, stop) = (path.clone(), committed.clone(), stop.clone());
        std::thread::spawn(move || {
            // The window's connection: one faktur per transaction, as Rekam Faktur saves them.
            let mut store = Store::open(&path).unwrap();
            let mut k = 0;
            while !stop.load(Ordering::SeqCst) {
                save_faktur(&mut store, k);
                k += 1;
                committed.store(k as i64, Ordering::SeqCst);
            }
        })
    };
    let mut taken = Vec::new();
    for round in 1..=4 {
        while committed.load(Ordering::SeqCst) < 10 * round {
            std::thread::yield_now();
        }
        let before = committed.load(Ordering::SeqCst);
        let file = backup::backup(&path, None).unwrap();
        let after = committed.load(Ordering::SeqCst);
        let store = Store::open_read_only(&file).unwrap();
        store.integrity_check().unwrap();
        let n = faktur_count(&file);
        assert!(
            n >= before,
            "{n} faktur in the backup, {before} committed before it"
        );
        assert!(
            n <= after + 1,
            "{n} faktur in the backup, {after} committed after it"
        );
        #[cfg(unix)]
        assert_eq!(mode(&file), 0o600);
        assert!(!Path::new(&format!("{}-wal", file.display())).exists());
        taken.push(file);
    }
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    let listed: Vec<PathBuf> = backup::list(&path).into_iter().map(|b| b.path).collect();
    taken.sort();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    assert_eq!(
        listed_sorted, taken,
        "four distinct files, none overwritten"
    );
}

/// A Local Database with two faktur and a backup of it.
fn database_and_backup(root: &Path) -> (AppDirs, Npwp, PathBuf, PathBuf) {
    let (dirs, npwp, path) = data_with_profile(root);
    let mut store = Store::open(&path).unwrap();
    save_faktur(&mut store, 0);
    save_faktur(&mut store, 1);
    let file = backup::backup(&path, Some(&root.join("cadangan.db"))).unwrap();
    // An existing file is never overwritten.
    let err = backup::backup(&path, Some(&file)).unwrap_err();
    assert!(err.to_string().contains("tidak ditimpa"), "{err}");
    assert_eq!(faktur_count(&file), 2);
    (dirs, npwp, path, file)
}

fn refused_and_nothing_changed(dirs: &AppDirs, file: &Path, check: impl Fn(&BackupError) -> bool) {
    let before = snapshot(dirs.data_dir());
    let err = backup::restore(dirs, file, None).unwrap_err();
    assert!(check(&err), "{err:?}");
    assert!(err.to_string().contains("Tidak ada yang diubah"), "{err}");
    assert_eq!(
        snapshot(dirs.data_dir()),
        before,
        "a refused restore changes nothing"
    );
}

#[test]
fn a_corrupt_backup_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, _npwp, path, file) = database_and_backup(tmp.path());
    let mut store = Store::open(&path).unwrap();
    save_faktur(&mut store, 2);
    drop(store);
    let good = std::fs::read(&file).unwrap();
    let not_ours = |e: &BackupError| matches!(e, BackupError::NotALocalDatabase { .. });

    // Garbage over a page in the middle (a b-tree page of the faktur).
    let mut bad = good.clone();
    let page = 4096;
    let middle = (bad.len() / page / 2).max(2) * page;
    for b in &mut bad[middle..middle + page] {
        *b = 0xA5;
    }
    std::fs::write(&file, &bad).unwrap();
    refused_and_nothing_changed(&dirs, &file, not_ours);
    // Cut in half.
    std::fs::write(&file, &good[..good.len() / 2]).unwrap();
    refused_and_nothing_changed(&dirs, &file, not_ours);
    // Not a database at all, and an SQLite file of someone else's.
    std::fs::write(&file, b"bukan database, hanya teks".repeat(200)).unwrap();
    refused_and_nothing_changed(&dirs, &file, not_ours);
    std::fs::remove_file(&file).unwrap();
    rusqlite::Connection::open(&file)
        .unwrap()
        .execute_batch("CREATE TABLE lain (x); INSERT INTO lain VALUES (1);")
        .unwrap();
    refused_and_nothing_changed(&dirs, &file, not_ours);
    assert_eq!(faktur_count(&path), 3, "the database kept its faktur");
}

#[test]
fn a_backup_of_a_newer_schema_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, _npwp, _path, file) = database_and_backup(tmp.path());
    rusqlite::Connection::open(&file)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    refused_and_nothing_changed(
        &dirs,
        &file,
        |e| matches!(e, BackupError::SchemaTooNew { found, .. } if *found == SCHEMA_VERSION + 1),
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_efaktur"))
        .arg("--data-dir")
        .arg(dirs.data_dir())
        .arg("restore")
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("perbarui aplikasi"), "{err}");
}

#[test]
fn a_restore_replaces_the_database_and_keeps_the_replaced_one_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, npwp, path, file) = database_and_backup(tmp.path());
    // Work after the backup, which the restore takes back (but keeps aside).
    let mut open = Store::open(&path).unwrap();
    save_faktur(&mut open, 2);
    assert_eq!(faktur_count(&path), 3);

    let other = fresh_npwp();
    let err = backup::restore(&dirs, &file, Some(&other)).unwrap_err();
    assert!(matches!(err, BackupError::OtherNpwp { .. }), "{err:?}");

    let r = backup::restore(&dirs, &file, Some(&npwp)).unwrap();
    assert_eq!((r.npwp.digits(), &r.database), (npwp.digits(), &path));
    // The connection that stayed open (the window) sees the restored data, not a mix.
    let n: i64 = open
        .conn()
        .query_row("SELECT count(*) FROM faktur", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
    open.integrity_check().unwrap();
    let replaced = r.replaced.unwrap();
    assert_eq!(
        faktur_count(&replaced),
        3,
        "the replaced database kept aside"
    );
    assert_eq!(
        backup::list(&path)
            .iter()
            .map(|b| b.kind)
            .collect::<Vec<_>>(),
        vec![Kind::Replaced]
    );
    #[cfg(unix)]
    assert_eq!(mode(&replaced), 0o600);
    // No temporary copies left behind.
    let names: Vec<String> = std::fs::read_dir(dirs.backup_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn a_restore_over_an_unreadable_database_keeps_its_bytes_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, _npwp, path, file) = database_and_backup(tmp.path());
    let garbage = b"rusak karena disk bermasalah ".repeat(300);
    std::fs::write(&path, &garbage).unwrap();
    assert!(Store::open(&path).is_err());
    let r = backup::restore(&dirs, &file, None).unwrap();
    assert_eq!(std::fs::read(r.replaced.unwrap()).unwrap(), garbage);
    assert_eq!(faktur_count(&path), 2);
    Store::open(&path).unwrap().integrity_check().unwrap();
}

#[test]
fn keep_last_n_prunes_only_the_oldest_regular_backups() {
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, npwp, path) = data_with_profile(tmp.path());
    let folder = dirs.backup_dir();
    std::fs::create_dir_all(&folder).unwrap();
    let d = npwp.digits();
    for name in [
        format!("{d}-20250101-000000.db"),
        format!("{d}-20250201-000000.db"),
        format!("{d}-20250301-000000.db"),
        format!("{d}-20250301-000000-1.db"),
        format!("{d}-replaced-20240101-000000.db"),
        format!("{d}-premigration-v4-20240101-000000.db"),
        "catatan.txt".to_string(),
        "013000666091000-20200101-000000.db".to_string(),
    ] {
        std::fs::write(folder.join(name), b"x").unwrap();
    }
    let removed = backup::prune(&path, 2).unwrap();
    let names = |v: &[PathBuf]| -> Vec<String> {
        v.iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(
        names(&removed),
        [
            format!("{d}-20250101-000000.db"),
            format!("{d}-20250201-000000.db")
        ]
    );
    let mut left: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    let mut want = vec![
        format!("{d}-20250301-000000.db"),
        format!("{d}-20250301-000000-1.db"),
        format!("{d}-replaced-20240101-000000.db"),
        format!("{d}-premigration-v4-20240101-000000.db"),
        "catatan.txt".to_string(),
        "013000666091000-20200101-000000.db".to_string(),
    ];
    want.sort();
    assert_eq!(left, want);

    // The schedule: due when the newest regular backup is old enough, then keeps `keep`.
    let weekly = Schedule {
        every_days: 7,
        keep: 2,
    };
    assert!(backup::due(&path, weekly, Utc::now()));
    let made = backup::run_schedule(&path, weekly).unwrap().unwrap();
    assert!(!backup::due(&path, weekly, Utc::now()));
    assert!(backup::due(
        &path,
        weekly,
        Utc::now() + chrono::Duration::days(7)
    ));
    assert_eq!(backup::run_schedule(&path, weekly).unwrap(), None);
    let regular: Vec<PathBuf> = backup::list(&path)
        .into_iter()
        .filter(|b| b.kind == Kind::Regular)
        .map(|b| b.path)
        .collect();
    assert_eq!(regular.len(), 2);
    assert_eq!(regular.last(), Some(&made));
    let never = Schedule {
        every_days: 0,
        keep: 2,
    };
    assert!(!backup::due(&path, never, Utc::now()));
}

#[test]
fn a_subcommand_runs_the_scheduled_backup_from_the_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, npwp, path) = data_with_profile(tmp.path());
    let settings = efaktur::config::Settings {
        backup: efaktur::config::BackupSettings {
            every_days: 1,
            keep: 3,
        },
        ..Default::default()
    };
    settings
        .save(&efaktur::config::Settings::path_in(dirs.config_dir()))
        .unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_efaktur"))
            .arg("--data-dir")
            .arg(dirs.data_dir())
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let dari = nsfp(100);
    let sampai = nsfp(109);
    let nsfp_add = [
        "nsfp",
        "add",
        "--npwp",
        npwp.digits(),
        "--dari",
        &dari,
        "--sampai",
        &sampai,
        "--tanggal",
        "02/01/2025",
    ];
    run(&nsfp_add);
    assert_eq!(
        backup::list(&path).len(),
        1,
        "the first open takes the scheduled backup"
    );
    run(&["databases"]);
    // Not due again the same day.
    let dari2 = nsfp(200);
    let sampai2 = nsfp(209);
    run(&[
        "nsfp",
        "add",
        "--npwp",
        npwp.digits(),
        "--dari",
        &dari2,
        "--sampai",
        &sampai2,
        "--tanggal",
        "02/01/2025",
    ]);
    assert_eq!(backup::list(&path).len(), 1);
    // `efaktur backup` by hand, and its file restores with `efaktur restore --check`.
    let out = run(&["backup", "--npwp", npwp.digits()]);
    let made = backup::list(&path).last().unwrap().path.clone();
    assert!(out.contains(&made.display().to_string()), "{out}");
    let out = run(&["restore", "--check", made.to_str().unwrap()]);
    assert!(out.contains("dapat dipulihkan"), "{out}");
}

#[test]
fn opening_a_database_of_an_older_schema_backs_it_up_before_migrating() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = AppDirs::new(Some(tmp.path())).unwrap();
    dirs.ensure().unwrap();
    let npwp = Npwp::parse("013000666091000").unwrap();
    let path = dirs.db_path(&npwp);
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(include_str!(
            "../../resources/migrations/client/0001_init.sql"
        ))
        .unwrap();
        c.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO profile (id, npwp, nama, alamat, updated_at) VALUES (1, '013000666091000', 'PT LAMA', 'JL. A', '');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    drop(store);
    let kept = backup::list(&path);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].kind, Kind::PreMigration { from: 1 });
    let c = rusqlite::Connection::open(&kept[0].path).unwrap();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1, "the backup holds the schema before the migration");
    // Up to date now: opening again takes no backup; nor does a new, empty file.
    Store::open(&path).unwrap();
    Store::open(&dirs.db_path(&fresh_npwp())).unwrap();
    assert_eq!(std::fs::read_dir(dirs.backup_dir()).unwrap().count(), 1);
}
