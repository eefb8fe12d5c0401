//! e-Faktur Desktop core: everything but the user interface. This crate never names iced.

pub mod domain;
pub mod paths;
pub mod store;
