//! Argon2 work (password and Kode Aktivasi checks, new hashes) in a small bounded pool, outside
//! the database lock.
//!
//! Each argon2 run takes ~19 MiB and tens of milliseconds of CPU. Run under the single database
//! lock it made every other request (QR validation too) wait behind it; run on as many blocking
//! threads as there were requests it grew the server to gigabytes. Here at most `workers` run at
//! once; other requests wait for a permit without holding a thread or the database.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use super::ServerError;
use super::state::ApiError;

/// A new argon2 hash of `secret` (blocking: the pool or an operator command calls it).
pub fn hash_secret(secret: &str) -> Result<String, ServerError> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| ServerError::Database(e.to_string()))?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServerError::Database(e.to_string()))
}

/// Whether `secret` matches the argon2 `hash` (blocking, as [`hash_secret`]).
pub fn verify_secret(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes a Kode Aktivasi in the form [`crate::domain::KodeAktivasi::as_str`] gives (no dashes),
/// which is how registration compares it.
pub fn hash_kode(formatted: &str) -> Result<String, ServerError> {
    hash_secret(&formatted.replace('-', ""))
}

pub struct HashPool {
    permits: Arc<Semaphore>,
    busy: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

/// A secret checked against one stored hash before the database lock was taken.
#[derive(Debug, Clone)]
pub struct Checked {
    hash: Option<String>,
    matched: bool,
}

impl Checked {
    /// Nothing to check against (no hash stored, or a secret that cannot be right).
    pub fn failed() -> Checked {
        Checked {
            hash: None,
            matched: false,
        }
    }

    /// True when the secret matched and `stored` (read again inside the transaction) is still
    /// the hash it was checked against: a reset in between makes the check count as failed.
    pub fn holds_for(&self, stored: Option<&str>) -> bool {
        self.matched && stored.is_some() && self.hash.as_deref() == stored
    }
}

impl HashPool {
    pub fn new(workers: usize) -> HashPool {
        HashPool {
            permits: Arc::new(Semaphore::new(workers.max(1))),
            busy: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Checks `secret` against the argon2 `hash`.
    pub async fn check(&self, secret: &str, hash: &str) -> Result<Checked, ApiError> {
        let (secret, stored) = (Zeroizing::new(secret.to_owned()), hash.to_owned());
        let matched = self.run(move || verify_secret(&secret, &stored)).await?;
        Ok(Checked {
            hash: Some(hash.to_owned()),
            matched,
        })
    }

    /// A new argon2 hash of `secret`.
    pub async fn hash(&self, secret: &str) -> Result<String, ApiError> {
        let secret = Zeroizing::new(secret.to_owned());
        self.run(move || hash_secret(&secret))
            .await?
            .map_err(ApiError::from)
    }

    /// The hash of a Kode Aktivasi as [`hash_kode`] makes it (dashes dropped).
    pub async fn hash_kode(&self, formatted: &str) -> Result<String, ApiError> {
        self.hash(&formatted.replace('-', "")).await
    }

    /// The most argon2 runs that were ever in progress at once (never above the pool size).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?;
        let (busy, peak) = (self.busy.clone(), self.peak.clone());
        // The permit moves into the blocking task: a request given up half-way (client gone)
        // keeps its slot until the argon2 run really ends.
        tokio::task::spawn_blocking(move || {
            let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            let out = work();
            busy.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            out
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn never_more_runs_than_workers_and_a_reset_hash_fails_the_check() {
        let pool = Arc::new(HashPool::new(2));
        let hash = pool.hash("rahasia").await.unwrap();
        let mut checks = tokio::task::JoinSet::new();
        for i in 0..8 {
            let (pool, hash) = (pool.clone(), hash.clone());
            let secret = if i % 2 == 0 { "rahasia" } else { "salah" };
            checks.spawn(async move { (i, pool.check(secret, &hash).await.unwrap()) });
        }
        while let Some(done) = checks.join_next().await {
            let (i, checked) = done.unwrap();
            assert_eq!(checked.holds_for(Some(&hash)), i % 2 == 0);
        }
        assert!((1..=2).contains(&pool.peak()), "peak {}", pool.peak());

        let checked = pool.check("rahasia", &hash).await.unwrap();
        let other = pool.hash("rahasia").await.unwrap();
        assert!(!checked.holds_for(Some(&other)));
        assert!(!checked.holds_for(None));
        assert!(!Checked::failed().holds_for(Some(&hash)));
    }
}
