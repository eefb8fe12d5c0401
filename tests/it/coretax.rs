//! Coretax XML (issue #9): export with the amounts the faktur holds, refusals with the faktur and
//! why, every field kept through XML → Local Database → XML, per-line goods/services codes from
//! Referensi Barang/Jasa, branch sellers, duplicate imports, and problems on their own lines.

use std::path::{Path, PathBuf};
use std::process::Command;

use efaktur::domain::{CoretaxLine, DjpCode, Npwp, Nsfp, NsfpRange};
use efaktur::exchange::coretax::{self, CoretaxOptions, TaxInvoiceBulk};
use efaktur::exchange::{
    ImportOptions, Report, XmlImportOptions, import_csv, import_xml, import_xml_with,
};
use efaktur::store::faktur::{self, Filter};
use efaktur::store::item::{self, BarangJasa};
use efaktur::store::{Store, nsfp, profile};

fn xml_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xml")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(xml_fixture(name)).unwrap()
}

/// A branch (…001) of PT Penjual Makmur.
fn branch() -> profile::Profile {
    profile::Profile::new(
        Npwp::parse("013463476415001").unwrap(),
        "PT PENJUAL MAKMUR",
        "JL. INDUSTRI NO. 5 JAKARTA",
    )
}

fn store_for(p: &profile::Profile) -> Store {
    let store = Store::open_in_memory().unwrap();
    profile::save(store.conn(), p).unwrap();
    let range = NsfpRange::new(
        Nsfp::parse("0002500000001").unwrap(),
        Nsfp::parse("0002500000500").unwrap(),
    )
    .unwrap();
    nsfp::add_range(
        store.conn(),
        range,
        chrono::NaiveDate::from_ymd_opt(2025, 1, 2).unwrap(),
    )
    .unwrap();
    store
}

