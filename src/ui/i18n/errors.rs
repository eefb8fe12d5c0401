//! The text of the core's typed errors in the chosen language. The core's own `Display` stays
//! Bahasa Indonesia (logs, Indonesian CLI); here each error family gets its English words. DJP's
//! code names (`ETAX-40001 : Tidak dapat menghubungi E-TaxInvoice Server`) stay as DJP wrote
//! them in both languages: users search them as they are.

use efaktur::cert::{CertError, SecretError};
use efaktur::domain::activation::KodeAktivasiError;
use efaktur::domain::{DjpCode, FieldError, NpwpError, Said};
use efaktur::enofa::error::{ClientError, TlsProblem};
use efaktur::exchange::Problem;
use efaktur::exchange::csv_write::ExportError;
use efaktur::print::PrintError;
use efaktur::print::batch::BatchError;
use efaktur::store::StoreError;
use efaktur::store::backup::BackupError;
use efaktur::store::user::LoginError;

use super::Lang;
use crate::ui::service::{Cause, Failure, UiProblem};

/// A failed operation as one line: `CODE : message what-to-do`.
pub fn failure(lang: Lang, f: &Failure) -> String {
    let mut body = match &f.cause {
        Cause::Plain => f.message.clone(),
        Cause::Code => match (lang, f.code) {
            (Lang::En, Some(c)) => format!("{} ({}).", c.message(), code_meaning(c)),
            _ => f.message.clone(),
        },
        Cause::Store(e) => store(lang, e),
        Cause::Cert(e) => cert(lang, e),
        Cause::Client(e) => client(lang, e),
        Cause::Secret(e) => secret(lang, e),
        Cause::Ui(p) => ui(lang, p),
        Cause::Said(key, args) => args
            .iter()
            .fold(super::t(lang, *key).to_string(), |text, (name, value)| {
                text.replace(name, value)
            }),
        Cause::Backup(e) => backup(lang, e),
        Cause::Batch(e) => batch(lang, e),
    };
    let todo = match f.hint {
        Some(k) => super::t(lang, k),
        None => f.todo.as_str(),
    };
    if !todo.is_empty() {
        body.push(' ');
        body.push_str(todo);
    }
    match f.code {
        Some(c) => format!("{} : {}", c.as_str(), c.strip_from(&body)),
        None => body,
    }
}

/// One of a fixed `(Bahasa Indonesia, English)` pair, for the CLI's short one-of-a-kind words.
pub fn pick(lang: Lang, (id, en): (&'static str, &'static str)) -> &'static str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// Words the core or the CLI made in both languages, in `lang`.
pub fn said(lang: Lang, s: &Said) -> &str {
    match lang {
        Lang::Id => &s.id,
        Lang::En => &s.en,
    }
}

/// What is wrong with a field of a faktur (the domain's or the form's own check), with its
/// detail, in `lang`: made both ways where it is found.
pub fn field_message(lang: Lang, e: &FieldError) -> &str {
    match lang {
        Lang::Id => &e.message,
        Lang::En => &e.en,
    }
}

/// What is wrong with a problem of an imported file, with its detail (the value, character or
/// count), in `lang`: the core words it both ways where it finds it.
pub fn problem_message(lang: Lang, p: &Problem) -> &str {
    match lang {
        Lang::Id => &p.message,
        Lang::En => &p.en,
    }
}

/// A problem of an imported file: line, column, DJP code and what is wrong.
#[allow(dead_code)] // the Impor page shows the parts in a table; tests read the whole line
pub fn problem(lang: Lang, p: &Problem) -> String {
    let column = if p.column.is_empty() { "-" } else { &p.column };
    let (line, col) = match lang {
        Lang::Id => ("baris", "kolom"),
        Lang::En => ("line", "column"),
    };
    format!(
        "{line} {}, {col} {column}: {} : {}",
        p.line,
        p.code.as_str(),
        problem_message(lang, p)
    )
}

