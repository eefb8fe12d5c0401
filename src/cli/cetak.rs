//! `efaktur cetak`: faktur as PDF, one per file into a folder or all in one file.

use std::path::PathBuf;
use std::process::ExitCode;

use efaktur::config::Settings;
use efaktur::domain::ApprovalStatus;
use efaktur::paths::AppDirs;
use efaktur::print::PrintOptions;
use efaktur::print::batch::{self, Selection};
use efaktur::store::faktur::Filter;
use efaktur::store::{Store, profile};

use super::progress::bar;
use super::{CliResult, choose_database, say};
use crate::ui::i18n::{Key, errors, t};

/// Exit code when no faktur matches (nothing written), as `efaktur export`.
const NOTHING_TO_PRINT: u8 = 3;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("pilihan").required(true).multiple(true).args(["nomor", "masa", "status"])))]
#[command(group(clap::ArgGroup::new("tujuan").required(true).args(["folder", "gabung"])))]
pub struct CetakArgs {
    /// NPWP of the Local Database (needed when there is more than one).
    #[arg(long)]
    pub npwp: Option<String>,
    /// One faktur: 010.008-22.04067870, its 16 digits, or the 13-digit NSFP.
    #[arg(long, conflicts_with_all = ["masa", "tahun", "status"])]
    pub nomor: Option<String>,
    /// Masa pajak (1-12) of the faktur to print, with --tahun.
    #[arg(long, requires = "tahun", value_parser = clap::value_parser!(u8).range(1..=12))]
    pub masa: Option<u8>,
    #[arg(long, requires = "masa")]
    pub tahun: Option<u16>,
    /// Only faktur with this status approval: draft, siap_upload, dalam_proses, approval_sukses or reject.
    #[arg(long)]
    pub status: Option<String>,
    /// Pajak masukan instead of keluaran.
    #[arg(long)]
    pub masukan: bool,
    /// Folder for one PDF per faktur, named by nomor (created when missing).
    #[arg(long, value_name = "FOLDER")]
    pub folder: Option<PathBuf>,
    /// One PDF with all selected faktur.
    #[arg(long, value_name = "FILE")]
    pub gabung: Option<PathBuf>,
    /// Replace existing files.
    #[arg(long)]
    pub force: bool,
    /// Place before the date (default: [cetak] kota in the settings).
    #[arg(long)]
    pub kota: Option<String>,
    /// Name under the signature (default: [cetak] penandatangan in the settings).
    #[arg(long)]
    pub penandatangan: Option<String>,
}

pub fn run(args: CetakArgs, dirs: &AppDirs) -> CliResult {
    let (npwp, path) = choose_database(dirs, args.npwp.as_deref())?;
    let store = Store::open_read_only(&path)?;
    let seller = profile::get(store.conn())?.ok_or_else(|| super::exchange::no_profile(&npwp))?;
    let settings =
        Settings::load(&Settings::path_in(dirs.config_dir())).map_err(|e| e.to_string())?;
    let opts = PrintOptions {
        kota: args.kota.clone().or(settings.cetak.kota),
        penandatangan: args.penandatangan.clone().or(settings.cetak.penandatangan),
    };
    let selection = match &args.nomor {
        Some(nomor) => Selection::Nomor {
            masukan: args.masukan,
            nomor: nomor.clone(),
        },
        None => Selection::Filter(Filter {
            masukan: Some(args.masukan),
            masa: args.masa,
            tahun: args.tahun,
            approval: match args.status.as_deref() {
                None => None,
                Some(s) => Some(
                    ApprovalStatus::from_key(s)
                        .ok_or_else(|| super::exchange::unknown_status(s))?,
                ),
            },
        }),
    };
    let label = ("Mencetak", "Printing");
    let pb = bar(0, false, false, errors::pick(super::language(dirs), label));
    let tick = |n: usize| pb.set_position(n as u64);
    let printed = match (&args.folder, &args.gabung) {
        (Some(dir), _) => batch::to_folder(
            store.conn(),
            &selection,
            &seller,
            &opts,
            dir,
            args.force,
            tick,
        ),
        (None, Some(file)) => batch::merged(
            store.conn(),
            &selection,
            &seller,
            &opts,
            file,
            args.force,
            tick,
        ),
        (None, None) => {
            return Err(efaktur::domain::Said::new(
                "pilih --folder FOLDER atau --gabung FILE",
                "choose --folder FOLDER or --gabung FILE",
            )
            .into());
        }
    }?;
    pb.finish_and_clear();
    let lang = super::language(dirs);
    for kept in &printed.kept {
        eprintln!(
            "{}",
            say(lang, Key::CliFileTidakDitimpa, &[("file", &kept.display())])
        );
    }
    if printed.faktur == 0 && printed.kept.is_empty() {
        eprintln!("{}", t(lang, Key::CliTidakAdaFakturCocok));
        return Ok(ExitCode::from(NOTHING_TO_PRINT));
    }
    let target = match (&args.gabung, printed.files.first()) {
        (Some(_), Some(file)) => file.display().to_string(),
        _ => args
            .folder
            .as_deref()
            .unwrap_or(std::path::Path::new("."))
            .display()
            .to_string(),
    };
    eprintln!(
        "{}",
        say(
            lang,
            Key::CliFakturDicetak,
            &[("n", &printed.faktur), ("file", &target)]
        )
    );
    if printed.kept.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(2))
    }
}
