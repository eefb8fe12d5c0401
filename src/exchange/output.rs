//! Export files written so that scripts are not surprised: a file is written to a temporary file
//! beside its target and renamed into place only when complete (a failed export leaves no half
//! file), an existing file is replaced only when the user said so (`--force`), and nothing is
//! written when there is nothing to export.

use std::fs::File;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::csv_write::ExportError;

/// A file being written; [`Staged::commit`] puts it in place.
pub struct Staged {
    temp: NamedTempFile,
    target: PathBuf,
}

impl Staged {
    /// A temporary file in the target's folder (so the final rename stays on one file system).
    pub fn new(target: &Path) -> Result<Staged, ExportError> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".efaktur-ekspor-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        Ok(Staged {
            temp,
            target: target.to_path_buf(),
        })
    }

    pub fn file(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// [`Staged::commit`] to another target (a split export names its parts at the end).
    pub fn commit_as(mut self, target: &Path, force: bool) -> Result<PathBuf, ExportError> {
        self.target = target.to_path_buf();
        self.commit(force)
    }

    /// Renames the finished file to its target. Without `force` an existing target is kept and
    /// [`ExportError::Exists`] returned (checked by the rename itself, so a file created
    /// meanwhile is not lost either).
    pub fn commit(self, force: bool) -> Result<PathBuf, ExportError> {
        self.temp.as_file().sync_all()?;
        let target = self.target;
        let result = if force {
            self.temp.persist(&target)
        } else {
            self.temp.persist_noclobber(&target)
        };
        match result {
            Ok(_) => Ok(target),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(ExportError::Exists(target))
            }
            Err(e) => Err(e.error.into()),
        }
    }
}

/// Refuses early, before any work, when `path` exists and `force` is off.
pub fn refuse_existing(path: &Path, force: bool) -> Result<(), ExportError> {
    if !force && path.exists() {
        return Err(ExportError::Exists(path.to_path_buf()));
    }
    Ok(())
}

/// `<stem>-<n>.xml` beside `path`: the name of part `n` (from 1) of a split export.
pub fn part_name(path: &Path, n: usize) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "coretax".into());
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "xml".into());
    path.with_file_name(format!("{stem}-{n}.{ext}"))
}

/// Parts `<stem>-<n>` beside `path` that exist but are not among `written` (left by an earlier,
/// larger export): numbered on from 1 until the first missing one.
pub fn stale_parts(path: &Path, written: &[PathBuf]) -> Vec<PathBuf> {
    (1..)
        .map(|n| part_name(path, n))
        .take_while(|p| p.exists())
        .filter(|p| !written.contains(p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_file_appears_only_when_committed_and_is_not_replaced_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let mut s = Staged::new(&target).unwrap();
        s.file().write_all(b"one").unwrap();
        assert!(!target.exists(), "nothing at the target while writing");
        s.commit(false).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"one");

        let mut s = Staged::new(&target).unwrap();
        s.file().write_all(b"two").unwrap();
        assert!(matches!(s.commit(false), Err(ExportError::Exists(_))));
        assert_eq!(std::fs::read(&target).unwrap(), b"one");
        let mut s = Staged::new(&target).unwrap();
        s.file().write_all(b"two").unwrap();
        s.commit(true).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");

        // A staged file dropped without commit leaves nothing behind.
        drop(Staged::new(&target).unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn parts_are_numbered_beside_the_target() {
        let p = Path::new("/x/keep.xml");
        assert_eq!(part_name(p, 2), Path::new("/x/keep-2.xml"));
    }
}