/// A problem as the CLI prints it: `FILE:LINE: COLUMN: CODE : message` (the Indonesian form is
/// [`Problem::display_in`], which scripts parse; English keeps the same shape).
pub fn problem_line(lang: Lang, file: &str, p: &Problem) -> String {
    match lang {
        Lang::Id => p.display_in(file),
        Lang::En => format!(
            "{file}:{}: {}: {} : {}",
            p.line,
            if p.column.is_empty() { "-" } else { &p.column },
            p.code.as_str(),
            p.en
        ),
    }
}

/// Why a login failed; the same words for an unknown name and a wrong password.
pub fn login(lang: Lang, e: &LoginError) -> String {
    match (lang, e) {
        (Lang::Id, e) => e.to_string(),
        (Lang::En, LoginError::Wrong { remaining }) => {
            format!("Wrong user name or password (attempts left: {remaining}).")
        }
        (Lang::En, LoginError::Locked { seconds }) => format!(
            "Too many wrong passwords. This user name is locked; try again in {seconds} seconds."
        ),
        (Lang::En, LoginError::Disabled) => {
            "This user is disabled. Ask the app's Administrator to enable it again.".into()
        }
        (Lang::En, LoginError::Store(detail)) => format!(
            "The Local Database could not be read. Close other e-Faktur windows and try again [{detail}]."
        ),
    }
}

/// Why a typed NPWP is not one, after DJP's code.
pub fn npwp(lang: Lang, e: &NpwpError) -> String {
    let what = match lang {
        Lang::Id => e.to_string(),
        // The domain's English, which words a NIK's reason too.
        Lang::En => e.english(),
    };
    format!("{}: {what}", DjpCode::Etax20005.as_str())
}

/// Why a typed Kode Aktivasi is not one.
pub fn kode_aktivasi(lang: Lang, e: &KodeAktivasiError) -> String {
    match (lang, e) {
        (Lang::Id, e) => e.to_string(),
        (Lang::En, KodeAktivasiError::Length(n)) => {
            format!("The Kode Aktivasi has 16 letters/digits, not {n}")
        }
        (Lang::En, KodeAktivasiError::BadCharacter(c)) => {
            format!("The Kode Aktivasi holds only letters and digits, not '{c}'")
        }
    }
}

pub fn store(lang: Lang, e: &StoreError) -> String {
    if lang == Lang::Id {
        return e.to_string();
    }
    match e {
        StoreError::SchemaTooNew {
            path,
            found,
            supported,
        } => format!(
            "Database {path} was written by a newer version of the application (schema {found}, \
             this one knows up to {supported}). Update the application; the database was not changed."
        ),
        StoreError::NotADatabase { path, reason } => format!(
            "{path} is not an e-Faktur Local Database or is damaged. Restore it from a backup [{reason}]."
        ),
        // The rule's own detail is Indonesian free text; DJP's code says what kind it is.
        StoreError::Rule { code, .. } => format!(
            "{} : {} ({}).",
            code.as_str(),
            code.message(),
            code_meaning(*code)
        ),
        StoreError::Busy { path } => format!(
            "ETAX-10001 : Local Database {path} is in use by another efaktur process (an import, \
             or the application still open elsewhere). Wait until it finishes or close it, then try again."
        ),
        StoreError::Open { path, reason } => format!(
            "Local Database {path} cannot be created or opened. Check the folder's permissions and \
             the free disk space [{reason}]."
        ),
        StoreError::Sqlite(inner) => format!(
            "ETAX-10001 : Error Database. The Local Database refused the operation; try again, and \
             restore a backup if it keeps failing [{inner}]."
        ),
    }
}

