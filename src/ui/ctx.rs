//! What the screens share, handed to `update` and `view` instead of long parameter lists.

use std::path::PathBuf;

use efaktur::config::Settings;
use efaktur::paths::AppDirs;
use efaktur::store::profile::Profile;

use super::i18n::{self, Key, Lang};
use super::service::{Secret, Server, Services};

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
        match (&self.kode_aktivasi, lang) {
            (Some(k), _) => k.expose().to_string(),
            (None, Lang::Id) => efaktur::enofa::server::demo::KODE_SUDAH_DIPAKAI.to_string(),
            (None, Lang::En) => {
                "already used — registration is complete, please log in".to_string()
            }
        }
    }
}

/// The opened Local Database and its PKP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub db_path: PathBuf,
    pub profile: Profile,
    pub user: Option<String>,
}

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

    /// The demo PKP, only while the chosen server is the simulasi one: its data is never shown
    /// against a real e-Nofa server.
    pub fn active_simulasi(&self) -> Option<&SimulasiInfo> {
        self.simulasi
            .as_ref()
            .filter(|sim| self.server.as_ref() == Some(&sim.server))
    }
}
