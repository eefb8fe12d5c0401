//! Secrets (passphrase, e-Nofa password) behind a trait: the OS keyring, or memory in tests.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use zeroize::Zeroizing;

/// A secret string: wiped from memory on drop, never shown by `Debug`. The default is empty
/// (an input field nobody has typed into yet).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(value.into()))
    }

    /// The clear text, for the one place that needs it (opening a `.p12`, a request body).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<disembunyikan>)")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret::new(s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// The cause stays in the value (for logs and bug reports); the message speaks to the user.
    #[error(
        "Penyimpanan rahasia sistem (keyring) tidak tersedia di komputer ini, jadi passphrase tidak \
         dapat diingat. Masukkan passphrase/password setiap kali diminta, atau aktifkan keyring \
         sistem (mis. GNOME Keyring / KWallet di Linux)."
    )]
    Unavailable(String),
    #[error("Keyring sistem menolak operasi: {0}")]
    Failed(String),
}

/// Where secrets are kept, by key (e.g. `"passphrase/013000666091000"`).
pub trait SecretStore: Send + Sync {
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretError>;
    fn set(&self, key: &str, value: &Secret) -> Result<(), SecretError>;
    /// Deleting a key that does not exist is not an error.
    fn delete(&self, key: &str) -> Result<(), SecretError>;
}

/// The operating system's keyring (Secret Service, Keychain, Credential Manager).
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// `service` names the application in the keyring, e.g. `"efaktur"`.
    pub fn new(service: impl Into<String>) -> KeyringStore {
        KeyringStore {
            service: service.into(),
        }
    }

    fn entry(&self, key: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, key).map_err(|e| SecretError::Unavailable(e.to_string()))
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretError> {
        match self.entry(key)?.get_password() {
            Ok(v) => Ok(Some(Secret::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(SecretError::Failed(e.to_string())),
        }
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), SecretError> {
        self.entry(key)?
            .set_password(value.expose())
            .map_err(|e| SecretError::Failed(e.to_string()))
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretError::Failed(e.to_string())),
        }
    }
}

/// Secrets in memory only: for tests and for "ask every time" mode.
#[derive(Debug, Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<String, Secret>>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Secret>> {
        self.secrets.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretError> {
        Ok(self.map().get(key).cloned())
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), SecretError> {
        self.map().insert(key.to_owned(), value.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        self.map().remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trips_and_debug_redacts() {
        let store = MemoryStore::new();
        store.set("k", &Secret::new("rahasia")).unwrap();
        let got = store.get("k").unwrap().unwrap();
        assert_eq!(got.expose(), "rahasia");
        assert!(!format!("{got:?}").contains("rahasia"));
        store.delete("k").unwrap();
        store.delete("k").unwrap();
        assert!(store.get("k").unwrap().is_none());
    }
}
