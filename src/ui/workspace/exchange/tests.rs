//! Faktur > Impor and Faktur > Ekspor through the window: the menu, a typed path, the import on
//! its background task (real files, a real Local Database in a temporary folder), the problems
//! table and its CSV, "impor yang benar saja", Batal, and an export that imports back the same.

use std::path::{Path, PathBuf};

use efaktur::domain::DjpCode;
use efaktur::exchange::{ImportOptions, csv_write, import_csv};
use efaktur::store::faktur::{self, Filter};
use efaktur::store::{Store, profile, user};
use iced::futures::StreamExt;
use iced::widget::Id;
use iced_test::simulator;

use super::ekspor::{self, Ekspor};
use super::exporter::{Exported, Format};
use super::impor::{self, Impor};
use crate::ui::app::{App, Message};
use crate::ui::i18n::Lang;
use crate::ui::test_support::{
    click, ctx_with_session, log_in_admin, on_screen, pump_app, workspace,
};
use crate::ui::workspace::Message as W;
use crate::ui::workspace::page::{self, Page};
use crate::ui::workspace::route::Route;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/csv")
        .join(name)
}

/// A copy of a fixture in `dir`: the problems file is written beside it, not in the sources.
fn copy(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(fixture(name), &to).unwrap();
    to
}

/// The app logged in as admin on a registered Local Database.
async fn logged_in() -> (App, tempfile::TempDir) {
    let (ctx, tmp) = ctx_with_session();
    let path = ctx.session.as_ref().unwrap().db_path.clone();
    let db = Store::open(&path).unwrap();
    user::create(db.conn(), "admin", "rahasia-123").unwrap();
    drop(db);
    (log_in_admin(ctx).await, tmp)
}

fn impor_page(app: &App) -> &Impor {
    match &workspace(app).page {
        Page::Impor(p) => p,
        _ => panic!("not on Impor"),
    }
}

/// The Ekspor page (the Retur and Dokumen Lain tests export through it too).
pub(in crate::ui::workspace) fn ekspor_page(app: &App) -> &Ekspor {
    match &workspace(app).page {
        Page::Ekspor(p) => p,
        _ => panic!("not on Ekspor"),
    }
}

fn imp(m: impor::Message) -> Message {
    Message::Main(W::Page(page::Message::Impor(m)))
}

pub(in crate::ui::workspace) fn eks(m: ekspor::Message) -> Message {
    Message::Main(W::Page(page::Message::Ekspor(m)))
}

/// Types `text` into the field `id` and presses Enter, as a user does.
async fn type_and_enter(app: &mut App, id: &'static str, text: &str) {
    let mut ui = simulator(app.view());
    ui.click(Id::new(id)).unwrap();
    ui.typewrite(text);
    ui.tap_key(iced::keyboard::key::Named::Enter);
    let msgs: Vec<Message> = ui.into_messages().collect();
    pump_app(app, msgs).await;
}

/// Faktur > Impor through the menu.
async fn open_impor(app: &mut App) {
    click(app, "Faktur").await;
    click(app, "Impor").await;
    assert_eq!(workspace(app).page.route(), Route::Impor);
}

fn db_path(app: &App) -> PathBuf {
    app.ctx.session.as_ref().unwrap().db_path.clone()
}

fn stored(app: &App) -> Vec<String> {
    let store = Store::open(&db_path(app)).unwrap();
    faktur::list(store.conn(), Filter::default())
        .unwrap()
        .into_iter()
        .map(|f| f.faktur.nsfp.digits().to_string())
        .collect()
}

