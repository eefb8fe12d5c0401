//! The Referensi pages through the workspace, driven with `iced_test`'s simulator: Lawan
//! Transaksi and Barang/Jasa add/edit/delete-refused-while-used, Nomor Faktur record and
//! *Minta NSFP* against the real e-Nofa server on loopback (in-process, simulasi mode), and the
//! roles of Administrasi User. Tasks really run against a Local Database in a temporary folder.

use std::collections::VecDeque;
use std::sync::Arc;

use efaktur::cert::Identity;
use efaktur::config::Settings;
use efaktur::domain::{ApprovalStatus, DjpCode, Npwp, Nsfp};
use efaktur::enofa::client::EnofaClient;
use efaktur::enofa::server::RunningServer;
use efaktur::paths::AppDirs;
use efaktur::store::user::{self, Role};
use efaktur::store::{Store, faktur, nsfp};
use iced::widget::Id;
use iced_test::simulator;

use super::{barang_jasa, lawan_transaksi, nomor_faktur, satuan::Satuan, user as users};
use crate::ui::ctx::{Ctx, Session};
use crate::ui::i18n::Lang;
use crate::ui::service::Secret;
use crate::ui::test_support::{ctx_with_session, outputs, services};
use crate::ui::wire;
use crate::ui::workspace::page::{self, Page};
use crate::ui::workspace::route::Route;
use crate::ui::workspace::{Action, Message as W, Workspace};

/// Runs workspace messages and every task they start until nothing is left.
async fn pump(w: &mut Workspace, ctx: &Ctx, msgs: impl IntoIterator<Item = W>) {
    let mut queue: VecDeque<W> = msgs.into_iter().collect();
    while let Some(m) = queue.pop_front() {
        if let Action::Run(t) = w.update(m, ctx) {
            queue.extend(outputs(t).await);
        }
    }
}

