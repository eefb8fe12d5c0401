//! `efaktur`: the desktop app and its headless subcommands.

mod cli;
mod ui;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use efaktur::paths::AppDirs;

/// e-Faktur Desktop (open): faktur pajak, NSFP, e-Nofa registration and upload.
#[derive(Debug, Parser)]
#[command(name = "efaktur", version, about, long_about = None)]
struct Cli {
    /// Folder for Local Databases and settings (default: the user's data folder).
    #[arg(long, global = true, value_name = "FOLDER")]
    data_dir: Option<PathBuf>,

    /// Training mode: start an e-Nofa server on this computer with a demo PKP and use it.
    #[arg(long)]
    simulasi: bool,

    #[command(subcommand)]
    command: Option<cli::Command>,
}

/// mimalloc: imports hand many small allocations between threads, where glibc's malloc is slow.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = Cli::parse();
    let dirs = match AppDirs::new(args.data_dir.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match args.command {
        Some(command) => cli::run(command, &dirs),
        None => ui::run(
            &dirs,
            ui::Options {
                simulasi: args.simulasi,
            },
        ),
    }
}
