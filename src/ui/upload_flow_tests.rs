//! Upload > Start Uploader in the window against a real `enofa-server` on loopback (the
//! in-process simulasi server): the dialog, the worker, the list refreshing as answers arrive.
//! Tasks run as the window runs them, concurrently: the uploader's stream lives until Stop.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Datelike, Utc};
use std::path::PathBuf;

use efaktur::cert::{Identity, Secret};
use efaktur::config::Settings;
use efaktur::domain::{ApprovalStatus, FakturDraft, Npwp, Nsfp, NsfpRange};
use efaktur::enofa::EnofaClient;
use efaktur::enofa::server::RunningServer;
use efaktur::enofa::wire::{FakturItemPayload, FakturPayload, NsfpRequest};
use efaktur::paths::AppDirs;
use efaktur::store::faktur_list::AdminStatus;
use efaktur::store::{Store, faktur, nsfp, profile};
use iced::futures::StreamExt;
use iced::futures::channel::mpsc;
use iced::widget::Id;
use iced::{Element, Task};
use iced_test::simulator;

use super::ctx::{Ctx, Session};
use super::screen::captcha;
use super::test_support::services;
use super::wire;
use super::workspace::page::Page;
use super::workspace::{self, Workspace, certificate};

struct World {
    ctx: Ctx,
    /// The session PKP's certificate passphrase and e-Nofa (or branch) password.
    passphrase: Secret,
    password: Secret,
    server: Arc<RunningServer>,
    _tmp: tempfile::TempDir,
}

pub(super) fn payload(nsfp: &str, k: usize) -> FakturPayload {
    let today = Utc::now().date_naive();
    FakturPayload {
        kd_jenis_transaksi: "01".into(),
        fg_pengganti: "0".into(),
        nomor_faktur: nsfp.into(),
        masa_pajak: today.month().to_string(),
        tahun_pajak: today.year().to_string(),
        tanggal_faktur: today.format("%d/%m/%Y").to_string(),
        npwp: "013463476415001".into(),
        nama: format!("PT PEMBELI {k}"),
        alamat: "JL. MERDEKA NO. 1, JAKARTA".into(),
        jumlah_dpp: "1000000".into(),
        jumlah_ppn: "120000".into(),
        jumlah_ppnbm: "0".into(),
        items: vec![FakturItemPayload {
            kode_objek: "B001".into(),
            nama: "Semen 50kg".into(),
            harga_satuan: "100000".into(),
            jumlah_barang: "10".into(),
            harga_total: "1000000".into(),
            diskon: "0".into(),
            dpp: "1000000".into(),
            ppn: "120000".into(),
            tarif_ppnbm: "0".into(),
            ppnbm: "0".into(),
        }],
        ..FakturPayload::default()
    }
}

/// What registering a Local Database needs: the PKP's certificate, Kode Aktivasi, password.
struct Account {
    npwp: Npwp,
    p12_path: PathBuf,
    passphrase: Secret,
    kode: Secret,
    password: Secret,
}

/// `account` registered (as REGISTER ETAX INVOICE records it) in a new Local Database, logged
/// in, with `n` faktur Siap Upload on NSFP it requested from e-Nofa.
async fn registered(dirs: &AppDirs, server: &RunningServer, account: &Account, n: u32) -> Session {
    let npwp = &account.npwp;
    let p12 = std::fs::read(&account.p12_path).unwrap();
    let identity = Identity::from_p12(&p12, account.passphrase.expose()).unwrap();
    let c = EnofaClient::new(&server.api_url, &server.ca_pem, &identity).unwrap();
    let cap = c.captcha().await.unwrap();
    let answer = server.demo_captcha_answer(&cap.id).unwrap();
    let reg = c
        .register(npwp, &account.kode, &cap.id, &answer, &account.password)
        .await
        .unwrap();
    let alloc = c
        .request_nsfp(&NsfpRequest {
            tahun: Utc::now().year(),
            jumlah: n,
            nama_pemohon: "Budi".into(),
            jabatan_pemohon: "Direktur".into(),
            password: account.password.expose().into(),
        })
        .await
        .unwrap();
    let db_path = dirs.db_path(npwp);
    let mut store = Store::open(&db_path).unwrap();
    let meta = efaktur::registration::certificate_meta(&account.p12_path, &identity.info(), &p12);
    let registered = efaktur::registration::record(
        &mut store,
        profile::Profile::new(npwp.clone(), reg.profile.nama, reg.profile.alamat),
        &reg.client_id,
        &server.api_url,
        &meta,
    )
    .unwrap();
    let range = NsfpRange::new(
        Nsfp::parse(&alloc.awal).unwrap(),
        Nsfp::parse(&alloc.akhir).unwrap(),
    )
    .unwrap();
    let first: u64 = alloc.awal[5..].parse().unwrap();
    store
        .transaction(|tx| {
            nsfp::add_range(tx, range, Utc::now().date_naive())?;
            for k in 0..n as usize {
                let number = format!("{}{:08}", &alloc.awal[..5], first + k as u64);
                let f = FakturDraft::from(&payload(&number, k)).validate().unwrap();
                faktur::insert(tx, &f, ApprovalStatus::SiapUpload, "test")?;
            }
            Ok::<_, efaktur::store::StoreError>(())
        })
        .unwrap();
    let mut session = Session::new(db_path, registered);
    session.user = Some("admin".into());
    session
}

