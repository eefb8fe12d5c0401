//! Operator commands (`enofa-server pkp add`, `cert issue`, `cert revoke`, `cabang pending`,
//! `cabang approve`, `cabang reject`, `cabang approve-cert`),
//! as library functions over a state directory. They work while the server runs: the server
//! reads certificate status from the database on every request.

use std::fmt;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use super::hashing::{hash_kode, hash_secret};
use super::store::accounts::{self, Account, NewAccount};
use super::store::{audit, cabang, certificates, officers, throttle};
use super::{Ca, ServerError, db};
use crate::cert::{P12Encryption, Secret};
use crate::domain::Npwp;

/// A PKP account just created: the secrets are shown to the operator once and never again.
pub struct NewPkp {
    pub npwp: Npwp,
    pub password: Secret,
    /// Formatted `XXXX-XXXX-XXXX-XXXX`.
    pub kode_aktivasi: Secret,
}

impl fmt::Debug for NewPkp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewPkp")
            .field("npwp", &self.npwp)
            .finish_non_exhaustive()
    }
}

/// A branch certificate the operator approved.
#[derive(Debug, Clone)]
pub struct CabangCertApproval {
    pub npwp: String,
    pub serial: String,
}

const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fn random_text(len: usize, alphabet: &[u8]) -> String {
    (0..len)
        .map(|_| char::from(alphabet[rand::random_range(0..alphabet.len())]))
        .collect()
}

/// A new Kode Aktivasi, `XXXX-XXXX-XXXX-XXXX` (no 0/O/1/I to avoid misreading).
pub fn new_kode_aktivasi() -> String {
    let raw = random_text(16, ALNUM);
    format!(
        "{}-{}-{}-{}",
        &raw[0..4],
        &raw[4..8],
        &raw[8..12],
        &raw[12..16]
    )
}

fn new_password() -> String {
    random_text(
        12,
        b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789",
    )
}

fn open(dir: &Path) -> Result<Connection, ServerError> {
    crate::private_files::create_dir_all(dir)
        .map_err(|e| ServerError::Io(format!("{}: {e}", dir.display())))?;
    db::open(dir)
}

fn parse_npwp(npwp: &str) -> Result<Npwp, ServerError> {
    Npwp::parse(npwp).map_err(|e| ServerError::Operator(format!("NPWP {npwp}: {e}")))
}

fn account(conn: &Connection, npwp: &Npwp) -> Result<Account, ServerError> {
    accounts::find(conn, npwp.digits())?.ok_or_else(|| {
        ServerError::Operator(format!(
            "NPWP {npwp} has no account; run `enofa-server pkp add` first"
        ))
    })
}

/// Creates a PKP account with a fresh e-Nofa password and Kode Aktivasi.
pub fn pkp_add(
    dir: &Path,
    npwp: &str,
    nama: &str,
    alamat: &str,
    email: &str,
) -> Result<NewPkp, ServerError> {
    let npwp = parse_npwp(npwp)?;
    if nama.trim().is_empty() {
        return Err(ServerError::Operator("--nama must not be empty".into()));
    }
    let mut conn = open(dir)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if accounts::find(&tx, npwp.digits())?.is_some() {
        return Err(ServerError::Operator(format!(
            "NPWP {npwp} already has an account"
        )));
    }
    let (password, kode) = (new_password(), new_kode_aktivasi());
    accounts::insert(
        &tx,
        &NewAccount {
            npwp: npwp.digits(),
            nama: nama.trim(),
            alamat: alamat.trim(),
            email: email.trim(),
            password_hash: &hash_secret(&password)?,
            kode_hash: Some(&hash_kode(&kode)?),
            pusat: None,
        },
    )?;
    audit::record(&tx, Some(npwp.digits()), "pkp-tambah", nama.trim())?;
    tx.commit()?;
    Ok(NewPkp {
        npwp,
        password: Secret::new(password),
        kode_aktivasi: Secret::new(kode),
    })
}

/// Issues a certificate into the `certificate` table with `status`; returns (serial, .p12).
pub(crate) fn issue_into(
    conn: &Connection,
    ca: &Ca,
    account: &Account,
    passphrase: &str,
    encryption: P12Encryption,
    status: &str,
) -> Result<(String, Vec<u8>), ServerError> {
    let (not_before, not_after) = two_years_from_now();
    issue_with_validity(
        conn, ca, account, passphrase, encryption, status, not_before, not_after,
    )
}

