//! A small AppImage for the tests: junk standing in for the runtime, then a squashfs made with
//! backhand's writer (gzip, as build-appimage.sh makes it with mksquashfs).

use backhand::compression::Compressor;
use backhand::{FilesystemCompressor, FilesystemWriter, NodeHeader};
use std::io::Cursor;
use std::path::Path;

/// Bytes before the squashfs.
pub const OFFSET: u64 = 4321;
pub const APP: &[u8] = b"#!/bin/sh\necho app\n";

/// Writes `AppRun -> usr/bin/app`, `usr/bin/app` (0755), `app.desktop` (0644), an empty
/// read-only `usr/share/doc` at `path`.
pub fn write(path: &Path) {
    let mut fs = FilesystemWriter::default();
    fs.set_compressor(FilesystemCompressor::new(Compressor::Gzip, None).unwrap());
    fs.set_time(0);
    fs.set_no_padding();
    let dir = NodeHeader::new(0o755, 0, 0, 0);
    fs.push_dir("usr", dir).unwrap();
    fs.push_dir("usr/bin", dir).unwrap();
    fs.push_dir("usr/share", dir).unwrap();
    fs.push_dir("usr/share/doc", NodeHeader::new(0o555, 0, 0, 0))
        .unwrap();
    fs.push_file(
        Cursor::new(APP),
        "usr/bin/app",
        NodeHeader::new(0o4755, 0, 0, 0),
    )
    .unwrap();
    let desktop = b"[Desktop Entry]\nName=App\n".repeat(1000);
    fs.push_file(
        Cursor::new(desktop),
        "app.desktop",
        NodeHeader::new(0o644, 0, 0, 0),
    )
    .unwrap();
    fs.push_symlink("usr/bin/app", "AppRun", NodeHeader::new(0o777, 0, 0, 0))
        .unwrap();
    let mut image = Cursor::new(vec![0x55; OFFSET as usize]);
    fs.write_with_offset(&mut image, OFFSET).unwrap();
    std::fs::write(path, image.into_inner()).unwrap();
}
