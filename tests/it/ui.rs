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
    // The problem's own detail in English: which digit, what it should be.
    assert!(
        out.contains(
            ":3: NPWP: ETAX-20005 : the NPWP's check digit does not match: digit 9 should be 6\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(":7: OF: ETAX-30005 : the OF row has 10 columns, expected 11; check the column separator"),
        "{out}"
    );
    assert!(err.contains("invoices") && err.contains("errors"), "{err}");
    for word in ["kesalahan", "baris", "perbaiki", "tidak ada"] {
        assert!(!err.contains(word), "{word} in {err}");
    }
    no_indonesian(
        &out,
        &["tidak", "harus", "bukan", "baris", "wajib", "sudah"],
    );
}

#[test]
fn cli_file_and_database_errors_speak_the_language_of_the_settings() {
    let ((code, _, err), (en_code, _, en_err)) =
        both_languages(&["validate", "{data}/missing.csv"]);
    assert_eq!((code, en_code), (Some(2), Some(2)));
    assert!(
        err.contains("ETAX-30006 : file ") && err.contains("missing.csv tidak dapat dibuka: "),
        "{err}"
    );
    assert!(
        en_err.contains("ETAX-30006 : the file ")
            && en_err.contains("missing.csv cannot be opened: ")
            && en_err.contains("Check the file's name and folder."),
        "{en_err}"
    );
    no_indonesian(&en_err, &["tidak", "dapat", "dibuka"]);

    let ((code, _, err), (en_code, _, en_err)) =
        both_languages(&["import", "--npwp", "12345", "{data}/missing.csv"]);
    assert_eq!((code, en_code), (Some(2), Some(2)));
    assert!(
        err.contains("--npwp 12345: NPWP harus 15 atau 16 digit (NITKU 22 digit), bukan 5 digit"),
        "{err}"
    );
    assert!(
        en_err.contains("--npwp 12345: an NPWP has 15 or 16 digits (NITKU 22 digits), not 5"),
        "{en_err}"
    );

    let ((_, _, err), (_, _, en_err)) =
        both_languages(&["import", "--npwp", "013000666091000", "{data}/missing.csv"]);
    assert!(
        err.contains("Local Database untuk NPWP 01.300.066.6-091.000 belum ada di "),
        "{err}"
    );
    assert!(
        en_err.contains("there is no Local Database for NPWP 01.300.066.6-091.000 in "),
        "{en_err}"
    );
    no_indonesian(&en_err, &["belum", "buat", "dulu", "untuk"]);
}

#[test]
fn cli_export_of_nothing_speaks_the_language_of_the_settings() {
    let args = [
        "export",
        "--masa",
        "3",
        "--tahun",
        "2024",
        "--format",
        "efaktur-csv",
    ];
    let ((code, _, err), (en_code, _, en_err)) = both_languages(&args);
    assert_eq!((code, en_code), (Some(3), Some(3)));
    assert!(
        err.contains("tidak ada faktur keluaran untuk masa 3/2024; tidak ada file yang ditulis"),
        "{err}"
    );
    assert!(
        en_err.contains("no output tax invoice for the period 3/2024; no file was written"),
        "{en_err}"
    );
    no_indonesian(&en_err, &["tidak", "untuk", "ditulis"]);
}

#[test]
fn cli_retur_problems_keep_their_detail_in_english() {
    let retur =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/csv/err_retur.csv");
    let retur = retur.display().to_string();
    let ((code, out, _), (en_code, en_out, _)) = both_languages(&["validate", &retur]);
    assert_eq!((code, en_code), (Some(1), Some(1)));
    assert!(
        out.contains(":4: TANGGAL_RETUR: ETAX-20030 : tanggal retur 20/07/2015 lebih awal dari tanggal faktur 23/07/2015\n"),
        "{out}"
    );
    assert!(
        en_out.contains(":4: TANGGAL_RETUR: ETAX-20030 : the return date 20/07/2015 is before the invoice date 23/07/2015\n"),
        "{en_out}"
    );
    assert!(
        en_out
            .contains(":6: MASA_PAJAK_RETUR: ETAX-20004 : the tax period '' must be a month 1-12"),
        "{en_out}"
    );
    no_indonesian(
        &en_out,
        &[
            "tidak", "harus", "bukan", "baris", "wajib", "sudah", "lebih", "atau",
        ],
    );
}

/// `efaktur ARGS` in a data folder with one Local Database, first in Bahasa Indonesia (no
/// settings), then with `language = "en"`: (exit code, stdout, stderr) of each.
type Run = (Option<i32>, String, String);

fn both_languages(args: &[&str]) -> (Run, Run) {
    use efaktur::config::{Language, Settings};
    let tmp = tempfile::tempdir().unwrap();
    let dirs = efaktur::paths::AppDirs::new(Some(tmp.path())).unwrap();
    dirs.ensure().unwrap();
    let junk = tmp.path().join("junk.db");
    std::fs::write(&junk, b"bukan database").unwrap();
    let add = efaktur()
        .arg("--data-dir")
        .arg(tmp.path())
        .args([
            "profile",
            "add",
            "--npwp",
            "012345674901000",
            "--nama",
            "PT Contoh",
            "--alamat",
            "Jl. Contoh 1",
        ])
        .output()
        .unwrap();
    assert!(add.status.success(), "{add:?}");
    let run = || {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                a.replace("{junk}", &junk.display().to_string())
                    .replace("{data}", &tmp.path().display().to_string())
            })
            .collect();
        let out = efaktur()
            .arg("--data-dir")
            .arg(tmp.path())
            .args(&args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let id = run();
    let english = Settings {
        language: Language::En,
        ..Settings::default()
    };
    english.save(&Settings::path_in(dirs.config_dir())).unwrap();
    (id, run())
}

