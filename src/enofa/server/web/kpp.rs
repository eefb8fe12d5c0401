//! The KPP officer's pages (`/kpp`): a separate login (accounts from `enofa-server officer
//! add`, own session cookie, captcha and lockout as the PKP's), then what the operator commands
//! do — record a PKP (its letter with password and Kode Aktivasi shown once), confirm or refuse
//! branches and branch certificate requests, revoke certificates. Each action calls the
//! operator command's own function. In Bahasa Indonesia or English (`?lang=`, the language
//! cookie) like the PKP's pages; refusals of the operator functions keep their Indonesian text,
//! as the service's refusals do on every page.

use std::sync::Arc;

use askama::Template;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::Duration;
use serde::Deserialize;

use super::WebState;
use super::cookies;
use super::form::WebForm;
use super::pages::{Lang, User, html};
use super::session::{CSRF_HEX, IDLE_MINUTES, MAX_HOURS, PreSession, TOKEN_HEX};
use super::texts::{ID, Texts};
use crate::enofa::server::ServerError;
use crate::enofa::server::operator::{self, PendingCabang};
use crate::enofa::server::state::{ApiError, random_hex};
use crate::enofa::server::store::{audit, certificates, throttle};
use crate::enofa::server::store::{officers, web_session};

/// The key officer failures are counted under (beside the PKP's NPWP in `failed_attempt`).
fn failure_key(username: &str) -> String {
    format!("kpp:{username}")
}

/// A request of a logged-in officer.
pub struct Officer {
    username: String,
    token: String,
    csrf: String,
}

impl Officer {
    fn user(&self) -> User {
        User {
            npwp: self.username.clone(),
            nama: String::new(),
            csrf: self.csrf.clone(),
        }
    }
}

impl FromRequestParts<Arc<WebState>> for Officer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<WebState>,
    ) -> Result<Self, Response> {
        let to_login = || Redirect::to("/kpp/login").into_response();
        let Some(token) =
            cookies::get(&parts.headers, cookies::KPP).filter(|t| cookies::is_token(t, TOKEN_HEX))
        else {
            return Err(to_login());
        };
        let looked_up = token.clone();
        let live = state
            .app
            .db(move |conn| {
                Ok(web_session::KPP.touch(
                    conn,
                    &looked_up,
                    Duration::minutes(IDLE_MINUTES),
                    Duration::hours(MAX_HOURS),
                )?)
            })
            .await;
        match live {
            Ok(Some(l)) => Ok(Officer {
                username: l.npwp,
                token,
                csrf: l.csrf,
            }),
            Ok(None) => Err(to_login()),
            Err(e) => Err(super::pages::internal(Lang::from_parts(parts).0, &e.reason)),
        }
    }
}

#[derive(Template)]
#[template(path = "kpp_login.html", config = "resources/askama.toml")]
struct LoginPage {
    t: &'static Texts,
    title: &'static str,
    officer: Option<User>,
    notice: Option<String>,
    problem: Option<String>,
    csrf: String,
    captcha_id: String,
    captcha_png: String,
}

fn login_form(
    state: &WebState,
    headers: &HeaderMap,
    lang: Lang,
    problem: Option<String>,
    status: StatusCode,
) -> Response {
    let pre = PreSession::of(headers);
    let (id, answer, png) = state
        .app
        .web_captchas
        .issue(&format!("kpp-login:{}", pre.id));
    if state.app.demo {
        tracing::info!(captcha_id = %id, jawaban = %answer, "captcha login petugas (mode demo)");
    }
    let body = html(
        status,
        &LoginPage {
            t: lang.0,
            title: lang.0.kpp_login_title,
            officer: None,
            notice: None,
            problem,
            csrf: pre.id.clone(),
            captcha_id: id,
            captcha_png: B64.encode(png),
        },
        lang.0,
    );
    let set: Vec<_> = pre
        .set_cookie
        .into_iter()
        .map(|c| (SET_COOKIE, c))
        .collect();
    (AppendHeaders(set), body).into_response()
}

