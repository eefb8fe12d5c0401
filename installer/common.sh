# Shared by installer/build-*.sh (sourced): builds the shipped binary with the `dist` profile,
# copies it to the packaging folder and runs cargo-packager with installer/packager.toml.
#   CARGO_TARGET_DIR  where cargo builds (default: target)
#   PACKAGER_VERSION  cargo-packager version (default: the one packager.schema.json comes from)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target_dir="$(realpath -m "${CARGO_TARGET_DIR:-target}")"
out_dir="$target_dir/installer"
tools="$target_dir/tools"
PACKAGER_VERSION="${PACKAGER_VERSION:-0.11.8}"
exe=""
case "$(uname -s)" in MINGW* | MSYS* | CYGWIN*) exe=".exe" ;; esac

# cargo-packager, installed once into target/tools (pinned: the schema check uses its schema).
ensure_packager() {
  export PATH="$tools/bin:$PATH"
  if cargo packager --version 2>/dev/null | grep -q "$PACKAGER_VERSION"; then
    return
  fi
  local started=$SECONDS
  CARGO_TARGET_DIR="$target_dir/tools-build" \
    cargo install --locked cargo-packager --version "$PACKAGER_VERSION" --root "$tools"
  echo "cargo-packager $PACKAGER_VERSION installed in $((SECONDS - started)) s"
}

build_binary() {
  local started=$SECONDS
  cargo build --locked --profile dist --bin efaktur
  echo "dist build: $((SECONDS - started)) s"
  mkdir -p "$out_dir"
  cp "$target_dir/dist/efaktur$exe" "$out_dir/efaktur$exe"
  echo "binary: $(wc -c <"$out_dir/efaktur$exe") bytes"
}

# package FORMAT[,FORMAT]: the packages land in $out_dir.
package() {
  ensure_packager
  build_binary
  local started=$SECONDS
  cargo packager --config installer/packager.toml --out-dir "$out_dir" --formats "$1"
  echo "packaging ($1): $((SECONDS - started)) s"
  ls -l "$out_dir"
}
