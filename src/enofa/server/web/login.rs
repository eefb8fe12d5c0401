//! Login (NPWP 15/16 digits + password + captcha) and logout. The captcha, throttling and
//! lockout are the API's own (`service::captcha_and_password`, the same failure counters).

use std::sync::{Arc, OnceLock};

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::Duration;
use serde::Deserialize;

use super::WebState;
use super::cookies;
use super::form::WebForm;
use super::pages::{Lang, Page, html, problem_text, refusal};
use super::session::{CSRF_HEX, IDLE_MINUTES, MAX_HOURS, Pkp, PreSession, TOKEN_HEX};
use crate::domain::{DjpCode, Npwp};
use crate::enofa::server::hashing::hash_secret;
use crate::enofa::server::service;
use crate::enofa::server::service::check_throttle;
use crate::enofa::server::state::{ApiError, random_hex};
use crate::enofa::server::store::accounts::{self, Account};
use crate::enofa::server::store::{audit, web_session};

#[derive(Template)]
#[template(path = "login.html", config = "resources/askama.toml")]
struct LoginPage {
    page: Page,
    csrf: String,
    captcha_id: String,
    captcha_png: String,
    npwp: String,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    habis: Option<String>,
    keluar: Option<String>,
    reset: Option<String>,
}

/// The key web login captchas are issued under: the browser's pre-login token.
fn captcha_key(pre: &str) -> String {
    format!("web-login:{pre}")
}

/// The login form with a fresh captcha.
fn login_form(
    state: &WebState,
    lang: Lang,
    pre: &PreSession,
    npwp: String,
    page: Page,
    status: StatusCode,
) -> Response {
    let (id, answer, png) = state.app.web_captchas.issue(&captcha_key(&pre.id));
    if state.app.demo {
        // Demo mode only, as for the API: a trainer (or a test) reads the answer.
        tracing::info!(captcha_id = %id, jawaban = %answer, "captcha login web (mode demo)");
    }
    let body = html(
        status,
        &LoginPage {
            page,
            csrf: pre.id.clone(),
            captcha_id: id,
            captcha_png: B64.encode(png),
            npwp,
        },
        lang.0,
    );
    with_cookies(body, pre.set_cookie.iter().cloned())
}

fn with_cookies(response: Response, cookies: impl IntoIterator<Item = String>) -> Response {
    let headers: Vec<_> = cookies.into_iter().map(|c| (SET_COOKIE, c)).collect();
    (AppendHeaders(headers), response).into_response()
}

pub async fn login_page(
    State(state): State<Arc<WebState>>,
    lang: Lang,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    let t = lang.0;
    let mut page = Page::new(lang, t.login);
    if q.habis.is_some() {
        page = page.notice(t.expired);
    } else if q.keluar.is_some() {
        page = page.notice(t.logged_out);
    } else if q.reset.is_some() {
        page = page.notice(t.reset_done);
    }
    let pre = PreSession::of(&headers);
    login_form(&state, lang, &pre, String::new(), page, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    npwp: String,
    password: String,
    captcha_id: String,
    captcha: String,
}

/// An argon2 hash of nothing anybody types, checked when the NPWP is unknown so that an unknown
/// NPWP takes as long to refuse as a wrong password.
pub(super) fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_secret(&random_hex(16)).unwrap_or_default())
}

pub async fn login(
    State(state): State<Arc<WebState>>,
    lang: Lang,
    headers: HeaderMap,
    WebForm(form): WebForm<LoginForm>,
) -> Response {
    let t = lang.0;
    if !PreSession::matches(&headers, &form.csrf) {
        tracing::info!("web login refused: form token does not match the browser's");
        return refusal(StatusCode::FORBIDDEN, lang, t.login, t.csrf_refused);
    }
    let pre = PreSession::of(&headers);
    let again = |problem: String, status: StatusCode| {
        let page = Page::new(lang, t.login).problem(problem);
        login_form(&state, lang, &pre, form.npwp.clone(), page, status)
    };
    let npwp = match Npwp::parse(&form.npwp) {
        Ok(n) => n,
        Err(e) => return again(format!("NPWP: {e}"), StatusCode::BAD_REQUEST),
    };
    match check_login(&state, &npwp, &form, &pre.id).await {
        Ok(account) => start_session(&state, account, lang).await,
        Err(e) if e.status == StatusCode::BAD_REQUEST => again(
            format!("{} : {}", e.code.as_str(), t.login_wrong),
            StatusCode::BAD_REQUEST,
        ),
        Err(e) => again(problem_text(t, &e), e.status),
    }
}

