//! Rekam Faktur through the app, on a Local Database in a temporary folder: rekam → in
//! Administrasi Faktur → ubah → pengganti (original Diganti) → batal; masukan; an error next to
//! its field; no NSFP left.

use chrono::{Datelike, NaiveDate};
use efaktur::domain::{Amount, ApprovalStatus, Nsfp, NsfpRange};
use efaktur::store::faktur_list::AdminStatus;
use efaktur::store::item::{self, BarangJasa};
use efaktur::store::party::{self, LawanTransaksi};
use efaktur::store::{Store, faktur, faktur_edit, nsfp, user};
use iced::keyboard::key::Named;
use iced::widget::Id;
use iced_test::Simulator;

use super::draft::{Fields, IdKind};
use super::form::{self, Form, LineField};
use crate::ui::app::{App, Message, Screen};
use crate::ui::ctx::Ctx;
use crate::ui::screen::login;
use crate::ui::test_support::{ctx_with_session, pump_app};
use crate::ui::workspace::page::{self, Nav, Page};
use crate::ui::workspace::route::{MENU, Route};
use crate::ui::workspace::{Message as W, Workspace};

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn yy() -> u8 {
    (today().year() % 100) as u8
}

/// A registered database with a user, a lawan and a barang in Referensi, and (when `range`)
/// NSFP 010-YY-00000001..10 recorded.
fn world(range: bool) -> (Ctx, tempfile::TempDir) {
    let (ctx, tmp) = ctx_with_session();
    let db = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
    user::create(db.conn(), "admin", "rahasia-123").unwrap();
    party::upsert(
        db.conn(),
        &LawanTransaksi {
            npwp: "013000666001000".into(),
            nama: "PT ALFA".into(),
            alamat: "Jl. Sudirman 1, Jakarta".into(),
            ..LawanTransaksi::default()
        },
    )
    .unwrap();
    item::upsert(
        db.conn(),
        &BarangJasa {
            kode: "KRT01".into(),
            nama: "Kertas HVS A4".into(),
            harga_satuan: Amount::parse("50000").unwrap(),
            coretax: None,
        },
    )
    .unwrap();
    if range {
        let n = |s: u32| Nsfp::new(10, yy(), s).unwrap();
        let on = NaiveDate::from_ymd_opt(today().year(), 1, 1).unwrap();
        nsfp::add_range(db.conn(), NsfpRange::new(n(1), n(10)).unwrap(), on).unwrap();
    }
    (ctx, tmp)
}

async fn logged_in(ctx: Ctx) -> App {
    let (mut app, _) = App::new(ctx, None);
    app.screen = Screen::Login(login::Login::new(None).0);
    let mut ui = window(&app);
    ui.click(Id::new(login::USER_INPUT)).unwrap();
    ui.typewrite("admin");
    ui.click(Id::new(login::PASSWORD_INPUT)).unwrap();
    ui.typewrite("rahasia-123");
    ui.tap_key(Named::Enter);
    let msgs: Vec<Message> = ui.into_messages().collect();
    pump_app(&mut app, msgs).await;
    assert!(matches!(app.screen, Screen::Main(_)), "logged in");
    app
}

fn workspace(app: &App) -> &Workspace {
    match &app.screen {
        Screen::Main(w) => w,
        _ => panic!("not in the workspace"),
    }
}

fn form_of(app: &App) -> &Form {
    match &workspace(app).page {
        Page::Form(f) => f,
        _ => panic!("not on Rekam Faktur but {:?}", workspace(app).page.route()),
    }
}

fn route(app: &App) -> Route {
    workspace(app).page.route()
}

fn open(r: Route) -> Message {
    Message::Main(W::Open(r))
}

fn to_form(m: form::Message) -> Message {
    Message::Main(W::Page(page::Message::Form(Box::new(m))))
}

fn db(app: &App) -> Store {
    Store::open(&app.ctx.session.as_ref().unwrap().db_path).unwrap()
}