pub async fn login_page(
    State(state): State<Arc<WebState>>,
    lang: Lang,
    headers: HeaderMap,
) -> Response {
    login_form(&state, &headers, lang, None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    username: String,
    password: String,
    captcha_id: String,
    captcha: String,
}

pub async fn login(
    State(state): State<Arc<WebState>>,
    lang: Lang,
    headers: HeaderMap,
    WebForm(form): WebForm<LoginForm>,
) -> Response {
    let t = lang.0;
    if !PreSession::matches(&headers, &form.csrf) {
        return super::pages::refusal(
            StatusCode::FORBIDDEN,
            lang,
            t.kpp_login_title,
            t.csrf_refused,
        );
    }
    let pre = PreSession::of(&headers);
    match check_login(&state, &form, &pre.id).await {
        Ok(username) => start_session(&state, t, username).await,
        Err(e) if e.status == StatusCode::BAD_REQUEST => login_form(
            &state,
            &headers,
            lang,
            Some(t.kpp_login_wrong.into()),
            StatusCode::BAD_REQUEST,
        ),
        Err(e) => login_form(
            &state,
            &headers,
            lang,
            Some(super::pages::problem_text(t, &e)),
            e.status,
        ),
    }
}

async fn check_login(state: &WebState, form: &LoginForm, pre: &str) -> Result<String, ApiError> {
    let username = form.username.trim().to_owned();
    let name = username.clone();
    let hash = state
        .app
        .read(move |conn| Ok(officers::password_hash(conn, &name)?))
        .await?;
    let refused = || ApiError::bad(crate::domain::DjpCode::Etax40005, "login petugas ditolak");
    let Some(hash) = hash else {
        let _ = state
            .app
            .hashing
            .check(&form.password, super::login::dummy_hash())
            .await?;
        return Err(refused());
    };
    let checked = state.app.hashing.check(&form.password, &hash).await?;
    let app = state.app.clone();
    let (key, id, answer) = (
        format!("kpp-login:{pre}"),
        form.captcha_id.clone(),
        form.captcha.clone(),
    );
    state
        .app
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let counted = failure_key(&username);
            crate::enofa::server::service::check_throttle(&tx, &counted)?;
            let captcha = app.web_captchas.take(&id, &answer, &key);
            if captcha != crate::enofa::server::captcha::CaptchaCheck::Correct {
                if captcha == crate::enofa::server::captcha::CaptchaCheck::Wrong {
                    throttle::record_failure(&tx, &counted, "captcha")?;
                }
                tx.commit()?;
                return Err(refused());
            }
            let stored = officers::password_hash(&tx, &username)?;
            if !checked.holds_for(stored.as_deref()) {
                throttle::record_failure(&tx, &counted, "password")?;
                tx.commit()?;
                return Err(refused());
            }
            tx.commit()?;
            Ok(username)
        })
        .await
}