pub fn cert(lang: Lang, e: &CertError) -> String {
    if lang == Lang::Id {
        return e.to_string();
    }
    match e {
        CertError::WrongPassphrase => "Wrong passphrase. Type the passphrase chosen when the \
             certificate was requested again (upper and lower case differ); if it is lost, request \
             a new certificate from your KPP."
            .into(),
        CertError::NotPkcs12(d) => format!(
            "This file is not an electronic certificate (PKCS#12, .p12) or it is damaged. Choose the \
             <NPWP>.p12 file received from e-Nofa [{d}]."
        ),
        CertError::NoPrivateKey => "The .p12 file holds no private key, so it cannot be used to \
             connect or sign. Use the original .p12 from e-Nofa, not an export of the certificate alone."
            .into(),
        CertError::BadCertificate(d) => {
            format!("The certificate cannot be read. Request a new certificate [{d}].")
        }
        CertError::Expired { not_after } => format!(
            "The electronic certificate expired on {}. Request a new one in e-Nofa (Permintaan \
             Sertifikat Digital) and install it in Referensi > Administrasi Certificate.",
            not_after.format("%d/%m/%Y")
        ),
        CertError::NotYetValid { not_before } => format!(
            "The electronic certificate is valid only from {}. Check this computer's date and time.",
            not_before.format("%d/%m/%Y %H:%M")
        ),
        CertError::OtherNpwp { found, expected } => format!(
            "This certificate belongs to NPWP {found}, not to NPWP {expected}. Choose the .p12 file \
             of the NPWP being registered."
        ),
        CertError::NoNpwp => "This certificate carries no NPWP (serialNumber in its subject). Use \
             an electronic certificate issued by e-Nofa."
            .into(),
        CertError::Signing(d) => {
            format!("The certificate's private key cannot sign. Request a new certificate [{d}].")
        }
        CertError::Issue(d) => format!("The certificate could not be made [{d}]."),
    }
}

/// An e-Nofa client error with its code in front, as [`ClientError`]'s `Display` prints it.
pub fn client(lang: Lang, e: &ClientError) -> String {
    if lang == Lang::Id {
        return e.to_string();
    }
    let c = e.code();
    let what = match e {
        ClientError::Unreachable { url, detail } => format!(
            "The server {url} cannot be reached. Check the internet connection, proxy/firewall and \
             the server address on the Choose Database (Connect) screen, then try again later [{detail}]."
        ),
        ClientError::Tls { problem, detail } => {
            let what = match problem {
                TlsProblem::UnknownServerCa => {
                    "The server's certificate is not from the configured e-Nofa CA; the connection \
                     was stopped. Check the server address and the CA file; do not go on if unsure"
                }
                TlsProblem::ServerCertExpired => {
                    "The e-Nofa server's certificate has expired or is not valid yet. Check this \
                     computer's date and time; if they are right, contact the server's operator"
                }
                TlsProblem::ClientCertRefused => {
                    "The server refused your electronic certificate (not from the e-Nofa CA, or not \
                     sent). Install the right .p12 in Referensi > Administrasi Certificate"
                }
                TlsProblem::ClientCertExpired => {
                    "The server refused your electronic certificate because it has expired. Request \
                     a new one in e-Nofa; check the computer's date and time too"
                }
                TlsProblem::ClientCertRevoked => {
                    "Your electronic certificate has been revoked. Request a new one from your KPP"
                }
                TlsProblem::ClientCertPending => {
                    "The branch certificate still waits for the KPP's approval; download it again \
                     once it is approved"
                }
                TlsProblem::Other => {
                    "The secure connection (TLS) failed. Check the computer's date and time, proxy \
                     and antivirus"
                }
            };
            format!("{what} [{detail}].")
        }
        ClientError::Refused { code_text, .. } => {
            let hint = match c {
                DjpCode::Etax40005 => {
                    "Check the NPWP, Kode Aktivasi, captcha and e-Nofa password, then try again with a new captcha."
                }
                DjpCode::EtaxService20019 => {
                    "Use the application that is already registered, or reset the client application (Reset Aplikasi Client) in e-Nofa."
                }
                DjpCode::EtaxService20017 => {
                    "Register the application again with the newest e-Faktur Desktop Kode Aktivasi."
                }
                DjpCode::Etax40004 => {
                    "Check the password, captcha and Kode Aktivasi; if locked, wait and try again."
                }
                DjpCode::Etax40002 => {
                    "Check the certificate in Referensi > Administrasi Certificate; request a new one if it was revoked."
                }
                DjpCode::Etax10001 => {
                    "Try again later; if it repeats, give the error id to the e-Nofa server's operator."
                }
                DjpCode::Etax30005 => {
                    "Make sure the application and the e-Nofa server versions match."
                }
                _ => "Correct the data and try again.",
            };
            let shown = if code_text == c.as_str() {
                String::new()
            } else {
                format!(" [{code_text}]")
            };
            format!("The server refused: {}{shown}. {hint}", code_meaning(c))
        }
        ClientError::CabangPending { .. } => "The branch (cabang) is not approved by the KPP yet. \
             Head office sends the branch's SK Pemusatan to the KPP; once approved, head office \
             makes a Kode Aktivasi and requests and downloads the branch certificate, then the \
             branch can register."
            .into(),
        ClientError::SessionExpired { .. } => "The upload session is no longer valid. Start the \
             uploader again (a new captcha and the e-Nofa password)."
            .into(),
        ClientError::Certificate(e) => cert(lang, e),
        ClientError::Protocol(detail) => format!(
            "The server's answer does not follow the protocol. Make sure the application and \
             server versions match [{detail}]."
        ),
    };
    format!("{} : {}. {what}", c.as_str(), c.message())
}

