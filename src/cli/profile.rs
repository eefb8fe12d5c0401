//! `efaktur profile add|list`: a Local Database per NPWP, created before registration so data
//! can be prepared offline or migrated first.

use std::process::ExitCode;

use efaktur::domain::Npwp;
use efaktur::paths::AppDirs;
use efaktur::store::{Store, profile};

use super::CliResult;

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
            let n = Npwp::parse(&npwp).map_err(|e| format!("--npwp {npwp}: ETAX-20005 : {e}"))?;
            if nama.trim().is_empty() {
                return Err("--nama wajib diisi (nama PKP)".into());
            }
            dirs.ensure().map_err(|e| e.to_string())?;
            let path = dirs.db_path(&n);
            let mut store = Store::open(&path)?;
            let p = profile::Profile::new(n.clone(), nama.trim(), alamat.trim());
            if let Err(existing) = profile::add(&mut store, &p)? {
                return Err(fail!(
                    "profil NPWP {} ({}) sudah ada di {}",
                    existing.npwp,
                    existing.nama,
                    path.display()
                ));
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
            for n in dirs.databases() {
                let path = dirs.db_path(&n);
                let line = match Store::open_read_only(&path).map(|s| profile::get(s.conn())) {
                    Ok(Ok(Some(p))) => {
                        format!("{}\t{}\t{}", n.digits(), p.nama, p.registration.label())
                    }
                    Ok(Ok(None)) => format!("{}\t(profil belum diisi)", n.digits()),
                    Ok(Err(e)) | Err(e) => format!("{}\t(tidak dapat dibaca: {e})", n.digits()),
                };
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
