//! Connects the screens' traits (`service.rs`) to the real world: `efaktur::cert` for `.p12`
//! files and the keyring, `efaktur::enofa` for the server, rfd for the file dialog, and the
//! in-process e-Nofa server of `--simulasi`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use efaktur::cert::{Identity, KeyringStore, Secret};
use efaktur::enofa::client::EnofaClient;
use efaktur::enofa::server::{self, RunningServer, ServerConfig, demo};
use efaktur::paths::AppDirs;
use iced::futures::future::BoxFuture;

use super::ctx::SimulasiInfo;
use super::service::{
    Captcha, CertLoader, Enofa, Failure, FilePicker, NsfpAllocation, NsfpRequest, OpenedCert,
    Picked, RegisterRequest, Registered, Server, Services, UiProblem,
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

    fn choose(
        &self,
        title: String,
        extensions: &'static [&'static str],
    ) -> BoxFuture<'static, Picked> {
        let pick = self.pick(title, extensions);
        Box::pin(async move {
            if !NativePicker::available().await {
                return Picked::Unavailable;
            }
            pick.await.map_or(Picked::Cancelled, Picked::Path)
        })
    }
}

impl NativePicker {
    /// Whether a dialog can open at all. On Linux rfd asks xdg-desktop-portal over the D-Bus
    /// session bus and falls back to zenity; with neither it returns nothing, as if cancelled.
    #[cfg(all(unix, not(target_os = "macos")))]
    async fn available() -> bool {
        let zenity = std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("zenity").is_file()));
        zenity || portal_on_session_bus().await
    }

    /// Windows and macOS always have their own dialogs.
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    async fn available() -> bool {
        true
    }
}

/// Whether the session bus has xdg-desktop-portal running or can start it.
#[cfg(all(unix, not(target_os = "macos")))]
async fn portal_on_session_bus() -> bool {
    const PORTAL: &str = "org.freedesktop.portal.Desktop";
    let Ok(conn) = zbus::Connection::session().await else {
        return false;
    };
    let Ok(bus) = zbus::fdo::DBusProxy::new(&conn).await else {
        return false;
    };
    let Ok(name) = zbus::names::BusName::try_from(PORTAL) else {
        return false;
    };
    if bus.name_has_owner(name).await.unwrap_or(false) {
        return true;
    }
    bus.list_activatable_names()
        .await
        .is_ok_and(|names| names.iter().any(|n| n.as_str() == PORTAL))
}

/// Opens `.p12` files with `efaktur::cert`.
pub struct P12Loader;

impl CertLoader for P12Loader {
    fn open(&self, path: &Path, passphrase: &Secret) -> Result<OpenedCert, Failure> {
        let bytes = std::fs::read(path).map_err(|e| {
            Failure::ui(
                Some(efaktur::domain::DjpCode::Etax30022),
                UiProblem::FileUnreadable {
                    path: path.display().to_string(),
                    detail: e.to_string(),
                },
            )
        })?;
        let identity = Identity::from_p12(&bytes, passphrase.expose())?;
        Ok(OpenedCert {
            path: path.to_path_buf(),
            summary: identity.info(),
            bytes: Arc::new(bytes),
            identity: Arc::new(identity),
        })
    }
}

/// The e-Nofa client over mutual TLS. Knows the simulasi server, if any, to show its captcha
/// answers on screen.
pub struct LiveEnofa {
    pub simulasi: Option<Arc<RunningServer>>,
}

fn client(server: &Server, cert: &OpenedCert) -> Result<EnofaClient, Failure> {
    Ok(EnofaClient::new(
        &server.url,
        &server.ca_pem,
        &cert.identity,
    )?)
}

