//! Backup and restore of a Local Database with SQLite's online backup API: it copies a
//! consistent snapshot while the window (or an import) keeps writing, and it replaces a live
//! database under SQLite's own write lock, so other connections never see half a file.
//!
//! File names in the backup folder (`<data>/backups`, see [`folder_of`]; checks of a file to
//! restore work on a private copy there too, never in a shared temporary folder), all UTC:
//! - `<npwp>-<YYYYMMDD-HHMMSS>.db`: a backup (by hand or on the schedule); only these are pruned;
//! - `<npwp>-premigration-v<N>-<ts>.db`: taken before migrating schema `N` to this build's;
//! - `<npwp>-replaced-<ts>.db`: the database a restore replaced.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{BUSY_TIMEOUT, SCHEMA_VERSION, StoreError, profile};
use crate::domain::Npwp;
use crate::paths::AppDirs;

/// What a backup or restore could not do, worded for the user (with what to do next).
#[derive(Debug, Clone, thiserror::Error)]
pub enum BackupError {
    #[error(
        "{path} bukan Local Database e-Faktur atau rusak ({reason}). Tidak ada yang diubah; pilih file cadangan lain."
    )]
    NotALocalDatabase { path: String, reason: String },
    #[error(
        "Cadangan {path} dibuat oleh versi aplikasi yang lebih baru (skema {found}, aplikasi ini mengenal sampai {supported}). \
         Tidak ada yang diubah; perbarui aplikasi lalu pulihkan lagi."
    )]
    SchemaTooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error(
        "Cadangan {path} milik NPWP {found}, bukan NPWP {expected}. Tidak ada yang diubah; pilih cadangan NPWP ini."
    )]
    OtherNpwp {
        path: String,
        found: String,
        expected: String,
    },
    #[error(
        "{path} tidak dapat dibaca atau ditulis: {reason}. Periksa izin folder dan sisa ruang disk."
    )]
    Io { path: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for BackupError {
    fn from(e: rusqlite::Error) -> BackupError {
        BackupError::Store(e.into())
    }
}

type Result<T> = std::result::Result<T, BackupError>;

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> BackupError + '_ {
    move |e| BackupError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// The backup folder of the database at `db`: `<data>/backups` for the app's layout
/// (`<data>/db/<npwp>.sqlite`), otherwise a `backups` folder beside the file.
pub fn folder_of(db: &Path) -> PathBuf {
    let parent = db.parent().unwrap_or(Path::new("."));
    match (parent.file_name(), parent.parent()) {
        (Some(name), Some(data)) if name == "db" => data.join("backups"),
        _ => parent.join("backups"),
    }
}

const STAMP: &str = "%Y%m%d-%H%M%S";

/// Which kind of backup file a name is; only [`Kind::Regular`] ones are pruned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Regular,
    PreMigration { from: i64 },
    Replaced,
}

/// One file in the backup folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    pub path: PathBuf,
    pub kind: Kind,
    pub taken: DateTime<Utc>,
    /// Orders backups taken within the same second (`-1`, `-2`, ...).
    pub seq: u32,
}

fn name_for(stem: &str, kind: Kind, at: DateTime<Utc>, n: u32) -> String {
    let ts = at.format(STAMP);
    let dup = if n == 0 {
        String::new()
    } else {
        format!("-{n}")
    };
    match kind {
        Kind::Regular => format!("{stem}-{ts}{dup}.db"),
        Kind::PreMigration { from } => format!("{stem}-premigration-v{from}-{ts}{dup}.db"),
        Kind::Replaced => format!("{stem}-replaced-{ts}{dup}.db"),
    }
}

/// Reads a backup file's name back (`None` for files that are not ours or of another stem).
fn parse_name(stem: &str, name: &str) -> Option<(Kind, DateTime<Utc>, u32)> {
    let rest = name
        .strip_prefix(stem)?
        .strip_prefix('-')?
        .strip_suffix(".db")?;
    let (kind, rest) = if let Some(r) = rest.strip_prefix("replaced-") {
        (Kind::Replaced, r)
    } else if let Some(r) = rest.strip_prefix("premigration-v") {
        let (from, r) = r.split_once('-')?;
        (
            Kind::PreMigration {
                from: from.parse().ok()?,
            },
            r,
        )
    } else {
        (Kind::Regular, rest)
    };
    let ts = rest.get(..15)?;
    let n = match &rest[15..] {
        "" => 0,
        tail => tail.strip_prefix('-')?.parse().ok()?,
    };
    let at = NaiveDateTime::parse_from_str(ts, STAMP).ok()?.and_utc();
    Some((kind, at, n))
}

