//! Where the app keeps its files. Computed once in `main` and passed down; nothing here creates
//! directories behind the caller's back.

use std::path::{Path, PathBuf};

use crate::domain::Npwp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppDirs {
    data: PathBuf,
    config: PathBuf,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum PathsError {
    #[error(
        "Folder data pengguna tidak dapat ditentukan di sistem ini; jalankan dengan --data-dir FOLDER"
    )]
    NoHome,
    #[error("Folder {path} tidak dapat dibuat: {reason}")]
    Create { path: String, reason: String },
}

impl AppDirs {
    /// The user's standard folders (e.g. `~/.local/share/efaktur` on Linux, `%APPDATA%` on
    /// Windows), or everything under `data_dir` when given (`--data-dir`).
    pub fn new(data_dir: Option<&Path>) -> Result<AppDirs, PathsError> {
        match data_dir {
            Some(d) => Ok(AppDirs {
                data: d.to_path_buf(),
                config: d.join("config"),
            }),
            None => {
                let p = directories::ProjectDirs::from("id", "efaktur-open", "efaktur")
                    .ok_or(PathsError::NoHome)?;
                Ok(AppDirs {
                    data: p.data_dir().to_path_buf(),
                    config: p.config_dir().to_path_buf(),
                })
            }
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    pub fn config_dir(&self) -> &Path {
        &self.config
    }

    /// Folder of the Local Databases, one per NPWP.
    pub fn db_dir(&self) -> PathBuf {
        self.data.join("db")
    }

    /// The Local Database of one NPWP.
    pub fn db_path(&self, npwp: &Npwp) -> PathBuf {
        self.db_dir().join(format!("{}.sqlite", npwp.digits()))
    }

    /// Folder of the backups of the Local Databases (`efaktur backup`, scheduled, pre-migration,
    /// and databases a restore replaced).
    pub fn backup_dir(&self) -> PathBuf {
        self.data.join("backups")
    }

    /// Creates the folders the app writes to, readable by the user only (0700 on Unix; folders
    /// left by older versions are tightened).
    pub fn ensure(&self) -> Result<(), PathsError> {
        for dir in [self.db_dir(), self.config.clone()] {
            crate::private_files::create_dir_all(&dir).map_err(|e| PathsError::Create {
                path: dir.display().to_string(),
                reason: e.to_string(),
            })?;
        }
        Ok(())
    }

    /// The NPWPs that have a Local Database here, sorted.
    pub fn databases(&self) -> Vec<Npwp> {
        let Ok(entries) = std::fs::read_dir(self.db_dir()) else {
            return Vec::new();
        };
        let mut out: Vec<Npwp> = entries
            .filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                Npwp::parse(name.strip_suffix(".sqlite")?).ok()
            })
            .collect();
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn one_database_per_npwp_under_data_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = AppDirs::new(Some(tmp.path())).unwrap();
        assert!(dirs.databases().is_empty(), "nothing before ensure");
        dirs.ensure().unwrap();
        let a = Npwp::parse("013000666091000").unwrap();
        let b = Npwp::parse("01.346.347.6-415.001").unwrap();
        Store::open(&dirs.db_path(&b)).unwrap();
        Store::open(&dirs.db_path(&a)).unwrap();
        std::fs::write(dirs.db_dir().join("notes.txt"), "x").unwrap();
        assert!(dirs.db_path(&b).starts_with(tmp.path()));
        assert_eq!(dirs.databases(), vec![a, b]);
    }
}
