//! `efaktur register`: what the REGISTER ETAX INVOICE window does, for machines without a
//! display (branch servers): register this client with e-Nofa and create the Local Database.

use std::path::PathBuf;
use std::process::ExitCode;

use efaktur::cert::{Identity, Secret};
use efaktur::config::Settings;
use efaktur::domain::{KodeAktivasi, Npwp, Said};
use efaktur::enofa::EnofaClient;
use efaktur::paths::AppDirs;

use super::prompt::{self, secret};
use super::{CliError, CliResult};
use crate::ui::i18n::errors;

#[derive(Debug, clap::Args)]
pub struct RegisterArgs {
    /// NPWP to register (a cabang: its own NPWP); must be the certificate's.
    #[arg(long)]
    npwp: String,
    /// The `.p12` certificate from e-Nofa (a cabang: the one its head office downloaded).
    #[arg(long, value_name = "FILE")]
    cert: PathBuf,
    /// The e-Nofa server, e.g. `https://enofa.example:8443`.
    #[arg(long, value_name = "URL")]
    server: String,
    /// The e-Nofa CA certificate (PEM) the server is verified against.
    #[arg(long, value_name = "FILE")]
    ca: PathBuf,
    /// A file whose first line is the Kode Aktivasi eFaktur Desktop; without it, a prompt.
    #[arg(long, value_name = "FILE")]
    kode_aktivasi_file: Option<PathBuf>,
    /// A file whose first line is the e-Nofa password (a cabang: the branch password).
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// A file whose first line is the certificate's passphrase.
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

fn absolute(p: &std::path::Path) -> Result<PathBuf, String> {
    std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()))
}

pub fn run(args: RegisterArgs, dirs: &AppDirs) -> CliResult {
    let npwp = Npwp::parse(&args.npwp).map_err(|e| super::npwp_arg(&args.npwp, &e))?;
    let (cert_path, ca_path) = (absolute(&args.cert)?, absolute(&args.ca)?);
    let p12 = std::fs::read(&cert_path).map_err(|e| {
        let shown = cert_path.display();
        Said::new(
            format!("ETAX-30022 : sertifikat {shown} tidak dapat dibaca: {e}"),
            format!("ETAX-30022 : the certificate {shown} cannot be read: {e}"),
        )
    })?;
    let ca_pem = std::fs::read(&ca_path).map_err(|e| super::upload::ca_unreadable(&ca_path, &e))?;
    let passphrase = secret(
        args.passphrase_file.as_deref(),
        &format!("passphrase/{}", npwp.digits()),
        errors::pick(super::language(dirs), prompt::PASSPHRASE),
    )?;
    let identity = Identity::from_p12(&p12, passphrase.expose())?;
    let info = identity.info();
    if info.npwp.as_ref().map(Npwp::npwp16) != Some(npwp.npwp16()) {
        let shown = cert_path.display();
        return Err(Said::new(
            format!("sertifikat {shown} bukan milik NPWP {npwp}; pilih file .p12 NPWP ini"),
            format!(
                "the certificate {shown} does not belong to NPWP {npwp}; choose this NPWP's .p12 file"
            ),
        )
        .into());
    }
    let kode = match &args.kode_aktivasi_file {
        Some(f) => secret(Some(f), "", "")?,
        None => Secret::new(
            rpassword::prompt_password("Kode Aktivasi eFaktur Desktop: ").map_err(|e| {
                Said::new(
                    format!("Kode Aktivasi tidak dapat dibaca ({e}); gunakan --kode-aktivasi-file"),
                    format!("the Kode Aktivasi cannot be read ({e}); use --kode-aktivasi-file"),
                )
            })?,
        ),
    };
    let kode = KodeAktivasi::parse(kode.expose()).map_err(|e| {
        Said::new(
            format!("Kode Aktivasi: {e}"),
            errors::kode_aktivasi(crate::ui::i18n::Lang::En, &e),
        )
    })?;
    let password = secret(
        args.password_file.as_deref(),
        &format!("password/{}", npwp.digits()),
        errors::pick(super::language(dirs), prompt::PASSWORD),
    )?;
    let client = EnofaClient::new(&args.server, &ca_pem, &identity)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let registered = runtime.block_on(async {
        let (id, answer) = prompt::captcha(&client, dirs, &npwp).await?;
        client
            .register(&npwp, &Secret::new(kode.as_str()), &id, &answer, &password)
            .await
            .map_err(CliError::from)
    })?;
    let (db_path, profile) = efaktur::registration::save(
        dirs,
        &npwp,
        (&registered.profile.nama, &registered.profile.alamat),
        &registered.client_id,
        &args.server,
        (&cert_path, &info, &p12),
    )?;
    // `efaktur upload` and the window find the server and its CA here.
    let settings_path = Settings::path_in(dirs.config_dir());
    let mut settings = Settings::load(&settings_path).map_err(|e| e.to_string())?;
    settings.server_url = Some(args.server.clone());
    settings.server_ca_path = Some(ca_path);
    settings.save(&settings_path).map_err(|e| e.to_string())?;
    println!(
        "{}",
        super::say(
            settings.language,
            crate::ui::i18n::Key::CliRegistrasiBerhasil,
            &[
                ("nama", &profile.nama),
                ("npwp", &npwp),
                ("file", &db_path.display())
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}
