//! Printing a selection of faktur from the Local Database: one PDF per faktur into a folder
//! (named by nomor), or all of them in one PDF. Files are written beside their target and renamed
//! into place when complete ([`crate::exchange::output::Staged`]); an existing file is replaced
//! only with `force`.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::merge::{MergeError, MergedPdf};
use super::{PrintError, PrintOptions, faktur_pdf, file_name};
use crate::domain::{DjpCode, NomorFaktur, Nsfp};
use crate::exchange::csv_write::ExportError;
use crate::exchange::output::Staged;
use crate::store::StoreError;
use crate::store::faktur::{self, Filter, StoredFaktur};
use crate::store::profile::Profile;

/// Which faktur to print.
#[derive(Debug, Clone)]
pub enum Selection {
    /// One number: `010.008-22.04067870`, its 16 digits, or the 13-digit NSFP (then every
    /// faktur with that NSFP: e.g. a cancelled one and its pengganti).
    Nomor { masukan: bool, nomor: String },
    /// A masa and/or a status approval.
    Filter(Filter),
    /// Exactly these faktur, in this order (the window's selection).
    Ids(Vec<i64>),
}

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Pdf(#[from] PrintError),
    #[error("{path}: {source}; periksa izin folder dan sisa ruang disk")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "file {} sudah ada dan tidak ditimpa; pakai --force untuk menimpanya atau pilih tujuan lain",
        .0.display()
    )]
    Exists(PathBuf),
    #[error("{0}")]
    Nomor(String),
}

impl BatchError {
    fn io(path: &Path, source: std::io::Error) -> BatchError {
        BatchError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    fn export(path: &Path, e: ExportError) -> BatchError {
        match e {
            ExportError::Exists(p) => BatchError::Exists(p),
            ExportError::Io(io) => BatchError::io(path, io),
            ExportError::Store(s) => BatchError::Store(s),
            ExportError::Invalid(m) => BatchError::Nomor(m),
            ExportError::Refused(s) => BatchError::Nomor(s.id),
        }
    }

    fn merge(path: &Path, e: MergeError) -> BatchError {
        match e {
            MergeError::Io(io) => BatchError::io(path, io),
            MergeError::Pdf(p) => BatchError::Pdf(p),
        }
    }
}

/// What was printed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Printed {
    pub faktur: usize,
    /// Files written (one per faktur, or the one merged file).
    pub files: Vec<PathBuf>,
    /// Files that already existed and were kept (no `force`): their faktur were not printed.
    pub kept: Vec<PathBuf>,
}

/// Calls `each` with every selected faktur, items included, in date and number order.
fn select(
    conn: &Connection,
    sel: &Selection,
    mut each: impl FnMut(StoredFaktur) -> Result<(), BatchError>,
) -> Result<(), BatchError> {
    match sel {
        Selection::Nomor { masukan, nomor } => {
            let (nsfp, full) = match NomorFaktur::parse(nomor) {
                Ok(n) => (n.nsfp, Some(n)),
                Err(_) => (
                    Nsfp::parse(nomor).map_err(|e| {
                        BatchError::Nomor(format!(
                            "nomor faktur '{nomor}' tidak sah ({e}); tulis 010.008-22.04067870, 16 digit, atau NSFP 13 digit"
                        ))
                    })?,
                    None,
                ),
            };
            let mut found = false;
            for id in faktur::ids_by_nsfp(conn, *masukan, nsfp)? {
                if let Some(f) = faktur::get(conn, id)?
                    && full.is_none_or(|n| f.faktur.nomor() == n)
                {
                    found = true;
                    each(f)?;
                }
            }
            if !found {
                return Err(BatchError::Nomor(format!(
                    "faktur {} nomor {nomor} tidak ada di Local Database; periksa nomornya (efaktur export menampilkan faktur yang ada)",
                    if *masukan { "masukan" } else { "keluaran" }
                )));
            }
            Ok(())
        }
        Selection::Ids(ids) => {
            for &id in ids {
                match faktur::get(conn, id)? {
                    Some(f) => each(f)?,
                    None => {
                        return Err(BatchError::Nomor(format!(
                            "faktur {id} sudah tidak ada di Local Database; muat ulang daftarnya"
                        )));
                    }
                }
            }
            Ok(())
        }
        Selection::Filter(filter) => {
            // for_each speaks StoreError: an error of ours stops it and is given back afterwards.
            let mut failed = None;
            let r = faktur::for_each(conn, *filter, |f| {
                each(f).map_err(|e| {
                    failed = Some(e);
                    StoreError::rule(DjpCode::Etax10001, "cetak dihentikan")
                })
            });
            match (failed, r) {
                (Some(e), _) => Err(e),
                (None, r) => Ok(r?),
            }
        }
    }
}

