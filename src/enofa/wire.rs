//! The e-Nofa protocol, version 1: JSON over HTTPS with mutual TLS. This module is the only owner
//! of its JSON; golden files in `tests/fixtures/enofa/` pin every shape.
//!
//! # Transport
//!
//! Every `/api/v1/...` call goes to the API listener and needs the PKP's (or branch's) `.p12`
//! certificate in the TLS handshake: issued by the service's CA, within its validity, not
//! revoked. The caller's NPWP is the one in the certificate (subject `serialNumber`), so no
//! call can act for another NPWP. Registration therefore works before the desktop client is
//! registered: the operator issues the `.p12` first.
//!
//! Calls made after registration send the client id in the header [`CLIENT_ID_HEADER`]; a
//! client that was reset or never registered gets `ETAXSERVICE-20017`. Uploads and batal also
//! need an upload session ([`SessionRequest`], [`SESSION_HEADER`]): opened with a captcha and the
//! e-Nofa password, bound to the certificate and the client id, short-lived and renewable.
//!
//! Every refusal is an HTTP 4xx/5xx with an [`ErrorBody`]: `code` is the DJP code
//! (`ETAX-40005`, `ETAXSERVICE-20020`, …), `message` DJP's text, `reason` what exactly was
//! wrong. That includes a body that is not JSON (400), not declared as JSON (415), missing or
//! mistyping fields (422) or too large (413), all `ETAX-30005`, and an unknown path (404) or
//! method (405), `ETAX-40002`. An internal error (500, `ETAX-10001`) carries no detail: its
//! `reason` holds an id under which the server logged it. Business rejects of an upload are
//! *not* errors: they come back as [`UploadResult`] with `status = "reject"`.
//!
//! # Branches (cabang)
//!
//! A head office adds only its own places of business: an NPWP 15 with its 9-digit taxpayer
//! part and another branch code, or a NITKU of its 16-digit NPWP (see
//! [`crate::domain::Npwp::is_branch_of`]). A new branch waits until the KPP officer confirms
//! its SK Pemusatan (`enofa-server cabang approve`); until then it gets no Kode Aktivasi or
//! certificate, and a call made with its certificate is refused with `ETAX-40004` and
//! [`ErrorBody::cabang`] = `pending`.
//!
//! # Calls
//!
//! | call | path | request → response | refusals |
//! |---|---|---|---|
//! | ping | `GET /api/v1/ping` | → [`Pong`] | certificate only |
//! | captcha | `POST /api/v1/captcha` | → [`CaptchaResponse`] (PNG, single use, expires, only for the certificate's NPWP; an NPWP holds at most 8 unanswered, a newer one displaces its own oldest) | |
//! | register | `POST /api/v1/register` | [`RegisterRequest`] → [`RegisterResponse`] | `ETAX-40005` (code/captcha/password/NPWP), `ETAXSERVICE-20019` already active, `ETAX-40004` throttled (wrong passwords, captcha answers and codes; a captcha no longer valid is no failure) |
//! | reset | `POST /api/v1/reset` | [`ResetRequest`] → [`ResetResponse`] | `ETAX-40005` |
//! | profile | `GET /api/v1/profile` | → [`Profile`] | `ETAXSERVICE-20017` |
//! | NSFP request | `POST /api/v1/nsfp` | [`NsfpRequest`] → [`NsfpAllocation`] | `ETAX-40004` password, `ETAX-20008` quota |
//! | NSFP history | `GET /api/v1/nsfp` | → `Vec<`[`NsfpAllocation`]`>` | |
//! | NSFP check | `GET /api/v1/nsfp/{nsfp13}` | → [`NsfpCheck`] (about the caller's own numbers only) | |
//! | upload | `POST /api/v1/faktur` | [`UploadRequest`] → [`UploadResult`] | `ETAXSERVICE-20021` bad signature |
//! | status | `GET /api/v1/faktur/{nsfp13}` | → [`UploadResult`] | `ETAXSERVICE-20001` |
//! | batal | `POST /api/v1/faktur/{nsfp13}/batal` | → [`UploadResult`] | `ETAXSERVICE-20001` |
//! | cabang list/add | `GET`/`POST /api/v1/cabang` | [`CabangAdd`] → [`Cabang`] | `ETAX-20005` not the head office's own identity, `ETAX-20008` |
//! | branch code | `POST /api/v1/cabang/{npwp}/kode-aktivasi` | → [`KodeAktivasiResponse`] | `ETAX-40004` branch not approved |
//! | branch cert request | `POST /api/v1/cabang/{npwp}/sertifikat` | [`CabangCertRequest`] → [`Cabang`] | `ETAX-40004` branch not approved |
//! | branch cert download | `GET /api/v1/cabang/{npwp}/sertifikat` | → [`CabangCertDownload`] | `ETAX-40004` branch not approved, `ETAX-20008` certificate not approved yet |
//!
//! A *pengganti* is an upload whose `fg_pengganti` is `"1"` with the NSFP of the approved faktur
//! it replaces; the old one becomes "Diganti" and keeps its approval code, so its QR URL still
//! answers (`statusFaktur` `Faktur Diganti`) while the pengganti's own QR URL answers
//! `Faktur Pajak Normal-Pengganti`. Status and batal act on the latest version of the NSFP.
//!
//! Upload is idempotent: the same `idempotency_key` returns the first result again instead of a
//! second approval, so a retry after a lost response is safe.
//!
//! The QR URL of an approval points to the *public* listener (no client certificate):
//! `GET /validasi/faktur/{npwp15}/{nsfp13}/{code}` returns DJP's `resValidateFakturPm` XML.

