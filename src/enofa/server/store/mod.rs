//! The service's SQL, one module per aggregate (as the client's `src/store/`): nothing outside
//! this folder runs a statement (`tests/it/tidy.rs` checks), `db.rs` only opens and migrates.
//! Each function takes the caller's `&Connection` (a `Transaction` derefs to one), so a rule
//! that changes several rows keeps them in the caller's one transaction.

pub mod accounts;
pub mod audit;
pub mod cabang;
pub mod certificates;
pub mod faktur;
pub mod nsfp;
pub mod officers;
pub mod password_reset;
pub mod settings;
pub mod throttle;
pub mod upload_session;
pub mod uploads;
pub mod web_session;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// Hex SHA-256 of a bearer token: what the tables keep instead of the token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Now, as every table stores time: RFC 3339 UTC to the second (text sorts as time).
pub fn now() -> String {
    stamp(Utc::now())
}

/// `t` as the tables store it (see [`now`]).
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A stored time; the epoch for text that is not one.
pub fn parse_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}
