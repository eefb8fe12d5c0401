//! Permintaan NSFP (the PKP's certificate from the TLS handshake must name the logged-in NPWP
//! and be active) and Riwayat Permintaan NSFP (no certificate needed, as the manual says).
//! The allocation rules are the API's too (`server::nsfp`).

use std::sync::Arc;

use askama::Template;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;

use super::WebState;
use super::form::WebForm;
use super::pages::{Page, html, problem_text, refusal_for};
use super::session::Pkp;
use crate::cert::CertInfo;
use crate::enofa::server::auth::active_account;
use crate::enofa::server::listener::PeerCert;
use crate::enofa::server::nsfp::{self, QuotaInfo, quota_of};
use crate::enofa::wire::{NsfpAllocation, NsfpCheck, NsfpRequest};

/// The client certificate the browser presented on this connection, if any.
pub struct ClientCert(Option<PeerCert>);

impl<S: Send + Sync> FromRequestParts<S> for ClientCert {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientCert(parts.extensions.get::<PeerCert>().cloned()))
    }
}

/// The serial of the presented certificate when it is an active certificate of the logged-in
/// NPWP; otherwise the page that says what to do.
async fn certificate_of(state: &WebState, pkp: &Pkp, cert: ClientCert) -> Result<String, Response> {
    let t = pkp.lang.0;
    let page = || Page::new(pkp.lang, t.permintaan_nsfp).with_user(pkp.user());
    let Some(cert) = cert.0 else {
        return Err(refusal_for(
            StatusCode::FORBIDDEN,
            page(),
            t.tanpa_sertifikat,
        ));
    };
    let wrong = |reason: String| {
        refusal_for(
            StatusCode::FORBIDDEN,
            page(),
            &t.sertifikat_lain.replace("{reason}", &reason),
        )
    };
    let info = CertInfo::from_der(&cert.0).map_err(|e| wrong(e.to_string()))?;
    let Some(npwp) = info.npwp else {
        return Err(wrong("sertifikat tidak memuat NPWP".into()));
    };
    let own = &pkp.account.npwp;
    if npwp.digits() != own && npwp.npwp15() != Some(own.as_str()) {
        return Err(wrong(format!("sertifikat milik NPWP {npwp}")));
    }
    let (serial, npwp15) = (info.serial, own.clone());
    let looked_up = serial.clone();
    state
        .app
        .read(move |conn| active_account(conn, &looked_up, &npwp15).map(|_| ()))
        .await
        .map_err(|e| wrong(e.reason))?;
    Ok(serial)
}

/// An NSFP as DJP prints it: `000-26.00000001` (13 digits otherwise left as they are).
fn nsfp_shown(nsfp: &str) -> String {
    if nsfp.len() == 13 && nsfp.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}.{}", &nsfp[..3], &nsfp[3..5], &nsfp[5..])
    } else {
        nsfp.to_owned()
    }
}

fn shown(mut a: NsfpAllocation) -> NsfpAllocation {
    a.awal = nsfp_shown(&a.awal);
    a.akhir = nsfp_shown(&a.akhir);
    a
}

#[derive(Template)]
#[template(path = "nsfp.html", config = "resources/askama.toml")]
struct NsfpPage {
    page: Page,
    npwp: String,
    nama: String,
    tahun: i32,
    serial: String,
    csrf: String,
    granted: Option<NsfpAllocation>,
    quota: Option<QuotaInfo>,
}

async fn nsfp_page(
    state: &WebState,
    pkp: &Pkp,
    serial: String,
    page: Page,
    status: StatusCode,
    granted: Option<NsfpAllocation>,
) -> Response {
    let (npwp, tahun) = (pkp.account.npwp.clone(), chrono::Utc::now().year());
    let quota = state
        .app
        .read(move |conn| quota_of(conn, &npwp, tahun))
        .await
        .ok();
    html(
        status,
        &NsfpPage {
            page,
            npwp: pkp.user().npwp,
            nama: pkp.account.nama.clone(),
            tahun,
            quota,
            serial,
            csrf: pkp.csrf.clone(),
            granted,
        },
        pkp.lang.0,
    )
}

