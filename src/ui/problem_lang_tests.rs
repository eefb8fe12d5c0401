//! Problems found in imported files keep their detail in English: files of every kind (CSV
//! faktur and masukan, LT/OB Referensi, retur and dokumen lain, .xlsx, Coretax XML) that trip
//! the checkers' every kind of problem, each problem rendered as the CLI and the Impor page show
//! it, in both languages.

use std::io::Cursor;
use std::path::Path;

use efaktur::domain::DjpCode;
use efaktur::exchange::csv_read::CsvReader;
use efaktur::exchange::referensi::{Referensi, import_referensi};
use efaktur::exchange::retur::{ReturImportOptions, import_retur, validate_retur};
use efaktur::exchange::rows::RowSource;
use efaktur::exchange::{
    ImportOptions, Problem, coretax, import_csv, import_xml, validate_csv, validate_reader, xlsx,
};
use efaktur::store::Store;

use super::i18n::{Lang, errors};

/// Words of Indonesian sentences; none may be left in an English problem once DJP's code names
/// (which stay as DJP wrote them) are taken out.
const INDONESIAN: &[&str] = &[
    "tidak",
    "harus",
    "wajib",
    "baris",
    "kolom",
    "lebih",
    "karakter",
    "bukan",
    "kosong",
    "sudah",
    "belum",
    "dengan",
    "untuk",
    "atau",
    "yang",
    "dan",
    "di",
    "ke",
    "dari",
    "pada",
    "sebagai",
    "periksa",
    "hapus",
    "ketik",
    "ulang",
    "isi",
    "diisi",
    "pilih",
    "dapat",
    "boleh",
    "sah",
    "dikenal",
    "terlalu",
    "besar",
    "paling",
    "sedikit",
    "banyak",
    "satu",
    "punya",
    "berisi",
    "mengandung",
    "ditolak",
    "persingkat",
    "teksnya",
    "bulat",
    "negatif",
    "tanpa",
    "sebelum",
    "sesudah",
    "sesudahnya",
    "ada",
    "ini",
    "itu",
    "mis",
    "tulis",
    "bulan",
    "tahun",
    "digit ke",
    "lalu",
    "sama",
    "melebihi",
    "sisa",
    "diretur",
    "ditemukan",
    "tercatat",
    "terdaftar",
    "dipakai",
    "diimpor",
    "impor",
    "dulu",
    "baru",
    "setelah",
    "hanya",
    "menerima",
    "salah",
    "simpan",
    "tersimpan",
    "pisahkan",
    "sendiri",
    "bila",
    "perlu",
    "lewat",
    "buat",
    "pengganti nya",
    "berlaku",
    "tetapi",
    "dilaporkan",
    "awal",
    "dikreditkan",
    "ganti",
    "pakai",
    "rekam",
];

fn indonesian_in(text: &str) -> Vec<&'static str> {
    let mut rest = text.to_string();
    for code in DjpCode::ALL {
        rest = rest.replace(code.message(), " ");
    }
    // Names in capitals (`NOMOR_DOK_LAIN_GANTI`, `PT ACME`) are DJP's columns and the file's
    // values, not sentences.
    let words: Vec<String> = rest
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| t.chars().any(char::is_lowercase))
        .flat_map(|t| t.split(|c: char| !c.is_alphabetic()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    INDONESIAN
        .iter()
        .copied()
        .filter(|w| {
            let parts: Vec<&str> = w.split(' ').collect();
            words
                .windows(parts.len())
                .any(|win| win == parts.as_slice())
        })
        .collect()
}

/// The detail an Indonesian message gives: quoted values, numbers, `U+XXXX` characters and
/// names in capitals (columns, flags, codes). Each must be in the English message too.
fn details(id: &str) -> Vec<String> {
    let mut out: Vec<String> = id
        .split('\'')
        .skip(1)
        .step_by(2)
        .filter(|q| !q.is_empty())
        .map(str::to_string)
        .collect();
    let tokens = id.split(|c: char| c.is_whitespace() || ",;:()'\"=".contains(c));
    for t in tokens {
        let t = t.trim_end_matches('.');
        let number = t.chars().any(|c| c.is_ascii_digit());
        let capitals = t.len() >= 2
            && t.chars().any(|c| c.is_ascii_uppercase())
            && t.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "_-./+".contains(c));
        if capitals {
            out.push(t.to_string());
        } else if number {
            // "ke-9" says 9 in English.
            out.push(t.trim_matches(|c: char| !c.is_ascii_digit()).to_string());
        }
    }
    out
}