/// The simulasi server with the demo PKP registered and `n` faktur Siap Upload.
async fn world(n: u32) -> World {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = AppDirs::new(Some(tmp.path())).unwrap();
    dirs.ensure().unwrap();
    let (sim, server) = wire::start_simulasi(&dirs).await.unwrap();
    let account = Account {
        npwp: Npwp::parse(&sim.npwp).unwrap(),
        p12_path: sim.p12_path.clone(),
        passphrase: sim.passphrase.clone(),
        kode: sim.kode_aktivasi.clone().expect("a fresh Kode Aktivasi"),
        password: sim.password.clone(),
    };
    let session = registered(&dirs, &server, &account, n).await;
    let ctx = Ctx {
        dirs,
        settings: Settings::default(),
        services: services(Some(server.clone())),
        simulasi: Some(sim.clone()),
        server: Some(sim.server.clone()),
        session: Some(session),
    };
    World {
        ctx,
        passphrase: account.passphrase,
        password: account.password,
        server,
        _tmp: tmp,
    }
}

/// The window's loop without a window: every task runs concurrently and its messages come back
/// through one channel, as iced's runtime delivers them.
pub(super) struct Live {
    pub main: Workspace,
    tx: mpsc::UnboundedSender<workspace::Message>,
    rx: mpsc::UnboundedReceiver<workspace::Message>,
}

impl Live {
    pub(super) fn new(ctx: &Ctx) -> Live {
        let (main, boot) = Workspace::new(ctx);
        let (tx, rx) = mpsc::unbounded();
        let mut live = Live { main, tx, rx };
        live.spawn(boot);
        live
    }

    pub(super) fn spawn(&mut self, task: Task<workspace::Message>) {
        use iced_test::runtime::Action;
        let Some(stream) = iced_test::runtime::task::into_stream(task) else {
            return;
        };
        let tx = self.tx.clone();
        tokio::spawn(stream.for_each(move |a| {
            if let Action::Output(m) = a {
                let _ = tx.unbounded_send(m);
            }
            async {}
        }));
    }

    pub(super) fn send(&mut self, ctx: &Ctx, m: workspace::Message) {
        if let workspace::Action::Run(t) = self.main.update(m, ctx) {
            self.spawn(t);
        }
    }

