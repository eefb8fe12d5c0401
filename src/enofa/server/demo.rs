//! `enofa-server demo` and `efaktur --simulasi`: one PKP with everything ready to register.
//!
//! Restart-safe: a second start on the same state directory keeps the account, its registered
//! client, its NSFP and faktur, the CA and the `.p12`. A fresh start means a fresh state
//! directory (delete `<data>/simulasi`).

use std::fmt;
use std::path::{Path, PathBuf};

use super::hashing::{hash_kode, hash_secret, verify_secret};
use super::store::accounts::{self, NewAccount};
use super::store::{audit, certificates};
use super::{Ca, ServerError, db, operator};
use crate::cert::{Identity, P12Encryption, Secret};
use crate::domain::Npwp;
use chrono::{Duration, Utc};

pub const DEMO_NPWP: &str = "013000666091000";
pub const DEMO_NAMA: &str = "PT SIMULASI FAKTUR";

/// PUBLIC training value, printed on screen and in handouts: the passphrase of the demo `.p12`.
/// Fixed so a restart never changes it and nothing secret has to be stored. Never use it for a
/// real certificate.
pub const DEMO_PASSPHRASE: &str = "simulasi-efaktur";

/// PUBLIC training value: the e-Nofa password of the demo PKP (same reasoning as
/// [`DEMO_PASSPHRASE`]).
pub const DEMO_PASSWORD: &str = "simulasi-enofa";

/// Shown instead of a Kode Aktivasi once the demo client is registered.
pub const KODE_SUDAH_DIPAKAI: &str = "sudah dipakai — registrasi sudah selesai, silakan login";

/// A demo `.p12` closer than this to its expiry is reissued, so a trainee never sees the
/// "expires soon" warning.
const MIN_DAYS_LEFT: i64 = 30;

/// Everything a trainee types into REGISTER ETAX INVOICE.
#[derive(Clone)]
pub struct DemoCredentials {
    pub npwp: Npwp,
    pub nama: String,
    pub p12_path: PathBuf,
    pub passphrase: Secret,
    /// An unused Kode Aktivasi, or `None` when the demo client is already registered (the code
    /// was used: log in instead).
    pub kode_aktivasi: Option<Secret>,
    pub password: Secret,
    pub ca_pem_path: PathBuf,
}

impl DemoCredentials {
    /// Whether the demo client has already registered (see [`DemoCredentials::kode_aktivasi`]).
    pub fn registered(&self) -> bool {
        self.kode_aktivasi.is_none()
    }
}

impl fmt::Debug for DemoCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoCredentials")
            .field("npwp", &self.npwp)
            .field("p12_path", &self.p12_path)
            .field("registered", &self.registered())
            .finish_non_exhaustive()
    }
}

impl fmt::Display for DemoCredentials {
    /// The credentials in clear: only for printing to a trainer's terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "NPWP            : {}", self.npwp)?;
        writeln!(f, "Nama            : {}", self.nama)?;
        writeln!(f, "Sertifikat      : {}", self.p12_path.display())?;
        writeln!(f, "Passphrase      : {}", self.passphrase.expose())?;
        let kode = self
            .kode_aktivasi
            .as_ref()
            .map_or(KODE_SUDAH_DIPAKAI, Secret::expose);
        writeln!(f, "Kode Aktivasi   : {kode}")?;
        writeln!(f, "Password e-Nofa : {}", self.password.expose())?;
        write!(f, "CA server       : {}", self.ca_pem_path.display())
    }
}

/// Makes sure the demo PKP in `state_dir` is ready, changing only what is missing: creates the
/// account on first start, issues a `.p12` only when there is no usable one, and makes a new
/// Kode Aktivasi only while the client is not registered (the old one is stored hashed, so it
/// cannot be shown again). Blocking: call via `spawn_blocking` from async.
pub fn prepare(state_dir: &Path) -> Result<DemoCredentials, ServerError> {
    let npwp = Npwp::parse(DEMO_NPWP).map_err(|e| ServerError::Operator(e.to_string()))?;
    crate::private_files::create_dir_all(state_dir)
        .map_err(|e| ServerError::Io(format!("{}: {e}", state_dir.display())))?;
    let kode_aktivasi = ensure_account(state_dir, &npwp)?;
    let p12_path = ensure_p12(state_dir, &npwp)?;
    Ok(DemoCredentials {
        npwp,
        nama: DEMO_NAMA.into(),
        p12_path,
        passphrase: Secret::new(DEMO_PASSPHRASE),
        kode_aktivasi,
        password: Secret::new(DEMO_PASSWORD),
        ca_pem_path: super::ca_pem_path(state_dir),
    })
}

