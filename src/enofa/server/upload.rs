//! Faktur upload, status and batal: signature, NSFP and date checks, domain validation,
//! approval with a QR code, and idempotent retries.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rusqlite::{Connection, Transaction};
use sha2::{Digest, Sha256};

use super::extract::{ApiJson, ApiPath};
use super::session::InSession;
use super::state::{ApiError, AppState};
use super::store::{self, audit, uploads};
use crate::domain::faktur::{Faktur, FieldError};
use crate::domain::{DjpCode, FakturDraft, Nsfp};
use crate::enofa::wire::{FakturPayload, UploadRequest, UploadResult};

fn reject(nomor: &str, code: DjpCode, reason: impl Into<String>) -> UploadResult {
    UploadResult {
        nomor_faktur: nomor.into(),
        status: "reject".into(),
        approval_time: None,
        approval_code: None,
        qr_url: None,
        reject_code: Some(code.as_str().into()),
        reject_message: Some(format!("{} : {}", code.message(), reason.into())),
    }
}

pub async fn upload(
    State(state): State<Arc<AppState>>,
    InSession(caller, _): InSession,
    ApiJson(req): ApiJson<UploadRequest>,
) -> Result<Json<UploadResult>, ApiError> {
    if req.idempotency_key.trim().is_empty() || req.idempotency_key.len() > 128 {
        return Err(ApiError::bad(
            DjpCode::Etax20008,
            "idempotency_key wajib diisi (paling panjang 128 karakter)",
        ));
    }
    let signature = B64
        .decode(&req.signature)
        .map_err(|_| ApiError::bad(DjpCode::EtaxService20021, "tanda tangan bukan base64"))?;
    crate::cert::verify_signature(
        &caller.cert.0,
        &req.signature_scheme,
        req.payload.as_bytes(),
        &signature,
    )
    .map_err(|e| ApiError::bad(DjpCode::EtaxService20021, e.to_string()))?;
    let payload: FakturPayload = serde_json::from_str(&req.payload).map_err(|e| {
        ApiError::bad(
            DjpCode::EtaxService20021,
            format!("isi faktur tidak terbaca: {e}"),
        )
    })?;
    let (public_url, secret) = (state.public_url.clone(), state.qr_secret.clone());
    state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let npwp = caller.account.npwp.clone();
            if let Some(json) = uploads::earlier_result(&tx, &npwp, &req.idempotency_key)? {
                return serde_json::from_str(&json)
                    .map(Json)
                    .map_err(|e| ApiError::internal(e.to_string()));
            }
            let result = decide(&tx, &npwp, &payload, &req.payload, &public_url, &secret)?;
            let json =
                serde_json::to_string(&result).map_err(|e| ApiError::internal(e.to_string()))?;
            uploads::record(&tx, &npwp, &req.idempotency_key, &json)?;
            audit::record(
                &tx,
                Some(&npwp),
                "upload",
                &format!("{} {}", result.nomor_faktur, result.status),
            )?;
            tx.commit()?;
            Ok(Json(result))
        })
        .await
}

/// Approves or rejects one faktur; writes the approval inside `tx`.
fn decide(
    tx: &Transaction<'_>,
    npwp: &str,
    payload: &FakturPayload,
    raw: &str,
    public_url: &str,
    secret: &str,
) -> Result<UploadResult, ApiError> {
    let faktur = match FakturDraft::from(payload).validate() {
        Ok(f) => f,
        Err(errors) => return Ok(invalid(payload.nomor_faktur.trim(), &errors)),
    };
    let pengganti = payload.fg_pengganti.trim() == "1";
    if let Some(rejected) = check_nsfp_use(tx, npwp, &faktur, pengganti)? {
        return Ok(rejected);
    }
    let nsfp = faktur.nsfp.digits();
    let approval_time = store::now();
    let code = hex(&Sha256::digest(
        format!("{secret}|{npwp}|{nsfp}|{approval_time}|{raw}").as_bytes(),
    ));
    if pengganti {
        // The replaced version keeps its row (and its QR code), now "Diganti".
        store::faktur::mark_replaced(tx, &nsfp)?;
        audit::record(tx, Some(npwp), "diganti", &nsfp)?;
    }
    store::faktur::insert_approved(
        tx,
        &store::faktur::Approved {
            nsfp: &nsfp,
            npwp,
            fg_pengganti: payload.fg_pengganti.trim(),
            masa: u32::from(faktur.masa),
            tahun: i32::from(faktur.tahun),
            payload: raw,
            approval_time: &approval_time,
            approval_code: &code,
        },
    )?;
    Ok(approved(
        public_url,
        npwp,
        &nsfp,
        &approval_time,
        &code,
        "approved",
    ))
}