fn report(app: &App) -> &efaktur::exchange::Report {
    match impor_page(app).result() {
        Some(Ok(i)) => &i.report,
        other => panic!("no report: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn importing_a_good_file_shows_its_faktur_in_administrasi() {
    let (mut app, tmp) = logged_in().await;
    open_impor(&mut app).await;
    let file = copy(tmp.path(), "djp_export_2015.csv");
    type_and_enter(&mut app, impor::PATH_INPUT, &file.display().to_string()).await;
    assert!(!impor_page(&app).is_running());
    let r = report(&app);
    assert!(r.is_clean(), "{:#?}", r.errors);
    assert_eq!((r.faktur, r.imported), (2, 2));
    let summary = format!(
        "{}: 2 dari 2 dokumen diimpor; 0 kesalahan, 2 peringatan.",
        file.display()
    );
    assert!(on_screen(&app, &summary), "{summary}");
    // No NSFP range is recorded: each number is a warning in the table, not an error.
    assert!(r.warnings.iter().all(|p| p.code == DjpCode::Etax20017));
    assert!(on_screen(&app, "ETAX-20017"));
    click(&mut app, "Buka Administrasi Faktur").await;
    let Page::Administrasi(list) = &workspace(&app).page else {
        panic!("Administrasi Faktur opens");
    };
    let mut names: Vec<String> = list.rows().iter().map(|r| r.nama.clone()).collect();
    names.sort();
    assert_eq!(names, ["CV TOKO BANGUNAN", "PT PEMBELI JAYA"]);
    assert!(on_screen(&app, "PT PEMBELI JAYA"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_file_with_errors_shows_every_problem_writes_nothing_and_saves_them_as_csv() {
    let (mut app, tmp) = logged_in().await;
    open_impor(&mut app).await;
    let file = copy(tmp.path(), "err_many.csv");
    type_and_enter(&mut app, impor::PATH_INPUT, &file.display().to_string()).await;
    let r = report(&app).clone();
    assert_eq!((r.faktur, r.imported), (4, 0));
    let expected = [
        (3, "NPWP", DjpCode::Etax20005),
        (3, "TANGGAL_FAKTUR", DjpCode::Etax20006),
        (4, "PPN", DjpCode::Etax20004),
        (5, "NOMOR_FAKTUR", DjpCode::Etax20002),
        (7, "OF", DjpCode::Etax30005),
        (8, "ID_KETERANGAN_TAMBAHAN", DjpCode::Etax20040),
    ];
    for (line, column, code) in expected {
        assert!(
            r.errors
                .iter()
                .any(|p| p.line == line && p.column == column && p.code == code),
            "{line} {column} {code:?}"
        );
    }
    // Every problem is a row of the table: its column, code and message are on screen.
    for p in r.errors.iter() {
        for shown in [p.column.as_str(), p.code.as_str(), p.message.as_str()] {
            assert!(on_screen(&app, shown), "{shown} in the table");
        }
    }
    assert!(on_screen(
        &app,
        "Tidak ada yang diimpor karena file ini bermasalah. Perbaiki baris di bawah lalu impor lagi, atau centang \"Impor yang benar saja\"."
    ));
    assert!(stored(&app).is_empty(), "nothing written");

    // Saved beside the file as CSV, one row per problem.
    click(&mut app, "Simpan daftar masalah").await;
    let saved = tmp.path().join("err_many-masalah.csv");
    let text = std::fs::read_to_string(&saved).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rows.headers().unwrap().iter().collect::<Vec<_>>(),
        super::problems::HEADER
    );
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), r.errors.len() + r.warnings.len());
    for (line, column, code) in expected {
        assert!(
            rows.iter().any(|row| row[0] == line.to_string()
                && &row[1] == column
                && &row[2] == code.as_str()
                && &row[4] == "KESALAHAN"),
            "{line} {column} in the CSV"
        );
    }
    assert!(on_screen(
        &app,
        &format!("Daftar masalah disimpan: {}", saved.display())
    ));
    // Saving again asks before replacing the file; Batal keeps it, Timpa replaces it.
    std::fs::write(&saved, "lama").unwrap();
    click(&mut app, "Simpan daftar masalah").await;
    assert!(on_screen(
        &app,
        &format!("File {} sudah ada. Timpa?", saved.display())
    ));
    click(&mut app, "Batal").await;
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), "lama");
    click(&mut app, "Simpan daftar masalah").await;
    click(&mut app, "Timpa").await;
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn importing_the_valid_ones_writes_only_those() {
    let (mut app, tmp) = logged_in().await;
    open_impor(&mut app).await;
    click(
        &mut app,
        "Impor yang benar saja; yang salah dilaporkan dan tidak diimpor",
    )
    .await;
    let file = copy(tmp.path(), "err_many.csv");
    type_and_enter(&mut app, impor::PATH_INPUT, &file.display().to_string()).await;
    let r = report(&app);
    assert_eq!(r.imported, 1);
    assert!(!r.is_clean(), "the others are still listed");
    assert!(on_screen(&app, "ETAX-20005"));
    assert!(on_screen(
        &app,
        "Yang benar sudah diimpor; baris di bawah tidak. Perbaiki lalu impor baris itu lagi."
    ));
    assert_eq!(stored(&app), ["0002400000001"]);
}

type Stream = iced::futures::stream::BoxStream<'static, iced_test::runtime::Action<Message>>;

/// The first message of a running task (its first progress step).
async fn first_output(stream: &mut Stream) -> Message {
    loop {
        match stream.next().await.expect("progress before the end") {
            iced_test::runtime::Action::Output(m) => break m,
            _ => continue,
        }
    }
}

/// The task's remaining messages, to its end.
async fn rest_of(stream: Stream) -> Vec<Message> {
    stream
        .filter_map(|a| async move {
            match a {
                iced_test::runtime::Action::Output(m) => Some(m),
                _ => None,
            }
        })
        .collect()
        .await
}

/// `n` valid faktur keluaran, one item each.
fn many_faktur(n: u32) -> String {
    let mut csv = String::new();
    for i in 1..=n {
        csv.push_str(&format!(
            "FK,01,0,00024{i:08},1,2024,15/01/2024,013000666091000,PT PEMBELI {i},Jl. {i},1000,110,0,,0,0,0,0,INV/{i},\nOF,K1,Barang,1000,1,1000,0,1000,110,0,0\n"
        ));
    }
    csv
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn batal_during_an_import_writes_nothing() {
    let (mut app, tmp) = logged_in().await;
    open_impor(&mut app).await;
    let file = tmp.path().join("besar.csv");
    std::fs::write(&file, many_faktur(4000)).unwrap();
    let _ = app.update(imp(impor::Message::PathChanged(file.display().to_string())));
    let task = app.update(imp(impor::Message::Start));
    assert!(impor_page(&app).is_running());
    let mut stream = iced_test::runtime::task::into_stream(task).expect("a background task");
    let first = first_output(&mut stream).await;
    pump_app(&mut app, [first]).await;
    assert!(impor_page(&app).is_running());
    let step = impor_page(&app).step().expect("running");
    let len = std::fs::metadata(&file).unwrap().len();
    assert!(step.faktur > 0 && step.faktur < 4000, "{step:?}");
    assert!(step.done > 0 && step.total == len, "{step:?}");
    let shown = format!(
        "Mengimpor… {} dari {} · {} faktur",
        impor::size(Lang::Id, step.done),
        impor::size(Lang::Id, len),
        step.faktur
    );
    assert!(on_screen(&app, &shown), "{shown}");
    click(&mut app, "Batal").await;
    assert!(on_screen(&app, "Membatalkan…"));
    let rest = rest_of(stream).await;
    pump_app(&mut app, rest).await;
    assert!(!impor_page(&app).is_running());
    match impor_page(&app).result() {
        Some(Ok(i)) => assert!(i.cancelled, "{:?}", i.report),
        other => panic!("{other:?}"),
    }
    assert!(on_screen(
        &app,
        "Impor dibatalkan; tidak ada yang ditulis ke Local Database."
    ));
    assert!(stored(&app).is_empty(), "nothing written");
}

fn seller(app: &App) -> profile::Profile {
    app.ctx.session.as_ref().unwrap().profile.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn export_writes_a_file_that_imports_back_identically_and_asks_before_replacing() {
    let (mut app, tmp) = logged_in().await;
    {
        let mut store = Store::open(&db_path(&app)).unwrap();
        for name in ["djp_export_2015.csv", "odoo_export.csv"] {
            let file = std::fs::File::open(fixture(name)).unwrap();
            let r = import_csv(file, &mut store, &ImportOptions::default(), &mut |_| {}).unwrap();
            assert!(r.is_clean(), "{name}: {:#?}", r.errors);
        }
    }
    click(&mut app, "Faktur").await;
    click(&mut app, "Ekspor").await;
    assert_eq!(workspace(&app).page.route(), Route::Ekspor);
    pump_app(
        &mut app,
        [
            eks(ekspor::Message::Masa(7)),
            eks(ekspor::Message::TahunChanged("2015".into())),
        ],
    )
    .await;
    // The suggested name follows the choices.
    let suggested = "faktur-013463476415001-201507.csv";
    assert!(
        ekspor_page(&app).path().ends_with(suggested),
        "{}",
        ekspor_page(&app).path()
    );
    let out = tmp.path().join("ekspor.csv");
    // Replace the suggested path with one in the temporary folder.
    pump_app(&mut app, [eks(ekspor::Message::PathChanged(String::new()))]).await;
    type_and_enter(&mut app, ekspor::PATH_INPUT, &out.display().to_string()).await;
    match ekspor_page(&app).result() {
        Some(Ok(Exported::Written { files, faktur, .. })) => {
            assert_eq!((files.as_slice(), *faktur), ([out.clone()].as_slice(), 2));
        }
        other => panic!("{other:?}"),
    }
    assert!(on_screen(&app, "2 faktur diekspor ke:"));
    let written = std::fs::read(&out).unwrap();

    // Imported into another Local Database and exported again: the same bytes.
    let mut other = Store::open_in_memory().unwrap();
    profile::save(other.conn(), &seller(&app)).unwrap();
    let r = import_csv(
        written.as_slice(),
        &mut other,
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert!(r.is_clean(), "{:#?}", r.errors);
    assert_eq!(r.imported, 2);
    let mut again = Vec::new();
    let filter = Filter {
        masukan: Some(false),
        masa: Some(7),
        tahun: Some(2015),
        approval: None,
    };
    csv_write::write_keluaran(&mut again, other.conn(), filter, &seller(&app), &mut |_| {})
        .unwrap();
    assert_eq!(
        String::from_utf8(again).unwrap(),
        String::from_utf8(written.clone()).unwrap()
    );

    // Again: the file exists, so the window asks; Batal keeps the file as it is.
    std::fs::write(&out, "lama").unwrap();
    pump_app(&mut app, [eks(ekspor::Message::Start)]).await;
    assert!(on_screen(
        &app,
        &format!("File {} sudah ada. Timpa?", out.display())
    ));
    click(&mut app, "Batal").await;
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "lama");
    pump_app(&mut app, [eks(ekspor::Message::Start)]).await;
    click(&mut app, "Timpa").await;
    assert_eq!(std::fs::read(&out).unwrap(), written);

    // Nothing for nothing: a masa without faktur writes no file.
    let empty = tmp.path().join("kosong.csv");
    pump_app(
        &mut app,
        [
            eks(ekspor::Message::Masa(1)),
            eks(ekspor::Message::PathChanged(empty.display().to_string())),
            eks(ekspor::Message::Start),
        ],
    )
    .await;
    assert_eq!(ekspor_page(&app).result(), Some(&Ok(Exported::Nothing)));
    assert!(!empty.exists());
    assert!(on_screen(
        &app,
        "Tidak ada faktur untuk masa, jenis dan status ini; tidak ada file yang ditulis. Pilih masa atau status lain."
    ));

    // Coretax XML is for keluaran only: choosing masukan goes back to CSV.
    pump_app(
        &mut app,
        [
            eks(ekspor::Message::Format(ekspor::Choice::new(
                Format::CoretaxXml,
                "",
            ))),
            eks(ekspor::Message::Masukan(ekspor::Choice::new(true, ""))),
        ],
    )
    .await;
    assert_eq!(ekspor_page(&app).format(), Format::EfakturCsv);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn an_unreadable_path_says_so_in_english_too() {
    let (mut app, tmp) = logged_in().await;
    app.ctx.settings.language = Lang::En;
    pump_app(&mut app, [Message::Main(W::Open(Route::Impor))]).await;
    let missing = tmp.path().join("tidak-ada.csv");
    type_and_enter(&mut app, impor::PATH_INPUT, &missing.display().to_string()).await;
    assert!(matches!(impor_page(&app).result(), Some(Err(_))));
    assert!(on_screen(&app, "Import"));
    let shown = format!(
        "{}",
        impor_page(&app).result().unwrap().as_ref().unwrap_err()
    );
    assert!(shown.contains("cannot be opened or read"), "{shown}");
    assert!(
        shown.contains("Check the file's name and location"),
        "{shown}"
    );
    // An empty path is asked for, not imported.
    pump_app(
        &mut app,
        [
            imp(impor::Message::PathChanged(String::new())),
            imp(impor::Message::Start),
        ],
    )
    .await;
    assert!(!impor_page(&app).is_running());
    assert!(on_screen(&app, "Required") || on_screen(&app, "Wajib diisi"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn coretax_xml_exports_and_its_reimport_is_refused_as_duplicates_writing_nothing() {
    let (mut app, tmp) = logged_in().await;
    {
        let mut store = Store::open(&db_path(&app)).unwrap();
        let file = std::fs::File::open(fixture("odoo_export_2025.csv")).unwrap();
        let r = import_csv(file, &mut store, &ImportOptions::default(), &mut |_| {}).unwrap();
        assert!(r.is_clean(), "{:#?}", r.errors);
    }
    let before = stored(&app);
    assert_eq!(before.len(), 2);
    pump_app(&mut app, [Message::Main(W::Open(Route::Ekspor))]).await;
    let out = tmp.path().join("coretax.xml");
    pump_app(
        &mut app,
        [
            eks(ekspor::Message::Format(ekspor::Choice::new(
                Format::CoretaxXml,
                "",
            ))),
            eks(ekspor::Message::Masa(3)),
            eks(ekspor::Message::TahunChanged("2025".into())),
            eks(ekspor::Message::PathChanged(out.display().to_string())),
            eks(ekspor::Message::Start),
        ],
    )
    .await;
    match ekspor_page(&app).result() {
        Some(Ok(Exported::Written { files, faktur, .. })) => {
            assert_eq!((files.as_slice(), *faktur), ([out.clone()].as_slice(), 2));
        }
        other => panic!("{other:?}"),
    }
    assert!(on_screen(&app, &out.display().to_string()));

    // The same faktur again, from the XML: each one a duplicate (ETAX-20002), nothing written.
    pump_app(&mut app, [Message::Main(W::Open(Route::Impor))]).await;
    type_and_enter(&mut app, impor::PATH_INPUT, &out.display().to_string()).await;
    let r = report(&app);
    assert_eq!((r.faktur, r.imported), (2, 0));
    assert!(!r.errors.is_empty());
    assert!(
        r.errors.iter().all(|p| p.code == DjpCode::Etax20002),
        "{:#?}",
        r.errors
    );
    assert!(on_screen(&app, "ETAX-20002"));
    assert_eq!(stored(&app), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn batal_during_a_csv_export_writes_no_file() {
    let (mut app, tmp) = logged_in().await;
    {
        let mut store = Store::open(&db_path(&app)).unwrap();
        let csv = many_faktur(4000);
        let r = import_csv(
            csv.as_bytes(),
            &mut store,
            &ImportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(r.imported, 4000);
    }
    pump_app(&mut app, [Message::Main(W::Open(Route::Ekspor))]).await;
    let out = tmp.path().join("besar.csv");
    pump_app(
        &mut app,
        [
            eks(ekspor::Message::Masa(1)),
            eks(ekspor::Message::TahunChanged("2024".into())),
            eks(ekspor::Message::PathChanged(out.display().to_string())),
        ],
    )
    .await;
    let task = app.update(eks(ekspor::Message::Start));
    let mut stream = iced_test::runtime::task::into_stream(task).expect("a background task");
    let first = first_output(&mut stream).await;
    pump_app(&mut app, [first]).await;
    assert!(on_screen(&app, "Mengekspor… 1 faktur"));
    click(&mut app, "Batal").await;
    let rest = rest_of(stream).await;
    pump_app(&mut app, rest).await;
    assert_eq!(ekspor_page(&app).result(), Some(&Ok(Exported::Cancelled)));
    assert!(on_screen(
        &app,
        "Ekspor dibatalkan; tidak ada file yang ditulis."
    ));
    assert!(!out.exists());
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".efaktur-ekspor-"))
        .collect();
    assert!(left.is_empty(), "no temporary file left: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn referensi_files_are_told_by_their_first_row_and_imported() {
    use efaktur::exchange::FileKind;
    let (mut app, tmp) = logged_in().await;
    pump_app(&mut app, [Message::Main(W::Open(Route::Impor))]).await;
    for (name, kind) in [
        ("referensi_lawan_transaksi.csv", FileKind::LawanTransaksi),
        ("referensi_barang_jasa.csv", FileKind::BarangJasa),
    ] {
        let file = copy(tmp.path(), name);
        pump_app(&mut app, [imp(impor::Message::PathChanged(String::new()))]).await;
        type_and_enter(&mut app, impor::PATH_INPUT, &file.display().to_string()).await;
        let r = report(&app);
        assert!(r.is_clean(), "{name}: {:#?}", r.errors);
        assert_eq!((r.kind, r.imported), (kind, 2), "{name}");
        // Nothing to see in Administrasi Faktur.
        assert!(!on_screen(&app, "Buka Administrasi Faktur"));
    }
    let store = Store::open(&db_path(&app)).unwrap();
    let parties = efaktur::store::party::list(store.conn(), "").unwrap();
    assert_eq!(parties.len(), 2);
    assert!(stored(&app).is_empty(), "no faktur from Referensi files");
}

/// Leaving the Impor page while its import runs asks first. *Tetap di sini* keeps the page and
/// its import; *Tinggalkan* stops the import (nothing of the file is written) and opens the page
/// asked for, which ignores the stopped job's answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn leaving_a_running_import_asks_first_and_stops_it() {
    let (mut app, tmp) = logged_in().await;
    open_impor(&mut app).await;
    let file = tmp.path().join("besar.csv");
    std::fs::write(&file, many_faktur(4000)).unwrap();
    let _ = app.update(imp(impor::Message::PathChanged(file.display().to_string())));
    let task = app.update(imp(impor::Message::Start));
    let mut stream = iced_test::runtime::task::into_stream(task).expect("a background task");
    let first = first_output(&mut stream).await;
    pump_app(&mut app, [first]).await;
    assert!(impor_page(&app).is_running());

    // Beranda while the import runs: asked, and staying keeps the import going.
    pump_app(&mut app, [Message::Main(W::Open(Route::Home))]).await;
    assert!(on_screen(&app, "Tinggalkan halaman ini?"));
    assert!(on_screen(
        &app,
        app.ctx.t(crate::ui::i18n::Key::TinggalkanImpor)
    ));
    click(&mut app, "Tetap di sini").await;
    assert!(!on_screen(&app, "Tinggalkan halaman ini?"));
    assert_eq!(workspace(&app).page.route(), Route::Impor);
    assert!(impor_page(&app).is_running());

    // Faktur > Impor again: asked again; leaving stops the import.
    pump_app(&mut app, [Message::Main(W::Open(Route::Impor))]).await;
    assert!(on_screen(&app, "Tinggalkan halaman ini?"));
    click(&mut app, "Tinggalkan").await;
    assert!(!on_screen(&app, "Tinggalkan halaman ini?"));
    assert!(!impor_page(&app).is_running(), "a new, idle page");
    let late = rest_of(stream).await;
    assert!(!late.is_empty());
    pump_app(&mut app, late).await;
    assert!(impor_page(&app).result().is_none());
    assert!(stored(&app).is_empty(), "the stopped import rolled back");
}

/// Faktur > Ekspor in English to a folder that cannot be written (its parent is a file): the
/// failure is English, the core's Indonesian `Display` of the write error not shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn english_export_to_a_folder_that_cannot_be_written_says_so_in_english() {
    let (mut app, tmp) = logged_in().await;
    {
        let mut store = Store::open(&db_path(&app)).unwrap();
        let file = std::fs::File::open(fixture("djp_export_2015.csv")).unwrap();
        let r = import_csv(file, &mut store, &ImportOptions::default(), &mut |_| {}).unwrap();
        assert!(r.is_clean(), "{:#?}", r.errors);
    }
    app.ctx.settings.language = Lang::En;
    click(&mut app, "Invoices (Faktur)").await;
    click(&mut app, "Export").await;
    assert_eq!(workspace(&app).page.route(), Route::Ekspor);
    let parent = tmp.path().join("berkas");
    std::fs::write(&parent, "x").unwrap();
    let out = parent.join("ekspor.csv");
    pump_app(
        &mut app,
        [
            eks(ekspor::Message::Masa(7)),
            eks(ekspor::Message::TahunChanged("2015".into())),
            eks(ekspor::Message::PathChanged(out.display().to_string())),
            eks(ekspor::Message::Start),
        ],
    )
    .await;
    match ekspor_page(&app).result() {
        Some(Err(f)) => crate::ui::lang_tests::assert_english("Ekspor", &f.text(Lang::En)),
        other => panic!("{other:?}"),
    }
    let mut ui = simulator(app.view());
    let shown = crate::ui::flow_tests::text_containing(&mut ui, "Export failed")
        .expect("the failure is shown");
    crate::ui::lang_tests::assert_english("Ekspor", &shown);
}

/// Faktur > Impor in English: each problem of the table is its own English detail (which digit,
/// which value), and the saved problem list carries the same words.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn english_import_problems_show_their_own_detail() {
    let (mut app, tmp) = logged_in().await;
    app.ctx.settings.language = Lang::En;
    pump_app(&mut app, [Message::Main(W::Open(Route::Impor))]).await;
    let file = copy(tmp.path(), "err_many.csv");
    type_and_enter(&mut app, impor::PATH_INPUT, &file.display().to_string()).await;
    let r = report(&app).clone();
    assert!(!r.errors.is_empty());
    for p in r.errors.iter() {
        assert!(on_screen(&app, &p.en), "{} in the table", p.en);
        assert!(
            !on_screen(&app, &p.message),
            "{} not in the table",
            p.message
        );
        crate::ui::lang_tests::assert_english("Impor", &p.en);
    }
    assert!(on_screen(
        &app,
        "the NPWP's check digit does not match: digit 9 should be 6"
    ));
    click(&mut app, "Save problem list").await;
    let saved = tmp.path().join("err_many-masalah.csv");
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(
        text.contains("ETAX-20005,the NPWP's check digit does not match: digit 9 should be 6"),
        "{text}"
    );
    crate::ui::lang_tests::assert_english("saved problems", &text.replace("KESALAHAN", ""));
}
