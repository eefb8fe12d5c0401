//! Client-side failures, each with the DJP code users know and a plain Indonesian hint.

use std::fmt;

use crate::cert::CertError;
use crate::domain::DjpCode;

/// Which TLS problem stopped the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsProblem {
    /// The server's certificate is not from the configured e-Nofa CA.
    UnknownServerCa,
    /// The server's certificate is from the right CA but expired or not yet valid (often a
    /// wrong computer clock).
    ServerCertExpired,
    /// The server refused our client certificate (other CA, missing, or unacceptable).
    ClientCertRefused,
    ClientCertExpired,
    ClientCertRevoked,
    /// A branch certificate the KPP has not approved yet.
    ClientCertPending,
    Other,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    /// No connection at all (down, wrong address, firewall, timeout).
    Unreachable { url: String, detail: String },
    /// The TLS handshake failed.
    Tls { problem: TlsProblem, detail: String },
    /// The server answered with a refusal.
    Refused {
        code: DjpCode,
        code_text: String,
        reason: String,
    },
    /// The branch (cabang) concerned waits for the KPP to confirm its SK Pemusatan.
    CabangPending { code: DjpCode, reason: String },
    /// The upload session is missing, expired or not this client's: open a new one.
    SessionExpired { reason: String },
    /// Our own certificate cannot be used.
    Certificate(CertError),
    /// The answer was not what the protocol says (version mismatch?).
    Protocol(String),
}

impl ClientError {
    /// The DJP code to show.
    pub fn code(&self) -> DjpCode {
        match self {
            ClientError::Unreachable { .. } => DjpCode::Etax40001,
            ClientError::Tls { .. } | ClientError::Protocol(_) => DjpCode::Etax40002,
            ClientError::Refused { code, .. } | ClientError::CabangPending { code, .. } => *code,
            ClientError::SessionExpired { .. } => DjpCode::Etax40004,
            ClientError::Certificate(e) => e.code(),
        }
    }

    /// What went wrong and what to do, without the code.
    fn explanation(&self) -> String {
        match self {
            ClientError::Unreachable { url, detail } => format!(
                "Server {url} tidak dapat dihubungi. Periksa koneksi internet, proxy/firewall \
                 dan alamat server di layar Pilih Database (Connect), lalu coba lagi secara berkala \
                 [{detail}]."
            ),
            ClientError::Tls { problem, detail } => {
                let what = match problem {
                    TlsProblem::UnknownServerCa => {
                        "Sertifikat server tidak diterbitkan oleh CA e-Nofa yang dikonfigurasi; koneksi dihentikan. \
                         Periksa alamat server dan file CA; jangan lanjutkan bila tidak yakin"
                    }
                    TlsProblem::ServerCertExpired => {
                        "Sertifikat server e-Nofa sudah kedaluwarsa atau belum berlaku. Periksa tanggal \
                         dan jam komputer; bila sudah benar, hubungi pengelola server"
                    }
                    TlsProblem::ClientCertRefused => {
                        "Server menolak sertifikat elektronik Anda (bukan dari CA e-Nofa atau tidak dikirim). \
                         Muat file .p12 yang benar di Referensi > Administrasi Certificate"
                    }
                    TlsProblem::ClientCertExpired => {
                        "Server menolak sertifikat elektronik Anda karena sudah kedaluwarsa. \
                         Minta sertifikat baru di e-Nofa; periksa juga tanggal dan jam komputer"
                    }
                    TlsProblem::ClientCertRevoked => {
                        "Sertifikat elektronik Anda sudah dicabut. Minta sertifikat baru ke KPP"
                    }
                    TlsProblem::ClientCertPending => {
                        "Sertifikat cabang masih Dalam Proses persetujuan KPP; tunggu persetujuan lalu unduh lagi"
                    }
                    TlsProblem::Other => {
                        "Koneksi aman (TLS) gagal. Periksa tanggal/jam komputer, proxy dan antivirus"
                    }
                };
                format!("{what} [{detail}].")
            }
            ClientError::Refused {
                code_text, reason, ..
            } => {
                let hint = match self.code() {
                    DjpCode::Etax40005 => {
                        "Periksa NPWP, Kode Aktivasi, captcha dan password e-Nofa, lalu ulangi dengan captcha baru."
                    }
                    DjpCode::EtaxService20019 => {
                        "Gunakan aplikasi yang sudah terdaftar, atau lakukan Reset Aplikasi Client di e-Nofa."
                    }
                    DjpCode::EtaxService20017 => {
                        "Daftarkan ulang aplikasi dengan Kode Aktivasi eFaktur Desktop terbaru."
                    }
                    DjpCode::Etax40004 => {
                        "Periksa password, captcha dan Kode Aktivasi; bila terkunci, tunggu lalu coba lagi."
                    }
                    DjpCode::Etax40002 => {
                        "Periksa sertifikat di Referensi > Administrasi Certificate; minta sertifikat baru bila dicabut."
                    }
                    DjpCode::Etax10001 => {
                        "Coba lagi nanti; bila berulang, sampaikan id kesalahan tersebut kepada pengelola server e-Nofa."
                    }
                    DjpCode::Etax30005 => "Pastikan versi aplikasi dan server e-Nofa cocok.",
                    _ => "Perbaiki data sesuai keterangan lalu ulangi.",
                };
                let shown = if code_text == self.code().as_str() {
                    String::new()
                } else {
                    format!(" [{code_text}]")
                };
                format!("{reason}{shown}. {hint}")
            }
            ClientError::CabangPending { reason, .. } => format!(
                "Cabang belum disetujui KPP: {reason}. Kantor pusat menyampaikan SK Pemusatan cabang \
                 ke KPP; setelah petugas KPP menyetujuinya, kantor pusat membuat Kode Aktivasi serta \
                 meminta dan mengunduh sertifikat cabang, lalu cabang dapat registrasi."
            ),
            ClientError::SessionExpired { reason } => format!(
                "Sesi upload tidak berlaku: {reason}. Mulai ulang uploader (captcha baru dan password e-Nofa)."
            ),
            ClientError::Certificate(e) => e.to_string(),
            ClientError::Protocol(detail) => format!(
                "Jawaban server tidak sesuai protokol. Pastikan versi aplikasi dan server cocok [{detail}]."
            ),
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} : {}. {}",
            self.code().as_str(),
            self.code().message(),
            self.explanation()
        )
    }
}

