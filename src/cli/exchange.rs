//! `efaktur validate|import|export`: e-Faktur CSV and Coretax XML from the command line.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use efaktur::domain::{ApprovalStatus, Said};
use efaktur::exchange::coretax::{self, CoretaxOptions};
use efaktur::exchange::csv_read::CsvOptions;
use efaktur::exchange::csv_write;
use efaktur::exchange::output::Staged;
use efaktur::exchange::{
    FileKind, ImportOptions, Report, XmlImportOptions, import_csv, import_csv_files,
    import_xml_with, validate_csv,
};
use efaktur::paths::AppDirs;
use efaktur::store::faktur::Filter;
use efaktur::store::{Store, profile};

use super::progress::bar;
use super::{CliError, CliResult, choose_database};
use crate::ui::i18n::{self, Key, Lang, errors};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Delimiter {
    #[value(name = ",")]
    Comma,
    #[value(name = ";")]
    Semicolon,
}

impl Delimiter {
    pub(super) fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The e-Faktur CSV or Coretax XML file.
    pub file: PathBuf,
    /// The language of the report (from the settings, not an option).
    #[arg(skip)]
    pub lang: Lang,
    /// Also look for duplicates in this NPWP's Local Database (read only).
    #[arg(long)]
    pub npwp: Option<String>,
    /// Print one JSON object instead of lines.
    #[arg(long)]
    pub json: bool,
    /// Column separator (detected from the first line when omitted).
    #[arg(long, value_enum)]
    pub delimiter: Option<Delimiter>,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 every faktur imported; 1 a file has errors (listed line by line): \
nothing was imported, or with --skip-invalid the valid faktur were imported and the others \
listed; 2 usage or I/O problem, nothing imported."
)]
pub struct ImportArgs {
    /// The e-Faktur CSV (or Coretax XML) files. Several CSV files are imported in one
    /// transaction: all or nothing, unless --per-file.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The language of the report (from the settings, not an option).
    #[arg(skip)]
    pub lang: Lang,
    /// NPWP of the Local Database (may be omitted when there is only one).
    #[arg(long)]
    pub npwp: Option<String>,
    /// Import the valid faktur and report the others (default: nothing when anything is wrong).
    /// The exit status is still 1 when any faktur was refused.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Import each file in its own transaction with its own report (default: one transaction
    /// for all files).
    #[arg(long)]
    pub per_file: bool,
    /// Coretax XML: import faktur even when the same one (seller, RefDesc, date, buyer, amounts)
    /// is already in the Local Database (default: refused with ETAX-20002).
    #[arg(long)]
    pub allow_duplicates: bool,
    #[arg(long)]
    pub json: bool,
    #[arg(long, value_enum)]
    pub delimiter: Option<Delimiter>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    EfakturCsv,
    CoretaxXml,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum JenisArg {
    Keluaran,
    Masukan,
    /// RK rows (retur pajak keluaran).
    ReturKeluaran,
    /// RM rows (retur pajak masukan).
    ReturMasukan,
    /// DK rows (dokumen lain keluaran).
    DokumenLainKeluaran,
    /// DM rows (dokumen lain masukan).
    DokumenLainMasukan,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 written; 2 usage or I/O problem (also an existing output \
file without --force), nothing written; 3 no faktur in that masa, nothing written."
)]
pub struct ExportArgs {
    /// Masa pajak (1-12).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=12))]
    pub masa: u8,
    /// Tahun pajak.
    #[arg(long, value_parser = clap::value_parser!(u16).range(2000..=2099))]
    pub tahun: u16,
    #[arg(long, value_enum)]
    pub format: Format,
    /// Output file (CSV: standard output when omitted; XML: faktur-<npwp>-<tahun><masa>.xml;
    /// more than 1000 faktur: <stem>-1.xml, <stem>-2.xml, ...). Written completely or not at all.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace existing output files (and remove <stem>-<n>.xml parts of an earlier, larger
    /// export). Without it an existing file stops the export.
    #[arg(long)]
    pub force: bool,
    #[arg(long)]
    pub npwp: Option<String>,
    #[arg(long, value_enum, default_value = "keluaran")]
    pub jenis: JenisArg,
    /// Only faktur with this approval status: draft, siap_upload, dalam_proses, approval_sukses, reject.
    #[arg(long)]
    pub status: Option<String>,
    /// Coretax: A (barang) or B (jasa) for lines whose item has none in Referensi Barang/Jasa.
    #[arg(long, default_value = "A")]
    pub barang_jasa: String,
    /// Coretax: unit code (UM.0001..UM.0039) for lines whose item has none in Referensi Barang/Jasa.
    #[arg(long, default_value = "UM.0018")]
    pub satuan: String,
}