fn import_csv_text(store: &mut Store, csv: &str) -> Report {
    import_csv(
        csv.as_bytes(),
        store,
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap()
}

/// Exports every faktur keluaran of `store` to one Coretax file and reads it back.
fn export(store: &Store, seller: &profile::Profile, options: &CoretaxOptions) -> TaxInvoiceBulk {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ct.xml");
    let files = coretax::write_files(
        store.conn(),
        Filter::default(),
        seller,
        options,
        &out,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(files, vec![out.clone()]);
    let text = std::fs::read_to_string(&out).unwrap();
    let report = coretax::check(&text);
    assert!(report.is_clean(), "{:#?}", report.errors);
    coretax::from_xml(&text).unwrap()
}

/// Faktur of 2025 whose DPP is 11/12 of the price (DPP Nilai Lain) under kode 02, 03 and 07.
const NILAI_LAIN_2025: &str = "\
FK,02,0,0002500000001,2,2025,03/02/2025,016090524017000,DINAS PU,Jl. A,2291666,275000,0,,0,0,0,0,R1,
OF,K1,Aspal,2500000,1,2500000,0,2291666.67,275000,0,0
FK,03,0,0002500000002,2,2025,04/02/2025,016090524017000,PT BUMN,Jl. B,1329166,159500,0,,0,0,0,0,R2,
OF,K2,Pipa,150000,10,1500000,50000,1329166.67,159500,0,0
FK,07,0,0002500000003,2,2025,05/02/2025,013000666091000,PT KEK,Jl. C,2291666,275000,0,1,0,0,0,0,R3,
OF,K3,Mesin,2500000,1,2500000,0,2291666.67,275000,0,0
";

#[test]
fn export_writes_the_vat_and_dpp_the_faktur_holds_for_every_kode() {
    let seller = branch();
    let mut store = store_for(&seller);
    let r = import_csv_text(&mut store, NILAI_LAIN_2025);
    assert!(r.is_clean(), "{:#?}", r.errors);
    let bulk = export(&store, &seller, &CoretaxOptions::default());
    let lines: Vec<(&str, &str, &str, &str)> = bulk
        .list
        .invoices
        .iter()
        .map(|inv| {
            let g = &inv.list_of_good_service.goods[0];
            (
                inv.trx_code.as_str(),
                g.tax_base.as_str(),
                g.other_tax_base.as_str(),
                g.vat.as_str(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("02", "2500000.00", "2291666.67", "275000.00"),
            ("03", "1450000.00", "1329166.67", "159500.00"),
            ("07", "2500000.00", "2291666.67", "275000.00"),
        ]
    );
}

#[test]
fn export_refuses_faktur_coretax_cannot_take_and_names_each() {
    let seller = branch();
    let mut store = store_for(&seller);
    let csv = "\
FK,01,0,0002400000001,3,2024,05/03/2024,013000666091000,PT LAMA,Jl. A,100,11,0,,0,0,0,0,LAMA-1,
OF,K,Barang,100,1,100,0,100,11,0,0
FK,07,0,0002500000001,2,2025,05/02/2025,013000666091000,PT KEK,Jl. C,100,12,0,32,0,0,0,0,KEK-32,
OF,K,Barang,100,1,100,0,100,12,0,0
FK,01,0,0002500000002,2,2025,06/02/2025,013000666091000,PT BENAR,Jl. D,100,12,0,,0,0,0,0,BENAR,
OF,K,Barang,100,1,100,0,100,12,0,0
FK,01,1,0002500000003,2,2025,07/02/2025,013000666091000,PT BENAR,Jl. D,100,12,0,,0,0,0,0,GANTI,
OF,K,Barang,100,1,100,0,100,12,0,0
";
    let r = import_csv_text(&mut store, csv);
    assert!(r.is_clean(), "{:#?}", r.errors);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ct.xml");
    let err = coretax::write_files(
        store.conn(),
        Filter::default(),
        &seller,
        &CoretaxOptions::default(),
        &out,
        &mut |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(!out.exists(), "nothing written");
    assert!(err.contains("3 dari 4 faktur"), "{err}");
    for expected in [
        "LAMA-1",
        "1 Januari 2025",
        "KEK-32",
        "keterangan tambahan 32",
        "GANTI",
        "pengganti",
    ] {
        assert!(err.contains(expected), "{expected} missing in {err}");
    }
    assert!(!err.contains("'BENAR'"), "{err}");
}

#[test]
fn a_branch_seller_is_the_head_office_tin_with_the_branch_in_its_nitku() {
    let seller = branch();
    let mut store = store_for(&seller);
    assert!(import_csv_text(&mut store, NILAI_LAIN_2025).is_clean());
    let bulk = export(&store, &seller, &CoretaxOptions::default());
    assert_eq!(bulk.tin, "0013463476415000");
    assert_eq!(bulk.list.invoices[0].seller_idtku, "0013463476415000000001");
    // A 15-digit branch buyer likewise.
    let mut store = store_for(&seller);
    let csv = "\
FK,01,0,0002500000001,2,2025,03/02/2025,013000666091001,PT CABANG BELI,Jl. A,100,12,0,,0,0,0,0,R1,
OF,K1,Barang,100,1,100,0,100,12,0,0
";
    assert!(import_csv_text(&mut store, csv).is_clean());
    let inv = &export(&store, &seller, &CoretaxOptions::default())
        .list
        .invoices[0];
    assert_eq!(
        (inv.buyer_tin.as_str(), inv.buyer_idtku.as_str()),
        ("0013000666091000", "0013000666091000000001")
    );
}

#[test]
fn xml_to_database_to_xml_gives_back_every_field() {
    let seller = branch();
    let mut store = store_for(&seller);
    let text = read("round_trip_2025.xml");
    let report = import_xml(&text, &mut store, "test").unwrap();
    assert!(report.is_clean(), "{:#?}", report.errors);
    assert_eq!(report.imported, 10);
    let back = export(&store, &seller, &CoretaxOptions::default());
    let original = coretax::from_xml(&text).unwrap();
    for (a, b) in original.list.invoices.iter().zip(&back.list.invoices) {
        assert_eq!(a, b, "faktur {}", a.ref_desc);
    }
    assert_eq!(back, original);
    assert_eq!(
        coretax::to_xml(&back).unwrap(),
        text,
        "the same file, byte for byte"
    );
}

#[test]
fn a_database_of_schema_1_with_data_migrates_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(include_str!(
            "../../resources/migrations/client/0001_init.sql"
        ))
        .unwrap();
        c.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO barang_jasa (kode, nama, harga_satuan, updated_at)
               VALUES ('K1', 'Semen', '50000', '2025-01-01T00:00:00Z');
             INSERT INTO faktur (id, jenis, kode_transaksi, fg_pengganti, nsfp, masa, tahun, tanggal,
               lawan_npwp, lawan_nama, lawan_alamat, jumlah_dpp, jumlah_ppn, jumlah_ppnbm,
               referensi, created_at, updated_at)
             VALUES (1, 'keluaran', 1, 0, '0002500000001', 2, 2025, '2025-02-03',
               '013000666091000', 'PT LAMA', 'Jl. A', 100, 12, 0, 'V1', '', '');
             INSERT INTO faktur_item (faktur_id, line_no, kode_objek, nama, harga_satuan,
               jumlah_barang, harga_total, diskon, dpp, ppn, tarif_ppnbm, ppnbm)
             VALUES (1, 1, 'K1', 'Semen', '100', '1', '100', '0', '100', '12', '0', '0');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let v: i64 = store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, efaktur::store::SCHEMA_VERSION);
    assert!(v >= 2);
    let f = faktur::get(store.conn(), 1).unwrap().unwrap().faktur;
    assert_eq!((f.referensi.as_str(), f.totals.ppn.value()), ("V1", 12));
    assert!(f.coretax.is_empty());
    assert_eq!(f.items[0].coretax, None);
    let items = item::list(store.conn()).unwrap();
    assert_eq!((items[0].kode.as_str(), &items[0].coretax), ("K1", &None));
    store.integrity_check().unwrap();
}

#[test]
fn csv_lines_take_opt_code_and_unit_from_referensi_barang_jasa() {
    let seller = branch();
    let mut store = store_for(&seller);
    let csv = "\
FK,01,0,0002500000001,2,2025,03/02/2025,013000666091000,PT B,Jl. A,300,36,0,,0,0,0,0,R1,
OF,JS1,Jasa servis,100,1,100,0,100,12,0,0
OF,BR1,Oli mesin,100,2,200,0,200,24,0,0
";
    assert!(import_csv_text(&mut store, csv).is_clean());
    // The OF rows filled Referensi Barang/Jasa.
    let kodes: Vec<String> = item::list(store.conn())
        .unwrap()
        .into_iter()
        .map(|b| b.kode)
        .collect();
    assert_eq!(kodes, vec!["JS1", "BR1"]);
    item::upsert(
        store.conn(),
        &BarangJasa {
            kode: "JS1".into(),
            nama: "Jasa servis".into(),
            harga_satuan: efaktur::domain::Amount::parse("100").unwrap(),
            coretax: Some(CoretaxLine::new("B", "452000", "UM.0030").unwrap()),
        },
    )
    .unwrap();
    let options = CoretaxOptions {
        opt: "A".into(),
        unit: "UM.0019".into(),
        ..CoretaxOptions::default()
    };
    let bulk = export(&store, &seller, &options);
    let goods: Vec<(&str, &str, &str)> = bulk.list.invoices[0]
        .list_of_good_service
        .goods
        .iter()
        .map(|g| (g.opt.as_str(), g.code.as_str(), g.unit.as_str()))
        .collect();
    assert_eq!(
        goods,
        vec![("B", "452000", "UM.0030"), ("A", "000000", "UM.0019")]
    );
}

#[test]
fn importing_the_same_xml_twice_is_refused_unless_allowed() {
    let seller = branch();
    let mut store = store_for(&seller);
    let text = read("kode04_2025.xml");
    assert_eq!(import_xml(&text, &mut store, "t").unwrap().imported, 1);
    let again = import_xml(&text, &mut store, "t").unwrap();
    assert_eq!(again.imported, 0);
    let p = &again.errors[0];
    assert_eq!(
        (p.line, p.column.as_str(), p.code),
        (12, "RefDesc", DjpCode::Etax20002)
    );
    assert!(p.message.contains("--allow-duplicates"), "{}", p.message);
    assert_eq!(
        faktur::list(store.conn(), Filter::default()).unwrap().len(),
        1
    );
    let allow = XmlImportOptions {
        actor: "t".into(),
        allow_duplicates: true,
    };
    assert_eq!(
        import_xml_with(&text, &mut store, &allow).unwrap().imported,
        1
    );
    assert_eq!(
        faktur::list(store.conn(), Filter::default()).unwrap().len(),
        2
    );
}

#[test]
fn a_faktur_exported_from_csv_is_a_duplicate_when_its_xml_comes_back() {
    let seller = branch();
    let mut store = store_for(&seller);
    assert!(import_csv_text(&mut store, NILAI_LAIN_2025).is_clean());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ct.xml");
    coretax::write_files(
        store.conn(),
        Filter::default(),
        &seller,
        &CoretaxOptions::default(),
        &out,
        &mut |_| {},
    )
    .unwrap();
    let report = import_xml(&std::fs::read_to_string(&out).unwrap(), &mut store, "t").unwrap();
    assert_eq!(report.imported, 0);
    assert_eq!(report.errors.len(), 3, "{:#?}", report.errors);
    assert!(report.errors.iter().all(|p| p.code == DjpCode::Etax20002));
}

#[test]
fn a_file_without_tax_invoice_is_refused() {
    let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<TaxInvoiceBulk>
  <TIN>0013463476415000</TIN>
  <ListOfTaxInvoice>
  </ListOfTaxInvoice>
</TaxInvoiceBulk>
";
    let report = coretax::check(text);
    assert!(!report.is_clean());
    assert_eq!(
        (report.errors[0].line, report.errors[0].column.as_str()),
        (4, "ListOfTaxInvoice")
    );
}

#[test]
fn problems_are_reported_on_their_own_element_line() {
    let text = read("kode04_2025.xml")
        .replace(
            "<BuyerTin>0013000666091000</BuyerTin>",
            "<BuyerTin>0013000667091000</BuyerTin>",
        )
        .replace("<Unit>UM.0018</Unit>", "<Unit>UM.0040</Unit>");
    let report = coretax::check(&text);
    let found: Vec<(u64, &str)> = report
        .errors
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert!(found.contains(&(15, "BuyerTin")), "{found:?}");
    assert!(found.contains(&(28, "Unit")), "{found:?}");
}

#[test]
fn a_bad_16_digit_tin_says_what_is_wrong() {
    let text = read("kode04_2025.xml");
    for (tin, says) in [
        ("1234567890123456", "NIK tidak valid"),
        ("0013463475415000", "cek digit"),
    ] {
        let bad = text.replace("<TIN>0013463476415000</TIN>", &format!("<TIN>{tin}</TIN>"));
        let report = coretax::check(&bad);
        let p = report.errors.iter().find(|p| p.column == "TIN").unwrap();
        assert!(p.message.contains(says), "{tin}: {}", p.message);
        assert!(!p.message.contains("harus NPWP 16 digit"), "{}", p.message);
    }
}

#[test]
fn a_store_error_shows_its_code_once() {
    // No NSFP range for 2025: ETAX-20018 from the store, printed once.
    let store = Store::open_in_memory().unwrap();
    profile::save(store.conn(), &branch()).unwrap();
    let mut store = store;
    let report = import_xml(&read("kode04_2025.xml"), &mut store, "t").unwrap();
    let p = report
        .errors
        .iter()
        .find(|p| p.code == DjpCode::Etax20018)
        .unwrap();
    let shown = p.display_in("a.xml");
    assert_eq!(shown.matches("ETAX-20018").count(), 1, "{shown}");
    assert_eq!((p.line, p.column.as_str()), (6, "TaxInvoiceDate"));
}

#[test]
fn cli_import_refuses_a_second_copy_and_allow_duplicates_overrides() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_efaktur"))
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, _) = run(&[
        "profile",
        "add",
        "--npwp",
        "013463476415001",
        "--nama",
        "PT PENJUAL MAKMUR",
        "--alamat",
        "Jakarta",
    ]);
    assert_eq!(code, 0);
    let (code, _) = run(&[
        "nsfp",
        "add",
        "--dari",
        "0002500000001",
        "--sampai",
        "0002500000009",
        "--tanggal",
        "02/01/2025",
    ]);
    assert_eq!(code, 0);
    let xml = xml_fixture("kode04_2025.xml");
    let xml = xml.to_str().unwrap();
    assert_eq!(run(&["import", xml]).0, 0);
    let (code, out) = run(&["import", xml]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ETAX-20002 : faktur dengan penjual"), "{out}");
    assert_eq!(run(&["import", xml, "--allow-duplicates"]).0, 0);
}

#[test]
fn places_of_business_and_facility_fields_must_fit_the_seller_and_kode() {
    let text = read("kode04_2025.xml");
    // A NITKU of another taxpayer, and AddInfo on kode 04.
    let bad = text
        .replace(
            "<SellerIDTKU>0013463476415000000001</SellerIDTKU>",
            "<SellerIDTKU>0013000666091000000001</SellerIDTKU>",
        )
        .replace("<AddInfo/>", "<AddInfo>TD.00501</AddInfo>");
    let found: Vec<(u64, String)> = coretax::check(&bad)
        .errors
        .iter()
        .map(|p| (p.line, p.column.clone()))
        .collect();
    assert!(found.contains(&(14, "SellerIDTKU".into())), "{found:?}");
    assert!(found.contains(&(9, "AddInfo".into())), "{found:?}");
    // Another branch's faktur do not go into this branch's Local Database.
    let other_branch = text.replace(
        "<SellerIDTKU>0013463476415000000001</SellerIDTKU>",
        "<SellerIDTKU>0013463476415000000002</SellerIDTKU>",
    );
    assert!(coretax::check(&other_branch).is_clean());
    let mut store = store_for(&branch());
    let report = import_xml(&other_branch, &mut store, "t").unwrap();
    assert_eq!(report.imported, 0);
    assert_eq!(
        (report.errors[0].line, report.errors[0].column.as_str()),
        (14, "SellerIDTKU")
    );
}

#[test]
fn cli_barang_set_classifies_the_lines_of_the_coretax_export() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_efaktur"))
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let csv = data.path().join("f.csv");
    std::fs::write(
        &csv,
        "FK,01,0,0002500000001,2,2025,03/02/2025,013000666091000,PT B,Jl. A,300,36,0,,0,0,0,0,R1,\n\
         OF,JS1,Jasa servis,100,1,100,0,100,12,0,0\n\
         OF,BR1,Oli mesin,100,2,200,0,200,24,0,0\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();
    for args in [
        &[
            "profile",
            "add",
            "--npwp",
            "013463476415001",
            "--nama",
            "PT PENJUAL MAKMUR",
            "--alamat",
            "Jakarta",
        ][..],
        &[
            "nsfp",
            "add",
            "--dari",
            "0002500000001",
            "--sampai",
            "0002500000009",
            "--tanggal",
            "02/01/2025",
        ],
        &["import", csv],
        &[
            "barang",
            "set",
            "--kode",
            "JS1",
            "--jenis",
            "B",
            "--kode-coretax",
            "452000",
            "--satuan",
            "UM.0030",
        ],
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
    }
    let (_, list, _) = run(&["barang", "list"]);
    assert!(
        list.contains("JS1\tJasa servis\t100\tB 452000 UM.0030"),
        "{list}"
    );
    assert!(list.contains("BR1\tOli mesin\t100\t-"), "{list}");
    let (code, _, err) = run(&[
        "barang",
        "set",
        "--kode",
        "BR1",
        "--jenis",
        "C",
        "--kode-coretax",
        "000000",
        "--satuan",
        "UM.0018",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("Opt 'C'"), "{err}");
    let xml = data.path().join("ct.xml");
    let (code, _, err) = run(&[
        "export",
        "--masa",
        "2",
        "--tahun",
        "2025",
        "--format",
        "coretax-xml",
        "--satuan",
        "UM.0019",
        "--out",
        xml.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let bulk = coretax::from_xml(&std::fs::read_to_string(&xml).unwrap()).unwrap();
    let goods: Vec<(&str, &str, &str)> = bulk.list.invoices[0]
        .list_of_good_service
        .goods
        .iter()
        .map(|g| (g.opt.as_str(), g.code.as_str(), g.unit.as_str()))
        .collect();
    assert_eq!(
        goods,
        vec![("B", "452000", "UM.0030"), ("A", "000000", "UM.0019")]
    );
}
