//! `.p12` certificates: loading, inspection, and the secret store (passphrases, e-Nofa password).
//!
//! A PKP certificate carries its 15-digit NPWP in the subject's `serialNumber` attribute
//! (OID 2.5.4.5), next to `CN=<nama PKP>`; [`CertInfo::npwp`] reads it from there.

mod error;
mod identity;
mod info;
mod p12;
mod secret;
#[cfg(test)]
mod tests;

pub use error::CertError;
pub use identity::{Identity, verify_signature};
pub use info::{CertInfo, NPWP_ATTRIBUTE_OID};
pub use p12::{P12Encryption, write_p12};
pub use secret::{KeyringStore, MemoryStore, Secret, SecretError, SecretStore};
