#!/usr/bin/env bash
# Builds the Linux AppImage (any distribution) into ${CARGO_TARGET_DIR:-target}/installer:
# examples/appimage_runtime.rs followed by a ZIP of the AppDir (usr/bin/efaktur, the desktop
# entry and icons of installer/packager.toml). cargo-packager's own AppImage format downloads
# linuxdeploy and its runtime from GitHub, which the build machines cannot reach; where GitHub
# is reachable, `cargo packager -c installer/packager.toml -f appimage` works as well.
source "$(dirname "$0")/common.sh"
build_binary
cargo build --locked --profile dist --example appimage_runtime
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
appdir="$out_dir/efaktur.AppDir"
rm -rf "$appdir"
mkdir -p "$appdir/usr/bin" "$appdir/usr/share/applications"
cp "$out_dir/efaktur" "$appdir/usr/bin/efaktur"
for png in assets/icons/efaktur-*.png; do
  size="$(basename "$png" .png | cut -d- -f2)"
  mkdir -p "$appdir/usr/share/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$appdir/usr/share/icons/hicolor/${size}x${size}/apps/efaktur.png"
done
cp assets/icons/efaktur-256.png "$appdir/efaktur.png"
cp assets/icons/efaktur-256.png "$appdir/.DirIcon"
sed -e 's/{{name}}/e-Faktur Desktop/' -e 's/{{exec}}/efaktur/' -e 's/{{icon}}/efaktur/' \
    -e 's/{{comment}}/e-Faktur Desktop (open): faktur pajak, NSFP, registrasi e-Nofa dan upload/' \
    -e '/{{[#/]if/d' installer/linux/efaktur.desktop >"$appdir/efaktur.desktop"
cp "$appdir/efaktur.desktop" "$appdir/usr/share/applications/efaktur.desktop"
payload="$out_dir/efaktur.AppDir.zip"
python3 - "$appdir" "$payload" <<'PY'
# Deterministic ZIP (sorted, fixed times) keeping each file's Unix mode.
import os, sys, zipfile
root, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for dirpath, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            info = zipfile.ZipInfo(os.path.relpath(path, root), (2025, 1, 1, 0, 0, 0))
            info.external_attr = (os.stat(path).st_mode & 0o777 | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read(), compresslevel=9)
PY
image="$out_dir/efaktur_${version}_x86_64.AppImage"
cat "$target_dir/dist/examples/appimage_runtime" "$payload" >"$image"
printf 'AI\x02' | dd of="$image" bs=1 seek=8 conv=notrunc status=none
chmod 755 "$image"
rm -f "$payload"
echo "AppImage: $image ($(wc -c <"$image") bytes)"