fn no_indonesian(text: &str, words: &[&str]) {
    for word in words {
        assert!(!text.contains(word), "{word} in {text}");
    }
}

#[test]
fn cli_restore_of_a_non_database_speaks_the_language_of_the_settings() {
    let ((code, _, err), (en_code, _, en_err)) = both_languages(&["restore", "{junk}"]);
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with("efaktur: ")
            && err.contains("junk.db bukan Local Database e-Faktur atau rusak (file is not a database). Tidak ada yang diubah; pilih file cadangan lain."),
        "{err}"
    );
    assert_eq!(en_code, Some(2));
    assert!(
        en_err.contains("is not an e-Faktur Local Database or is damaged")
            && en_err.contains("Nothing was changed"),
        "{en_err}"
    );
    no_indonesian(&en_err, &["bukan", "rusak", "Tidak ada", "pilih"]);
}

#[test]
fn cli_backup_to_an_existing_file_speaks_the_language_of_the_settings() {
    let ((code, _, err), (en_code, _, en_err)) = both_languages(&["backup", "--to", "{junk}"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("junk.db tidak dapat dibaca atau ditulis: file sudah ada dan tidak ditimpa; pilih nama lain. Periksa izin folder dan sisa ruang disk."),
        "{err}"
    );
    assert_eq!(en_code, Some(2));
    assert!(
        en_err.contains("cannot be read or written")
            && en_err.contains("the file already exists and was not replaced"),
        "{en_err}"
    );
    no_indonesian(&en_err, &["tidak", "sudah ada", "Periksa", "pilih"]);
}

#[test]
fn cli_backup_summary_speaks_the_language_of_the_settings() {
    let ((code, out, _), (en_code, en_out, _)) = both_languages(&["backup"]);
    assert_eq!(code, Some(0));
    assert!(
        out.starts_with("Cadangan Local Database 01.234.567.4-901.000: ") && out.contains(".db"),
        "{out}"
    );
    assert_eq!(en_code, Some(0));
    assert!(
        en_out.starts_with("Backup of Local Database 01.234.567.4-901.000: "),
        "{en_out}"
    );
    no_indonesian(&en_out, &["Cadangan"]);
}

#[test]
fn cli_cetak_of_nothing_speaks_the_language_of_the_settings() {
    let args = [
        "cetak",
        "--masa",
        "1",
        "--tahun",
        "2025",
        "--folder",
        "{data}/pdf",
    ];
    let ((code, _, err), (en_code, _, en_err)) = both_languages(&args);
    assert_eq!(code, Some(3));
    assert_eq!(
        err,
        "tidak ada faktur yang cocok dengan pilihan itu; tidak ada file yang ditulis\n"
    );
    assert_eq!(en_code, Some(3));
    assert_eq!(
        en_err,
        "no invoice matches that selection; no file was written\n"
    );
}

#[test]
fn cli_upload_with_nothing_queued_speaks_the_language_of_the_settings() {
    let ((code, out, _), (en_code, en_out, _)) = both_languages(&["upload", "--once"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "Tidak ada faktur Siap Upload untuk NPWP 01.234.567.4-901.000.\n"
    );
    assert_eq!(en_code, Some(0));
    assert!(
        en_out.contains("no Siap Upload invoices for NPWP 01.234.567.4-901.000"),
        "{en_out}"
    );
    no_indonesian(&en_out, &["Tidak ada", "untuk"]);
}

#[test]
fn cli_coretax_codes_refused_in_the_language_of_the_settings() {
    // A unit code Coretax does not know, for the export and for Referensi Barang/Jasa.
    let export = [
        "export",
        "--masa",
        "3",
        "--tahun",
        "2025",
        "--format",
        "coretax-xml",
        "--satuan",
        "UM.0099",
    ];
    let ((code, _, err), (en_code, _, en_err)) = both_languages(&export);
    assert_eq!(code, en_code);
    assert_ne!(code, Some(0));
    assert!(
        err.contains("satuan 'UM.0099' harus kode satuan UM.0001 sampai UM.0039"),
        "{err}"
    );
    assert!(
        en_err.contains("the unit 'UM.0099' must be a unit code UM.0001 to UM.0039"),
        "{en_err}"
    );
    no_indonesian(&en_err, &["harus", "sampai", "satuan '"]);

    let barang = [
        "barang",
        "set",
        "--kode",
        "B001",
        "--nama",
        "Semen",
        "--harga",
        "1000",
        "--jenis",
        "C",
        "--kode-coretax",
        "000000",
        "--satuan",
        "UM.0001",
    ];
    let ((code, _, err), (_, _, en_err)) = both_languages(&barang);
    assert_ne!(code, Some(0));
    assert!(
        err.contains("ETAX-20008 : Opt 'C' harus A (barang) atau B (jasa)"),
        "{err}"
    );
    assert!(
        en_err.contains("ETAX-20008 : Opt 'C' must be A (goods) or B (services)"),
        "{en_err}"
    );
}
