//! The one integration-test binary (one link step instead of many). Each area has its module.

mod enofa;
mod enofa_conn;
mod enofa_load;
mod enofa_process;
mod exchange;
mod keyring;
mod load_driver;
mod tidy;
mod ui;
