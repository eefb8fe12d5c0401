#!/usr/bin/env bash
# Builds the Linux AppImage (type 2, any distribution) into ${CARGO_TARGET_DIR:-target}/installer,
# offline: our runtime (installer/appimage-runtime) followed by a squashfs image of the AppDir
# (AppRun, the desktop entry and icon of installer/packager.toml, usr/bin/efaktur, usr/share/...),
# `AI\x02` at byte 8. Needs mksquashfs (Debian: squashfs-tools). cargo-packager's own AppImage
# step downloads linuxdeploy and the AppImage runtime from GitHub, which the build machines
# cannot reach; where GitHub is reachable, `cargo packager -c installer/packager.toml -f appimage`
# works as well. The same sources give the same bytes: fixed times, root owner, sorted entries.
source "$(dirname "$0")/common.sh"
command -v mksquashfs >/dev/null || {
  echo "mksquashfs not found: install squashfs-tools (Debian/Ubuntu: apt-get install squashfs-tools)" >&2
  exit 1
}
build_binary
started=$SECONDS
runtime_target="$target_dir/appimage-runtime"
cargo build --locked --release --manifest-path installer/appimage-runtime/Cargo.toml \
  --target-dir "$runtime_target"
runtime="$runtime_target/release/efaktur-appimage-runtime"
echo "runtime build: $((SECONDS - started)) s; runtime: $(wc -c <"$runtime") bytes"
# The squashfs goes where the ELF's section headers end; they must be the ELF's last bytes.
[[ "$("$runtime" --appimage-offset)" == "$(wc -c <"$runtime")" ]] || {
  echo "the runtime's ELF does not end with its section headers: cannot append the squashfs" >&2
  exit 1
}

version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
appdir="$out_dir/efaktur.AppDir"
rm -rf "$appdir"
mkdir -p "$appdir/usr/bin" "$appdir/usr/share/applications"
cp "$out_dir/efaktur" "$appdir/usr/bin/efaktur"
ln -s usr/bin/efaktur "$appdir/AppRun"
for png in assets/icons/efaktur-*.png; do
  size="$(basename "$png" .png | cut -d- -f2)"
  mkdir -p "$appdir/usr/share/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$appdir/usr/share/icons/hicolor/${size}x${size}/apps/efaktur.png"
done
cp assets/icons/efaktur-256.png "$appdir/efaktur.png"
ln -s efaktur.png "$appdir/.DirIcon"
sed -e 's/{{name}}/e-Faktur Desktop/' -e 's/{{exec}}/efaktur/' -e 's/{{icon}}/efaktur/' \
    -e 's/{{comment}}/e-Faktur Desktop (open): faktur pajak, NSFP, registrasi e-Nofa dan upload/' \
    -e '/{{[#/]if/d' installer/linux/efaktur.desktop >"$appdir/efaktur.desktop"
cp "$appdir/efaktur.desktop" "$appdir/usr/share/applications/efaktur.desktop"
# Modes that do not depend on the builder's umask.
find "$appdir" -type d -exec chmod 755 {} +
find "$appdir" -type f -exec chmod 644 {} +
chmod 755 "$appdir/usr/bin/efaktur"

payload="$out_dir/efaktur.squashfs"
rm -f "$payload"
# gzip: what every squashfs reader has, and all the runtime decompresses (a small runtime);
# 1 MiB blocks compress the binary nearly as well as one stream.
mksquashfs "$appdir" "$payload" -noappend -quiet -no-progress -comp gzip -Xcompression-level 9 \
  -b 1M -all-root -no-xattrs -no-exports -mkfs-time 0 -all-time 0 >/dev/null
image="$out_dir/efaktur_${version}_x86_64.AppImage"
cat "$runtime" "$payload" >"$image"
printf 'AI\x02' | dd of="$image" bs=1 seek=8 conv=notrunc status=none
chmod 755 "$image"
rm -f "$payload"
echo "AppImage: $image ($(wc -c <"$image") bytes, squashfs at byte $(wc -c <"$runtime"))"
