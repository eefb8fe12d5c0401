//! `efaktur upload`: the uploader without a window, for branch servers and ERPs.
//!
//! Exit codes: 0 every faktur sent was approved (or nothing to send), 1 some were rejected,
//! 2 the uploader could not run (certificate, password, server) or faktur are still waiting.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use efaktur::cert::{Identity, Secret};
use efaktur::config::Settings;
use efaktur::domain::{Npwp, Said};
use efaktur::enofa::EnofaClient;
use efaktur::paths::AppDirs;
use efaktur::store::{Store, certificate, faktur_edit, outbox, profile};
use efaktur::upload::{self, Control, Event, Options, Summary};

use super::prompt::{self, secret};
use super::{CliError, CliResult, choose_database, progress, say};
use crate::ui::i18n::{Key, Lang, errors, t};

#[derive(Debug, clap::Args)]
pub struct UploadArgs {
    /// The Local Database (NPWP); needed when there is more than one.
    #[arg(long)]
    npwp: Option<String>,
    /// Send what is queued, then stop (the default).
    #[arg(long, conflicts_with = "watch")]
    once: bool,
    /// Keep running: send new Siap Upload faktur as they come, renew the session, until Ctrl-C.
    #[arg(long)]
    watch: bool,
    /// A file whose first line is the e-Nofa password (a branch: the branch password).
    /// Without it: the OS keyring, then a prompt. Never give the password on the command line.
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// A file whose first line is the passphrase of the `.p12` certificate.
    /// Without it: the OS keyring, then a prompt.
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// The e-Nofa CA certificate (PEM); default: the one chosen on the Connect screen.
    #[arg(long, value_name = "FILE")]
    ca: Option<PathBuf>,
    /// Uploads in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    /// Wait before the first retry of a failed upload, in milliseconds (doubles per attempt).
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    retry_delay_ms: u64,
    /// With --once: attempts per faktur before the run ends with it still queued.
    #[arg(long, default_value_t = 6)]
    attempts: u32,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// First make every faktur keluaran that is Draft or Reject, with its NSFP in a recorded
    /// range, Siap Upload (the window's *Upload Faktur*): e.g. the faktur of a file just imported.
    #[arg(long)]
    siapkan: bool,
}

/// The certificate, CA and server of a registered Local Database, as a client.
fn client_for(
    store: &Store,
    npwp: &Npwp,
    args: &UploadArgs,
    dirs: &AppDirs,
) -> Result<EnofaClient, CliError> {
    let p = profile::get(store.conn())?.ok_or_else(|| {
        Said::new(
            "Local Database ini belum punya profil PKP",
            "this Local Database has no PKP profile yet",
        )
    })?;
    let (Some(client_id), Some(server_url)) = (p.client_id.clone(), p.server_url.clone()) else {
        let digits = npwp.digits();
        return Err(Said::new(
            format!(
                "NPWP {npwp} belum registrasi e-Nofa; jalankan dulu: efaktur register --npwp {digits}"
            ),
            format!(
                "NPWP {npwp} is not registered with e-Nofa yet; run first: efaktur register --npwp {digits}"
            ),
        )
        .into());
    };
    let cert = certificate::get(store.conn())
        ?
        .ok_or_else(|| Said::new(
            "belum ada sertifikat elektronik (.p12) di Referensi > Administrasi Certificate; pasang dengan efaktur register atau di aplikasi",
            "there is no electronic certificate (.p12) in Referensi > Administrasi Certificate yet; install one with efaktur register or in the application",
        ))?;
    let ca_path = match &args.ca {
        Some(p) => p.clone(),
        None => Settings::load(&Settings::path_in(dirs.config_dir()))
            .map_err(|e| e.to_string())?
            .server_ca_path
            .ok_or_else(|| {
                Said::new(
                    "file CA e-Nofa belum dipilih; berikan dengan --ca FILE",
                    "the e-Nofa CA file is not chosen yet; give it with --ca FILE",
                )
            })?,
    };
    let ca_pem = std::fs::read(&ca_path).map_err(|e| ca_unreadable(&ca_path, &e))?;
    let p12 = std::fs::read(&cert.path).map_err(|e| {
        let shown = &cert.path;
        Said::new(
            format!("sertifikat {shown} tidak dapat dibaca: {e}"),
            format!("the certificate {shown} cannot be read: {e}"),
        )
    })?;
    let passphrase = secret(
        args.passphrase_file.as_deref(),
        &format!("passphrase/{}", npwp.digits()),
        errors::pick(super::language(dirs), prompt::PASSPHRASE),
    )?;
    let identity = Identity::from_p12(&p12, passphrase.expose())?;
    EnofaClient::new(&server_url, &ca_pem, &identity)
        .map(|c| c.with_client_id(client_id))
        .map_err(CliError::from)
}

