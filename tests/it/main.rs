//! The one integration-test binary (one link step instead of many). Each area has its module.

mod coretax;
mod enofa;
mod exchange;
mod keyring;
mod tidy;
mod ui;
