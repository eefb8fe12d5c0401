//! Test helpers: a `Ctx` over a temporary data folder; nothing of the user's is touched.

use std::sync::Arc;

use efaktur::config::Settings;
use efaktur::domain::Npwp;
use efaktur::paths::AppDirs;
use efaktur::store::{Store, profile};

use super::ctx::{Ctx, Session};
use super::service::{Failure, FilePicker, Services};
use super::wire::{LiveEnofa, P12Loader};
use efaktur::cert::MemoryStore;
use efaktur::enofa::server::RunningServer;

pub const NPWP: &str = "01.346.347.6-415.001";

struct NoPicker;

impl FilePicker for NoPicker {
    fn pick(
        &self,
        _: String,
        _: &'static [&'static str],
    ) -> iced::futures::future::BoxFuture<'static, Option<std::path::PathBuf>> {
        Box::pin(async { None })
    }
}

/// The real certificate loader and e-Nofa client; secrets in memory; no file dialog.
pub fn services(simulasi: Option<Arc<RunningServer>>) -> Services {
    Services {
        certs: Arc::new(P12Loader),
        enofa: Arc::new(LiveEnofa { simulasi }),
        secrets: Arc::new(MemoryStore::new()),
        picker: Arc::new(NoPicker),
    }
}

pub fn ctx() -> (Ctx, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = AppDirs::new(Some(tmp.path())).unwrap();
    dirs.ensure().unwrap();
    let ctx = Ctx {
        dirs,
        settings: Settings::default(),
        services: services(None),
        simulasi: None,
        server: None,
        session: None,
    };
    (ctx, tmp)
}

/// A ctx with a registered Local Database open.
pub fn ctx_with_session() -> (Ctx, tempfile::TempDir) {
    let (mut ctx, tmp) = ctx();
    let npwp = Npwp::parse(NPWP).unwrap();
    let db_path = ctx.dirs.db_path(&npwp);
    let db = Store::open(&db_path).unwrap();
    let p = profile::Profile::new(npwp, "PT MAJU MUNDUR", "Jakarta");
    profile::save(db.conn(), &p).unwrap();
    profile::mark_registered(db.conn(), "client-1", "https://127.0.0.1:1").unwrap();
    let profile = profile::get(db.conn()).unwrap().unwrap();
    ctx.session = Some(Session {
        db_path,
        profile,
        user: None,
    });
    (ctx, tmp)
}

/// Runs blocking work as the app's tasks would, for `update` tests.
pub fn run_blocking<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    f()
}
