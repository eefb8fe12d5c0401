//! The unpacked AppDir of one image, shared by its starts: `~/.cache/efaktur-appimage/<SHA-256
//! of the image>/` (`$XDG_CACHE_HOME` if set). Written to a private temporary folder first and
//! renamed when complete, so a start that was cut short (or one running at the same time) never
//! sees half the files.

use crate::extract::{self, Options};
use sha2::{Digest, Sha256};
use std::fs::{self, DirBuilder, File};
use std::io::{self, Read};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The AppDir of `image` (its squashfs at `offset`), unpacked below `root` on first use.
pub fn appdir(image: &Path, offset: u64, root: &Path) -> Result<PathBuf, String> {
    private_folder(root)?;
    let dir = root.join(image_hash(image)?);
    if dir.join("AppRun").symlink_metadata().is_ok() {
        return Ok(dir);
    }
    let partial = root.join(format!(
        ".{}.{}.partial",
        dir.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&partial); // left by a start with the same id that was cut short
    DirBuilder::new()
        .mode(0o700)
        .create(&partial)
        .map_err(|e| format!("{}: {e}", partial.display()))?;
    let result = extract::extract(
        image,
        offset,
        &partial,
        Options {
            wanted: &|_| true,
            written: &mut |_| {},
            durable: true,
        },
    );
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&partial);
        return Err(e);
    }
    if let Err(e) = fs::rename(&partial, &dir) {
        let _ = fs::remove_dir_all(&partial);
        // Another start of the same image finished first: its folder is as good.
        if dir.join("AppRun").symlink_metadata().is_err() {
            return Err(format!("{}: {e}", dir.display()));
        }
    }
    Ok(dir)
}

/// `$XDG_CACHE_HOME/efaktur-appimage` (an absolute `XDG_CACHE_HOME` only, as the XDG
/// specification says), else `$HOME/.cache/efaktur-appimage`.
pub fn default_root() -> Result<PathBuf, String> {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    absolute("XDG_CACHE_HOME")
        .or_else(|| absolute("HOME").map(|home| home.join(".cache")))
        .map(|cache| cache.join("efaktur-appimage"))
        .ok_or_else(|| {
            "folder cache tidak diketahui: HOME dan XDG_CACHE_HOME tidak diatur; atur HOME, atau \
             jalankan dengan --appimage-extract lalu squashfs-root/AppRun"
                .to_string()
        })
}

/// Creates `root` readable by this user only, and refuses one someone else could have filled
/// (what is in it is run).
fn private_folder(root: &Path) -> Result<(), String> {
    let created = DirBuilder::new().recursive(true).mode(0o700).create(root);
    let meta = created
        .and_then(|()| fs::symlink_metadata(root))
        .map_err(|e| format!("folder cache {} tidak dapat dibuat: {e}", root.display()))?;
    let mine = fs::metadata("/proc/self").map(|m| m.uid()).ok();
    let foreign = !meta.is_dir()
        || mine.is_some_and(|uid| meta.uid() != uid)
        || meta.permissions().mode() & 0o022 != 0;
    if foreign {
        return Err(format!(
            "folder cache {} bukan milik Anda atau dapat ditulis pengguna lain; hapus folder itu \
             lalu jalankan lagi",
            root.display()
        ));
    }
    Ok(())
}

/// The first 128 bits of the image's SHA-256, in hex: a new or changed image gets its own folder.
fn image_hash(image: &Path) -> Result<String, String> {
    let read = || -> io::Result<String> {
        let mut file = File::open(image)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0; 1 << 20];
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => hasher.update(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(hasher.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    };
    read().map_err(|e| format!("file AppImage {} tidak dapat dibaca: {e}", image.display()))
}

#[cfg(test)]
mod tests {
    use super::appdir;
    use crate::test_image::{self, APP, OFFSET};
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn unpacked_once_per_image_into_a_private_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let image = tmp.path().join("app.AppImage");
        test_image::write(&image);
        let root = tmp.path().join("cache/efaktur-appimage");
        let dir = appdir(&image, OFFSET, &root).unwrap();
        assert_eq!(fs::read(dir.join("AppRun")).unwrap(), APP);
        for private in [&root, &dir] {
            let mode = fs::metadata(private).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", private.display());
        }
        // The second start uses the folder as it is.
        fs::write(dir.join("app.desktop"), "marked").unwrap();
        assert_eq!(appdir(&image, OFFSET, &root).unwrap(), dir);
        assert_eq!(fs::read(dir.join("app.desktop")).unwrap(), b"marked");
        // A changed image gets its own folder.
        let mut bytes = fs::read(&image).unwrap();
        bytes[0] ^= 1;
        fs::write(&image, &bytes).unwrap();
        let other = appdir(&image, OFFSET, &root).unwrap();
        assert_ne!(other, dir);
        assert_eq!(fs::read(other.join("usr/bin/app")).unwrap(), APP);
        let names: Vec<_> = fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no partial folders left: {names:?}");
    }

    #[test]
    fn a_failed_unpack_leaves_nothing_to_start() {
        let tmp = tempfile::tempdir().unwrap();
        let image = tmp.path().join("app.AppImage");
        test_image::write(&image);
        let mut bytes = fs::read(&image).unwrap();
        let half = (OFFSET as usize + bytes.len()) / 2;
        bytes.truncate(half);
        fs::write(&image, &bytes).unwrap();
        let root = tmp.path().join("efaktur-appimage");
        let e = appdir(&image, OFFSET, &root).unwrap_err();
        assert!(e.contains("unduh ulang"), "{e}");
        assert_eq!(fs::read_dir(&root).unwrap().count(), 0);
    }

    #[test]
    fn a_folder_others_can_write_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let image = tmp.path().join("app.AppImage");
        test_image::write(&image);
        let root = tmp.path().join("efaktur-appimage");
        fs::create_dir(&root).unwrap();
        fs::set_permissions(&root, fs::Permissions::from_mode(0o777)).unwrap();
        let e = appdir(&image, OFFSET, &root).unwrap_err();
        assert!(e.contains("hapus folder itu"), "{e}");
        assert_eq!(fs::read_dir(&root).unwrap().count(), 0);
    }
}
