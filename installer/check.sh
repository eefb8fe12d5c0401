#!/usr/bin/env bash
# What can be checked of the packaging definition on Linux, for all systems (CI runs it):
# installer/packager.toml against cargo-packager's JSON schema (every Windows and macOS field
# too), every file it names exists, its version is Cargo.toml's, and the desktop entry is valid.
# Needs python3 (>= 3.11, tomllib) with jsonschema (Debian: python3-jsonschema), and
# desktop-file-validate (desktop-file-utils) when present.
set -euo pipefail
cd "$(dirname "$0")"
# Debian's python3-jsonschema is in /usr/bin/python3; a python3 earlier in PATH (pyenv) may lack it.
python=""
for candidate in /usr/bin/python3 python3; do
  if "$candidate" -c 'import jsonschema, tomllib' 2>/dev/null; then python="$candidate"; break; fi
done
[[ -n "$python" ]] || { echo "installer/check.sh: needs python3 >= 3.11 with jsonschema (apt-get install python3-jsonschema)"; exit 2; }
"$python" - <<'PY'
import json, pathlib, sys, tomllib
import jsonschema

cfg = tomllib.loads(pathlib.Path("packager.toml").read_text())
schema = json.loads(pathlib.Path("packager.schema.json").read_text())
problems = [f"{'/'.join(map(str, e.path)) or '(top)'}: {e.message}"
            for e in jsonschema.Draft7Validator(schema).iter_errors(cfg)]
files = list(cfg.get("icons", [])) + [cfg.get("licenseFile")]
files += [cfg.get("deb", {}).get("desktopTemplate"), cfg.get("nsis", {}).get("installerIcon")]
problems += [f"missing file {f}" for f in files if f and not pathlib.Path(f).is_file()]
for ext in (".png", ".ico", ".icns"):
    if not any(str(f).endswith(ext) for f in cfg.get("icons", [])):
        problems.append(f"no {ext} icon (needed by {'Linux' if ext == '.png' else 'Windows' if ext == '.ico' else 'macOS'})")
cargo = tomllib.loads(pathlib.Path("../Cargo.toml").read_text())["package"]
if cfg.get("version") != cargo["version"]:
    problems.append(f"version {cfg.get('version')} is not Cargo.toml's {cargo['version']}")
wanted = {"deb", "appimage", "nsis", "wix", "app", "dmg"}
if set(cfg.get("formats", [])) != wanted:
    problems.append(f"formats should be {sorted(wanted)}")
for p in problems:
    print("installer/packager.toml:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
if command -v desktop-file-validate >/dev/null; then
  rendered="$(mktemp --suffix=.desktop)"
  trap 'rm -f "$rendered"' EXIT
  sed -e 's/{{name}}/e-Faktur Desktop/' -e 's/{{exec}}/efaktur/' -e 's/{{icon}}/efaktur/' \
      -e "s/{{comment}}/Faktur pajak, NSFP, registrasi e-Nofa/" -e '/{{[#/]if/d' linux/efaktur.desktop >"$rendered"
  desktop-file-validate "$rendered"
fi
echo "installer definition ok"
