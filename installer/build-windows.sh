#!/usr/bin/env bash
# Builds the Windows installers (NSIS .exe, WiX .msi) into ${CARGO_TARGET_DIR:-target}/installer.
# Run on Windows (Git Bash) with the MSVC toolchain; cargo-packager downloads NSIS and WiX.
source "$(dirname "$0")/common.sh"
package nsis,wix
