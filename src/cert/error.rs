//! What can be wrong with a `.p12` file, in words an accountant can act on.

use chrono::{DateTime, Utc};

use crate::domain::DjpCode;

/// Why a certificate cannot be used. Each message says what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    #[error(
        "Passphrase salah. Ketik ulang passphrase yang dipilih saat meminta sertifikat \
         (huruf besar/kecil dibedakan); bila lupa, minta sertifikat baru ke KPP."
    )]
    WrongPassphrase,
    #[error(
        "File ini bukan sertifikat elektronik PKCS#12 (.p12) atau rusak. \
         Pilih file <NPWP>.p12 yang diterima dari e-Nofa [{0}]."
    )]
    NotPkcs12(String),
    #[error(
        "File .p12 tidak berisi kunci privat, jadi tidak bisa dipakai untuk koneksi dan tanda tangan. \
         Pakai file .p12 asli dari e-Nofa, bukan hasil ekspor sertifikat saja."
    )]
    NoPrivateKey,
    #[error("Isi sertifikat tidak dapat dibaca. Minta sertifikat baru [{0}].")]
    BadCertificate(String),
    #[error(
        "Sertifikat elektronik sudah kedaluwarsa sejak {}. Minta sertifikat baru di e-Nofa \
         (Permintaan Sertifikat Digital) lalu muat di Referensi > Administrasi Certificate.",
        .not_after.format("%d/%m/%Y")
    )]
    Expired { not_after: DateTime<Utc> },
    #[error(
        "Sertifikat elektronik baru berlaku mulai {}. Periksa tanggal dan jam komputer ini.",
        .not_before.format("%d/%m/%Y %H:%M")
    )]
    NotYetValid { not_before: DateTime<Utc> },
    #[error(
        "Sertifikat ini milik NPWP {found}, bukan NPWP {expected}. \
         Pilih file .p12 milik NPWP yang sedang didaftarkan."
    )]
    OtherNpwp { found: String, expected: String },
    #[error(
        "Sertifikat ini tidak memuat NPWP (atribut serialNumber pada subject). \
         Pakai sertifikat elektronik yang diterbitkan e-Nofa."
    )]
    NoNpwp,
    #[error(
        "Kunci privat sertifikat tidak dapat dipakai untuk menandatangani. Minta sertifikat baru [{0}]."
    )]
    Signing(String),
    #[error("Sertifikat tidak dapat dibuat [{0}].")]
    Issue(String),
}

impl CertError {
    /// The DJP code users know for an unusable certificate.
    pub fn code(&self) -> DjpCode {
        DjpCode::Etax30023
    }
}