pub fn secret(lang: Lang, e: &SecretError) -> String {
    match (lang, e) {
        (Lang::Id, e) => e.to_string(),
        (Lang::En, SecretError::Unavailable(_)) => "The system's secret store (keyring) is not \
             available on this computer, so the passphrase cannot be remembered. Type the \
             passphrase/password each time it is asked, or enable the system keyring (e.g. GNOME \
             Keyring / KWallet on Linux)."
            .into(),
        (Lang::En, SecretError::Failed(d)) => {
            format!("The system keyring refused the operation [{d}].")
        }
    }
}

/// Why a backup or a restore failed; nothing was changed in any case.
pub fn backup(lang: Lang, e: &BackupError) -> String {
    match (lang, e) {
        (Lang::Id, e) => e.to_string(),
        (Lang::En, BackupError::NotALocalDatabase { path, reason }) => format!(
            "{path} is not an e-Faktur Local Database or is damaged ({}). Nothing was \
             changed; choose another backup file.",
            backup_reason(reason)
        ),
        (
            Lang::En,
            BackupError::SchemaTooNew {
                path,
                found,
                supported,
            },
        ) => format!(
            "The backup {path} was made by a newer version of the application (schema {found}, \
             this one knows up to {supported}). Nothing was changed; update the application, then \
             restore again."
        ),
        (
            Lang::En,
            BackupError::OtherNpwp {
                path,
                found,
                expected,
            },
        ) => format!(
            "The backup {path} belongs to NPWP {found}, not to NPWP {expected}. Nothing was \
             changed; choose this NPWP's backup."
        ),
        (Lang::En, BackupError::Io { path, reason }) => format!(
            "{path} cannot be read or written: {}. Check the folder's permissions and the free \
             disk space.",
            backup_reason(reason)
        ),
        (Lang::En, BackupError::Store(e)) => store(lang, e),
    }
}

/// The reasons `efaktur::store::backup` writes itself (Indonesian literals) in English; the OS's
/// and SQLite's own reasons are English already and pass as they are.
fn backup_reason(reason: &str) -> String {
    match reason {
        "file tidak ada" => "the file does not exist".into(),
        "tidak ada skema e-Faktur" => "it has no e-Faktur schema".into(),
        "tidak ada profil PKP" => "it has no PKP profile".into(),
        "terlalu banyak cadangan dalam detik yang sama" => {
            "too many backups in the same second".into()
        }
        "file sudah ada dan tidak ditimpa; pilih nama lain" => {
            "the file already exists and was not replaced; choose another name".into()
        }
        r => match r.strip_prefix("referensi rusak di tabel ") {
            Some(table) => format!("a broken reference in table {table}"),
            None => r.into(),
        },
    }
}

