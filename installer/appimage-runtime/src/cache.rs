//! The unpacked AppDir of one image, shared by its starts: `~/.cache/efaktur-appimage/<SHA-256
//! of the image>/` (`$XDG_CACHE_HOME` if set). Written to a private temporary folder first and
//! renamed when complete, so a start that was cut short (or one running at the same time) never
//! sees half the files. Hashing a 12 MB image costs more than the rest of a start, so which
//! folder belongs to which file (device, inode, size, modification and change times) is kept as
//! a symbolic link in `.seen/`; any write to the file changes its change time, so a changed file
//! is hashed again.

use crate::extract::{self, Options};
use sha2::{Digest, Sha256};
use std::fs::{self, DirBuilder, File};
use std::io::{self, Read};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The AppDir of `image` (its squashfs at `offset`), unpacked below `root` on first use.
pub fn appdir(image: &Path, offset: u64, root: &Path) -> Result<PathBuf, String> {
    private_folder(root)?;
    let seen = root.join(".seen").join(file_identity(image)?);
    if let Some(dir) = fs::read_link(&seen)
        .ok()
        .and_then(|link| linked_hash(&link))
        .map(|hash| root.join(hash))
        .filter(|dir| dir.join("AppRun").symlink_metadata().is_ok())
    {
        return Ok(dir);
    }
    let hash = image_hash(image)?;
    let dir = unpacked(image, offset, root, &hash)?;
    remember(&seen, &hash);
    Ok(dir)
}

/// The folder named `hash` below `root`, unpacked from `image` if it is not there.
fn unpacked(image: &Path, offset: u64, root: &Path, hash: &str) -> Result<PathBuf, String> {
    let dir = root.join(hash);
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

/// What the file system says about this exact file: another file, or any write, changes it.
fn file_identity(image: &Path) -> Result<String, String> {
    let m = fs::metadata(image)
        .map_err(|e| format!("file AppImage {} tidak dapat dibaca: {e}", image.display()))?;
    Ok(format!(
        "{:x}-{:x}-{}-{}.{}-{}.{}",
        m.dev(),
        m.ino(),
        m.size(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec()
    ))
}

/// Links `seen` to the folder `hash` (best effort: without it the next start hashes again).
fn remember(seen: &Path, hash: &str) {
    let (Some(folder), Some(name)) = (seen.parent(), seen.file_name()) else {
        return;
    };
    let fresh = folder.join(format!(
        ".{}.{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let _ = DirBuilder::new().mode(0o700).create(folder);
    let _ = fs::remove_file(&fresh);
    let linked = std::os::unix::fs::symlink(format!("../{hash}"), &fresh)
        .and_then(|()| fs::rename(&fresh, seen));
    if linked.is_err() {
        let _ = fs::remove_file(&fresh);
    }
}

/// The folder name in a link `remember` made (`../<32 hex digits>`), nothing else.
fn linked_hash(link: &Path) -> Option<String> {
    link.to_str()?
        .strip_prefix("../")
        .filter(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
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
    use std::path::Path;

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
        // A changed image gets its own folder (a byte more: a changed size, whatever the
        // granularity of the file times).
        let mut bytes = fs::read(&image).unwrap();
        bytes[0] ^= 1;
        bytes.push(0);
        fs::write(&image, &bytes).unwrap();
        let other = appdir(&image, OFFSET, &root).unwrap();
        assert_ne!(other, dir);
        assert_eq!(fs::read(other.join("usr/bin/app")).unwrap(), APP);
        let names: Vec<_> = fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names.len(),
            3,
            "two folders and .seen, no partial ones: {names:?}"
        );
    }

    #[test]
    fn a_known_file_is_not_hashed_again_but_a_removed_folder_is_unpacked_again() {
        let tmp = tempfile::tempdir().unwrap();
        let image = tmp.path().join("app.AppImage");
        test_image::write(&image);
        let root = tmp.path().join("efaktur-appimage");
        let dir = appdir(&image, OFFSET, &root).unwrap();
        let seen: Vec<_> = fs::read_dir(root.join(".seen"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(
            fs::read_link(&seen[0]).unwrap(),
            Path::new("..").join(dir.file_name().unwrap())
        );
        // The link is followed without hashing: pointed elsewhere, it is used as it is.
        let copy = root.join("0123456789abcdef0123456789abcdef");
        fs::create_dir(&copy).unwrap();
        std::os::unix::fs::symlink("x", copy.join("AppRun")).unwrap();
        fs::remove_file(&seen[0]).unwrap();
        std::os::unix::fs::symlink("../0123456789abcdef0123456789abcdef", &seen[0]).unwrap();
        assert_eq!(appdir(&image, OFFSET, &root).unwrap(), copy);
        // A link to something that is not a cache folder, or to a removed one, is not trusted.
        for bad in ["/etc", "../../x", "../0123456789abcdef0123456789abcdee"] {
            fs::remove_file(&seen[0]).unwrap();
            std::os::unix::fs::symlink(bad, &seen[0]).unwrap();
            assert_eq!(appdir(&image, OFFSET, &root).unwrap(), dir, "{bad}");
        }
        fs::remove_dir_all(&dir).unwrap();
        let again = appdir(&image, OFFSET, &root).unwrap();
        assert_eq!(again, dir);
        assert_eq!(fs::read(dir.join("usr/bin/app")).unwrap(), APP);
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
