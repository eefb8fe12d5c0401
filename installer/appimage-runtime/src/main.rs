//! The runtime at the front of e-Faktur's AppImage (`installer/build-appimage.sh`): an AppImage
//! of type 2 is this ELF program followed by a squashfs image of the AppDir, with `AI\x02` at
//! byte 8.
//!
//! Why our own: the usual runtime (and linuxdeploy) are downloaded from GitHub, which our build
//! machines and CI cannot reach (only package registries). This one needs no FUSE either: it
//! does not mount the squashfs but unpacks it once per image into a private cache folder
//! (`cache.rs`) and then starts `AppRun` there with the arguments it was given, replacing
//! itself, so signals and the exit code are the app's. The specification's runtime options that
//! matter are here: `--appimage-extract [PATTERN]`, `--appimage-offset`, `--appimage-help`.

mod cache;
mod elf;
mod extract;
mod pattern;
#[cfg(test)]
mod test_image;

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const HELP: &str = "\
AppImage e-Faktur Desktop: jalankan file ini untuk membuka aplikasi (argumen diteruskan ke efaktur).
Saat pertama dijalankan isinya dibuka ke ~/.cache/efaktur-appimage (tanpa FUSE).

Opsi runtime AppImage:
  --appimage-extract [POLA]    buka isi (atau yang cocok dengan POLA, mis. 'usr/bin/*') ke ./squashfs-root
  --appimage-extract-and-run   jalankan aplikasi (sama dengan tanpa opsi)
  --appimage-offset            cetak posisi awal squashfs di dalam file (untuk unsquashfs -o)
  --appimage-version           cetak versi runtime
  --appimage-help              tampilkan bantuan ini";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("e-Faktur AppImage: {e}");
            ExitCode::from(127)
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let image = std::env::current_exe().map_err(|e| {
        format!("file AppImage tidak ditemukan: {e}; jalankan dari path lengkapnya")
    })?;
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    let mut args: Vec<OsString> = args.collect();
    let option = args
        .first()
        .and_then(|a| a.to_str())
        .filter(|a| a.starts_with("--appimage-"))
        .map(str::to_owned);
    match option.as_deref() {
        None => {}
        Some("--appimage-help") => {
            println!("{HELP}");
            return Ok(ExitCode::SUCCESS);
        }
        Some("--appimage-version") => {
            println!("efaktur-appimage-runtime {}", env!("CARGO_PKG_VERSION"));
            return Ok(ExitCode::SUCCESS);
        }
        Some("--appimage-offset") => {
            println!("{}", offset(&image)?);
            return Ok(ExitCode::SUCCESS);
        }
        Some("--appimage-extract") => {
            let pattern = args.get(1).map(|p| p.to_string_lossy().into_owned());
            extract_here(&image, pattern.as_deref())?;
            return Ok(ExitCode::SUCCESS);
        }
        Some("--appimage-extract-and-run") => {
            args.remove(0);
        }
        Some(other) => {
            return Err(format!(
                "opsi {other} tidak didukung (runtime ini tidak memakai FUSE); lihat --appimage-help"
            ));
        }
    }
    let appdir = cache::appdir(&image, offset(&image)?, &cache::default_root()?)?;
    let app_run = appdir.join("AppRun");
    let mut command = std::process::Command::new(&app_run);
    command
        .args(args)
        .env("APPIMAGE", &image)
        .env("APPDIR", &appdir)
        .env("ARGV0", argv0);
    if let Ok(owd) = std::env::current_dir() {
        command.env("OWD", owd);
    }
    let e = command.exec();
    Err(format!(
        "{} tidak dapat dijalankan: {e}; hapus folder {} lalu jalankan lagi",
        app_run.display(),
        appdir.display()
    ))
}

/// Where the squashfs starts in `image`: the end of the runtime's ELF.
fn offset(image: &Path) -> Result<u64, String> {
    let mut header = Vec::with_capacity(64);
    std::fs::File::open(image)
        .and_then(|f| f.take(64).read_to_end(&mut header))
        .map_err(|e| format!("file AppImage {} tidak dapat dibaca: {e}", image.display()))?;
    elf::payload_offset(&header).ok_or_else(|| {
        format!(
            "{} bukan AppImage yang utuh (header ELF tidak terbaca); unduh ulang",
            image.display()
        )
    })
}

/// `--appimage-extract [PATTERN]`: into `./squashfs-root`, naming each path as it is written.
fn extract_here(image: &Path, pattern: Option<&str>) -> Result<(), String> {
    let dest = PathBuf::from("squashfs-root");
    std::fs::create_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let wanted = |path: &str| pattern.is_none_or(|p| pattern::matches(p, path));
    extract::extract(
        image,
        offset(image)?,
        &dest,
        extract::Options {
            wanted: &wanted,
            written: &mut |path| println!("squashfs-root/{path}"),
            durable: false,
        },
    )
}
