//! What Faktur > Ekspor runs off the UI thread: the CLI's writers (e-Faktur CSV, Coretax XML,
//! and `exchange::retur::write_retur` for retur and dokumen lain) with its refusals: an existing file is replaced only when the user confirmed, and nothing is
//! written when no faktur matches.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use efaktur::domain::ApprovalStatus;
use efaktur::exchange::control::Control;
use efaktur::exchange::coretax::{self, CoretaxOptions};
use efaktur::exchange::csv_write::{self, ExportError};
use efaktur::exchange::output::{Staged, refuse_existing};
use efaktur::exchange::retur::{ReturExport, write_retur};
use efaktur::store::faktur::Filter;
use efaktur::store::{Store, profile};

use super::job::{CancelWrite, Step};
use crate::ui::ctx::LocalDb;
use crate::ui::i18n::{self, Key, Lang, errors};
use crate::ui::service::Failure;

/// Faktur between two progress steps of an export.
const STEP_EVERY: u64 = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    EfakturCsv,
    CoretaxXml,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::EfakturCsv => "csv",
            Format::CoretaxXml => "xml",
        }
    }
}

/// What is exported: faktur, or one of the other documents in DJP's CSV shapes (domain §7.4,
/// §7.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DocKind {
    #[default]
    Faktur,
    Retur,
    DokumenLain,
}

