//! The workspace through the whole app: login, Beranda's counts, Administrasi Faktur (filter,
//! search, sort, keys, detail, back), every menu entry, the simulasi mark and English. Tasks
//! really run against a Local Database in a temporary folder.

use chrono::Datelike;
use efaktur::domain::{ApprovalStatus, FakturDraft, FakturItemDraft};
use efaktur::store::{faktur, faktur_list, user};
use iced::widget::Id;
use iced_test::simulator;

use super::administrasi::{self, Choice};
use super::page::{self, Nav, Page};
use super::route::{MENU, Route};
use super::{Message as W, Workspace};
use crate::ui::app::{App, Message, Screen};
use crate::ui::ctx::Ctx;
use crate::ui::i18n::Lang;
use crate::ui::test_support::{
    ctx_with_session, fake_simulasi, log_in_admin, on_screen, pump_app, workspace,
};

/// A valid faktur of today's masa (so that Beranda counts it), with two items.
fn draft(serial: u32, nama: &str, referensi: &str, masukan: bool) -> FakturDraft {
    let today = chrono::Local::now().date_naive();
    FakturDraft {
        kd_jenis_transaksi: "01".into(),
        fg_pengganti: "0".into(),
        nomor_faktur: format!("010{:02}{serial:08}", today.year() % 100),
        masa_pajak: today.month().to_string(),
        tahun_pajak: today.year().to_string(),
        tanggal_faktur: today.format("%d/%m/%Y").to_string(),
        npwp: format!("0130006660{serial:02}000"),
        nama: nama.into(),
        alamat: "Jl. Sudirman 1".into(),
        jumlah_dpp: "3000000".into(),
        jumlah_ppn: "330000".into(),
        jumlah_ppnbm: "0".into(),
        referensi: referensi.into(),
        is_creditable: masukan.then(|| "1".into()),
        items: vec![
            item("Jasa konsultasi", "1000000"),
            item("Kertas HVS A4", "2000000"),
        ],
        ..FakturDraft::default()
    }
}

fn item(nama: &str, dpp: &str) -> FakturItemDraft {
    let ppn = (dpp.parse::<u64>().unwrap() * 11 / 100).to_string();
    FakturItemDraft {
        kode_objek: "A1".into(),
        nama: nama.into(),
        harga_satuan: dpp.into(),
        jumlah_barang: "1".into(),
        harga_total: dpp.into(),
        diskon: "0".into(),
        dpp: dpp.into(),
        ppn,
        tarif_ppnbm: "0".into(),
        ppnbm: "0".into(),
    }
}

/// A registered database with a user, three faktur keluaran (two Draft, one Siap Upload) and
/// one masukan of today's masa, plus `older` synthetic faktur of other masa.
fn world(older: u32) -> (Ctx, tempfile::TempDir) {
    let (ctx, tmp) = ctx_with_session();
    let path = ctx.session.as_ref().unwrap().db_path.clone();
    let mut db = efaktur::store::Store::open(&path).unwrap();
    user::create(db.conn(), "admin", "rahasia-123").unwrap();
    db.transaction(|tx| {
        for (serial, nama, referensi) in [
            (1, "PT ALFA", "INV/001"),
            (2, "CV BETA", "INV/002"),
            (3, "PT GAMMA", "PO/77"),
        ] {
            let f = draft(serial, nama, referensi, false).validate().unwrap();
            let id = faktur::insert(tx, &f, ApprovalStatus::Draft, "test")?;
            if serial == 3 {
                faktur::set_approval(tx, id, ApprovalStatus::SiapUpload, "test")?;
            }
        }
        let m = draft(9, "PT PENJUAL", "", true).validate().unwrap();
        faktur::insert(tx, &m, ApprovalStatus::Draft, "test")?;
        faktur_list::fill_synthetic(tx, older, false)
    })
    .unwrap();
    (ctx, tmp)
}

/// The app logged in as admin, on Beranda.
async fn logged_in(ctx: Ctx) -> App {
    log_in_admin(ctx).await
}

fn list(app: &App) -> &administrasi::Administrasi {
    match &workspace(app).page {
        Page::Administrasi(a) => a,
        _ => panic!("not on Administrasi Faktur"),
    }
}

fn adm(m: administrasi::Message) -> Message {
    Message::Main(W::Page(page::Message::Administrasi(m)))
}

