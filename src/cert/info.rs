//! What a certificate says about itself: subject, NPWP, issuer, serial, validity.

use chrono::{DateTime, Utc};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::CertError;
use crate::domain::Npwp;

/// The subject attribute holding the PKP's 15-digit NPWP: X.520 `serialNumber`.
pub const NPWP_ATTRIBUTE_OID: &str = "2.5.4.5";

/// A certificate as a person sees it in Administrasi Certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: String,
    /// The NPWP from the subject's `serialNumber`; `None` when absent or not a valid NPWP.
    pub npwp: Option<Npwp>,
    pub issuer: String,
    /// Lower-case hex of the certificate serial number (what `cert revoke --serial` takes).
    pub serial: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

impl CertInfo {
    /// Reads a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<CertInfo, CertError> {
        let (_, cert) =
            X509Certificate::from_der(der).map_err(|e| CertError::BadCertificate(e.to_string()))?;
        let npwp = cert
            .subject()
            .iter_attributes()
            .find(|a| a.attr_type().to_id_string() == NPWP_ATTRIBUTE_OID)
            .and_then(|a| a.as_str().ok())
            .and_then(|s| Npwp::parse(s).ok());
        let time = |t: x509_parser::time::ASN1Time| {
            DateTime::from_timestamp(t.timestamp(), 0).unwrap_or_default()
        };
        Ok(CertInfo {
            subject: cert.subject().to_string(),
            npwp,
            issuer: cert.issuer().to_string(),
            serial: hex(cert.raw_serial()),
            not_before: time(cert.validity().not_before),
            not_after: time(cert.validity().not_after),
        })
    }

    /// The form [`CertInfo::serial`] uses, from raw serial bytes.
    pub fn serial_hex(raw: &[u8]) -> String {
        hex(raw)
    }

    /// Whole days until the certificate expires (negative once expired).
    pub fn days_left(&self, now: DateTime<Utc>) -> i64 {
        (self.not_after - now).num_days()
    }

    /// Checks the certificate is usable at `now` by the PKP `npwp`.
    pub fn check_for(&self, npwp: &Npwp, now: DateTime<Utc>) -> Result<(), CertError> {
        if now < self.not_before {
            return Err(CertError::NotYetValid {
                not_before: self.not_before,
            });
        }
        if now > self.not_after {
            return Err(CertError::Expired {
                not_after: self.not_after,
            });
        }
        match &self.npwp {
            None => Err(CertError::NoNpwp),
            Some(found) if found.digits() != npwp.digits() => Err(CertError::OtherNpwp {
                found: found.to_string(),
                expected: npwp.to_string(),
            }),
            Some(_) => Ok(()),
        }
    }
}

/// Lower-case hex without separators.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
