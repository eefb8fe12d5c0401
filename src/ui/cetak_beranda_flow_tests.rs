//! Cetak from Administrasi Faktur in the window, and Beranda's upload deadline marks. The print
//! runs on its own thread; the PDFs are read back with pdftotext (poppler-utils).

use std::path::Path;

use chrono::{Datelike, Utc};
use efaktur::domain::{ApprovalStatus, FakturDraft};
use efaktur::store::{Store, faktur};

use super::test_support::ctx_with_session;
use super::upload_flow_tests::{Live, list_statuses, payload};
use super::workspace::page::{self, Page};
use super::workspace::{self, route::Route};
use super::workspace::{administrasi, cetak};

fn pdftotext(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn cetak_running(main: &workspace::Workspace) -> Option<bool> {
    match main.page() {
        Page::Administrasi(p) => p.cetak().map(|c| {
            assert!(c.failure().is_none(), "{:?}", c.failure());
            c.running()
        }),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cetak_from_the_list_writes_one_pdf_per_faktur_and_a_merged_one() {
    let (ctx, _tmp) = ctx_with_session();
    let yy = Utc::now().year() % 100;
    let numbers: Vec<String> = (1..=2).map(|k| format!("010{yy:02}{k:08}")).collect();
    {
        let mut store = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
        store
            .transaction(|tx| {
                for (k, n) in numbers.iter().enumerate() {
                    let f = FakturDraft::from(&payload(n, k)).validate().unwrap();
                    faktur::insert(tx, &f, ApprovalStatus::Draft, "test")?;
                }
                Ok::<_, efaktur::store::StoreError>(())
            })
            .unwrap();
    }
    let nomor = |n: &str| format!("010.{}-{}.{}", &n[..3], &n[3..5], &n[5..]);
    let mut live = Live::new(&ctx);
    live.send(
        &ctx,
        workspace::Message::Open(Route::Administrasi { masukan: false }),
    );
    live.until(&ctx, "the list", |m| list_statuses(m).len() == 2)
        .await;

    // The selected (first) faktur into the default folder.
    live.interact(&ctx, |ui| {
        ui.click("Cetak").unwrap();
    });
    assert_eq!(cetak_running(&live.main), Some(false), "the dialog is open");
    live.interact(&ctx, |ui| {
        ui.click("Mulai cetak").unwrap();
    });
    live.until(&ctx, "the print to end", |m| {
        cetak_running(m) == Some(false)
    })
    .await;
    let folder = ctx.dirs.data_dir().join("cetak");
    let files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let first = nomor(&numbers[0]);
    assert_eq!(files[0], folder.join(format!("{first}.pdf")));
    assert!(pdftotext(&files[0]).contains(&first));
    live.interact(&ctx, |ui| {
        ui.find(format!("1 faktur dicetak ke {}", folder.display()))
            .expect("the result is said");
    });

    // Every faktur of the list in one merged PDF (radio labels are not text widgets: the
    // choices go in as the radios send them).
    let choose = |m: cetak::Message| {
        workspace::Message::Page(page::Message::Administrasi(administrasi::Message::Cetak(m)))
    };
    live.send(&ctx, choose(cetak::Message::Scope(1)));
    live.send(&ctx, choose(cetak::Message::Target(cetak::Target::Merged)));
    live.interact(&ctx, |ui| {
        ui.click("Mulai cetak").unwrap();
    });
    live.until(&ctx, "the merged print to end", |m| {
        cetak_running(m) == Some(false)
    })
    .await;
    let merged = folder.join("faktur.pdf");
    let text = pdftotext(&merged);
    for n in &numbers {
        assert!(text.contains(&nomor(n)), "{} in the merged PDF", nomor(n));
    }
    // Esc closes the dialog.
    live.send(&ctx, live.main.on_escape().expect("Esc closes the dialog"));
    assert_eq!(cetak_running(&live.main), None);
}

fn home_deadlines(main: &workspace::Workspace) -> Option<efaktur::store::deadline::Deadlines> {
    match main.page() {
        Page::Home(h) => h.deadlines().cloned(),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beranda_marks_faktur_past_the_upload_deadline_and_links_to_their_masa() {
    use efaktur::domain::deadline;
    let (ctx, _tmp) = ctx_with_session();
    let today = chrono::Local::now().date_naive();
    let (tahun, masa) = deadline::last_overdue(today, ctx.settings.upload.batas_hari);
    let number = format!("010{:02}{:08}", tahun % 100, 7);
    {
        let mut p = payload(&number, 0);
        p.masa_pajak = masa.to_string();
        p.tahun_pajak = tahun.to_string();
        p.tanggal_faktur = format!("01/{masa:02}/{tahun}");
        let store = Store::open(&ctx.session.as_ref().unwrap().db_path).unwrap();
        let f = FakturDraft::from(&p).validate().unwrap();
        faktur::insert(store.conn(), &f, ApprovalStatus::SiapUpload, "test").unwrap();
    }
    let mut live = Live::new(&ctx);
    // Both of Beranda's answers first: the figures arriving later would move the marks.
    live.until(&ctx, "Beranda's figures and deadline marks", |m| {
        home_deadlines(m).is_some() && matches!(m.page(), Page::Home(h) if h.figures().is_some())
    })
    .await;
    let d = home_deadlines(&live.main).unwrap();
    assert_eq!((d.overdue, d.overdue_newest), (1, Some((tahun, masa))));
    let masa_text = format!("{masa:02}/{tahun}");
    live.interact(&ctx, |ui| {
        let said = format!(
            "Lewat batas upload: 1 faktur belum Approval Sukses (masa {masa_text} s.d. {masa_text}). \
             Upload segera; faktur yang terlambat dapat dikenai sanksi."
        );
        ui.find(said.as_str()).expect("the overdue mark");
        ui.click(format!("Lihat masa {masa_text}").as_str()).unwrap();
    });
    live.until(&ctx, "the list of that masa", |m| {
        list_statuses(m).len() == 1
    })
    .await;
    match live.main.page() {
        Page::Administrasi(p) => assert_eq!(p.query().period, Some((tahun, masa))),
        _ => panic!("the list"),
    }
}
