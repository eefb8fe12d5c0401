//! How much one client may hold of the service: time to finish the TLS handshake, time a
//! connection may sit idle, connections per listener and per address, parallel password hashing,
//! and how long a shutdown waits for requests in progress.

use std::time::Duration;

/// Limits of a running service ([`super::ServerConfig::limits`]). The defaults suit a service on
/// one machine with the usual 1024 open files per process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// A connection that has not completed the TLS handshake by then is closed.
    pub handshake_timeout: Duration,
    /// A connection that sends no request for this long (or takes this long to send its request
    /// headers) is closed.
    pub idle_timeout: Duration,
    /// Open connections per listener; further connections wait in the kernel's queue until one
    /// closes.
    pub max_connections: usize,
    /// Open connections per client address and listener; further ones are closed at once.
    pub max_connections_per_address: usize,
    /// Argon2 password/Kode Aktivasi checks running at the same time (each takes ~19 MiB).
    pub hash_workers: usize,
    /// On shutdown, how long requests in progress may take to finish before they are cut off.
    pub drain_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 400,
            max_connections_per_address: 64,
            hash_workers: default_hash_workers(),
            drain_timeout: Duration::from_secs(30),
        }
    }
}

/// One argon2 check per core, at most 4: more only queue for the CPU and cost memory.
fn default_hash_workers() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
}

impl Limits {
    /// Zero would stop the service from ever accepting or hashing: read it as one.
    pub(crate) fn sane(mut self) -> Limits {
        self.max_connections = self.max_connections.max(1);
        self.max_connections_per_address = self.max_connections_per_address.max(1);
        self.hash_workers = self.hash_workers.max(1);
        self
    }
}
