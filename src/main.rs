//! `efaktur`: the desktop app and its headless subcommands.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// e-Faktur Desktop (open): faktur pajak, NSFP, e-Nofa registration and upload.
#[derive(Debug, Parser)]
#[command(name = "efaktur", version, about, long_about = None)]
struct Cli {
    /// Folder for Local Databases and settings (default: the user's data folder).
    #[arg(long, global = true, value_name = "FOLDER")]
    data_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match efaktur::paths::AppDirs::new(cli.data_dir.as_deref()) {
        Ok(dirs) => {
            let dbs = dirs.databases();
            println!("Folder data: {}", dirs.data_dir().display());
            println!("Local Database: {}", dbs.len());
            for npwp in dbs {
                println!("  {npwp}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
