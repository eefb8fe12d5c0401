//! Settings (TOML): the one owner of the settings file. Every field has a default, so an older
//! or partial file still loads; a file that cannot be read is reported, never silently replaced.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The language of the user interface. Bahasa Indonesia is the default: the users are Indonesian
/// accountants and DJP's own wording is Indonesian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Id,
    En,
}

/// Which e-Nofa server the Connect screen used last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServerChoice {
    /// The in-process training server of `efaktur --simulasi`.
    Simulasi,
    /// [`Settings::server_url`] verified against [`Settings::server_ca_path`].
    Url,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub language: Language,
    /// The e-Nofa server used last (`https://...`). Kept when simulasi is chosen, so switching
    /// back does not mean typing it again.
    pub server_url: Option<String>,
    /// The CA certificate (PEM) that server is verified against.
    pub server_ca_path: Option<PathBuf>,
    /// Simulasi or URL, as chosen last; `None` before the first Connect.
    pub last_server: Option<ServerChoice>,
    /// The Local Database opened last, as its 15-digit NPWP.
    pub last_database: Option<String>,
    /// Place and signer printed on faktur (`efaktur cetak`; its flags override them).
    pub cetak: CetakSettings,
    /// The upload deadline shown on Beranda.
    pub upload: UploadSettings,
    /// Scheduled backups of the Local Database (`[backup]`).
    pub backup: BackupSettings,
}

/// `[upload]` in the settings file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UploadSettings {
    /// Faktur of a masa must be approved by this day of the next month (DJP: 20).
    pub batas_hari: u8,
}

impl Default for UploadSettings {
    fn default() -> Self {
        UploadSettings {
            batas_hari: crate::domain::deadline::DEFAULT_DAY,
        }
    }
}

/// `[cetak]` in the settings file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CetakSettings {
    /// The place before the date (`JAKARTA, 5 Maret 2025`).
    pub kota: Option<String>,
    /// The name under the signature.
    pub penandatangan: Option<String>,
}

/// `[backup]` in the settings file: a backup of the opened Local Database every `every_days`
/// days (0 = no scheduled backups), keeping the newest `keep`. Checked when the window or a
/// subcommand opens the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BackupSettings {
    pub every_days: u32,
    pub keep: usize,
}

impl Default for BackupSettings {
    fn default() -> BackupSettings {
        BackupSettings {
            every_days: 0,
            keep: 10,
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ConfigError {
    #[error("Pengaturan {path} tidak dapat dibaca: {reason}")]
    Read { path: String, reason: String },
    #[error("Pengaturan {path} tidak dapat disimpan: {reason}")]
    Write { path: String, reason: String },
}

impl Settings {
    /// The settings file inside a config folder.
    pub fn path_in(config_dir: &Path) -> PathBuf {
        config_dir.join("settings.toml")
    }

    /// Loads the settings; a missing file means defaults.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let read_err = |reason: String| ConfigError::Read {
            path: path.display().to_string(),
            reason,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| read_err(e.message().to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(read_err(e.to_string())),
        }
    }

    /// Writes the settings through a temporary file, so a crash never leaves half a file; the
    /// file is readable by the user only (it names the server and the last database).
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let write_err = |reason: String| ConfigError::Write {
            path: path.display().to_string(),
            reason,
        };
        let text = toml::to_string_pretty(self).map_err(|e| write_err(e.to_string()))?;
        if let Some(dir) = path.parent() {
            crate::private_files::create_dir_all(dir).map_err(|e| write_err(e.to_string()))?;
        }
        let tmp = path.with_extension("toml.tmp");
        crate::private_files::write(&tmp, text).map_err(|e| write_err(e.to_string()))?;
        std::fs::rename(&tmp, path).map_err(|e| write_err(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_defaults_and_save_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = Settings::path_in(&dir.path().join("config"));
        assert_eq!(Settings::load(&path).unwrap(), Settings::default());
        let s = Settings {
            language: Language::En,
            server_url: Some("https://127.0.0.1:8443".into()),
            server_ca_path: Some(dir.path().join("ca.pem")),
            last_server: Some(ServerChoice::Simulasi),
            last_database: Some("013463476415001".into()),
            cetak: CetakSettings {
                kota: Some("JAKARTA".into()),
                penandatangan: Some("Budi Santoso".into()),
            },
            upload: UploadSettings { batas_hari: 15 },
            backup: BackupSettings {
                every_days: 7,
                keep: 4,
            },
        };
        s.save(&path).unwrap();
        assert_eq!(Settings::load(&path).unwrap(), s);
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("language = \"en\"")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("last_server = \"simulasi\""), "{text}");
        assert!(text.contains("[cetak]"), "{text}");
        assert!(
            text.contains("[backup]\nevery_days = 7\nkeep = 4"),
            "{text}"
        );
        assert!(text.contains("batas_hari = 15"), "{text}");
    }

    #[test]
    fn the_upload_deadline_day_defaults_to_djps_20() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(&path, "[upload]\n").unwrap();
        assert_eq!(Settings::load(&path).unwrap().upload.batas_hari, 20);
    }

    #[test]
    fn partial_file_gets_defaults_and_broken_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(&path, "server_url = \"https://x\"\n").unwrap();
        let s = Settings::load(&path).unwrap();
        assert_eq!(s.language, Language::Id);
        assert_eq!(s.server_url.as_deref(), Some("https://x"));
        std::fs::write(&path, "language = \"klingon\"\n").unwrap();
        let err = Settings::load(&path).unwrap_err();
        assert!(err.to_string().contains("tidak dapat dibaca"), "{err}");
    }
}
