//! The runtime at the front of e-Faktur's AppImage (`installer/build-appimage.sh`): the file is
//! this program, then a ZIP archive of the AppDir (as in probonopd's static-appimage), with the
//! AppImage type 2 magic (`AI\x02` at byte 8).
//!
//! Why our own: the usual runtime and linuxdeploy are downloaded from GitHub, which our build
//! machines and CI cannot reach (only package registries). This one needs no FUSE either: it
//! unpacks the AppDir once into `~/.cache/efaktur-appimage/<size>-<mtime>/` (private, 0700) and
//! then starts `usr/bin/efaktur` there with the arguments it was given (replacing itself, so
//! signals and the exit code are the app's). `--appimage-extract [DIR]` only unpacks.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    let me = std::env::current_exe().map_err(|e| format!("file AppImage tidak ditemukan: {e}"))?;
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|a| a == "--appimage-extract") {
        let dir = args
            .get(1)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("efaktur.AppDir"));
        unpack(&me, &dir)?;
        println!("{}", dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    let appdir = cached_appdir(&me)?;
    let app = appdir.join("usr/bin/efaktur");
    let mut command = std::process::Command::new(&app);
    command
        .args(args.drain(..))
        .env("APPIMAGE", &me)
        .env("APPDIR", &appdir);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let e = command.exec();
        Err(format!("{} tidak dapat dijalankan: {e}", app.display()))
    }
    #[cfg(not(unix))]
    {
        let status = command
            .status()
            .map_err(|e| format!("{} tidak dapat dijalankan: {e}", app.display()))?;
        Ok(ExitCode::from(status.code().unwrap_or(1) as u8))
    }
}

/// The unpacked AppDir for this exact file (size and modification time): unpacked on first use
/// into a temporary folder and renamed, so a start that was cut short is never used.
fn cached_appdir(me: &Path) -> Result<PathBuf, String> {
    let meta = std::fs::metadata(me).map_err(|e| format!("{}: {e}", me.display()))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("efaktur-appimage");
    let dir = cache.join(format!("{}-{mtime}", meta.len()));
    if dir.join("usr/bin/efaktur").is_file() {
        return Ok(dir);
    }
    let partial = cache.join(format!(".unpack-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    unpack(me, &partial)?;
    if std::fs::rename(&partial, &dir).is_err() {
        // Another start unpacked it meanwhile.
        let _ = std::fs::remove_dir_all(&partial);
    }
    Ok(dir)
}

fn unpack(me: &Path, dir: &Path) -> Result<(), String> {
    let fail =
        |e: &dyn std::fmt::Display| format!("AppImage tidak dapat dibuka ({e}); unduh ulang");
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let file = std::fs::File::open(me).map_err(|e| fail(&e))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| fail(&e))?;
    archive.extract(dir).map_err(|e| fail(&e))
}
