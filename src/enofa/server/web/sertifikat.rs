//! Permintaan Sertifikat Digital and Download Sertifikat Digital of the PKP itself (manual
//! section II): terms + passphrase (never kept) → Dalam Proses → the KPP approves → Unduh
//! `<npwp>.p12`. The rules are `server::cabang`'s, the steps of a branch certificate.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::WebState;
use super::cabang::{CertificatePage, shown};
use super::form::WebForm;
use super::pages::{Page, html, problem_text};
use super::session::Pkp;
use crate::enofa::server::cabang;

async fn page(state: &WebState, pkp: &Pkp, mut page: Page, status: StatusCode) -> Response {
    let t = pkp.lang.0;
    let current = match cabang::own_certificate_status(&state.app, &pkp.account).await {
        Ok(s) => Some(s),
        Err(e) => {
            page = page.problem(problem_text(t, &e));
            None
        }
    };
    let show_form = current.as_deref() != Some("Dalam Proses");
    html(
        status,
        &CertificatePage {
            page,
            npwp_shown: shown(&pkp.account.npwp),
            csrf: pkp.csrf.clone(),
            action: "/pkp/sertifikat".into(),
            back: "/pkp/home",
            back_label: t.home,
            status: current,
            show_form,
        },
        t,
    )
}

fn title(pkp: &Pkp) -> Page {
    Page::new(pkp.lang, pkp.lang.0.sertifikat_title).with_user(pkp.user())
}

pub async fn form(State(state): State<Arc<WebState>>, pkp: Pkp) -> Response {
    page(&state, &pkp, title(&pkp), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct RequestForm {
    csrf: String,
    #[serde(default)]
    setuju: String,
    passphrase: String,
    ulang: String,
}

pub async fn request(
    State(state): State<Arc<WebState>>,
    pkp: Pkp,
    WebForm(form): WebForm<RequestForm>,
) -> Response {
    if let Some(refused) = pkp.csrf_refusal(&form.csrf) {
        return refused;
    }
    let t = pkp.lang.0;
    if form.setuju != "ya" {
        return page(
            &state,
            &pkp,
            title(&pkp).problem(t.eula_required),
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    if form.passphrase != form.ulang {
        return page(
            &state,
            &pkp,
            title(&pkp).problem(t.passphrase_mismatch),
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    match cabang::request_own_certificate(&state.app, &pkp.account, form.passphrase).await {
        Ok(_) => {
            page(
                &state,
                &pkp,
                title(&pkp).notice(t.request_sent),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            page(
                &state,
                &pkp,
                title(&pkp).problem(problem_text(t, &e)),
                e.status,
            )
            .await
        }
    }
}

/// Download Sertifikat Digital: the file, or the request page saying why there is none yet.
pub async fn download(State(state): State<Arc<WebState>>, pkp: Pkp) -> Response {
    let t = pkp.lang.0;
    match cabang::download_own_certificate(&state.app, &pkp.account).await {
        Ok((name, p12)) => (
            [
                (header::CONTENT_TYPE, "application/x-pkcs12".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            p12,
        )
            .into_response(),
        Err(e) => {
            let p = Page::new(pkp.lang, t.download_sertifikat)
                .with_user(pkp.user())
                .problem(problem_text(t, &e));
            page(&state, &pkp, p, e.status).await
        }
    }
}