/// Every problem of `problems` in English: no Indonesian word, the Indonesian message's detail
/// kept, the CLI's `FILE:LINE: COLUMN: CODE : detail` shape; the Indonesian line is the core's
/// own, byte for byte.
fn check_english(file: &str, problems: &[Problem]) {
    for p in problems {
        let line = errors::problem_line(Lang::En, file, p);
        let column = if p.column.is_empty() { "-" } else { &p.column };
        let shape = format!("{file}:{}: {column}: {} : ", p.line, p.code.as_str());
        assert!(line.starts_with(&shape), "{line}");
        let found = indonesian_in(&line);
        assert!(found.is_empty(), "Indonesian {found:?} in {line:?}");
        for d in details(&p.message) {
            assert!(
                p.en.contains(&d),
                "{d:?} of {:?} missing in {line:?}",
                p.message
            );
        }
        let page = errors::problem(Lang::En, p);
        assert!(indonesian_in(&page).is_empty(), "{page}");
        assert!(page.ends_with(&p.en), "{page}");
        assert_eq!(errors::problem_line(Lang::Id, file, p), p.display_in(file));
        assert_eq!(errors::problem_message(Lang::Id, p), p.message);
    }
}

fn keep(all: &mut Vec<Problem>, r: &efaktur::exchange::Report) {
    all.extend(r.errors.iter().cloned());
    all.extend(r.warnings.iter().cloned());
}

const FK_HEADER: &str = "FK,KD_JENIS_TRANSAKSI,FG_PENGGANTI,NOMOR_FAKTUR,MASA_PAJAK,TAHUN_PAJAK,TANGGAL_FAKTUR,NPWP,NAMA,ALAMAT_LENGKAP,JUMLAH_DPP,JUMLAH_PPN,JUMLAH_PPNBM,ID_KETERANGAN_TAMBAHAN,FG_UANG_MUKA,UANG_MUKA_DPP,UANG_MUKA_PPN,UANG_MUKA_PPNBM,REFERENSI,KODE_DOKUMEN_PENDUKUNG";
const GOOD_FK: &str = "FK,01,0,0002400000001,3,2024,05/03/2024,013000666091000,PT ACME,Jl. Sudirman 1,1000000,110000,0,,0,0,0,0,INV/001,";
const GOOD_OF: &str = "OF,A1,Consulting,500000,2,1000000,0,1000000,110000,0,0";