/// Why printing faktur to PDF failed.
pub fn batch(lang: Lang, e: &BatchError) -> String {
    match (lang, e) {
        (Lang::Id, e) => e.to_string(),
        (Lang::En, BatchError::Store(e)) => store(lang, e),
        (Lang::En, BatchError::Pdf(PrintError::Pdf(detail))) => {
            format!("The invoice PDF could not be made [{detail}].")
        }
        (Lang::En, BatchError::Io { path, source }) => {
            format!("{path}: {source}; check the folder's permissions and the free disk space.")
        }
        (Lang::En, BatchError::Exists(p)) => format!(
            "The file {} already exists and was not replaced; choose to replace it or another \
             destination.",
            p.display()
        ),
        // The core's detail is Indonesian free text; the window prints faktur it listed itself.
        (Lang::En, BatchError::Nomor(_)) => "An invoice to print is no longer in the Local \
             Database or its number is not valid. Reload the list and print again."
            .into(),
    }
}

/// Why an export (or a saved problem list) could not be written, to go into a sentence.
pub fn export(lang: Lang, e: &ExportError) -> String {
    match (lang, e) {
        (Lang::Id, e) => e.to_string(),
        (Lang::En, ExportError::Store(e)) => store(lang, e),
        (Lang::En, ExportError::Io(e)) => format!("the export file cannot be written: {e}"),
        // The window's own reasons are already in `lang`; Coretax's refusal list is the core's.
        (Lang::En, ExportError::Invalid(m)) => m.clone(),
        (Lang::En, ExportError::Refused(s)) => s.en.clone(),
        (Lang::En, ExportError::Exists(p)) => format!(
            "the file {} already exists and was not replaced; choose to replace it or another file",
            p.display()
        ),
    }
}

/// Problems the window itself finds (files, folders, background work).
pub fn ui(lang: Lang, p: &UiProblem) -> String {
    match (lang, p) {
        (Lang::Id, UiProblem::FileUnreadable { path, detail }) => {
            format!("File {path} tidak dapat dibaca. Periksa lokasi dan izin file [{detail}].")
        }
        (Lang::En, UiProblem::FileUnreadable { path, detail }) => format!(
            "The file {path} cannot be read. Check its location and permissions [{detail}]."
        ),
        (Lang::Id, UiProblem::NotPem { path }) => {
            format!("{path} bukan sertifikat PEM. Pilih file .pem dari operator server e-Nofa.")
        }
        (Lang::En, UiProblem::NotPem { path }) => format!(
            "{path} is not a PEM certificate. Choose the .pem file from the e-Nofa server's operator."
        ),
        (Lang::Id, UiProblem::DataFolder(detail)) => {
            format!("Folder data aplikasi tidak dapat dibuat. Periksa izin folder data [{detail}].")
        }
        (Lang::En, UiProblem::DataFolder(detail)) => format!(
            "The application's data folder cannot be made. Check the folder's permissions [{detail}]."
        ),
        (Lang::Id, UiProblem::Background(detail)) => format!(
            "Proses latar belakang gagal. Coba lagi; bila berulang, laporkan ke pengembang [{detail}]."
        ),
        (Lang::En, UiProblem::Background(detail)) => format!(
            "A background task failed. Try again; if it repeats, report it to the developers [{detail}]."
        ),
        (Lang::Id, UiProblem::CertificateChanged { path }) => format!(
            "Tidak dapat melakukan hashing: file sertifikat {path} sudah berubah, dipindah atau \
             dihapus sejak dipasang. Pasang lagi file .p12 di Referensi > Administrasi Certificate."
        ),
        (Lang::En, UiProblem::CertificateChanged { path }) => format!(
            "The certificate file {path} changed, moved or was deleted since it was installed. \
             Install the .p12 again in Referensi > Administrasi Certificate."
        ),
        (Lang::Id, UiProblem::SettingsNotSaved(detail)) => {
            format!("Pengaturan tidak dapat disimpan. Periksa izin folder konfigurasi [{detail}].")
        }
        (Lang::En, UiProblem::SettingsNotSaved(detail)) => format!(
            "The settings could not be saved. Check the configuration folder's permissions [{detail}]."
        ),
    }
}

