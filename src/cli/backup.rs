//! `efaktur backup` and `efaktur restore`: a copy of a Local Database (also while the window is
//! open), and putting one back after checking it; the scheduled backup run when a subcommand
//! opens a database.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use efaktur::config::Settings;
use efaktur::domain::{Npwp, Said};
use efaktur::paths::AppDirs;
use efaktur::store::backup::{self, Schedule};

use super::{CliResult, choose_database_unscheduled, language, say};
use crate::ui::i18n::{Key, errors};

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// NPWP of the Local Database (needed when there are several).
    #[arg(long)]
    npwp: Option<String>,
    /// Write the backup to this new file instead of `<data>/backups/<npwp>-<waktu>.db`.
    #[arg(long, value_name = "FILE")]
    to: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup file (`.db` from `efaktur backup` or File > Backup).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Only restore when the backup belongs to this NPWP.
    #[arg(long)]
    npwp: Option<String>,
    /// Check the file only: nothing is replaced.
    #[arg(long)]
    check: bool,
}

pub fn backup(args: BackupArgs, dirs: &AppDirs) -> CliResult {
    let (npwp, path) = choose_database_unscheduled(dirs, args.npwp.as_deref())?;
    let made = backup::backup(&path, args.to.as_deref())?;
    let lang = language(dirs);
    println!(
        "{}",
        say(
            lang,
            Key::CliCadanganDibuat,
            &[("npwp", &npwp), ("file", &made.display())]
        )
    );
    Ok(ExitCode::SUCCESS)
}

pub fn restore(args: RestoreArgs, dirs: &AppDirs) -> CliResult {
    let lang = language(dirs);
    let expect = args
        .npwp
        .as_deref()
        .map(|raw| {
            Npwp::parse(raw).map_err(|e| {
                Said::new(
                    format!("--npwp {raw}: ETAX-20005 : {e}"),
                    format!("--npwp {raw}: ETAX-20005 : {}", e.english()),
                )
            })
        })
        .transpose()?;
    dirs.ensure().map_err(super::folder_error)?;
    if args.check {
        let c = backup::inspect(dirs, &args.file)?;
        println!(
            "{}",
            say(
                lang,
                Key::CliCadanganDapatDipulihkan,
                &[
                    ("file", &args.file.display()),
                    ("npwp", &c.npwp),
                    ("schema", &c.schema)
                ]
            )
        );
        return Ok(ExitCode::SUCCESS);
    }
    let r = backup::restore(dirs, &args.file, expect.as_ref())?;
    println!(
        "{}",
        say(
            lang,
            Key::CliDipulihkan,
            &[("npwp", &r.npwp), ("file", &args.file.display())]
        )
    );
    if let Some(old) = &r.replaced {
        println!(
            "{}",
            say(
                lang,
                Key::CliDatabaseSebelumnya,
                &[("file", &old.display())]
            )
        );
    }
    println!(
        "{}",
        say(lang, Key::CliLaptopBaru, &[("digits", &r.npwp.digits())])
    );
    Ok(ExitCode::SUCCESS)
}

/// The scheduled backup of the database at `db` when the settings ask for one and it is due.
/// A failure is a warning: the command the user asked for still runs.
pub(crate) fn scheduled(dirs: &AppDirs, db: &Path) {
    let settings = match Settings::load(&Settings::path_in(dirs.config_dir())) {
        Ok(s) => s,
        Err(e) => {
            // The settings are what says the language: unreadable, they say nothing.
            eprintln!("efaktur: peringatan: {e}; cadangan terjadwal dilewati");
            return;
        }
    };
    let lang = settings.language;
    let schedule = Schedule {
        every_days: settings.backup.every_days,
        keep: settings.backup.keep,
    };
    match backup::run_schedule(db, schedule) {
        Ok(Some(made)) => {
            let made_label = ("cadangan terjadwal", "scheduled backup");
            eprintln!(
                "efaktur: {}: {}",
                errors::pick(lang, made_label),
                made.display()
            );
        }
        Ok(None) => {}
        Err(e) => {
            let failed = (
                "peringatan: cadangan terjadwal gagal",
                "warning: the scheduled backup failed",
            );
            eprintln!(
                "efaktur: {}: {}",
                errors::pick(lang, failed),
                errors::backup(lang, &e)
            );
        }
    }
}