/// A faktur CSV that trips every faktur check, one or more per row.
fn bad_faktur_csv() -> Vec<u8> {
    let long = "X".repeat(300);
    let rows = [
        // An OF with no FK above it, and a row kind nobody knows.
        GOOD_OF.to_string(),
        "XX,1,2".to_string(),
        FK_HEADER.to_string(),
        // Nearly every header field wrong.
        "FK,X9,7,123,13,24,31/02/2024,12345,,Jl. A,12.5,-5,1000000000000000000000,abc,9,0,0,0,INV/002,".to_string(),
        "OF,A1,Bad\u{7}Name,1,000,2,3,0,5,1,1,0,0".to_string(),
        // 19 columns in a 20-column file.
        "FK,01,0,0002400000002,3,2024,05/03/2024,013000666091000,PT ACME,Jl. Sudirman 1,1000000,110000,0,,0,0,0,0,INV/003".to_string(),
        // A text too long, a bad NIK, a check digit that does not match, a letter in an NPWP.
        format!("FK,01,0,0002400000003,3,2024,05/03/2024,013000667091000,PT ACME,{long},1000000,110000,0,,0,0,0,0,INV/004,"),
        GOOD_OF.to_string(),
        "FK,01,0,0002400000004,3,2024,05/03/2024,01300066609100A,9999999999999999#NIK#NAMA#JOHN,Jl. Sudirman 1,1000000,110000,0,,0,0,0,0,INV/005,".to_string(),
        GOOD_OF.to_string(),
        // Totals that do not add up, a line whose total is not price x quantity, a discount
        // above it, and a masa other than the date's.
        "FK,01,0,0002400000005,4,2024,05/03/2024,013000666091000,PT ACME,Jl. Sudirman 1,999,110000,0,,0,0,0,0,INV/006,".to_string(),
        "OF,A1,Consulting,500000,2,900000,2000000,1000000,110000,0,0".to_string(),
        // A number of another year, kode 07 without keterangan, no OF at all.
        "FK,07,0,0002300000006,3,2024,05/03/2024,013000666091000,PT ACME,Jl. Sudirman 1,0,0,0,,0,0,0,0,INV/007,".to_string(),
        // A pengganti reported after its date; a price times quantity too large to compute.
        "FK,01,1,0002400000007,5,2024,05/03/2024,013000666091000,PT ACME,Jl. Sudirman 1,1000000,110000,0,,0,0,0,0,INV/008,".to_string(),
        "OF,A1,Consulting,999999999999999999,999999999999999999,1000000,0,1000000,110000,0,0".to_string(),
        // The same number twice in the file.
        GOOD_FK.to_string(),
        GOOD_OF.to_string(),
        GOOD_FK.to_string(),
        GOOD_OF.to_string(),
        // An LT row with every LT problem.
        format!("LT,123,,{long},B\u{7},1,1,1,K,K,K,P,1,1"),
        // Retur rows mixed in, and a masukan row in a keluaran file.
        "RK,013000666091000,PT ACME,01,0,0002400000001,05/03/2024,R1,06/03/2024,3,2024,1,1,0".to_string(),
        "FM,01,0,0102400000123,3,2024,05/03/2024,013000666091000,PT ACME,Jl. Gatot Subroto 3,2000000,220000,0,1".to_string(),
    ];
    let mut bytes = rows.join("\n").into_bytes();
    // A name that is not UTF-8.
    bytes.extend_from_slice(b"\nFK,01,0,0002400000009,3,2024,05/03/2024,013000666091000,PT \xC0\xC1,Jl. A,1000000,110000,0,,0,0,0,0,INV/009,\n");
    bytes.extend_from_slice(GOOD_OF.as_bytes());
    bytes
}

/// Masukan: IS_CREDITABLE and the three-masa credit window; a masukan file with a faktur row.
fn bad_masukan_csv() -> Vec<u8> {
    [
        "FM,01,0,0102400000123,3,2024,05/03/2024,013000666091000,PT ACME,Jl. Gatot Subroto 3,2000000,220000,0,x",
        "FM,01,0,0102400000124,9,2024,05/03/2024,013000666091000,PT ACME,Jl. Gatot Subroto 3,2000000,220000,0,1",
        "FM,01,0,0102400000125,3,2024,05/03/2024,013000666091000,PT ACME,Jl. Gatot Subroto 3,2000000,220000,0.5,1",
        GOOD_FK,
    ]
    .join("\n")
    .into_bytes()
}