use serde::{Deserialize, Serialize};

use crate::domain::{FakturDraft, FakturItemDraft};

/// Header carrying the registered client id on calls after registration.
pub const CLIENT_ID_HEADER: &str = "x-enofa-client-id";

/// Header carrying the upload session token ([`SessionResponse::session`]) on uploads and batal.
pub const SESSION_HEADER: &str = "x-enofa-session";

/// Any refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    pub reason: String,
    /// Set when the client certificate itself was refused after the handshake:
    /// `revoked`, `pending` (not approved yet), `unknown` or `missing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// Set when the call is refused because the branch (cabang) it concerns waits for the KPP
    /// to confirm its SK Pemusatan: `pending`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cabang: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pong {
    pub npwp: String,
    /// RFC 3339.
    pub server_time: String,
    pub api_version: u32,
}

/// A fresh captcha. The answer never leaves the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptchaResponse {
    pub captcha_id: String,
    /// Base64 of a PNG image.
    pub image_png: String,
    /// RFC 3339.
    pub expires_at: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRequest {
    /// 15 digits, must equal the certificate's NPWP.
    pub npwp: String,
    /// "Kode Aktivasi eFaktur Desktop", 16 characters, single use.
    pub kode_aktivasi: String,
    pub captcha_id: String,
    pub captcha_answer: String,
    /// e-Nofa password (a branch uses its branch password).
    pub password: String,
}

impl std::fmt::Debug for RegisterRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterRequest")
            .field("npwp", &self.npwp)
            .field("captcha_id", &self.captcha_id)
            .finish_non_exhaustive()
    }
}

/// Opens an upload session (`POST /api/v1/session`, after registration, with the client id):
/// a fresh captcha and the e-Nofa password (a branch client uses its branch password). A wrong
/// password or captcha counts toward the account's lockout as registration does.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRequest {
    pub captcha_id: String,
    pub captcha_answer: String,
    pub password: String,
}

impl std::fmt::Debug for SessionRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRequest")
            .field("captcha_id", &self.captcha_id)
            .finish_non_exhaustive()
    }
}

/// An open upload session. Uploads (`POST /api/v1/faktur`) and batal send `session` in
/// [`SESSION_HEADER`]; the session is bound to the certificate and client id that opened it and
/// lasts until `expires_at`. `POST /api/v1/session/renew` (with the header) extends it and
/// answers the same shape. A missing, expired or foreign session is refused with HTTP 401,
/// `ETAX-40004`, and no `certificate` field. The server keeps a few live sessions per NPWP;
/// opening one more ends the oldest.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionResponse {
    pub session: String,
    /// RFC 3339.
    pub expires_at: String,
}

impl std::fmt::Debug for SessionResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionResponse")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterResponse {
    pub client_id: String,
    pub profile: Profile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub npwp: String,
    pub nama: String,
    pub alamat: String,
    pub email: String,
    /// NPWP of the head office when this account is a branch (cabang).
    pub npwp_pusat: Option<String>,
    /// "Aktif" or "Belum Registrasi".
    pub status_aplikasi: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetRequest {
    pub kode_aktivasi: String,
    pub password: String,
}

impl std::fmt::Debug for ResetRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResetRequest { .. }")
    }
}

/// The new "Kode Aktivasi eFaktur Desktop" after a reset (also used for branch codes).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KodeAktivasiResponse {
    pub kode_aktivasi: String,
}

impl std::fmt::Debug for KodeAktivasiResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KodeAktivasiResponse { .. }")
    }
}

pub type ResetResponse = KodeAktivasiResponse;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NsfpRequest {
    pub tahun: i32,
    pub jumlah: u32,
    pub nama_pemohon: String,
    pub jabatan_pemohon: String,
    /// e-Nofa password, confirming the request.
    pub password: String,
}