fn is_xml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}

pub(super) fn open_input(path: &Path) -> Result<(File, u64), CliError> {
    let file = File::open(path).map_err(|e| {
        let shown = path.display();
        Said::new(
            format!("ETAX-30006 : file {shown} tidak dapat dibuka: {e}"),
            format!(
                "ETAX-30006 : the file {shown} cannot be opened: {e}. Check the file's name and folder."
            ),
        )
    })?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok((file, len))
}

/// Why a file that was opened could not be read (ETAX-30007).
pub(super) fn unreadable(path: &Path, e: std::io::Error) -> CliError {
    let shown = path.display();
    Said::new(
        format!("ETAX-30007 : file {shown} tidak dapat dibaca: {e}"),
        format!(
            "ETAX-30007 : the file {shown} cannot be read: {e}. Check the file and its permissions."
        ),
    )
    .into()
}

/// A Local Database whose PKP profile is still empty.
pub(super) fn no_profile(npwp: &efaktur::domain::Npwp) -> Said {
    Said::new(
        format!("profil NPWP {npwp} belum diisi; isi dulu dengan efaktur profile add"),
        format!(
            "the profile of NPWP {npwp} is not filled in yet; fill it in first with efaktur profile add"
        ),
    )
}

/// A `--status` that names no approval status.
pub(super) fn unknown_status(s: &str) -> Said {
    Said::new(
        format!(
            "--status {s} tidak dikenal; pilih draft, siap_upload, dalam_proses, approval_sukses atau reject"
        ),
        format!(
            "--status {s} is not known; choose draft, siap_upload, dalam_proses, approval_sukses or reject"
        ),
    )
}

/// The progress bar's label of an import.
pub(super) fn importing(lang: Lang) -> &'static str {
    errors::pick(lang, ("Mengimpor", "Importing"))
}

/// The progress bar's label of an export.
pub(super) fn exporting(lang: Lang) -> &'static str {
    errors::pick(lang, ("Mengekspor", "Exporting"))
}

/// `written: FILE`, after an export.
pub(super) fn written(lang: Lang, file: &Path) -> String {
    format!(
        "{}: {}",
        errors::pick(lang, ("ditulis", "written")),
        file.display()
    )
}

/// Exit status of `export` when no faktur matched and nothing was written.
pub(super) const NOTHING_TO_EXPORT: u8 = 3;

/// Prints the report (lines or JSON) and picks the exit code.
pub(super) fn finish(
    lang: Lang,
    report: &Report,
    file: &Path,
    json: bool,
    imported: Option<u64>,
) -> ExitCode {
    finish_in(lang, report, file, json, imported, false)
}

