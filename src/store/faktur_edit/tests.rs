use chrono::NaiveDate;

use super::*;
use crate::domain::{FakturDraft, NsfpRange};
use crate::store::Store;
use crate::store::faktur::tests::draft;
use crate::store::{faktur, outbox};

/// A new faktur keluaran of 05/03/2024 as the form hands it over: validated with the
/// placeholder number.
fn baru() -> Faktur {
    let date = NaiveDate::from_ymd_opt(2024, 3, 5);
    draft(&placeholder_nsfp(date).digits()).validate().unwrap()
}

fn store_with_range(first: &str, last: &str) -> Store {
    let store = Store::open_in_memory().unwrap();
    let r = NsfpRange::new(Nsfp::parse(first).unwrap(), Nsfp::parse(last).unwrap()).unwrap();
    nsfp::add_range(
        store.conn(),
        r,
        NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
    )
    .unwrap();
    store
}

fn approve(conn: &Connection, id: i64) {
    for to in [ApprovalStatus::SiapUpload, ApprovalStatus::DalamProses] {
        faktur::set_approval(conn, id, to, "test").unwrap();
    }
    faktur::record_approval(conn, id, "2024-03-06T10:00:00", "https://qr").unwrap();
}

fn status(conn: &Connection, id: i64) -> (FakturStatus, ApprovalStatus) {
    let s = faktur::get(conn, id).unwrap().unwrap();
    (s.status, s.approval)
}

#[test]
fn rekam_takes_the_next_nsfp_in_the_same_transaction_and_links_it() {
    let mut store = store_with_range("0102400000007", "0102400000008");
    let (id, n) = store
        .transaction(|tx| rekam_keluaran(tx, baru(), "admin"))
        .unwrap();
    assert_eq!(n.digits(), "0102400000007");
    let stored = faktur::get(store.conn(), id).unwrap().unwrap();
    assert_eq!(stored.faktur.nsfp, n);
    assert_eq!(stored.approval, ApprovalStatus::Draft);
    let linked: Option<i64> = store
        .conn()
        .query_row(
            "SELECT faktur_id FROM nsfp_use WHERE nsfp = ?1",
            [n.digits()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(linked, Some(id));
}

#[test]
fn a_failed_insert_gives_the_number_back_and_none_left_is_etax_20018() {
    let mut store = store_with_range("0102400000001", "0102400000001");
    // The faktur is refused after the number was taken: the rollback returns it.
    let mut bad = baru();
    bad.lawan_nama = String::new();
    let refused = store.transaction(|tx| rekam_keluaran(tx, bad, "admin"));
    assert!(refused.is_err());
    assert!(!nsfp::is_used(store.conn(), Nsfp::parse("0102400000001").unwrap()).unwrap());
    store
        .transaction(|tx| rekam_keluaran(tx, baru(), "admin"))
        .unwrap();
    let e = store
        .transaction(|tx| rekam_keluaran(tx, baru(), "admin"))
        .unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax20018);
    assert!(e.to_string().contains("Referensi > Nomor Faktur"), "{e}");
    // A year without any range says so too.
    let mut other_year = baru();
    other_year.tanggal = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
    let e = store
        .transaction(|tx| rekam_keluaran(tx, other_year, "admin"))
        .unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax20018);
}

#[test]
fn a_faktur_dated_before_its_ranges_notice_is_refused_and_keeps_the_number_free() {
    let mut store = store_with_range("0102400000001", "0102400000002");
    let mut early = baru();
    early.tanggal = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    early.masa = 1;
    let e = store
        .transaction(|tx| rekam_keluaran(tx, early, "admin"))
        .unwrap_err();
    assert_eq!(e.code(), DjpCode::EtaxService20025);
    assert!(e.to_string().contains("02/01/2024"), "{e}");
    assert!(!nsfp::is_used(store.conn(), Nsfp::parse("0102400000001").unwrap()).unwrap());
}

