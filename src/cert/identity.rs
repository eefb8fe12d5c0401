//! A PKP's identity: certificate chain and private key, opened from a `.p12`.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use p12_keystore::error::Error as P12Error;
use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
use rustls::SignatureScheme;
use rustls::sign::{CertifiedKey, SigningKey};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use zeroize::Zeroizing;

use super::{CertError, CertInfo};

/// Signature schemes an upload may be signed with, strongest first. The key type decides.
const SCHEMES: [SignatureScheme; 4] = [
    SignatureScheme::ECDSA_NISTP256_SHA256,
    SignatureScheme::ECDSA_NISTP384_SHA384,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::ED25519,
];

/// Certificate chain (leaf first) plus private key. `Debug` never shows the key; every copy of
/// the key this type makes is wiped when dropped.
pub struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: Zeroizing<PrivatePkcs8KeyDer<'static>>,
    info: CertInfo,
}

impl Identity {
    /// Opens a `.p12` with its passphrase. A wrong passphrase is [`CertError::WrongPassphrase`].
    pub fn from_p12(bytes: &[u8], passphrase: &str) -> Result<Identity, CertError> {
        let store = KeyStore::from_pkcs12(bytes, passphrase, Pkcs12ImportPolicy::Relaxed)
            .map_err(open_error)?;
        let (_, chain) = store.private_key_chain().ok_or(CertError::NoPrivateKey)?;
        let leaf = chain.certs().first().ok_or(CertError::NoPrivateKey)?;
        let info = CertInfo::from_der(leaf.as_der())?;
        Ok(Identity {
            chain: chain
                .certs()
                .iter()
                .map(|c| CertificateDer::from(c.as_der().to_vec()))
                .collect(),
            key: Zeroizing::new(PrivatePkcs8KeyDer::from(chain.key().as_der().to_vec())),
            info,
        })
    }

    /// Subject, NPWP, issuer, serial and validity of the leaf certificate.
    pub fn info(&self) -> CertInfo {
        self.info.clone()
    }

    /// Shorthand for `info().check_for(npwp, now)`.
    pub fn check_for(
        &self,
        npwp: &crate::domain::Npwp,
        now: DateTime<Utc>,
    ) -> Result<(), CertError> {
        self.info.check_for(npwp, now)
    }

    /// The chain for a TLS handshake, leaf first.
    pub fn certificate_chain(&self) -> Vec<CertificateDer<'static>> {
        self.chain.clone()
    }

    /// A copy of the private key (DER), wiped when dropped.
    pub fn private_key(&self) -> Zeroizing<PrivateKeyDer<'static>> {
        Zeroizing::new(PrivateKeyDer::Pkcs8(self.key.clone_key()))
    }

    /// The key loaded for signing. Borrows the DER instead of handing rustls an owned copy,
    /// which it would drop without wiping.
    fn signing_key(&self) -> Result<Arc<dyn SigningKey>, rustls::Error> {
        rustls::crypto::aws_lc_rs::sign::any_supported_type(&self.private_key())
    }

    /// Chain and key for a TLS client (`SingleCertAndKey::from`), the key checked against the
    /// leaf certificate.
    pub fn certified_key(&self) -> Result<CertifiedKey, CertError> {
        let bad = |e: rustls::Error| CertError::BadCertificate(e.to_string());
        let certified =
            CertifiedKey::new(self.certificate_chain(), self.signing_key().map_err(bad)?);
        match certified.keys_match() {
            Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {
                Ok(certified)
            }
            Err(e) => Err(bad(e)),
        }
    }

    /// Signs `message`; returns the scheme name (as [`super::verify_signature`] takes it) and
    /// the signature.
    pub fn sign(&self, message: &[u8]) -> Result<(String, Vec<u8>), CertError> {
        let key = self
            .signing_key()
            .map_err(|e| CertError::Signing(e.to_string()))?;
        let signer = key
            .choose_scheme(&SCHEMES)
            .ok_or_else(|| CertError::Signing("jenis kunci tidak didukung".into()))?;
        let signature = signer
            .sign(message)
            .map_err(|e| CertError::Signing(e.to_string()))?;
        Ok((format!("{:?}", signer.scheme()), signature))
    }
}

impl Clone for Identity {
    fn clone(&self) -> Identity {
        Identity {
            chain: self.chain.clone(),
            key: Zeroizing::new(self.key.clone_key()),
            info: self.info.clone(),
        }
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("info", &self.info)
            .field("key", &"<disembunyikan>")
            .finish()
    }
}

/// Tells a wrong passphrase (the MAC or the padding does not check) from a file that is not
/// PKCS#12 at all.
fn open_error(e: P12Error) -> CertError {
    match e {
        P12Error::MacError(_) | P12Error::UnpadError | P12Error::Pkcs5Error(_) => {
            CertError::WrongPassphrase
        }
        other => CertError::NotPkcs12(other.to_string()),
    }
}

/// Verifies a signature made by [`Identity::sign`] against the public key in `cert_der`.
pub fn verify_signature(
    cert_der: &[u8],
    scheme: &str,
    message: &[u8],
    signature: &[u8],
) -> Result<(), CertError> {
    use aws_lc_rs::signature as sig;
    use x509_parser::prelude::{FromDer, X509Certificate};

    let (_, cert) = X509Certificate::from_der(cert_der)
        .map_err(|e| CertError::BadCertificate(e.to_string()))?;
    let public_key = &cert.public_key().subject_public_key.data;
    let algorithm: &dyn sig::VerificationAlgorithm = match scheme {
        "ECDSA_NISTP256_SHA256" => &sig::ECDSA_P256_SHA256_ASN1,
        "ECDSA_NISTP384_SHA384" => &sig::ECDSA_P384_SHA384_ASN1,
        "RSA_PKCS1_SHA256" => &sig::RSA_PKCS1_2048_8192_SHA256,
        "ED25519" => &sig::ED25519,
        other => {
            return Err(CertError::Signing(format!(
                "skema tanda tangan {other} tidak dikenal"
            )));
        }
    };
    sig::UnparsedPublicKey::new(algorithm, public_key.as_ref())
        .verify(message, signature)
        .map_err(|_| CertError::Signing("tanda tangan tidak cocok dengan sertifikat".into()))
}
