//! Headless subcommands: the same core as the app, for ERPs, scripts and branch uploaders.

use std::process::ExitCode;

use efaktur::paths::AppDirs;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the Local Databases in the data folder.
    Databases,
}

pub fn run(command: Command, dirs: &AppDirs) -> ExitCode {
    match command {
        Command::Databases => {
            println!("Folder data: {}", dirs.data_dir().display());
            for npwp in dirs.databases() {
                println!("{npwp}");
            }
            ExitCode::SUCCESS
        }
    }
}
