//! The one integration-test binary (one link step instead of many). Each area has its module.

mod coretax;
mod enofa;
mod enofa_authz;
mod exchange;
mod exchange2;
mod hardening;
mod keyring;
mod props;
mod referensi;
mod retur;
mod targets;
mod tidy;
mod ui;
mod xlsx;
