//! Administrasi Cabang (manual section V): the branches of the logged-in head office, Tambah
//! Cabang, Buat Kode Aktivasi, and the branch certificate: Permohonan (terms, passphrase) →
//! Dalam Proses → approved by the KPP → Unduh `<npwp>.p12`. Every rule is the API's
//! (`server::cabang`); a branch NPWP in the address counts only if it is the session's own.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::WebState;
use super::form::WebForm;
use super::pages::{Page, html, problem_text};
use super::session::Pkp;
use crate::domain::Npwp;
use crate::enofa::server::cabang;
use crate::enofa::wire::{Cabang, CabangAdd, CabangCertRequest};

/// One row of the table, with what may be done to it now.
struct Row {
    npwp: String,
    npwp_shown: String,
    nomor_sk: String,
    tanggal_sk: String,
    email: String,
    status_aktivasi: String,
    status_persetujuan: String,
    status_sertifikat: String,
    can_make_kode: bool,
    can_request: bool,
    can_download: bool,
}

pub(super) fn shown(npwp: &str) -> String {
    Npwp::parse(npwp)
        .map(|n| n.to_string())
        .unwrap_or_else(|_| npwp.to_owned())
}

impl From<Cabang> for Row {
    fn from(c: Cabang) -> Row {
        let approved = c.status_persetujuan != "Menunggu Persetujuan KPP";
        Row {
            npwp_shown: shown(&c.npwp),
            can_make_kode: approved && c.status_aktivasi != "Aktif",
            can_request: approved
                && matches!(c.status_sertifikat.as_str(), "Belum Diminta" | "Dicabut"),
            can_download: approved && c.status_sertifikat == "Siap Diunduh",
            npwp: c.npwp,
            nomor_sk: c.nomor_sk,
            tanggal_sk: c.tanggal_sk,
            email: c.email,
            status_aktivasi: c.status_aktivasi,
            status_persetujuan: c.status_persetujuan,
            status_sertifikat: c.status_sertifikat,
        }
    }
}

#[derive(Template)]
#[template(path = "cabang.html", config = "resources/askama.toml")]
struct CabangPage {
    page: Page,
    pusat: String,
    rows: Vec<Row>,
    csrf: String,
    new_kode: Option<String>,
}

/// The table page with `page`'s message (and a Kode Aktivasi just made, shown this once).
async fn table(
    state: &WebState,
    pkp: &Pkp,
    page: Page,
    status: StatusCode,
    new_kode: Option<String>,
) -> Response {
    let t = pkp.lang.0;
    let (rows, page) = match cabang::list(&state.app, &pkp.account).await {
        Ok(list) => (list.into_iter().map(Row::from).collect(), page),
        Err(e) => (Vec::new(), page.problem(problem_text(t, &e))),
    };
    html(
        status,
        &CabangPage {
            page,
            pusat: shown(&pkp.account.npwp),
            rows,
            csrf: pkp.csrf.clone(),
            new_kode,
        },
        t,
    )
}

fn page_of(pkp: &Pkp) -> Page {
    Page::new(pkp.lang, pkp.lang.0.perekaman_cabang).with_user(pkp.user())
}