#[test]
fn ubah_replaces_header_and_lines_while_not_approved_and_keeps_the_number() {
    let mut store = store_with_range("0102400000001", "0102400000009");
    let (id, n) = store
        .transaction(|tx| rekam_keluaran(tx, baru(), "admin"))
        .unwrap();
    let mut d: FakturDraft = draft(&n.digits());
    d.referensi = "INV/UBAH".into();
    d.items.push(d.items[0].clone());
    d.jumlah_dpp = "2000000".into();
    d.jumlah_ppn = "220000".into();
    let changed = d.validate().unwrap();
    store
        .transaction(|tx| ubah(tx, id, &changed, "admin"))
        .unwrap();
    let back = faktur::get(store.conn(), id).unwrap().unwrap();
    assert_eq!(back.faktur, changed);

    // Another number for a faktur keluaran is refused, and so is another kode status.
    let other = draft("0102400000009").validate().unwrap();
    assert!(
        store
            .transaction(|tx| ubah(tx, id, &other, "admin"))
            .is_err()
    );
    let mut flagged = changed.clone();
    flagged.status = KodeStatus::Pengganti;
    let e = store
        .transaction(|tx| ubah(tx, id, &flagged, "admin"))
        .unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax20026);

    // A Reject faktur is corrected and becomes Draft; an approved one is refused.
    faktur::set_approval(store.conn(), id, ApprovalStatus::SiapUpload, "t").unwrap();
    assert!(
        store
            .transaction(|tx| ubah(tx, id, &changed, "admin"))
            .is_err()
    );
    faktur::set_approval(store.conn(), id, ApprovalStatus::DalamProses, "t").unwrap();
    faktur::record_reject(store.conn(), id, "ETAX-API-10005", "tanggal").unwrap();
    store
        .transaction(|tx| ubah(tx, id, &changed, "admin"))
        .unwrap();
    let back = faktur::get(store.conn(), id).unwrap().unwrap();
    assert_eq!(back.approval, ApprovalStatus::Draft);
    assert_eq!(back.reject_code, None);
    approve(store.conn(), id);
    let e = store
        .transaction(|tx| ubah(tx, id, &changed, "admin"))
        .unwrap_err();
    assert!(e.to_string().contains("Approval Sukses"), "{e}");
}

#[test]
fn hapus_removes_a_draft_and_its_number_is_never_handed_out_again() {
    let mut store = store_with_range("0102400000001", "0102400000009");
    let (id, n) = store
        .transaction(|tx| rekam_keluaran(tx, baru(), "admin"))
        .unwrap();
    outbox::enqueue(store.conn(), id, outbox::Kind::Upload).unwrap();
    store.transaction(|tx| hapus(tx, id, "admin")).unwrap();
    assert!(faktur::get(store.conn(), id).unwrap().is_none());
    assert!(
        nsfp::is_used(store.conn(), n).unwrap(),
        "the number stays spent"
    );
    let (_, next) = store
        .transaction(|tx| rekam_keluaran(tx, baru(), "admin"))
        .unwrap();
    assert_ne!(next, n);
    assert_eq!(outbox::pending_count(store.conn()).unwrap(), 0);
}

#[test]
fn pengganti_needs_an_approved_original_which_becomes_diganti_and_returns_when_it_is_deleted() {
    let mut store = store_with_range("0102400000001", "0102400000009");
    let (id, n) = store
        .transaction(|tx| rekam_keluaran(tx, baru(), "admin"))
        .unwrap();
    let mut d = draft(&n.digits());
    d.fg_pengganti = "1".into();
    d.tanggal_faktur = "20/03/2024".into();
    d.referensi = "INV/GANTI".into();
    let pengganti = d.validate().unwrap();

    // Not yet approved: ETAX-20039, nothing changes.
    let e = store
        .transaction(|tx| rekam_pengganti(tx, id, &pengganti, "admin"))
        .unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax20039);
    assert_eq!(status(store.conn(), id).0, FakturStatus::Normal);

    approve(store.conn(), id);
    // Dated before the original: ETAX-20027.
    let mut early = pengganti.clone();
    early.tanggal = NaiveDate::from_ymd_opt(2024, 3, 4).unwrap();
    let e = store
        .transaction(|tx| rekam_pengganti(tx, id, &early, "admin"))
        .unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax20027);

    let new = store
        .transaction(|tx| rekam_pengganti(tx, id, &pengganti, "admin"))
        .unwrap();
    assert_eq!(status(store.conn(), id).0, FakturStatus::Diganti);
    assert_eq!(status(store.conn(), new).0, FakturStatus::NormalPengganti);
    // A Diganti faktur is not replaced twice.
    assert!(
        store
            .transaction(|tx| rekam_pengganti(tx, id, &pengganti, "admin"))
            .is_err()
    );

    // The pengganti was never uploaded: deleting it puts the original back in force.
    store.transaction(|tx| hapus(tx, new, "admin")).unwrap();
    assert_eq!(status(store.conn(), id).0, FakturStatus::Normal);
}