async fn start_session(state: &WebState, t: &'static Texts, username: String) -> Response {
    let token = random_hex(TOKEN_HEX / 2);
    let csrf = random_hex(CSRF_HEX / 2);
    let stored = token.clone();
    let created = state
        .app
        .db(move |conn| {
            web_session::KPP.create(
                conn,
                &stored,
                &username,
                &csrf,
                Duration::minutes(IDLE_MINUTES),
            )?;
            audit::record(conn, None, "petugas-login", &username)?;
            Ok(())
        })
        .await;
    match created {
        Ok(()) => (
            AppendHeaders([
                (
                    SET_COOKIE,
                    cookies::secret(cookies::KPP, &token, MAX_HOURS * 3600),
                ),
                (SET_COOKIE, cookies::remove(cookies::PRE)),
            ]),
            Redirect::to("/kpp"),
        )
            .into_response(),
        Err(e) => super::pages::internal(t, &e.reason),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

fn csrf_refusal(officer: &Officer, lang: Lang, sent: &str) -> Option<Response> {
    if cookies::same(sent, &officer.csrf) {
        return None;
    }
    Some(super::pages::refusal(
        StatusCode::FORBIDDEN,
        lang,
        lang.0.kpp_title,
        lang.0.csrf_refused,
    ))
}

pub async fn logout(
    State(state): State<Arc<WebState>>,
    officer: Officer,
    lang: Lang,
    WebForm(form): WebForm<CsrfOnly>,
) -> Response {
    if let Some(refused) = csrf_refusal(&officer, lang, &form.csrf) {
        return refused;
    }
    let token = officer.token.clone();
    let _ = state
        .app
        .db(move |conn| Ok(web_session::KPP.end_session(conn, &token)?))
        .await;
    (
        AppendHeaders([(SET_COOKIE, cookies::remove(cookies::KPP))]),
        Redirect::to("/kpp/login"),
    )
        .into_response()
}

/// The letter of a PKP account just recorded: shown once, never stored in clear.
struct Letter {
    npwp: String,
    nama: String,
    password: String,
    kode: String,
}

#[derive(Template)]
#[template(path = "kpp_home.html", config = "resources/askama.toml")]
struct HomePage {
    t: &'static Texts,
    title: &'static str,
    officer: Option<User>,
    notice: Option<String>,
    problem: Option<String>,
    csrf: String,
    cabang: Vec<PendingCabang>,
    certificates: Vec<(String, String, String)>,
    letter: Option<Letter>,
}

/// Runs an operator command's function on the state directory, off the async threads.
async fn run<T: Send + 'static>(
    state: &WebState,
    f: impl FnOnce(&std::path::Path) -> Result<T, ServerError> + Send + 'static,
) -> Result<T, String> {
    let dir = state.dir.clone();
    match tokio::task::spawn_blocking(move || f(&dir)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

async fn home_page(
    state: &WebState,
    officer: &Officer,
    lang: Lang,
    notice: Option<String>,
    mut problem: Option<String>,
    letter: Option<Letter>,
) -> Response {
    let cabang = match run(state, operator::cabang_pending).await {
        Ok(c) => c,
        Err(e) => {
            problem = Some(e);
            Vec::new()
        }
    };
    let certificates = state
        .app
        .read(|conn| Ok(certificates::waiting_for_kpp(conn)?))
        .await
        .unwrap_or_default();
    let status = if problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    html(
        status,
        &HomePage {
            t: lang.0,
            title: lang.0.kpp_title,
            officer: Some(officer.user()),
            notice,
            problem,
            csrf: officer.csrf.clone(),
            cabang,
            certificates,
            letter,
        },
        lang.0,
    )
}

pub async fn home(State(state): State<Arc<WebState>>, officer: Officer, lang: Lang) -> Response {
    home_page(&state, &officer, lang, None, None, None).await
}

/// What an officer's action did: the page's notice in its language, the audit log's in
/// Indonesian.
enum Done {
    PkpAdded { npwp: String },
    CabangApproved { npwp: String },
    CabangRefused { npwp: String },
    CertApproved { npwp: String, serial: String },
    CertRefused { serial: String },
    Revoked { serial: String },
}

impl Done {
    fn text(&self, t: &Texts) -> String {
        let (template, npwp, serial) = match self {
            Done::PkpAdded { npwp } => (t.kpp_pkp_added, npwp.as_str(), ""),
            Done::CabangApproved { npwp } => (t.kpp_cabang_approved, npwp.as_str(), ""),
            Done::CabangRefused { npwp } => (t.kpp_cabang_refused, npwp.as_str(), ""),
            Done::CertApproved { npwp, serial } => {
                (t.kpp_cert_approved, npwp.as_str(), serial.as_str())
            }
            Done::CertRefused { serial } => (t.kpp_cert_refused, "", serial.as_str()),
            Done::Revoked { serial } => (t.kpp_revoked, "", serial.as_str()),
        };
        template.replace("{npwp}", npwp).replace("{serial}", serial)
    }
}

/// After an action: the page with its result, and the action in the audit log.
async fn done(
    state: &WebState,
    officer: &Officer,
    lang: Lang,
    result: Result<Done, String>,
    letter: Option<Letter>,
) -> Response {
    let (notice, problem) = match result {
        Ok(d) => {
            let (who, what) = (officer.username.clone(), d.text(&ID));
            let _ = state
                .app
                .db(move |conn| {
                    Ok(audit::record(
                        conn,
                        None,
                        "petugas",
                        &format!("{who}: {what}"),
                    )?)
                })
                .await;
            (Some(d.text(lang.0)), None)
        }
        Err(e) => (None, Some(e)),
    };
    home_page(state, officer, lang, notice, problem, letter).await
}

#[derive(Deserialize)]
pub struct PkpForm {
    csrf: String,
    npwp: String,
    nama: String,
    alamat: String,
    #[serde(default)]
    email: String,
}

pub async fn add_pkp(
    State(state): State<Arc<WebState>>,
    officer: Officer,
    lang: Lang,
    WebForm(form): WebForm<PkpForm>,
) -> Response {
    if let Some(refused) = csrf_refusal(&officer, lang, &form.csrf) {
        return refused;
    }
    let (npwp, nama, alamat, email) = (form.npwp, form.nama, form.alamat, form.email);
    let made = run(&state, move |dir| {
        operator::pkp_add(dir, &npwp, &nama, &alamat, &email).map(|p| (p, nama))
    })
    .await;
    match made {
        Ok((p, nama)) => {
            let letter = Letter {
                npwp: p.npwp.to_string(),
                nama,
                password: p.password.expose().to_owned(),
                kode: p.kode_aktivasi.expose().to_owned(),
            };
            let npwp = p.npwp.to_string();
            done(
                &state,
                &officer,
                lang,
                Ok(Done::PkpAdded { npwp }),
                Some(letter),
            )
            .await
        }
        Err(e) => done(&state, &officer, lang, Err(e), None).await,
    }
}

pub async fn decide_cabang(
    State(state): State<Arc<WebState>>,
    officer: Officer,
    lang: Lang,
    Path((npwp, keputusan)): Path<(String, String)>,
    WebForm(form): WebForm<CsrfOnly>,
) -> Response {
    if let Some(refused) = csrf_refusal(&officer, lang, &form.csrf) {
        return refused;
    }
    let result = match keputusan.as_str() {
        "setujui" => {
            let n = npwp.clone();
            run(&state, move |dir| operator::cabang_approve(dir, &n))
                .await
                .map(|()| Done::CabangApproved { npwp })
        }
        "tolak" => {
            let n = npwp.clone();
            run(&state, move |dir| operator::cabang_reject(dir, &n))
                .await
                .map(|()| Done::CabangRefused { npwp })
        }
        _ => Err(lang.0.kpp_unknown_decision.into()),
    };
    done(&state, &officer, lang, result, None).await
}

pub async fn decide_certificate(
    State(state): State<Arc<WebState>>,
    officer: Officer,
    lang: Lang,
    Path((serial, keputusan)): Path<(String, String)>,
    WebForm(form): WebForm<CsrfOnly>,
) -> Response {
    if let Some(refused) = csrf_refusal(&officer, lang, &form.csrf) {
        return refused;
    }
    let s = serial.clone();
    let pending = state
        .app
        .read(move |conn| {
            Ok(certificates::waiting_for_kpp(conn)?
                .into_iter()
                .find(|c| c.0 == s))
        })
        .await
        .ok()
        .flatten();
    let Some((serial, npwp, _)) = pending else {
        let problem = lang.0.kpp_no_request.replace("{serial}", &serial);
        return done(&state, &officer, lang, Err(problem), None).await;
    };
    let result = match keputusan.as_str() {
        "setujui" => run(&state, move |dir| operator::cabang_approve_cert(dir, &npwp))
            .await
            .map(|a| Done::CertApproved {
                npwp: a.npwp,
                serial: a.serial,
            }),
        "tolak" => {
            let s = serial.clone();
            run(&state, move |dir| operator::cert_revoke(dir, &s))
                .await
                .map(|()| Done::CertRefused { serial })
        }
        _ => Err(lang.0.kpp_unknown_decision.into()),
    };
    done(&state, &officer, lang, result, None).await
}

#[derive(Deserialize)]
pub struct RevokeForm {
    csrf: String,
    serial: String,
}

pub async fn revoke(
    State(state): State<Arc<WebState>>,
    officer: Officer,
    lang: Lang,
    WebForm(form): WebForm<RevokeForm>,
) -> Response {
    if let Some(refused) = csrf_refusal(&officer, lang, &form.csrf) {
        return refused;
    }
    let serial = form.serial.trim().to_owned();
    let s = serial.clone();
    let result = run(&state, move |dir| operator::cert_revoke(dir, &s))
        .await
        .map(|()| Done::Revoked { serial });
    done(&state, &officer, lang, result, None).await
}
