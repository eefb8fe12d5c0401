//! The parts of `efaktur validate|import|export` for files other than a faktur CSV: retur (RK/RM)
//! and dokumen lain (DK/DM) files, recognised by the flag of their first row, and `.xlsx`
//! spreadsheets (faktur or retur rows, read through the same checks as the CSV).

use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use efaktur::domain::Said;
use efaktur::exchange::csv_read::{CsvOptions, CsvReader};
use efaktur::exchange::output::{self, Staged};
use efaktur::exchange::retur::{
    ReturExport, ReturImportOptions, import_retur, is_retur_flag, validate_retur,
};
use efaktur::exchange::rows::{RowSource, first_flag};
use efaktur::exchange::xlsx::{self, Sheet};
use efaktur::exchange::{ImportOptions, Report, import_reader, validate_reader};
use efaktur::paths::AppDirs;
use efaktur::store::Store;
use efaktur::store::faktur::Filter;

use super::exchange::{ExportArgs, Format, ImportArgs, JenisArg, ValidateArgs, finish, open_input};
use super::progress::bar;
use super::{CliError, CliResult, choose_database};
use crate::ui::i18n::{self, Lang, errors};

/// What a file holds, as far as routing goes.
enum Input {
    /// A CSV file of retur or dokumen lain rows.
    ReturCsv,
    /// A spreadsheet; `retur` when its first row is a retur or dokumen lain row.
    Sheet { sheet: Sheet, retur: bool },
}

/// Looks at the file: `None` for a faktur CSV (handled by the caller as before).
fn classify(path: &Path) -> Result<Option<Input>, CliError> {
    if xlsx::is_xlsx(path) {
        let sheet = xlsx::read_first_sheet(path)?;
        let retur = sheet
            .rows
            .first()
            .and_then(|(_, cells)| cells.first())
            .is_some_and(|flag| is_retur_flag(&flag.trim().to_ascii_uppercase()));
        return Ok(Some(Input::Sheet { sheet, retur }));
    }
    Ok(is_own_kind(path)?.then_some(Input::ReturCsv))
}

/// How problems name the file: `FILE` for CSV, `FILE[SHEET]` for a spreadsheet.
fn shown(path: &Path, sheet: Option<&Sheet>) -> std::path::PathBuf {
    match sheet {
        Some(s) => format!("{}[{}]", path.display(), s.name).into(),
        None => path.to_path_buf(),
    }
}

/// `efaktur validate` for retur/dokumen lain files and spreadsheets; `None` for a faktur CSV.
pub fn validate(args: &ValidateArgs, dirs: &AppDirs) -> Option<CliResult> {
    let input = match classify(&args.file) {
        Ok(Some(i)) => i,
        Ok(None) => return None,
        Err(e) => return Some(Err(e)),
    };
    Some(validate_input(args, dirs, input))
}

fn validate_input(args: &ValidateArgs, dirs: &AppDirs, input: Input) -> CliResult {
    let database = match args.npwp.as_deref() {
        Some(n) => {
            let (_, path) = choose_database(dirs, Some(n))?;
            Some(Store::open_read_only(&path)?)
        }
        None => None,
    };
    let delimiter = args.delimiter.map(super::exchange::Delimiter::byte);
    let (report, file) = match input {
        Input::ReturCsv => {
            let (file, _) = open_input(&args.file)?;
            let report = validate_retur(
                RowSource::csv(file, delimiter),
                database.as_ref().map(Store::conn),
            );
            (report, args.file.clone())
        }
        Input::Sheet { sheet, retur } => {
            let file = shown(&args.file, Some(&sheet));
            let report = if retur {
                validate_retur(
                    RowSource::<std::io::Empty>::Rows(sheet.rows.into_iter()),
                    database.as_ref().map(Store::conn),
                )
            } else {
                let empty;
                let conn = match &database {
                    Some(s) => s.conn(),
                    None => {
                        empty = Store::open_in_memory()?;
                        empty.conn()
                    }
                };
                validate_reader(
                    CsvReader::<std::io::Empty>::from_rows(sheet.rows),
                    conn,
                    &ImportOptions::default(),
                    &mut |_| {},
                )
            };
            (report, file)
        }
    };
    let report = report?;
    Ok(finish(args.lang, &report, &file, args.json, None))
}

/// Whether `path` is a file this module imports (a spreadsheet, or retur/dokumen lain rows)
/// rather than a faktur CSV. Looks at the name and the first row only.
pub fn is_own_kind(path: &Path) -> Result<bool, CliError> {
    if xlsx::is_xlsx(path) {
        return Ok(true);
    }
    let (file, _) = open_input(path)?;
    let mut head = Vec::with_capacity(8192);
    file.take(8192)
        .read_to_end(&mut head)
        .map_err(|e| super::exchange::unreadable(path, e))?;
    Ok(is_retur_flag(&first_flag(&head)))
}

