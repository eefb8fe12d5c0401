#!/usr/bin/env bash
# GUI smoke test: start the release app under Xvfb in simulasi with a throw-away data folder and
# walk the real window with xdotool (keyboard and clicks), as a trainee would:
#
#   01 Pilih Database (simulasi, Database baru) → Connect
#   02 REGISTER ETAX INVOICE → Buka (passphrase) → 03 certificate open → Register → 04 captcha
#   05 Submit → REGISTER USER → 06 Login → 07 Beranda
#   08 Referensi menu → 09 Nomor Faktur → 10 Minta NSFP (10 numbers from the simulasi e-Nofa
#      server) → 11 the range recorded
#   12 Faktur > Pajak Keluaran > Rekam Faktur → 13 filled in (one line) → 14 Simpan: the faktur
#   15 Upload Faktur (on the faktur page): Siap Upload → 16 Esc: Administrasi Faktur with it
#   17 Upload > Start Uploader (passphrase, unless remembered in a keyring) → 18 captcha
#   19 the uploader running → 20 Approval Sukses in the list
#   then SIGTERM, expecting exit code 0.
#
# One PNG per step in $SMOKE_OUT. Every step waits (polling, generous time-outs for a slow CI
# machine) for its proof before the next one, and a missing proof fails the script saying which
# step and why:
#   - the screen log: in simulasi only, the app writes each change of screen, dialog or page to
#     stderr ("efaktur-ui: Register captcha", "efaktur-ui: Main Faktur(1)", with the uploader's
#     counts "… approved=1"), see App::update;
#   - the Local Database, read with the sqlite3 shell (read-only): registration, user, NSFP,
#     faktur and its status;
#   - each screenshot must be non-blank and differ from the step before.
# Values a script cannot read off the screen: in simulasi only, the app fills in the demo PKP's
# Kode Aktivasi, passphrase, e-Nofa password and the captcha answer the simulasi server reveals
# (all shown on screen for the trainee anyway; a real server reveals no answer, so nothing changes
# outside simulasi). Where a field is not pre-filled the script types the public training values
# (README "Training").
#
# Needs (Debian): xvfb xdotool imagemagick sqlite3   (plus the build's own packages)
# Usage: .ci/gui-smoke.sh [path/to/efaktur]   (default: target/release/efaktur, built if missing)
# Env:   SMOKE_OUT      folder for the screenshots and the app's log (default: target/gui-smoke)
#        SMOKE_TIMEOUT  seconds to wait for each step (default: 90)
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"
bin="${1:-$target_dir/release/efaktur}"
out="${SMOKE_OUT:-$target_dir/gui-smoke}"
timeout="${SMOKE_TIMEOUT:-90}"
mkdir -p "$out"
rm -f "$out"/*.png "$out/app.log"

if [[ ! -x "$bin" ]]; then
  cargo build --release --locked --bin efaktur
fi
for tool in Xvfb xdotool import convert compare sqlite3; do
  command -v "$tool" >/dev/null || {
    echo "missing $tool (apt-get install xvfb xdotool imagemagick sqlite3)"
    exit 2
  }
done

# The demo PKP of --simulasi and its public training values (README "Training").
DEMO_NPWP=013000666091000
DEMO_PASSPHRASE=simulasi-efaktur
DEMO_PASSWORD=simulasi-enofa
USER_NAME=smoke
USER_PASSWORD=smoke-rahasia

data="$(mktemp -d)"
db="$data/db/$DEMO_NPWP.sqlite"
log="$out/app.log"
display=":$((90 + RANDOM % 100))"
started=$SECONDS
cleanup() {
  [[ -n "${app_pid:-}" ]] && kill "$app_pid" 2>/dev/null || true
  [[ -n "${xvfb_pid:-}" ]] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

step_name="start"
fail() {
  echo "GUI SMOKE FAILED at step '$step_name': $*" >&2
  echo "--- app log (last 30 lines) ---" >&2
  tail -n 30 "$log" >&2 || true
  echo "--- screenshots in $out ---" >&2
  if [[ -z "${failing:-}" && -n "${window:-}" ]]; then
    failing=1
    import -window "$window" "$out/failed.png" 2>/dev/null || true
  fi
  exit 1
}

alive() {
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited"
}

# Polls `cond` (a command) every half second until it succeeds or the step's time-out passes.
wait_for() {
  local what="$1"
  shift
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    alive
    ((SECONDS < deadline)) || fail "waited ${timeout}s for $what"
    sleep 0.5
  done
}

# The screen log from the mark on (what the last action caused).
mark=0
set_mark() { mark="$(wc -l <"$log")"; }
logged() { tail -n "+$((mark + 1))" "$log" | grep -qE "^efaktur-ui: ($1)\$"; }
wait_stage() { wait_for "the screen log to say '$1'" logged "$1"; }

sql() { sqlite3 -readonly -batch -noheader "$db" "$1" 2>/dev/null; }
sql_is() { [[ -f "$db" && "$(sql "$1")" == "$2" ]]; }
wait_sql() { wait_for "$3 (Local Database: $1 = $2)" sql_is "$1" "$2"; }

# Screenshot of the step; it must have been drawn and differ from the previous one.
n=0
last_shot=""
shot() {
  n=$((n + 1))
  local file
  file="$(printf '%s/%02d-%s.png' "$out" "$n" "$1")"
  local colours diff deadline=$((SECONDS + timeout))
  # A slow machine may present the new frame late: take the picture again until it has changed.
  while :; do
    import -window "$window" "$file" 2>/dev/null || import -window root "$file"
    colours="$(convert "$file" -format %k info:)"
    [[ -z "$last_shot" ]] && break
    diff="$(compare -metric AE "$last_shot" "$file" null: 2>&1 || true)"
    [[ "${diff%% *}" != "0" ]] && break
    ((SECONDS < deadline)) || fail "$file is still the same picture as $last_shot"
    sleep 0.5
  done
  # A blank or black window has a handful of colours; rendered text and widgets have hundreds.
  ((colours >= 64)) || fail "$file looks blank ($colours colours)"
  last_shot="$file"
  echo "  $(basename "$file"): $colours colours"
}

# Whether the window now looks different from screenshot $1.
changed_from() {
  local probe="$out/.probe.png" diff
  import -window "$window" "$probe" 2>/dev/null || return 1
  diff="$(compare -metric AE "$1" "$probe" null: 2>&1 || true)"
  rm -f "$probe"
  [[ "${diff%% *}" != "0" ]]
}

# Lets the frame after the awaited change be presented before a screenshot or the next key.
settle() { sleep 1; }

focus_window() { xdotool windowfocus --sync "$window" 2>/dev/null || xdotool windowfocus "$window"; }
key() {
  focus_window
  xdotool key --clearmodifiers --delay 80 "$@"
}
typed() {
  focus_window
  xdotool type --clearmodifiers --delay 40 "$1"
}
# A click at window coordinates (the window is 960x720 at the screen's top left).
click() {
  xdotool mousemove --window "$window" --sync "$1" "$2" 2>/dev/null ||
    xdotool mousemove --window "$window" "$1" "$2"
  sleep 0.3
  xdotool click 1
}
step() {
  step_name="$1"
  echo "[$((SECONDS - started))s] $1"
  set_mark
}

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp &
xvfb_pid=$!
export DISPLAY="$display"
# Force X11 and the software renderer: no Wayland, no GPU on CI.
unset WAYLAND_DISPLAY
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done

: >"$log"
"$bin" --data-dir "$data" --simulasi >>"$log" 2>&1 &
app_pid=$!

step "window"
window=""
deadline=$((SECONDS + timeout))
while :; do
  window="$(xdotool search --onlyvisible --name 'e-Faktur' 2>/dev/null | head -n1 || true)"
  [[ -n "$window" ]] && break
  alive
  ((SECONDS < deadline)) || fail "no window appeared"
  sleep 0.5
done
wait_stage "Connect"
settle

step "connect"
shot "pilih-database"
key Return
wait_stage "Register form"
settle

step "register: open the certificate"
# The .p12 field has the focus: Enter opens it and asks the (pre-filled) passphrase.
key Return
wait_stage "Register passphrase"
settle
shot "register-passphrase"
key Return
wait_stage "Register sertifikat-terbuka"
settle
shot "register-sertifikat"

step "register: captcha"
# The Kode Aktivasi field has the focus: Enter is Register, which fetches a captcha.
key Return
wait_stage "Register captcha"
settle
shot "register-captcha"

step "register: submit"
key Return
wait_stage "RegisterUser"
wait_sql "select registration from profile" "terdaftar" "the registration"
wait_for "the title to show the NPWP" \
  bash -c "xdotool getwindowname $window | grep -q '01.300.066.6-091.000'"
settle
shot "register-user"

step "register user"
typed "$USER_NAME"
key Tab
typed "$USER_PASSWORD"
key Tab
typed "$USER_PASSWORD"
key Return
wait_stage "Login"
wait_sql "select count(*) from app_user where username = '$USER_NAME'" "1" "the user"
settle
shot "login"

step "login"
# The new user's name is filled in and the password has the focus.
typed "$USER_PASSWORD"
key Return
wait_stage "Main Home"
settle
shot "beranda"

# The workspace: clicks at the menu bar's places in the 960x720 window (Bahasa Indonesia).
MENU_Y=108
MENU_FAKTUR_X=134
MENU_REFERENSI_X=333
MENU_UPLOAD_X=550

step "Referensi > Nomor Faktur"
click "$MENU_REFERENSI_X" "$MENU_Y"
wait_stage "Main Home menu 2"
settle
shot "menu-referensi"
set_mark
click 365 246 # Nomor Faktur, the 4th entry
wait_stage "Main NomorFaktur"
settle
shot "nomor-faktur"

step "Minta NSFP"
set_mark
click 232 203 # Minta NSFP
# The page's dialog: the screen log does not see it, the picture must change.
wait_for "the Minta NSFP dialog to open" changed_from "$last_shot"
settle
# Jumlah nomor has the focus; then pemohon, jabatan, e-Nofa password, certificate passphrase.
typed 10
key Tab
typed "Smoke Test"
key Tab
typed "Direktur"
key Tab
typed "$DEMO_PASSWORD"
key Tab
typed "$DEMO_PASSPHRASE"
shot "minta-nsfp"
key Return
wait_sql "select sum(end_serial - start_serial + 1) from nsfp_range" "10" "the NSFP granted by e-Nofa"
settle
shot "nsfp-direkam"

step "Faktur > Pajak Keluaran > Rekam Faktur"
click "$MENU_FAKTUR_X" "$MENU_Y"
wait_stage "Main NomorFaktur menu 0"
settle
set_mark
click 189 199 # Pajak Keluaran > Rekam Faktur
wait_stage "Main Rekam \\{ masukan: false \\}"
settle
shot "rekam-faktur"

step "Rekam Faktur: fill in"
# Tanggal (today) has the focus; kode transaksi 01 is the default. Tab order: Masa, Tahun,
# Referensi, Cari (lawan), NPWP, Nama, Alamat, Cari (barang), then the line: Kode, Nama, Harga
# satuan, Jumlah (Enter there is Tambah baris, which puts the focus in the line's Nama).
key Tab Tab Tab
typed "SMOKE-1"
key Tab Tab
typed "013463476415001"
key Tab
typed "PT PEMBELI SMOKE"
key Tab
typed "Jl. Uji Asap 1, Jakarta"
key Tab Tab
typed "SMK01"
key Tab
typed "Jasa uji asap"
key Tab
typed "1000000"
key Tab
typed "1"
key Return
settle
# Scroll the form (the wheel moves no focus) so the picture shows the added line and the totals.
import -window "$window" "$out/.unscrolled.png"
xdotool mousemove --window "$window" 480 600
xdotool click --repeat 15 --delay 50 5
wait_for "the form to scroll to the line and the totals" changed_from "$out/.unscrolled.png"
rm -f "$out/.unscrolled.png"
settle
shot "rekam-faktur-diisi"

step "Rekam Faktur: Simpan"
# Back to Alamat (line Nama → line Kode → Cari barang → Alamat), where Enter is Simpan.
key shift+Tab shift+Tab shift+Tab
sleep 0.5
key Return
wait_stage "Main Faktur\\([0-9]+\\)"
wait_sql "select count(*) || ' ' || min(lawan_nama) || ' ' || min(jumlah_dpp) || ' ' || min(jumlah_ppn) from faktur" \
  "1 PT PEMBELI SMOKE 1000000 120000" "the saved faktur"
settle
shot "faktur-tersimpan"

step "Upload Faktur"
set_mark
click 230 336 # Upload Faktur, after Ubah and Hapus
wait_sql "select status_approval from faktur" "siap_upload" "the faktur to be Siap Upload"
# The same page again (no new screen-log line), now showing Siap Upload.
settle
shot "siap-upload"

step "Administrasi Faktur"
# Esc goes back to the list behind the saved faktur.
key Escape
wait_stage "Main Administrasi \\{ masukan: false \\}"
settle
shot "administrasi-faktur"

step "Upload > Start Uploader"
click "$MENU_UPLOAD_X" "$MENU_Y"
wait_stage "Main Administrasi \\{ masukan: false \\} menu [0-9]+"
settle
set_mark
click 596 147 # Start Uploader
# A passphrase remembered in the OS keyring skips its prompt; without a keyring it is asked.
wait_stage "Main Administrasi \\{ masukan: false \\} uploader-(passphrase|captcha)"
if logged ".* uploader-passphrase"; then
  settle
  typed "$DEMO_PASSPHRASE"
  shot "uploader-passphrase"
  set_mark
  key Return
  wait_stage "Main Administrasi \\{ masukan: false \\} uploader-captcha"
fi
settle
# The captcha answer is filled in (simulasi); the e-Nofa password is typed.
key Tab
typed "$DEMO_PASSWORD"
shot "uploader-captcha"
set_mark
key Return
wait_stage "Main Administrasi \\{ masukan: false \\} uploader sent=[0-9]+ approved=[0-9]+ rejected=0"
settle
shot "uploader-berjalan"

step "Approval Sukses"
wait_sql "select status_approval from faktur" "approval_sukses" "e-Nofa's approval of the faktur"
# The answer may come before the step's mark, so the whole log is read here.
wait_for "the status bar to count the approval" \
  grep -qE "^efaktur-ui: Main Administrasi \\{ masukan: false \\} uploader sent=1 approved=1 rejected=0\$" "$log"
settle
shot "approval-sukses"

echo "[$((SECONDS - started))s] walk done"

step "close"
kill -TERM "$app_pid"
status=0
for _ in $(seq 80); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.25; done
if kill -0 "$app_pid" 2>/dev/null; then
  fail "app did not exit after SIGTERM"
fi
wait "$app_pid" || status=$?
app_pid=""
((status == 0)) || fail "app exited with $status after SIGTERM"
echo "gui smoke ok ($n screenshots in $out, $((SECONDS - started))s)"