#[test]
fn batal_of_an_approved_faktur_waits_for_the_uploader_once_and_a_draft_is_refused() {
    let mut store = store_with_range("0102400000001", "0102400000009");
    let (id, _) = store
        .transaction(|tx| rekam_keluaran(tx, baru(), "admin"))
        .unwrap();
    let e = store
        .transaction(|tx| ajukan_batal(tx, id, "admin"))
        .unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax20038);
    assert!(e.to_string().contains("Hapus"), "{e}");
    assert!(!batal_diajukan(store.conn(), id).unwrap());

    approve(store.conn(), id);
    store
        .transaction(|tx| ajukan_batal(tx, id, "admin"))
        .unwrap();
    store
        .transaction(|tx| ajukan_batal(tx, id, "admin"))
        .unwrap();
    assert!(batal_diajukan(store.conn(), id).unwrap());
    assert_eq!(outbox::pending_count(store.conn()).unwrap(), 1);
    // Hapus of an approved faktur is refused; so is a pengganti of one being cancelled.
    assert!(store.transaction(|tx| hapus(tx, id, "admin")).is_err());
    let mut d = draft(
        &faktur::get(store.conn(), id)
            .unwrap()
            .unwrap()
            .faktur
            .nsfp
            .digits(),
    );
    d.fg_pengganti = "1".into();
    let p = d.validate().unwrap();
    let e = store
        .transaction(|tx| rekam_pengganti(tx, id, &p, "admin"))
        .unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax20039);
    assert_eq!(status(store.conn(), id).0, FakturStatus::Normal);
}

#[test]
fn masukan_rekam_and_pengganti_by_the_sellers_number() {
    let mut store = Store::open_in_memory().unwrap();
    let mut d = draft("0102400000001");
    d.is_creditable = Some("1".into());
    let f = d.validate().unwrap();
    let id = store
        .transaction(|tx| rekam_masukan(tx, &f, "admin"))
        .unwrap();
    d.fg_pengganti = "1".into();
    let p = d.validate().unwrap();
    let new = store
        .transaction(|tx| rekam_masukan(tx, &p, "admin"))
        .unwrap();
    assert_eq!(status(store.conn(), id).0, FakturStatus::Diganti);
    assert_eq!(status(store.conn(), new).0, FakturStatus::NormalPengganti);
}

/// A Local Database of schema 7 with a faktur, its pengganti (Belum Approve) and an outbox row
/// opens, gains the indexes of 0008_rekam.sql, and Hapus of the pengganti works on it: the
/// original comes back in force.
#[test]
fn a_database_of_schema_7_with_a_pengganti_migrates_and_hapus_works_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v5.sqlite");
    {
        let c = Connection::open(&path).unwrap();
        crate::store::migrate::create_at_version(&c, 7);
        c.execute_batch(
            "INSERT INTO faktur (id, jenis, kode_transaksi, fg_pengganti, nsfp, masa, tahun, tanggal,
               lawan_npwp, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn, jumlah_ppnbm,
               status_faktur, status_approval, created_at, updated_at)
             VALUES (1, 'keluaran', 1, 0, '0102500000001', 2, 2025, '2025-02-03',
               '013000666091000', 'PT LAMA', 'Jl. A', 100, 12, 0, 'diganti', 'approval_sukses',
               '', ''),
               (2, 'keluaran', 1, 1, '0102500000001', 2, 2025, '2025-02-10',
               '013000666091000', 'PT LAMA', 'Jl. A', 100, 12, 0, 'normal_pengganti', 'draft',
               '', '');
             UPDATE faktur SET replaces_id = 1 WHERE id = 2;
             INSERT INTO faktur_item (faktur_id, line_no, kode_objek, nama, harga_satuan,
               jumlah_barang, harga_total, diskon, dpp, ppn, tarif_ppnbm, ppnbm)
             VALUES (2, 1, 'K1', 'Semen', '100', '1', '100', '0', '100', '12', '0', '0');
             INSERT INTO outbox (faktur_id, kind, idempotency_key, next_attempt_at, created_at)
             VALUES (1, 'upload', 'kunci-lama', '2025-02-04T00:00:00Z', '2025-02-04T00:00:00Z');",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let v: i64 = store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, crate::store::SCHEMA_VERSION);
    let indexes: Vec<String> = store
        .conn()
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('faktur_replaces', 'outbox_faktur') ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(indexes, ["faktur_replaces", "outbox_faktur"]);
    // Deleting a faktur looks its pointers up by index, not by reading every faktur.
    let plan: Vec<String> = store
        .conn()
        .prepare("EXPLAIN QUERY PLAN SELECT 1 FROM faktur WHERE replaces_id = 2")
        .unwrap()
        .query_map([], |r| r.get(3))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(
        plan.iter().any(|p| p.contains("faktur_replaces")),
        "{plan:?}"
    );
    assert_eq!(status(store.conn(), 1).0, FakturStatus::Diganti);
    store.transaction(|tx| hapus(tx, 2, "admin")).unwrap();
    assert_eq!(status(store.conn(), 1).0, FakturStatus::Normal);
    assert_eq!(outbox::pending_count(store.conn()).unwrap(), 1);
    store.integrity_check().unwrap();
}

