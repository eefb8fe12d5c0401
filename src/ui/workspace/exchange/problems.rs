//! The problems of an import saved as a CSV file (one row per problem: line, column, DJP code,
//! message, kind), written whole or not at all, never over an existing file unless asked.

use std::path::{Path, PathBuf};

use efaktur::exchange::Report;
use efaktur::exchange::csv_write::ExportError;
use efaktur::exchange::output::{Staged, refuse_existing};

use crate::ui::i18n::{self, Key, Lang, errors};
use crate::ui::service::Failure;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    Written(PathBuf),
    /// The file exists and `force` was off: nothing written; ask the user.
    Exists(PathBuf),
}

/// `<file>-masalah.csv` beside the imported file.
pub fn default_path(imported: &Path) -> PathBuf {
    let stem = imported
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "impor".into());
    imported.with_file_name(format!("{stem}-masalah.csv"))
}

pub const HEADER: [&str; 5] = ["BARIS", "KOLOM", "KODE", "PESAN", "JENIS"];

/// Writes every kept problem of `report` (errors, then warnings) to `target`.
pub fn save(report: &Report, target: &Path, force: bool, lang: Lang) -> Result<Saved, Failure> {
    let failed = |e: ExportError| {
        Failure::new(
            None,
            i18n::t(lang, Key::MasalahTidakTersimpan)
                .replace("{file}", &target.display().to_string())
                .replace("{error}", &errors::export(lang, &e)),
            i18n::t(lang, Key::PilihFileLain),
        )
    };
    if target.as_os_str().is_empty() {
        return Err(Failure::new(None, i18n::t(lang, Key::Required), ""));
    }
    match refuse_existing(target, force) {
        Err(ExportError::Exists(p)) => return Ok(Saved::Exists(p)),
        Err(e) => return Err(failed(e)),
        Ok(()) => {}
    }
    let write = || -> Result<PathBuf, ExportError> {
        let mut staged = Staged::new(target)?;
        {
            let mut w = csv::Writer::from_writer(staged.file());
            w.write_record(HEADER).map_err(ExportError::from)?;
            let all = report
                .errors
                .iter()
                .map(|p| (p, "KESALAHAN"))
                .chain(report.warnings.iter().map(|p| (p, "PERINGATAN")));
            for (p, kind) in all {
                w.write_record([
                    p.line.to_string().as_str(),
                    p.column.as_str(),
                    p.code.as_str(),
                    errors::problem_message(lang, p),
                    kind,
                ])
                .map_err(ExportError::from)?;
            }
            w.flush()?;
        }
        staged.commit(force)
    };
    match write() {
        Ok(p) => Ok(Saved::Written(p)),
        // Created meanwhile: ask as well.
        Err(ExportError::Exists(p)) => Ok(Saved::Exists(p)),
        Err(e) => Err(failed(e)),
    }
}