impl std::fmt::Debug for NsfpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NsfpRequest")
            .field("tahun", &self.tahun)
            .field("jumlah", &self.jumlah)
            .finish_non_exhaustive()
    }
}

/// One granted contiguous range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NsfpAllocation {
    pub id: i64,
    /// First and last NSFP, 13 digits each.
    pub awal: String,
    pub akhir: String,
    pub jumlah: u32,
    pub tahun: i32,
    /// RFC 3339.
    pub allocated_at: String,
    pub nama_pemohon: String,
    pub jabatan_pemohon: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NsfpCheck {
    pub nsfp: String,
    /// Allotted to the caller's NPWP.
    pub allotted: bool,
    /// Already used by an approved faktur of the caller. Another PKP's numbers always answer
    /// `false` for both fields: the check tells nothing about other PKP.
    pub used: bool,
}

/// The faktur as uploaded: the e-Faktur CSV fields, as strings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FakturPayload {
    pub kd_jenis_transaksi: String,
    pub fg_pengganti: String,
    /// 13-digit NSFP.
    pub nomor_faktur: String,
    pub masa_pajak: String,
    pub tahun_pajak: String,
    /// dd/mm/yyyy.
    pub tanggal_faktur: String,
    pub npwp: String,
    pub nama: String,
    pub alamat: String,
    pub jumlah_dpp: String,
    pub jumlah_ppn: String,
    pub jumlah_ppnbm: String,
    pub id_keterangan_tambahan: String,
    pub fg_uang_muka: String,
    pub uang_muka_dpp: String,
    pub uang_muka_ppn: String,
    pub uang_muka_ppnbm: String,
    pub referensi: String,
    pub kode_dokumen_pendukung: String,
    pub items: Vec<FakturItemPayload>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FakturItemPayload {
    pub kode_objek: String,
    pub nama: String,
    pub harga_satuan: String,
    pub jumlah_barang: String,
    pub harga_total: String,
    pub diskon: String,
    pub dpp: String,
    pub ppn: String,
    pub tarif_ppnbm: String,
    pub ppnbm: String,
}

/// The one conversion between the uploaded faktur and the domain's draft; the server validates
/// the draft like any other input. A payload has no `IS_CREDITABLE`: it is always a keluaran.
impl From<&FakturPayload> for FakturDraft {
    fn from(p: &FakturPayload) -> FakturDraft {
        FakturDraft {
            kd_jenis_transaksi: p.kd_jenis_transaksi.clone(),
            fg_pengganti: p.fg_pengganti.clone(),
            nomor_faktur: p.nomor_faktur.clone(),
            masa_pajak: p.masa_pajak.clone(),
            tahun_pajak: p.tahun_pajak.clone(),
            tanggal_faktur: p.tanggal_faktur.clone(),
            npwp: p.npwp.clone(),
            nama: p.nama.clone(),
            alamat: p.alamat.clone(),
            jumlah_dpp: p.jumlah_dpp.clone(),
            jumlah_ppn: p.jumlah_ppn.clone(),
            jumlah_ppnbm: p.jumlah_ppnbm.clone(),
            id_keterangan_tambahan: p.id_keterangan_tambahan.clone(),
            fg_uang_muka: p.fg_uang_muka.clone(),
            uang_muka_dpp: p.uang_muka_dpp.clone(),
            uang_muka_ppn: p.uang_muka_ppn.clone(),
            uang_muka_ppnbm: p.uang_muka_ppnbm.clone(),
            referensi: p.referensi.clone(),
            kode_dokumen_pendukung: p.kode_dokumen_pendukung.clone(),
            is_creditable: None,
            items: p.items.iter().map(FakturItemDraft::from).collect(),
        }
    }
}

impl From<&FakturItemPayload> for FakturItemDraft {
    fn from(i: &FakturItemPayload) -> FakturItemDraft {
        FakturItemDraft {
            kode_objek: i.kode_objek.clone(),
            nama: i.nama.clone(),
            harga_satuan: i.harga_satuan.clone(),
            jumlah_barang: i.jumlah_barang.clone(),
            harga_total: i.harga_total.clone(),
            diskon: i.diskon.clone(),
            dpp: i.dpp.clone(),
            ppn: i.ppn.clone(),
            tarif_ppnbm: i.tarif_ppnbm.clone(),
            ppnbm: i.ppnbm.clone(),
        }
    }
}