/// The account with [`DEMO_PASSWORD`]; returns a fresh Kode Aktivasi unless already registered.
fn ensure_account(state_dir: &Path, npwp: &Npwp) -> Result<Option<Secret>, ServerError> {
    let mut conn = db::open(state_dir)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let account = match accounts::find(&tx, npwp.digits())? {
        Some(a) => a,
        None => {
            accounts::insert(
                &tx,
                &NewAccount {
                    npwp: npwp.digits(),
                    nama: DEMO_NAMA,
                    alamat: "JL. LATIHAN NO. 1, JAKARTA",
                    email: "demo@example.invalid",
                    password_hash: &hash_secret(DEMO_PASSWORD)?,
                    kode_hash: None,
                    pusat: None,
                },
            )?;
            audit::record(&tx, Some(npwp.digits()), "pkp-tambah", DEMO_NAMA)?;
            accounts::find(&tx, npwp.digits())?
                .ok_or_else(|| ServerError::Database("akun demo tidak tersimpan".into()))?
        }
    };
    // State from older versions had a random password: switch it to the documented one.
    if !verify_secret(DEMO_PASSWORD, &account.password_hash) {
        accounts::set_password_hash(&tx, npwp.digits(), &hash_secret(DEMO_PASSWORD)?)?;
    }
    let kode = if account.client_status == "aktif" {
        None
    } else {
        let kode = operator::new_kode_aktivasi();
        accounts::set_kode(&tx, npwp.digits(), &hash_kode(&kode)?)?;
        audit::record(
            &tx,
            Some(npwp.digits()),
            "kode-aktivasi-demo",
            "kode aktivasi baru (klien belum terdaftar)",
        )?;
        Some(Secret::new(kode))
    };
    tx.commit()?;
    Ok(kode)
}

/// What DJP's "Reset Aplikasi Client" does, for a trainee whose Local Database is gone while
/// the server still knows the client (no e-Nofa web page to reset it in simulasi): forgets the
/// client and gives a new Kode Aktivasi, kept in `creds`. NSFP and faktur stay.
pub fn reset_client(state_dir: &Path, creds: &mut DemoCredentials) -> Result<(), ServerError> {
    let conn = db::open(state_dir)?;
    let kode = operator::new_kode_aktivasi();
    accounts::reset_client(&conn, creds.npwp.digits(), &hash_kode(&kode)?, "reset")?;
    audit::record(
        &conn,
        Some(creds.npwp.digits()),
        "reset-klien-demo",
        "Local Database simulasi tidak ada lagi",
    )?;
    creds.kode_aktivasi = Some(Secret::new(kode));
    Ok(())
}

