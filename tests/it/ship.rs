//! Moving to a new laptop, end to end against a real `enofa-server` on loopback (mutual TLS):
//! `efaktur backup` on the old machine, `efaktur restore` into a fresh data folder, Reset
//! Aplikasi Client on e-Nofa, `efaktur register` with the new Kode Aktivasi, and the same
//! faktur and NSFP history afterwards, with `efaktur upload` still working.

use efaktur::cert::{P12Encryption, Secret};
use efaktur::domain::ApprovalStatus;
use efaktur::enofa::EnofaClient;
use efaktur::enofa::server::operator;
use efaktur::paths::AppDirs;
use efaktur::store::{Store, faktur, nsfp, profile};

use crate::upload::{
    Account, PASSPHRASE, finished, fresh_npwp, local_registered, spawn_efaktur, start_server,
};

/// `efaktur --data-dir DATA ARGS` without a captcha: its stdout, after checking it succeeded.
fn efaktur(data: &std::path::Path, args: &[&std::ffi::OsStr]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_efaktur"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "efaktur {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// (nsfp, approval) of every faktur, sorted.
fn faktur_of(store: &Store) -> Vec<(String, ApprovalStatus)> {
    let mut all: Vec<_> = faktur::list(store.conn(), faktur::Filter::default())
        .unwrap()
        .into_iter()
        .map(|f| (f.faktur.nsfp.digits(), f.approval))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_to_a_new_laptop_keeps_faktur_and_nsfp_and_uploads_after_reregistering() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("enofa");
    let s = start_server(&state).await;
    let npwp = fresh_npwp();
    let created = operator::pkp_add(&state, npwp.digits(), "PT PINDAH", "JL. LAMA 1", "").unwrap();
    let (_, p12) =
        operator::cert_issue(&state, npwp.digits(), PASSPHRASE, P12Encryption::default()).unwrap();
    let old_kode = Secret::new(created.kode_aktivasi.expose().to_owned());
    let account = Account {
        npwp: npwp.clone(),
        password: created.password.clone(),
        kode: created.kode_aktivasi,
        p12: p12.clone(),
        passphrase: PASSPHRASE,
    };
    // The old laptop: registered, three faktur Siap Upload on NSFP from e-Nofa.
    let old = local_registered(&s, &dir.path().join("lama"), account, 3).await;
    let old_store = Store::open(&old.dirs.db_path(&npwp)).unwrap();
    let faktur_before = faktur_of(&old_store);
    let ranges_before = nsfp::ranges(old_store.conn()).unwrap();
    drop(old_store);
    assert_eq!(faktur_before.len(), 3);

    // Backup on the old laptop (to a USB stick, say), restore on the new one.
    let stick = dir.path().join("usb");
    std::fs::create_dir_all(&stick).unwrap();
    let file = stick.join("efaktur-pindah.db");
    efaktur(
        &old.data,
        &[
            "backup".as_ref(),
            "--to".as_ref(),
            file.as_os_str(),
            "--npwp".as_ref(),
            npwp.digits().as_ref(),
        ],
    );
    let new_data = dir.path().join("baru");
    let out = efaktur(&new_data, &["restore".as_ref(), file.as_os_str()]);
    assert!(out.contains("Reset Aplikasi Client"), "{out}");
    let new_dirs = AppDirs::new(Some(&new_data)).unwrap();
    assert_eq!(new_dirs.databases(), vec![npwp.clone()]);

    // Reset Aplikasi Client on e-Nofa: a new Kode Aktivasi (the old client id stops working).
    let c = EnofaClient::new(&s.api_url, &s.ca_pem, &old.identity)
        .unwrap()
        .with_client_id(old.client_id.clone());
    let new_kode = c.reset(&old_kode, &created.password).await.unwrap();
    assert!(c.profile().await.is_err(), "the old client is reset");

    // The new laptop registers again with it (certificate and secrets copied over).
    let files = new_data.join("rahasia");
    std::fs::create_dir_all(&files).unwrap();
    let put = |name: &str, text: &[u8]| {
        let path = files.join(name);
        std::fs::write(&path, text).unwrap();
        path.into_os_string()
    };
    let args: Vec<std::ffi::OsString> = vec![
        "register".into(),
        "--npwp".into(),
        npwp.digits().into(),
        "--cert".into(),
        put("kantor.p12", &p12),
        "--server".into(),
        s.api_url.clone().into(),
        "--ca".into(),
        put("ca.pem", &s.ca_pem),
        "--kode-aktivasi-file".into(),
        put("kode.txt", new_kode.expose().as_bytes()),
        "--password-file".into(),
        put("password.txt", created.password.expose().as_bytes()),
        "--passphrase-file".into(),
        put("passphrase.txt", PASSPHRASE.as_bytes()),
    ];
    let child = tokio::task::block_in_place(|| spawn_efaktur(&new_data, &args, &s));
    let (code, err) = finished(child).await;
    assert_eq!(code, Some(0), "{err}");

    // Same faktur and NSFP history, registered under a new client id.
    let store = Store::open(&new_dirs.db_path(&npwp)).unwrap();
    let p = profile::get(store.conn()).unwrap().unwrap();
    assert_eq!(p.registration, profile::Registration::Terdaftar);
    assert_ne!(p.client_id.as_deref(), Some(old.client_id.as_str()));
    assert_eq!(faktur_of(&store), faktur_before);
    assert_eq!(nsfp::ranges(store.conn()).unwrap(), ranges_before);
    drop(store);

    // And the uploader sends the faktur from the new laptop.
    let args: Vec<std::ffi::OsString> = vec![
        "upload".into(),
        "--quiet".into(),
        "--password-file".into(),
        files.join("password.txt").into(),
        "--passphrase-file".into(),
        files.join("passphrase.txt").into(),
    ];
    let child = tokio::task::block_in_place(|| spawn_efaktur(&new_data, &args, &s));
    let (code, err) = finished(child).await;
    assert_eq!(code, Some(0), "{err}");
    let store = Store::open(&new_dirs.db_path(&npwp)).unwrap();
    let after = faktur_of(&store);
    assert_eq!(after.len(), 3);
    assert!(
        after
            .iter()
            .all(|(_, a)| *a == ApprovalStatus::ApprovalSukses),
        "{after:?}"
    );
    let server = rusqlite::Connection::open(state.join("enofa.sqlite")).unwrap();
    let approved: i64 = server
        .query_row(
            "SELECT count(*) FROM faktur WHERE npwp = ?1",
            [npwp.digits()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(approved, 3, "each faktur approved once, under its NPWP");
    s.shutdown().await;
}

/// The packaging definition names this version, the icons of every system, the licence and the
/// runtime libraries the window opens (installer/check.sh also checks it against the schema).
#[test]
fn the_installer_definition_matches_the_crate_and_names_its_files() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("installer/packager.toml")).unwrap();
    let cfg: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(cfg["version"].as_str(), Some(env!("CARGO_PKG_VERSION")));
    let installer = root.join("installer");
    let icons: Vec<&str> = cfg["icons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for ext in [".png", ".ico", ".icns"] {
        assert!(icons.iter().any(|i| i.ends_with(ext)), "an {ext} icon");
    }
    for file in icons.iter().copied().chain([
        cfg["licenseFile"].as_str().unwrap(),
        cfg["deb"]["desktopTemplate"].as_str().unwrap(),
    ]) {
        assert!(installer.join(file).is_file(), "{file}");
    }
    let depends: Vec<&str> = cfg["deb"]["depends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for lib in ["libx11-6", "libxkbcommon-x11-0", "libwayland-client0"] {
        assert!(depends.contains(&lib), "{lib} in {depends:?}");
    }
    let formats = cfg["formats"].as_array().unwrap();
    for f in ["deb", "appimage", "nsis", "wix", "app", "dmg"] {
        assert!(formats.iter().any(|v| v.as_str() == Some(f)), "{f}");
    }
}