/// One PDF per faktur into `dir` (created when missing), named [`file_name`]; `tick` gets the
/// count printed so far. A faktur whose file exists is skipped unless `force` (see [`Printed::kept`]).
pub fn to_folder(
    conn: &Connection,
    sel: &Selection,
    seller: &Profile,
    opts: &PrintOptions,
    dir: &Path,
    force: bool,
    mut tick: impl FnMut(usize),
) -> Result<Printed, BatchError> {
    std::fs::create_dir_all(dir).map_err(|e| BatchError::io(dir, e))?;
    let mut out = Printed::default();
    let mut names = HashSet::new();
    select(conn, sel, |f| {
        // Two faktur of one run with the same nomor (masukan of two sellers) get -2, -3, ...
        let base = file_name(&f.faktur);
        let mut name = base.clone();
        let mut n = 1;
        while !names.insert(name.clone()) {
            n += 1;
            name = format!("{}-{n}.pdf", base.trim_end_matches(".pdf"));
        }
        let target = dir.join(name);
        if !force && target.exists() {
            out.kept.push(target);
            return Ok(());
        }
        let pdf = faktur_pdf(&f, seller, opts)?;
        let mut staged = Staged::new(&target).map_err(|e| BatchError::export(&target, e))?;
        staged
            .file()
            .write_all(&pdf)
            .map_err(|e| BatchError::io(&target, e))?;
        match staged.commit(force) {
            Ok(p) => out.files.push(p),
            // Created meanwhile by someone else: kept, as above.
            Err(ExportError::Exists(p)) => {
                out.kept.push(p);
                return Ok(());
            }
            Err(e) => return Err(BatchError::export(&target, e)),
        }
        out.faktur += 1;
        tick(out.faktur);
        Ok(())
    })?;
    Ok(out)
}

/// All selected faktur in one PDF at `file`, written as it is drawn ([`MergedPdf`]): memory stays
/// flat in the count. Nothing is written when nothing is selected.
pub fn merged(
    conn: &Connection,
    sel: &Selection,
    seller: &Profile,
    opts: &PrintOptions,
    file: &Path,
    force: bool,
    mut tick: impl FnMut(usize),
) -> Result<Printed, BatchError> {
    if !force && file.exists() {
        return Err(BatchError::Exists(file.to_path_buf()));
    }
    // Begun at the first faktur; dropped unfinished (an error), the temporary file goes with it.
    let mut out: Option<(Staged, MergedPdf<BufWriter<File>>)> = None;
    select(conn, sel, |f| {
        let pdf = match &mut out {
            Some((_, pdf)) => pdf,
            None => {
                let mut staged = Staged::new(file).map_err(|e| BatchError::export(file, e))?;
                let handle = staged
                    .file()
                    .try_clone()
                    .map_err(|e| BatchError::io(file, e))?;
                let pdf = MergedPdf::new(BufWriter::new(handle))
                    .map_err(|e| BatchError::merge(file, e))?;
                &mut out.insert((staged, pdf)).1
            }
        };
        pdf.add(&f, seller, opts)
            .map_err(|e| BatchError::merge(file, e))?;
        tick(pdf.faktur());
        Ok(())
    })?;
    let Some((staged, pdf)) = out else {
        return Ok(Printed::default());
    };
    let faktur = pdf.faktur();
    let written = pdf.finish().map_err(|e| BatchError::merge(file, e))?;
    written
        .into_inner()
        .map_err(|e| BatchError::io(file, e.into_error()))?;
    Ok(Printed {
        faktur,
        files: vec![
            staged
                .commit(force)
                .map_err(|e| BatchError::export(file, e))?,
        ],
        kept: Vec::new(),
    })
}
