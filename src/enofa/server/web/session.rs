//! The logged-in PKP of a request ([`Pkp`]), its form token check, and the pre-login form
//! token ([`PreSession`]).

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;

use super::WebState;
use super::cookies;
use super::pages::{Lang, User, refusal};
use crate::enofa::server::state::{ApiError, random_hex};
use crate::enofa::server::store::accounts::{self, Account};
use crate::enofa::server::store::web_session;

/// A session ends after this long without a request…
pub const IDLE_MINUTES: i64 = 30;
/// …and this long after login in any case.
pub const MAX_HOURS: i64 = 12;
/// Length (hex digits) of session tokens and form tokens.
pub const TOKEN_HEX: usize = 64;
pub const CSRF_HEX: usize = 32;

/// A request of a logged-in PKP: its account as it is now, the session token and form token.
pub struct Pkp {
    pub account: Account,
    pub token: String,
    pub csrf: String,
    pub lang: Lang,
}

impl Pkp {
    pub fn user(&self) -> User {
        User {
            npwp: crate::domain::Npwp::parse(&self.account.npwp)
                .map(|n| n.to_string())
                .unwrap_or_else(|_| self.account.npwp.clone()),
            nama: self.account.nama.clone(),
            csrf: self.csrf.clone(),
        }
    }

    /// The refusal of a form whose token is not this session's (it did not come from our
    /// page); `None` when the token is right.
    pub fn csrf_refusal(&self, sent: &str) -> Option<Response> {
        if cookies::same(sent, &self.csrf) {
            return None;
        }
        tracing::info!(npwp = %self.account.npwp, "web form refused: form token does not match the session");
        Some(refusal(
            StatusCode::FORBIDDEN,
            self.lang,
            self.lang.0.home,
            self.lang.0.csrf_refused,
        ))
    }
}

/// Where a request without a live session goes: the login page, saying why.
fn to_login() -> Response {
    Redirect::to("/login?habis=1").into_response()
}

impl FromRequestParts<Arc<WebState>> for Pkp {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<WebState>,
    ) -> Result<Self, Response> {
        let lang = Lang::from_parts(parts);
        let Some(token) = cookies::get(&parts.headers, cookies::SESSION)
            .filter(|t| cookies::is_token(t, TOKEN_HEX))
        else {
            return Err(to_login());
        };
        let looked_up = token.clone();
        let found = state
            .app
            .db(move |conn| {
                let Some(live) = web_session::PKP.touch(
                    conn,
                    &looked_up,
                    Duration::minutes(IDLE_MINUTES),
                    Duration::hours(MAX_HOURS),
                )?
                else {
                    return Ok(None);
                };
                let account = accounts::find(conn, &live.npwp)?
                    .ok_or_else(|| ApiError::internal("session of a vanished account"))?;
                Ok(Some((account, live.csrf)))
            })
            .await;
        match found {
            Ok(Some((account, csrf))) => Ok(Pkp {
                account,
                token,
                csrf,
                lang,
            }),
            Ok(None) => Err(to_login()),
            Err(e) => Err(super::pages::internal(lang.0, &e.reason)),
        }
    }
}

/// The pre-login form token: the value of the `PRE` cookie, made now if the browser has none.
pub struct PreSession {
    pub id: String,
    /// `Set-Cookie` to send when the id is new.
    pub set_cookie: Option<String>,
}

/// How long a login or Lupa Password form stays usable.
pub const PRE_MINUTES: i64 = 15;

impl PreSession {
    pub fn of(parts_headers: &axum::http::HeaderMap) -> PreSession {
        match cookies::get(parts_headers, cookies::PRE).filter(|v| cookies::is_token(v, CSRF_HEX)) {
            Some(id) => PreSession {
                id,
                set_cookie: None,
            },
            None => {
                let id = random_hex(CSRF_HEX / 2);
                let set_cookie = Some(cookies::secret(cookies::PRE, &id, PRE_MINUTES * 60));
                PreSession { id, set_cookie }
            }
        }
    }

    /// The form's token must be the browser's own pre-login cookie (double submit; the cookie
    /// is SameSite=Strict, so another site cannot make the browser send both).
    pub fn matches(headers: &axum::http::HeaderMap, sent: &str) -> bool {
        cookies::get(headers, cookies::PRE)
            .is_some_and(|c| cookies::is_token(&c, CSRF_HEX) && cookies::same(&c, sent))
    }
}