/// The backups of the database at `db` (matched by its file stem), oldest first.
pub fn list(db: &Path) -> Vec<BackupFile> {
    let stem = stem_of(db);
    let Ok(entries) = std::fs::read_dir(folder_of(db)) else {
        return Vec::new();
    };
    let mut out: Vec<BackupFile> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().into_string().ok()?;
            let (kind, taken, seq) = parse_name(&stem, &name)?;
            Some(BackupFile {
                path: e.path(),
                kind,
                taken,
                seq,
            })
        })
        .collect();
    out.sort_by(|a, b| (a.taken, a.seq, &a.path).cmp(&(b.taken, b.seq, &b.path)));
    out
}

fn stem_of(db: &Path) -> String {
    db.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "efaktur".into())
}

/// A new private (0600) file in `folder` named for `kind` at `at`; a name taken in the same
/// second gets `-1`, `-2`, ... so no backup overwrites another.
fn new_file(folder: &Path, stem: &str, kind: Kind, at: DateTime<Utc>) -> Result<PathBuf> {
    crate::private_files::create_dir_all(folder).map_err(io_err(folder))?;
    for n in 0..1000 {
        let path = folder.join(name_for(stem, kind, at, n));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(crate::private_files::FILE_MODE);
        }
        match options.open(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_err(&path)(e)),
        }
    }
    Err(BackupError::Io {
        path: folder.display().to_string(),
        reason: "terlalu banyak cadangan dalam detik yang sama".into(),
    })
}

/// Copies all of `from` into `to` in one step: one read transaction on `from` (in WAL mode
/// writers go on meanwhile) and SQLite's write lock on `to`. Waits up to [`BUSY_TIMEOUT`] for
/// locks held by others.
fn copy_all(from: &Connection, to: &mut Connection) -> Result<()> {
    let backup = Backup::new(from, to)?;
    let started = Instant::now();
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked
                if started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            _ => {
                return Err(StoreError::Busy {
                    path: String::new(),
                }
                .into());
            }
        }
    }
}

/// Writes a snapshot of `src` to the new file `dest` as a self-contained database (rollback
/// journal, no `-wal` beside it), checks it, and syncs it to disk.
fn snapshot_into(src: &Connection, dest: &Path) -> Result<()> {
    let mut out = Connection::open_with_flags(
        dest,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    copy_all(src, &mut out)?;
    out.pragma_update(None, "journal_mode", "DELETE")?;
    check_integrity(&out, dest)?;
    drop(out);
    std::fs::File::open(dest)
        .and_then(|f| f.sync_all())
        .map_err(io_err(dest))
}

fn check_integrity(conn: &Connection, path: &Path) -> Result<()> {
    let not_ours = |reason: String| BackupError::NotALocalDatabase {
        path: path.display().to_string(),
        reason,
    };
    let report: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| not_ours(e.to_string()))?;
    if report != "ok" {
        return Err(not_ours(report));
    }
    Ok(())
}

/// Backs up the connection `src` (the database at `db`) into a new file of `kind` in the
/// backup folder; a file that could not be completed is removed.
pub(super) fn take(src: &Connection, db: &Path, kind: Kind) -> Result<PathBuf> {
    let dest = new_file(&folder_of(db), &stem_of(db), kind, Utc::now())?;
    match snapshot_into(src, &dest) {
        Ok(()) => Ok(dest),
        Err(e) => {
            let _ = std::fs::remove_file(&dest);
            Err(e)
        }
    }
}

fn open_existing(db: &Path) -> Result<Connection> {
    if !db.is_file() {
        return Err(BackupError::Io {
            path: db.display().to_string(),
            reason: "file tidak ada".into(),
        });
    }
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// `efaktur backup` / *File > Backup*: a timestamped copy of the database at `db` in its backup
/// folder, or at `to` when given (a new file; an existing one is never overwritten). Works while
/// other connections write.
pub fn backup(db: &Path, to: Option<&Path>) -> Result<PathBuf> {
    let src = open_existing(db)?;
    let Some(to) = to else {
        return take(&src, db, Kind::Regular);
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(crate::private_files::FILE_MODE);
    }
    options.open(to).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => BackupError::Io {
            path: to.display().to_string(),
            reason: "file sudah ada dan tidak ditimpa; pilih nama lain".into(),
        },
        _ => io_err(to)(e),
    })?;
    snapshot_into(&src, to).inspect_err(|_| {
        let _ = std::fs::remove_file(to);
    })?;
    Ok(to.to_path_buf())
}