/// Interacts with the workspace's view, then runs what it produced.
async fn act(w: &mut Workspace, ctx: &Ctx, steps: impl FnOnce(&mut iced_test::Simulator<'_, W>)) {
    let msgs: Vec<W> = {
        let mut ui = simulator(w.view(ctx));
        steps(&mut ui);
        ui.into_messages().collect()
    };
    pump(w, ctx, msgs).await;
}

fn type_into(ui: &mut iced_test::Simulator<'_, W>, id: &'static str, text: &str) {
    ui.click(Id::new(id))
        .unwrap_or_else(|e| panic!("no field {id}: {e}"));
    ui.typewrite(text);
}

fn on_screen(w: &Workspace, ctx: &Ctx, text: &str) -> bool {
    simulator(w.view(ctx)).find(text).is_ok()
}

/// Opens Referensi > `entry` by clicking the menu.
async fn open(w: &mut Workspace, ctx: &Ctx, entry: &str) {
    let menu = match ctx.lang() {
        Lang::Id => "Referensi",
        Lang::En => "References",
    };
    act(w, ctx, |ui| {
        ui.click(menu).unwrap();
    })
    .await;
    act(w, ctx, |ui| {
        ui.click(entry)
            .unwrap_or_else(|e| panic!("no menu entry {entry}: {e}"));
    })
    .await;
}

/// A registered Local Database with the user `admin` (Administrator) logged in.
fn admin_ctx() -> (Ctx, tempfile::TempDir) {
    let (mut ctx, tmp) = ctx_with_session();
    let s = ctx.session.as_mut().unwrap();
    let db = Store::open(&s.db_path).unwrap();
    user::create(db.conn(), "admin", "rahasia-123").unwrap();
    s.user = Some("admin".into());
    (ctx, tmp)
}

/// Saves a faktur keluaran for `npwp` whose line carries item code `kode`.
fn faktur_for(ctx: &Ctx, nsfp13: &str, npwp: &str, kode: &str) -> i64 {
    let mut f = efaktur::domain::FakturDraft {
        kd_jenis_transaksi: "01".into(),
        fg_pengganti: "0".into(),
        nomor_faktur: nsfp13.into(),
        masa_pajak: "3".into(),
        tahun_pajak: "2024".into(),
        tanggal_faktur: "05/03/2024".into(),
        npwp: npwp.into(),
        nama: "PT SATU".into(),
        alamat: "Jl. Sudirman 1".into(),
        jumlah_dpp: "1000000".into(),
        jumlah_ppn: "110000".into(),
        jumlah_ppnbm: "0".into(),
        referensi: "INV/9".into(),
        ..Default::default()
    };
    f.items.push(efaktur::domain::FakturItemDraft {
        kode_objek: kode.into(),
        nama: "Jasa konsultasi".into(),
        harga_satuan: "1000000".into(),
        jumlah_barang: "1".into(),
        harga_total: "1000000".into(),
        diskon: "0".into(),
        dpp: "1000000".into(),
        ppn: "110000".into(),
        tarif_ppnbm: "0".into(),
        ppnbm: "0".into(),
    });
    let f = f.validate().unwrap();
    let db = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
    faktur::insert(db.conn(), &f, ApprovalStatus::Draft, "test").unwrap()
}

fn lawan(w: &Workspace) -> &lawan_transaksi::LawanTransaksiPage {
    match &w.page {
        Page::LawanTransaksi(p) => p,
        _ => panic!("not on Lawan Transaksi"),
    }
}

fn barang(w: &Workspace) -> &barang_jasa::BarangJasaPage {
    match &w.page {
        Page::BarangJasa(p) => p,
        _ => panic!("not on Barang/Jasa"),
    }
}

fn nomor(w: &Workspace) -> &nomor_faktur::NomorFaktur {
    match &w.page {
        Page::NomorFaktur(p) => p,
        _ => panic!("not on Nomor Faktur"),
    }
}

fn user_page(w: &Workspace) -> &users::Users {
    match &w.page {
        Page::AdministrasiUser(p) => p,
        _ => panic!("not on Administrasi User"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn lawan_transaksi_add_edit_and_delete_refused_while_a_faktur_names_it() {
    let (ctx, _tmp) = admin_ctx();
    let (mut w, boot) = Workspace::new(&ctx);
    pump(&mut w, &ctx, outputs(boot).await).await;
    open(&mut w, &ctx, "Lawan Transaksi").await;
    assert!(on_screen(&w, &ctx, "Belum ada data."));

    // A wrong NPWP and a missing address are said next to their fields; nothing is saved.
    act(&mut w, &ctx, |ui| {
        ui.click("Tambah").unwrap();
    })
    .await;
    act(&mut w, &ctx, |ui| {
        // The ninth digit is the check digit: 6 is right, 5 is not.
        type_into(ui, lawan_transaksi::NPWP_INPUT, "01.300.066.5-091.000");
        type_into(ui, lawan_transaksi::NAMA_INPUT, "PT SATU");
        ui.tap_key(iced::keyboard::key::Named::Enter);
    })
    .await;
    let mut ui = simulator(w.view(&ctx));
    let npwp_error = ui
        .find(|c: iced_test::selector::Candidate<'_>| match c {
            iced_test::selector::Candidate::Text { content, .. }
                if content.starts_with("ETAX-20005 : ") =>
            {
                Some(())
            }
            _ => None,
        })
        .is_ok();
    assert!(npwp_error, "the NPWP check digit is shown at the field");
    assert!(ui.find("Wajib diisi").is_ok(), "alamat is required");
    drop(ui);
    assert!(lawan(&w).rows().is_empty());

    // Fixed: saved, listed.
    pump(
        &mut w,
        &ctx,
        [
            lw(lawan_transaksi::Message::Input(
                lawan_transaksi::Field::Npwp,
                "01.300.066.6-091.000".into(),
            )),
            lw(lawan_transaksi::Message::Input(
                lawan_transaksi::Field::Alamat,
                "Jl. Sudirman 1".into(),
            )),
        ],
    )
    .await;
    act(&mut w, &ctx, |ui| {
        ui.click("Simpan").unwrap();
    })
    .await;
    assert!(lawan(&w).banner().is_none(), "{:?}", lawan(&w).banner());
    assert!(on_screen(&w, &ctx, "Data tersimpan."));
    assert!(on_screen(&w, &ctx, "01.300.066.6-091.000"));

    // Ubah: the form holds the entry; typing appends to the name.
    act(&mut w, &ctx, |ui| {
        ui.click("Ubah").unwrap();
    })
    .await;
    act(&mut w, &ctx, |ui| {
        type_into(ui, lawan_transaksi::NAMA_INPUT, " BARU");
        ui.tap_key(iced::keyboard::key::Named::Enter);
    })
    .await;
    assert_eq!(lawan(&w).rows()[0].party.nama, "PT SATU BARU");
    assert!(on_screen(&w, &ctx, "PT SATU BARU"));

    // The search narrows the list as typed.
    act(&mut w, &ctx, |ui| {
        type_into(ui, lawan_transaksi::SEARCH_INPUT, "tidak-ada");
    })
    .await;
    assert!(lawan(&w).rows().is_empty());
    pump(
        &mut w,
        &ctx,
        [lw(lawan_transaksi::Message::SearchChanged("baru".into()))],
    )
    .await;
    assert_eq!(lawan(&w).rows().len(), 1);

    // A faktur names it: Hapus is refused with the reason; the entry stays.
    faktur_for(&ctx, "0002400000001", "013000666091000", "A1");
    act(&mut w, &ctx, |ui| {
        ui.click("Hapus").unwrap();
    })
    .await;
    assert!(on_screen(&w, &ctx, "Hapus PT SATU BARU?"), "asks first");
    act(&mut w, &ctx, |ui| {
        ui.click("Ya, hapus").unwrap();
    })
    .await;
    let f = lawan(&w).banner().expect("refused");
    assert_eq!(
        f.to_string(),
        "ETAX-10003 : Data ini dipakai oleh 1 faktur dan tidak dapat dihapus. Ubah datanya bila \
         perlu; faktur yang sudah ada tidak berubah."
    );
    assert!(
        on_screen(&w, &ctx, &f.to_string()),
        "the banner is on screen"
    );
    assert_eq!(lawan(&w).rows().len(), 1);

    // An entry no faktur names goes; Esc closes the confirmation without deleting.
    pump(
        &mut w,
        &ctx,
        [
            lw(lawan_transaksi::Message::SearchChanged(String::new())),
            lw(lawan_transaksi::Message::New),
            lw(lawan_transaksi::Message::Input(
                lawan_transaksi::Field::Nik,
                "3578104709870002".into(),
            )),
            lw(lawan_transaksi::Message::Input(
                lawan_transaksi::Field::Nama,
                "Budi".into(),
            )),
            lw(lawan_transaksi::Message::Input(
                lawan_transaksi::Field::Alamat,
                "Surabaya".into(),
            )),
            lw(lawan_transaksi::Message::Save),
        ],
    )
    .await;
    let budi = lawan(&w)
        .rows()
        .iter()
        .find(|e| e.party.nama == "Budi")
        .expect("added without NPWP")
        .id;
    pump(&mut w, &ctx, [lw(lawan_transaksi::Message::Delete(budi))]).await;
    let esc = w.on_escape().expect("Esc closes the dialog");
    pump(&mut w, &ctx, [esc]).await;
    assert_eq!(lawan(&w).rows().len(), 2);
    pump(
        &mut w,
        &ctx,
        [
            lw(lawan_transaksi::Message::Delete(budi)),
            lw(lawan_transaksi::Message::ConfirmDelete),
        ],
    )
    .await;
    assert_eq!(lawan(&w).rows().len(), 1);
    assert!(on_screen(&w, &ctx, "Data dihapus."));
}

fn lw(m: lawan_transaksi::Message) -> W {
    W::Page(page::Message::LawanTransaksi(m))
}

fn bj(m: barang_jasa::Message) -> W {
    W::Page(page::Message::BarangJasa(m))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn barang_jasa_add_with_coretax_fields_edit_and_delete_refused_while_a_line_carries_it() {
    let (ctx, _tmp) = admin_ctx();
    let (mut w, _) = Workspace::new(&ctx);
    open(&mut w, &ctx, "Barang/Jasa").await;
    act(&mut w, &ctx, |ui| {
        ui.click("Tambah").unwrap();
    })
    .await;
    // No unit picked, a 5-digit code and a price of 0: each said at its field.
    act(&mut w, &ctx, |ui| {
        type_into(ui, barang_jasa::KODE_INPUT, "A1");
        type_into(ui, barang_jasa::NAMA_INPUT, "Jasa konsultasi");
        type_into(ui, barang_jasa::HARGA_INPUT, "0");
        ui.tap_key(iced::keyboard::key::Named::Enter);
    })
    .await;
    assert!(on_screen(
        &w,
        &ctx,
        "ETAX-30024 : isi harga satuan berupa angka lebih dari 0 (desimal dengan titik)"
    ));
    assert!(on_screen(&w, &ctx, "Wajib diisi"), "unit required");
    pump(
        &mut w,
        &ctx,
        [
            bj(barang_jasa::Message::Input(
                barang_jasa::Field::Harga,
                "1500000".into(),
            )),
            bj(barang_jasa::Message::Input(
                barang_jasa::Field::CtKode,
                "00000".into(),
            )),
            bj(barang_jasa::Message::Satuan(
                Satuan::by_code("UM.0030").unwrap(),
            )),
            bj(barang_jasa::Message::Save),
        ],
    )
    .await;
    assert!(on_screen(
        &w,
        &ctx,
        "Kode harus 6 digit (000000 bila tidak ada)"
    ));
    assert!(barang(&w).rows().is_empty());
    // The picker lists code and name.
    assert_eq!(
        Satuan::by_code("UM.0030").unwrap().to_string(),
        "UM.0030 Kegiatan"
    );
    act(&mut w, &ctx, |ui| {
        type_into(ui, barang_jasa::CT_KODE_INPUT, "0");
        ui.click("Simpan").unwrap();
    })
    .await;
    assert!(barang(&w).banner().is_none(), "{:?}", barang(&w).banner());
    let saved = &barang(&w).rows()[0];
    let ct = saved.item.coretax.as_ref().expect("Coretax values kept");
    assert_eq!(
        (ct.opt(), ct.kode.as_str(), ct.satuan.as_str()),
        ("A", "000000", "UM.0030")
    );
    assert!(on_screen(&w, &ctx, "A · 000000 · UM.0030"));

    // Ubah: jasa, another unit.
    let id = saved.id;
    pump(
        &mut w,
        &ctx,
        [
            bj(barang_jasa::Message::Edit(id)),
            bj(barang_jasa::Message::Jenis(barang_jasa::Jenis::new(
                true,
                Lang::Id,
            ))),
            bj(barang_jasa::Message::Satuan(
                Satuan::by_code("UM.0027").unwrap(),
            )),
            bj(barang_jasa::Message::Save),
        ],
    )
    .await;
    assert!(on_screen(&w, &ctx, "B · 000000 · UM.0027"));

    // A second item with the same code: ETAX-20020 in the banner.
    pump(
        &mut w,
        &ctx,
        [
            bj(barang_jasa::Message::New),
            bj(barang_jasa::Message::Input(
                barang_jasa::Field::Kode,
                "A1".into(),
            )),
            bj(barang_jasa::Message::Input(
                barang_jasa::Field::Nama,
                "Lain".into(),
            )),
            bj(barang_jasa::Message::Input(
                barang_jasa::Field::Harga,
                "1".into(),
            )),
            bj(barang_jasa::Message::Satuan(
                Satuan::by_code("UM.0018").unwrap(),
            )),
            bj(barang_jasa::Message::Save),
        ],
    )
    .await;
    assert_eq!(
        barang(&w).banner().and_then(|f| f.code),
        Some(DjpCode::Etax20020)
    );
    pump(&mut w, &ctx, [bj(barang_jasa::Message::CloseForm)]).await;

    // A faktur line carries A1: delete refused.
    faktur_for(&ctx, "0002400000001", "013000666091000", "A1");
    act(&mut w, &ctx, |ui| {
        ui.click("Hapus").unwrap();
    })
    .await;
    act(&mut w, &ctx, |ui| {
        ui.click("Ya, hapus").unwrap();
    })
    .await;
    let f = barang(&w).banner().expect("refused");
    assert!(f.message.contains("dipakai oleh 1 faktur"), "{f}");
    assert_eq!(barang(&w).rows().len(), 1);
}

fn nf(m: nomor_faktur::Message) -> W {
    W::Page(page::Message::NomorFaktur(m))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn nomor_faktur_records_a_range_and_shows_which_faktur_took_which_number() {
    let (ctx, _tmp) = admin_ctx();
    let (mut w, _) = Workspace::new(&ctx);
    open(&mut w, &ctx, "Nomor Faktur").await;
    assert!(on_screen(
        &w,
        &ctx,
        "Belum ada range Nomor Faktur. Rekam range dari surat DJP, atau Minta NSFP ke server e-Nofa."
    ));
    act(&mut w, &ctx, |ui| {
        ui.click("Rekam Range").unwrap();
    })
    .await;
    // The end before the start is refused at its field, as the domain refuses it.
    act(&mut w, &ctx, |ui| {
        type_into(ui, nomor_faktur::DARI_INPUT, "000-24.00000010");
        type_into(ui, nomor_faktur::SAMPAI_INPUT, "000-24.00000001");
        type_into(ui, nomor_faktur::TANGGAL_INPUT, "02/01/2024");
        ui.tap_key(iced::keyboard::key::Named::Enter);
    })
    .await;
    assert!(nomor(&w).ranges().is_empty());
    assert!(
        simulator(w.view(&ctx))
            .find(|c: iced_test::selector::Candidate<'_>| match c {
                iced_test::selector::Candidate::Text { content, .. }
                    if content.starts_with("ETAX-20007 : ") =>
                {
                    Some(())
                }
                _ => None,
            })
            .is_ok()
    );
    pump(
        &mut w,
        &ctx,
        [
            nf(nomor_faktur::Message::Input(
                nomor_faktur::Field::Dari,
                "0002400000001".into(),
            )),
            nf(nomor_faktur::Message::Input(
                nomor_faktur::Field::Sampai,
                "0002400000010".into(),
            )),
            nf(nomor_faktur::Message::Rekam),
        ],
    )
    .await;
    assert!(nomor(&w).banner().is_none(), "{:?}", nomor(&w).banner());
    let r = &nomor(&w).ranges()[0];
    assert_eq!((r.recorded.range.len(), r.used, r.free()), (10, 0, 10));
    assert!(on_screen(
        &w,
        &ctx,
        "Range 000-24.00000001 s.d. 000-24.00000010 (10 nomor) direkam."
    ));

    // An overlapping range: ETAX-20016.
    pump(
        &mut w,
        &ctx,
        [
            nf(nomor_faktur::Message::OpenRekam),
            nf(nomor_faktur::Message::Input(
                nomor_faktur::Field::Dari,
                "0002400000005".into(),
            )),
            nf(nomor_faktur::Message::Input(
                nomor_faktur::Field::Sampai,
                "0002400000020".into(),
            )),
            nf(nomor_faktur::Message::Input(
                nomor_faktur::Field::Tanggal,
                "02/01/2024".into(),
            )),
            nf(nomor_faktur::Message::Rekam),
            nf(nomor_faktur::Message::CloseDialog),
        ],
    )
    .await;
    assert_eq!(
        nomor(&w).banner().and_then(|f| f.code),
        Some(DjpCode::Etax20016)
    );

    // A faktur takes 0002400000003; the list says who.
    let fid = faktur_for(&ctx, "0002400000003", "013000666091000", "A1");
    {
        let db = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
        let n = Nsfp::parse("0002400000003").unwrap();
        nsfp::claim(db.conn(), n).unwrap();
        nsfp::link_faktur(db.conn(), n, fid).unwrap();
    }
    pump(&mut w, &ctx, [W::Open(Route::NomorFaktur)]).await;
    let r = &nomor(&w).ranges()[0];
    assert_eq!((r.used, r.free()), (1, 9));
    act(&mut w, &ctx, |ui| {
        ui.click("Nomor terpakai").unwrap();
    })
    .await;
    let used = nomor(&w).used();
    assert_eq!(used.len(), 1);
    assert_eq!(used[0].faktur_id, Some(fid));
    assert!(on_screen(&w, &ctx, "000-24.00000003"));
    assert!(on_screen(&w, &ctx, "PT SATU"));
    assert!(on_screen(&w, &ctx, "INV/9"));
}

/// The simulasi server on loopback, the demo PKP registered through the real client, its
/// Local Database with the certificate, and `admin` logged in.
struct Registered {
    ctx: Ctx,
    password: String,
    passphrase: String,
    _server: Arc<RunningServer>,
    _tmp: tempfile::TempDir,
}

async fn registered() -> Registered {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = AppDirs::new(Some(tmp.path())).unwrap();
    dirs.ensure().unwrap();
    let (sim, server) = wire::start_simulasi(&dirs).await.unwrap();
    let bytes = std::fs::read(&sim.p12_path).unwrap();
    let identity = Identity::from_p12(&bytes, sim.passphrase.expose()).unwrap();
    let client = EnofaClient::new(&sim.server.url, &sim.server.ca_pem, &identity).unwrap();
    let captcha = client.captcha().await.unwrap();
    let answer = server.demo_captcha_answer(&captcha.id).unwrap();
    let npwp = Npwp::parse(&sim.npwp).unwrap();
    let r = client
        .register(
            &npwp,
            sim.kode_aktivasi.as_ref().unwrap(),
            &captcha.id,
            &answer,
            &sim.password,
        )
        .await
        .unwrap();
    let (db_path, profile) = efaktur::registration::save(
        &dirs,
        &npwp,
        (&r.profile.nama, &r.profile.alamat),
        &r.client_id,
        &sim.server.url,
        (sim.p12_path.as_path(), &identity.info(), &bytes),
    )
    .unwrap();
    {
        let db = Store::open(&db_path).unwrap();
        user::create(db.conn(), "admin", "rahasia-123").unwrap();
    }
    let mut session = Session::new(db_path, profile);
    session.user = Some("admin".into());
    let ctx = Ctx {
        dirs,
        settings: Settings::default(),
        services: services(Some(server.clone())),
        simulasi: Some(sim.clone()),
        server: Some(sim.server.clone()),
        session: Some(session),
    };
    Registered {
        ctx,
        password: sim.password.expose().to_string(),
        passphrase: sim.passphrase.expose().to_string(),
        _server: server,
        _tmp: tmp,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn minta_nsfp_from_the_real_enofa_server_is_recorded_as_a_range_and_the_quota_holds() {
    let reg = registered().await;
    let ctx = &reg.ctx;
    let (mut w, _) = Workspace::new(ctx);
    open(&mut w, ctx, "Nomor Faktur").await;
    act(&mut w, ctx, |ui| {
        ui.click("Minta NSFP").unwrap();
    })
    .await;
    assert!(on_screen(&w, ctx, "Submit"), "the dialog is open");
    let hint = format!(
        "Data PKP latihan (hanya simulasi): Password e-Nofa {} · Passphrase {}",
        reg.password, reg.passphrase
    );
    assert!(
        on_screen(&w, ctx, &hint),
        "a trainee reads the demo secrets"
    );
    // Nothing typed: every field says so, nothing is asked of the server.
    act(&mut w, ctx, |ui| {
        ui.click("Submit").unwrap();
    })
    .await;
    assert!(nomor(&w).ranges().is_empty());
    act(&mut w, ctx, |ui| {
        type_into(ui, nomor_faktur::JUMLAH_INPUT, "25");
        type_into(ui, nomor_faktur::PEMOHON_INPUT, "Budi Santoso");
        type_into(ui, nomor_faktur::JABATAN_INPUT, "Direktur");
        type_into(ui, nomor_faktur::PASSWORD_INPUT, &reg.password);
        type_into(ui, nomor_faktur::PASSPHRASE_INPUT, &reg.passphrase);
        ui.tap_key(iced::keyboard::key::Named::Enter);
    })
    .await;
    assert!(nomor(&w).banner().is_none(), "{:?}", nomor(&w).banner());
    let ranges = nomor(&w).ranges();
    assert_eq!(ranges.len(), 1, "the granted range is recorded");
    assert_eq!((ranges[0].recorded.range.len(), ranges[0].free()), (25, 25));
    let first = ranges[0].recorded.range.start();
    assert!(on_screen(&w, ctx, &ranges[0].recorded.range.to_string()));
    // The recorded numbers are handed out by Rekam Faktur.
    {
        let mut db = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
        assert_eq!(db.allocate_nsfp(first.year()).unwrap(), first);
    }

    // The quota (75 unused with no faktur approved): 25 held, 60 more is refused, and nothing
    // is recorded.
    pump(
        &mut w,
        ctx,
        [
            nf(nomor_faktur::Message::OpenMinta),
            nf(nomor_faktur::Message::Input(
                nomor_faktur::Field::Jumlah,
                "60".into(),
            )),
            nf(nomor_faktur::Message::Input(
                nomor_faktur::Field::Pemohon,
                "Budi".into(),
            )),
            nf(nomor_faktur::Message::Input(
                nomor_faktur::Field::Jabatan,
                "Direktur".into(),
            )),
            nf(nomor_faktur::Message::Secret(
                nomor_faktur::Field::Password,
                Secret::new(reg.password.as_str()),
            )),
            nf(nomor_faktur::Message::Secret(
                nomor_faktur::Field::Passphrase,
                Secret::new(reg.passphrase.as_str()),
            )),
            nf(nomor_faktur::Message::Minta),
        ],
    )
    .await;
    let f = nomor(&w).banner().expect("refused by the quota");
    assert_eq!(f.code, Some(DjpCode::Etax20008), "{f}");
    assert!(f.message.contains("kuota"), "{f}");
    assert_eq!(nomor(&w).ranges().len(), 1);

    // A wrong e-Nofa password: ETAX-40004, nothing recorded.
    pump(
        &mut w,
        ctx,
        [
            nf(nomor_faktur::Message::Input(
                nomor_faktur::Field::Jumlah,
                "5".into(),
            )),
            nf(nomor_faktur::Message::Secret(
                nomor_faktur::Field::Password,
                Secret::new("salah"),
            )),
            nf(nomor_faktur::Message::Minta),
        ],
    )
    .await;
    assert_eq!(
        nomor(&w).banner().and_then(|f| f.code),
        Some(DjpCode::Etax40004)
    );
    assert_eq!(nomor(&w).ranges().len(), 1);
}

fn us(m: users::Message) -> W {
    W::Page(page::Message::AdministrasiUser(m))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn roles_a_perekam_reads_referensi_and_changes_only_their_password() {
    let (mut ctx, _tmp) = admin_ctx();
    let (mut w, _) = Workspace::new(&ctx);
    open(&mut w, &ctx, "Administrasi User").await;
    assert!(on_screen(&w, &ctx, "Login sebagai admin (Administrator)"));
    // Add a Perekam (the default role of a new user).
    act(&mut w, &ctx, |ui| {
        type_into(ui, users::NAME_INPUT, "staf");
        type_into(ui, users::ADD_PASSWORD_INPUT, "rahasia-456");
        type_into(ui, users::ADD_REPEAT_INPUT, "rahasia-456");
        ui.click("Tambah").unwrap();
    })
    .await;
    assert!(
        user_page(&w).banner().is_none(),
        "{:?}",
        user_page(&w).banner()
    );
    let list = user_page(&w).users().to_vec();
    let staf = list.iter().find(|u| u.username == "staf").unwrap();
    assert_eq!(staf.role, Role::Perekam);
    let admin_id = list.iter().find(|u| u.username == "admin").unwrap().id;

    // The last active Administrator cannot disable themself.
    pump(
        &mut w,
        &ctx,
        [us(users::Message::SetActive(admin_id, false))],
    )
    .await;
    let f = user_page(&w).banner().expect("refused");
    assert!(f.message.contains("Administrator aktif terakhir"), "{f}");
    assert!(user_page(&w).users().iter().all(|u| u.active));
    assert!(on_screen(&w, &ctx, &f.to_string()));

    // Log in as the Perekam: Referensi read-only, no user list, own password only.
    ctx.session.as_mut().unwrap().user = Some("staf".into());
    let (mut w, _) = Workspace::new(&ctx);
    open(&mut w, &ctx, "Lawan Transaksi").await;
    let read_only = "Anda login sebagai Perekam: Referensi hanya dapat dilihat. Perubahan dilakukan oleh Administrator.";
    assert!(on_screen(&w, &ctx, read_only));
    assert!(!on_screen(&w, &ctx, "Tambah"));
    // Even a message sent past the page is refused by the store.
    pump(
        &mut w,
        &ctx,
        [
            lw(lawan_transaksi::Message::New),
            lw(lawan_transaksi::Message::Save),
        ],
    )
    .await;
    assert!(lawan(&w).rows().is_empty());
    {
        let mut db = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
        let err = super::as_admin(&mut db, "staf", |_, _| Ok(())).unwrap_err();
        assert!(err.to_string().contains("hanya Administrator"), "{err}");
    }
    open(&mut w, &ctx, "Barang/Jasa").await;
    assert!(on_screen(&w, &ctx, read_only));
    open(&mut w, &ctx, "Nomor Faktur").await;
    assert!(!on_screen(&w, &ctx, "Minta NSFP"));
    assert!(!on_screen(&w, &ctx, "Rekam Range"));
    open(&mut w, &ctx, "Administrasi User").await;
    assert!(!on_screen(&w, &ctx, "Daftar user"));
    assert!(!on_screen(&w, &ctx, "Tambah user"));
    act(&mut w, &ctx, |ui| {
        type_into(ui, users::OLD_INPUT, "rahasia-456");
        type_into(ui, users::NEW_INPUT, "baru-7890");
        type_into(ui, users::REPEAT_INPUT, "baru-7890");
        ui.tap_key(iced::keyboard::key::Named::Enter);
    })
    .await;
    assert!(
        on_screen(&w, &ctx, "Password diubah."),
        "{:?}",
        user_page(&w).banner()
    );
    let db = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
    let now = chrono::Utc::now();
    assert!(user::login(db.conn(), "staf", "baru-7890", now).is_ok());

    // Back as admin: disable the Perekam, who then cannot log in.
    ctx.session.as_mut().unwrap().user = Some("admin".into());
    let (mut w, _) = Workspace::new(&ctx);
    open(&mut w, &ctx, "Administrasi User").await;
    assert!(on_screen(&w, &ctx, "Nonaktifkan"), "a button per user");
    let staf_id = user_page(&w)
        .users()
        .iter()
        .find(|u| u.username == "staf")
        .unwrap()
        .id;
    pump(
        &mut w,
        &ctx,
        [us(users::Message::SetActive(staf_id, false))],
    )
    .await;
    assert!(on_screen(&w, &ctx, "User dinonaktifkan."));
    assert!(on_screen(&w, &ctx, "Nonaktif"));
    assert_eq!(
        user::login(db.conn(), "staf", "baru-7890", now),
        Err(user::LoginError::Disabled)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn referensi_pages_speak_english() {
    let (mut ctx, _tmp) = admin_ctx();
    ctx.settings.language = Lang::En;
    {
        let db = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
        let admin = user::admin::require_admin(db.conn(), "admin").unwrap();
        let p = efaktur::store::party::LawanTransaksi {
            npwp: "013000666091000".into(),
            nama: "PT SATU".into(),
            alamat: "Jakarta".into(),
            ..Default::default()
        };
        efaktur::store::party::add(db.conn(), &admin, &p).unwrap();
    }
    faktur_for(&ctx, "0002400000001", "013000666091000", "A1");
    let (mut w, _) = Workspace::new(&ctx);
    open(&mut w, &ctx, "Counterparty").await;
    assert!(on_screen(&w, &ctx, "Add"));
    act(&mut w, &ctx, |ui| {
        ui.click("Delete").unwrap();
    })
    .await;
    act(&mut w, &ctx, |ui| {
        ui.click("Yes, delete").unwrap();
    })
    .await;
    assert!(on_screen(
        &w,
        &ctx,
        "ETAX-10003 : This entry is used by 1 invoice(s) and cannot be deleted. Edit it if \
         needed; existing invoices stay as they are."
    ));
    open(&mut w, &ctx, "Goods/services (Barang/Jasa)").await;
    act(&mut w, &ctx, |ui| {
        ui.click("Add").unwrap();
    })
    .await;
    assert!(on_screen(&w, &ctx, "Unit (Coretax)"));
    assert!(on_screen(&w, &ctx, "Goods or service (Coretax)"));
    open(&mut w, &ctx, "Invoice numbers (Nomor Faktur)").await;
    assert!(on_screen(&w, &ctx, "Record range"));
    open(&mut w, &ctx, "User administration").await;
    assert!(on_screen(&w, &ctx, "Logged in as admin (Administrator)"));
    assert!(on_screen(&w, &ctx, "Change password"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_late_answer_to_an_earlier_keystroke_does_not_replace_the_list() {
    let (ctx, _tmp) = admin_ctx();
    let (mut p, _) = lawan_transaksi::LawanTransaksiPage::new(&ctx);
    let _ = p.update(lawan_transaksi::Message::SearchChanged("p".into()), &ctx);
    let _ = p.update(lawan_transaksi::Message::SearchChanged("pt".into()), &ctx);
    let entry = |nama: &str| efaktur::store::party::Entry {
        id: 1,
        party: efaktur::store::party::LawanTransaksi {
            nama: nama.into(),
            ..Default::default()
        },
    };
    // The answer to "pt" (request 3) arrives first, then the one to "p" (request 2).
    let _ = p.update(
        lawan_transaksi::Message::Loaded(3, Ok((None, vec![entry("PT BARU")]))),
        &ctx,
    );
    let _ = p.update(
        lawan_transaksi::Message::Loaded(2, Ok((None, vec![entry("LAMA")]))),
        &ctx,
    );
    assert_eq!(p.rows().len(), 1);
    assert_eq!(p.rows()[0].party.nama, "PT BARU");
}

/// The error texts on screen (they open with DJP's code).
fn coded_texts(w: &Workspace, ctx: &Ctx) -> Vec<String> {
    let mut found = Vec::new();
    let _ = simulator(w.view(ctx)).find(|c: iced_test::selector::Candidate<'_>| {
        if let iced_test::selector::Candidate::Text { content, .. } = c
            && content.starts_with("ETAX-")
        {
            found.push(content.to_string());
        }
        None::<()>
    });
    found
}

/// A typed NPWP of Lawan Transaksi and a typed range of Nomor Faktur that the domain refuses
/// are said in English when chosen, with their detail (the digit, the character, the numbers).
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn referensi_form_errors_speak_english_when_chosen() {
    use crate::ui::lang_tests::assert_english;
    let (mut ctx, _tmp) = admin_ctx();
    ctx.settings.language = Lang::En;
    let (mut w, _) = Workspace::new(&ctx);
    open(&mut w, &ctx, "Counterparty").await;
    act(&mut w, &ctx, |ui| {
        ui.click("Add").unwrap();
    })
    .await;
    act(&mut w, &ctx, |ui| {
        type_into(ui, lawan_transaksi::NPWP_INPUT, "01.300.066.5-091.000");
        type_into(ui, lawan_transaksi::NAMA_INPUT, "PT SATU");
        ui.tap_key(iced::keyboard::key::Named::Enter);
    })
    .await;
    assert_eq!(
        coded_texts(&w, &ctx),
        ["ETAX-20005 : the NPWP's check digit does not match: digit 9 should be 6"]
    );
    open(&mut w, &ctx, "Invoice numbers (Nomor Faktur)").await;
    act(&mut w, &ctx, |ui| {
        ui.click("Record range").unwrap();
    })
    .await;
    let rekam = |dari: &'static str, sampai: &'static str| {
        move |ui: &mut iced_test::Simulator<'_, W>| {
            type_into(ui, nomor_faktur::DARI_INPUT, dari);
            type_into(ui, nomor_faktur::SAMPAI_INPUT, sampai);
            type_into(ui, nomor_faktur::TANGGAL_INPUT, "02/01/2024");
            ui.tap_key(iced::keyboard::key::Named::Enter);
        }
    };
    act(&mut w, &ctx, rekam("000-24.0000001X", "000-24.00000001")).await;
    let shown = coded_texts(&w, &ctx);
    assert_eq!(
        shown,
        ["ETAX-20007 : an invoice number holds only digits, dots and dashes, not 'X'"]
    );
    pump(
        &mut w,
        &ctx,
        [
            nf(nomor_faktur::Message::Input(
                nomor_faktur::Field::Dari,
                "000-24.00000010".into(),
            )),
            nf(nomor_faktur::Message::Rekam),
        ],
    )
    .await;
    let shown = coded_texts(&w, &ctx);
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].starts_with("ETAX-20007 : the start of the range (")
            && shown[0].contains("is greater than its end ("),
        "{shown:?}"
    );
    for s in &shown {
        assert_english("Rekam Range", s);
    }
    assert!(nomor(&w).ranges().is_empty());
}
