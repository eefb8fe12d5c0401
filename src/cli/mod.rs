//! Headless subcommands: the same core as the app, for ERPs, scripts and branch uploaders.
//!
//! Exit codes: 0 success, 1 the file has errors (reported line by line; with `import
//! --skip-invalid` the valid faktur were imported), 2 usage or I/O problems (also an export or
//! cetak refusing to overwrite without `--force`), 3 nothing to export or print (nothing written).

/// A [`CliError`] worded by the CLI itself in one language: `fail!("...", args)`. Sentences a
/// user reads in the chosen language are a [`CliError::Both`] instead.
#[allow(unused_macros)]
macro_rules! fail {
    ($($t:tt)*) => {
        $crate::cli::CliError::Said(format!($($t)*))
    };
}

mod backup;
mod barang;
mod cetak;
mod exchange;
mod nsfp;
mod profile;
mod progress;
mod prompt;
mod referensi;
mod register;
mod retur;
mod upload;

use std::path::PathBuf;
use std::process::ExitCode;

use efaktur::domain::{Npwp, Said};
use efaktur::paths::AppDirs;

pub use backup::{BackupArgs, RestoreArgs};
pub use barang::BarangCommand;
pub use cetak::CetakArgs;
pub use exchange::{ExportArgs, ImportArgs, ValidateArgs};
pub use nsfp::NsfpCommand;
pub use profile::ProfileCommand;
pub use referensi::ReferensiCommand;
pub use register::RegisterArgs;
pub use upload::UploadArgs;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the Local Databases in the data folder.
    Databases,
    /// Create or list PKP profiles (one Local Database per NPWP).
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Check an e-Faktur CSV (faktur, retur, dokumen lain), .xlsx or Coretax XML file without writing anything.
    Validate(ValidateArgs),
    /// Import e-Faktur CSV or .xlsx files (FK/LT/FAPR/OF, FM, RK/RM or DK/DM) into a Local Database.
    Import(ImportArgs),
    /// Export faktur of one masa as e-Faktur CSV or Coretax XML.
    Export(ExportArgs),
    /// Referensi Nomor Faktur: record NSFP ranges.
    #[command(subcommand)]
    Nsfp(NsfpCommand),
    /// Referensi Lawan Transaksi and Barang/Jasa: import or export in e-Faktur's CSV shapes.
    #[command(subcommand)]
    Referensi(ReferensiCommand),
    /// Referensi Barang/Jasa: items and their Coretax Opt/Code/Unit.
    #[command(subcommand)]
    Barang(BarangCommand),
    /// REGISTER ETAX INVOICE without a window: register this client with e-Nofa (captcha in the
    /// terminal) and create the Local Database of the NPWP.
    Register(RegisterArgs),
    /// Start the uploader without a window: send Siap Upload faktur to e-Nofa (exit 0 all
    /// approved, 1 some rejected, 2 could not run or faktur still waiting).
    Upload(UploadArgs),
    /// Print faktur as PDF (A4): one faktur, a masa or a status, to a folder or one merged file.
    Cetak(CetakArgs),
    // ship:
    /// Back up a Local Database (also while the window is open) to a timestamped file in
    /// `<data>/backups`, or to `--to FILE`.
    Backup(BackupArgs),
    /// Restore a Local Database from a backup: checked first (integrity, schema, NPWP); the
    /// database it replaces is kept in `<data>/backups`.
    Restore(RestoreArgs),
}