impl From<CertError> for ClientError {
    fn from(e: CertError) -> ClientError {
        ClientError::Certificate(e)
    }
}

/// Classifies a transport failure by looking for the rustls error inside it.
pub(crate) fn from_transport(url: &str, e: &reqwest::Error) -> ClientError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        let tls = err.downcast_ref::<rustls::Error>().or_else(|| {
            err.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(tls) = tls {
            let problem = classify(tls);
            return ClientError::Tls {
                problem,
                detail: tls.to_string(),
            };
        }
        source = err.source();
    }
    // Some layers re-wrap the rustls error as text only; classify by its standard wording.
    let text = root_cause(e);
    let by_text = [
        ("certificate expired", TlsProblem::ServerCertExpired),
        ("certificate not valid yet", TlsProblem::ServerCertExpired),
        (
            "invalid peer certificate: Expired",
            TlsProblem::ServerCertExpired,
        ),
        (
            "invalid peer certificate: NotValidYet",
            TlsProblem::ServerCertExpired,
        ),
        ("invalid peer certificate", TlsProblem::UnknownServerCa),
        (
            "received fatal alert: CertificateExpired",
            TlsProblem::ClientCertExpired,
        ),
        (
            "received fatal alert: CertificateRevoked",
            TlsProblem::ClientCertRevoked,
        ),
        (
            "received fatal alert: UnknownCA",
            TlsProblem::ClientCertRefused,
        ),
        (
            "received fatal alert: BadCertificate",
            TlsProblem::ClientCertRefused,
        ),
        (
            "received fatal alert: CertificateRequired",
            TlsProblem::ClientCertRefused,
        ),
        ("received fatal alert", TlsProblem::Other),
    ];
    if let Some((_, problem)) = by_text.iter().find(|(needle, _)| text.contains(needle)) {
        return ClientError::Tls {
            problem: *problem,
            detail: text,
        };
    }
    if e.is_decode() {
        return ClientError::Protocol(e.to_string());
    }
    ClientError::Unreachable {
        url: url.to_owned(),
        detail: text,
    }
}

/// Which [`TlsProblem`] a rustls error is.
fn classify(tls: &rustls::Error) -> TlsProblem {
    use rustls::{AlertDescription as A, CertificateError as C, Error as R};
    match tls {
        R::InvalidCertificate(
            C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. },
        ) => TlsProblem::ServerCertExpired,
        R::InvalidCertificate(_) => TlsProblem::UnknownServerCa,
        R::AlertReceived(A::CertificateExpired) => TlsProblem::ClientCertExpired,
        R::AlertReceived(A::CertificateRevoked) => TlsProblem::ClientCertRevoked,
        R::AlertReceived(
            A::UnknownCA
            | A::BadCertificate
            | A::CertificateUnknown
            | A::CertificateRequired
            | A::AccessDenied
            | A::DecryptError,
        ) => TlsProblem::ClientCertRefused,
        _ => TlsProblem::Other,
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::{AlertDescription as A, CertificateError as C, Error as R};

    #[test]
    fn an_expired_server_certificate_is_not_called_a_foreign_ca() {
        let expired = classify(&R::InvalidCertificate(C::Expired));
        assert_eq!(expired, TlsProblem::ServerCertExpired);
        assert_eq!(
            classify(&R::InvalidCertificate(C::NotValidYet)),
            TlsProblem::ServerCertExpired
        );
        assert_eq!(
            classify(&R::InvalidCertificate(C::UnknownIssuer)),
            TlsProblem::UnknownServerCa
        );
        assert_eq!(
            classify(&R::AlertReceived(A::CertificateExpired)),
            TlsProblem::ClientCertExpired
        );
        let shown = ClientError::Tls {
            problem: expired,
            detail: String::new(),
        }
        .to_string();
        assert!(shown.starts_with("ETAX-40002"), "{shown}");
        assert!(shown.contains("jam komputer"), "{shown}");
        assert!(!shown.contains("bukan"), "{shown}");
    }
}