pub async fn list(State(state): State<Arc<WebState>>, pkp: Pkp) -> Response {
    table(&state, &pkp, page_of(&pkp), StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct AddForm {
    csrf: String,
    npwp: String,
    nomor_sk: String,
    tanggal_sk: String,
    #[serde(default)]
    email: String,
    password: String,
}

pub async fn add(
    State(state): State<Arc<WebState>>,
    pkp: Pkp,
    WebForm(form): WebForm<AddForm>,
) -> Response {
    if let Some(refused) = pkp.csrf_refusal(&form.csrf) {
        return refused;
    }
    let t = pkp.lang.0;
    let req = CabangAdd {
        npwp: form.npwp,
        nomor_sk: form.nomor_sk,
        tanggal_sk: form.tanggal_sk,
        email: form.email,
        password: form.password,
    };
    match cabang::add(&state.app, &pkp.account, req).await {
        Ok(_) => {
            table(
                &state,
                &pkp,
                page_of(&pkp).notice(t.cabang_added),
                StatusCode::OK,
                None,
            )
            .await
        }
        Err(e) => {
            let page = page_of(&pkp).problem(problem_text(t, &e));
            table(&state, &pkp, page, e.status, None).await
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn new_kode(
    State(state): State<Arc<WebState>>,
    pkp: Pkp,
    Path(npwp): Path<String>,
    WebForm(form): WebForm<CsrfOnly>,
) -> Response {
    if let Some(refused) = pkp.csrf_refusal(&form.csrf) {
        return refused;
    }
    let t = pkp.lang.0;
    match cabang::new_kode(&state.app, &pkp.account, npwp).await {
        Ok(kode) => table(&state, &pkp, page_of(&pkp), StatusCode::OK, Some(kode)).await,
        Err(e) => {
            let page = page_of(&pkp).problem(problem_text(t, &e));
            table(&state, &pkp, page, e.status, None).await
        }
    }
}

#[derive(Template)]
#[template(path = "cabang_sertifikat.html", config = "resources/askama.toml")]
pub(super) struct CertificatePage {
    pub page: Page,
    pub npwp_shown: String,
    pub csrf: String,
    /// Where the form goes, and the link back.
    pub action: String,
    pub back: &'static str,
    pub back_label: &'static str,
    /// The PKP's own certificate status (its own request page only).
    pub status: Option<String>,
    pub show_form: bool,
}

/// Whether `npwp` is a branch of the session's head office (so nobody learns of others').
async fn own_branch(state: &WebState, pkp: &Pkp, npwp: &str) -> Result<(), Response> {
    let t = pkp.lang.0;
    match cabang::list(&state.app, &pkp.account).await {
        Ok(list) if list.iter().any(|c| c.npwp == npwp) => Ok(()),
        Ok(_) => Err(super::pages::refusal_for(
            StatusCode::NOT_FOUND,
            page_of(pkp),
            &format!(
                "ETAX-20008 : {npwp} bukan cabang NPWP ini. Pilih cabang dari tabel Administrasi Cabang."
            ),
        )),
        Err(e) => Err(super::pages::refusal_for(
            e.status,
            page_of(pkp),
            &problem_text(t, &e),
        )),
    }
}

fn certificate_page(pkp: &Pkp, npwp: String, page: Page, status: StatusCode) -> Response {
    html(
        status,
        &CertificatePage {
            page,
            npwp_shown: shown(&npwp),
            action: format!("/pkp/cabang/{npwp}/sertifikat"),
            back: "/pkp/cabang",
            back_label: pkp.lang.0.administrasi_cabang,
            csrf: pkp.csrf.clone(),
            status: None,
            show_form: true,
        },
        pkp.lang.0,
    )
}

pub async fn certificate_form(
    State(state): State<Arc<WebState>>,
    pkp: Pkp,
    Path(npwp): Path<String>,
) -> Response {
    if let Err(refused) = own_branch(&state, &pkp, &npwp).await {
        return refused;
    }
    let page = Page::new(pkp.lang, pkp.lang.0.eula_title).with_user(pkp.user());
    certificate_page(&pkp, npwp, page, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct CertificateForm {
    csrf: String,
    #[serde(default)]
    setuju: String,
    passphrase: String,
    ulang: String,
}

pub async fn request_certificate(
    State(state): State<Arc<WebState>>,
    pkp: Pkp,
    Path(npwp): Path<String>,
    WebForm(form): WebForm<CertificateForm>,
) -> Response {
    if let Some(refused) = pkp.csrf_refusal(&form.csrf) {
        return refused;
    }
    let t = pkp.lang.0;
    let again = |problem: &str| {
        let page = Page::new(pkp.lang, t.eula_title)
            .with_user(pkp.user())
            .problem(problem);
        certificate_page(&pkp, npwp.clone(), page, StatusCode::BAD_REQUEST)
    };
    if form.setuju != "ya" {
        return again(t.eula_required);
    }
    if form.passphrase != form.ulang {
        return again(t.passphrase_mismatch);
    }
    let req = CabangCertRequest {
        passphrase: form.passphrase,
    };
    match cabang::request_certificate(&state.app, &pkp.account, npwp.clone(), req).await {
        Ok(_) => {
            table(
                &state,
                &pkp,
                page_of(&pkp).notice(t.request_sent),
                StatusCode::OK,
                None,
            )
            .await
        }
        Err(e) => again(&problem_text(t, &e)),
    }
}

/// Unduh: the `.p12` as a file (protected by the passphrase chosen at the request).
pub async fn download(
    State(state): State<Arc<WebState>>,
    pkp: Pkp,
    Path(npwp): Path<String>,
) -> Response {
    let t = pkp.lang.0;
    match cabang::download_certificate(&state.app, &pkp.account, npwp).await {
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
            let page = page_of(&pkp).problem(problem_text(t, &e));
            table(&state, &pkp, page, e.status, None).await
        }
    }
}

#[derive(Template)]
#[template(path = "cabang_ubah.html", config = "resources/askama.toml")]
struct EditPage {
    page: Page,
    npwp: String,
    npwp_shown: String,
    nomor_sk: String,
    tanggal_sk: String,
    email: String,
    csrf: String,
}

fn edit_page(pkp: &Pkp, c: Cabang, page: Page, status: StatusCode) -> Response {
    html(
        status,
        &EditPage {
            page,
            npwp_shown: shown(&c.npwp),
            npwp: c.npwp,
            nomor_sk: c.nomor_sk,
            tanggal_sk: c.tanggal_sk,
            email: c.email,
            csrf: pkp.csrf.clone(),
        },
        pkp.lang.0,
    )
}

/// The branch `npwp` of the session's head office, or the refusal page.
async fn own_row(state: &WebState, pkp: &Pkp, npwp: &str) -> Result<Cabang, Response> {
    own_branch(state, pkp, npwp).await?;
    let t = pkp.lang.0;
    match cabang::list(&state.app, &pkp.account).await {
        Ok(list) => list.into_iter().find(|c| c.npwp == npwp).ok_or_else(|| {
            super::pages::refusal_for(StatusCode::NOT_FOUND, page_of(pkp), t.not_found)
        }),
        Err(e) => Err(super::pages::refusal_for(
            e.status,
            page_of(pkp),
            &problem_text(t, &e),
        )),
    }
}

pub async fn edit_form(
    State(state): State<Arc<WebState>>,
    pkp: Pkp,
    Path(npwp): Path<String>,
) -> Response {
    match own_row(&state, &pkp, &npwp).await {
        Ok(c) => {
            let page = Page::new(pkp.lang, pkp.lang.0.ubah_cabang).with_user(pkp.user());
            edit_page(&pkp, c, page, StatusCode::OK)
        }
        Err(refused) => refused,
    }
}

#[derive(Deserialize)]
pub struct EditForm {
    csrf: String,
    nomor_sk: String,
    tanggal_sk: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn edit(
    State(state): State<Arc<WebState>>,
    pkp: Pkp,
    Path(npwp): Path<String>,
    WebForm(form): WebForm<EditForm>,
) -> Response {
    if let Some(refused) = pkp.csrf_refusal(&form.csrf) {
        return refused;
    }
    let t = pkp.lang.0;
    let updated = cabang::update(
        &state.app,
        &pkp.account,
        npwp.clone(),
        form.nomor_sk.clone(),
        form.tanggal_sk.clone(),
        form.email.clone(),
        Some(form.password),
    )
    .await;
    match updated {
        Ok(_) => {
            table(
                &state,
                &pkp,
                page_of(&pkp).notice(t.cabang_changed),
                StatusCode::OK,
                None,
            )
            .await
        }
        Err(e) => match own_row(&state, &pkp, &npwp).await {
            Ok(mut c) => {
                (c.nomor_sk, c.tanggal_sk, c.email) = (form.nomor_sk, form.tanggal_sk, form.email);
                let page = Page::new(pkp.lang, t.ubah_cabang)
                    .with_user(pkp.user())
                    .problem(problem_text(t, &e));
                edit_page(&pkp, c, page, e.status)
            }
            Err(refused) => refused,
        },
    }
}