fn names(app: &App) -> Vec<String> {
    list(app).rows().iter().map(|r| r.nama.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn login_dashboard_list_filter_search_sort_keys_detail_and_back() {
    let (ctx, _tmp) = world(0);
    let mut app = logged_in(ctx).await;

    // Beranda: today's masa, by status; NSFP left (no range recorded); not yet uploaded.
    let today = chrono::Local::now().date_naive();
    let masa = format!("Faktur masa {:02}/{}", today.month(), today.year());
    assert!(on_screen(&app, &masa), "{masa}");
    let Page::Home(home) = &workspace(&app).page else {
        panic!("Beranda first");
    };
    let d = home.figures().expect("figures loaded");
    use faktur_list::AdminStatus::*;
    assert_eq!(d.keluaran, vec![(Draft, 2), (SiapUpload, 1)]);
    assert_eq!(d.masukan, vec![(Draft, 1)]);
    assert_eq!(d.not_uploaded, 3);
    for shown in [
        "Draft",
        "Siap Upload",
        "NSFP tersisa (Referensi Nomor Faktur)",
    ] {
        assert!(on_screen(&app, shown), "{shown}");
    }

    // Faktur > Administrasi Faktur (Pajak Keluaran) through the menu.
    let mut ui = simulator(app.view());
    ui.click("Faktur").unwrap();
    let msgs: Vec<Message> = ui.into_messages().collect();
    pump_app(&mut app, msgs).await;
    assert!(
        on_screen(&app, "Pajak Masukan"),
        "the menu shows its sections"
    );
    let mut ui = simulator(app.view());
    // Beranda's two cards have "Administrasi Faktur" buttons too, under the open menu (which
    // blocks them): the menu's first entry is the third such text drawn.
    crate::ui::test_support::click_nth(&mut ui, "Administrasi Faktur", 2);
    let msgs: Vec<Message> = ui.into_messages().collect();
    pump_app(&mut app, msgs).await;
    assert_eq!(names(&app), ["PT ALFA", "CV BETA", "PT GAMMA"]);
    assert!(
        !list(&app).query().masukan,
        "the first entry is Pajak Keluaran"
    );
    let nomor = format!("010.010-{:02}.00000001", today.year() % 100);
    for shown in [
        nomor.as_str(),
        "PT ALFA",
        "01.300.066.6-001.000",
        "3.000.000",
        "330.000",
    ] {
        assert!(on_screen(&app, shown), "{shown} in the table");
    }

    // Filter by status, then all again.
    let siap = Choice::new(Some(SiapUpload), "Siap Upload");
    pump_app(&mut app, [adm(administrasi::Message::Status(siap))]).await;
    assert_eq!(names(&app), ["PT GAMMA"]);
    pump_app(
        &mut app,
        [adm(administrasi::Message::Status(Choice::new(
            None, "Semua",
        )))],
    )
    .await;
    // Filter by masa: another masa has none.
    let other = if today.month() == 1 { 2 } else { 1 };
    pump_app(
        &mut app,
        [adm(administrasi::Message::Masa(Choice::new(
            Some(other),
            "",
        )))],
    )
    .await;
    assert!(names(&app).is_empty());
    assert!(on_screen(&app, "Tidak ada faktur yang cocok."));
    let this = today.month() as u8;
    pump_app(
        &mut app,
        [adm(administrasi::Message::Masa(Choice::new(
            Some(this),
            "",
        )))],
    )
    .await;
    assert_eq!(names(&app).len(), 3);

    // Search as you type, by nama (the field picked), without case.
    let nama = Choice::new(Some(faktur_list::SearchField::Nama), "Nama");
    pump_app(&mut app, [adm(administrasi::Message::SearchField(nama))]).await;
    let mut ui = simulator(app.view());
    ui.click(Id::new(administrasi::SEARCH_INPUT)).unwrap();
    ui.typewrite("pt g");
    let msgs: Vec<Message> = ui.into_messages().collect();
    assert_eq!(msgs.len(), 4, "one query per keystroke");
    pump_app(&mut app, msgs).await;
    assert_eq!(names(&app), ["PT GAMMA"]);

    // Sorting by a column ends the search; a second click turns the order round.
    // (The search sorts by its own column: "Nama ▲".)
    assert!(on_screen(&app, "Nama ▲"));
    for header in ["Tanggal", "Nama"] {
        let mut ui = simulator(app.view());
        ui.click(header).unwrap();
        let msgs: Vec<Message> = ui.into_messages().collect();
        pump_app(&mut app, msgs).await;
    }
    assert!(list(&app).query().search.is_none(), "the search ended");
    assert_eq!(names(&app), ["CV BETA", "PT ALFA", "PT GAMMA"]);
    pump_app(
        &mut app,
        [adm(administrasi::Message::Sort(faktur_list::SortKey::Nama))],
    )
    .await;
    assert_eq!(names(&app), ["PT GAMMA", "PT ALFA", "CV BETA"]);
    assert!(on_screen(&app, "Nama ▼"));

    // Keys: the first row is selected; Down, Down, Up; End; Home.
    let selected = |app: &App| list(app).selected().map(|r| r.nama.clone());
    assert_eq!(selected(&app).as_deref(), Some("PT GAMMA"));
    let keys = [Nav::Down, Nav::Down, Nav::Up].map(Message::Nav);
    pump_app(&mut app, keys).await;
    assert_eq!(selected(&app).as_deref(), Some("PT ALFA"));
    pump_app(&mut app, [Message::Nav(Nav::End)]).await;
    assert_eq!(selected(&app).as_deref(), Some("CV BETA"));
    pump_app(&mut app, [Message::Nav(Nav::Home)]).await;
    assert_eq!(selected(&app).as_deref(), Some("PT GAMMA"));
    pump_app(&mut app, [Message::Nav(Nav::Down)]).await;

    // Enter opens the faktur with its items; Esc returns to the list as it was.
    pump_app(&mut app, [Message::Nav(Nav::Enter)]).await;
    assert!(matches!(workspace(&app).page, Page::Faktur(_)));
    for shown in [
        "Detail Faktur",
        "A1 Jasa konsultasi",
        "A1 Kertas HVS A4",
        "INV/001",
    ] {
        assert!(on_screen(&app, shown), "{shown} in the detail");
    }
    pump_app(&mut app, [Message::Escape]).await;
    assert_eq!(selected(&app).as_deref(), Some("PT ALFA"));
    assert_eq!(names(&app), ["PT GAMMA", "PT ALFA", "CV BETA"]);

    // English.
    pump_app(&mut app, [Message::Main(W::Language(Lang::En))]).await;
    assert!(on_screen(
        &app,
        "Invoice administration — Output tax (Pajak Keluaran)"
    ));
    assert!(on_screen(&app, "Name ▼"));
    pump_app(&mut app, [Message::Nav(Nav::Enter)]).await;
    assert!(on_screen(&app, "Invoice detail"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn page_keys_walk_a_long_list_without_skipping_or_repeating() {
    let (ctx, _tmp) = world(50);
    let mut app = logged_in(ctx).await;
    pump_app(
        &mut app,
        [Message::Main(W::Open(Route::Administrasi {
            masukan: false,
        }))],
    )
    .await;
    let mut seen = Vec::new();
    let rows = |app: &App| list(app).rows().iter().map(|r| r.id).collect::<Vec<_>>();
    loop {
        let page = rows(&app);
        assert!(page.len() <= administrasi::ROWS);
        seen.extend(page);
        if !on_screen(&app, "Berikutnya ›") || list(&app).rows().len() < administrasi::ROWS {
            break;
        }
        let before = rows(&app);
        pump_app(&mut app, [Message::Nav(Nav::PageDown)]).await;
        if rows(&app) == before {
            break;
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no row twice");
    assert_eq!(seen.len(), 53, "every faktur keluaran");
    // Down past the last row of a page moves to the next page's first row.
    pump_app(&mut app, [Message::Nav(Nav::Home)]).await;
    for _ in 0..administrasi::ROWS {
        pump_app(&mut app, [Message::Nav(Nav::Down)]).await;
    }
    assert_eq!(
        list(&app).selected().map(|r| r.id),
        Some(seen[administrasi::ROWS])
    );
    // Up goes back onto the previous page's last row.
    pump_app(&mut app, [Message::Nav(Nav::Up)]).await;
    assert_eq!(
        list(&app).selected().map(|r| r.id),
        Some(seen[administrasi::ROWS - 1])
    );
    // End selects the very last faktur, Page Up keeps the position on the page before.
    pump_app(&mut app, [Message::Nav(Nav::End)]).await;
    assert_eq!(list(&app).selected().map(|r| r.id), seen.last().copied());
    pump_app(&mut app, [Message::Nav(Nav::PageUp)]).await;
    assert_eq!(
        list(&app).selected().map(|r| r.id),
        Some(seen[seen.len() - administrasi::ROWS - 1])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn every_menu_entry_opens_its_page() {
    let (ctx, _tmp) = world(0);
    let mut app = logged_in(ctx).await;
    for (i, (_, entries)) in MENU.iter().enumerate() {
        for e in entries.iter() {
            pump_app(&mut app, [Message::Main(W::ToggleMenu(i))]).await;
            assert_eq!(workspace(&app).open_menu, Some(i));
            pump_app(&mut app, [Message::Main(W::Open(e.route))]).await;
            let w = workspace(&app);
            assert_eq!(w.page.route(), e.route);
            assert_eq!(w.open_menu, None, "the menu closes");
        }
    }
    // What each page shows.
    let expect = [
        (
            Route::Administrasi { masukan: true },
            "Administrasi Faktur — Pajak Masukan",
        ),
        (Route::Certificate, "Administrasi Certificate"),
        (Route::Tentang, env!("CARGO_PKG_VERSION")),
        // returui:
        (
            Route::Retur { masukan: false },
            "Administrasi Retur — Retur Pajak Keluaran",
        ),
        (
            Route::Retur { masukan: true },
            "Administrasi Retur — Retur Pajak Masukan",
        ),
        (
            Route::DokumenLain { masukan: false },
            "Dokumen Lain — Pajak Keluaran",
        ),
        (
            Route::DokumenLain { masukan: true },
            "Dokumen Lain — Pajak Masukan",
        ),
        (Route::Home, "Beranda"),
    ];
    for (route, shown) in expect {
        pump_app(&mut app, [Message::Main(W::Open(route))]).await;
        assert!(on_screen(&app, shown), "{shown} on {route:?}");
    }
    pump_app(
        &mut app,
        [Message::Main(W::Open(Route::Administrasi {
            masukan: true,
        }))],
    )
    .await;
    assert_eq!(names(&app), ["PT PENJUAL"]);
    // Tentang names the Local Database in use.
    pump_app(&mut app, [Message::Main(W::Open(Route::Tentang))]).await;
    let db = app
        .ctx
        .session
        .as_ref()
        .unwrap()
        .db_path
        .display()
        .to_string();
    assert!(on_screen(&app, &db));
    // Esc closes an open menu first.
    pump_app(&mut app, [Message::Main(W::ToggleMenu(0)), Message::Escape]).await;
    assert_eq!(workspace(&app).open_menu, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn simulasi_is_marked_on_every_screen_after_connect() {
    let (mut ctx, _tmp) = world(0);
    let sim = fake_simulasi(&ctx.dirs);
    ctx.server = Some(sim.server.clone());
    ctx.simulasi = Some(sim);
    let mark = "SIMULASI — server latihan di komputer ini, tidak terhubung ke DJP";
    let mut app = logged_in(ctx).await;
    assert!(on_screen(&app, mark), "on Beranda");
    pump_app(
        &mut app,
        [Message::Main(W::Open(Route::Administrasi {
            masukan: false,
        }))],
    )
    .await;
    assert!(on_screen(&app, mark), "on Administrasi Faktur");
    pump_app(
        &mut app,
        [Message::Main(W::Logout), Message::Main(W::ConfirmLogout)],
    )
    .await;
    assert!(matches!(app.screen, Screen::Login(_)));
    assert!(on_screen(&app, mark), "on Login");
    // A real server: no mark.
    let (ctx, _tmp2) = world(0);
    let app = logged_in(ctx).await;
    assert!(!on_screen(&app, mark));
}

#[test]
fn a_workspace_without_a_session_shows_its_shell() {
    let (ctx, _tmp) = crate::ui::test_support::ctx();
    let (w, _) = Workspace::new(&ctx);
    let mut ui = simulator(w.view(&ctx));
    assert!(ui.find("Referensi").is_ok());
    assert!(ui.find("Bantuan").is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn paging_back_onto_the_start_shows_a_full_first_page() {
    let (ctx, _tmp) = world(30);
    let mut app = logged_in(ctx).await;
    pump_app(
        &mut app,
        [Message::Main(W::Open(Route::Administrasi {
            masukan: false,
        }))],
    )
    .await;
    let first: Vec<i64> = list(&app).rows().iter().map(|r| r.id).collect();
    // Down to the fourth row of the second page, then Up four times: over the page start.
    for _ in 0..administrasi::ROWS + 3 {
        pump_app(&mut app, [Message::Nav(Nav::Down)]).await;
    }
    let second: Vec<i64> = list(&app).rows().iter().map(|r| r.id).collect();
    assert_ne!(first, second);
    assert_eq!(list(&app).selected().map(|r| r.id), Some(second[3]));
    // Pages read backwards from the end (33 faktur: 18-32, 3-17, then 0-2) do not line up
    // with the first page: the short start is shown as the full first page, and the selection
    // is 15 rows up each time (row 32, 17, then 2).
    pump_app(&mut app, [Message::Nav(Nav::End)]).await;
    for _ in 0..2 {
        pump_app(&mut app, [Message::Nav(Nav::PageUp)]).await;
    }
    let rows: Vec<i64> = list(&app).rows().iter().map(|r| r.id).collect();
    assert_eq!(rows, first, "a full first page");
    assert_eq!(list(&app).selected().map(|r| r.id), Some(first[2]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn without_a_masa_only_tanggal_sorts_and_the_list_says_so() {
    let (ctx, _tmp) = world(0);
    let mut app = logged_in(ctx).await;
    pump_app(
        &mut app,
        [Message::Main(W::Open(Route::Administrasi {
            masukan: false,
        }))],
    )
    .await;
    assert!(on_screen(&app, "Tanggal ▲"));
    assert!(on_screen(
        &app,
        "Tanpa masa, daftar diurutkan menurut Tanggal (pencarian nomor atau NPWP: menurut kolom \
         itu). Pilih masa untuk mengurutkan menurut kolom lain dan untuk pencarian cepat nama, \
         referensi atau status."
    ));
    // The Nama header is no button without a masa: a click sends nothing.
    let mut ui = simulator(app.view());
    ui.click("Nama").unwrap();
    assert_eq!(ui.into_messages().count(), 0);
    pump_app(
        &mut app,
        [adm(administrasi::Message::Sort(faktur_list::SortKey::Nama))],
    )
    .await;
    assert_eq!(
        list(&app).query().effective_sort(),
        faktur_list::SortKey::Tanggal
    );

    // With a masa it sorts; dropping the masa goes back to tanggal order.
    let this = chrono::Local::now().month() as u8;
    let masa = |m| adm(administrasi::Message::Masa(Choice::new(m, "")));
    pump_app(&mut app, [masa(Some(this))]).await;
    let mut ui = simulator(app.view());
    ui.click("Nama").unwrap();
    let msgs: Vec<Message> = ui.into_messages().collect();
    pump_app(&mut app, msgs).await;
    assert_eq!(names(&app), ["CV BETA", "PT ALFA", "PT GAMMA"]);
    assert!(!on_screen(&app, "Tanggal ▲"));
    pump_app(&mut app, [masa(None)]).await;
    assert_eq!(list(&app).query().sort, faktur_list::SortKey::Tanggal);
    assert_eq!(names(&app), ["PT ALFA", "CV BETA", "PT GAMMA"]);
    assert!(on_screen(&app, "Tanggal ▲"));

    pump_app(&mut app, [Message::Main(W::Language(Lang::En))]).await;
    assert!(on_screen(
        &app,
        "Without a period the list is in date order (a number or NPWP search: in that column's \
         order). Pick a period to sort by another column and for fast name, reference or status \
         searches."
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_search_without_index_says_where_it_stopped_and_reads_on() {
    let (ctx, _tmp) = world(faktur_list::SCAN_LIMIT as u32 + 500);
    let mut app = logged_in(ctx).await;
    pump_app(
        &mut app,
        [Message::Main(W::Open(Route::Administrasi {
            masukan: false,
        }))],
    )
    .await;
    let referensi = Choice::new(Some(faktur_list::SearchField::Referensi), "Referensi");
    pump_app(
        &mut app,
        [
            adm(administrasi::Message::SearchField(referensi)),
            adm(administrasi::Message::SearchChanged("tidak ada".into())),
        ],
    )
    .await;
    assert!(names(&app).is_empty());
    let stopped = "Pencarian berhenti setelah memeriksa 20.000 faktur: persempit pencarian (mis. \
                   pilih masa), atau tekan Berikutnya untuk memeriksa 20.000 faktur lagi.";
    assert!(on_screen(&app, stopped));
    // Berikutnya examines the rest: nothing there, and nothing more to offer.
    let mut ui = simulator(app.view());
    ui.click("Berikutnya ›").unwrap();
    let msgs: Vec<Message> = ui.into_messages().collect();
    assert_eq!(msgs.len(), 1, "Berikutnya is enabled");
    pump_app(&mut app, msgs).await;
    assert!(!on_screen(&app, stopped));
    assert!(on_screen(&app, "Tidak ada faktur yang cocok."));

    pump_app(&mut app, [Message::Main(W::Language(Lang::En))]).await;
    pump_app(
        &mut app,
        [adm(administrasi::Message::SearchChanged("none".into()))],
    )
    .await;
    assert!(on_screen(
        &app,
        "The search stopped after examining 20,000 invoices: narrow the search (e.g. pick a \
         period), or press Next to examine 20,000 more."
    ));
}
