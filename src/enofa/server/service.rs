//! Rules the API and the web pages share, so each has one owner.

use rusqlite::Connection;

use super::captcha::{CaptchaCheck, CaptchaStore};
use super::db::{self, Account};
use super::hashing::Checked;
use super::state::ApiError;
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
    super::api::check_password(conn, account, password, code)
}
