#!/usr/bin/env bash
# Builds the Linux .deb (Debian, Ubuntu) into ${CARGO_TARGET_DIR:-target}/installer.
source "$(dirname "$0")/common.sh"
package deb
