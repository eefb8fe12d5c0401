//! Administrasi Cabang: the rules of a head office's branches, for the API (`/api/v1/cabang…`)
//! and the web pages alike; and the PKP's own certificate request (Permintaan / Download
//! Sertifikat Digital), which follows the branch certificate's steps.

use rusqlite::Connection;

use super::operator;
use super::state::{ApiError, AppState};
use super::store::accounts::{self, Account, NewAccount, Pusat};
use super::store::cabang as store_cabang;
use super::store::{audit, certificates};
use crate::domain::{DjpCode, Npwp};
use crate::enofa::wire::{Cabang, CabangAdd, CabangCertRequest};
use axum::http::StatusCode;

fn require_pusat(pusat: &Account) -> Result<(), ApiError> {
    if pusat.npwp_pusat.is_some() {
        return Err(ApiError::forbidden(
            DjpCode::Etax40004,
            "hanya kantor pusat yang dapat mengelola cabang",
        ));
    }
    Ok(())
}

fn cabang_of(conn: &Connection, a: &Account) -> Result<Cabang, ApiError> {
    let cert = certificates::latest_requested_status(conn, &a.npwp)?;
    Ok(Cabang {
        npwp: a.npwp.clone(),
        nomor_sk: a.nomor_sk.clone().unwrap_or_default(),
        tanggal_sk: a.tanggal_sk.clone().unwrap_or_default(),
        email: a.email.clone(),
        status_aktivasi: match (&a.kode_hash, a.client_status.as_str()) {
            (_, "aktif") => "Aktif",
            (None, _) => "Tidak Terdaftar",
            (Some(_), _) => "Belum Aktif",
        }
        .into(),
        status_sertifikat: match cert.as_deref() {
            None => "Belum Diminta",
            Some("pending") => "Dalam Proses",
            Some("active") => "Siap Diunduh",
            Some(_) => "Dicabut",
        }
        .into(),
        status_persetujuan: if a.cabang_pending() {
            "Menunggu Persetujuan KPP"
        } else {
            "Disetujui KPP"
        }
        .into(),
    })
}

/// The branch `npwp` of the calling head office.
fn branch(conn: &Connection, pusat: &str, npwp: &str) -> Result<Account, ApiError> {
    accounts::find(conn, npwp)?
        .filter(|a| a.npwp_pusat.as_deref() == Some(pusat))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                DjpCode::Etax20008,
                format!("{npwp} bukan cabang NPWP ini"),
            )
        })
}

/// [`branch`], once the KPP confirmed its SK Pemusatan: before that it gets no Kode Aktivasi
/// and no certificate.
fn approved_branch(conn: &Connection, pusat: &str, npwp: &str) -> Result<Account, ApiError> {
    let b = branch(conn, pusat, npwp)?;
    if b.cabang_pending() {
        return Err(ApiError::cabang_pending(&b.npwp));
    }
    Ok(b)
}

/// Administrasi Cabang: the branches of head office `pusat`.
pub async fn list(state: &AppState, pusat: &Account) -> Result<Vec<Cabang>, ApiError> {
    let pusat = pusat.clone();
    state
        .db(move |conn| {
            let mut out = Vec::new();
            for n in store_cabang::npwps_of(conn, &pusat.npwp)? {
                out.push(cabang_of(conn, &branch(conn, &pusat.npwp, &n)?)?);
            }
            Ok(out)
        })
        .await
}

/// A head office may add only its own places of business ([`Npwp::is_branch_of`]), never
/// another taxpayer's NPWP.
fn check_branch_identity(cabang: &Npwp, pusat: &str) -> Result<(), ApiError> {
    let pusat =
        Npwp::parse(pusat).map_err(|e| ApiError::internal(format!("NPWP pusat {pusat}: {e}")))?;
    if cabang.is_branch_of(&pusat) {
        return Ok(());
    }
    let nitku = format!(
        "NITKU 22 digit: {} diikuti 6 digit selain 000000",
        pusat.npwp16()
    );
    let rule = match pusat.npwp15() {
        Some(p15) => format!(
            "NPWP 15 digit yang 9 digit pertamanya {} dan 3 digit terakhirnya bukan 000, atau {nitku}",
            &p15[..9]
        ),
        None => nitku,
    };
    Err(ApiError::bad(
        DjpCode::Etax20005,
        format!(
            "NPWP {cabang} bukan cabang NPWP {pusat}. Cabang harus wajib pajak yang sama: {rule}. \
             Periksa NPWP cabang pada SK Pemusatan"
        ),
    ))
}

