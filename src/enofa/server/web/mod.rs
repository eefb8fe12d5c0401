//! e-Nofa Online: the web pages of the service (issue #12), served on their own HTTPS listener
//! (`--web-listen`). Server-rendered HTML (askama templates in `resources/templates/web/`), no
//! script. Pages call the same service functions as the API (`service.rs`, `api.rs`).
//!
//! Security: server-side sessions in `__Host-` cookies (HttpOnly, Secure, SameSite=Strict,
//! expiring; only token hashes stored), a form token on every form, the API's throttling and
//! lockout, argon2 only, a strict Content-Security-Policy (no script at all, no framing),
//! `no-store` on every page, small bodies only.

mod account;
mod cabang;
mod cookies;
mod form;
mod kpp;
mod login;
mod lupa;
mod mail;
mod nsfp;
mod pages;
mod sertifikat;
mod session;
mod texts;

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::header::{self, HeaderValue};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::state::AppState;
pub use mail::{Mailer, SmtpConfig, SmtpSecurity, read_password_file};
use pages::{Lang, refusal};

/// What the pages share: the service state, their own address (for mailed links), the mailer.
pub struct WebState {
    pub app: Arc<AppState>,
    pub base_url: String,
    pub mailer: Mailer,
    /// The state directory: officer pages run the operator commands' own functions on it.
    pub dir: std::path::PathBuf,
}

impl WebState {
    pub fn new(app: Arc<AppState>, base_url: String, state_dir: &Path, mailer: Mailer) -> WebState {
        WebState {
            app,
            base_url,
            mailer,
            dir: state_dir.to_owned(),
        }
    }
}

/// Forms are a few short fields: anything larger is refused before it is read.
pub const MAX_BODY: usize = 16 * 1024;

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

pub fn router(state: Arc<WebState>) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/pkp/home") }))
        .route("/login", get(login::login_page).post(login::login))
        .route("/logout", post(login::logout))
        .route("/lupa-password", get(lupa::lupa_page).post(lupa::lupa))
        .route("/reset-password", get(lupa::reset_page).post(lupa::reset))
        .route("/pkp/home", get(account::home))
        .route("/pkp/profil", get(account::profile))
        .route("/pkp/ganti-password", post(account::change_password))
        .route(
            "/pkp/reset-aplikasi",
            get(account::reset_aplikasi_form).post(account::reset_aplikasi),
        )
        .route("/pkp/cabang", get(cabang::list).post(cabang::add))
        .route("/pkp/cabang/{npwp}/kode", post(cabang::new_kode))
        .route(
            "/pkp/cabang/{npwp}/ubah",
            get(cabang::edit_form).post(cabang::edit),
        )
        .route(
            "/pkp/cabang/{npwp}/sertifikat",
            get(cabang::certificate_form).post(cabang::request_certificate),
        )
        .route("/pkp/cabang/{npwp}/unduh", get(cabang::download))
        .route("/pkp/nsfp", get(nsfp::form).post(nsfp::request))
        .route("/pkp/nsfp/riwayat", get(nsfp::history))
        .route("/pkp/nsfp/cek", get(nsfp::check))
        .route("/kpp/login", get(kpp::login_page).post(kpp::login))
        .route("/kpp/logout", post(kpp::logout))
        .route("/kpp", get(kpp::home))
        .route("/kpp/pkp", post(kpp::add_pkp))
        .route("/kpp/cabang/{npwp}/{keputusan}", post(kpp::decide_cabang))
        .route(
            "/kpp/sertifikat/{serial}/{keputusan}",
            post(kpp::decide_certificate),
        )
        .route("/kpp/cabut", post(kpp::revoke))
        .route(
            "/pkp/sertifikat",
            get(sertifikat::form).post(sertifikat::request),
        )
        .route("/pkp/sertifikat/unduh", get(sertifikat::download))
        .route("/static/web.css", get(css))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../../resources/web/web.css"),
    )
        .into_response()
}

async fn not_found(lang: Lang) -> Response {
    refusal(StatusCode::NOT_FOUND, lang, lang.0.home, lang.0.not_found)
}

/// Headers of every answer; `?lang=` is remembered in a cookie.
async fn security_headers(req: Request, next: Next) -> Response {
    let asked = pages::asked_lang(req.uri());
    let mut response = next.run(req).await;
    let h: &mut HeaderMap = response.headers_mut();
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"),
    ];
    for (name, value) in fixed {
        h.insert(name, HeaderValue::from_static(value));
    }
    // Pages show NPWP, names and form tokens: never kept by a browser or proxy.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(lang) = asked {
        let cookie = format!(
            "{}={lang}; Path=/; Secure; SameSite=Strict; Max-Age=31536000",
            cookies::LANG
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            h.append(header::SET_COOKIE, v);
        }
    }
    response
}