/// What a checked backup file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub npwp: Npwp,
    pub schema: i64,
}

/// Checks that `conn` (opened on `path`) is an intact Local Database of a schema this build
/// knows, and whose it is.
fn check_backup(conn: &Connection, path: &Path) -> Result<Checked> {
    let not_ours = |reason: String| BackupError::NotALocalDatabase {
        path: path.display().to_string(),
        reason,
    };
    let schema: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| not_ours(e.to_string()))?;
    if schema > SCHEMA_VERSION {
        return Err(BackupError::SchemaTooNew {
            path: path.display().to_string(),
            found: schema,
            supported: SCHEMA_VERSION,
        });
    }
    if schema < 1 {
        return Err(not_ours("tidak ada skema e-Faktur".into()));
    }
    check_integrity(conn, path)?;
    let fk: Option<String> = conn
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .ok();
    if let Some(table) = fk {
        return Err(not_ours(format!("referensi rusak di tabel {table}")));
    }
    let profile = profile::get(conn).map_err(|e| not_ours(e.to_string()))?;
    let Some(profile) = profile else {
        return Err(not_ours("tidak ada profil PKP".into()));
    };
    Ok(Checked {
        npwp: profile.npwp,
        schema,
    })
}

/// Checks a backup file without changing anything (also not the file itself: it is read through
/// a private copy, so a `-wal` or a hot journal beside it is never touched).
pub fn inspect(dirs: &AppDirs, file: &Path) -> Result<Checked> {
    let copy = PrivateCopy::of(dirs, file)?;
    let conn = copy.open(file)?; // declared after `copy`: closed before the copy is removed
    check_backup(&conn, file)
}

/// A private copy of a file to restore, in the backup folder; removed (with any
/// `-wal`/`-shm`/`-journal` SQLite made for it) when dropped.
struct PrivateCopy(PathBuf);

impl PrivateCopy {
    fn of(dirs: &AppDirs, file: &Path) -> Result<PrivateCopy> {
        let folder = dirs.backup_dir();
        crate::private_files::create_dir_all(&folder).map_err(io_err(&folder))?;
        let (_, path) = tempfile::Builder::new()
            .prefix(".periksa-")
            .tempfile_in(&folder)
            .map_err(io_err(&folder))?
            .keep()
            .map_err(|e| io_err(&folder)(e.error))?;
        let copy = PrivateCopy(path);
        std::fs::copy(file, &copy.0).map_err(io_err(file))?;
        Ok(copy)
    }

    /// Opens the copy; `shown` is the original file, named in messages.
    fn open(&self, shown: &Path) -> Result<Connection> {
        Connection::open_with_flags(
            &self.0,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| BackupError::NotALocalDatabase {
            path: shown.display().to_string(),
            reason: e.to_string(),
        })
    }
}

impl Drop for PrivateCopy {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = self.0.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(Path::new(&name));
        }
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub npwp: Npwp,
    pub database: PathBuf,
    /// Where the database that was there before now is (`None` when there was none).
    pub replaced: Option<PathBuf>,
}

/// `efaktur restore` / *File > Restore*: replaces the Local Database in `dirs` the backup `file`
/// belongs to (`expect` refuses another NPWP's backup).
///
/// Everything is checked on a private copy of `file` first (integrity, schema version, a PKP
/// profile); a refused file changes nothing. The database that was there is backed up to
/// `<npwp>-replaced-<ts>.db` and then overwritten with SQLite's backup API under its write lock,
/// so an open window sees either the old or the new data, never a mix. An older schema is
/// migrated when the database is next opened (after its own pre-migration backup).
pub fn restore(dirs: &AppDirs, file: &Path, expect: Option<&Npwp>) -> Result<Restored> {
    let copy = PrivateCopy::of(dirs, file)?;
    let source = copy.open(file)?; // declared after `copy`: closed before the copy is removed
    let checked = check_backup(&source, file)?;
    if let Some(expected) = expect
        && expected.digits() != checked.npwp.digits()
    {
        return Err(BackupError::OtherNpwp {
            path: file.display().to_string(),
            found: checked.npwp.to_string(),
            expected: expected.to_string(),
        });
    }

    let database = dirs.db_path(&checked.npwp);
    if let Some(dir) = database.parent() {
        crate::private_files::create_dir_all(dir).map_err(io_err(dir))?;
    }
    let existed = database.is_file();
    crate::private_files::prepare_database(&database).map_err(io_err(&database))?;
    let mut target = open_existing(&database)?;
    let mut replaced = None;
    if existed {
        match take(&target, &database, Kind::Replaced) {
            Ok(p) => replaced = Some(p),
            // Busy: someone holds the write lock for long; nothing was changed.
            Err(e @ BackupError::Store(StoreError::Busy { .. })) => return Err(e),
            // A database SQLite cannot read (often why one restores): its files are kept aside
            // as they are, and a new file takes its place.
            Err(_) => {
                drop(target);
                replaced = Some(set_aside_unreadable(&database)?);
                crate::private_files::prepare_database(&database).map_err(io_err(&database))?;
                target = open_existing(&database)?;
            }
        }
    }
    copy_all(&source, &mut target)?;
    check_integrity(&target, &database)?;
    Ok(Restored {
        npwp: checked.npwp,
        database,
        replaced,
    })
}