/// What a DJP code means, in English (the code's own name stays DJP's Indonesian).
pub fn code_meaning(code: DjpCode) -> &'static str {
    use DjpCode::*;
    match code {
        Etax10001 => "database error",
        Etax10003 => "the data could not be saved; check it",
        Etax20001 => "the NPWP is incomplete",
        Etax20002 => "the invoice number is already recorded",
        Etax20003 => "the invoice number was not found",
        Etax20004 => "wrong number format",
        Etax20005 => "the NPWP format is wrong",
        Etax20006 => "wrong date format",
        Etax20007 => "the invoice number is incomplete",
        Etax20008 => "validation error",
        Etax20013 => "the counterparty is incomplete",
        Etax20014 => "a value must not be empty",
        Etax20016 => "the invoice number range is already recorded",
        Etax20017 => "the invoice number is outside the ranges of Referensi Nomor Faktur",
        Etax20018 => {
            "no invoice number (NSFP) is left; record a range in Referensi > Nomor Faktur first"
        }
        Etax20020 => "the goods/service code is already recorded",
        Etax20021 => "the goods/service name is already recorded",
        Etax20022 => "the goods/service is incomplete",
        Etax20023 => "wrong invoice format",
        Etax20024 => "the period must not be before the invoice date",
        Etax20025 => "the period is past the reporting limit for tax invoices",
        Etax20026 => "the replacement flag has the wrong format",
        Etax20027 => "a replacement invoice may not be dated before the invoice it replaces",
        Etax20038 => "the cancelled invoice was not found",
        Etax20039 => "the invoice to be replaced was not found",
        Etax20028 => "the items' DPP, PPN and PPnBM do not add up to the invoice's",
        Etax20030 => "the return date must not be before the invoice date",
        Etax20031 => "the return period does not match the return date",
        Etax20032 => "not enough DPP left for the return",
        Etax20033 => "not enough PPN left for the return",
        Etax20034 => "not enough PPnBM left for the return",
        Etax20040 => "the invoice cannot be made",
        Etax30002 => "hashing failed",
        Etax30005 => "mapping error",
        Etax30022 => {
            "no certificate file yet; open one in Referensi > Administrasi Certificate first"
        }
        Etax30023 => "the certificate file cannot be used",
        Etax30024 => "the price must be greater than 0",
        Etax30029 => "the invoice number is not right",
        Etax30030 => "the return number is already recorded",
        Etax30031 => "the other document is incomplete",
        Etax40001 => "the e-Nofa server cannot be reached",
        Etax40002 => "service error",
        Etax40003 => "service session error",
        Etax40004 => "the user cannot use the service",
        Etax40005 => "registration service error",
        EtaxService20001 => "the invoice number was not found",
        EtaxService20006 => "the invoice number to be replaced was not found",
        EtaxService20008 => "the invoice number is already used",
        EtaxService20017 => "the client is not registered",
        EtaxService20019 => "the client is already activated",
        EtaxService20020 => {
            "the invoice serial number is not valid: not this taxpayer's allocation"
        }
        EtaxService20021 => "the uploaded invoice is corrupt; upload it again",
        EtaxService20025 => "the invoice date is before the date of its serial number",
        EtaxService40002 => "user not found",
    }
}
