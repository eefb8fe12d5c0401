//! The service's SQL, one module per aggregate (as the client's `src/store/`). New SQL goes
//! here; older SQL still lives beside its handlers (`api.rs`, `db.rs`, …) until it moves.

pub mod accounts;
pub mod cabang;
pub mod officers;
pub mod password_reset;
pub mod web_session;

use sha2::{Digest, Sha256};

/// Hex SHA-256 of a bearer token: what the tables keep instead of the token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