/// Tambah Cabang: a place of business of `pusat`'s own identity, waiting for the KPP.
pub async fn add(state: &AppState, pusat: &Account, req: CabangAdd) -> Result<Cabang, ApiError> {
    require_pusat(pusat)?;
    let pusat = pusat.clone();
    let npwp = Npwp::parse(&req.npwp)
        .map_err(|e| ApiError::bad(DjpCode::Etax20005, format!("NPWP cabang: {e}")))?;
    check_branch_identity(&npwp, &pusat.npwp)?;
    if crate::domain::faktur::parse_tanggal(&req.tanggal_sk).is_none()
        || req.nomor_sk.trim().is_empty()
    {
        return Err(ApiError::bad(
            DjpCode::Etax20008,
            "nomor SK pemusatan wajib diisi dan tanggal SK harus dd/mm/yyyy",
        ));
    }
    if req.password.chars().count() < 8 {
        return Err(ApiError::bad(
            DjpCode::Etax20008,
            "password cabang minimal 8 karakter",
        ));
    }
    let password_hash = state.hashing.hash(&req.password).await?;
    state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if accounts::find(&tx, npwp.digits())?.is_some() {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    DjpCode::Etax20008,
                    format!("NPWP {npwp} sudah terdaftar"),
                ));
            }
            let p = &pusat;
            accounts::insert(
                &tx,
                &NewAccount {
                    npwp: npwp.digits(),
                    nama: &p.nama,
                    alamat: &p.alamat,
                    email: req.email.trim(),
                    password_hash: &password_hash,
                    kode_hash: None,
                    pusat: Some(Pusat {
                        npwp: &p.npwp,
                        nomor_sk: req.nomor_sk.trim(),
                        tanggal_sk: req.tanggal_sk.trim(),
                    }),
                },
            )?;
            audit::record(&tx, Some(&p.npwp), "cabang-tambah", npwp.digits())?;
            let c = cabang_of(&tx, &branch(&tx, &p.npwp, npwp.digits())?)?;
            tx.commit()?;
            Ok(c)
        })
        .await
}

/// Ubah Cabang: new SK Pemusatan and email of branch `npwp` of `pusat`, and a new Start
/// Uploader password when one is given. A changed SK waits for the KPP again.
pub async fn update(
    state: &AppState,
    pusat: &Account,
    npwp: String,
    nomor_sk: String,
    tanggal_sk: String,
    email: String,
    password: Option<String>,
) -> Result<Cabang, ApiError> {
    require_pusat(pusat)?;
    if crate::domain::faktur::parse_tanggal(&tanggal_sk).is_none() || nomor_sk.trim().is_empty() {
        return Err(ApiError::bad(
            DjpCode::Etax20008,
            "nomor SK pemusatan wajib diisi dan tanggal SK harus dd/mm/yyyy",
        ));
    }
    let password_hash = match password.filter(|p| !p.is_empty()) {
        Some(p) if p.chars().count() < 8 => {
            return Err(ApiError::bad(
                DjpCode::Etax20008,
                "password cabang minimal 8 karakter",
            ));
        }
        Some(p) => Some(state.hashing.hash(&p).await?),
        None => None,
    };
    let pusat = pusat.clone();
    state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let b = branch(&tx, &pusat.npwp, &npwp)?;
            store_cabang::update(
                &tx,
                &b.npwp,
                nomor_sk.trim(),
                tanggal_sk.trim(),
                email.trim(),
            )?;
            if let Some(hash) = &password_hash {
                accounts::set_password_hash(&tx, &b.npwp, hash)?;
            }
            audit::record(&tx, Some(&pusat.npwp), "cabang-ubah", &b.npwp)?;
            let c = cabang_of(&tx, &branch(&tx, &pusat.npwp, &b.npwp)?)?;
            tx.commit()?;
            Ok(c)
        })
        .await
}

/// Buat Kode Aktivasi for branch `npwp` of `pusat`: returned formatted, to be shown once.
pub async fn new_kode(state: &AppState, pusat: &Account, npwp: String) -> Result<String, ApiError> {
    require_pusat(pusat)?;
    let pusat = pusat.clone();
    let code = operator::new_kode_aktivasi();
    let code_hash = state.hashing.hash_kode(&code).await?;
    state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let b = approved_branch(&tx, &pusat.npwp, &npwp)?;
            if b.client_status == "aktif" {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    DjpCode::EtaxService20019,
                    "cabang sudah aktif",
                ));
            }
            accounts::set_kode(&tx, &b.npwp, &code_hash)?;
            audit::record(&tx, Some(&pusat.npwp), "cabang-kode", &b.npwp)?;
            tx.commit()?;
            Ok(code)
        })
        .await
}

