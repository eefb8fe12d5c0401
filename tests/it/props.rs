//! Property tests of everything that reads outside input: the e-Faktur CSV reader, the Coretax
//! XML reader, the field parsers and the upload payload. Inputs are generated (arbitrary bytes
//! and text) and structure-aware (the fixture files with fields replaced, rows dropped or
//! repeated). Case counts are modest so CI stays quick; `benches/fuzz.rs` runs the same targets
//! for as long as one likes.

use std::path::Path;

use proptest::prelude::*;
use proptest::sample::{Index, select};

use efaktur::domain::faktur::{format_tanggal, parse_tanggal};
use efaktur::domain::{Amount, KodeAktivasi, Rupiah};
use efaktur::enofa::wire::{FakturItemPayload, FakturPayload};
use efaktur::exchange::csv_read::{CsvOptions, Entry, read_all};

use super::targets;

fn fixtures(dir: &str, ext: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    names.sort();
    // Some fixtures are not UTF-8 on purpose: keep their bytes as Latin-1-ish text.
    names
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect()
}

/// Values that broke or nearly broke readers somewhere: limits, signs, separators, encodings.
const TRICKY: &[&str] = &[
    "",
    " ",
    "0",
    "-0",
    "-1",
    "1e5",
    "0.005",
    "999999999999999999",
    "999999999999999999.99",
    "999999999999999999.9999999999999999999999",
    "9999999999999999999",
    "79228162514264337593543950335",
    "0.0000000000000000000000000001",
    "1.000.000",
    "1,5",
    "00/00/0000",
    "31/02/2024",
    "29/02/2024",
    "1/1/2025",
    "01/13/2025",
    "0000000000000",
    "0002500000001",
    "010.000-25.00000001",
    "013000666091000",
    "01.300.066.6-091.000",
    "0013000666091000",
    "0013000666091000000000",
    "3171234567890001",
    "\"",
    "\"\"",
    "\\",
    ",",
    ";",
    "\r\n",
    "\u{FEFF}",
    "\u{FFFD}",
    "\u{0}",
    "é",
    "ÿ",
    "<",
    "&amp;",
    "]]>",
    "FK",
    "OF",
    "LT",
    "FM",
    "FAPR",
];

/// Text for one field: tricky values, digit-and-punctuation strings, or anything.
fn field_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(TRICKY).prop_map(str::to_owned),
        3 => "[0-9]{0,24}",
        2 => "[-0-9./ ]{0,24}",
        2 => "[0-9]{1,20}(\\.[0-9]{0,4})?",
        1 => "\\PC{0,40}",
        1 => any::<String>(),
        1 => "[A-Za-z0-9 ]{200,400}",
    ]
}