/// NPWP, captcha and password, with the API's throttling: the account when all hold.
async fn check_login(
    state: &WebState,
    npwp: &Npwp,
    form: &LoginForm,
    pre: &str,
) -> Result<Account, ApiError> {
    let typed = npwp.clone();
    let account = state
        .app
        .read(move |conn| Ok(accounts::find_typed(conn, &typed)?))
        .await?;
    let Some(account) = account else {
        let _ = state
            .app
            .hashing
            .check(&form.password, dummy_hash())
            .await?;
        return Err(ApiError::bad(DjpCode::Etax40005, "NPWP tidak terdaftar"));
    };
    let password = state
        .app
        .hashing
        .check(&form.password, &account.password_hash)
        .await?;
    let app = state.app.clone();
    let (key, id, answer) = (
        captcha_key(pre),
        form.captcha_id.clone(),
        form.captcha.clone(),
    );
    state
        .app
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let a = accounts::find(&tx, &account.npwp)?
                .ok_or_else(|| ApiError::bad(DjpCode::Etax40005, "NPWP tidak terdaftar"))?;
            check_throttle(&tx, &a.npwp)?;
            if let Err(e) = service::captcha_and_password(
                &tx,
                &app.web_captchas,
                &key,
                &id,
                &answer,
                &a,
                &password,
                DjpCode::Etax40005,
            ) {
                tx.commit()?;
                return Err(e);
            }
            if a.cabang_pending() {
                return Err(ApiError::cabang_pending(&a.npwp));
            }
            tx.commit()?;
            Ok(a)
        })
        .await
}

async fn start_session(state: &WebState, account: Account, lang: Lang) -> Response {
    let token = random_hex(TOKEN_HEX / 2);
    let csrf = random_hex(CSRF_HEX / 2);
    let stored = token.clone();
    let created = state
        .app
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            web_session::PKP.create(
                &tx,
                &stored,
                &account.npwp,
                &csrf,
                Duration::minutes(IDLE_MINUTES),
            )?;
            audit::record(&tx, Some(&account.npwp), "web-login", "login e-Nofa Online")?;
            tx.commit()?;
            Ok(())
        })
        .await;
    match created {
        Ok(()) => with_cookies(
            Redirect::to("/pkp/home").into_response(),
            [
                cookies::secret(cookies::SESSION, &token, MAX_HOURS * 3600),
                cookies::remove(cookies::PRE),
            ],
        ),
        Err(e) => super::pages::internal(lang.0, &e.reason),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<Arc<WebState>>,
    pkp: Pkp,
    WebForm(form): WebForm<CsrfForm>,
) -> Response {
    if let Some(refused) = pkp.csrf_refusal(&form.csrf) {
        return refused;
    }
    let (token, npwp) = (pkp.token.clone(), pkp.account.npwp.clone());
    let ended = state
        .app
        .db(move |conn| {
            web_session::PKP.end_session(conn, &token)?;
            audit::record(conn, Some(&npwp), "web-logout", "keluar e-Nofa Online")?;
            Ok(())
        })
        .await;
    match ended {
        Ok(()) => with_cookies(
            Redirect::to("/login?keluar=1").into_response(),
            [cookies::remove(cookies::SESSION)],
        ),
        Err(e) => super::pages::internal(pkp.lang.0, &e.reason),
    }
}
