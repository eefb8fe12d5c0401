//! The desktop binary's contract as scripts and the CI smoke test see it: the `--simulasi` flag
//! exists, and a subcommand still runs headless next to the GUI entry point.

use std::process::Command;

fn efaktur() -> Command {
    Command::new(env!("CARGO_BIN_EXE_efaktur"))
}

#[test]
fn help_offers_simulasi_and_data_dir() {
    let out = efaktur().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--simulasi"), "{help}");
    assert!(help.contains("--data-dir"), "{help}");
}

#[test]
fn a_subcommand_runs_without_a_window() {
    let tmp = tempfile::tempdir().unwrap();
    let out = efaktur()
        .arg("--data-dir")
        .arg(tmp.path())
        .arg("databases")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&tmp.path().display().to_string()));
}

#[test]
fn settings_round_trip_through_the_core() {
    use efaktur::config::{Language, Settings};
    let tmp = tempfile::tempdir().unwrap();
    let path = Settings::path_in(tmp.path());
    let s = Settings {
        language: Language::En,
        ..Settings::default()
    };
    s.save(&path).unwrap();
    assert_eq!(Settings::load(&path).unwrap().language, Language::En);
}

#[test]
fn cli_validate_speaks_the_language_of_the_settings() {
    use efaktur::config::{Language, Settings};
    let tmp = tempfile::tempdir().unwrap();
    let dirs = efaktur::paths::AppDirs::new(Some(tmp.path())).unwrap();
    dirs.ensure().unwrap();
    let bad =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/csv/err_many.csv");
    let run = || {
        let out = efaktur()
            .arg("--data-dir")
            .arg(tmp.path())
            .arg("validate")
            .arg(&bad)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // No settings yet: Bahasa Indonesia, in the form scripts parse.
    let (out, err) = run();
    assert!(out.contains(":3: NPWP: ETAX-20005 : "), "{out}");
    assert!(err.contains("kesalahan"), "{err}");
    let english = Settings {
        language: Language::En,
        ..Settings::default()
    };
    english.save(&Settings::path_in(dirs.config_dir())).unwrap();
    let (out, err) = run();
    assert!(
        out.contains(":3: NPWP: ETAX-20005 : Format NPWP tidak sesuai — the NPWP format is wrong"),
        "{out}"
    );
    assert!(err.contains("invoices") && err.contains("errors"), "{err}");
    for word in ["kesalahan", "baris", "perbaiki", "tidak ada"] {
        assert!(!err.contains(word), "{word} in {err}");
    }
}