/// Moves an unreadable database (and its `-wal`, `-shm`) to `<npwp>-replaced-<ts>.db` (`-wal`,
/// `-shm` beside it) by renaming, which keeps the bytes exactly as they were.
fn set_aside_unreadable(db: &Path) -> Result<PathBuf> {
    let aside = new_file(&folder_of(db), &stem_of(db), Kind::Replaced, Utc::now())?;
    for suffix in ["-wal", "-shm"] {
        let (mut from, mut to) = (db.as_os_str().to_owned(), aside.as_os_str().to_owned());
        from.push(suffix);
        to.push(suffix);
        if Path::new(&from).exists() {
            std::fs::rename(&from, &to).map_err(io_err(Path::new(&from)))?;
        }
    }
    std::fs::rename(db, &aside).map_err(io_err(db))?;
    Ok(aside)
}

/// Deletes the oldest regular backups of `db` so that `keep` remain; returns what was deleted.
/// Pre-migration backups and replaced databases are never deleted here.
pub fn prune(db: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let regular: Vec<BackupFile> = list(db)
        .into_iter()
        .filter(|b| b.kind == Kind::Regular)
        .collect();
    let excess = regular.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for b in regular.into_iter().take(excess) {
        std::fs::remove_file(&b.path).map_err(io_err(&b.path))?;
        removed.push(b.path);
    }
    Ok(removed)
}

/// The schedule the user set: a backup every `every_days` days (0 = never), keeping the newest
/// `keep` regular backups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub every_days: u32,
    pub keep: usize,
}

/// Whether a scheduled backup of `db` is due at `now`: none yet, or the newest regular one is
/// `every_days` old.
pub fn due(db: &Path, schedule: Schedule, now: DateTime<Utc>) -> bool {
    if schedule.every_days == 0 {
        return false;
    }
    match list(db).iter().rev().find(|b| b.kind == Kind::Regular) {
        None => true,
        Some(newest) => now - newest.taken >= chrono::Duration::days(schedule.every_days.into()),
    }
}

/// Runs the schedule for `db` when due (the app and the CLI call this when they open a
/// database): a backup, then pruning to `keep`. `Ok(None)` when nothing was due.
pub fn run_schedule(db: &Path, schedule: Schedule) -> Result<Option<PathBuf>> {
    if !due(db, schedule, Utc::now()) || !db.is_file() {
        return Ok(None);
    }
    let made = backup(db, None)?;
    prune(db, schedule.keep.max(1))?;
    Ok(Some(made))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_foreign_files_are_ignored() {
        let at = NaiveDateTime::parse_from_str("20261130-191322", STAMP)
            .unwrap()
            .and_utc();
        for kind in [
            Kind::Regular,
            Kind::Replaced,
            Kind::PreMigration { from: 4 },
        ] {
            for n in [0, 3] {
                let name = name_for("013000666091000", kind, at, n);
                assert_eq!(
                    parse_name("013000666091000", &name),
                    Some((kind, at, n)),
                    "{name}"
                );
                assert_eq!(parse_name("013000666091001", &name), None);
            }
        }
        for other in [
            "013000666091000-x.db",
            "013000666091000-20261130-191322.sqlite",
        ] {
            assert_eq!(parse_name("013000666091000", other), None);
        }
    }

    #[test]
    fn backup_folder_is_beside_the_db_folder() {
        assert_eq!(
            folder_of(Path::new("/d/db/1.sqlite")),
            PathBuf::from("/d/backups")
        );
        assert_eq!(
            folder_of(Path::new("/t/v4.sqlite")),
            PathBuf::from("/t/backups")
        );
    }
}
