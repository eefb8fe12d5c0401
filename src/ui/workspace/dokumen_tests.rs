//! The Retur and Dokumen Lain pages and their export through the whole app: files imported
//! through Faktur > Impor (or the store), the pages opened from the menus, their rows on screen
//! in Indonesian and English, another masa, paging, and Faktur > Ekspor writing DJP's CSV that
//! imports back as duplicates. A real Local Database in a temporary folder.

use std::path::{Path, PathBuf};

use efaktur::domain::{ApprovalStatus, DjpCode, DokumenLainDraft};
use efaktur::exchange::retur::{ReturExport, ReturImportOptions, import_retur, write_retur};
use efaktur::exchange::rows::RowSource;
use efaktur::exchange::{ImportOptions, import_csv};
use efaktur::store::faktur::Filter;
use efaktur::store::{Store, dokumen_lain, now, user};
use iced::widget::Id;
use iced_test::simulator;

use super::Message as W;
use super::dokumen::{self, Dokumen};
use super::exchange::ekspor;
use super::exchange::exporter::{self, Exported, Format};
use super::exchange::impor;
use super::exchange::tests::{eks, ekspor_page};
use super::page::{self, Nav, Page};
use super::route::{MENU, Route};
use crate::ui::app::{App, Message};
use crate::ui::i18n::{Key, Lang};
use crate::ui::test_support::{
    click, ctx_with_session, log_in_admin, on_screen, pump_app, workspace,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/csv")
        .join(name)
}

/// The app logged in as admin on a registered Local Database holding the faktur that
/// `retur_keluaran.csv` returns.
async fn logged_in() -> (App, tempfile::TempDir) {
    let (ctx, tmp) = ctx_with_session();
    let path = ctx.session.as_ref().unwrap().db_path.clone();
    let mut db = Store::open(&path).unwrap();
    user::create(db.conn(), "admin", "rahasia-123").unwrap();
    let file = std::fs::File::open(fixture("djp_export_2015.csv")).unwrap();
    let r = import_csv(file, &mut db, &ImportOptions::default(), &mut |_| {}).unwrap();
    assert!(r.is_clean(), "{:#?}", r.errors);
    drop(db);
    (log_in_admin(ctx).await, tmp)
}

fn page_of(app: &App) -> &Dokumen {
    match &workspace(app).page {
        Page::Dokumen(p) => p,
        _ => panic!("not on a Retur or Dokumen Lain page"),
    }
}

fn dok(m: dokumen::Message) -> Message {
    Message::Main(W::Page(page::Message::Dokumen(m)))
}

/// Opens the menu holding `route` and picks it, as a click on the entry does.
async fn open_from_menu(app: &mut App, route: Route) {
    let i = MENU
        .iter()
        .position(|(_, entries)| entries.iter().any(|e| e.route == route))
        .expect("a menu entry");
    pump_app(app, [Message::Main(W::ToggleMenu(i))]).await;
    pump_app(app, [Message::Main(W::Open(route))]).await;
    assert_eq!(workspace(app).page.route(), route);
}

async fn show_masa(app: &mut App, tahun: u16, masa: u8) {
    pump_app(
        app,
        [
            dok(dokumen::Message::Tahun(tahun)),
            dok(dokumen::Message::Masa(masa)),
        ],
    )
    .await;
}

fn nomor(app: &App) -> Vec<String> {
    page_of(app).rows().nomor()
}

fn db_path(app: &App) -> PathBuf {
    app.ctx.session.as_ref().unwrap().db_path.clone()
}

fn store_documents(app: &App, name: &str) {
    let mut store = Store::open(&db_path(app)).unwrap();
    let file = std::fs::File::open(fixture(name)).unwrap();
    let r = import_retur(
        RowSource::csv(file, None),
        &mut store,
        &ReturImportOptions::default(),
    )
    .unwrap();
    assert!(r.errors.is_empty(), "{name}: {:#?}", r.errors);
}