#[test]
fn ubah_writes_the_coretax_values_of_the_faktur_and_its_lines() {
    let mut store = store_with_range("0102400000001", "0102400000009");
    let (id, n) = store
        .transaction(|tx| rekam_keluaran(tx, baru(), "admin"))
        .unwrap();
    let mut f = draft(&n.digits()).validate().unwrap();
    f.coretax.buyer_document = Some(crate::domain::BuyerDocument::Passport);
    f.coretax.buyer_document_number = Some("X1234".into());
    f.coretax.seller_idtku = Some("0013463476415001000000".into());
    f.items[0].coretax = Some(crate::domain::CoretaxLine::new("B", "000000", "UM.0033").unwrap());
    store.transaction(|tx| ubah(tx, id, &f, "admin")).unwrap();
    assert_eq!(faktur::get(store.conn(), id).unwrap().unwrap().faktur, f);
    // Back to a buyer with NPWP: the passport is gone.
    f.coretax.buyer_document = None;
    f.coretax.buyer_document_number = None;
    store.transaction(|tx| ubah(tx, id, &f, "admin")).unwrap();
    assert_eq!(faktur::get(store.conn(), id).unwrap().unwrap().faktur, f);
}

#[test]
fn upload_makes_a_recorded_faktur_siap_upload_and_refuses_what_cannot_be_sent() {
    let mut store = store_with_range("0102400000007", "0102400000009");
    let (id, _) = store
        .transaction(|tx| rekam_keluaran(tx, baru(), "admin"))
        .unwrap();
    siap_upload(store.conn(), id, "admin").unwrap();
    assert_eq!(status(store.conn(), id).1, ApprovalStatus::SiapUpload);
    // The uploader's queue takes it.
    assert_eq!(outbox::ready_for_upload(store.conn()).unwrap(), vec![id]);
    // Twice: it is no longer Draft.
    let again = siap_upload(store.conn(), id, "admin").unwrap_err();
    assert_eq!(again.code(), DjpCode::Etax20008);

    // A number outside every recorded range (an imported faktur): ETAX-20017, still Draft.
    let outside = faktur::insert(
        store.conn(),
        &draft("0102400000100").validate().unwrap(),
        ApprovalStatus::Draft,
        "t",
    )
    .unwrap();
    let e = siap_upload(store.conn(), outside, "admin").unwrap_err();
    assert_eq!(e.code(), DjpCode::Etax20017);
    assert_eq!(status(store.conn(), outside).1, ApprovalStatus::Draft);

    // A faktur masukan is not uploaded.
    let mut d = draft("0102400000001");
    d.is_creditable = Some("1".into());
    let m = store
        .transaction(|tx| rekam_masukan(tx, &d.validate().unwrap(), "admin"))
        .unwrap();
    assert_eq!(
        siap_upload(store.conn(), m, "admin").unwrap_err().code(),
        DjpCode::Etax20008
    );

    // All at once, as `efaktur upload --siapkan` does after an import: the next recorded one
    // becomes Siap Upload, the one outside every range stays Draft, the masukan is not touched.
    let (next, _) = store
        .transaction(|tx| rekam_keluaran(tx, baru(), "admin"))
        .unwrap();
    assert_eq!(siap_upload_all(store.conn(), "admin").unwrap(), (1, 1));
    assert_eq!(status(store.conn(), next).1, ApprovalStatus::SiapUpload);
    assert_eq!(status(store.conn(), outside).1, ApprovalStatus::Draft);
    assert_eq!(status(store.conn(), m).1, ApprovalStatus::Draft);
}