    /// Clicks and types in the window, then handles what that produced.
    pub(super) fn interact(
        &mut self,
        ctx: &Ctx,
        steps: impl FnOnce(&mut iced_test::Simulator<'_, workspace::Message>),
    ) {
        let view: Element<'_, workspace::Message> = self.main.view(ctx);
        let mut ui = simulator(view);
        steps(&mut ui);
        let msgs: Vec<_> = ui.into_messages().collect();
        for m in msgs {
            self.send(ctx, m);
        }
    }

    /// Handles messages as they arrive until `done` holds. The wait only guards against a hang.
    pub(super) async fn until(&mut self, ctx: &Ctx, what: &str, done: impl Fn(&Workspace) -> bool) {
        while !done(&self.main) {
            let next = tokio::time::timeout(Duration::from_secs(120), self.rx.next()).await;
            match next {
                Ok(Some(m)) => self.send(ctx, m),
                _ => panic!("still waiting for: {what}"),
            }
        }
    }
}

pub(super) fn list_statuses(main: &Workspace) -> Vec<AdminStatus> {
    match main.page() {
        Page::Administrasi(p) => p.rows().iter().map(|r| r.status).collect(),
        _ => Vec::new(),
    }
}

fn type_into(ui: &mut iced_test::Simulator<'_, workspace::Message>, id: &'static str, text: &str) {
    ui.click(Id::new(id))
        .unwrap_or_else(|e| panic!("no field {id}: {e}"));
    super::flow_tests::select_all(ui);
    ui.typewrite(text);
}

/// Upload > Start Uploader, the passphrase (nothing remembered), then the captcha dialog.
async fn open_dialog(live: &mut Live, w: &World) {
    let ctx = &w.ctx;
    live.interact(ctx, |ui| {
        ui.click("Upload").unwrap();
    });
    live.interact(ctx, |ui| {
        ui.click("Start Uploader").unwrap();
    });
    // Nothing remembered in the keyring: the passphrase is asked.
    live.until(ctx, "the passphrase prompt", |m| {
        m.uploader().asks_passphrase()
    })
    .await;
    let passphrase = w.passphrase.expose().to_string();
    live.interact(ctx, |ui| {
        type_into(ui, certificate::PROMPT_INPUT, &passphrase);
        ui.tap_key(iced::keyboard::key::Named::Enter);
    });
    live.until(ctx, "a captcha", |m| {
        m.uploader().simulasi_answer().is_some()
    })
    .await;
}

async fn submit(live: &mut Live, w: &World, password: &str) {
    let ctx = &w.ctx;
    let answer = live.main.uploader().simulasi_answer().unwrap().to_string();
    live.interact(ctx, |ui| {
        ui.find("Masukan Captcha dan Password User E-Nofa anda untuk mengakses Web Service")
            .expect("DJP's sentence in the dialog");
        type_into(ui, captcha::CAPTCHA_INPUT, &answer);
        type_into(ui, captcha::PASSWORD_INPUT, password);
        ui.click("Submit").unwrap();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_uploader_approves_the_siap_upload_faktur_in_the_list_then_stops() {
    let w = world(2).await;
    let ctx = &w.ctx;
    let mut live = Live::new(ctx);
    // Faktur > Pajak Keluaran > Administrasi Faktur: both Siap Upload.
    live.send(
        ctx,
        workspace::Message::Open(workspace::route::Route::Administrasi { masukan: false }),
    );
    live.until(ctx, "the list", |m| list_statuses(m).len() == 2)
        .await;
    assert!(
        list_statuses(&live.main)
            .iter()
            .all(|s| *s == AdminStatus::SiapUpload)
    );

    open_dialog(&mut live, &w).await;
    // Enter with no field focused does not open a faktur under the dialog.
    live.send(ctx, workspace::Message::Nav(workspace::page::Nav::Enter));
    assert!(matches!(live.main.page(), Page::Administrasi(_)));
    submit(&mut live, &w, w.password.expose()).await;
    live.until(ctx, "Approval Sukses in the list", |m| {
        let s = list_statuses(m);
        s.len() == 2 && s.iter().all(|s| *s == AdminStatus::ApprovalSukses)
    })
    .await;
    assert!(live.main.uploader().running());
    assert!(!live.main.uploader().dialog_open());
    let stats = live.main.uploader().stats().clone();
    assert_eq!((stats.approved, stats.rejected, stats.sent), (2, 0, 2));
    live.interact(ctx, |ui| {
        ui.find("Approval Sukses").expect("the list shows it");
        ui.find("Uploader berjalan").expect("the status bar");
        ui.click("Stop Uploader").unwrap();
    });
    live.until(ctx, "the uploader to stop", |m| !m.uploader().running())
        .await;
    assert!(live.main.uploader().problem().is_none());
    let mut ui = simulator(live.main.view(ctx));
    ui.find("Uploader berhenti")
        .expect("the status bar says stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_e_nofa_password_shows_djp_message_and_the_uploader_does_not_start() {
    let w = world(1).await;
    let ctx = &w.ctx;
    let mut live = Live::new(ctx);
    open_dialog(&mut live, &w).await;
    submit(&mut live, &w, "bukan-password").await;
    live.until(ctx, "the refusal", |m| {
        m.uploader().dialog_banner().is_some()
    })
    .await;
    let f = live.main.uploader().dialog_banner().unwrap().clone();
    assert!(f.code.is_some(), "a DJP code: {f}");
    assert!(f.to_string().contains("ETAX"), "{f}");
    assert!(!live.main.uploader().running(), "not started");
    assert!(
        live.main.uploader().dialog_open(),
        "the dialog stays for another try"
    );
    let shown = f.to_string();
    live.interact(ctx, |ui| {
        ui.find(shown.as_str()).expect("the message is on screen");
    });
    // Nothing was sent: the faktur is still Siap Upload.
    let store = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
    let all = faktur::list(store.conn(), faktur::Filter::default()).unwrap();
    assert!(all.iter().all(|s| s.approval == ApprovalStatus::SiapUpload));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cabang_starts_the_uploader_with_the_branch_password_and_is_approved() {
    use efaktur::enofa::server::operator;
    use efaktur::enofa::wire::CabangAdd;
    let mut w = world(1).await;
    // The head office (the demo PKP) records its cabang; the KPP approves (operator); the head
    // office makes the cabang's Kode Aktivasi and certificate.
    let pusat = w.ctx.session.clone().unwrap();
    let p12 = std::fs::read(&w.ctx.simulasi.as_ref().unwrap().p12_path).unwrap();
    let identity = Identity::from_p12(&p12, w.passphrase.expose()).unwrap();
    let hc = EnofaClient::new(&w.server.api_url, &w.server.ca_pem, &identity)
        .unwrap()
        .with_client_id(pusat.profile.client_id.clone().unwrap());
    let digits = pusat.profile.npwp.digits().to_string();
    let cabang = Npwp::parse(&format!("{}{}001", &digits[..9], &digits[9..12])).unwrap();
    hc.cabang_add(&CabangAdd {
        npwp: cabang.digits().into(),
        nomor_sk: "SK-001/PJ/2026".into(),
        tanggal_sk: Utc::now().date_naive().format("%d/%m/%Y").to_string(),
        email: "cabang@example.invalid".into(),
        password: "cabang-rahasia".into(),
    })
    .await
    .unwrap();
    let state = w.ctx.dirs.data_dir().join("simulasi");
    operator::cabang_approve(&state, cabang.digits()).unwrap();
    let kode = hc.cabang_kode_aktivasi(&cabang).await.unwrap();
    let passphrase = Secret::new("passphrase-cabang");
    hc.cabang_request_cert(&cabang, &passphrase).await.unwrap();
    operator::cabang_approve_cert(&state, cabang.digits()).unwrap();
    let (_, p12) = hc.cabang_download_cert(&cabang).await.unwrap();
    let p12_path = w.ctx.dirs.data_dir().join("cabang.p12");
    std::fs::write(&p12_path, p12).unwrap();
    let account = Account {
        npwp: cabang.clone(),
        p12_path,
        passphrase: passphrase.clone(),
        kode,
        password: Secret::new("cabang-rahasia"),
    };
    // The cabang's own Local Database, as its own computer would have it.
    let session = registered(&w.ctx.dirs, &w.server, &account, 1).await;
    w.ctx.session = Some(session);
    w.passphrase = passphrase;
    w.password = account.password.clone();
    let ctx = &w.ctx;
    let mut live = Live::new(ctx);
    live.send(
        ctx,
        workspace::Message::Open(workspace::route::Route::Administrasi { masukan: false }),
    );
    live.until(ctx, "the list", |m| list_statuses(m).len() == 1)
        .await;
    open_dialog(&mut live, &w).await;
    live.interact(ctx, |ui| {
        ui.find(
            "NPWP cabang: isi password cabang yang ditetapkan kantor pusat di Administrasi \
             Cabang e-Nofa.",
        )
        .expect("the dialog names the branch password");
    });
    submit(&mut live, &w, w.password.expose()).await;
    live.until(ctx, "Approval Sukses in the cabang's list", |m| {
        list_statuses(m) == [AdminStatus::ApprovalSukses]
    })
    .await;
    live.send(
        ctx,
        workspace::Message::Uploader(workspace::uploader::Message::Stop),
    );
    live.until(ctx, "the uploader to stop", |m| !m.uploader().running())
        .await;
}
