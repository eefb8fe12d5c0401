//! The e-Nofa protocol (`wire`), its mutual-TLS client and the `enofa-server` service.

pub mod client;
pub mod error;
pub mod server;
pub mod wire;

pub use client::EnofaClient;
pub use error::ClientError;
