//! `efaktur validate|import|export`: e-Faktur CSV and Coretax XML from the command line.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use efaktur::domain::ApprovalStatus;
use efaktur::exchange::coretax::{self, CoretaxOptions};
use efaktur::exchange::csv_read::CsvOptions;
use efaktur::exchange::csv_write;
use efaktur::exchange::{ImportOptions, Report, import_csv, import_xml, validate_csv};
use efaktur::paths::AppDirs;
use efaktur::store::faktur::Filter;
use efaktur::store::{Store, profile};

use super::progress::bar;
use super::{CliResult, choose_database};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Delimiter {
    #[value(name = ",")]
    Comma,
    #[value(name = ";")]
    Semicolon,
}

impl Delimiter {
    fn byte(self) -> u8 {
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
pub struct ImportArgs {
    /// The e-Faktur CSV file.
    pub file: PathBuf,
    /// NPWP of the Local Database (may be omitted when there is only one).
    #[arg(long)]
    pub npwp: Option<String>,
    /// Import the valid faktur and report the others (default: nothing when anything is wrong).
    #[arg(long)]
    pub skip_invalid: bool,
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
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Masa pajak (1-12).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=12))]
    pub masa: u8,
    /// Tahun pajak.
    #[arg(long, value_parser = clap::value_parser!(u16).range(2000..=2099))]
    pub tahun: u16,
    #[arg(long, value_enum)]
    pub format: Format,
    /// Output file (CSV: standard output when omitted; XML: faktur-<npwp>-<tahun><masa>.xml).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long)]
    pub npwp: Option<String>,
    #[arg(long, value_enum, default_value = "keluaran")]
    pub jenis: JenisArg,
    /// Only faktur with this approval status: draft, siap_upload, dalam_proses, approval_sukses, reject.
    #[arg(long)]
    pub status: Option<String>,
    /// Coretax: A (barang) or B (jasa) for every line.
    #[arg(long, default_value = "A")]
    pub barang_jasa: String,
    /// Coretax: unit code (UM.0001..UM.0039) for every line.
    #[arg(long, default_value = "UM.0018")]
    pub satuan: String,
}

fn is_xml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}

fn open_input(path: &Path) -> Result<(File, u64), String> {
    let file = File::open(path).map_err(|e| {
        format!(
            "ETAX-30006 : file {} tidak dapat dibuka: {e}",
            path.display()
        )
    })?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok((file, len))
}

/// Prints the report (lines or JSON) and picks the exit code.
fn finish(report: &Report, file: &Path, json: bool, imported: Option<u64>) -> ExitCode {
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
        }
        println!("{out}");
    } else {
        for p in &report.errors {
            println!("{}", p.display_in(&shown));
        }
        if report.errors.omitted() > 0 {
            println!(
                "{shown}: ... dan {} masalah lainnya (tidak ditampilkan); perbaiki yang di atas lalu periksa lagi",
                report.errors.omitted()
            );
        }
        // Warnings go to stderr, a screenful at most; --json carries them all.
        const SHOWN_WARNINGS: usize = 20;
        for p in report.warnings.iter().take(SHOWN_WARNINGS) {
            eprintln!("peringatan: {}", p.display_in(&shown));
        }
        let hidden =
            report.warnings.len().saturating_sub(SHOWN_WARNINGS) as u64 + report.warnings_omitted;
        if hidden > 0 {
            eprintln!("peringatan: ... dan {hidden} peringatan lainnya");
        }
        let summary = format!(
            "{shown}: {} faktur, {} baris OF, {} kesalahan",
            report.faktur,
            report.items,
            report.errors.total()
        );
        match imported {
            Some(n) if n == 0 && !report.is_clean() => {
                eprintln!(
                    "{summary}; tidak ada yang diimpor. Perbaiki baris di atas, atau pakai --skip-invalid untuk mengimpor faktur yang benar saja."
                )
            }
            Some(n) => eprintln!("{summary}; {n} faktur diimpor"),
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
        let text = std::fs::read_to_string(&args.file).map_err(|e| {
            format!(
                "ETAX-30007 : file {} tidak dapat dibaca: {e}",
                args.file.display()
            )
        })?;
        let report = coretax::check(&text);
        return Ok(finish(&report, &args.file, args.json, None));
    }
    let (file, len) = open_input(&args.file)?;
    let store = match args.npwp.as_deref() {
        Some(n) => {
            let (_, path) = choose_database(dirs, Some(n))?;
            Store::open_read_only(&path)
        }
        None => Store::open_in_memory(),
    }
    .map_err(|e| e.to_string())?;
    let options = ImportOptions {
        csv: CsvOptions {
            delimiter: args.delimiter.map(Delimiter::byte),
        },
        ..ImportOptions::default()
    };
    let pb = bar(len, true, args.json, "Memeriksa");
    let report = validate_csv(file, store.conn(), &options, &mut |pos| {
        pb.set_position(pos)
    })
    .map_err(|e| e.to_string())?;
    pb.finish_and_clear();
    Ok(finish(&report, &args.file, args.json, None))
}

