//! What every reader and parser is run through, on any input: the property tests
//! (`tests/it/props.rs`) and the fuzz campaign (`benches/fuzz.rs`, which includes this file)
//! share it. Each function panics only when something is wrong: a panic inside our code, or a
//! broken invariant (a round trip that does not return what went in, a problem on a line the
//! file does not have, a report whose counts disagree).

#![allow(dead_code)] // each includer uses a part

use efaktur::domain::faktur::{format_tanggal, parse_tanggal};
use efaktur::domain::{
    Amount, FakturDraft, KodeAktivasi, KodeTransaksi, NomorFaktur, Npwp, Nsfp, NsfpRange, Rupiah,
};
use efaktur::enofa::wire::FakturPayload;
use efaktur::exchange::csv_read::{CsvOptions, Entry, read_all};
use efaktur::exchange::report::Report;
use efaktur::exchange::{ImportOptions, coretax, import_csv, import_xml, validate_csv};
use efaktur::store::{Store, nsfp, profile};

/// Lines of `bytes` as a reader counts them (a last line without newline counts).
fn line_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// Every problem lies on a line of the file, and the counts agree.
fn report_is_sound(report: &Report, lines: u64) {
    for p in report.errors.iter().chain(report.warnings.iter()) {
        assert!(
            p.line <= lines,
            "problem on line {} of {lines}: {p:?}",
            p.line
        );
        assert!(!p.message.is_empty(), "problem without message: {p:?}");
    }
    assert!(report.errors.total() >= report.errors.len() as u64);
    assert!(report.imported <= report.faktur, "{report:?}");
}

/// A Local Database as the imports find it: a profile (the seller of the XML fixtures) and NSFP
/// ranges for 2015–2025, so checks against recorded numbers run too.
pub fn store() -> Store {
    let store = Store::open_in_memory().expect("in-memory database");
    profile::save(
        store.conn(),
        &profile::Profile::new(
            Npwp::parse("013463476415001").expect("npwp"),
            "PT PENJUAL MAKMUR",
            "JAKARTA",
        ),
    )
    .expect("profile");
    for year in 15..=25u8 {
        let (start, end) = (
            Nsfp::new(0, year, 1).expect("nsfp"),
            Nsfp::new(0, year, 1000).expect("nsfp"),
        );
        let range = NsfpRange::new(start, end).expect("range");
        let date = chrono::NaiveDate::from_ymd_opt(2000 + i32::from(year), 1, 1).expect("date");
        nsfp::add_range(store.conn(), range, date).expect("range");
    }
    store
}

/// An e-Faktur CSV: the streaming reader, draft validation, the check against `store`, and
/// (when `import`) an import into it, rolled back unless everything is valid.
pub fn csv(bytes: &[u8], store: &mut Store, import: bool) {
    let lines = line_count(bytes);
    let (_, entries, problems) = read_all(bytes, CsvOptions::default());
    for p in problems.iter() {
        assert!(p.line <= lines, "reader problem on line {}: {p:?}", p.line);
    }
    for e in &entries {
        if let Entry::Faktur(f) = e {
            assert!(f.line >= 1 && f.line <= lines, "faktur on line {}", f.line);
            for &l in &f.item_lines {
                assert!(
                    l > f.line && l <= lines,
                    "OF on line {l} of a faktur on {}",
                    f.line
                );
            }
            let _ = f.draft.validate();
        }
    }
    let report = validate_csv(bytes, store.conn(), &ImportOptions::default(), &mut |_| {})
        .expect("an in-memory check has no database failure");
    report_is_sound(&report, lines);
    if import {
        let options = ImportOptions {
            skip_invalid: true,
            actor: "fuzz".into(),
            ..ImportOptions::default()
        };
        let report = import_csv(bytes, store, &options, &mut |_| {}).expect("import");
        report_is_sound(&report, lines);
        // The import does not evaluate the tables' CHECK constraints (its validators hold to
        // them); integrity_check does, on everything written.
        store
            .integrity_check()
            .expect("what the import wrote keeps every CHECK constraint");
    }
}

/// A Coretax `TaxInvoiceBulk` XML: the check, and the import (numbers from `store`'s ranges).
pub fn xml(bytes: &[u8], store: &mut Store) {
    let text = String::from_utf8_lossy(bytes);
    let lines = line_count(bytes);
    let report = coretax::check(&text);
    report_is_sound(&report, lines);
    if let Ok(bulk) = coretax::from_xml(&text) {
        // What was read writes back to XML that reads as the same.
        let again = coretax::to_xml(&bulk).expect("serialisable");
        assert_eq!(coretax::from_xml(&again).expect("re-read"), bulk);
    }
    let report = import_xml(&text, store, "fuzz").expect("import");
    report_is_sound(&report, lines);
}

/// An upload as the server receives it: JSON → payload → draft → validation.
pub fn wire(bytes: &[u8]) {
    let Ok(payload) = serde_json::from_slice::<FakturPayload>(bytes) else {
        return;
    };
    let json = serde_json::to_vec(&payload).expect("serialisable");
    assert_eq!(
        serde_json::from_slice::<FakturPayload>(&json).expect("re-read"),
        payload
    );
    let draft = FakturDraft::from(&payload);
    if let Err(errors) = draft.validate() {
        assert!(!errors.is_empty());
        for e in errors {
            assert!(!e.message.is_empty(), "{e:?}");
            assert!(e.item.is_none_or(|i| i < payload.items.len()), "{e:?}");
        }
    }
}

/// Every field parser, and that what parses prints as something that parses to the same.
pub fn fields(s: &str) {
    if let Ok(n) = Npwp::parse(s) {
        assert_eq!(Npwp::parse(&n.to_string()).as_ref(), Ok(&n), "{s:?}");
        assert_eq!(Npwp::parse(n.digits()).as_ref(), Ok(&n), "{s:?}");
        let _ = n.npwp16();
    }
    if let Ok(n) = Nsfp::parse(s) {
        assert_eq!(Nsfp::parse(&n.to_string()), Ok(n), "{s:?}");
        assert_eq!(Nsfp::parse(&n.digits()), Ok(n), "{s:?}");
    }
    if let Ok(n) = NomorFaktur::parse(s) {
        assert_eq!(NomorFaktur::parse(&n.to_string()), Ok(n), "{s:?}");
    }
    if let Ok(k) = KodeAktivasi::parse(s) {
        assert_eq!(KodeAktivasi::parse(&k.to_string()).as_ref(), Ok(&k));
        assert_eq!(KodeAktivasi::parse(k.as_str()).as_ref(), Ok(&k));
    }
    if let Some(k) = KodeTransaksi::parse(s) {
        assert_eq!(KodeTransaksi::parse(&k.to_string()), Some(k), "{s:?}");
    }
    if let Ok(a) = Amount::parse(s) {
        assert_eq!(Amount::parse(&a.to_string()), Ok(a), "{s:?}");
        let _ = (
            a.floor(),
            a.round_half_up(),
            a.round_dp(2),
            a.checked_mul(a),
        );
    }
    if let Ok(r) = Rupiah::parse(s) {
        assert_eq!(Rupiah::parse(&r.to_string()), Ok(r), "{s:?}");
        let _ = r.display_id();
    }
    if let Some(d) = parse_tanggal(s) {
        assert_eq!(parse_tanggal(&format_tanggal(d)), Some(d), "{s:?}");
    }
}