/// `efaktur import` of one retur/dokumen lain file or spreadsheet ([`is_own_kind`]) into `store`.
pub fn import(args: &ImportArgs, file: &Path, store: &mut Store) -> CliResult {
    match classify(file)? {
        Some(input) => import_input(args, file, store, input),
        None => {
            let shown = file.display();
            Err(Said::new(
                format!("{shown}: bukan file retur, dokumen lain atau .xlsx"),
                format!("{shown}: not a return, other-document or .xlsx file"),
            )
            .into())
        }
    }
}

fn import_input(args: &ImportArgs, path: &Path, store: &mut Store, input: Input) -> CliResult {
    let retur_options = ReturImportOptions {
        skip_invalid: args.skip_invalid,
        actor: "cli".into(),
    };
    let (report, file): (Result<Report, _>, _) = match input {
        Input::ReturCsv => {
            let (file, _) = open_input(path)?;
            let delimiter = args.delimiter.map(super::exchange::Delimiter::byte);
            let source = RowSource::csv(file, delimiter);
            (
                import_retur(source, store, &retur_options),
                path.to_path_buf(),
            )
        }
        Input::Sheet { sheet, retur: true } => {
            let file = shown(path, Some(&sheet));
            let source = RowSource::<std::io::Empty>::Rows(sheet.rows.into_iter());
            (import_retur(source, store, &retur_options), file)
        }
        Input::Sheet {
            sheet,
            retur: false,
        } => {
            let file = shown(path, Some(&sheet));
            let options = ImportOptions {
                csv: CsvOptions::default(),
                skip_invalid: args.skip_invalid,
                actor: "cli".into(),
                fail_after: None,
                control: None,
            };
            let label = super::exchange::importing(args.lang);
            let pb = bar(sheet.rows.len() as u64, false, args.json, label);
            let reader = CsvReader::<std::io::Empty>::from_rows(sheet.rows);
            let report = import_reader(reader, store, &options, &mut |pos| pb.set_position(pos));
            pb.finish_and_clear();
            (report, file)
        }
    };
    let report = report?;
    Ok(finish(
        args.lang,
        &report,
        &file,
        args.json,
        Some(report.imported),
    ))
}

/// The retur or dokumen lain kind an `--jenis` names, if it names one.
pub fn export_kind(jenis: JenisArg) -> Option<ReturExport> {
    match jenis {
        JenisArg::Keluaran | JenisArg::Masukan => None,
        JenisArg::ReturKeluaran => Some(ReturExport::ReturKeluaran),
        JenisArg::ReturMasukan => Some(ReturExport::ReturMasukan),
        JenisArg::DokumenLainKeluaran => Some(ReturExport::DokumenLainKeluaran),
        JenisArg::DokumenLainMasukan => Some(ReturExport::DokumenLainMasukan),
    }
}

/// `efaktur export --format efaktur-csv --jenis retur-keluaran|...`: one kind per file, as DJP's
/// import takes them.
pub fn export(
    args: &ExportArgs,
    lang: Lang,
    kind: ReturExport,
    store: &Store,
    filter: Filter,
) -> CliResult {
    if matches!(args.format, Format::CoretaxXml) {
        return Err(Said::new(
            "Coretax XML hanya untuk faktur keluaran; retur dan dokumen lain diekspor dengan --format efaktur-csv",
            "Coretax XML is for output tax invoices only; returns and other documents are exported with --format efaktur-csv",
        )
        .into());
    }
    let pb = bar(0, false, false, super::exchange::exporting(lang));
    let write = |out: &mut dyn Write| {
        efaktur::exchange::retur::write_retur(
            BufWriter::new(out),
            store.conn(),
            kind,
            filter,
            &mut |n| pb.set_position(n),
        )
    };
    let summary = match &args.out {
        Some(p) => {
            output::refuse_existing(p, args.force)?;
            let mut staged = Staged::new(p)?;
            let summary = write(staged.file())?;
            if summary.faktur > 0 {
                staged.commit(args.force)?;
            }
            summary
        }
        None => write(&mut std::io::stdout().lock())?,
    };
    pb.finish_and_clear();
    let (masa, tahun, n) = (args.masa, args.tahun, summary.faktur);
    if n == 0 {
        let said = Said::new(
            format!("tidak ada dokumen untuk masa {masa}/{tahun}; tidak ada file yang ditulis"),
            format!("no document for the period {masa}/{tahun}; no file was written"),
        );
        eprintln!("{}", errors::said(lang, &said));
        return Ok(ExitCode::from(super::exchange::NOTHING_TO_EXPORT));
    }
    let said = Said::new(
        format!("{n} dokumen diekspor"),
        format!("{n} documents exported"),
    );
    eprintln!(
        "{}",
        i18n::counted(lang, errors::said(lang, &said).to_string())
    );
    Ok(ExitCode::SUCCESS)
}
