//! Unpacks the squashfs behind the runtime into a folder (no FUSE: the AppImage's files are
//! written out, see the cache in `cache.rs`).

use backhand::{FilesystemReader, InnerNode};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// How to write the files out.
pub struct Options<'a> {
    /// Only paths this accepts (relative, `usr/bin/efaktur`), with their folders.
    pub wanted: &'a dyn Fn(&str) -> bool,
    /// Called with each path written.
    pub written: &'a mut dyn FnMut(&str),
    /// Flush every file and folder to disk before returning (the cache is renamed into place
    /// afterwards; without it a crash could leave a complete-looking folder of empty files).
    pub durable: bool,
}

/// Writes the squashfs that starts at `offset` in `image` below the existing folder `dest`.
/// Symbolic links are made last, so no file is ever written through one.
pub fn extract(image: &Path, offset: u64, dest: &Path, options: Options<'_>) -> Result<(), String> {
    let broken = |e: &dyn std::fmt::Display| {
        format!(
            "isi AppImage {} tidak dapat dibaca ({e}); unduh ulang file AppImage",
            image.display()
        )
    };
    let file = File::open(image).map_err(|e| broken(&e))?;
    let fs = FilesystemReader::from_reader_with_offset(BufReader::new(file), offset)
        .map_err(|e| broken(&e))?;
    let cannot_write = |path: &Path, e: io::Error| {
        format!(
            "{} tidak dapat ditulis: {e}; periksa ruang disk dan hak akses folder",
            path.display()
        )
    };
    let mut buf = vec![0; 1 << 20];
    let mut folders = Vec::new();
    let mut links = Vec::new();
    for node in fs.files() {
        let Some(rel) = relative(&node.fullpath) else {
            return Err(broken(&format!(
                "nama tidak sah {}",
                node.fullpath.display()
            )));
        };
        if rel.as_os_str().is_empty() {
            continue; // the root: `dest` itself
        }
        let name = rel.to_string_lossy();
        if !(options.wanted)(&name) {
            continue;
        }
        let target = dest.join(&rel);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| cannot_write(parent, e))?;
        }
        let mode = u32::from(node.header.permissions) & 0o777;
        match &node.inner {
            InnerNode::Dir(_) => {
                match fs::create_dir(&target) {
                    Err(e) if !(e.kind() == io::ErrorKind::AlreadyExists && target.is_dir()) => {
                        return Err(cannot_write(&target, e));
                    }
                    _ => {}
                }
                // Permissions once its contents are written (a read-only folder would stop them).
                folders.push((target, mode | 0o700));
            }
            InnerNode::File(data) => {
                remove_old(&target).map_err(|e| cannot_write(&target, e))?;
                let mut out = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(mode)
                    .open(&target)
                    .map_err(|e| cannot_write(&target, e))?;
                let mut reader = fs.file(data).reader_checked().map_err(|e| broken(&e))?;
                loop {
                    let n = match reader.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(broken(&e)),
                    };
                    out.write_all(&buf[..n])
                        .map_err(|e| cannot_write(&target, e))?;
                }
                if options.durable {
                    out.sync_all().map_err(|e| cannot_write(&target, e))?;
                }
            }
            InnerNode::Symlink(link) => links.push((target, link.link.clone())),
            // An AppDir has no devices, pipes or sockets; they are not made.
            _ => continue,
        }
        (options.written)(&name);
    }
    for (target, link) in links {
        remove_old(&target).map_err(|e| cannot_write(&target, e))?;
        std::os::unix::fs::symlink(&link, &target).map_err(|e| cannot_write(&target, e))?;
    }
    for (folder, mode) in folders.iter().rev() {
        fs::set_permissions(folder, fs::Permissions::from_mode(*mode))
            .map_err(|e| cannot_write(folder, e))?;
    }
    if options.durable {
        for folder in folders.iter().map(|(f, _)| f.as_path()).chain([dest]) {
            File::open(folder)
                .and_then(|f| f.sync_all())
                .map_err(|e| cannot_write(folder, e))?;
        }
    }
    Ok(())
}

/// `/usr/bin/efaktur` → `usr/bin/efaktur`; `None` for `..` or anything else that could leave
/// the destination.
fn relative(full: &Path) -> Option<PathBuf> {
    let mut rel = PathBuf::new();
    for part in full.components() {
        match part {
            Component::RootDir => {}
            Component::Normal(name) => rel.push(name),
            _ => return None,
        }
    }
    Some(rel)
}

