//! Lupa Password: NPWP + Kode Aktivasi + registered email → a single-use link, valid 30
//! minutes, mailed to that email ([`super::mail`]) in the page's language; the link's page sets
//! a new password. Wrong Kode Aktivasi count toward the account's lockout like the API's.
//!
//! When the mail cannot be sent (relay unreachable, refused, untrusted certificate) the link is
//! withdrawn at once — nobody holds it — and the page says the mail service failed and to try
//! again later; the cause goes to the log only. That answer tells only someone who already
//! typed the right NPWP, Kode Aktivasi and email that they matched.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use chrono::Duration;
use serde::Deserialize;

use super::WebState;
use super::form::WebForm;
use super::pages::{Lang, Page, html, problem_text, refusal};
use super::session::PreSession;
use crate::domain::{DjpCode, Npwp};
use crate::enofa::server::service::{check_kode, check_throttle};
use crate::enofa::server::state::{ApiError, random_hex};
use crate::enofa::server::store::{accounts, password_reset, web_session};
use crate::enofa::server::store::{audit, throttle};

/// How long a mailed link works.
pub const LINK_MINUTES: i64 = 30;

#[derive(Template)]
#[template(path = "lupa.html", config = "resources/askama.toml")]
struct LupaPage {
    page: Page,
    csrf: String,
}

#[derive(Template)]
#[template(path = "reset.html", config = "resources/askama.toml")]
struct ResetPage {
    page: Page,
    csrf: String,
    token: String,
    valid: bool,
}

fn with_pre(response: Response, pre: &PreSession) -> Response {
    let cookies: Vec<_> = pre
        .set_cookie
        .iter()
        .map(|c| (SET_COOKIE, c.clone()))
        .collect();
    (AppendHeaders(cookies), response).into_response()
}

fn lupa_form(lang: Lang, pre: &PreSession, page: Page, status: StatusCode) -> Response {
    let body = html(
        status,
        &LupaPage {
            page,
            csrf: pre.id.clone(),
        },
        lang.0,
    );
    with_pre(body, pre)
}