/// [`finish`] for one of several files imported together; `others_failed`: this file was clean
/// but another one's errors rolled everything back.
fn finish_in(
    lang: Lang,
    report: &Report,
    file: &Path,
    json: bool,
    imported: Option<u64>,
    others_failed: bool,
) -> ExitCode {
    let shown = file.display().to_string();
    if json {
        let problems = |v: &[efaktur::exchange::Problem]| {
            v.iter()
                .map(|p| {
                    serde_json::json!({
                        "line": p.line,
                        "column": p.column,
                        "code": p.code.as_str(),
                        "message": p.message,
                        // The same detail in English, for scripts and people who read it.
                        "message_en": p.en,
                    })
                })
                .collect::<Vec<_>>()
        };
        let mut out = serde_json::json!({
            "kind": report.kind.key(),
            "faktur": report.faktur,
            "items": report.items,
            "errors": problems(&report.errors),
            // `errors` holds the first ones only; these count them all.
            "errors_total": report.errors.total(),
            "errors_omitted": report.errors.omitted(),
            "warnings": problems(&report.warnings),
            "warnings_omitted": report.warnings_omitted,
        });
        if let Some(n) = imported {
            out["imported"] = n.into();
            out["lawan_transaksi"] = report.lawan_transaksi.into();
            out["file"] = shown.clone().into();
        }
        println!("{out}");
    } else {
        let t = |k| i18n::t(lang, k);
        for p in &report.errors {
            println!("{}", errors::problem_line(lang, &shown, p));
        }
        if report.errors.omitted() > 0 {
            println!(
                "{shown}: {}",
                t(Key::CliMasalahLain).replace("{n}", &report.errors.omitted().to_string())
            );
        }
        // Warnings go to stderr, a screenful at most; --json carries them all.
        const SHOWN_WARNINGS: usize = 20;
        let warning = t(Key::CliPeringatan);
        for p in report.warnings.iter().take(SHOWN_WARNINGS) {
            eprintln!("{warning}: {}", errors::problem_line(lang, &shown, p));
        }
        let hidden =
            report.warnings.len().saturating_sub(SHOWN_WARNINGS) as u64 + report.warnings_omitted;
        if hidden > 0 {
            eprintln!(
                "{warning}: {}",
                t(Key::CliPeringatanLain).replace("{n}", &hidden.to_string())
            );
        }
        let (noun, summary) = match report.kind {
            FileKind::PajakKeluaran | FileKind::PajakMasukan | FileKind::CoretaxXml => (
                t(Key::CliFaktur),
                t(Key::CliRingkasanFaktur)
                    .replace("{items}", &report.items.to_string())
                    .replace("{errors}", &report.errors.total().to_string()),
            ),
            _ => (
                t(Key::CliDokumen),
                t(Key::CliRingkasanDokumen).replace("{errors}", &report.errors.total().to_string()),
            ),
        };
        let summary = format!(
            "{shown}: {}",
            i18n::counted(lang, summary.replace("{n}", &report.faktur.to_string()))
        );
        match imported {
            Some(0) if others_failed && report.is_clean() => {
                eprintln!("{summary}; {}", t(Key::CliTidakDiimporLain))
            }
            Some(n) if n == 0 && !report.is_clean() => {
                eprintln!(
                    "{summary}; {}",
                    t(Key::CliTidakDiimpor).replace("{noun}", noun)
                )
            }
            Some(n) => eprintln!(
                "{summary}; {}",
                t(Key::CliDiimpor)
                    .replace("{n}", &n.to_string())
                    .replace("{noun}", noun)
            ),
            None => eprintln!("{summary}"),
        }
    }
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

pub fn validate(args: ValidateArgs, dirs: &AppDirs) -> CliResult {
    if is_xml(&args.file) {
        let text = std::fs::read_to_string(&args.file).map_err(|e| unreadable(&args.file, e))?;
        let report = coretax::check(&text);
        return Ok(finish(args.lang, &report, &args.file, args.json, None));
    }
    if let Some(done) = super::retur::validate(&args, dirs) {
        return done;
    }
    let (file, len) = open_input(&args.file)?;
    let store = match args.npwp.as_deref() {
        Some(n) => {
            let (_, path) = choose_database(dirs, Some(n))?;
            Store::open_read_only(&path)
        }
        None => Store::open_in_memory(),
    }?;
    let options = ImportOptions {
        csv: CsvOptions {
            delimiter: args.delimiter.map(Delimiter::byte),
        },
        ..ImportOptions::default()
    };
    let pb = bar(
        len,
        true,
        args.json,
        errors::pick(args.lang, ("Memeriksa", "Checking")),
    );
    let report = validate_csv(file, store.conn(), &options, &mut |pos| {
        pb.set_position(pos)
    })?;
    pb.finish_and_clear();
    Ok(finish(args.lang, &report, &args.file, args.json, None))
}

pub fn import(args: ImportArgs, dirs: &AppDirs) -> CliResult {
    let (_, path) = choose_database(dirs, args.npwp.as_deref())?;
    let options = ImportOptions {
        csv: CsvOptions {
            delimiter: args.delimiter.map(Delimiter::byte),
        },
        skip_invalid: args.skip_invalid,
        actor: "cli".into(),
        fail_after: None,
        control: None,
    };
    let together = args.files.len() > 1 && !args.per_file;
    if together {
        for f in &args.files {
            if is_xml(f) || super::retur::is_own_kind(f)? {
                let shown = f.display();
                return Err(Said::new(
                    format!(
                        "{shown}: Coretax XML, .xlsx dan file retur/dokumen lain diimpor per file; pakai --per-file, atau impor file itu tersendiri"
                    ),
                    format!(
                        "{shown}: Coretax XML, .xlsx and return/other-document files are imported one file at a time; use --per-file, or import that file on its own"
                    ),
                )
                .into());
            }
        }
    }
    // Every file is opened before anything is imported: a typo in the last name costs nothing.
    let mut inputs = Vec::with_capacity(args.files.len());
    for f in &args.files {
        inputs.push(if is_xml(f) {
            None
        } else {
            Some(open_input(f)?)
        });
    }
    let mut store = Store::open(&path)?;
    if together {
        let (files, lens): (Vec<File>, Vec<u64>) = inputs.into_iter().flatten().unzip();
        let total = lens.iter().sum();
        let pb = bar(total, true, args.json, importing(args.lang));
        let reports = import_csv_files(files, &mut store, &options, &mut |i, pos| {
            pb.set_position(lens[..i].iter().sum::<u64>() + pos)
        })?;
        pb.finish_and_clear();
        let rolled_back = reports.iter().any(|r| !r.is_clean()) && !args.skip_invalid;
        let mut code = ExitCode::SUCCESS;
        for (report, file) in reports.iter().zip(&args.files) {
            let c = finish_in(
                args.lang,
                report,
                file,
                args.json,
                Some(report.imported),
                rolled_back,
            );
            if c != ExitCode::SUCCESS {
                code = c;
            }
        }
        return Ok(code);
    }
    let mut code = ExitCode::SUCCESS;
    for (file, input) in args.files.iter().zip(inputs) {
        let c = match input {
            None => import_xml_file(file, &mut store, &args)?,
            Some(_) if super::retur::is_own_kind(file)? => {
                super::retur::import(&args, file, &mut store)?
            }
            Some((input, len)) => {
                let pb = bar(len, true, args.json, importing(args.lang));
                let report =
                    import_csv(input, &mut store, &options, &mut |pos| pb.set_position(pos))?;
                pb.finish_and_clear();
                finish(args.lang, &report, file, args.json, Some(report.imported))
            }
        };
        if c != ExitCode::SUCCESS {
            code = c;
        }
    }
    Ok(code)
}

fn import_xml_file(file: &Path, store: &mut Store, args: &ImportArgs) -> CliResult {
    let text = std::fs::read_to_string(file).map_err(|e| unreadable(file, e))?;
    let options = XmlImportOptions {
        actor: "cli".into(),
        allow_duplicates: args.allow_duplicates,
    };
    let report = import_xml_with(&text, store, &options)?;
    Ok(finish(
        args.lang,
        &report,
        file,
        args.json,
        Some(report.imported),
    ))
}

pub fn export(args: ExportArgs, dirs: &AppDirs) -> CliResult {
    let lang = super::language(dirs);
    let (npwp, path) = choose_database(dirs, args.npwp.as_deref())?;
    let store = Store::open_read_only(&path)?;
    let seller = profile::get(store.conn())?.ok_or_else(|| no_profile(&npwp))?;
    let approval = match args.status.as_deref() {
        None => None,
        Some(s) => Some(ApprovalStatus::from_key(s).ok_or_else(|| unknown_status(s))?),
    };
    let filter = Filter {
        masukan: Some(matches!(args.jenis, JenisArg::Masukan)),
        masa: Some(args.masa),
        tahun: Some(args.tahun),
        approval,
    };
    if let Some(kind) = super::retur::export_kind(args.jenis) {
        return super::retur::export(&args, lang, kind, &store, filter);
    }
    let pb = bar(0, false, false, exporting(lang));
    let mut tick = |n: u64| pb.set_position(n);
    let nothing = || -> CliResult {
        pb.finish_and_clear();
        let (masa, tahun) = (args.masa, args.tahun);
        // Retur and dokumen lain were exported above.
        let masukan = matches!(args.jenis, JenisArg::Masukan);
        let (jenis, jenis_en) = if masukan {
            ("masukan", "input")
        } else {
            ("keluaran", "output")
        };
        let (status, status_en) = if args.status.is_some() {
            (" dengan status itu", " with that status")
        } else {
            ("", "")
        };
        let said = Said::new(
            format!(
                "tidak ada faktur {jenis} untuk masa {masa}/{tahun}{status}; tidak ada file yang ditulis"
            ),
            format!(
                "no {jenis_en} tax invoice for the period {masa}/{tahun}{status_en}; no file was written"
            ),
        );
        eprintln!("{}", errors::said(lang, &said));
        Ok(ExitCode::from(NOTHING_TO_EXPORT))
    };
    match args.format {
        Format::EfakturCsv => {
            let mut write = |out: &mut dyn Write| {
                let out = BufWriter::new(out);
                match args.jenis {
                    JenisArg::Masukan => {
                        csv_write::write_masukan(out, store.conn(), filter, &mut tick)
                    }
                    // Retur and dokumen lain were exported above.
                    _ => csv_write::write_keluaran(out, store.conn(), filter, &seller, &mut tick),
                }
            };
            let summary = match &args.out {
                Some(p) => {
                    efaktur::exchange::output::refuse_existing(p, args.force)?;
                    let mut staged = Staged::new(p)?;
                    let summary = write(staged.file())?;
                    if summary.faktur > 0 {
                        staged.commit(args.force)?;
                    }
                    summary
                }
                // The CSV writers write nothing at all when nothing matches.
                None => write(&mut std::io::stdout().lock())?,
            };
            if summary.faktur == 0 {
                return nothing();
            }
            pb.finish_and_clear();
            let (n, items, skipped) = (summary.faktur, summary.items, summary.skipped);
            let mut said = Said::new(
                format!("{n} faktur, {items} baris OF diekspor"),
                format!("{n} invoices, {items} OF lines exported"),
            );
            if skipped > 0 {
                said.id += &format!("; {skipped} faktur Batal tidak diekspor");
                said.en += &format!("; {skipped} cancelled (Batal) invoices not exported");
            }
            let mut text = i18n::counted(lang, errors::said(lang, &said).to_string());
            if let Some(p) = &args.out {
                text += &format!("\n{}", written(lang, p));
            }
            eprintln!("{text}");
        }
        Format::CoretaxXml => {
            if matches!(args.jenis, JenisArg::Masukan) {
                return Err(Said::new(
                    "Coretax XML hanya untuk faktur keluaran; pakai --format efaktur-csv untuk masukan",
                    "Coretax XML is for output tax invoices only; use --format efaktur-csv for input tax invoices",
                )
                .into());
            }
            let out = args.out.clone().unwrap_or_else(|| {
                PathBuf::from(format!(
                    "faktur-{}-{}{:02}.xml",
                    npwp.digits(),
                    args.tahun,
                    args.masa
                ))
            });
            let options = CoretaxOptions {
                opt: args.barang_jasa.clone(),
                unit: args.satuan.clone(),
                ..CoretaxOptions::default()
            };
            options.check().map_err(|e| {
                Said::new(
                    format!("--barang-jasa/--satuan: {}", e.id),
                    format!("--barang-jasa/--satuan: {}", e.en),
                )
            })?;
            let written = coretax::write_files_to(
                store.conn(),
                filter,
                &seller,
                &options,
                &out,
                args.force,
                &mut tick,
            )?;
            if written.files.is_empty() {
                return nothing();
            }
            pb.finish_and_clear();
            for f in &written.files {
                eprintln!("{}", self::written(lang, f));
            }
            let removed = (
                "dihapus (sisa ekspor sebelumnya)",
                "deleted (left from an earlier export)",
            );
            for f in &written.removed {
                eprintln!("{}: {}", errors::pick(lang, removed), f.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