/// The reject for a faktur the domain validation refused: the first problem's code, every
/// problem in the message.
fn invalid(nomor: &str, errors: &[FieldError]) -> UploadResult {
    let code = errors.first().map(|e| e.code).unwrap_or(DjpCode::Etax20008);
    let text: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    reject(nomor, code, text.join("; "))
}

/// Whether `npwp` may use the faktur's NSFP now: allotted to it, not used by another approved
/// faktur (or, for a pengganti, used by an approved one), and not dated before the allocation.
/// `Some` is the reject.
fn check_nsfp_use(
    tx: &Transaction<'_>,
    npwp: &str,
    faktur: &Faktur,
    pengganti: bool,
) -> Result<Option<UploadResult>, ApiError> {
    let nsfp = faktur.nsfp.digits();
    let Some(allocated_at) = store::nsfp::allocated_at(tx, npwp, faktur.nsfp)? else {
        return Ok(Some(reject(
            &nsfp,
            DjpCode::EtaxService20020,
            format!("{nsfp} tidak dialokasikan untuk NPWP {npwp}"),
        )));
    };
    let current = store::faktur::current_status(tx, &nsfp)?;
    let refused = match (current, pengganti) {
        (Some(_), false) => Some((
            DjpCode::EtaxService20008,
            format!("{nsfp} sudah dipakai faktur yang disetujui"),
        )),
        (None, true) => Some((
            DjpCode::EtaxService20006,
            format!("tidak ada faktur {nsfp} yang disetujui"),
        )),
        (Some(status), true) if status != "approved" => Some((
            DjpCode::EtaxService20006,
            format!("faktur {nsfp} berstatus {status}, tidak dapat diganti"),
        )),
        _ => None,
    };
    if let Some((code, reason)) = refused {
        return Ok(Some(reject(&nsfp, code, reason)));
    }
    let allocated = store::parse_time(&allocated_at).date_naive();
    if faktur.tanggal < allocated {
        return Ok(Some(reject(
            &nsfp,
            DjpCode::EtaxService20025,
            format!(
                "tanggal faktur sebelum tanggal alokasi NSFP {}",
                allocated.format("%d/%m/%Y")
            ),
        )));
    }
    Ok(None)
}

fn approved(
    public_url: &str,
    npwp: &str,
    nsfp: &str,
    time: &str,
    code: &str,
    status: &str,
) -> UploadResult {
    UploadResult {
        nomor_faktur: nsfp.into(),
        status: status.into(),
        approval_time: Some(time.into()),
        approval_code: Some(code.into()),
        qr_url: Some(format!("{public_url}/validasi/faktur/{npwp}/{nsfp}/{code}")),
        reject_code: None,
        reject_message: None,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn stored(
    conn: &Connection,
    public_url: &str,
    npwp: &str,
    nsfp: &str,
) -> Result<UploadResult, ApiError> {
    let row = store::faktur::latest(conn, npwp, nsfp)?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            DjpCode::EtaxService20001,
            format!("faktur {nsfp} tidak ditemukan untuk NPWP {npwp}"),
        )
    })?;
    Ok(approved(
        public_url,
        npwp,
        nsfp,
        &row.approval_time,
        &row.approval_code,
        &row.status,
    ))
}

fn parse_nsfp(s: &str) -> Result<String, ApiError> {
    Nsfp::parse(s)
        .map(|n| n.digits())
        .map_err(|e| ApiError::bad(DjpCode::Etax20007, e.to_string()))
}

pub async fn status(
    State(state): State<Arc<AppState>>,
    super::auth::Registered(caller): super::auth::Registered,
    ApiPath(nsfp): ApiPath<String>,
) -> Result<Json<UploadResult>, ApiError> {
    let nsfp = parse_nsfp(&nsfp)?;
    let url = state.public_url.clone();
    state
        .db(move |conn| stored(conn, &url, &caller.account.npwp, &nsfp).map(Json))
        .await
}

pub async fn batal(
    State(state): State<Arc<AppState>>,
    InSession(caller, _): InSession,
    ApiPath(nsfp): ApiPath<String>,
) -> Result<Json<UploadResult>, ApiError> {
    let nsfp = parse_nsfp(&nsfp)?;
    let url = state.public_url.clone();
    state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let npwp = &caller.account.npwp;
            let current = stored(&tx, &url, npwp, &nsfp)?;
            if current.status == "approved" {
                store::faktur::cancel(&tx, &nsfp)?;
                audit::record(&tx, Some(npwp), "batal", &nsfp)?;
            }
            let result = stored(&tx, &url, npwp, &nsfp)?;
            tx.commit()?;
            Ok(Json(result))
        })
        .await
}