/// The app in a window tall enough for the whole form (a user scrolls; a test looks).
fn window(app: &App) -> Simulator<'_, Message> {
    Simulator::with_size(
        iced_test::core::Settings::default(),
        iced::Size::new(1280.0, 2400.0),
        app.view(),
    )
}

fn on_screen(app: &App, text: &str) -> bool {
    window(app).find(text).is_ok()
}

/// Clicks `target` (a text or an id) and types `typed` there, as a user does.
async fn type_into(app: &mut App, id: &'static str, typed: &str) {
    let mut ui = window(app);
    ui.click(Id::new(id)).unwrap();
    ui.typewrite(typed);
    let msgs: Vec<Message> = ui.into_messages().collect();
    pump_app(app, msgs).await;
}

async fn click(app: &mut App, text: &str) {
    let mut ui = window(app);
    ui.click(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    let msgs: Vec<Message> = ui.into_messages().collect();
    pump_app(app, msgs).await;
}

async fn press_enter_in(app: &mut App, id: &'static str) {
    let mut ui = window(app);
    ui.click(Id::new(id)).unwrap();
    ui.tap_key(Named::Enter);
    let msgs: Vec<Message> = ui.into_messages().collect();
    pump_app(app, msgs).await;
}

fn status_in_list(app: &App, id: i64) -> AdminStatus {
    match &workspace(app).page {
        Page::Administrasi(a) => {
            a.rows()
                .iter()
                .find(|r| r.id == id)
                .unwrap_or_else(|| panic!("faktur {id} in the list"))
                .status
        }
        _ => panic!("not on Administrasi Faktur"),
    }
}

fn approve(store: &Store, id: i64) {
    for to in [ApprovalStatus::SiapUpload, ApprovalStatus::DalamProses] {
        faktur::set_approval(store.conn(), id, to, "uploader").unwrap();
    }
    faktur::record_approval(store.conn(), id, "2026-01-01T00:00:00", "https://qr").unwrap();
}

/// Fills a new faktur keluaran: PT ALFA from Referensi, 3 × Kertas HVS A4 from Referensi.
async fn fill_keluaran(app: &mut App) {
    type_into(app, form::CARI_LAWAN_INPUT, "pt al").await;
    click(app, "013000666001000 — PT ALFA").await;
    type_into(app, form::CARI_BARANG_INPUT, "kertas").await;
    let harga = crate::ui::i18n::rupiah(app.ctx.lang(), 50_000);
    click(app, &format!("KRT01 — Kertas HVS A4 ({harga})")).await;
    pump_app(
        app,
        [to_form(form::Message::Line(LineField::Jumlah, "3".into()))],
    )
    .await;
    let add = app.ctx.t(crate::ui::i18n::Key::TambahBaris);
    click(app, add).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn rekam_list_ubah_pengganti_batal() {
    let (ctx, _tmp) = world(true);
    let mut app = logged_in(ctx).await;

    // The menu offers Rekam Faktur under both sections.
    let faktur_menu = MENU
        .iter()
        .position(|(k, _)| *k == crate::ui::i18n::Key::MenuFaktur);
    pump_app(
        &mut app,
        [Message::Main(W::ToggleMenu(faktur_menu.unwrap()))],
    )
    .await;
    assert!(on_screen(&app, "Rekam Faktur"));
    let rekam: Vec<Route> = MENU[faktur_menu.unwrap()]
        .1
        .iter()
        .filter(|e| e.label == crate::ui::i18n::Key::RekamFaktur)
        .map(|e| e.route)
        .collect();
    assert_eq!(
        rekam,
        [
            Route::Rekam { masukan: false },
            Route::Rekam { masukan: true }
        ],
        "Rekam Faktur under Pajak Keluaran and Pajak Masukan"
    );
    pump_app(&mut app, [open(Route::Rekam { masukan: false })]).await;
    assert!(on_screen(&app, "Rekam Faktur — Pajak Keluaran"));
    assert!(on_screen(
        &app,
        "Nomor seri diambil dari Referensi Nomor Faktur saat Simpan."
    ));

    // Lawan and line from Referensi; DPP, PPN by today's date (12 %), totals shown live.
    fill_keluaran(&mut app).await;
    let f = form_of(&app).fields();
    assert_eq!(
        (f.id.as_str(), f.nama.as_str()),
        ("013000666001000", "PT ALFA")
    );
    assert_eq!(f.lines.len(), 1);
    assert!(on_screen(
        &app,
        "Total — DPP: 150.000 · PPN: 18.000 · PPnBM: 0"
    ));
    assert!(on_screen(&app, "18.000"));
    // Masa/tahun follow the date.
    assert_eq!(f.masa, today().month().to_string());

    // Enter in a field saves: the next NSFP, then the faktur's detail with the list behind.
    type_into(&mut app, form::REFERENSI_INPUT, "INV/1").await;
    press_enter_in(&mut app, form::REFERENSI_INPUT).await;
    let Route::Faktur(id) = route(&app) else {
        panic!("saved: {:?} {:?}", route(&app), form_of(&app).errors());
    };
    let nomor = format!("010.010-{:02}.00000001", yy());
    assert!(on_screen(&app, &nomor), "{nomor}");
    assert!(on_screen(&app, "INV/1"));
    let store = db(&app);
    assert!(nsfp::is_used(store.conn(), Nsfp::new(10, yy(), 1).unwrap()).unwrap());

    // It is in Administrasi Faktur, as Draft.
    pump_app(&mut app, [Message::Main(W::Page(page::Message::Back))]).await;
    assert_eq!(route(&app), Route::Administrasi { masukan: false });
    assert_eq!(status_in_list(&app, id), AdminStatus::Draft);

    // Ubah from its detail: the referensi changes, the number stays.
    pump_app(&mut app, [Message::Nav(Nav::Enter)]).await;
    assert_eq!(route(&app), Route::Faktur(id));
    click(&mut app, "Ubah").await;
    assert_eq!(route(&app), Route::Ubah(id));
    assert_eq!(form_of(&app).fields().referensi, "INV/1");
    pump_app(
        &mut app,
        [to_form(form::Message::Referensi("INV/2".into()))],
    )
    .await;
    click(&mut app, "Simpan").await;
    assert_eq!(route(&app), Route::Faktur(id));
    assert!(on_screen(&app, "INV/2"));
    assert!(on_screen(&app, &nomor));

    // DJP approves it; then Pengganti: same number with kode status 1, the original Diganti.
    approve(&store, id);
    pump_app(&mut app, [open(Route::Faktur(id))]).await;
    assert!(!on_screen(&app, "Ubah"), "an approved faktur is not edited");
    click(&mut app, "Pengganti").await;
    assert_eq!(route(&app), Route::Pengganti(id));
    assert!(form_of(&app).fields().pengganti);
    pump_app(
        &mut app,
        [to_form(form::Message::Referensi("INV/2-GANTI".into()))],
    )
    .await;
    click(&mut app, "Simpan").await;
    let Route::Faktur(pengganti) = route(&app) else {
        panic!("pengganti saved: {:?}", form_of(&app).errors());
    };
    assert_ne!(pengganti, id);
    assert!(on_screen(&app, &format!("011.010-{:02}.00000001", yy())));
    pump_app(&mut app, [Message::Main(W::Page(page::Message::Back))]).await;
    assert_eq!(status_in_list(&app, id), AdminStatus::Diganti);
    assert_eq!(status_in_list(&app, pengganti), AdminStatus::Draft);

    // Batal of the approved pengganti: asked first, then queued for the uploader.
    approve(&store, pengganti);
    pump_app(&mut app, [open(Route::Faktur(pengganti))]).await;
    click(&mut app, "Batal Faktur").await;
    assert!(on_screen(
        &app,
        "Ajukan pembatalan faktur ini ke DJP? Uploader mengirimnya; status menjadi Batal setelah DJP mengonfirmasi."
    ));
    click(&mut app, "Ya").await;
    assert!(on_screen(
        &app,
        "Pembatalan diajukan: menunggu Uploader dan konfirmasi DJP."
    ));
    assert!(faktur_edit::batal_diajukan(store.conn(), pengganti).unwrap());
    // DJP's confirmation (the uploader's record) shows Batal in the list.
    faktur::record_batal(store.conn(), pengganti).unwrap();
    pump_app(&mut app, [open(Route::Administrasi { masukan: false })]).await;
    assert_eq!(status_in_list(&app, pengganti), AdminStatus::Batal);
    assert_eq!(status_in_list(&app, id), AdminStatus::Diganti);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn hapus_a_draft_asks_and_returns_to_the_list() {
    let (ctx, _tmp) = world(true);
    let mut app = logged_in(ctx).await;
    pump_app(&mut app, [open(Route::Rekam { masukan: false })]).await;
    fill_keluaran(&mut app).await;
    click(&mut app, "Simpan").await;
    let Route::Faktur(id) = route(&app) else {
        panic!("saved: {:?}", form_of(&app).errors());
    };
    click(&mut app, "Hapus").await;
    assert!(on_screen(
        &app,
        "Hapus faktur ini? Nomor serinya tidak dipakai lagi."
    ));
    click(&mut app, "Ya").await;
    assert_eq!(route(&app), Route::Administrasi { masukan: false });
    assert!(faktur::get(db(&app).conn(), id).unwrap().is_none());
    assert!(on_screen(&app, "Tidak ada faktur yang cocok."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn upload_makes_a_recorded_faktur_siap_upload_for_the_uploader() {
    let (ctx, _tmp) = world(true);
    let mut app = logged_in(ctx).await;
    pump_app(&mut app, [open(Route::Rekam { masukan: false })]).await;
    fill_keluaran(&mut app).await;
    click(&mut app, "Simpan").await;
    let Route::Faktur(id) = route(&app) else {
        panic!("saved: {:?}", form_of(&app).errors());
    };
    assert!(
        efaktur::store::outbox::ready_for_upload(db(&app).conn())
            .unwrap()
            .is_empty()
    );
    click(&mut app, "Upload Faktur").await;
    assert_eq!(route(&app), Route::Faktur(id));
    assert!(on_screen(&app, "Siap Upload"));
    let stored = faktur::get(db(&app).conn(), id).unwrap().unwrap();
    assert_eq!(stored.approval, efaktur::domain::ApprovalStatus::SiapUpload);
    // What Start Uploader sends next.
    assert_eq!(
        efaktur::store::outbox::ready_for_upload(db(&app).conn()).unwrap(),
        vec![id]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn rekam_masukan_with_the_sellers_number_appears_in_its_list() {
    let (ctx, _tmp) = world(false);
    let mut app = logged_in(ctx).await;
    pump_app(&mut app, [open(Route::Rekam { masukan: true })]).await;
    assert!(on_screen(&app, "Rekam Faktur — Pajak Masukan"));
    assert!(on_screen(&app, "Dapat dikreditkan"));
    type_into(
        &mut app,
        form::NOMOR_INPUT,
        &format!("123{:02}00000042", yy()),
    )
    .await;
    type_into(&mut app, form::ID_INPUT, "01.300.066.6-001.000").await;
    type_into(&mut app, form::NAMA_INPUT, "PT PENJUAL").await;
    for (i, v) in ["1000000", "120000", "0"].into_iter().enumerate() {
        pump_app(&mut app, [to_form(form::Message::Jumlah(i, v.into()))]).await;
    }
    click(&mut app, "Simpan").await;
    let Route::Faktur(id) = route(&app) else {
        panic!("saved: {:?}", form_of(&app).errors());
    };
    let stored = faktur::get(db(&app).conn(), id).unwrap().unwrap();
    assert_eq!(
        stored.faktur.nsfp.digits(),
        format!("123{:02}00000042", yy())
    );
    assert_eq!(
        stored.faktur.jenis,
        efaktur::domain::faktur::Jenis::Masukan { dikreditkan: true }
    );
    pump_app(&mut app, [Message::Main(W::Page(page::Message::Back))]).await;
    assert_eq!(route(&app), Route::Administrasi { masukan: true });
    assert_eq!(status_in_list(&app, id), AdminStatus::Draft);
    // The seller went into Referensi Lawan Transaksi.
    assert!(
        party::by_npwp(db(&app).conn(), "013000666001000")
            .unwrap()
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn errors_stand_next_to_their_fields_and_nothing_is_saved() {
    let (ctx, _tmp) = world(true);
    let mut app = logged_in(ctx).await;
    pump_app(&mut app, [open(Route::Rekam { masukan: false })]).await;
    // The identity is checked as typed.
    type_into(&mut app, form::ID_INPUT, "01.300.066.6-001.00X").await;
    assert!(on_screen(
        &app,
        "ETAX-20005 : NPWP mengandung karakter tidak sah 'X' (hanya angka, titik dan tanda minus)"
    ));
    // Simpan without a name and without lines: each problem under its field, nothing written.
    click(&mut app, "Simpan").await;
    assert!(matches!(route(&app), Route::Rekam { .. }));
    for shown in [
        "Faktur belum disimpan: periksa isian yang ditandai merah.",
        "ETAX-20008 : NAMA wajib diisi",
        "ETAX-20022 : faktur keluaran harus punya paling sedikit satu baris OF (barang/jasa)",
    ] {
        assert!(on_screen(&app, shown), "{shown}");
    }
    let errors = form_of(&app).errors();
    assert!(errors.iter().any(|e| e.field == "NAMA"));
    assert!(errors.iter().any(|e| e.field == "NPWP"));
    let store = db(&app);
    assert!(!nsfp::is_used(store.conn(), Nsfp::new(10, yy(), 1).unwrap()).unwrap());
    // Fixing the name takes its error away at once.
    type_into(&mut app, form::NAMA_INPUT, "PT BARU").await;
    assert!(!on_screen(&app, "ETAX-20008 : NAMA wajib diisi"));
    // Esc would lose what was typed: asked first; staying keeps every field.
    pump_app(&mut app, [Message::Escape]).await;
    assert!(on_screen(
        &app,
        app.ctx.t(crate::ui::i18n::Key::TinggalkanRekam)
    ));
    click(&mut app, "Tetap di sini").await;
    assert!(matches!(route(&app), Route::Rekam { .. }));
    assert_eq!(form_of(&app).fields().nama, "PT BARU");
    // The menu asks as well; leaving goes without saving.
    pump_app(&mut app, [open(Route::Home)]).await;
    assert!(on_screen(&app, "Tinggalkan halaman ini?"));
    click(&mut app, "Tetap di sini").await;
    pump_app(&mut app, [Message::Escape]).await;
    click(&mut app, "Tinggalkan").await;
    assert_eq!(route(&app), Route::Administrasi { masukan: false });
    assert!(
        faktur::list(db(&app).conn(), Default::default())
            .unwrap()
            .is_empty()
    );
}

/// Nothing typed, nothing to lose: the menu leaves an untouched form at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn an_untouched_form_leaves_without_asking() {
    let (ctx, _tmp) = world(true);
    let mut app = logged_in(ctx).await;
    pump_app(&mut app, [open(Route::Rekam { masukan: false })]).await;
    pump_app(&mut app, [open(Route::Home)]).await;
    assert_eq!(route(&app), Route::Home);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn no_nsfp_left_is_etax_20018_with_what_to_do_and_the_form_keeps_its_data() {
    let (ctx, _tmp) = world(false);
    let mut app = logged_in(ctx).await;
    pump_app(&mut app, [open(Route::Rekam { masukan: false })]).await;
    fill_keluaran(&mut app).await;
    click(&mut app, "Simpan").await;
    assert!(matches!(route(&app), Route::Rekam { .. }));
    let banner = format!(
        "ETAX-20018 : tidak ada NSFP tersisa untuk tahun {}; rekam range baru di Referensi > \
         Nomor Faktur (atau Minta NSFP), lalu Simpan lagi",
        today().year()
    );
    assert!(on_screen(&app, &banner), "{banner}");
    assert_eq!(form_of(&app).fields().lines.len(), 1);
    assert!(
        faktur::list(db(&app).conn(), Default::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn nik_and_passport_buyers_make_the_domains_draft() {
    let mut f = Fields::new(false, NaiveDate::from_ymd_opt(2025, 2, 3).unwrap());
    f.id_kind = IdKind::Nik;
    f.id = "3578104709870002".into();
    f.nama = "Budi".into();
    f.alamat = "Surabaya".into();
    f.lines.push(super::lines::LineInput {
        nama: "Jasa".into(),
        harga_satuan: "1000".into(),
        jumlah: "2".into(),
        ..Default::default()
    });
    let v = f.validate().unwrap();
    assert_eq!(v.lawan_nik.as_deref(), Some("3578104709870002"));
    assert_eq!(v.lawan_nama, "Budi");
    assert!(v.lawan_npwp.is_none());
    assert_eq!((v.masa, v.tahun), (2, 2025));
    assert_eq!(v.totals.ppn.value(), 240);

    f.id = "0578104709870002".into();
    assert!(f.id_problem().is_some(), "a NIK does not start with 0");
    f.id_kind = IdKind::Paspor;
    f.id = "A1234567".into();
    let v = f.validate().unwrap();
    assert_eq!(
        v.coretax.buyer_document,
        Some(efaktur::domain::BuyerDocument::Passport)
    );
    assert_eq!(v.coretax.buyer_document_number.as_deref(), Some("A1234567"));
    f.id = String::new();
    let missing = f.validate().unwrap_err();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].message, "nomor paspor wajib diisi");
    // An empty NIK is said under the identity, not as a broken NAMA.
    f.id_kind = IdKind::Nik;
    let missing = f.validate().unwrap_err();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(
        (missing[0].field, missing[0].message.as_str()),
        ("NPWP", "NIK wajib diisi")
    );
}

/// A faktur from a Coretax XML keeps what the XML said (buyer document, places of business,
/// each line's barang/jasa code and unit) through Ubah; the buyer's document follows the
/// identity typed.
#[test]
fn ubah_keeps_what_a_coretax_xml_said() {
    let stored = efaktur::domain::FakturDraft {
        kd_jenis_transaksi: "01".into(),
        fg_pengganti: "0".into(),
        nomor_faktur: "0102500000001".into(),
        masa_pajak: "2".into(),
        tahun_pajak: "2025".into(),
        tanggal_faktur: "03/02/2025".into(),
        npwp: "013000666001000".into(),
        nama: "PT ALFA".into(),
        alamat: "Jakarta".into(),
        jumlah_dpp: "2000".into(),
        jumlah_ppn: "240".into(),
        jumlah_ppnbm: "0".into(),
        items: vec![efaktur::domain::FakturItemDraft {
            nama: "Semen".into(),
            harga_satuan: "1000".into(),
            jumlah_barang: "2".into(),
            harga_total: "2000".into(),
            diskon: "0".into(),
            dpp: "2000".into(),
            ppn: "240".into(),
            tarif_ppnbm: "0".into(),
            ppnbm: "0".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut f = efaktur::domain::FakturDraft {
        kode_dokumen_pendukung: "PIB-1".into(),
        ..stored
    }
    .validate()
    .unwrap();
    f.coretax.buyer_document = Some(efaktur::domain::BuyerDocument::Tin);
    f.coretax.buyer_idtku = Some("0013000666001000000000".into());
    f.coretax.seller_idtku = Some("0013463476415001000000".into());
    let line = efaktur::domain::CoretaxLine::new("A", "250100", "UM.0003").unwrap();
    f.items[0].coretax = Some(line.clone());

    let mut fields = Fields::of_faktur(&f, false);
    fields.referensi = "DIUBAH".into();
    let again = fields.validate().unwrap();
    assert_eq!(again.coretax, f.coretax);
    assert_eq!(again.items[0].coretax, Some(line));
    assert_eq!(again.referensi, "DIUBAH");
    assert_eq!(again.kode_dokumen_pendukung, "PIB-1");

    fields.id_kind = IdKind::Paspor;
    fields.id = "X1234".into();
    let paspor = fields.validate().unwrap();
    assert_eq!(
        paspor.coretax.buyer_document,
        Some(efaktur::domain::BuyerDocument::Passport)
    );
    assert_eq!(paspor.coretax.seller_idtku, f.coretax.seller_idtku);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn the_form_speaks_english_when_chosen() {
    let (mut ctx, _tmp) = world(true);
    ctx.settings.language = crate::ui::i18n::Lang::En;
    let mut app = logged_in(ctx).await;
    pump_app(&mut app, [open(Route::Rekam { masukan: false })]).await;
    fill_keluaran(&mut app).await;
    for shown in [
        "Record invoice — Output tax (Pajak Keluaran)",
        "The serial number is taken from Referensi Nomor Faktur on Save.",
        "Buyer",
        "Add line",
        "Total — DPP: 150,000 · PPN: 18,000 · PPnBM: 0",
        "Save",
    ] {
        assert!(on_screen(&app, shown), "{shown}");
    }
    for indonesian in ["Simpan", "Tambah baris", "Pembeli"] {
        assert!(!on_screen(&app, indonesian), "{indonesian}");
    }
}

/// Every error text on screen (they open with DJP's code).
fn error_texts(app: &App) -> Vec<String> {
    let mut found = Vec::new();
    let _ = window(app).find(|c: iced_test::selector::Candidate<'_>| {
        if let iced_test::selector::Candidate::Text { content, .. } = c
            && content.contains("ETAX-")
        {
            found.push(content.to_string());
        }
        None::<()>
    });
    found
}

/// A Rekam Faktur form with one of each kind of error after Simpan: an NPWP with a wrong check
/// digit (said as typed), an empty date and address, a 300-character name, a line whose price
/// has letters, a line too large to compute and one whose PPnBM rate is over 100.
async fn form_with_errors(lang: crate::ui::i18n::Lang) -> (App, tempfile::TempDir) {
    let (mut ctx, tmp) = world(true);
    ctx.settings.language = lang;
    let mut app = logged_in(ctx).await;
    pump_app(&mut app, [open(Route::Rekam { masukan: false })]).await;
    let line = |f: LineField, v: &str| to_form(form::Message::Line(f, v.into()));
    let nines = "9".repeat(10);
    pump_app(
        &mut app,
        [
            to_form(form::Message::Id("013000667091000".into())),
            to_form(form::Message::Nama("A".repeat(300))),
            to_form(form::Message::Alamat(String::new())),
            to_form(form::Message::Tanggal(String::new())),
            line(LineField::Nama, "Kertas"),
            line(LineField::HargaSatuan, "12a"),
            line(LineField::Jumlah, "1"),
            to_form(form::Message::AddLine),
            line(LineField::Nama, "Emas"),
            line(LineField::HargaSatuan, &nines),
            line(LineField::Jumlah, &nines),
            to_form(form::Message::AddLine),
            line(LineField::Nama, "Mobil"),
            line(LineField::HargaSatuan, "1000"),
            line(LineField::Jumlah, "1"),
            line(LineField::TarifPpnbm, "150"),
            to_form(form::Message::AddLine),
            to_form(form::Message::Simpan),
        ],
    )
    .await;
    assert!(matches!(route(&app), Route::Rekam { .. }), "not saved");
    (app, tmp)
}

/// The form's field and line errors in English, with their detail (the digit, the value, the
/// limit), the form's own checks too; DJP's codes stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn field_errors_speak_english_when_chosen() {
    use crate::ui::lang_tests::assert_english;
    let (mut app, _tmp) = form_with_errors(crate::ui::i18n::Lang::En).await;
    let shown = error_texts(&app);
    for s in &shown {
        assert_english("Rekam Faktur", s);
    }
    let all = shown.join("\n");
    for detail in [
        "ETAX-20005 : the NPWP's check digit does not match: digit 9 should be",
        "must be filled in",
        "longer than 255 characters",
        "'12a'",
        "HARGA_TOTAL ETAX-20004 : unit price × quantity (or the discount) has more than 18 digits",
        "TARIF_PPNBM ETAX-20004 : the PPnBM rate is at most 100 (%)",
    ] {
        assert!(all.contains(detail), "{detail} in {shown:#?}");
    }
    // The identity's own checks as typed.
    let cases = [
        (IdKind::Nik, "", "ETAX-20013 : NIK must be filled in"),
        (
            IdKind::Nik,
            "0013000666091000",
            "ETAX-20005 : a NIK is 16 digits and does not start with 0",
        ),
        (
            IdKind::Paspor,
            "AB-12",
            "ETAX-20005 : a passport number is letters and digits only, 20 at most",
        ),
        (
            IdKind::Paspor,
            "",
            "ETAX-20013 : the passport number must be filled in",
        ),
    ];
    for (kind, id, said) in cases {
        pump_app(
            &mut app,
            [
                to_form(form::Message::IdKind(kind)),
                to_form(form::Message::Id(id.into())),
            ],
        )
        .await;
        assert!(on_screen(&app, said), "{said} in {:#?}", error_texts(&app));
    }
    for s in error_texts(&app) {
        assert_english("Rekam Faktur", &s);
    }
}

/// In Bahasa Indonesia the same form says what it always said.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn field_errors_stay_indonesian_by_default() {
    let (mut app, _tmp) = form_with_errors(crate::ui::i18n::Lang::Id).await;
    let number =
        "bukan angka yang sah (gunakan titik sebagai pemisah desimal, tanpa pemisah ribuan)";
    let empty = |f: &str| format!("{f} ETAX-20004 : '' {number}");
    let lines_of = |e: &[String]| e.join("\n");
    assert_eq!(
        error_texts(&app),
        [
            "ETAX-20006 : tanggal '' tidak sah; tulis tanggal/bulan/tahun, mis. 23/07/2015".into(),
            "ETAX-20005 : NPWP tidak sesuai dengan cek digit: digit ke-9 seharusnya 6".into(),
            "ETAX-10003 : NAMA lebih dari 255 karakter; persingkat teksnya".into(),
            "ETAX-20008 : ALAMAT_LENGKAP wajib diisi".into(),
            lines_of(&[
                format!("HARGA_SATUAN ETAX-20004 : '12a' {number}"),
                empty("HARGA_TOTAL"),
                empty("DPP"),
                empty("PPN"),
            ]),
            "HARGA_TOTAL ETAX-20004 : harga satuan × jumlah (atau diskon) lebih dari 18 digit; \
             periksa angkanya"
                .to_string(),
            "TARIF_PPNBM ETAX-20004 : tarif PPnBM paling tinggi 100 (%)".into(),
        ]
    );
    let cases = [
        (IdKind::Nik, "", "ETAX-20013 : NIK wajib diisi"),
        (
            IdKind::Nik,
            "0013000666091000",
            "ETAX-20005 : NIK adalah 16 digit dan tidak diawali 0",
        ),
        (
            IdKind::Paspor,
            "AB-12",
            "ETAX-20005 : nomor paspor hanya huruf dan angka, paling banyak 20",
        ),
        (IdKind::Paspor, "", "ETAX-20013 : nomor paspor wajib diisi"),
    ];
    for (kind, id, said) in cases {
        pump_app(
            &mut app,
            [
                to_form(form::Message::IdKind(kind)),
                to_form(form::Message::Id(id.into())),
            ],
        )
        .await;
        assert!(on_screen(&app, said), "{said} in {:#?}", error_texts(&app));
    }
}