impl DocKind {
    /// The kind the CLI's `--jenis retur-…|dokumen-lain-…` names; `None` for faktur.
    pub fn retur_export(self, masukan: bool) -> Option<ReturExport> {
        match (self, masukan) {
            (DocKind::Faktur, _) => None,
            (DocKind::Retur, false) => Some(ReturExport::ReturKeluaran),
            (DocKind::Retur, true) => Some(ReturExport::ReturMasukan),
            (DocKind::DokumenLain, false) => Some(ReturExport::DokumenLainKeluaran),
            (DocKind::DokumenLain, true) => Some(ReturExport::DokumenLainMasukan),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Request {
    pub dokumen: DocKind,
    pub masa: u8,
    pub tahun: u16,
    pub masukan: bool,
    pub status: Option<ApprovalStatus>,
    pub format: Format,
    pub path: PathBuf,
    /// The user confirmed replacing existing files.
    pub force: bool,
    pub lang: Lang,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exported {
    Written {
        files: Vec<PathBuf>,
        faktur: u64,
        /// Faktur Batal left out of a CSV export.
        skipped: u64,
        /// Parts of an earlier, larger Coretax export removed (only after confirming).
        removed: Vec<PathBuf>,
    },
    /// No faktur matched: no file written.
    Nothing,
    /// The file exists: nothing written; ask before replacing it.
    Exists(PathBuf),
    /// *Batal*: no file written.
    Cancelled,
}

pub fn export(
    db: &LocalDb,
    request: &Request,
    control: &Control,
    step: &mut dyn FnMut(Step),
) -> Result<Exported, Failure> {
    let lang = request.lang;
    let coretax_ok = !request.masukan && request.dokumen == DocKind::Faktur;
    if request.format == Format::CoretaxXml && !coretax_ok {
        return Err(Failure::new(
            None,
            i18n::t(lang, Key::CoretaxHanyaKeluaran),
            "",
        ));
    }
    let outcome = db.with(|store| Ok(write(store, request, control, step)))?;
    match outcome {
        Ok(e) => Ok(e),
        Err(_) if control.is_cancelled() => Ok(Exported::Cancelled),
        Err(ExportError::Exists(p)) => Ok(Exported::Exists(p)),
        Err(e) => Err(Failure::new(
            None,
            i18n::t(lang, Key::EksporGagal).replace("{error}", &errors::export(lang, &e)),
            i18n::t(lang, Key::PilihFileLain),
        )),
    }
}

fn write(
    store: &mut Store,
    request: &Request,
    control: &Control,
    step: &mut dyn FnMut(Step),
) -> Result<Exported, ExportError> {
    let conn = store.conn();
    let Some(seller) = profile::get(conn)? else {
        return Err(ExportError::Invalid(
            i18n::t(request.lang, Key::ProfilBelumAda).into(),
        ));
    };
    let filter = Filter {
        masukan: Some(request.masukan),
        masa: Some(request.masa),
        tahun: Some(request.tahun),
        approval: request.status,
    };
    // The writers count every faktur; the window needs a step now and then, not a million.
    let mut tick = |n: u64| {
        if n == 1 || n.is_multiple_of(STEP_EVERY) {
            step(Step {
                done: n,
                total: 0,
                faktur: n,
            })
        }
    };
    let path = request.path.as_path();
    if let Some(kind) = request.dokumen.retur_export(request.masukan) {
        return write_other(conn, kind, filter, request, control, &mut tick);
    }
    match request.format {
        Format::EfakturCsv => staged_csv(request, control, |out| {
            if request.masukan {
                csv_write::write_masukan(out, conn, filter, &mut tick)
            } else {
                csv_write::write_keluaran(out, conn, filter, &seller, &mut tick)
            }
        }),
        Format::CoretaxXml => {
            // Coretax files are written whole at the end: Batal counts before that only.
            if control.is_cancelled() {
                return Ok(Exported::Cancelled);
            }
            let mut faktur = 0;
            let written = coretax::write_files_to(
                conn,
                filter,
                &seller,
                &CoretaxOptions::default(),
                path,
                request.force,
                &mut |n| {
                    faktur = n;
                    tick(n)
                },
            )?;
            if written.files.is_empty() {
                return Ok(Exported::Nothing);
            }
            Ok(Exported::Written {
                files: written.files,
                faktur,
                skipped: 0,
                removed: written.removed,
            })
        }
    }
}

/// Retur or dokumen lain of the masa to one CSV, as `efaktur export --jenis retur-…` writes it.
fn write_other(
    conn: &rusqlite::Connection,
    kind: ReturExport,
    filter: Filter,
    request: &Request,
    control: &Control,
    tick: &mut dyn FnMut(u64),
) -> Result<Exported, ExportError> {
    staged_csv(request, control, |out| {
        write_retur(out, conn, kind, filter, tick)
    })
}

/// One CSV file written by `write` into a staged file that takes the requested name only when
/// it is complete: nothing when *Batal* stopped it or it held nothing.
fn staged_csv(
    request: &Request,
    control: &Control,
    write: impl FnOnce(
        BufWriter<CancelWrite<'_, &mut std::fs::File>>,
    ) -> Result<csv_write::ExportSummary, ExportError>,
) -> Result<Exported, ExportError> {
    let path = request.path.as_path();
    refuse_existing(path, request.force)?;
    let mut staged = Staged::new(path)?;
    let summary = write(BufWriter::new(CancelWrite {
        inner: staged.file(),
        control,
    }))?;
    if control.is_cancelled() {
        return Ok(Exported::Cancelled);
    }
    if summary.faktur == 0 {
        // The staged file is dropped: nothing for nothing.
        return Ok(Exported::Nothing);
    }
    let file = staged.commit(request.force)?;
    Ok(Exported::Written {
        files: vec![file],
        faktur: summary.faktur,
        skipped: summary.skipped,
        removed: Vec::new(),
    })
}

/// `faktur-<npwp>-<tahun><masa>.<ext>` (`-masukan` for pajak masukan; `retur`, `dokumen-lain`
/// for those) in `folder`.
pub fn default_name(folder: &Path, npwp: &str, request: &Request) -> PathBuf {
    let jenis = if request.masukan { "-masukan" } else { "" };
    let dokumen = match request.dokumen {
        DocKind::Faktur => "faktur",
        DocKind::Retur => "retur",
        DocKind::DokumenLain => "dokumen-lain",
    };
    folder.join(format!(
        "{dokumen}{jenis}-{npwp}-{}{:02}.{}",
        request.tahun,
        request.masa,
        request.format.extension()
    ))
}
