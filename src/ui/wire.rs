//! Connects the screens' traits (`service.rs`) to the real world: the native file dialog, and —
//! once `efaktur::cert` and `efaktur::enofa` exist — the certificate loader, keyring and e-Nofa client.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use efaktur::domain::DjpCode;
use iced::futures::future::BoxFuture;

use super::service::{
    Captcha, CertLoader, Enofa, Failure, FilePicker, OpenedCert, RegisterRequest, Registered,
    Secret, Secrets, Server, Services,
};

/// The native "open file" dialog (xdg-desktop-portal on Linux). Without a portal it returns
/// `None` and the user types the path.
pub struct NativePicker;

impl FilePicker for NativePicker {
    fn pick(
        &self,
        title: String,
        extensions: &'static [&'static str],
    ) -> BoxFuture<'static, Option<PathBuf>> {
        Box::pin(async move {
            rfd::AsyncFileDialog::new()
                .set_title(title)
                .add_filter("", extensions)
                .pick_file()
                .await
                .map(|f| f.path().to_path_buf())
        })
    }
}

/// Until the certificate and e-Nofa modules land, these say so instead of pretending.
pub struct NotAvailable;

fn not_available() -> Failure {
    Failure::new(
        Some(DjpCode::Etax40001),
        "Modul sertifikat/e-Nofa belum tersedia di build ini.",
        "Gunakan build yang menyertakan klien e-Nofa.",
    )
}

impl CertLoader for NotAvailable {
    fn open(&self, _path: &Path, _passphrase: &Secret) -> Result<OpenedCert, Failure> {
        Err(not_available())
    }
}

impl Enofa for NotAvailable {
    fn captcha(&self, _: Server, _: OpenedCert) -> BoxFuture<'static, Result<Captcha, Failure>> {
        Box::pin(async { Err(not_available()) })
    }
    fn register(
        &self,
        _: Server,
        _: OpenedCert,
        _: RegisterRequest,
    ) -> BoxFuture<'static, Result<Registered, Failure>> {
        Box::pin(async { Err(not_available()) })
    }
    fn ping(&self, _: Server, _: OpenedCert) -> BoxFuture<'static, Result<(), Failure>> {
        Box::pin(async { Err(not_available()) })
    }
}

/// Secrets kept for this run only (tests, and machines without a keyring).
#[derive(Default)]
pub struct MemorySecrets(Mutex<std::collections::HashMap<String, Secret>>);

impl Secrets for MemorySecrets {
    fn get(&self, key: &str) -> Result<Option<Secret>, Failure> {
        Ok(self.0.lock().map_err(|_| poisoned())?.get(key).cloned())
    }
    fn set(&self, key: &str, value: &Secret) -> Result<(), Failure> {
        self.0
            .lock()
            .map_err(|_| poisoned())?
            .insert(key.to_string(), value.clone());
        Ok(())
    }
    fn delete(&self, key: &str) -> Result<(), Failure> {
        self.0.lock().map_err(|_| poisoned())?.remove(key);
        Ok(())
    }
}

fn poisoned() -> Failure {
    Failure::new(
        None,
        "Penyimpanan rahasia tidak dapat dipakai.",
        "Tutup dan buka kembali aplikasi.",
    )
}

/// The services of the real app.
pub fn services() -> Services {
    Services {
        certs: Arc::new(NotAvailable),
        enofa: Arc::new(NotAvailable),
        secrets: Arc::new(MemorySecrets::default()),
        picker: Arc::new(NativePicker),
    }
}