/// One field as a CSV writer might put it: bare, or quoted with `""` doubling.
fn csv_field(text: &str, quoted: bool) -> String {
    if quoted {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// A fixture CSV changed field by field and row by row.
#[derive(Debug, Clone)]
enum CsvEdit {
    Field(Index, Index, String, bool),
    DropRow(Index),
    RepeatRow(Index, u8),
    AddFields(Index, u8),
    Flag(Index, &'static str),
}

fn csv_edit() -> impl Strategy<Value = CsvEdit> {
    prop_oneof![
        6 => (any::<Index>(), any::<Index>(), field_text(), any::<bool>())
            .prop_map(|(r, f, t, q)| CsvEdit::Field(r, f, t, q)),
        1 => any::<Index>().prop_map(CsvEdit::DropRow),
        1 => (any::<Index>(), 1..40u8).prop_map(|(r, n)| CsvEdit::RepeatRow(r, n)),
        1 => (any::<Index>(), 1..5u8).prop_map(|(r, n)| CsvEdit::AddFields(r, n)),
        1 => (any::<Index>(), select(&["FK", "FM", "OF", "LT", "FAPR", "RK", "XX", ""][..]))
            .prop_map(|(r, f)| CsvEdit::Flag(r, f)),
    ]
}

fn edited_csv(text: &str, edits: &[CsvEdit]) -> String {
    let sep = if text.lines().next().is_some_and(|l| l.contains(';')) {
        ';'
    } else {
        ','
    };
    let mut rows: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(sep).map(str::to_owned).collect())
        .collect();
    for e in edits {
        if rows.is_empty() {
            break;
        }
        let n = rows.len();
        match e {
            CsvEdit::Field(r, f, t, q) => {
                let row = &mut rows[r.index(n)];
                let i = f.index(row.len());
                row[i] = csv_field(t, *q);
            }
            CsvEdit::DropRow(r) => {
                rows.remove(r.index(rows.len()));
            }
            CsvEdit::RepeatRow(r, n) => {
                let i = r.index(rows.len());
                let row = rows[i].clone();
                for _ in 0..*n {
                    rows.insert(i, row.clone());
                }
            }
            CsvEdit::AddFields(r, extra) => {
                let row = &mut rows[r.index(n)];
                row.extend((0..*extra).map(|_| "0".to_owned()));
            }
            CsvEdit::Flag(r, flag) => {
                let row = &mut rows[r.index(n)];
                row[0] = (*flag).to_owned();
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        out.push_str(&row.join(&sep.to_string()));
        out.push('\n');
    }
    out
}

/// A Coretax fixture with element texts replaced and GoodService/TaxInvoice blocks repeated.
fn edited_xml(text: &str, edits: &[(Index, String)], repeat: Option<(bool, u8)>) -> String {
    let mut text = text.to_owned();
    for (at, value) in edits {
        // The texts between `>` and `</`: every leaf element's value.
        let leaves: Vec<(usize, usize)> = text
            .match_indices("</")
            .filter_map(|(end, _)| {
                let start = text[..end].rfind('>')? + 1;
                (!text[start..end].contains('<')).then_some((start, end))
            })
            .collect();
        if leaves.is_empty() {
            break;
        }
        let (start, end) = leaves[at.index(leaves.len())];
        let escaped = value
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        text.replace_range(start..end, &escaped);
    }
    if let Some((goods, n)) = repeat {
        let tag = if goods { "GoodService" } else { "TaxInvoice" };
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        if let (Some(s), Some(e)) = (text.find(&open), text.find(&close)) {
            let block = text[s..e + close.len()].to_owned();
            for _ in 0..n {
                text.insert_str(s, &block);
            }
        }
    }
    text
}

fn payload() -> impl Strategy<Value = FakturPayload> {
    let item = prop::collection::vec(field_text(), 10).prop_map(|f| FakturItemPayload {
        kode_objek: f[0].clone(),
        nama: f[1].clone(),
        harga_satuan: f[2].clone(),
        jumlah_barang: f[3].clone(),
        harga_total: f[4].clone(),
        diskon: f[5].clone(),
        dpp: f[6].clone(),
        ppn: f[7].clone(),
        tarif_ppnbm: f[8].clone(),
        ppnbm: f[9].clone(),
    });
    (
        prop::collection::vec(field_text(), 19),
        prop::collection::vec(item, 0..4),
    )
        .prop_map(|(f, items)| FakturPayload {
            kd_jenis_transaksi: f[0].clone(),
            fg_pengganti: f[1].clone(),
            nomor_faktur: f[2].clone(),
            masa_pajak: f[3].clone(),
            tahun_pajak: f[4].clone(),
            tanggal_faktur: f[5].clone(),
            npwp: f[6].clone(),
            nama: f[7].clone(),
            alamat: f[8].clone(),
            jumlah_dpp: f[9].clone(),
            jumlah_ppn: f[10].clone(),
            jumlah_ppnbm: f[11].clone(),
            id_keterangan_tambahan: f[12].clone(),
            fg_uang_muka: f[13].clone(),
            uang_muka_dpp: f[14].clone(),
            uang_muka_ppn: f[15].clone(),
            uang_muka_ppnbm: f[16].clone(),
            referensi: f[17].clone(),
            kode_dokumen_pendukung: f[18].clone(),
            items,
        })
}

/// The fixture payload with some fields replaced: mostly valid, so validation goes deep.
fn near_valid_payload() -> impl Strategy<Value = FakturPayload> {
    let base: FakturPayload = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/enofa/faktur_payload.json"),
        )
        .unwrap(),
    )
    .unwrap();
    (
        payload(),
        prop::collection::vec(prop::bool::weighted(0.15), 19),
    )
        .prop_map(move |(other, pick)| {
            let mut json = serde_json::to_value(&base).unwrap();
            let other = serde_json::to_value(&other).unwrap();
            let keys: Vec<String> = json
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| *k != "items")
                .cloned()
                .collect();
            for (k, take) in keys.iter().zip(pick) {
                if take {
                    json[k] = other[k].clone();
                }
            }
            serde_json::from_value(json).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn field_parsers_never_panic_and_round_trip(s in field_text()) {
        targets::fields(&s);
    }

    #[test]
    fn amounts_parse_exactly_and_print_back(
        neg in any::<bool>(),
        int in 0u64..1_000_000_000_000_000_000,
        frac in prop::option::of("[0-9]{1,2}"),
    ) {
        let text = format!("{}{int}{}", if neg { "-" } else { "" },
            frac.as_ref().map(|f| format!(".{f}")).unwrap_or_default());
        let a = Amount::parse(&text).unwrap();
        prop_assert_eq!(Amount::parse(&a.to_string()), Ok(a));
        let fractional = frac.as_deref().is_some_and(|f| f.bytes().any(|b| b != b'0'));
        let whole = int as i64;
        let floor = match (neg, fractional) {
            (true, true) => -whole - 1,
            (true, false) => -whole,
            (false, _) => whole,
        };
        prop_assert_eq!(a.floor(), Rupiah::new(floor));
        if frac.is_none() {
            let r = Rupiah::parse(&text).unwrap();
            prop_assert_eq!(r.value().unsigned_abs(), int);
        }
    }

    #[test]
    fn dates_print_and_parse_back(days in 0i64..73_000, padded in any::<bool>()) {
        let d = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Days::new(days as u64);
        prop_assert_eq!(parse_tanggal(&format_tanggal(d)), Some(d));
        use chrono::Datelike;
        let unpadded = format!("{}/{}/{}", d.day(), d.month(), d.year());
        let typed = if padded { format_tanggal(d) } else { unpadded };
        prop_assert_eq!(parse_tanggal(&typed), Some(d));
    }

    #[test]
    fn activation_codes_are_read_as_users_type_them(code in "[A-Za-z0-9]{16}", dashes in any::<bool>()) {
        let typed = if dashes {
            format!("{}-{}-{}-{}", &code[..4], &code[4..8], &code[8..12], &code[12..])
        } else {
            format!(" {} ", code.to_lowercase())
        };
        let k = KodeAktivasi::parse(&typed).unwrap();
        prop_assert_eq!(k.as_str(), code.to_uppercase());
        targets::fields(&typed);
    }

    #[test]
    fn npwp_like_digits_round_trip(
        body in "[0-9]{15,16}|[0-9]{22}|[0-9]{2}\\.[0-9]{3}\\.[0-9]{3}\\.[0-9]-[0-9]{3}\\.[0-9]{3}"
    ) {
        targets::fields(&body);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn csv_reader_survives_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        targets::csv(&bytes, &mut targets::store(), false);
    }

    #[test]
    fn csv_reader_survives_edited_fixtures(
        file in select(fixtures("csv", "csv")),
        edits in prop::collection::vec(csv_edit(), 1..6),
    ) {
        let text = edited_csv(&file, &edits);
        targets::csv(text.as_bytes(), &mut targets::store(), true);
    }

    #[test]
    fn csv_text_fields_survive_quoting(
        nama in "[^\\\\\\x00-\\x1f\\x7f]{1,60}",
        alamat in "[^\\\\\\x00-\\x1f\\x7f]{0,60}",
    ) {
        let fk = format!(
            "FK,01,0,0001500000001,7,2015,23/07/2015,013000666091000,{},{},100,10,0,,0,0,0,0,INV1,\nOF,B1,Semen,100,1,100,0,100,10,0,0\n",
            csv_field(&nama, true),
            csv_field(&alamat, true),
        );
        let (_, entries, problems) = read_all(fk.as_bytes(), CsvOptions::default());
        prop_assert!(problems.is_empty(), "{:?}", problems);
        let Some(Entry::Faktur(f)) = entries.first() else {
            return Err(TestCaseError::fail("no faktur"));
        };
        prop_assert_eq!(&f.draft.nama, nama.trim());
        // ALAMAT_LENGKAP is kept exactly as written (spaces too), so it round-trips.
        prop_assert_eq!(&f.draft.alamat, &alamat);
    }

    #[test]
    fn coretax_reader_survives_any_text(text in "\\PC{0,300}|<TaxInvoiceBulk>\\PC{0,300}") {
        targets::xml(text.as_bytes(), &mut targets::store());
    }

    #[test]
    fn coretax_reader_survives_edited_fixtures(
        file in select(fixtures("xml", "xml")),
        edits in prop::collection::vec((any::<Index>(), field_text()), 1..5),
        repeat in prop::option::of((any::<bool>(), 1..5u8)),
    ) {
        let text = edited_xml(&file, &edits, repeat);
        targets::xml(text.as_bytes(), &mut targets::store());
    }

    #[test]
    fn upload_payloads_validate_without_panic(p in payload()) {
        targets::wire(&serde_json::to_vec(&p).unwrap());
    }

    #[test]
    fn near_valid_upload_payloads_validate_without_panic(p in near_valid_payload()) {
        targets::wire(&serde_json::to_vec(&p).unwrap());
    }

    #[test]
    fn upload_json_of_any_bytes_is_refused_or_read(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        targets::wire(&bytes);
    }
}
