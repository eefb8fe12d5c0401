//! The one integration-test binary (one link step instead of many). Each area has its module.

mod enofa;
mod exchange;
mod hardening;
mod keyring;
mod props;
mod targets;
mod tidy;
mod ui;
