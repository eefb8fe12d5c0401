//! e-Faktur Desktop core: everything but the user interface. This crate never names iced.

pub mod cert;
pub mod config;
pub mod domain;
pub mod enofa;
pub mod exchange;
pub mod paths;
pub mod print;
pub mod private_files;
pub mod registration;
pub mod store;
pub mod upload;