pub async fn form(State(state): State<Arc<WebState>>, pkp: Pkp, cert: ClientCert) -> Response {
    match certificate_of(&state, &pkp, cert).await {
        Ok(serial) => {
            let page = Page::new(pkp.lang, pkp.lang.0.permintaan_nsfp).with_user(pkp.user());
            nsfp_page(&state, &pkp, serial, page, StatusCode::OK, None).await
        }
        Err(refused) => refused,
    }
}

#[derive(Deserialize)]
pub struct NsfpForm {
    csrf: String,
    nama_pemohon: String,
    jabatan_pemohon: String,
    jumlah: String,
    password: String,
}

pub async fn request(
    State(state): State<Arc<WebState>>,
    pkp: Pkp,
    cert: ClientCert,
    WebForm(form): WebForm<NsfpForm>,
) -> Response {
    if let Some(refused) = pkp.csrf_refusal(&form.csrf) {
        return refused;
    }
    let serial = match certificate_of(&state, &pkp, cert).await {
        Ok(s) => s,
        Err(refused) => return refused,
    };
    let t = pkp.lang.0;
    let page = || Page::new(pkp.lang, t.permintaan_nsfp).with_user(pkp.user());
    let Ok(jumlah) = form.jumlah.trim().parse::<u32>() else {
        let problem = format!(
            "ETAX-20008 : {} harus bilangan bulat positif.",
            t.jumlah_nsfp
        );
        return nsfp_page(
            &state,
            &pkp,
            serial,
            page().problem(problem),
            StatusCode::BAD_REQUEST,
            None,
        )
        .await;
    };
    let req = NsfpRequest {
        tahun: chrono::Utc::now().year(),
        jumlah,
        nama_pemohon: form.nama_pemohon,
        jabatan_pemohon: form.jabatan_pemohon,
        password: form.password,
    };
    match nsfp::request(&state.app, pkp.account.clone(), req).await {
        Ok(a) => nsfp_page(&state, &pkp, serial, page(), StatusCode::OK, Some(shown(a))).await,
        Err(e) => {
            let page = page().problem(problem_text(t, &e));
            nsfp_page(&state, &pkp, serial, page, e.status, None).await
        }
    }
}

#[derive(Template)]
#[template(path = "nsfp_riwayat.html", config = "resources/askama.toml")]
struct HistoryPage {
    page: Page,
    rows: Vec<NsfpAllocation>,
}

pub async fn history(State(state): State<Arc<WebState>>, pkp: Pkp) -> Response {
    let t = pkp.lang.0;
    let page = Page::new(pkp.lang, t.riwayat_nsfp).with_user(pkp.user());
    let (rows, page) = match nsfp::history_of(&state.app, pkp.account.npwp.clone()).await {
        Ok(rows) => (rows.into_iter().map(shown).collect(), page),
        Err(e) => (Vec::new(), page.problem(problem_text(t, &e))),
    };
    html(StatusCode::OK, &HistoryPage { page, rows }, t)
}

#[derive(Template)]
#[template(path = "nsfp_cek.html", config = "resources/askama.toml")]
struct CheckPage {
    page: Page,
    asked: String,
    result: Option<NsfpCheck>,
}

#[derive(Deserialize)]
pub struct CheckQuery {
    #[serde(default)]
    nsfp: String,
}

/// Pengecekan NSFP: a plain GET form (it changes nothing), about this NPWP's own numbers only.
pub async fn check(
    State(state): State<Arc<WebState>>,
    pkp: Pkp,
    Query(q): Query<CheckQuery>,
) -> Response {
    let t = pkp.lang.0;
    let page = Page::new(pkp.lang, t.pengecekan_nsfp).with_user(pkp.user());
    let asked = q.nsfp.trim().to_owned();
    if asked.is_empty() {
        return html(
            StatusCode::OK,
            &CheckPage {
                page,
                asked,
                result: None,
            },
            t,
        );
    }
    match nsfp::check_of(&state.app, pkp.account.npwp.clone(), &asked).await {
        Ok(mut c) => {
            c.nsfp = nsfp_shown(&c.nsfp);
            html(
                StatusCode::OK,
                &CheckPage {
                    page,
                    asked,
                    result: Some(c),
                },
                t,
            )
        }
        Err(e) => {
            let page = page.problem(problem_text(t, &e));
            html(
                e.status,
                &CheckPage {
                    page,
                    asked,
                    result: None,
                },
                t,
            )
        }
    }
}
