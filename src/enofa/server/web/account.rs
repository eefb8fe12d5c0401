//! Home and Profile User (with Ganti Password) of the logged-in PKP. Each page shows the
//! session's own account only: no page takes an NPWP from the address or the form.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::WebState;
use super::form::WebForm;
use super::pages::{Page, html, problem_text};
use super::session::Pkp;
use crate::domain::{DjpCode, Npwp};
use crate::enofa::server::api::profile_of;
use crate::enofa::server::service::{self, check_password, check_throttle};
use crate::enofa::server::state::ApiError;
use crate::enofa::server::store::{accounts, audit, web_session};

#[derive(Template)]
#[template(path = "home.html", config = "resources/askama.toml")]
struct HomePage {
    page: Page,
}

pub async fn home(pkp: Pkp) -> Response {
    let t = pkp.lang.0;
    let page = Page::new(pkp.lang, t.home).with_user(pkp.user());
    html(StatusCode::OK, &HomePage { page }, t)
}

#[derive(Template)]
#[template(path = "profile.html", config = "resources/askama.toml")]
struct ProfilePage {
    page: Page,
    npwp: String,
    nama: String,
    email: String,
    status: String,
    csrf: String,
    /// A Kode Aktivasi eFaktur Desktop just made (Reset Aplikasi Client): shown this once.
    new_kode: Option<String>,
}

/// NPWP as DJP writes it (`01.234.567.8-901.000`) where it parses, else as stored.
fn display_npwp(npwp: &str) -> String {
    Npwp::parse(npwp)
        .map(|n| n.to_string())
        .unwrap_or_else(|_| npwp.to_owned())
}

fn profile_page(pkp: &Pkp, page: Page, status: StatusCode) -> Response {
    profile_with_kode(pkp, page, status, None)
}

fn profile_with_kode(
    pkp: &Pkp,
    page: Page,
    status: StatusCode,
    new_kode: Option<String>,
) -> Response {
    let p = profile_of(&pkp.account);
    html(
        status,
        &ProfilePage {
            page,
            npwp: display_npwp(&p.npwp),
            nama: p.nama,
            email: p.email,
            status: p.status_aplikasi,
            csrf: pkp.csrf.clone(),
            new_kode,
        },
        pkp.lang.0,
    )
}

pub async fn profile(pkp: Pkp) -> Response {
    let page = Page::new(pkp.lang, pkp.lang.0.profile).with_user(pkp.user());
    profile_page(&pkp, page, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    lama: String,
    baru: String,
    ulang: String,
}

/// Ganti Password: the current password (a wrong one counts toward the lockout), a new one of
/// at least 8 characters typed twice. Ends the account's other web sessions.
pub async fn change_password(
    State(state): State<Arc<WebState>>,
    pkp: Pkp,
    WebForm(form): WebForm<PasswordForm>,
) -> Response {
    if let Some(refused) = pkp.csrf_refusal(&form.csrf) {
        return refused;
    }
    let t = pkp.lang.0;
    let page = || Page::new(pkp.lang, t.profile).with_user(pkp.user());
    if form.baru != form.ulang {
        return profile_page(
            &pkp,
            page().problem(t.password_mismatch),
            StatusCode::BAD_REQUEST,
        );
    }
    if form.baru.chars().count() < 8 {
        return profile_page(
            &pkp,
            page().problem(t.password_short),
            StatusCode::BAD_REQUEST,
        );
    }
    match set_password(&state, &pkp, &form).await {
        Ok(()) => profile_page(&pkp, page().notice(t.password_changed), StatusCode::OK),
        Err(e) => profile_page(&pkp, page().problem(problem_text(t, &e)), e.status),
    }
}

async fn set_password(state: &WebState, pkp: &Pkp, form: &PasswordForm) -> Result<(), ApiError> {
    let checked = state
        .app
        .hashing
        .check(&form.lama, &pkp.account.password_hash)
        .await?;
    let new_hash = state.app.hashing.hash(&form.baru).await?;
    let (npwp, keep) = (pkp.account.npwp.clone(), pkp.token.clone());
    state
        .app
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let a = accounts::find(&tx, &npwp)?.ok_or_else(|| {
                ApiError::forbidden(DjpCode::EtaxService40002, "NPWP tidak terdaftar")
            })?;
            check_throttle(&tx, &a.npwp)?;
            if let Err(e) = check_password(&tx, &a, &checked, DjpCode::Etax40005) {
                tx.commit()?;
                return Err(e);
            }
            accounts::set_password_hash(&tx, &a.npwp, &new_hash)?;
            web_session::PKP.end_others(&tx, &a.npwp, Some(&keep))?;
            audit::record(
                &tx,
                Some(&a.npwp),
                "ganti-password",
                "password diganti di e-Nofa Online",
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
}

#[derive(Template)]
#[template(path = "reset_aplikasi.html", config = "resources/askama.toml")]
struct ResetAplikasiPage {
    page: Page,
    active: bool,
    csrf: String,
}

fn reset_aplikasi_page(pkp: &Pkp, page: Page, status: StatusCode) -> Response {
    html(
        status,
        &ResetAplikasiPage {
            page,
            active: pkp.account.client_status == "aktif",
            csrf: pkp.csrf.clone(),
        },
        pkp.lang.0,
    )
}

pub async fn reset_aplikasi_form(pkp: Pkp) -> Response {
    let page = Page::new(pkp.lang, pkp.lang.0.reset_aplikasi).with_user(pkp.user());
    reset_aplikasi_page(&pkp, page, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct ResetAplikasiForm {
    csrf: String,
    kode: String,
    password: String,
}

/// Reset Aplikasi Client, the rule the API's `POST /api/v1/reset` follows too: the new Kode
/// Aktivasi eFaktur Desktop is shown once, in Profile User.
pub async fn reset_aplikasi(
    State(state): State<Arc<WebState>>,
    mut pkp: Pkp,
    WebForm(form): WebForm<ResetAplikasiForm>,
) -> Response {
    if let Some(refused) = pkp.csrf_refusal(&form.csrf) {
        return refused;
    }
    let t = pkp.lang.0;
    let reset = service::reset_client(&state.app, &pkp.account, &form.kode, &form.password).await;
    match reset {
        Ok(code) => {
            let npwp = pkp.account.npwp.clone();
            if let Ok(Some(a)) = state.app.read(move |c| Ok(accounts::find(c, &npwp)?)).await {
                pkp.account = a;
            }
            let page = Page::new(pkp.lang, t.profile)
                .with_user(pkp.user())
                .notice(t.reset_success);
            profile_with_kode(&pkp, page, StatusCode::OK, Some(code))
        }
        Err(e) => {
            let page = Page::new(pkp.lang, t.reset_aplikasi)
                .with_user(pkp.user())
                .problem(problem_text(t, &e));
            reset_aplikasi_page(&pkp, page, e.status)
        }
    }
}
