//! The service's certificate authority, its TLS server certificate, and PKP certificates.
//!
//! Files in the state directory: `ca.pem` (public, given to desktop apps), `ca-key.pem`,
//! `server.pem`, `server-key.pem` (private: written with mode 0600 on Unix).

use std::fs;
use std::path::Path;

use chrono::{DateTime, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SerialNumber,
};

use super::ServerError;
use crate::cert::{NPWP_ATTRIBUTE_OID, P12Encryption, write_p12};
use crate::domain::Npwp;

pub struct Ca {
    pub cert_pem: String,
    pub cert_der: Vec<u8>,
    key: KeyPair,
}

/// A freshly issued PKP certificate.
pub struct Issued {
    pub serial: String,
    pub not_after: DateTime<Utc>,
    pub p12: Vec<u8>,
}

fn rc(e: rcgen::Error) -> ServerError {
    ServerError::Certificate(e.to_string())
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> ServerError + '_ {
    move |e| ServerError::Io(format!("{}: {e}", path.display()))
}

/// Writes a private key readable by the owner only. The file is created with mode 0600, so
/// the key is never readable by others, not even between writing and a later chmod.
fn write_private(path: &Path, contents: &str) -> Result<(), ServerError> {
    use std::io::Write;
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        // A file left from before keeps its mode on open: tighten it before writing.
        if path.exists() {
            fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(io(path))?;
        }
    }
    let mut file = options.open(path).map_err(io(path))?;
    file.write_all(contents.as_bytes()).map_err(io(path))?;
    file.sync_all().map_err(io(path))
}

fn time(t: DateTime<Utc>) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

fn random_serial() -> (SerialNumber, String) {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] &= 0x7f; // positive INTEGER
    bytes[0] |= 0x01; // no leading zero byte, so the hex form is stable
    (
        SerialNumber::from_slice(&bytes),
        crate::cert::CertInfo::serial_hex(&bytes),
    )
}

impl Ca {
    /// Loads the CA from `dir`, creating it (and the server certificate for `hosts`) on first start.
    pub(crate) fn load_or_create(dir: &Path, hosts: &[String]) -> Result<Ca, ServerError> {
        let (cert_path, key_path) = (dir.join("ca.pem"), dir.join("ca-key.pem"));
        let ca = if cert_path.exists() {
            let cert_pem = fs::read_to_string(&cert_path).map_err(io(&cert_path))?;
            let key_pem = fs::read_to_string(&key_path).map_err(io(&key_path))?;
            Ca::from_pem(cert_pem, &key_pem)?
        } else {
            let ca = Ca::create("e-Nofa Simulasi CA")?;
            write_private(&key_path, &ca.key.serialize_pem())?;
            fs::write(&cert_path, &ca.cert_pem).map_err(io(&cert_path))?;
            ca
        };
        if !dir.join("server.pem").exists() {
            let (cert, key) = ca.server_cert(hosts)?;
            write_private(&dir.join("server-key.pem"), &key)?;
            let path = dir.join("server.pem");
            fs::write(&path, cert).map_err(io(&path))?;
        }
        Ok(ca)
    }

    /// A new self-signed CA (10 years). Public so tests can make a foreign CA.
    pub fn create(name: &str) -> Result<Ca, ServerError> {
        let key = KeyPair::generate().map_err(rc)?;
        let mut params = CertificateParams::default();
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let now = Utc::now();
        params.not_before = time(now - chrono::Duration::days(1));
        params.not_after = time(now + chrono::Duration::days(3650));
        let cert = params.self_signed(&key).map_err(rc)?;
        Ok(Ca {
            cert_pem: cert.pem(),
            cert_der: cert.der().to_vec(),
            key,
        })
    }

    fn from_pem(cert_pem: String, key_pem: &str) -> Result<Ca, ServerError> {
        use rustls_pki_types::{CertificateDer, pem::PemObject};
        let key = KeyPair::from_pem(key_pem).map_err(rc)?;
        let der = CertificateDer::from_pem_slice(cert_pem.as_bytes())
            .map_err(|e| ServerError::Certificate(format!("ca.pem: {e}")))?;
        Ok(Ca {
            cert_der: der.to_vec(),
            cert_pem,
            key,
        })
    }

    fn issuer(&self) -> Result<Issuer<'static, &KeyPair>, ServerError> {
        Issuer::from_ca_cert_der(&self.cert_der.clone().into(), &self.key).map_err(rc)
    }

    /// TLS server certificate for the host names/IPs (PEM cert, PEM key).
    fn server_cert(&self, hosts: &[String]) -> Result<(String, String), ServerError> {
        let key = KeyPair::generate().map_err(rc)?;
        let mut params = CertificateParams::new(hosts.to_vec()).map_err(rc)?;
        params.distinguished_name = DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, "e-Nofa server");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let now = Utc::now();
        params.not_before = time(now - chrono::Duration::days(1));
        params.not_after = time(now + chrono::Duration::days(825));
        let cert = params.signed_by(&key, &self.issuer()?).map_err(rc)?;
        Ok((cert.pem(), key.serialize_pem()))
    }

    /// Issues a PKP (or branch) certificate: `CN=<nama>`, `serialNumber=<npwp15>`, valid from
    /// `not_before` to `not_after`, packed in a `.p12` protected by `passphrase`.
    pub fn issue(
        &self,
        npwp: &Npwp,
        nama: &str,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
        passphrase: &str,
        encryption: P12Encryption,
    ) -> Result<Issued, ServerError> {
        let key = KeyPair::generate().map_err(rc)?;
        let mut params = CertificateParams::default();
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, nama);
        params.distinguished_name.push(
            DnType::CustomDnType(oid_arcs(NPWP_ATTRIBUTE_OID)),
            npwp.digits(),
        );
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.not_before = time(not_before);
        params.not_after = time(not_after);
        let (serial_number, serial) = random_serial();
        params.serial_number = Some(serial_number);
        let cert = params.signed_by(&key, &self.issuer()?).map_err(rc)?;
        let friendly = format!(
            "{nama}-{}-{}",
            Utc::now().format("%Y%m%d%H%M"),
            npwp.digits()
        );
        let p12 = write_p12(
            &[cert.der().to_vec(), self.cert_der.clone()],
            &key.serialize_der(),
            &friendly,
            passphrase,
            encryption,
        )
        .map_err(|e| ServerError::Certificate(e.to_string()))?;
        Ok(Issued {
            serial,
            not_after,
            p12,
        })
    }
}

fn oid_arcs(oid: &str) -> Vec<u64> {
    oid.split('.').filter_map(|a| a.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn private_keys_are_owner_only_even_over_an_older_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("server-key.pem");
        fs::write(&old, "old").unwrap();
        fs::set_permissions(&old, fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&old, "new").unwrap();
        assert_eq!(fs::read_to_string(&old).unwrap(), "new");
        let fresh = tempfile::tempdir().unwrap();
        Ca::load_or_create(fresh.path(), &["localhost".into()]).unwrap();
        for (path, expected) in [
            (old, 0o600),
            (fresh.path().join("ca-key.pem"), 0o600),
            (fresh.path().join("server-key.pem"), 0o600),
        ] {
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, expected, "{}", path.display());
        }
    }
}
