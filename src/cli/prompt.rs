//! Secrets and captcha answers for headless commands: never from the command line.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use efaktur::cert::{KeyringStore, Secret, SecretStore};
use efaktur::domain::{Npwp, Said};
use efaktur::enofa::EnofaClient;
use efaktur::paths::AppDirs;

use super::CliError;
use crate::ui::i18n::errors;

/// The prompts for the secrets, `(Bahasa Indonesia, English)`.
pub const PASSPHRASE: (&str, &str) = (
    "Passphrase sertifikat .p12: ",
    "Passphrase of the .p12 certificate: ",
);
pub const PASSWORD: (&str, &str) = ("Password e-Nofa: ", "e-Nofa password: ");

/// A secret from a file's first line, the OS keyring, or a prompt, in that order.
pub fn secret(file: Option<&Path>, keyring_key: &str, prompt: &str) -> Result<Secret, CliError> {
    if let Some(path) = file {
        let shown = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Said::new(
                format!("{shown} tidak dapat dibaca: {e}"),
                format!("{shown} cannot be read: {e}"),
            )
        })?;
        let line = text.lines().next().unwrap_or_default();
        if line.is_empty() {
            return Err(Said::new(format!("{shown} kosong"), format!("{shown} is empty")).into());
        }
        return Ok(Secret::new(line));
    }
    if let Ok(Some(s)) = KeyringStore::new("efaktur").get(keyring_key) {
        return Ok(s);
    }
    rpassword::prompt_password(prompt)
        .map(Secret::new)
        .map_err(|e| {
            Said::new(
                format!(
                    "{prompt}tidak dapat dibaca ({e}); gunakan --password-file/--passphrase-file"
                ),
                format!("{prompt}cannot be read ({e}); use --password-file/--passphrase-file"),
            )
            .into()
        })
}

/// Draws a captcha PNG with half blocks (two pixel rows per line), about 64 columns wide.
fn draw_captcha(png: &[u8]) -> Option<String> {
    let img = image::load_from_memory(png).ok()?.to_luma8();
    let (w, h) = img.dimensions();
    let step = (w / 64).max(1);
    let dark = |x: u32, y: u32| y < h && img.get_pixel(x, y).0[0] < 128;
    let mut out = String::new();
    for y in (0..h).step_by((step * 2) as usize) {
        for x in (0..w).step_by(step as usize) {
            out.push(match (dark(x, y), dark(x, y + step)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        out.push('\n');
    }
    Some(out)
}

/// Asks the server for a captcha, shows it (a PNG file, and drawn when a terminal shows it) and
/// reads the answer from standard input: (captcha id, answer).
pub async fn captcha(
    client: &EnofaClient,
    dirs: &AppDirs,
    npwp: &Npwp,
) -> Result<(String, String), CliError> {
    let captcha = client.captcha().await?;
    let path = dirs
        .data_dir()
        .join(format!("captcha-{}.png", npwp.digits()));
    let cannot_write = |e: std::io::Error| -> CliError {
        let shown = path.display();
        Said::new(
            format!("{shown} tidak dapat ditulis: {e}"),
            format!("{shown} cannot be written: {e}"),
        )
        .into()
    };
    efaktur::private_files::create_dir_all(dirs.data_dir()).map_err(cannot_write)?;
    std::fs::write(&path, &captcha.png).map_err(cannot_write)?;
    if std::io::stderr().is_terminal()
        && let Some(drawn) = draw_captcha(&captcha.png)
    {
        eprint!("{drawn}");
    }
    println!("Captcha {} (id {})", path.display(), captcha.id);
    let answer_prompt = ("Jawaban captcha: ", "Captcha answer: ");
    eprint!("{}", errors::pick(super::language(dirs), answer_prompt));
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| {
            Said::new(
                format!("jawaban captcha tidak dapat dibaca: {e}"),
                format!("the captcha answer cannot be read: {e}"),
            )
        })?;
    let _ = std::fs::remove_file(&path);
    let answer = answer.trim();
    // No answer (standard input closed or empty): ask nothing of the server, which would count
    // it as a wrong captcha toward the lockout.
    if answer.is_empty() {
        return Err(Said::new(
            "jawaban captcha kosong; jalankan di terminal dan ketik angka pada gambar captcha",
            "the captcha answer is empty; run in a terminal and type the digits in the captcha picture",
        )
        .into());
    }
    Ok((captcha.id, answer.to_owned()))
}