/// Imports the fixture `name` (copied into `dir`) on the Impor page, as typing its path and
/// Enter do; returns the report.
async fn impor(app: &mut App, dir: &Path, name: &str) -> efaktur::exchange::Report {
    assert_eq!(workspace(app).page.route(), Route::Impor);
    let file = dir.join(name);
    std::fs::copy(fixture(name), &file).unwrap();
    let mut ui = simulator(app.view());
    ui.click(Id::new(impor::PATH_INPUT)).unwrap();
    ui.typewrite(&file.display().to_string());
    ui.tap_key(iced::keyboard::key::Named::Enter);
    let msgs: Vec<Message> = ui.into_messages().collect();
    pump_app(app, msgs).await;
    let Page::Impor(p) = &workspace(app).page else {
        panic!("still on Impor");
    };
    match p.result() {
        Some(Ok(i)) => i.report.clone(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn impor_opens_the_retur_or_dokumen_lain_of_the_newest_masa_imported() {
    let (mut app, tmp) = logged_in().await;
    // Retur of 07/2015 and 08/2015: the button opens 08/2015, not today's masa.
    open_from_menu(&mut app, Route::Impor).await;
    let r = impor(&mut app, tmp.path(), "retur_keluaran.csv").await;
    assert_eq!(r.imported, 2, "{:#?}", r.errors);
    click(&mut app, "Buka Retur masa 08/2015").await;
    assert_eq!(
        workspace(&app).page.route(),
        Route::Retur { masukan: false }
    );
    assert_eq!(nomor(&app), ["RET/2015/001"]);

    // DK of 02/2024 and DM of 01/2024 in one file: the newest, Pajak Keluaran's.
    open_from_menu(&mut app, Route::Impor).await;
    let r = impor(&mut app, tmp.path(), "dokumen_lain.csv").await;
    assert_eq!(r.imported, 3, "{:#?}", r.errors);
    assert!(!on_screen(&app, "Buka Retur masa 08/2015"));
    click(&mut app, "Buka Dokumen Lain masa 02/2024").await;
    assert_eq!(
        workspace(&app).page.route(),
        Route::DokumenLain { masukan: false }
    );
    assert_eq!(nomor(&app), ["PEB2400123"]);

    // The same file again: every document is a duplicate, nothing written, no button.
    open_from_menu(&mut app, Route::Impor).await;
    let r = impor(&mut app, tmp.path(), "dokumen_lain.csv").await;
    assert_eq!((r.imported, r.newest_masa), (0, None));
    assert!(!on_screen(&app, "Buka Dokumen Lain masa 02/2024"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn retur_imported_through_impor_is_listed_by_masa_in_both_languages() {
    let (mut app, tmp) = logged_in().await;
    // The menu names the pages as DJP does: Faktur > Retur Pajak Keluaran > Administrasi Retur.
    pump_app(&mut app, [Message::Main(W::ToggleMenu(0))]).await;
    for shown in [
        "Retur Pajak Keluaran",
        "Retur Pajak Masukan",
        "Administrasi Retur",
    ] {
        assert!(on_screen(&app, shown), "{shown} in the Faktur menu");
    }
    pump_app(&mut app, [Message::Main(W::ToggleMenu(0))]).await;

    // On the current masa nothing is recorded: the page says what to do.
    open_from_menu(&mut app, Route::Retur { masukan: false }).await;
    assert!(on_screen(&app, "Administrasi Retur — Retur Pajak Keluaran"));
    let today = chrono::Local::now().date_naive();
    let empty = format!(
        "Belum ada retur pada masa {}. Pilih masa lain, atau impor file retur (RK/RM) lewat Faktur > Impor.",
        today.format("%m/%Y")
    );
    assert!(on_screen(&app, &empty), "{empty}");
    // Its Impor button leads there; the file imported, Esc comes back to the list.
    click(&mut app, "Impor").await;
    assert_eq!(workspace(&app).page.route(), Route::Impor);
    let report = impor(&mut app, tmp.path(), "retur_keluaran.csv").await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(report.imported, 2);
    pump_app(&mut app, [Message::Escape]).await;
    assert_eq!(
        workspace(&app).page.route(),
        Route::Retur { masukan: false }
    );

    // Masa 07/2015: the retur of that masa, DJP's columns, rupiah in Indonesian.
    show_masa(&mut app, 2015, 7).await;
    assert_eq!(nomor(&app), ["RET/2015/002"]);
    for shown in [
        "Nomor Retur",
        "Tanggal Retur",
        "Nomor Faktur",
        "Tanggal Faktur",
        "RET/2015/002",
        "24/07/2015",
        "07/2015",
        "0001500000002",
        "CV TOKO BANGUNAN",
        "016090524017000",
        "50.000",
        "5.000",
        "1 retur pada masa 07/2015",
    ] {
        assert!(on_screen(&app, shown), "{shown}");
    }
    // Another masa, another retur: the one of 23/07 returned in August.
    show_masa(&mut app, 2015, 8).await;
    assert_eq!(nomor(&app), ["RET/2015/001"]);
    assert!(on_screen(&app, "35.184"));
    assert!(on_screen(&app, "23/07/2015"));
    assert!(!on_screen(&app, "RET/2015/002"));

    // English: the same rows, English words and separators.
    pump_app(&mut app, [Message::Main(W::Language(Lang::En))]).await;
    for shown in [
        "Return administration — Output tax returns (Retur Pajak Keluaran)",
        "Return number",
        "Invoice date",
        "35,184",
        "3,518",
        "Returns in period 08/2015: 1",
    ] {
        assert!(on_screen(&app, shown), "{shown}");
    }
    // Retur Pajak Masukan has none of them.
    open_from_menu(&mut app, Route::Retur { masukan: true }).await;
    show_masa(&mut app, 2015, 8).await;
    assert!(nomor(&app).is_empty());
    assert!(on_screen(
        &app,
        "No returns in period 08/2015. Choose another period, or import a return file (RK/RM) via Faktur > Impor."
    ));
}

fn dm(n: u32) -> efaktur::domain::DokumenLain {
    DokumenLainDraft {
        dk_dm: "DM".into(),
        jenis_transaksi: "2".into(),
        jenis_dokumen: "5".into(),
        kd_jns_transaksi: "1".into(),
        fg_pengganti: "0".into(),
        nomor_dok_lain_ganti: "".into(),
        nomor_dok_lain: format!("PIB-9{n:05}"),
        tanggal_dok_lain: "20/01/2024".into(),
        masa_pajak: "1".into(),
        tahun_pajak: "2024".into(),
        npwp: "013000666091000".into(),
        nama: "PT IMPORTIR".into(),
        alamat_lengkap: "".into(),
        jumlah_dpp: "1000".into(),
        jumlah_ppn: "110".into(),
        jumlah_ppnbm: "0".into(),
        keterangan: "".into(),
    }
    .validate()
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn dokumen_lain_pages_list_dk_and_dm_and_page_through_a_long_masa() {
    let (mut app, _tmp) = logged_in().await;
    store_documents(&app, "dokumen_lain.csv");
    {
        let mut store = Store::open(&db_path(&app)).unwrap();
        store
            .transaction(|tx| {
                for n in 0..17 {
                    dokumen_lain::insert(tx, &dm(n), ApprovalStatus::Draft, &now())?;
                }
                Ok::<(), efaktur::store::StoreError>(())
            })
            .unwrap();
    }
    // Dokumen Lain is a menu of its own, right after Faktur, as in DJP's e-Faktur.
    let labels: Vec<Key> = MENU.iter().map(|(label, _)| *label).collect();
    assert_eq!(labels[..2], [Key::MenuFaktur, Key::MenuDokumenLain]);
    assert!(on_screen(&app, "Dokumen Lain"));

    open_from_menu(&mut app, Route::DokumenLain { masukan: false }).await;
    show_masa(&mut app, 2024, 2).await;
    assert_eq!(nomor(&app), ["PEB2400123"]);
    for shown in [
        "Dokumen Lain — Pajak Keluaran",
        "Nomor Dokumen",
        "BUYER LTD SINGAPORE",
        "50.000.000",
        "EKSPOR BARANG",
        "4/6/13",
        "1 dokumen pada masa 02/2024",
    ] {
        assert!(on_screen(&app, shown), "{shown}");
    }

    // Pajak Masukan of 01/2024: 19 documents, 15 on the first page, in date order.
    open_from_menu(&mut app, Route::DokumenLain { masukan: true }).await;
    show_masa(&mut app, 2024, 1).await;
    let first = nomor(&app);
    assert_eq!(first.len(), dokumen::ROWS);
    assert_eq!(first[..2], ["PIB-000777", "PIB-000778"]);
    assert!(on_screen(&app, "19 dokumen pada masa 01/2024"));
    // The pengganti says which document it replaces.
    assert!(on_screen(&app, "PIB-000700"));
    click(&mut app, "Berikutnya ›").await;
    let second = nomor(&app);
    assert_eq!(second.len(), 4);
    let mut all = first.clone();
    all.extend(second);
    let mut want = vec!["PIB-000777".to_string(), "PIB-000778".to_string()];
    want.extend((0..17).map(|n| format!("PIB-9{n:05}")));
    assert_eq!(all, want, "every document once, in order");
    click(&mut app, "« Awal").await;
    assert_eq!(nomor(&app), first);
    // The keys turn pages too.
    pump_app(&mut app, [Message::Main(W::Nav(Nav::PageDown))]).await;
    assert_eq!(nomor(&app), want[15..]);
    pump_app(&mut app, [Message::Main(W::Nav(Nav::Home))]).await;
    assert_eq!(nomor(&app), first);
    click(&mut app, "Akhir »").await;
    assert_eq!(nomor(&app), want[4..]);
    // Back onto the start: a full first page, not the four rows before.
    click(&mut app, "‹ Sebelumnya").await;
    assert_eq!(nomor(&app), first);

    // English.
    pump_app(&mut app, [Message::Main(W::Language(Lang::En))]).await;
    assert!(on_screen(
        &app,
        "Other documents (Dokumen Lain) — Input tax (Pajak Masukan)"
    ));
    assert!(on_screen(&app, "Documents in period 01/2024: 19"));
    assert!(on_screen(&app, "2,000,000"));
}

/// Retur ekspor: Faktur > Ekspor with Dokumen "Retur" or "Dokumen Lain".
async fn export(app: &mut App, path: &Path, tahun: &str, masa: u8) {
    pump_app(
        app,
        [
            eks(ekspor::Message::TahunChanged(tahun.into())),
            eks(ekspor::Message::Masa(masa)),
            eks(ekspor::Message::PathChanged(path.display().to_string())),
            eks(ekspor::Message::Start),
        ],
    )
    .await;
}

fn reimport(app: &App, file: &Path) -> efaktur::exchange::Report {
    let mut store = Store::open(&db_path(app)).unwrap();
    let f = std::fs::File::open(file).unwrap();
    import_retur(
        RowSource::csv(f, None),
        &mut store,
        &ReturImportOptions::default(),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn ekspor_writes_retur_and_dokumen_lain_in_djp_csv_that_import_back_as_duplicates() {
    let (mut app, tmp) = logged_in().await;
    store_documents(&app, "retur_keluaran.csv");
    store_documents(&app, "dokumen_lain.csv");
    click(&mut app, "Faktur").await;
    click(&mut app, "Ekspor").await;
    assert_eq!(workspace(&app).page.route(), Route::Ekspor);
    // Coretax XML is for faktur keluaran only: choosing Retur goes back to CSV.
    pump_app(
        &mut app,
        [
            eks(ekspor::Message::Format(ekspor::Choice::new(
                Format::CoretaxXml,
                "",
            ))),
            eks(ekspor::Message::Dokumen(ekspor::Choice::new(
                exporter::DocKind::Retur,
                "",
            ))),
            eks(ekspor::Message::TahunChanged("2015".into())),
            eks(ekspor::Message::Masa(8)),
        ],
    )
    .await;
    assert_eq!(ekspor_page(&app).format(), Format::EfakturCsv);
    assert!(
        ekspor_page(&app)
            .path()
            .ends_with("retur-013463476415001-201508.csv"),
        "{}",
        ekspor_page(&app).path()
    );
    assert!(on_screen(&app, "Dokumen"), "the Dokumen choice is labelled");

    // Retur keluaran of 08/2015: the CLI's writer's bytes.
    let out = tmp.path().join("rk.csv");
    export(&mut app, &out, "2015", 8).await;
    match ekspor_page(&app).result() {
        Some(Ok(Exported::Written { files, faktur, .. })) => {
            assert_eq!((files.as_slice(), *faktur), ([out.clone()].as_slice(), 1));
        }
        other => panic!("{other:?}"),
    }
    assert!(on_screen(&app, "1 dokumen diekspor ke:"));
    let written = std::fs::read(&out).unwrap();
    let mut same = Vec::new();
    let filter = Filter {
        masa: Some(8),
        tahun: Some(2015),
        ..Filter::default()
    };
    let store = Store::open(&db_path(&app)).unwrap();
    write_retur(
        &mut same,
        store.conn(),
        ReturExport::ReturKeluaran,
        filter,
        &mut |_| {},
    )
    .unwrap();
    drop(store);
    assert_eq!(written, same);
    let text = String::from_utf8(written.clone()).unwrap();
    assert!(text.starts_with("\"RK\",\"NPWP\",\"NAMA\""), "{text}");
    assert!(text.contains("\"RET/2015/001\""), "{text}");
    // Imported again: the retur number is registered already, nothing is written.
    let r = reimport(&app, &out);
    assert_eq!(r.imported, 0);
    assert!(
        !r.errors.is_empty() && r.errors.iter().all(|p| p.code == DjpCode::Etax30030),
        "{:#?}",
        r.errors
    );

    // Again to the same file: the window asks; Batal keeps it, Timpa replaces it.
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

    // Dokumen lain masukan of 01/2024, in English.
    pump_app(
        &mut app,
        [
            Message::Main(W::Language(Lang::En)),
            eks(ekspor::Message::Dokumen(ekspor::Choice::new(
                exporter::DocKind::DokumenLain,
                "",
            ))),
            eks(ekspor::Message::Masukan(ekspor::Choice::new(true, ""))),
        ],
    )
    .await;
    let dm_file = tmp.path().join("dm.csv");
    export(&mut app, &dm_file, "2024", 1).await;
    assert!(on_screen(&app, "Documents exported: 2, to:"));
    let text = std::fs::read_to_string(&dm_file).unwrap();
    assert!(text.contains("\"DM\",\"2\",\"5\",\"1\",\"0\""), "{text}");
    assert!(text.contains("\"PIB-000778\""), "{text}");
    let r = reimport(&app, &dm_file);
    assert_eq!(r.imported, 0);
    assert!(
        r.errors.len() == 2 && r.errors.iter().all(|p| p.code == DjpCode::Etax20002),
        "{:#?}",
        r.errors
    );

    // A masa without documents writes nothing and says so.
    let none = tmp.path().join("none.csv");
    export(&mut app, &none, "2024", 5).await;
    assert_eq!(ekspor_page(&app).result(), Some(&Ok(Exported::Nothing)));
    assert!(!none.exists());
    assert!(on_screen(
        &app,
        "No returns or other documents for this period, kind and status; no file was written. Choose another period or status."
    ));
}
