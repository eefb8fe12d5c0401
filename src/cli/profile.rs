//! `efaktur profile add|list`: a Local Database per NPWP, created before registration so data
//! can be prepared offline or migrated first.

use std::process::ExitCode;

use efaktur::domain::{Npwp, Said};
use efaktur::paths::AppDirs;
use efaktur::store::{Store, profile};

use super::CliResult;
use crate::ui::i18n::errors;

#[derive(Debug, clap::Subcommand)]
pub enum ProfileCommand {
    /// Create the Local Database of a PKP.
    Add {
        /// NPWP of the PKP (15 or 16 digits, punctuation allowed).
        #[arg(long)]
        npwp: String,
        /// Name of the PKP.
        #[arg(long)]
        nama: String,
        /// Address of the PKP.
        #[arg(long, default_value = "")]
        alamat: String,
    },
    /// List the profiles in the data folder.
    List,
}

pub fn run(command: ProfileCommand, dirs: &AppDirs) -> CliResult {
    match command {
        ProfileCommand::Add { npwp, nama, alamat } => {
            let n = Npwp::parse(&npwp).map_err(|e| {
                Said::new(
                    format!("--npwp {npwp}: ETAX-20005 : {e}"),
                    format!("--npwp {npwp}: ETAX-20005 : {}", e.english()),
                )
            })?;
            if nama.trim().is_empty() {
                return Err(Said::new(
                    "--nama wajib diisi (nama PKP)",
                    "--nama must be filled in (the PKP's name)",
                )
                .into());
            }
            dirs.ensure().map_err(super::folder_error)?;
            let path = dirs.db_path(&n);
            let mut store = Store::open(&path)?;
            let p = profile::Profile::new(n.clone(), nama.trim(), alamat.trim());
            if let Err(existing) = profile::add(&mut store, &p)? {
                let (npwp, nama, file) = (existing.npwp, existing.nama, path.display());
                return Err(Said::new(
                    format!("profil NPWP {npwp} ({nama}) sudah ada di {file}"),
                    format!("the profile of NPWP {npwp} ({nama}) already exists in {file}"),
                )
                .into());
            }
            println!(
                "{}",
                super::say(
                    super::language(dirs),
                    crate::ui::i18n::Key::CliProfilDibuat,
                    &[("npwp", &n), ("nama", &p.nama), ("file", &path.display())]
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        ProfileCommand::List => {
            let lang = super::language(dirs);
            let empty = ("profil belum diisi", "profile not filled in yet");
            let unreadable = ("tidak dapat dibaca", "cannot be read");
            for n in dirs.databases() {
                let path = dirs.db_path(&n);
                let line = match Store::open_read_only(&path).map(|s| profile::get(s.conn())) {
                    Ok(Ok(Some(p))) => {
                        format!("{}\t{}\t{}", n.digits(), p.nama, p.registration.label())
                    }
                    Ok(Ok(None)) => format!("{}\t({})", n.digits(), errors::pick(lang, empty)),
                    Ok(Err(e)) | Err(e) => format!(
                        "{}\t({}: {})",
                        n.digits(),
                        errors::pick(lang, unreadable),
                        errors::store(lang, &e)
                    ),
                };
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
