//! What Faktur > Impor runs off the UI thread: the file's kind is told as the CLI tells it
//! (`.xml` Coretax, `.xlsx` spreadsheet, else the CSV's first row: FK/FM faktur, RK/RM/DK/DM
//! retur or dokumen lain, LT/OB Referensi), then the same `exchange` import, in one transaction.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use efaktur::exchange::control::Control;
use efaktur::exchange::csv_read::{CsvOptions, CsvReader};
use efaktur::exchange::referensi::{Referensi, import_referensi};
use efaktur::exchange::retur::{ReturImportOptions, import_retur, is_retur_flag};
use efaktur::exchange::rows::{RowSource, first_flag};
use efaktur::exchange::xlsx;
use efaktur::exchange::{ImportOptions, Report, XmlImportOptions, import_reader, import_xml_with};

use super::job::{CancelRead, Step};
use crate::ui::ctx::LocalDb;
use crate::ui::i18n::{self, Key, Lang, errors};
use crate::ui::service::Failure;

#[derive(Debug, Clone)]
pub struct Request {
    pub path: PathBuf,
    /// Import the valid faktur and report the others (`--skip-invalid`).
    pub skip_invalid: bool,
    /// Who imports (audit log).
    pub actor: String,
    pub lang: Lang,
}

#[derive(Debug, Clone)]
pub struct Imported {
    pub report: Report,
    /// *Batal* stopped it: nothing was written.
    pub cancelled: bool,
}

/// What a file holds, as far as choosing the import goes.
enum Kind {
    Xml,
    Sheet(xlsx::Sheet),
    Csv(Content),
}

enum Content {
    Faktur,
    Retur,
    Referensi(Referensi),
}

fn content(flag: &str) -> Content {
    match flag {
        "LT" => Content::Referensi(Referensi::LawanTransaksi),
        "OB" => Content::Referensi(Referensi::BarangJasa),
        f if is_retur_flag(f) => Content::Retur,
        _ => Content::Faktur,
    }
}

fn unreadable(lang: Lang, path: &Path, e: impl std::fmt::Display) -> Failure {
    Failure::new(
        None,
        i18n::t(lang, Key::ImporFileTidakTerbaca)
            .replace("{file}", &path.display().to_string())
            .replace("{error}", &e.to_string()),
        i18n::t(lang, Key::ImporPeriksaFile),
    )
}

fn open(lang: Lang, path: &Path) -> Result<(File, u64), Failure> {
    let file = File::open(path).map_err(|e| unreadable(lang, path, e))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok((file, len))
}

fn kind(lang: Lang, path: &Path) -> Result<Kind, Failure> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if ext.as_deref() == Some("xml") {
        return Ok(Kind::Xml);
    }
    if xlsx::is_xlsx(path) {
        let sheet = xlsx::read_first_sheet(path).map_err(|e| {
            let why = errors::said(lang, &e);
            Failure::new(None, why, i18n::t(lang, Key::ImporPeriksaFile))
        })?;
        return Ok(Kind::Sheet(sheet));
    }
    let (file, _) = open(lang, path)?;
    let mut head = Vec::with_capacity(8192);
    file.take(8192)
        .read_to_end(&mut head)
        .map_err(|e| unreadable(lang, path, e))?;
    Ok(Kind::Csv(content(&first_flag(&head))))
}

/// Imports `request.path` into the session's Local Database. Runs on a blocking thread.
pub fn import(
    db: &LocalDb,
    request: &Request,
    control: &Arc<Control>,
    step: &mut dyn FnMut(Step),
) -> Result<Imported, Failure> {
    let lang = request.lang;
    let path = request.path.as_path();
    let kind = kind(lang, path)?;
    let faktur_options = ImportOptions {
        csv: CsvOptions::default(),
        skip_invalid: request.skip_invalid,
        actor: request.actor.clone(),
        fail_after: None,
        control: Some(control.clone()),
    };
    let retur_options = ReturImportOptions {
        skip_invalid: request.skip_invalid,
        actor: request.actor.clone(),
    };
    let report = match kind {
        Kind::Xml => {
            let text = std::fs::read_to_string(path).map_err(|e| unreadable(lang, path, e))?;
            let len = text.len() as u64;
            step(Step {
                done: 0,
                total: len,
                faktur: 0,
            });
            let options = XmlImportOptions {
                actor: request.actor.clone(),
                allow_duplicates: false,
            };
            // Coretax files hold at most 1000 faktur: Batal counts before the transaction only.
            if control.is_cancelled() {
                return Ok(cancelled());
            }
            db.with(|store| import_xml_with(&text, store, &options))?
        }
        Kind::Sheet(sheet) => {
            let total = sheet.rows.len() as u64;
            let flag = sheet
                .rows
                .first()
                .and_then(|(_, cells)| cells.first())
                .map(|f| f.trim().to_ascii_uppercase())
                .unwrap_or_default();
            match content(&flag) {
                Content::Faktur => {
                    let reader = CsvReader::<std::io::Empty>::from_rows(sheet.rows);
                    db.with(|store| {
                        import_reader(reader, store, &faktur_options, &mut |pos| {
                            step(Step {
                                done: pos,
                                total,
                                faktur: control.faktur(),
                            })
                        })
                    })?
                }
                Content::Retur => {
                    if control.is_cancelled() {
                        return Ok(cancelled());
                    }
                    let source = RowSource::<std::io::Empty>::Rows(sheet.rows.into_iter());
                    db.with(|store| import_retur(source, store, &retur_options))?
                }
                Content::Referensi(jenis) => {
                    if control.is_cancelled() {
                        return Ok(cancelled());
                    }
                    let source = RowSource::<std::io::Empty>::Rows(sheet.rows.into_iter());
                    db.with(|store| import_referensi(source, store, jenis, &request.actor))?
                }
            }
        }
        Kind::Csv(content) => {
            let (file, total) = open(lang, path)?;
            let mut bytes = |done| {
                step(Step {
                    done,
                    total,
                    faktur: control.faktur(),
                })
            };
            match content {
                Content::Faktur => db.with(|store| {
                    let reader = CsvReader::new(file, faktur_options.csv);
                    import_reader(reader, store, &faktur_options, &mut bytes)
                })?,
                Content::Retur => {
                    // A read error only ends the file: with skip_invalid the rows before it
                    // would be written, so Batal cannot stop that import half-way.
                    let watch = (!request.skip_invalid).then_some(control.as_ref());
                    let input = CancelRead::new(file, watch, &mut bytes);
                    db.with(|store| {
                        import_retur(RowSource::csv(input, None), store, &retur_options)
                    })?
                }
                Content::Referensi(jenis) => {
                    // Referensi imports write nothing when anything is wrong.
                    let input = CancelRead::new(file, Some(control.as_ref()), &mut bytes);
                    db.with(|store| {
                        import_referensi(RowSource::csv(input, None), store, jenis, &request.actor)
                    })?
                }
            }
        }
    };
    // A Batal that came after the commit changes nothing: what was written is reported.
    let cancelled = control.is_cancelled() && report.imported == 0 && report.lawan_transaksi == 0;
    Ok(Imported { report, cancelled })
}

fn cancelled() -> Imported {
    Imported {
        report: Report::new(efaktur::exchange::FileKind::PajakKeluaran),
        cancelled: true,
    }
}