/// Makes room for a file or link (a second `--appimage-extract` over `squashfs-root`); a folder
/// in its place is left and the write fails.
fn remove_old(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if !meta.is_dir() => fs::remove_file(path),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::{Options, extract};
    use crate::test_image::{self, APP, OFFSET};
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn writes_files_folders_and_links_with_their_modes() {
        let tmp = tempfile::tempdir().unwrap();
        let image = tmp.path().join("app.AppImage");
        test_image::write(&image);
        let dest = tmp.path().join("out");
        fs::create_dir(&dest).unwrap();
        let mut written = Vec::new();
        extract(
            &image,
            OFFSET,
            &dest,
            Options {
                wanted: &|_| true,
                written: &mut |p| written.push(p.to_string()),
                durable: true,
            },
        )
        .unwrap();
        assert_eq!(fs::read(dest.join("usr/bin/app")).unwrap(), APP);
        assert_eq!(mode(&dest.join("usr/bin/app")), 0o755, "no set-user-ID");
        assert_eq!(mode(&dest.join("app.desktop")), 0o644);
        assert_eq!(
            mode(&dest.join("usr/share/doc")),
            0o755,
            "the owner may still write"
        );
        assert_eq!(
            fs::read_link(dest.join("AppRun")).unwrap(),
            Path::new("usr/bin/app")
        );
        assert_eq!(fs::read(dest.join("AppRun")).unwrap(), APP);
        assert_eq!(
            fs::read_to_string(dest.join("app.desktop")).unwrap(),
            "[Desktop Entry]\nName=App\n".repeat(1000)
        );
        assert!(written.contains(&"usr/bin/app".to_string()));
        assert!(written.contains(&"AppRun".to_string()));

        // Again over the same folder (a second --appimage-extract): replaced, not refused.
        fs::write(dest.join("usr/bin/app"), "old").unwrap();
        let all = Options {
            wanted: &|_| true,
            written: &mut |_| {},
            durable: false,
        };
        extract(&image, OFFSET, &dest, all).unwrap();
        assert_eq!(fs::read(dest.join("usr/bin/app")).unwrap(), APP);
    }

    #[test]
    fn only_what_the_pattern_takes() {
        let tmp = tempfile::tempdir().unwrap();
        let image = tmp.path().join("app.AppImage");
        test_image::write(&image);
        let dest = tmp.path().join("out");
        fs::create_dir(&dest).unwrap();
        let wanted = |p: &str| crate::pattern::matches("usr/bin", p);
        extract(
            &image,
            OFFSET,
            &dest,
            Options {
                wanted: &wanted,
                written: &mut |_| {},
                durable: false,
            },
        )
        .unwrap();
        assert!(dest.join("usr/bin/app").is_file());
        assert!(!dest.join("app.desktop").exists());
        assert!(!dest.join("AppRun").exists());
        assert!(!dest.join("usr/share").exists());
    }

    #[test]
    fn a_damaged_image_is_refused_with_what_to_do() {
        let tmp = tempfile::tempdir().unwrap();
        let image = tmp.path().join("app.AppImage");
        test_image::write(&image);
        let dest = tmp.path().join("out");
        fs::create_dir(&dest).unwrap();
        let run = |image: &Path, offset| {
            extract(
                image,
                offset,
                &dest,
                Options {
                    wanted: &|_| true,
                    written: &mut |_| {},
                    durable: false,
                },
            )
        };
        // Wrong offset, no squashfs at all, a cut-off one: errors, never panics.
        for offset in [0, OFFSET + 1, u64::MAX / 2] {
            let e = run(&image, offset).unwrap_err();
            assert!(e.contains("unduh ulang"), "{e}");
        }
        let mut bytes = fs::read(&image).unwrap();
        let half = (OFFSET as usize + bytes.len()) / 2;
        bytes.truncate(half);
        fs::write(&image, &bytes).unwrap();
        let e = run(&image, OFFSET).unwrap_err();
        assert!(e.contains("unduh ulang"), "{e}");
    }

    #[test]
    fn damaged_file_data_is_an_error_not_a_wrong_file() {
        let tmp = tempfile::tempdir().unwrap();
        let image = tmp.path().join("app.AppImage");
        test_image::write(&image);
        // The compressed data come right after the 96-byte superblock (and compression options).
        let mut bytes = fs::read(&image).unwrap();
        let data = OFFSET as usize + 120;
        for b in &mut bytes[data..data + 16] {
            *b ^= 0xa5;
        }
        fs::write(&image, &bytes).unwrap();
        let dest = tmp.path().join("out");
        fs::create_dir(&dest).unwrap();
        let e = extract(
            &image,
            OFFSET,
            &dest,
            Options {
                wanted: &|_| true,
                written: &mut |_| {},
                durable: false,
            },
        )
        .unwrap_err();
        assert!(e.contains("unduh ulang"), "{e}");
    }
}
