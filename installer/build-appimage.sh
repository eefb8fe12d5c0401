#!/usr/bin/env bash
# Builds the Linux AppImage (any distribution) into ${CARGO_TARGET_DIR:-target}/installer.
source "$(dirname "$0")/common.sh"
package appimage
