//! File > Backup and File > Restore through the whole app, tasks running against a Local
//! Database in a temporary folder.

use efaktur::store::{Store, backup, user};
use iced_test::simulator;

use super::cadangan::Message as C;
use super::page::{self, Page};
use super::{Message as W, Workspace};
use crate::ui::app::{App, Message, Screen};
use crate::ui::test_support::{ctx_with_session, pump_app};

fn cadangan(m: C) -> Message {
    Message::Main(W::Page(page::Message::Cadangan(m)))
}

async fn click(app: &mut App, label: &str) {
    let mut ui = simulator(app.view());
    ui.click(label).unwrap();
    let msgs: Vec<Message> = ui.into_messages().collect();
    pump_app(app, msgs).await;
}

fn users(path: &std::path::Path) -> i64 {
    let s = Store::open(path).unwrap();
    s.conn()
        .query_row("SELECT count(*) FROM app_user", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn file_backup_then_restore_with_confirmation_returns_to_pilih_database() {
    let (ctx, _tmp) = ctx_with_session();
    let db = ctx.session.as_ref().unwrap().db_path.clone();
    let (mut app, _) = App::new(ctx, None);
    app.screen = Screen::Main(Box::new(Workspace::new(&app.ctx).0));

    click(&mut app, "File").await;
    click(&mut app, "Backup Local Database").await;
    click(&mut app, "Buat Cadangan Sekarang").await;
    let made = backup::list(&db);
    assert_eq!(made.len(), 1, "{made:?}");
    let shown = format!("Cadangan dibuat: {}", made[0].path.display());
    assert!(
        simulator(app.view()).find(shown.as_str()).is_ok(),
        "{shown}"
    );

    // Work after the backup, which the restore takes back.
    user::create(Store::open(&db).unwrap().conn(), "admin", "rahasia-123").unwrap();
    assert_eq!(users(&db), 1);

    click(&mut app, "File").await;
    click(&mut app, "Restore Local Database").await;
    let file = made[0].path.display().to_string();
    pump_app(&mut app, [cadangan(C::PathChanged(file))]).await;
    click(&mut app, "Periksa").await;
    let checked = format!(
        "Cadangan utuh: Local Database NPWP {} (skema {})",
        crate::ui::test_support::NPWP,
        efaktur::store::SCHEMA_VERSION
    );
    assert!(
        simulator(app.view()).find(checked.as_str()).is_ok(),
        "{checked}"
    );
    click(&mut app, "Pulihkan").await;
    // The confirmation is open; Esc would close it, nothing is replaced yet.
    let Screen::Main(w) = &app.screen else {
        panic!("still in the workspace");
    };
    let Page::Cadangan(_) = &w.page else {
        panic!("on the Restore page");
    };
    assert!(
        simulator(app.view())
            .find("Local Database NPWP ini akan diganti dengan isi cadangan. Database yang sekarang disimpan di folder cadangan. Lanjutkan?")
            .is_ok()
    );
    assert_eq!(users(&db), 1, "nothing replaced before the confirmation");
    pump_app(&mut app, [cadangan(C::Confirm)]).await;
    assert!(
        matches!(app.screen, Screen::Connect(_)),
        "back to Pilih Database"
    );
    assert!(app.ctx.session.is_none());
    assert_eq!(users(&db), 0, "the backup's data is back");
    assert!(
        backup::list(&db)
            .iter()
            .any(|b| b.kind == backup::Kind::Replaced)
    );
}
