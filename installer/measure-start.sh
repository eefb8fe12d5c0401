#!/usr/bin/env bash
# Start time of the app's window against an empty iced window (examples/empty_window.rs), both
# built with the same profile: the median over RUNS starts of the time from exec until the
# window is mapped, under Xvfb (software rendering, as CI). Prints one line per program.
#
# Usage: installer/measure-start.sh [EFAKTUR_BIN] [EMPTY_BIN]
#   default: ${CARGO_TARGET_DIR:-target}/dist/efaktur and .../dist/examples/empty_window
# Env: RUNS (default 7). Needs Xvfb and xdotool.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"
app="${1:-$target_dir/dist/efaktur}"
empty="${2:-$target_dir/dist/examples/empty_window}"
runs="${RUNS:-7}"
for tool in Xvfb xdotool; do
  command -v "$tool" >/dev/null || { echo "missing $tool"; exit 2; }
done

display=":$((200 + RANDOM % 100))"
data="$(mktemp -d)"
cleanup() {
  [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null || true
  [[ -n "${xvfb:-}" ]] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp &
xvfb=$!
export DISPLAY="$display"
unset WAYLAND_DISPLAY
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done

# ms from start until a visible window named $2 exists.
time_to_window() {
  local name="$2" t0 t1
  shift 2
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 2000); do
    if xdotool search --onlyvisible --name "$name" >/dev/null 2>&1; then break; fi
    sleep 0.005
  done
  t1=$(date +%s%N)
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
  echo $(((t1 - t0) / 1000000))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() {
  local label="$1" name="$2"
  shift 2
  local samples=()
  for _ in $(seq "$runs"); do samples+=("$(time_to_window "$label" "$name" "$@")"); done
  printf '%-22s median %4s ms  (runs: %s)\n' "$label" "$(printf '%s\n' "${samples[@]}" | median)" "${samples[*]}"
}

measure "empty iced window" "empty iced window" "$empty"
measure "efaktur" "e-Faktur" "$app" --data-dir "$data"