pub fn import(args: ImportArgs, dirs: &AppDirs) -> CliResult {
    if is_xml(&args.file) {
        let (_, path) = choose_database(dirs, args.npwp.as_deref())?;
        let text = std::fs::read_to_string(&args.file).map_err(|e| {
            format!(
                "ETAX-30007 : file {} tidak dapat dibaca: {e}",
                args.file.display()
            )
        })?;
        let mut store = Store::open(&path).map_err(|e| e.to_string())?;
        let report = import_xml(&text, &mut store, "cli").map_err(|e| e.to_string())?;
        return Ok(finish(
            &report,
            &args.file,
            args.json,
            Some(report.imported),
        ));
    }
    let (_, path) = choose_database(dirs, args.npwp.as_deref())?;
    let (file, len) = open_input(&args.file)?;
    let mut store = Store::open(&path).map_err(|e| e.to_string())?;
    let options = ImportOptions {
        csv: CsvOptions {
            delimiter: args.delimiter.map(Delimiter::byte),
        },
        skip_invalid: args.skip_invalid,
        actor: "cli".into(),
        fail_after: None,
    };
    let pb = bar(len, true, args.json, "Mengimpor");
    let report = import_csv(file, &mut store, &options, &mut |pos| pb.set_position(pos))
        .map_err(|e| e.to_string())?;
    pb.finish_and_clear();
    Ok(finish(
        &report,
        &args.file,
        args.json,
        Some(report.imported),
    ))
}

pub fn export(args: ExportArgs, dirs: &AppDirs) -> CliResult {
    let (npwp, path) = choose_database(dirs, args.npwp.as_deref())?;
    let store = Store::open_read_only(&path).map_err(|e| e.to_string())?;
    let seller = profile::get(store.conn())
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!("profil NPWP {npwp} belum diisi; isi dulu dengan efaktur profile add")
        })?;
    let approval = match args.status.as_deref() {
        None => None,
        Some(s) => Some(ApprovalStatus::from_key(s).ok_or_else(|| {
            format!("--status {s} tidak dikenal; pilih draft, siap_upload, dalam_proses, approval_sukses atau reject")
        })?),
    };
    let filter = Filter {
        masukan: Some(matches!(args.jenis, JenisArg::Masukan)),
        masa: Some(args.masa),
        tahun: Some(args.tahun),
        approval,
    };
    let pb = bar(0, false, false, "Mengekspor");
    let mut tick = |n: u64| pb.set_position(n);
    match args.format {
        Format::EfakturCsv => {
            let out: Box<dyn Write> = match &args.out {
                Some(p) => Box::new(File::create(p).map_err(|e| format!("{}: {e}", p.display()))?),
                None => Box::new(std::io::stdout().lock()),
            };
            let out = BufWriter::new(out);
            let summary = match args.jenis {
                JenisArg::Keluaran => {
                    csv_write::write_keluaran(out, store.conn(), filter, &seller, &mut tick)
                }
                JenisArg::Masukan => csv_write::write_masukan(out, store.conn(), filter, &mut tick),
            }
            .map_err(|e| e.to_string())?;
            pb.finish_and_clear();
            eprintln!(
                "{} faktur, {} baris OF diekspor{}",
                summary.faktur,
                summary.items,
                if summary.skipped > 0 {
                    format!("; {} faktur Batal tidak diekspor", summary.skipped)
                } else {
                    String::new()
                }
            );
        }
        Format::CoretaxXml => {
            if matches!(args.jenis, JenisArg::Masukan) {
                return Err("Coretax XML hanya untuk faktur keluaran; pakai --format efaktur-csv untuk masukan".into());
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
            };
            let files =
                coretax::write_files(store.conn(), filter, &seller, &options, &out, &mut tick)
                    .map_err(|e| e.to_string())?;
            pb.finish_and_clear();
            for f in files {
                eprintln!("ditulis: {}", f.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
