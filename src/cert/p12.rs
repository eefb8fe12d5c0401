//! Writing PKCS#12 files (the issuing side: `enofa-server cert issue`, tests).

use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKey,
    PrivateKeyChain,
};

use super::CertError;

/// How the `.p12` is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum P12Encryption {
    /// PBES2 with AES-256 and an HMAC-SHA256 MAC: the modern default.
    #[default]
    Aes256,
    /// pbeWithSHA1And3-KeyTripleDES-CBC with a SHA-1 MAC and 1024 iterations, as DJP's real
    /// files are, for software that reads nothing newer.
    Legacy3Des,
}

/// Packs a key (PKCS#8 DER) and its chain (leaf first) into a passphrase-protected `.p12`.
pub fn write_p12(
    chain_der: &[Vec<u8>],
    key_pkcs8_der: &[u8],
    friendly_name: &str,
    passphrase: &str,
    encryption: P12Encryption,
) -> Result<Vec<u8>, CertError> {
    let issue = |e: p12_keystore::error::Error| CertError::Issue(e.to_string());
    let certs = chain_der
        .iter()
        .map(|der| Certificate::from_der(der))
        .collect::<Result<Vec<_>, _>>()
        .map_err(issue)?;
    let key = PrivateKey::from_der(key_pkcs8_der).map_err(issue)?;
    let local_key_id = sha2_id(key_pkcs8_der);
    let chain = PrivateKeyChain::new(local_key_id, key, certs);
    let mut store = KeyStore::new();
    store.add_entry(friendly_name, KeyStoreEntry::PrivateKeyChain(chain));
    let writer = store.writer(passphrase);
    let writer = match encryption {
        P12Encryption::Aes256 => writer,
        P12Encryption::Legacy3Des => writer
            .encryption_algorithm(EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc)
            .encryption_iterations(1024)
            .mac_algorithm(MacAlgorithm::HmacSha1)
            .mac_iterations(1024),
    };
    writer.write().map_err(issue)
}

fn sha2_id(data: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(data)[..20].to_vec()
}
