//! The OS keyring for real. Built only with `--features os-keyring-test`: `.ci/run` runs it
//! inside `dbus-run-session` with an unlocked gnome-keyring, since headless machines have no
//! Secret Service of their own.
#![cfg(feature = "os-keyring-test")]

use efaktur::cert::{KeyringStore, Secret, SecretStore};

#[test]
fn keyring_stores_reads_and_deletes_a_passphrase() {
    let service = format!("efaktur-test-{}", std::process::id());
    let store = KeyringStore::new(service);
    let key = "passphrase/013000666091000";
    assert_eq!(
        store.get(key).unwrap().map(|s| s.expose().to_string()),
        None
    );
    store
        .set(key, &Secret::new("rahasia sertifikat".to_string()))
        .unwrap();
    let back = store.get(key).unwrap().expect("stored");
    assert_eq!(back.expose(), "rahasia sertifikat");
    store.delete(key).unwrap();
    assert!(store.get(key).unwrap().is_none());
    store.delete(key).unwrap();
}
