//! What REGISTER ETAX INVOICE records after e-Nofa accepted the registration, shared by the
//! window and `efaktur register`: the Local Database of the NPWP with its profile, the
//! registration (client id, server) and the certificate's metadata, in one transaction.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::cert::CertInfo;
use crate::domain::Npwp;
use crate::paths::AppDirs;
use crate::store::certificate::CertificateMeta;
use crate::store::profile::{self, Profile, Registration};
use crate::store::{Store, StoreError, certificate};

/// SHA-256 of a certificate file as the Local Database keeps it: 64 lower-case hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The common name in a certificate's subject (`CN=...`).
pub fn common_name(info: &CertInfo) -> Option<&str> {
    info.subject
        .split(',')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("CN="))
}

/// What the Local Database keeps about a certificate (never the key nor the passphrase).
pub fn certificate_meta(path: &Path, info: &CertInfo, bytes: &[u8]) -> CertificateMeta {
    let rfc =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    CertificateMeta {
        path: path.display().to_string(),
        subject: info.subject.clone(),
        npwp: info.npwp.as_ref().map(|n| n.digits().to_string()),
        issuer: info.issuer.clone(),
        serial: info.serial.clone(),
        not_before: rfc(info.not_before),
        not_after: rfc(info.not_after),
        sha256: sha256_hex(bytes),
    }
}

/// Writes profile, registration and certificate into `db` in one transaction; returns the
/// profile as registered.
pub fn record(
    db: &mut Store,
    mut profile: Profile,
    client_id: &str,
    server_url: &str,
    cert: &CertificateMeta,
) -> Result<Profile, StoreError> {
    db.transaction(|tx| {
        profile::save(tx, &profile)?;
        profile::mark_registered(tx, client_id, server_url)?;
        certificate::save(tx, cert)
    })?;
    profile.registration = Registration::Terdaftar;
    profile.client_id = Some(client_id.to_owned());
    profile.server_url = Some(server_url.to_owned());
    Ok(profile)
}

/// Creates (or opens) the Local Database of `npwp` in `dirs` and [`record`]s the registration.
/// An empty `nama` from e-Nofa falls back to the certificate's common name.
pub fn save(
    dirs: &AppDirs,
    npwp: &Npwp,
    (nama, alamat): (&str, &str),
    client_id: &str,
    server_url: &str,
    cert: (&Path, &CertInfo, &[u8]),
) -> Result<(PathBuf, Profile), String> {
    dirs.ensure().map_err(|e| e.to_string())?;
    let db_path = dirs.db_path(npwp);
    let mut db = Store::open(&db_path).map_err(|e| e.to_string())?;
    let nama = if nama.trim().is_empty() {
        common_name(cert.1).unwrap_or("PKP").to_string()
    } else {
        nama.to_string()
    };
    let profile = Profile::new(npwp.clone(), nama, alamat);
    let meta = certificate_meta(cert.0, cert.1, cert.2);
    let profile =
        record(&mut db, profile, client_id, server_url, &meta).map_err(|e| e.to_string())?;
    Ok((db_path, profile))
}
