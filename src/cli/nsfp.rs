//! `efaktur nsfp add`: record an NSFP range (Referensi Nomor Faktur) as DJP allotted it.

use std::process::ExitCode;

use efaktur::domain::faktur::parse_tanggal;
use efaktur::domain::{Nsfp, NsfpError, NsfpRange, Said};
use efaktur::paths::AppDirs;
use efaktur::store::{Store, nsfp};

use super::{CliResult, choose_database};

#[derive(Debug, clap::Subcommand)]
pub enum NsfpCommand {
    /// Record a range of nomor seri faktur pajak.
    Add {
        #[arg(long)]
        npwp: Option<String>,
        /// First number of the range (13 digits).
        #[arg(long)]
        dari: String,
        /// Last number of the range (13 digits).
        #[arg(long)]
        sampai: String,
        /// Date of DJP's allocation notice (dd/mm/yyyy).
        #[arg(long)]
        tanggal: String,
    },
}

pub fn run(command: NsfpCommand, dirs: &AppDirs) -> CliResult {
    match command {
        NsfpCommand::Add {
            npwp,
            dari,
            sampai,
            tanggal,
        } => {
            let (_, path) = choose_database(dirs, npwp.as_deref())?;
            // `where: why` with the core's detail in both languages.
            let bad = |at: String, e: NsfpError| {
                Said::new(format!("{at}{e}"), format!("{at}{}", e.english()))
            };
            let start =
                Nsfp::parse(&dari).map_err(|e| bad(format!("--dari {dari}: ETAX-20007 : "), e))?;
            let end = Nsfp::parse(&sampai)
                .map_err(|e| bad(format!("--sampai {sampai}: ETAX-20007 : "), e))?;
            let range = NsfpRange::new(start, end)
                .map_err(|e| bad(format!("range {dari}-{sampai}: "), e))?;
            let day = parse_tanggal(&tanggal).ok_or_else(|| {
                Said::new(
                    format!(
                        "--tanggal {tanggal}: ETAX-20006 : tulis tanggal/bulan/tahun, mis. 02/01/2025"
                    ),
                    format!("--tanggal {tanggal}: ETAX-20006 : write day/month/year, e.g. 02/01/2025"),
                )
            })?;
            let store = Store::open(&path)?;
            nsfp::add_range(store.conn(), range, day)?;
            println!(
                "{}",
                super::say(
                    super::language(dirs),
                    crate::ui::i18n::Key::CliRangeDirekam,
                    &[("range", &range), ("n", &range.len())]
                )
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
