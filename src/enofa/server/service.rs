//! Rules the API and the web pages share, so each has one owner.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use rusqlite::Connection;

use super::captcha::{CaptchaCheck, CaptchaStore};
use super::hashing::Checked;
use super::state::{ApiError, AppState};
use super::store::accounts::{self, Account};
use super::store::{audit, throttle};
use crate::domain::{DjpCode, KodeAktivasi};

/// Wrong passwords, captchas and Kode Aktivasi allowed per account inside [`THROTTLE_WINDOW_MINUTES`].
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// A refused registration or reset (ETAX-40005).
pub fn refuse_registration(reason: impl Into<String>) -> ApiError {
    ApiError::bad(DjpCode::Etax40005, reason)
}

/// Refuses while the account has too many recent wrong passwords, captchas or Kode Aktivasi.
pub fn check_throttle(conn: &Connection, npwp: &str) -> Result<(), ApiError> {
    let since = Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    if throttle::failures_since(conn, npwp, since)? >= MAX_FAILURES {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            DjpCode::Etax40004,
            format!(
                "terlalu banyak password/captcha/Kode Aktivasi salah; coba lagi setelah {} menit",
                THROTTLE_WINDOW_MINUTES
            ),
        ));
    }
    Ok(())
}

/// `password` was checked before the transaction ([`AppState::hashing`]).
pub fn check_password(
    conn: &Connection,
    account: &Account,
    password: &Checked,
    code: DjpCode,
) -> Result<(), ApiError> {
    if password.holds_for(Some(&account.password_hash)) {
        return Ok(());
    }
    throttle::record_failure(conn, &account.npwp, "password")?;
    Err(ApiError::bad(code, "password e-Nofa salah"))
}

/// The typed Kode Aktivasi against the account's, in the hashing pool (not under the lock).
pub async fn check_kode(
    state: &AppState,
    typed: &str,
    account: &Account,
) -> Result<Checked, ApiError> {
    match (KodeAktivasi::parse(typed), account.kode_hash.as_deref()) {
        (Ok(kode), Some(hash)) => state.hashing.check(kode.as_str(), hash).await,
        _ => Ok(Checked::failed()),
    }
}

/// Inside the caller's transaction: the captcha `captcha_id` (issued under `captcha_key`) and
/// the password (checked before the transaction) of `account`. A wrong captcha or password is
/// recorded toward the account's lockout; on `Err` the caller commits to keep that record.
#[allow(clippy::too_many_arguments)]
pub fn captcha_and_password(
    conn: &Connection,
    captchas: &CaptchaStore,
    captcha_key: &str,
    captcha_id: &str,
    captcha_answer: &str,
    account: &Account,
    password: &Checked,
    code: DjpCode,
) -> Result<(), ApiError> {
    match captchas.take(captcha_id, captcha_answer, captcha_key) {
        CaptchaCheck::Correct => {}
        CaptchaCheck::Wrong => {
            throttle::record_failure(conn, &account.npwp, "captcha")?;
            return Err(ApiError::bad(code, "captcha salah; minta captcha baru"));
        }
        // Nothing was guessed: a captcha that expired or was displaced is no failure.
        CaptchaCheck::Gone => {
            return Err(ApiError::bad(
                code,
                "captcha tidak berlaku lagi (kedaluwarsa, sudah dipakai atau digantikan); minta captcha baru",
            ));
        }
    }
    check_password(conn, account, password, code)
}

/// Reset Aplikasi Client (API `POST /api/v1/reset` and the web page): the current Kode Aktivasi
/// and the e-Nofa password of `account` deactivate its desktop client and give a new Kode
/// Aktivasi eFaktur Desktop, returned formatted (`XXXX-XXXX-XXXX-XXXX`) to be shown once.
pub async fn reset_client(
    state: &AppState,
    account: &Account,
    kode_aktivasi: &str,
    password: &str,
) -> Result<String, ApiError> {
    let password = state
        .hashing
        .check(password, &account.password_hash)
        .await?;
    let kode = check_kode(state, kode_aktivasi, account).await?;
    let code = super::operator::new_kode_aktivasi();
    let code_hash = state.hashing.hash_kode(&code).await?;
    let npwp = account.npwp.clone();
    state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let a = accounts::find(&tx, &npwp)?
                .ok_or_else(|| refuse_registration("NPWP tidak terdaftar"))?;
            check_throttle(&tx, &a.npwp)?;
            if let Err(e) = check_password(&tx, &a, &password, DjpCode::Etax40005) {
                tx.commit()?;
                return Err(e);
            }
            if !kode.holds_for(a.kode_hash.as_deref()) {
                throttle::record_failure(&tx, &a.npwp, "kode_aktivasi")?;
                tx.commit()?;
                return Err(refuse_registration("Kode Aktivasi aplikasi salah"));
            }
            let status = if a.client_status == "aktif" {
                "reset"
            } else {
                a.client_status.as_str()
            };
            accounts::reset_client(&tx, &a.npwp, &code_hash, status)?;
            audit::record(
                &tx,
                Some(&a.npwp),
                "reset",
                "client desktop di-reset, kode aktivasi baru",
            )?;
            tx.commit()?;
            Ok(code)
        })
        .await
}