fn validate(bytes: &[u8], store: &Store) -> efaktur::exchange::Report {
    validate_csv(
        Cursor::new(bytes.to_vec()),
        store.conn(),
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap()
}

/// Writes `rows` to the first sheet of an .xlsx, every cell as text.
fn workbook(path: &Path, rows: &[&str]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.split(',').enumerate() {
            sheet.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    book.save(path).unwrap();
}

fn retur_source(text: &str) -> RowSource<Cursor<Vec<u8>>> {
    RowSource::csv(Cursor::new(text.as_bytes().to_vec()), None)
}

#[test]
fn every_import_problem_keeps_its_detail_in_english() {
    let mut all: Vec<Problem> = Vec::new();
    let empty = Store::open_in_memory().unwrap();

    // CSV faktur keluaran and masukan; a UTF-16 file and a file without faktur rows.
    let faktur = validate(&bad_faktur_csv(), &empty);
    keep(&mut all, &faktur);
    keep(&mut all, &validate(&bad_masukan_csv(), &empty));
    keep(&mut all, &validate(b"\xFF\xFEF\0K\0", &empty));
    keep(&mut all, &validate(b"\n\n", &empty));

    // A faktur already in the Local Database, and one outside every NSFP range.
    let mut store = Store::open_in_memory().unwrap();
    let good = format!("{GOOD_FK}\n{GOOD_OF}\n");
    let options = ImportOptions::default();
    let first = import_csv(Cursor::new(good.clone()), &mut store, &options, &mut |_| {}).unwrap();
    keep(&mut all, &first);
    let again = import_csv(Cursor::new(good), &mut store, &options, &mut |_| {}).unwrap();
    keep(&mut all, &again);

    // Retur and dokumen lain: checked alone, then against the Local Database.
    let retur = [
        "RK,013000666091000,PT ACME,01,0,0002400000001,05/03/2024,R1,32/03/2024,13,24,0,0,0",
        "RK,013000666091000,PT ACME,01,0,0002400000001,05/03/2024,R1,04/03/2024,4,2024,1,1,0",
        "RK,013000666091000,PT ACME,01,0,0002400000001",
        "RK,013000666091000,PT ACME,01,0,0002400000001,05/03/2024,R9,06/03/2024,3,2024,0,0,0",
        "DK,4,6,13,0,-,PEB1,15/02/2024,2,2024,000000000000000,BUYER LTD,SINGAPORE,5,0,0,X",
        "ZZ,1",
    ]
    .join("\n");
    keep(
        &mut all,
        &validate_retur(retur_source(&retur), None).unwrap(),
    );
    let against = [
        "RK,016090524017000,PT ACME,01,0,0002400000001,05/03/2024,R2,06/03/2024,3,2024,5000000,1,0",
        "RK,013000666091000,PT ACME,04,1,0002400000001,06/03/2024,R3,06/03/2024,3,2024,1,1,0",
        "RK,013000666091000,PT ACME,01,0,0002400000099,05/03/2024,R4,06/03/2024,3,2024,1,1,0",
        "RK,013000666091000,PT ACME,01,0,0002400000001,05/03/2024,R5,06/03/2024,3,2024,1,1,0",
        "RK,013000666091000,PT ACME,01,0,0002400000001,05/03/2024,R5,06/03/2024,3,2024,1,1,0",
    ]
    .join("\n");
    let opts = ReturImportOptions {
        skip_invalid: true,
        actor: "t".into(),
    };
    keep(
        &mut all,
        &import_retur(retur_source(&against), &mut store, &opts).unwrap(),
    );
    let ok = "RK,013000666091000,PT ACME,01,0,0002400000001,05/03/2024,R5,06/03/2024,3,2024,1,1,0";
    keep(
        &mut all,
        &import_retur(retur_source(ok), &mut store, &opts).unwrap(),
    );
    let dokumen = [
        "DM,x,6,13,7,-,PEB2,15/02/2024,1,2024,013000666091000,PT ACME,Jl. A,5,0,0,X",
        "DK,4,6,13,1,-,PEB3,99/02/2024,2,2024,013000666091000,PT ACME,Jl. A,5,0,0,X",
        "DK,4,6,13,0,-,PEB4,15/02/2024,1,2024,013000666091000,PT ACME,Jl. A,5,0,0,X",
        "DK,4,6,13,0,-,PEB5,15/02/2024,3,2024,013000666091000,PT ACME,Jl. A,5,0,0,X",
        "DK,4,6,13,0,-,PEB5,15/02/2024,2,2024,013000666091000,PT ACME,Jl. A,5,0,0,X",
        "DK,4,6,13,0,-,PEB5,15/02/2024,2,2024,013000666091000,PT ACME,Jl. A,5,0,0,X",
        "DK,4,6,13,1,PEB0,PEB6,15/02/2024,2,2024,013000666091000,PT ACME,Jl. A,5,0,0,X",
        "DM,4,6,13,0,-,PEB7,15/02/2024,9,2024,013000666091000,PT ACME,Jl. A,5,0,0,X",
    ]
    .join("\n");
    keep(
        &mut all,
        &import_retur(retur_source(&dokumen), &mut store, &opts).unwrap(),
    );
    keep(
        &mut all,
        &import_retur(retur_source("\n"), &mut store, &opts).unwrap(),
    );

    // Referensi Lawan Transaksi and Barang/Jasa.
    let long = "X".repeat(300);
    let lt = "LT,013000666091000,PT A,J,B,1,1,1,K,K,K,P,1,1\nLT,013000666091000,PT A,J,B,1,1,1,K,K,K,P,1,1\nOB,1,2,3\nLT,1,2";
    keep(
        &mut all,
        &import_referensi(retur_source(lt), &mut store, Referensi::LawanTransaksi, "t").unwrap(),
    );
    let ob = format!("OB,,{long},0\nOB,B1,Cement,abc\nOB,B2,Bad\u{7},1\nOB,B2,Sand,1\n");
    keep(
        &mut all,
        &import_referensi(retur_source(&ob), &mut store, Referensi::BarangJasa, "t").unwrap(),
    );
    keep(
        &mut all,
        &import_referensi(retur_source("\n"), &mut store, Referensi::BarangJasa, "t").unwrap(),
    );
    let sand = "OB,B2,Sand,1\n";
    let stored =
        import_referensi(retur_source(sand), &mut store, Referensi::BarangJasa, "t").unwrap();
    assert!(stored.is_clean(), "{:?}", stored.errors);
    let taken = "OB,B9,Sand,1\n";
    keep(
        &mut all,
        &import_referensi(retur_source(taken), &mut store, Referensi::BarangJasa, "t").unwrap(),
    );

    // A spreadsheet: faktur rows and retur rows.
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("faktur.xlsx");
    workbook(
        &book,
        &[
            "FK,01,0,0002400000010,3,2024,05/03/2024,013000666091000,PT ACME,Jl. A,12.5,110000,0,,0,0,0,0,INV/1,",
            "OF,A1,Consulting,500000,2,1000000,0,1000000,abc,0,0",
        ],
    );
    let sheet = xlsx::read_first_sheet(&book).unwrap();
    let from_xlsx = validate_reader(
        CsvReader::<std::io::Empty>::from_rows(sheet.rows),
        empty.conn(),
        &options,
        &mut |_| {},
    )
    .unwrap();
    assert!(!from_xlsx.is_clean());
    keep(&mut all, &from_xlsx);
    let retur_book = dir.path().join("retur.xlsx");
    workbook(
        &retur_book,
        &["RK,013000666091000,PT ACME,01,0,0002400000001,05/03/2024,R1,06/03/2024,3,2024,-1,1,0"],
    );
    let sheet = xlsx::read_first_sheet(&retur_book).unwrap();
    let rows = RowSource::<std::io::Empty>::Rows(sheet.rows.into_iter());
    keep(&mut all, &validate_retur(rows, None).unwrap());

    // Coretax XML: checked, and imported into databases that cannot take it.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xml/kode04_2025.xml");
    let xml = std::fs::read_to_string(fixture).unwrap();
    let bad_xml = xml
        .replace("<TIN>0013463476415000</TIN>", "<TIN>12345</TIN>")
        .replace("2025-01-15", "15/01/2025")
        .replace("<TaxInvoiceOpt>Normal", "<TaxInvoiceOpt>Pengganti")
        .replace("<TrxCode>04", "<TrxCode>4")
        .replace(
            "<CustomDocMonthYear/>",
            "<CustomDocMonthYear>13</CustomDocMonthYear>",
        )
        .replace("<BuyerTin>0013000666091000", "<BuyerTin>0013000667091000")
        .replace("<BuyerIDTKU>0013000666091000000000", "<BuyerIDTKU>1")
        .replace("<BuyerCountry>IDN", "<BuyerCountry>Indonesia")
        .replace("<BuyerName>PT PEMBELI JAYA", "<BuyerName>")
        .replace("<SellerIDTKU>0013463476415000000001", "<SellerIDTKU>99")
        .replace("<Opt>A", "<Opt>C")
        .replace("<Code>000000", "<Code>12")
        .replace("<Unit>UM.0018", "<Unit>PCS")
        .replace("<Name>Semen 50kg", "<Name>")
        .replace("<Price>50000.00", "<Price>50,000");
    keep(&mut all, &coretax::check(&bad_xml));
    let other = xml
        .replace("<TrxCode>04", "<TrxCode>07")
        .replace("<BuyerDocument>TIN", "<BuyerDocument>Passport")
        .replace(
            "<SellerIDTKU>0013463476415000000001",
            "<SellerIDTKU>0013000666091000000000",
        )
        .replace("<TaxBase>100000.00", "<TaxBase>5")
        .replace("<VAT>11000.00", "<VAT>7");
    keep(&mut all, &coretax::check(&other));
    let arithmetic = xml.replace("<OtherTaxBase>91666.67", "<OtherTaxBase>3");
    keep(&mut all, &coretax::check(&arithmetic));
    let add_info = xml
        .replace("<TrxCode>04", "<TrxCode>01")
        .replace("<AddInfo/>", "<AddInfo>TD.00501</AddInfo>");
    keep(&mut all, &coretax::check(&add_info));
    let start = xml.find("<ListOfGoodService>").unwrap();
    let end = xml.find("</ListOfGoodService>").unwrap();
    let no_goods = format!("{}<ListOfGoodService>{}", &xml[..start], &xml[end..]);
    keep(&mut all, &coretax::check(&no_goods));
    let huge = xml
        .replace("<Price>50000.00", "<Price>999999999999999999")
        .replace("<Qty>2.00", "<Qty>999999999999999999");
    keep(&mut all, &coretax::check(&huge));
    keep(
        &mut all,
        &coretax::check(
            "<TaxInvoiceBulk><TIN>0013463476415000</TIN><ListOfTaxInvoice/></TaxInvoiceBulk>",
        ),
    );
    keep(&mut all, &coretax::check("not xml"));
    let mut no_profile = Store::open_in_memory().unwrap();
    keep(&mut all, &import_xml(&xml, &mut no_profile, "t").unwrap());
    let pkp = efaktur::store::profile::Profile::new(
        efaktur::domain::Npwp::parse("013000666091000").unwrap(),
        "PT ACME",
        "Jl. A",
    );
    efaktur::store::profile::save(store.conn(), &pkp).unwrap();
    keep(&mut all, &import_xml(&xml, &mut store, "t").unwrap());

    // A Coretax export of faktur Coretax refuses: the list in both languages.
    let refused = coretax::write_files_to(
        store.conn(),
        efaktur::store::faktur::Filter::default(),
        &pkp,
        &coretax::CoretaxOptions::default(),
        &dir.path().join("out.xml"),
        false,
        &mut |_| {},
    )
    .unwrap_err();
    let efaktur::exchange::csv_write::ExportError::Refused(said) = &refused else {
        panic!("{refused:?}");
    };
    let en = errors::export(Lang::En, &refused);
    assert!(indonesian_in(&en).is_empty(), "{en}");
    assert!(
        en.contains("invoice 010.000-24.00000001 (reference 'INV/001', date 05/03/2024) TaxInvoiceDate: ETAX-20006 : dated 05/03/2024: Coretax takes invoices dated 1 January 2025 or later only"),
        "{en}"
    );
    assert_eq!(errors::export(Lang::Id, &refused), said.id);
    assert!(
        said.id
            .contains("bertanggal 05/03/2024: Coretax hanya menerima faktur")
    );
    // The seller's own database, with no NSFP range recorded.
    let mut seller = Store::open_in_memory().unwrap();
    let own = efaktur::store::profile::Profile::new(
        efaktur::domain::Npwp::parse("013463476415000").unwrap(),
        "PT SELLER",
        "Jl. B",
    );
    efaktur::store::profile::save(seller.conn(), &own).unwrap();
    keep(&mut all, &import_xml(&xml, &mut seller, "t").unwrap());
    // With numbers to give, the same file twice: a duplicate the second time.
    let nsfp = |s: &str| efaktur::domain::Nsfp::parse(s).unwrap();
    let range = efaktur::domain::NsfpRange::new(nsfp("0002500000001"), nsfp("0002500000009"));
    let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 2).unwrap();
    efaktur::store::nsfp::add_range(seller.conn(), range.unwrap(), day).unwrap();
    assert!(import_xml(&xml, &mut seller, "t").unwrap().is_clean());
    keep(&mut all, &import_xml(&xml, &mut seller, "t").unwrap());

    check_english("f.csv", &all);

    // Each kind of problem was there, with the detail the brief names.
    let en: Vec<&str> = all.iter().map(|p| p.en.as_str()).collect();
    let has = |needle: &str| {
        assert!(
            en.iter().any(|m| m.contains(needle)),
            "{needle:?} not in {en:#?}"
        )
    };
    has("JUMLAH_DPP must be whole rupiah, not '12.5'");
    has("JUMLAH_PPN must not be negative");
    has("contains a character DJP rejects (U+0007)");
    has("ALAMAT_LENGKAP is longer than 255 characters");
    has("the FK row has 19 columns, expected 20");
    has("NAMA must be filled in");
    has("'1000000000000000000000' is too large");
    has("an NPWP has 15 or 16 digits (NITKU 22 digits), not 5");
    has("check digit does not match");
    has("holds a character that is not allowed 'A'");
    has("the date '31/02/2024' is not valid");
    has("the text is not UTF-8");
    has("unknown row kind 'XX'");
    has("an OF row without an FK row before it");
    has("is already on line");
    has("is already recorded in the Local Database");
    has("is outside the ranges of Referensi Nomor Faktur");
    has("IS_CREDITABLE must be 1 (credited) or 0, not 'x'");
    has("can be credited up to 3 periods later only");
    has("the file is saved as UTF-16");
    has("the file holds no FK or FM row");
    has("the return date 04/03/2024 is before the invoice date 05/03/2024");
    has("the returned value");
    has("was not found (or was replaced/cancelled)");
    has("the returned DPP, PPN and PPnBM are all 0");
    has("SellerIDTKU '99' must be a 22-digit NITKU");
    has("the date '15/01/2025' must be YYYY-MM-DD");
    has("Price '50,000' must be a number with at most 2 decimals");
    has("this Local Database has no PKP profile yet");
    has("is not this Local Database's NPWP");
    has("is already recorded with another code");
    has("OtherTaxBase 3 must be 11/12 x TaxBase");
    has("is not a place of business of the seller's TIN");
    has("an invoice needs at least one GoodService");
    has("no invoice number (NSFP) is left for the year 2025");
    has("RefDesc 'INV/2025/0001', date 15/01/2025, buyer and amounts is already recorded");
    has("BuyerTin '0013000667091000' is not valid: the NPWP's check digit does not match");
    assert!(all.len() >= 80, "{} problems", all.len());

    // The Indonesian words of the same problems are the ones scripts and tests know.
    let id: Vec<String> = all.iter().map(|p| p.display_in("f.csv")).collect();
    let has_id = |needle: &str| {
        assert!(
            id.iter().any(|m| m.contains(needle)),
            "{needle:?} not in {id:#?}"
        )
    };
    has_id(": JUMLAH_DPP: ETAX-20004 : JUMLAH_DPP harus rupiah bulat, bukan '12.5'");
    has_id(": JUMLAH_PPN: ETAX-20004 : JUMLAH_PPN tidak boleh negatif");
    has_id(
        ": NAMA: ETAXSERVICE-20021 : NAMA mengandung karakter yang ditolak DJP (U+0007); hapus atau ketik ulang",
    );
    has_id(
        ": ALAMAT_LENGKAP: ETAX-10003 : ALAMAT_LENGKAP lebih dari 255 karakter; persingkat teksnya",
    );
    has_id(": FK: ETAX-30005 : baris FK harus 20 kolom, ditemukan 19; periksa pemisah kolom");
    has_id("NPWP harus 15 atau 16 digit (NITKU 22 digit), bukan 5 digit");
    has_id("tanggal '31/02/2024' tidak sah; tulis tanggal/bulan/tahun, mis. 23/07/2015");
}

/// The core's typed errors that end up in problems, every variant, in English.
#[test]
fn every_core_error_in_a_problem_has_english_words_with_its_detail() {
    use efaktur::domain::money::AmountError;
    use efaktur::domain::{Npwp, NpwpError, NsfpError, Said};
    let nik = |raw: &str| match Npwp::parse(raw) {
        Err(e @ NpwpError::Nik(_)) => e,
        other => panic!("{other:?}"),
    };
    let all: Vec<Said> = vec![
        AmountError::Format("1,5".into()).into(),
        AmountError::TooLarge("1".repeat(20)).into(),
        NpwpError::Empty.into(),
        NpwpError::BadCharacter('x').into(),
        NpwpError::Length(12).into(),
        NpwpError::CheckDigit {
            position: 9,
            expected: 6,
        }
        .into(),
        // An unknown province, then a birth date that does not exist.
        nik("9978104709870002").into(),
        nik("3578109999870002").into(),
        NsfpError::BadCharacter('x').into(),
        NsfpError::Length(12).into(),
        NsfpError::FullLength(15).into(),
        NsfpError::KodeTransaksi("11".into()).into(),
        NsfpError::Status('7').into(),
        NsfpError::ZeroSerial.into(),
        NsfpError::RangeMismatch("001-24.1".into(), "002-24.9".into()).into(),
        NsfpError::RangeReversed("9".into(), "1".into()).into(),
        Said::required("NAMA"),
        Said::too_long("NAMA"),
        Said::bad_char("NAMA", '\u{FFFD}'),
        Said::negative("PPN"),
        Said::not_whole_rupiah("JUMLAH_DPP", "12,5"),
    ];
    for s in &all {
        assert_ne!(s.en, s.id);
        let found = indonesian_in(&s.en);
        assert!(found.is_empty(), "Indonesian {found:?} in {:?}", s.en);
        for d in details(&s.id) {
            assert!(
                s.en.contains(&d),
                "{d:?} of {:?} missing in {:?}",
                s.id,
                s.en
            );
        }
    }
    // A file that is not a spreadsheet says so in both languages.
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake.xlsx");
    std::fs::write(&fake, "FK,01").unwrap();
    let e = xlsx::read_first_sheet(&fake).unwrap_err();
    assert!(e.id.contains("bukan file .xlsx"), "{e:?}");
    assert!(e.en.contains("not a valid .xlsx file"), "{e:?}");
    assert!(indonesian_in(&e.en).is_empty(), "{e:?}");
}
