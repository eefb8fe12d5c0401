#!/usr/bin/env bash
# Renders the app icon (efaktur.svg) into the sizes each system wants; the outputs are committed.
#   PNG 16..512 (Linux hicolor, AppImage, the window icon), efaktur.ico (Windows: 16..256),
#   efaktur.icns (macOS: 16..512 and 512@2x from the 512 PNG scaled up in the vector).
# Needs ImageMagick (convert) and python3.
set -euo pipefail
cd "$(dirname "$0")"
for s in 16 24 32 48 64 128 256 512 1024; do
  convert -background none -density 400 efaktur.svg -resize "${s}x${s}" "PNG32:efaktur-${s}.png"
done
convert efaktur-16.png efaktur-24.png efaktur-32.png efaktur-48.png efaktur-64.png efaktur-128.png efaktur-256.png efaktur.ico
python3 - <<'PY'
# An .icns is a header ('icns', total length) and entries (type, length, PNG bytes).
import struct
entries = [("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256),
           ("ic09", 512), ("ic10", 1024), ("ic11", 32), ("ic12", 64), ("ic13", 256), ("ic14", 512)]
body = b""
for kind, size in entries:
    data = open(f"efaktur-{size}.png", "rb").read()
    body += kind.encode() + struct.pack(">I", len(data) + 8) + data
open("efaktur.icns", "wb").write(b"icns" + struct.pack(">I", len(body) + 8) + body)
PY
rm efaktur-1024.png