impl Enofa for LiveEnofa {
    fn captcha(
        &self,
        server: Server,
        cert: OpenedCert,
    ) -> BoxFuture<'static, Result<Captcha, Failure>> {
        let simulasi = self.simulasi.clone().filter(|s| s.api_url == server.url);
        Box::pin(async move {
            let c = client(&server, &cert)?.captcha().await?;
            Ok(Captcha {
                simulasi_answer: simulasi.and_then(|s| s.demo_captcha_answer(&c.id)),
                id: c.id,
                png: Arc::new(c.png),
            })
        })
    }

    fn register(
        &self,
        server: Server,
        cert: OpenedCert,
        request: RegisterRequest,
    ) -> BoxFuture<'static, Result<Registered, Failure>> {
        Box::pin(async move {
            let kode = Secret::new(request.kode_aktivasi.as_str());
            let r = client(&server, &cert)?
                .register(
                    &request.npwp,
                    &kode,
                    &request.captcha_id,
                    &request.captcha,
                    &request.password,
                )
                .await?;
            Ok(Registered {
                client_id: r.client_id,
                nama: r.profile.nama,
                alamat: r.profile.alamat,
            })
        })
    }

    fn ping(&self, server: Server, cert: OpenedCert) -> BoxFuture<'static, Result<(), Failure>> {
        Box::pin(async move {
            client(&server, &cert)?.ping().await?;
            Ok(())
        })
    }

    // refui:
    fn request_nsfp(
        &self,
        server: Server,
        cert: OpenedCert,
        client_id: String,
        request: NsfpRequest,
    ) -> BoxFuture<'static, Result<NsfpAllocation, Failure>> {
        Box::pin(async move {
            let c = client(&server, &cert)?.with_client_id(client_id);
            Ok(c.request_nsfp(&request).await?)
        })
    }

    fn simulasi_captcha_answer(&self, server_url: &str, captcha_id: &str) -> Option<String> {
        self.simulasi
            .as_ref()
            .filter(|s| s.api_url == server_url)
            .and_then(|s| s.demo_captcha_answer(captcha_id))
    }
}

/// The services of the real app.
pub fn services(simulasi: Option<Arc<RunningServer>>) -> Services {
    Services {
        certs: Arc::new(P12Loader),
        enofa: Arc::new(LiveEnofa { simulasi }),
        secrets: Arc::new(KeyringStore::new("efaktur")),
        picker: Arc::new(NativePicker),
    }
}

/// Starts the simulasi e-Nofa server (state in `<data>/simulasi`, kept across restarts) with
/// the demo PKP ready (see [`demo::prepare`]).
/// Call inside a Tokio runtime that outlives the window.
pub async fn start_simulasi(dirs: &AppDirs) -> Result<(SimulasiInfo, Arc<RunningServer>), String> {
    let dir = dirs.data_dir().join("simulasi");
    let prep_dir = dir.clone();
    let demo_db = efaktur::domain::Npwp::parse(demo::DEMO_NPWP)
        .map(|n| dirs.db_path(&n))
        .map_err(|e| e.to_string())?;
    let creds = tokio::task::spawn_blocking(move || {
        let mut creds = demo::prepare(&prep_dir)?;
        // Registered, but the Local Database is gone: nobody could log in or register again.
        if creds.registered() && !demo_db.exists() {
            demo::reset_client(&prep_dir, &mut creds)?;
        }
        Ok::<_, server::ServerError>(creds)
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| format!("Server simulasi tidak dapat disiapkan: {e}"))?;
    let running = server::start(ServerConfig::demo(dir))
        .await
        .map_err(|e| format!("Server simulasi tidak dapat dijalankan: {e}"))?;
    let info = SimulasiInfo {
        npwp: creds.npwp.to_string(),
        p12_path: creds.p12_path.clone(),
        passphrase: creds.passphrase.clone(),
        kode_aktivasi: creds.kode_aktivasi.clone(),
        password: creds.password.clone(),
        server: Server {
            url: running.api_url.clone(),
            ca_pem: Arc::new(running.ca_pem.clone()),
        },
        ca_path: creds.ca_pem_path.clone(),
    };
    Ok((info, Arc::new(running)))
}
