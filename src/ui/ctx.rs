//! What the screens share, handed to `update` and `view` instead of long parameter lists.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use efaktur::config::Settings;
use efaktur::paths::AppDirs;
use efaktur::store::profile::Profile;
use efaktur::store::{Store, StoreError};

use super::i18n::{self, Key, Lang};
use super::service::{Failure, Secret, Server, Services, UiProblem, blocking};

/// The demo PKP of `--simulasi`, shown on the Connect screen so a trainee can register.
#[derive(Debug, Clone)]
pub struct SimulasiInfo {
    pub npwp: String,
    pub p12_path: PathBuf,
    pub passphrase: Secret,
    /// `None` once the demo client is registered: the trainee logs in instead.
    pub kode_aktivasi: Option<Secret>,
    pub password: Secret,
    pub server: Server,
    pub ca_path: PathBuf,
}

impl SimulasiInfo {
    /// The Kode Aktivasi as a trainee reads it, or why there is none.
    pub fn kode_text(&self, lang: Lang) -> String {
        match &self.kode_aktivasi {
            Some(k) => k.expose().to_string(),
            None => i18n::t(lang, Key::KodeSudahDipakai).to_string(),
        }
    }
}

/// The opened Local Database and its PKP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub db_path: PathBuf,
    pub profile: Profile,
    pub user: Option<String>,
    /// The one handle the pages read and write the database through.
    pub db: LocalDb,
}

impl Session {
    pub fn new(db_path: PathBuf, profile: Profile) -> Session {
        Session {
            db: LocalDb::new(db_path.clone()),
            db_path,
            profile,
            user: None,
        }
    }
}

/// The session's Local Database: opened (and migrated) once, on first use, then shared by the
/// pages' background tasks; pages never open the file themselves.
#[derive(Clone)]
pub struct LocalDb(Arc<Shared>);

struct Shared {
    path: PathBuf,
    store: Mutex<Option<Store>>,
}

impl LocalDb {
    pub fn new(path: PathBuf) -> LocalDb {
        LocalDb(Arc::new(Shared {
            path,
            store: Mutex::new(None),
        }))
    }

    pub fn path(&self) -> &Path {
        &self.0.path
    }

    /// Runs `f` on the database off the UI thread (`spawn_blocking`); its error becomes a
    /// [`Failure`] with the DJP code.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, Failure> {
        let this = self.clone();
        blocking(move || this.with(f)).await
    }

    /// [`LocalDb::run`] for code already off the UI thread (inside a `blocking` task).
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, Failure> {
        // A panic in an earlier task leaves the connection usable: SQLite rolled back.
        let mut guard = self.0.store.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            *guard = Some(Store::open(&self.0.path).map_err(store_failure)?);
        }
        match guard.as_mut() {
            Some(store) => f(store).map_err(store_failure),
            None => Err(Failure::ui(
                None,
                UiProblem::Background("Local Database".into()),
            )),
        }
    }
}

fn store_failure(e: StoreError) -> Failure {
    tracing::warn!(error = %e, "Local Database");
    Failure::from(e)
}

impl std::fmt::Debug for LocalDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalDb")
            .field("path", &self.0.path)
            .finish()
    }
}

/// Two handles are the same database when they name the same file.
impl PartialEq for LocalDb {
    fn eq(&self, other: &LocalDb) -> bool {
        self.0.path == other.0.path
    }
}

impl Eq for LocalDb {}

pub struct Ctx {
    pub dirs: AppDirs,
    pub settings: Settings,
    pub services: Services,
    pub simulasi: Option<SimulasiInfo>,
    /// The e-Nofa server chosen on the Connect screen.
    pub server: Option<Server>,
    pub session: Option<Session>,
}

impl Ctx {
    pub fn lang(&self) -> Lang {
        self.settings.language
    }

    pub fn t(&self, key: Key) -> &'static str {
        i18n::t(self.lang(), key)
    }

    /// The session's Local Database, once one is open.
    pub fn db(&self) -> Option<LocalDb> {
        self.session.as_ref().map(|s| s.db.clone())
    }

    /// The demo PKP, only while the chosen server is the simulasi one: its data is never shown
    /// against a real e-Nofa server.
    pub fn active_simulasi(&self) -> Option<&SimulasiInfo> {
        self.simulasi
            .as_ref()
            .filter(|sim| self.server.as_ref() == Some(&sim.server))
    }
}
