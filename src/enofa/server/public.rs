//! The public QR validation listener: `GET /validasi/faktur/{npwp15}/{nsfp13}/{code}` answers
//! with XML shaped like DJP's `resValidateFakturPm`.

use std::sync::Arc;

use super::state::{AppState, random_hex};
use super::store::faktur;
use crate::enofa::wire::FakturPayload;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use quick_xml::escape::escape;

pub const STATUS_VALID: &str = "Faktur Valid, Sudah Diapprove oleh DJP";

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/validasi/faktur/{npwp}/{nomor}/{code}", get(validate))
        .with_state(state)
}

fn xml(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
}

const HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

async fn validate(
    State(state): State<Arc<AppState>>,
    Path((npwp, nomor, code)): Path<(String, String, String)>,
) -> Response {
    let code = code.to_ascii_lowercase();
    let found = state
        .read(move |conn| {
            let row = faktur::by_approval_code(conn, &npwp, &nomor, &code)?;
            Ok(row.map(|r| (npwp, r)))
        })
        .await;
    match found {
        Ok(Some((npwp, f))) => match serde_json::from_str::<FakturPayload>(&f.payload) {
            Ok(p) => xml(
                StatusCode::OK,
                render(&p, &npwp, &f.nama, &f.alamat, &f.status),
            ),
            Err(e) => internal_error(&e.to_string()),
        },
        Ok(None) => xml(
            StatusCode::NOT_FOUND,
            format!(
                "{HEADER}<resValidateFakturPm><statusApproval>Faktur tidak ditemukan</statusApproval></resValidateFakturPm>"
            ),
        ),
        Err(e) if e.status.is_server_error() => internal_error(&e.reason),
        Err(e) => xml(
            e.status,
            format!("{HEADER}<error>{}</error>", escape(e.reason)),
        ),
    }
}

/// The detail goes to the log under an id; the reader of the QR code sees only the id.
fn internal_error(detail: &str) -> Response {
    let id = random_hex(6);
    tracing::error!(error_id = %id, reason = %detail, "QR validation failed");
    xml(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("{HEADER}<error>kesalahan internal server (id {id}); coba lagi nanti</error>"),
    )
}

fn integer(s: &str) -> String {
    s.split('.').next().unwrap_or("0").to_owned()
}

fn render(p: &FakturPayload, npwp: &str, nama: &str, alamat: &str, status: &str) -> String {
    let mut out = format!("{HEADER}<resValidateFakturPm>");
    let mut el =
        |name: &str, value: &str| out.push_str(&format!("<{name}>{}</{name}>", escape(value)));
    let status_faktur = match (status, p.fg_pengganti.trim()) {
        ("batal", _) => "Faktur Dibatalkan",
        ("diganti", _) => "Faktur Diganti",
        (_, "1") => "Faktur Pajak Normal-Pengganti",
        _ => "Faktur Pajak Normal",
    };
    el("kdJenisTransaksi", &p.kd_jenis_transaksi);
    el("fgPengganti", &p.fg_pengganti);
    el("nomorFaktur", &p.nomor_faktur);
    el("tanggalFaktur", &p.tanggal_faktur);
    el("npwpPenjual", npwp);
    el("namaPenjual", nama);
    el("alamatPenjual", alamat);
    el("npwpLawanTransaksi", &p.npwp);
    el("namaLawanTransaksi", &p.nama);
    el("alamatLawanTransaksi", &p.alamat);
    el("jumlahDpp", &integer(&p.jumlah_dpp));
    el("jumlahPpn", &integer(&p.jumlah_ppn));
    el("jumlahPpnBm", &integer(&p.jumlah_ppnbm));
    el("statusApproval", STATUS_VALID);
    el("statusFaktur", status_faktur);
    el("referensi", &p.referensi);
    for i in &p.items {
        out.push_str("<detailTransaksi>");
        let mut el =
            |name: &str, value: &str| out.push_str(&format!("<{name}>{}</{name}>", escape(value)));
        el("nama", &i.nama);
        el("hargaSatuan", &i.harga_satuan);
        el("jumlahBarang", &i.jumlah_barang);
        el("hargaTotal", &i.harga_total);
        el("diskon", &i.diskon);
        el("dpp", &i.dpp);
        el("ppn", &i.ppn);
        el("tarifPpnbm", &i.tarif_ppnbm);
        el("ppnbm", &i.ppnbm);
        out.push_str("</detailTransaksi>");
    }
    out.push_str("</resValidateFakturPm>");
    out
}
