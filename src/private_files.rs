//! Folders and files only their owner may read: the Local Databases, the server's state and the
//! certificates it issues hold tax data and keys, so other local users must not read them.
//!
//! On Unix folders are created 0700 and files 0600, and files already there with a looser mode
//! are tightened when opened or rewritten. Windows has no such modes (its folders under the
//! user's profile are private already): there these are plain `std::fs` calls.

use std::io::{self, Write};
use std::path::Path;

/// Mode of the folders the app creates for its data.
#[cfg(unix)]
pub const DIR_MODE: u32 = 0o700;
/// Mode of the files the app writes for itself.
#[cfg(unix)]
pub const FILE_MODE: u32 = 0o600;

/// `create_dir_all` with every folder it creates private, and `dir` itself tightened if it was
/// there already (it is the app's own folder; parents that existed are left alone).
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(dir)?;
        tighten(dir, DIR_MODE)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Writes `contents` to `path`, readable by the owner only, and flushes it to disk. A file that
/// exists is tightened before anything is written to it.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let mut file = create_file(path, true)?;
    file.write_all(contents.as_ref())?;
    file.sync_all()
}

/// Makes sure the SQLite file at `path` exists as a private file before SQLite opens it: SQLite
/// creates a new database 0644 and gives its `-wal` and `-shm` files the database file's mode,
/// so an empty 0600 file (which SQLite takes as an empty database) keeps all three private.
/// Files left by older versions are tightened.
pub fn prepare_database(path: &Path) -> io::Result<()> {
    if !path.exists() {
        create_file(path, false)?;
    }
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        tighten(Path::new(&name), FILE_MODE)?;
    }
    Ok(())
}

/// Opens (creating) `path` for writing with the private mode; `truncate` empties it.
fn create_file(path: &Path, truncate: bool) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(truncate);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
        // `mode` applies to new files only; an old file is tightened before it gets new contents.
        tighten(path, FILE_MODE)?;
    }
    options.open(path)
}

/// Removes group and other bits from `path` when it exists with more than `mode`.
#[cfg(unix)]
fn tighten(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::metadata(path) {
        Ok(m) if m.permissions().mode() & 0o077 != 0 => {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        }
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_folders_and_files_are_private_and_old_ones_are_tightened() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        create_dir_all(&dir).unwrap();
        assert_eq!((mode(&tmp.path().join("a")), mode(&dir)), (0o700, 0o700));

        let file = dir.join("x.toml");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        write(&file, "new").unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");

        let open = tmp.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        create_dir_all(&open).unwrap();
        assert_eq!(mode(&open), 0o700);
    }
}