pub fn run(command: Command, dirs: &AppDirs) -> ExitCode {
    let result = match command {
        Command::Databases => {
            let folder = crate::ui::i18n::t(language(dirs), crate::ui::i18n::Key::FolderData);
            println!("{folder}: {}", dirs.data_dir().display());
            for npwp in dirs.databases() {
                println!("{npwp}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Profile(c) => profile::run(c, dirs),
        Command::Validate(mut a) => {
            a.lang = language(dirs);
            exchange::validate(a, dirs)
        }
        Command::Import(mut a) => {
            a.lang = language(dirs);
            exchange::import(a, dirs)
        }
        Command::Export(a) => exchange::export(a, dirs),
        Command::Nsfp(c) => nsfp::run(c, dirs),
        Command::Referensi(c) => referensi::run(c, dirs),
        Command::Barang(c) => barang::run(c, dirs),
        Command::Register(a) => register::run(a, dirs),
        Command::Upload(a) => upload::run(a, dirs),
        Command::Cetak(a) => cetak::run(a, dirs),
        Command::Backup(a) => backup::backup(a, dirs),
        Command::Restore(a) => backup::restore(a, dirs),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("efaktur: {}", e.render(language(dirs)));
            ExitCode::from(2)
        }
    }
}

/// Why a folder of the application could not be made.
pub(crate) fn folder_error(e: efaktur::paths::PathsError) -> CliError {
    use efaktur::paths::PathsError;
    let en = match &e {
        PathsError::NoHome => {
            "The user's data folder cannot be determined on this system; run with --data-dir FOLDER"
                .to_string()
        }
        PathsError::Create { path, reason } => {
            format!("The folder {path} cannot be created: {reason}")
        }
    };
    Said::new(e.to_string(), en).into()
}

/// `--npwp RAW: why` when an argument is not an NPWP.
pub(crate) fn npwp_arg(raw: &str, e: &efaktur::domain::NpwpError) -> CliError {
    Said::new(
        format!("--npwp {raw}: {e}"),
        format!("--npwp {raw}: {}", e.english()),
    )
    .into()
}

/// The sentence `key` in `lang` with its `{name}` placeholders filled in.
pub(crate) fn say(
    lang: crate::ui::i18n::Lang,
    key: crate::ui::i18n::Key,
    args: &[(&str, &dyn std::fmt::Display)],
) -> String {
    args.iter().fold(
        crate::ui::i18n::t(lang, key).to_string(),
        |text, (name, value)| text.replace(&format!("{{{name}}}"), &value.to_string()),
    )
}

/// The language chosen in the settings (Bahasa Indonesia when there are none yet).
pub(crate) fn language(dirs: &AppDirs) -> crate::ui::i18n::Lang {
    let path = efaktur::config::Settings::path_in(dirs.config_dir());
    efaktur::config::Settings::load(&path)
        .map(|s| s.language)
        .unwrap_or_default()
}

/// A usage or I/O problem (exit code 2).
pub(crate) type CliResult = Result<ExitCode, CliError>;

/// Why a subcommand could not run: a sentence the CLI worded itself, or a typed core error that
/// is worded in the language of the settings when it is printed (its `Display`, Bahasa
/// Indonesia, when that is the language).
#[derive(Debug)]
pub(crate) enum CliError {
    Said(String),
    /// Worded by the CLI in both languages (file names, the user's arguments, a core detail).
    Both(efaktur::domain::Said),
    Store(efaktur::store::StoreError),
    Backup(efaktur::store::backup::BackupError),
    Batch(efaktur::print::batch::BatchError),
    Client(efaktur::enofa::error::ClientError),
    Cert(efaktur::cert::CertError),
    Export(efaktur::exchange::csv_write::ExportError),
}

impl CliError {
    /// The error's text in `lang`; Indonesian is the core's own `Display`, as before.
    pub(crate) fn render(&self, lang: crate::ui::i18n::Lang) -> String {
        use crate::ui::i18n::errors;
        match self {
            CliError::Said(s) => s.clone(),
            CliError::Both(s) => errors::said(lang, s).to_string(),
            CliError::Store(e) => errors::store(lang, e),
            CliError::Backup(e) => errors::backup(lang, e),
            CliError::Batch(e) => errors::batch(lang, e),
            CliError::Client(e) => errors::client(lang, e),
            CliError::Cert(e) => errors::cert(lang, e),
            CliError::Export(e) => errors::export(lang, e),
        }
    }
}

impl From<String> for CliError {
    fn from(s: String) -> Self {
        CliError::Said(s)
    }
}

impl From<&str> for CliError {
    fn from(s: &str) -> Self {
        CliError::Said(s.to_string())
    }
}

macro_rules! typed {
    ($($variant:ident($ty:ty)),* $(,)?) => {$(
        impl From<$ty> for CliError {
            fn from(e: $ty) -> Self {
                CliError::$variant(e)
            }
        }
    )*};
}

typed!(
    Both(efaktur::domain::Said),
    Store(efaktur::store::StoreError),
    Backup(efaktur::store::backup::BackupError),
    Batch(efaktur::print::batch::BatchError),
    Client(efaktur::enofa::error::ClientError),
    Cert(efaktur::cert::CertError),
    Export(efaktur::exchange::csv_write::ExportError),
);

/// The Local Database to work on: the one named by `--npwp`, or the only one there is.
/// The scheduled backup runs here, when the settings ask for one and it is due.
pub(crate) fn choose_database(
    dirs: &AppDirs,
    npwp: Option<&str>,
) -> Result<(Npwp, PathBuf), CliError> {
    let chosen = choose_database_unscheduled(dirs, npwp)?;
    backup::scheduled(dirs, &chosen.1);
    Ok(chosen)
}

pub(crate) fn choose_database_unscheduled(
    dirs: &AppDirs,
    npwp: Option<&str>,
) -> Result<(Npwp, PathBuf), CliError> {
    let folder = dirs.db_dir().display().to_string();
    if let Some(raw) = npwp {
        let n = Npwp::parse(raw).map_err(|e| npwp_arg(raw, &e))?;
        let path = dirs.db_path(&n);
        if !path.exists() {
            let digits = n.digits();
            return Err(Said::new(
                format!(
                    "Local Database untuk NPWP {n} belum ada di {folder}; buat dulu dengan: efaktur profile add --npwp {digits} --nama ... --alamat ..."
                ),
                format!(
                    "there is no Local Database for NPWP {n} in {folder} yet; create it first with: efaktur profile add --npwp {digits} --nama ... --alamat ..."
                ),
            )
            .into());
        }
        return Ok((n, path));
    }
    let all = dirs.databases();
    match all.as_slice() {
        [one] => Ok((one.clone(), dirs.db_path(one))),
        [] => Err(Said::new(
            format!(
                "belum ada Local Database di {folder}; buat dengan: efaktur profile add --npwp N --nama ... --alamat ..."
            ),
            format!(
                "there is no Local Database in {folder} yet; create one with: efaktur profile add --npwp N --nama ... --alamat ..."
            ),
        )
        .into()),
        many => {
            let list = many
                .iter()
                .map(|n| n.digits().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let count = many.len();
            Err(Said::new(
                format!("ada {count} Local Database; pilih salah satu dengan --npwp: {list}"),
                format!("there are {count} Local Databases; choose one with --npwp: {list}"),
            )
            .into())
        }
    }
}
