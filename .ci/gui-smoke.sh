#!/usr/bin/env bash
# GUI smoke test: start the release app under Xvfb with a throw-away data folder, wait for its
# window, take a screenshot, check that something was really drawn, then close it with SIGTERM
# and expect exit code 0.
#
# Needs (Debian): xvfb xdotool imagemagick   (plus the build's own packages)
# Usage: .ci/gui-smoke.sh [path/to/efaktur]   (default: target/release/efaktur, built if missing)
# Env:   SMOKE_OUT  folder for the screenshot and log (default: target/gui-smoke)
#        SMOKE_ARGS extra arguments for the app (default: --simulasi)
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"
bin="${1:-$target_dir/release/efaktur}"
out="${SMOKE_OUT:-$target_dir/gui-smoke}"
read -r -a app_args <<<"${SMOKE_ARGS---simulasi}"
mkdir -p "$out"

if [[ ! -x "$bin" ]]; then
  cargo build --release --locked --bin efaktur
fi
for tool in Xvfb xdotool import convert; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install xvfb xdotool imagemagick)"; exit 2; }
done

data="$(mktemp -d)"
display=":$((90 + RANDOM % 100))"
cleanup() {
  [[ -n "${app_pid:-}" ]] && kill "$app_pid" 2>/dev/null || true
  [[ -n "${xvfb_pid:-}" ]] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp &
xvfb_pid=$!
export DISPLAY="$display"
# Force X11 and the software renderer: no Wayland, no GPU on CI.
unset WAYLAND_DISPLAY
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done

"$bin" --data-dir "$data" "${app_args[@]}" >"$out/app.log" 2>&1 &
app_pid=$!

# Wait for the window to be mapped.
window=""
for _ in $(seq 120); do
  window="$(xdotool search --onlyvisible --name 'e-Faktur' 2>/dev/null | head -n1 || true)"
  [[ -n "$window" ]] && break
  kill -0 "$app_pid" 2>/dev/null || { echo "app exited early:"; cat "$out/app.log"; exit 1; }
  sleep 0.5
done
[[ -n "$window" ]] || { echo "no window appeared"; cat "$out/app.log"; exit 1; }
# Give the first frames time to be presented.
sleep 3

shot="$out/window.png"
import -window "$window" "$shot" 2>/dev/null || import -window root "$shot"
colours="$(convert "$shot" -format %k info:)"
echo "screenshot $shot: $colours distinct colours"
# A blank or black window has a handful of colours; rendered text and widgets have hundreds
# (anti-aliasing).
if (( colours < 64 )); then
  echo "window looks blank"
  exit 1
fi

kill -TERM "$app_pid"
status=0
for _ in $(seq 40); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.25; done
if kill -0 "$app_pid" 2>/dev/null; then
  echo "app did not exit after SIGTERM"
  exit 1
fi
wait "$app_pid" || status=$?
app_pid=""
if (( status != 0 )); then
  echo "app exited with $status after SIGTERM"
  cat "$out/app.log"
  exit 1
fi
echo "gui smoke ok"