/// Permohonan sertifikat for branch `npwp` of `pusat`: issued now under `req.passphrase`
/// (which is not kept), usable and downloadable once the KPP approves it.
pub async fn request_certificate(
    state: &AppState,
    pusat: &Account,
    npwp: String,
    req: CabangCertRequest,
) -> Result<Cabang, ApiError> {
    require_pusat(pusat)?;
    let pusat = pusat.clone();
    if req.passphrase.chars().count() < 8 {
        return Err(ApiError::bad(
            DjpCode::Etax20008,
            "passphrase minimal 8 karakter",
        ));
    }
    let ca = state.ca.clone();
    state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let b = approved_branch(&tx, &pusat.npwp, &npwp)?;
            // Issued now, usable only once the operator approves (status 'pending' until then).
            operator::issue_into(
                &tx,
                &ca,
                &b,
                &req.passphrase,
                crate::cert::P12Encryption::default(),
                "pending",
            )?;
            audit::record(&tx, Some(&pusat.npwp), "cabang-sertifikat-minta", &b.npwp)?;
            let c = cabang_of(&tx, &b)?;
            tx.commit()?;
            Ok(c)
        })
        .await
}

/// Unduh: the approved certificate of branch `npwp` of `pusat`, as (`<npwp>.p12`, bytes).
pub async fn download_certificate(
    state: &AppState,
    pusat: &Account,
    npwp: String,
) -> Result<(String, Vec<u8>), ApiError> {
    require_pusat(pusat)?;
    let pusat = pusat.clone();
    state
        .db(move |conn| {
            let b = approved_branch(conn, &pusat.npwp, &npwp)?;
            let p12 = certificates::active_p12(conn, &b.npwp)?.ok_or_else(|| {
                ApiError::new(
                    StatusCode::CONFLICT,
                    DjpCode::Etax20008,
                    "sertifikat cabang masih Dalam Proses (belum disetujui KPP)",
                )
            })?;
            Ok((format!("{}.p12", b.npwp), p12))
        })
        .await
}

/// Status of the PKP's own certificate requested online, as the branch table words it.
pub async fn own_certificate_status(
    state: &AppState,
    account: &Account,
) -> Result<String, ApiError> {
    let account = account.clone();
    state
        .read(move |conn| Ok(cabang_of(conn, &account)?.status_sertifikat))
        .await
}

/// Permintaan Sertifikat Digital of the PKP itself: issued now under `passphrase` (not kept),
/// `Dalam Proses` until the KPP approves it, then downloadable. One request at a time.
pub async fn request_own_certificate(
    state: &AppState,
    account: &Account,
    passphrase: String,
) -> Result<String, ApiError> {
    if passphrase.chars().count() < 8 {
        return Err(ApiError::bad(
            DjpCode::Etax20008,
            "passphrase minimal 8 karakter",
        ));
    }
    let (ca, account) = (state.ca.clone(), account.clone());
    state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if cabang_of(&tx, &account)?.status_sertifikat == "Dalam Proses" {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    DjpCode::Etax20008,
                    "permohonan sertifikat sebelumnya masih Dalam Proses; tunggu persetujuan KPP",
                ));
            }
            operator::issue_into(
                &tx,
                &ca,
                &account,
                &passphrase,
                crate::cert::P12Encryption::default(),
                "pending",
            )?;
            audit::record(
                &tx,
                Some(&account.npwp),
                "sertifikat-minta",
                "permohonan sertifikat lewat e-Nofa Online",
            )?;
            let status = cabang_of(&tx, &account)?.status_sertifikat;
            tx.commit()?;
            Ok(status)
        })
        .await
}

/// Download Sertifikat Digital: the PKP's own approved certificate as (`<npwp>.p12`, bytes).
pub async fn download_own_certificate(
    state: &AppState,
    account: &Account,
) -> Result<(String, Vec<u8>), ApiError> {
    let npwp = account.npwp.clone();
    state
        .read(move |conn| {
            let p12 = certificates::active_p12(conn, &npwp)?.ok_or_else(|| {
                ApiError::new(
                    StatusCode::CONFLICT,
                    DjpCode::Etax20008,
                    "belum ada sertifikat yang disetujui KPP untuk diunduh; ajukan di Permintaan Sertifikat Digital",
                )
            })?;
            Ok((format!("{npwp}.p12"), p12))
        })
        .await
}