/// Validity of a new PKP or branch certificate: two years, starting a few minutes back so a
/// client whose clock is slightly behind can use it at once.
fn two_years_from_now() -> (DateTime<Utc>, DateTime<Utc>) {
    let now = Utc::now();
    (now - Duration::minutes(5), now + Duration::days(730))
}

#[allow(clippy::too_many_arguments)]
fn issue_with_validity(
    conn: &Connection,
    ca: &Ca,
    account: &Account,
    passphrase: &str,
    encryption: P12Encryption,
    status: &str,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<(String, Vec<u8>), ServerError> {
    let npwp = parse_npwp(&account.npwp)?;
    let issued = ca.issue(
        &npwp,
        &account.nama,
        not_before,
        not_after,
        passphrase,
        encryption,
    )?;
    // Branch certificates keep their .p12 for download after approval; PKP ones go to the operator.
    let keep = (status == "pending").then_some(issued.p12.clone());
    certificates::insert(
        conn,
        &certificates::NewCertificate {
            serial: &issued.serial,
            npwp: &account.npwp,
            status,
            not_after: &issued.not_after.to_rfc3339(),
            p12: keep.as_deref(),
        },
    )?;
    audit::record(
        conn,
        Some(&account.npwp),
        "sertifikat-terbit",
        &format!("serial {} ({status})", issued.serial),
    )?;
    Ok((issued.serial, issued.p12))
}

/// `enofa-server cert issue`: a 2-year `.p12` for the PKP; returns (serial, file bytes).
pub fn cert_issue(
    dir: &Path,
    npwp: &str,
    passphrase: &str,
    encryption: P12Encryption,
) -> Result<(String, Vec<u8>), ServerError> {
    let (not_before, not_after) = two_years_from_now();
    cert_issue_valid(dir, npwp, passphrase, encryption, not_before, not_after)
}

/// [`cert_issue`] with explicit validity (tests use it for expired certificates).
pub fn cert_issue_valid(
    dir: &Path,
    npwp: &str,
    passphrase: &str,
    encryption: P12Encryption,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<(String, Vec<u8>), ServerError> {
    if passphrase.is_empty() {
        return Err(ServerError::Operator(
            "the passphrase must not be empty".into(),
        ));
    }
    let npwp = parse_npwp(npwp)?;
    let ca = Ca::load_or_create(dir, &super::default_hosts())?;
    let conn = open(dir)?;
    let a = account(&conn, &npwp)?;
    issue_with_validity(
        &conn, &ca, &a, passphrase, encryption, "active", not_before, not_after,
    )
}

/// `enofa-server cert revoke`: the certificate is refused from the next request on.
pub fn cert_revoke(dir: &Path, serial: &str) -> Result<(), ServerError> {
    let serial = serial.trim().to_ascii_lowercase().replace(':', "");
    let conn = open(dir)?;
    if !certificates::revoke(&conn, &serial)? {
        return Err(ServerError::Operator(format!(
            "no certificate with serial {serial}"
        )));
    }
    audit::record(&conn, None, "sertifikat-cabut", &serial)
}

/// A branch waiting for the KPP to confirm its SK Pemusatan, as `cabang pending` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCabang {
    pub npwp: String,
    pub npwp_pusat: String,
    pub nomor_sk: String,
    pub tanggal_sk: String,
    /// When the head office added it (RFC 3339).
    pub added_at: String,
    /// Whether it is the head office's own place of business ([`Npwp::is_branch_of`]); one
    /// that is not cannot be approved, only rejected.
    pub same_taxpayer: bool,
}

fn is_branch_of(npwp: &str, pusat: &str) -> bool {
    Npwp::parse(npwp)
        .ok()
        .zip(Npwp::parse(pusat).ok())
        .is_some_and(|(b, p)| b.is_branch_of(&p))
}

/// `enofa-server cabang pending`: branches waiting for the KPP, oldest first.
pub fn cabang_pending(dir: &Path) -> Result<Vec<PendingCabang>, ServerError> {
    let conn = open(dir)?;
    Ok(cabang::waiting(&conn)?
        .into_iter()
        .map(|w| PendingCabang {
            same_taxpayer: is_branch_of(&w.npwp, &w.npwp_pusat),
            npwp: w.npwp,
            npwp_pusat: w.npwp_pusat,
            nomor_sk: w.nomor_sk,
            tanggal_sk: w.tanggal_sk,
            added_at: w.added_at,
        })
        .collect())
}

/// The branch `npwp` still waiting for the KPP, or why it is not one.
fn pending_branch(conn: &Connection, npwp: &Npwp) -> Result<Account, ServerError> {
    let a = account(conn, npwp)?;
    if a.npwp_pusat.is_none() {
        return Err(ServerError::Operator(format!(
            "NPWP {npwp} adalah kantor pusat, bukan cabang"
        )));
    }
    if !a.cabang_pending() {
        return Err(ServerError::Operator(format!(
            "cabang {npwp} sudah disetujui sebelumnya"
        )));
    }
    Ok(a)
}

/// `enofa-server cabang approve`: the KPP officer confirmed the branch's SK Pemusatan; from
/// now on its head office may create its Kode Aktivasi and certificate.
pub fn cabang_approve(dir: &Path, npwp: &str) -> Result<(), ServerError> {
    let npwp = parse_npwp(npwp)?;
    let mut conn = open(dir)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let a = pending_branch(&tx, &npwp)?;
    let pusat = a.npwp_pusat.clone().unwrap_or_default();
    if !is_branch_of(&a.npwp, &pusat) {
        return Err(ServerError::Operator(format!(
            "{npwp} bukan tempat usaha wajib pajak {pusat} (NPWP wajib pajak lain); \
             tidak dapat disetujui. Tolak dengan `enofa-server cabang reject --npwp {}`",
            a.npwp
        )));
    }
    cabang::approve(&tx, &a.npwp)?;
    audit::record(&tx, Some(&pusat), "cabang-setuju", &a.npwp)?;
    tx.commit()?;
    Ok(())
}

/// `enofa-server cabang reject`: removes a branch the KPP did not confirm, with its certificate
/// requests, so the NPWP is free again (for its real owner, if it was another taxpayer's).
/// A branch that already holds NSFP or faktur (added before approvals existed) is refused:
/// revoke its certificates instead (`cert revoke`).
pub fn cabang_reject(dir: &Path, npwp: &str) -> Result<(), ServerError> {
    let npwp = parse_npwp(npwp)?;
    let mut conn = open(dir)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let a = pending_branch(&tx, &npwp)?;
    if cabang::activity(&tx, &a.npwp)? > 0 {
        return Err(ServerError::Operator(format!(
            "cabang {npwp} sudah punya NSFP atau faktur, jadi tidak dihapus (tetap ditolak selama \
             belum disetujui). Cabut sertifikatnya dengan `enofa-server cert revoke` bila harus berhenti"
        )));
    }
    // Its failed attempts go too: the real owner starts with a clean slate.
    throttle::forget(&tx, &a.npwp)?;
    certificates::delete_of(&tx, &a.npwp)?;
    accounts::delete(&tx, &a.npwp)?;
    audit::record(&tx, a.npwp_pusat.as_deref(), "cabang-tolak", &a.npwp)?;
    tx.commit()?;
    Ok(())
}

/// `enofa-server cabang approve-cert`: approves the branch's pending certificate request.
pub fn cabang_approve_cert(dir: &Path, npwp: &str) -> Result<CabangCertApproval, ServerError> {
    let npwp = parse_npwp(npwp)?;
    let conn = open(dir)?;
    if account(&conn, &npwp)?.cabang_pending() {
        return Err(ServerError::Operator(format!(
            "cabang {npwp} belum disetujui KPP; setujui dulu dengan `enofa-server cabang approve --npwp {}`",
            npwp.digits()
        )));
    }
    let serial = certificates::latest_pending_serial(&conn, npwp.digits())?.ok_or_else(|| {
        ServerError::Operator(format!("no pending certificate request for {npwp}"))
    })?;
    certificates::activate(&conn, &serial)?;
    audit::record(
        &conn,
        Some(npwp.digits()),
        "sertifikat-cabang-setuju",
        &serial,
    )?;
    Ok(CabangCertApproval {
        npwp: npwp.digits().to_owned(),
        serial,
    })
}
/// Creates KPP officer `username` (3–40 of `a-z 0-9 . _ -`) for the web pages, with a fresh
/// password shown to the operator once.
pub fn officer_add(dir: &Path, username: &str) -> Result<Secret, ServerError> {
    let name = username.trim();
    let ok = (3..=40).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !ok {
        return Err(ServerError::Operator(format!(
            "--username {username:?}: use 3-40 characters a-z, 0-9, '.', '_' or '-'"
        )));
    }
    let conn = open(dir)?;
    let password = new_password();
    if !officers::add(&conn, name, &hash_secret(&password)?)? {
        return Err(ServerError::Operator(format!(
            "officer {name} already exists"
        )));
    }
    audit::record(&conn, None, "petugas-tambah", name)?;
    Ok(Secret::new(password))
}
