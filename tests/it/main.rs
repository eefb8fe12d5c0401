//! The one integration-test binary (one link step instead of many). Each area has its module.

mod enofa;
mod exchange;
mod exchange2;
mod keyring;
mod tidy;
mod ui;