/// `demo/<npwp>.p12`, reissued only when missing or no longer usable.
fn ensure_p12(state_dir: &Path, npwp: &Npwp) -> Result<PathBuf, ServerError> {
    let demo_dir = state_dir.join("demo");
    crate::private_files::create_dir_all(&demo_dir)
        .map_err(|e| ServerError::Io(format!("{}: {e}", demo_dir.display())))?;
    let p12_path = demo_dir.join(format!("{DEMO_NPWP}.p12"));
    if p12_still_usable(state_dir, &p12_path, npwp)? {
        return Ok(p12_path);
    }
    let (_, p12) = operator::cert_issue(
        state_dir,
        DEMO_NPWP,
        DEMO_PASSPHRASE,
        P12Encryption::default(),
    )?;
    // Through a temporary file: a crash never leaves a truncated certificate behind.
    let tmp = p12_path.with_extension("p12.tmp");
    crate::private_files::write(&tmp, p12)
        .map_err(|e| ServerError::Io(format!("{}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, &p12_path)
        .map_err(|e| ServerError::Io(format!("{}: {e}", p12_path.display())))?;
    Ok(p12_path)
}

/// The file opens with [`DEMO_PASSPHRASE`], belongs to the demo NPWP, is valid for a while yet,
/// chains to this state's CA and is active (not revoked) in the state database.
fn p12_still_usable(state_dir: &Path, path: &Path, npwp: &Npwp) -> Result<bool, ServerError> {
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(false);
    };
    let Ok(identity) = Identity::from_p12(&bytes, DEMO_PASSPHRASE) else {
        return Ok(false);
    };
    let info = identity.info();
    let now = Utc::now();
    if info
        .check_for(npwp, now + Duration::days(MIN_DAYS_LEFT))
        .is_err()
        || info.not_before > now
    {
        return Ok(false);
    }
    let ca = Ca::load_or_create(state_dir, &super::default_hosts())?;
    if !identity
        .certificate_chain()
        .iter()
        .any(|c| c.as_ref() == ca.cert_der.as_slice())
    {
        return Ok(false);
    }
    let conn = db::open(state_dir)?;
    Ok(certificates::status(&conn, &info.serial, npwp.digits())?.as_deref() == Some("active"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_twice_keeps_credentials_and_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let first = prepare(dir.path()).unwrap();
        let p12 = std::fs::read(&first.p12_path).unwrap();
        let again = prepare(dir.path()).unwrap();
        assert_eq!(again.passphrase.expose(), DEMO_PASSPHRASE);
        assert_eq!(again.password.expose(), DEMO_PASSWORD);
        assert_eq!(std::fs::read(&again.p12_path).unwrap(), p12, "not reissued");
        // Not registered yet: a usable code each time, never "sudah dipakai".
        assert!(first.kode_aktivasi.is_some() && again.kode_aktivasi.is_some());
        assert!(!format!("{again:?}").contains(DEMO_PASSWORD));
    }

    #[test]
    fn a_registered_client_keeps_its_state_until_reset() {
        let dir = tempfile::tempdir().unwrap();
        prepare(dir.path()).unwrap();
        let conn = db::open(dir.path()).unwrap();
        accounts::activate_client(&conn, DEMO_NPWP, "c1").unwrap();
        let mut creds = prepare(dir.path()).unwrap();
        assert!(creds.registered());
        assert!(creds.to_string().contains(KODE_SUDAH_DIPAKAI));
        let a = accounts::find(&conn, DEMO_NPWP).unwrap().unwrap();
        assert_eq!(
            a.client_id.as_deref(),
            Some("c1"),
            "prepare keeps the client"
        );
        reset_client(dir.path(), &mut creds).unwrap();
        let kode = creds.kode_aktivasi.clone().expect("a new code");
        let a = accounts::find(&conn, DEMO_NPWP).unwrap().unwrap();
        assert_eq!((a.client_status.as_str(), a.client_id), ("reset", None));
        assert!(verify_secret(
            &kode.expose().replace('-', ""),
            a.kode_hash.as_deref().unwrap()
        ));
    }

    #[test]
    fn a_revoked_or_foreign_p12_is_reissued() {
        let dir = tempfile::tempdir().unwrap();
        let first = prepare(dir.path()).unwrap();
        let p12 = std::fs::read(&first.p12_path).unwrap();
        let serial = Identity::from_p12(&p12, DEMO_PASSPHRASE)
            .unwrap()
            .info()
            .serial;
        operator::cert_revoke(dir.path(), &serial).unwrap();
        let again = prepare(dir.path()).unwrap();
        let renewed = std::fs::read(&again.p12_path).unwrap();
        assert_ne!(renewed, p12, "a revoked certificate is replaced");
        std::fs::write(&again.p12_path, b"bukan p12").unwrap();
        prepare(dir.path()).unwrap();
        let fixed = std::fs::read(&again.p12_path).unwrap();
        assert!(Identity::from_p12(&fixed, DEMO_PASSPHRASE).is_ok());
    }
}