/// The e-Nofa CA file could not be read.
pub(super) fn ca_unreadable(path: &std::path::Path, e: &std::io::Error) -> Said {
    let shown = path.display();
    Said::new(
        format!("file CA {shown} tidak dapat dibaca: {e}"),
        format!("the CA file {shown} cannot be read: {e}"),
    )
}

/// Opens the upload session with a captcha answered on the terminal.
async fn open_session(
    client: &EnofaClient,
    dirs: &AppDirs,
    npwp: &Npwp,
    password: &Secret,
) -> Result<(), CliError> {
    let (id, answer) = prompt::captcha(client, dirs, npwp).await?;
    client
        .open_session(&id, &answer, password)
        .await
        .map(drop)
        .map_err(CliError::from)
}

pub fn run(args: UploadArgs, dirs: &AppDirs) -> CliResult {
    let lang = super::language(dirs);
    let (npwp, path) = choose_database(dirs, args.npwp.as_deref())?;
    let mut store = Store::open(&path)?;
    if args.siapkan {
        let (marked, outside) =
            store.transaction(|tx| faktur_edit::siap_upload_all(tx, "efaktur upload"))?;
        println!(
            "{}",
            say(
                lang,
                Key::CliSiapUploadDibuat,
                &[("n", &marked.to_string())]
            )
        );
        if outside > 0 {
            println!(
                "{}",
                say(lang, Key::CliTetapDraft, &[("n", &outside.to_string())])
            );
        }
    }
    // Nothing to send: no captcha, no password.
    upload::queue_ready(&mut store)?;
    if !args.watch && outbox::pending_count(store.conn())? == 0 {
        println!(
            "{}",
            say(lang, Key::CliTidakAdaSiapUpload, &[("npwp", &npwp)])
        );
        return Ok(ExitCode::SUCCESS);
    }
    let client = Arc::new(client_for(&store, &npwp, &args, dirs)?);
    let password = secret(
        args.password_file.as_deref(),
        &format!("password/{}", npwp.digits()),
        errors::pick(super::language(dirs), prompt::PASSWORD),
    )?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        // The uploads go on on the workers while this thread writes answers to SQLite.
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let options = Options {
        concurrency: usize::from(args.concurrency),
        base_delay: Duration::from_millis(args.retry_delay_ms.max(1)),
        give_up_after: if args.watch {
            None
        } else {
            Some(args.attempts.max(1))
        },
        ..Options::default()
    };
    runtime.block_on(async {
        open_session(&client, dirs, &npwp, &password).await?;
        let control = Control::new();
        let on_signal = control.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_signal.stop();
            }
        });
        let mut total = Summary::default();
        loop {
            let summary =
                upload_pass(&mut store, &client, &options, &control, args.quiet, lang).await?;
            total.approved += summary.approved;
            total.rejected += summary.rejected;
            total.cancelled += summary.cancelled;
            total.pending = summary.pending;
            if !args.watch || control.stopped() {
                break;
            }
            control.sleep(Duration::from_secs(10)).await;
            if control.stopped() {
                break;
            }
            client.renew_session().await?;
        }
        Ok(report(&total, lang))
    })
}

async fn upload_pass(
    store: &mut Store,
    client: &Arc<EnofaClient>,
    options: &Options,
    control: &Control,
    quiet: bool,
    lang: Lang,
) -> Result<Summary, CliError> {
    let bar = progress::bar(0, false, quiet, "Upload");
    let mut on_event = |e: &Event| match e {
        Event::Queued { pending, .. } => bar.set_length(*pending),
        Event::Approved { .. } | Event::Cancelled { .. } => bar.inc(1),
        Event::Rejected {
            nsfp,
            code,
            message,
        } => {
            bar.inc(1);
            bar.suspend(|| println!("REJECT {nsfp} {code} : {message}"));
        }
        Event::Retrying { nsfp, error } => {
            bar.suspend(|| {
                eprintln!(
                    "{}",
                    say(
                        lang,
                        Key::CliCobaLagiNanti,
                        &[("nsfp", nsfp), ("error", error)]
                    )
                )
            });
        }
    };
    let result = upload::run(store, client, options, control, &mut on_event).await;
    bar.finish_and_clear();
    result.map_err(|e| CliError::Said(e.to_string()))
}

fn report(s: &Summary, lang: Lang) -> ExitCode {
    println!(
        "{}",
        say(
            lang,
            Key::CliRingkasanUpload,
            &[
                ("approved", &s.approved),
                ("rejected", &s.rejected),
                ("cancelled", &s.cancelled),
                ("pending", &s.pending)
            ]
        )
    );
    if s.rejected > 0 {
        eprintln!("{}", t(lang, Key::CliAdaReject));
        return ExitCode::from(1);
    }
    if s.pending > 0 {
        eprintln!("{}", say(lang, Key::CliBelumTerkirim, &[("n", &s.pending)]));
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