/// A signed upload. `payload` is the [`FakturPayload`] JSON exactly as signed; the server
/// verifies `signature` (base64) with the public key of the TLS client certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadRequest {
    /// Chosen by the client once per faktur version; a retry reuses it.
    pub idempotency_key: String,
    pub payload: String,
    /// e.g. `ECDSA_NISTP256_SHA256`, `RSA_PKCS1_SHA256`.
    pub signature_scheme: String,
    pub signature: String,
}

/// Outcome of an upload, status query or batal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadResult {
    pub nomor_faktur: String,
    /// `approved`, `reject`, `diganti` or `batal`.
    pub status: String,
    /// RFC 3339, when approved.
    pub approval_time: Option<String>,
    /// 64 lower-case hex; part of the QR URL.
    pub approval_code: Option<String>,
    pub qr_url: Option<String>,
    pub reject_code: Option<String>,
    pub reject_message: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CabangAdd {
    pub npwp: String,
    pub nomor_sk: String,
    /// dd/mm/yyyy.
    pub tanggal_sk: String,
    pub email: String,
    /// The branch's password for its own uploader.
    pub password: String,
}

impl std::fmt::Debug for CabangAdd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CabangAdd")
            .field("npwp", &self.npwp)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cabang {
    pub npwp: String,
    pub nomor_sk: String,
    pub tanggal_sk: String,
    pub email: String,
    /// `Tidak Terdaftar`, `Belum Aktif` or `Aktif`.
    pub status_aktivasi: String,
    /// `Belum Diminta`, `Dalam Proses` or `Siap Diunduh`.
    pub status_sertifikat: String,
    /// `Menunggu Persetujuan KPP` until the KPP officer confirms the SK Pemusatan, then
    /// `Disetujui KPP`. A waiting branch gets no Kode Aktivasi or certificate, and its own
    /// calls are refused (`ErrorBody::cabang` = `pending`).
    #[serde(default)]
    pub status_persetujuan: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CabangCertRequest {
    pub passphrase: String,
}

impl std::fmt::Debug for CabangCertRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CabangCertRequest { .. }")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CabangCertDownload {
    /// `<npwp15>.p12`.
    pub file_name: String,
    /// Base64 of the `.p12`.
    pub p12: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field distinct, so a field copied into the wrong place or left out shows.
    #[test]
    fn every_payload_field_reaches_the_draft() {
        let n = |i: usize| format!("v{i}");
        let item = FakturItemPayload {
            kode_objek: n(100),
            nama: n(101),
            harga_satuan: n(102),
            jumlah_barang: n(103),
            harga_total: n(104),
            diskon: n(105),
            dpp: n(106),
            ppn: n(107),
            tarif_ppnbm: n(108),
            ppnbm: n(109),
        };
        let p = FakturPayload {
            kd_jenis_transaksi: n(0),
            fg_pengganti: n(1),
            nomor_faktur: n(2),
            masa_pajak: n(3),
            tahun_pajak: n(4),
            tanggal_faktur: n(5),
            npwp: n(6),
            nama: n(7),
            alamat: n(8),
            jumlah_dpp: n(9),
            jumlah_ppn: n(10),
            jumlah_ppnbm: n(11),
            id_keterangan_tambahan: n(12),
            fg_uang_muka: n(13),
            uang_muka_dpp: n(14),
            uang_muka_ppn: n(15),
            uang_muka_ppnbm: n(16),
            referensi: n(17),
            kode_dokumen_pendukung: n(18),
            items: vec![item],
        };
        let d = FakturDraft::from(&p);
        let header = [
            &d.kd_jenis_transaksi,
            &d.fg_pengganti,
            &d.nomor_faktur,
            &d.masa_pajak,
            &d.tahun_pajak,
            &d.tanggal_faktur,
            &d.npwp,
            &d.nama,
            &d.alamat,
            &d.jumlah_dpp,
            &d.jumlah_ppn,
            &d.jumlah_ppnbm,
            &d.id_keterangan_tambahan,
            &d.fg_uang_muka,
            &d.uang_muka_dpp,
            &d.uang_muka_ppn,
            &d.uang_muka_ppnbm,
            &d.referensi,
            &d.kode_dokumen_pendukung,
        ];
        for (i, v) in header.into_iter().enumerate() {
            assert_eq!(*v, n(i));
        }
        assert_eq!(d.is_creditable, None, "an upload is a faktur keluaran");
        let i = &d.items[0];
        let item = [
            &i.kode_objek,
            &i.nama,
            &i.harga_satuan,
            &i.jumlah_barang,
            &i.harga_total,
            &i.diskon,
            &i.dpp,
            &i.ppn,
            &i.tarif_ppnbm,
            &i.ppnbm,
        ];
        for (k, v) in item.into_iter().enumerate() {
            assert_eq!(*v, n(100 + k));
        }
    }
}
