#!/usr/bin/env bash
# Builds the macOS bundle and disk image (.app, .dmg) into ${CARGO_TARGET_DIR:-target}/installer.
# Run on macOS with Xcode command line tools. Unsigned unless the APPLE_* / signing settings of
# cargo-packager are given in the environment.
source "$(dirname "$0")/common.sh"
package app,dmg