pub async fn lupa_page(lang: Lang, headers: HeaderMap) -> Response {
    let pre = PreSession::of(&headers);
    let page = Page::new(lang, lang.0.lupa_password);
    lupa_form(lang, &pre, page, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LupaForm {
    csrf: String,
    npwp: String,
    kode: String,
    email: String,
}

pub async fn lupa(
    State(state): State<Arc<WebState>>,
    lang: Lang,
    headers: HeaderMap,
    WebForm(form): WebForm<LupaForm>,
) -> Response {
    let t = lang.0;
    if !PreSession::matches(&headers, &form.csrf) {
        return refusal(StatusCode::FORBIDDEN, lang, t.lupa_password, t.csrf_refused);
    }
    let pre = PreSession::of(&headers);
    let page = || Page::new(lang, t.lupa_password);
    match send_link(&state, t, &form).await {
        // The same answer whether or not the data matched: the page tells nobody which NPWP
        // has which email.
        Ok(Sent::AsFarAsKnown) => lupa_form(lang, &pre, page().notice(t.lupa_sent), StatusCode::OK),
        Ok(Sent::MailFailed) => lupa_form(
            lang,
            &pre,
            page().problem(t.lupa_mail_failed),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        Err(e) => lupa_form(lang, &pre, page().problem(problem_text(t, &e)), e.status),
    }
}

/// What became of a Lupa Password request.
enum Sent {
    /// Mailed, or nothing to mail (the data matched no account): the page cannot tell which.
    AsFarAsKnown,
    /// The data matched but the mail could not be sent; the link was withdrawn.
    MailFailed,
}

async fn send_link(
    state: &WebState,
    t: &'static super::texts::Texts,
    form: &LupaForm,
) -> Result<Sent, ApiError> {
    let npwp = Npwp::parse(&form.npwp)
        .map_err(|e| ApiError::bad(DjpCode::Etax40005, format!("NPWP: {e}")))?;
    let account = state
        .app
        .read(move |conn| Ok(accounts::find_typed(conn, &npwp)?))
        .await?;
    let Some(account) = account else {
        // As long as a real check, so the answer's time tells nobody whether the NPWP exists.
        let _ = state
            .app
            .hashing
            .check(form.kode.trim(), super::login::dummy_hash())
            .await?;
        return Ok(Sent::AsFarAsKnown);
    };
    let kode = check_kode(&state.app, &form.kode, &account).await?;
    let email_ok = !account.email.trim().is_empty()
        && account.email.trim().eq_ignore_ascii_case(form.email.trim());
    let token = random_hex(32);
    let stored = token.clone();
    let npwp = account.npwp.clone();
    let matched = state
        .app
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            check_throttle(&tx, &npwp)?;
            let a = accounts::find(&tx, &npwp)?
                .ok_or_else(|| ApiError::internal("account vanished"))?;
            if !kode.holds_for(a.kode_hash.as_deref()) {
                throttle::record_failure(&tx, &npwp, "kode_aktivasi")?;
                tx.commit()?;
                return Ok(false);
            }
            if !email_ok {
                return Ok(false);
            }
            password_reset::create(&tx, &stored, &npwp, Duration::minutes(LINK_MINUTES))?;
            audit::record(
                &tx,
                Some(&npwp),
                "lupa-password",
                "tautan password baru dikirim",
            )?;
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if !matched {
        return Ok(Sent::AsFarAsKnown);
    }
    let link = format!("{}/reset-password?token={token}", state.base_url);
    let body = t
        .mail_body
        .replace("{nama}", &account.nama)
        .replace("{npwp}", &account.npwp)
        .replace("{menit}", &LINK_MINUTES.to_string())
        .replace("{link}", &link);
    match state
        .mailer
        .send(&account.email, t.mail_subject, &body)
        .await
    {
        Ok(to) => {
            tracing::info!(npwp = %account.npwp, %to, "Lupa Password: tautan dikirim");
            Ok(Sent::AsFarAsKnown)
        }
        Err(e) => {
            tracing::warn!(npwp = %account.npwp, cause = %e.cause, "Lupa Password: surat gagal dikirim; tautan dibatalkan");
            let npwp = account.npwp.clone();
            state
                .app
                .db(move |conn| {
                    let tx = conn.transaction()?;
                    password_reset::withdraw(&tx, &token)?;
                    audit::record(
                        &tx,
                        Some(&npwp),
                        "lupa-password",
                        "surat tautan gagal dikirim; tautan dibatalkan",
                    )?;
                    tx.commit()?;
                    Ok(())
                })
                .await?;
            Ok(Sent::MailFailed)
        }
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn reset_form(
    lang: Lang,
    pre: &PreSession,
    token: String,
    valid: bool,
    page: Page,
    status: StatusCode,
) -> Response {
    let body = html(
        status,
        &ResetPage {
            page,
            csrf: pre.id.clone(),
            token,
            valid,
        },
        lang.0,
    );
    with_pre(body, pre)
}

async fn link_npwp(state: &WebState, token: &str) -> Result<Option<String>, ApiError> {
    let token = token.to_owned();
    state
        .app
        .read(move |conn| Ok(password_reset::valid(conn, &token)?))
        .await
}

pub async fn reset_page(
    State(state): State<Arc<WebState>>,
    lang: Lang,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Response {
    let t = lang.0;
    let pre = PreSession::of(&headers);
    let page = Page::new(lang, t.reset_title);
    match link_npwp(&state, &q.token).await {
        Ok(Some(_)) => reset_form(lang, &pre, q.token, true, page, StatusCode::OK),
        Ok(None) => reset_form(
            lang,
            &pre,
            String::new(),
            false,
            page.problem(t.reset_link_bad),
            StatusCode::NOT_FOUND,
        ),
        Err(e) => super::pages::internal(t, &e.reason),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    csrf: String,
    token: String,
    baru: String,
    ulang: String,
}

pub async fn reset(
    State(state): State<Arc<WebState>>,
    lang: Lang,
    headers: HeaderMap,
    WebForm(form): WebForm<ResetForm>,
) -> Response {
    let t = lang.0;
    if !PreSession::matches(&headers, &form.csrf) {
        return refusal(StatusCode::FORBIDDEN, lang, t.reset_title, t.csrf_refused);
    }
    let pre = PreSession::of(&headers);
    let page = || Page::new(lang, t.reset_title);
    if form.baru != form.ulang || form.baru.chars().count() < 8 {
        let problem = if form.baru != form.ulang {
            t.password_mismatch
        } else {
            t.password_short
        };
        return reset_form(
            lang,
            &pre,
            form.token.clone(),
            true,
            page().problem(problem),
            StatusCode::BAD_REQUEST,
        );
    }
    let hash = match state.app.hashing.hash(&form.baru).await {
        Ok(h) => h,
        Err(e) => return super::pages::internal(t, &e.reason),
    };
    let token = form.token.clone();
    let done = state
        .app
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let Some(npwp) = password_reset::valid(&tx, &token)? else {
                return Ok(false);
            };
            accounts::set_password_hash(&tx, &npwp, &hash)?;
            password_reset::use_up(&tx, &npwp)?;
            web_session::PKP.end_others(&tx, &npwp, None)?;
            audit::record(
                &tx,
                Some(&npwp),
                "reset-password",
                "password baru lewat tautan Lupa Password",
            )?;
            tx.commit()?;
            Ok(true)
        })
        .await;
    match done {
        Ok(true) => Redirect::to("/login?reset=1").into_response(),
        Ok(false) => reset_form(
            lang,
            &pre,
            String::new(),
            false,
            page().problem(t.reset_link_bad),
            StatusCode::NOT_FOUND,
        ),
        Err(e) => reset_form(
            lang,
            &pre,
            String::new(),
            false,
            page().problem(problem_text(t, &e)),
            e.status,
        ),
    }
}
