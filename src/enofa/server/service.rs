//! Rules the API and the web pages share, so each has one owner.

use rusqlite::Connection;

use super::api::{check_kode, check_password, check_throttle, refuse_registration};
use super::captcha::{CaptchaCheck, CaptchaStore};
use super::db::{self, Account};
use super::hashing::Checked;
use super::state::{ApiError, AppState};
use super::store::accounts;
use crate::domain::DjpCode;

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
            db::record_failure(conn, &account.npwp, "captcha")?;
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
            let a = db::account(&tx, &npwp)?
                .ok_or_else(|| refuse_registration("NPWP tidak terdaftar"))?;
            check_throttle(&tx, &a.npwp)?;
            if let Err(e) = check_password(&tx, &a, &password, DjpCode::Etax40005) {
                tx.commit()?;
                return Err(e);
            }
            if !kode.holds_for(a.kode_hash.as_deref()) {
                db::record_failure(&tx, &a.npwp, "kode_aktivasi")?;
                tx.commit()?;
                return Err(refuse_registration("Kode Aktivasi aplikasi salah"));
            }
            let status = if a.client_status == "aktif" {
                "reset"
            } else {
                a.client_status.as_str()
            };
            accounts::reset_client(&tx, &a.npwp, &code_hash, status)?;
            db::audit(
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
