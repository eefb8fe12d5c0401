//! Cetak Faktur: the PDFs are read back with poppler (pdftotext, pdftoppm) and the QR code with
//! zbarimg; the QR's URL is asked of a real enofa-server on 127.0.0.1 that approved the faktur.
//! Rendered pages go to `target/tmp/cetak-artefacts` for a look.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Datelike, Utc};
use efaktur::cert::{Identity, P12Encryption};
use efaktur::domain::{ApprovalStatus, FakturDraft, FakturStatus, Npwp};
use efaktur::enofa::EnofaClient;
use efaktur::enofa::server::{self, ServerConfig, operator};
use efaktur::enofa::wire::{FakturItemPayload, FakturPayload, NsfpRequest};
use efaktur::paths::AppDirs;
use efaktur::print::{self, PrintOptions};
use efaktur::store::Store;
use efaktur::store::faktur::{self, StoredFaktur};
use efaktur::store::profile::{self, Profile};

const SELLER: &str = "013463476415001";

/// Runs a poppler/zbar tool; a missing tool fails the test naming the package to install.
fn tool(name: &str, package: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    match Command::new(name).args(args).output() {
        Ok(out) => out,
        Err(e) => panic!(
            "{name} tidak dapat dijalankan ({e}): pasang paket {package} (apt-get install {package})"
        ),
    }
}

fn pdftotext(pdf: &Path, page: Option<usize>) -> String {
    let mut args: Vec<std::ffi::OsString> = vec!["-layout".into()];
    if let Some(p) = page {
        args.extend([
            "-f".into(),
            p.to_string().into(),
            "-l".into(),
            p.to_string().into(),
        ]);
    }
    args.extend([pdf.as_os_str().to_owned(), "-".into()]);
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let out = tool("pdftotext", "poppler-utils", &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The diagonal watermark of a page: poppler reads the rotated word as one letter per line, at the
/// start of the page's text (it is drawn first, under everything).
fn watermark(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let out = tool(
        "pdftotext",
        "poppler-utils",
        &[
            "-raw".as_ref(),
            "-f".as_ref(),
            p.as_ref(),
            "-l".as_ref(),
            p.as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .take_while(|l| l.trim().chars().count() == 1)
        .map(str::trim)
        .collect()
}

fn page_count(pdf: &Path) -> usize {
    let out = tool("pdfinfo", "poppler-utils", &[pdf.as_os_str()]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {text}"))
}

/// Renders every page to `<dir>/<name>-<n>.png` at `dpi`; returns the files.
fn render(pdf: &Path, dir: &Path, name: &str, dpi: u32) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let prefix = dir.join(name);
    let out = tool(
        "pdftoppm",
        "poppler-utils",
        &[
            "-png".as_ref(),
            "-r".as_ref(),
            dpi.to_string().as_ref(),
            pdf.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{name}-")) && n.ends_with(".png"))
        })
        .collect();
    files.sort();
    files
}

fn artefacts() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("cetak-artefacts")
}

/// Asserts that `parts` occur in `text` in this order.
fn in_order(text: &str, parts: &[&str]) {
    let mut at = 0;
    for p in parts {
        match text[at..].find(p) {
            Some(i) => at += i + p.len(),
            None => panic!("'{p}' missing (or out of order) after byte {at} in:\n{text}"),
        }
    }
}

fn item(nama: &str, harga: u64, jumlah: u64, diskon: u64) -> FakturItemPayload {
    let total = harga * jumlah;
    let dpp = total - diskon;
    FakturItemPayload {
        kode_objek: "B001".into(),
        nama: nama.into(),
        harga_satuan: harga.to_string(),
        jumlah_barang: jumlah.to_string(),
        harga_total: total.to_string(),
        diskon: diskon.to_string(),
        dpp: dpp.to_string(),
        ppn: (dpp * 12 / 100).to_string(),
        tarif_ppnbm: "0".into(),
        ppnbm: "0".into(),
    }
}

/// A faktur keluaran dated today (PPN 12 %, kode 01) with these items.
fn payload(nsfp: &str, items: Vec<FakturItemPayload>) -> FakturPayload {
    let today = Utc::now().date_naive();
    let dpp: u64 = items.iter().map(|i| i.dpp.parse::<u64>().unwrap()).sum();
    let ppn: u64 = items.iter().map(|i| i.ppn.parse::<u64>().unwrap()).sum();
    FakturPayload {
        kd_jenis_transaksi: "01".into(),
        fg_pengganti: "0".into(),
        nomor_faktur: nsfp.into(),
        masa_pajak: today.month().to_string(),
        tahun_pajak: today.year().to_string(),
        tanggal_faktur: today.format("%d/%m/%Y").to_string(),
        npwp: "013000666091000".into(),
        nama: "PT PEMBELI JAYA".into(),
        alamat: "JL. MERDEKA NO. 1, GAMBIR, JAKARTA PUSAT".into(),
        jumlah_dpp: dpp.to_string(),
        jumlah_ppn: ppn.to_string(),
        jumlah_ppnbm: "0".into(),
        referensi: "INV-2026-001".into(),
        items,
        ..FakturPayload::default()
    }
}

fn simple_items() -> Vec<FakturItemPayload> {
    vec![
        item("Semen 50kg", 100_000, 10, 0),
        item(
            "Jasa pemasangan rangka atap baja ringan",
            3_478_380,
            1,
            78_380,
        ),
    ]
}

fn stored(p: &FakturPayload, approval: ApprovalStatus, status: FakturStatus) -> StoredFaktur {
    StoredFaktur {
        id: 1,
        faktur: FakturDraft::from(p).validate().unwrap(),
        status,
        approval,
        approval_time: None,
        qr_url: None,
        reject_code: None,
        reject_message: None,
    }
}

fn seller() -> Profile {
    Profile::new(
        Npwp::parse(SELLER).unwrap(),
        "PT MAJU BERSAMA",
        "JL. JEND. SUDIRMAN KAV. 52-53, SENAYAN, KEBAYORAN BARU, JAKARTA SELATAN 12190",
    )
}

fn opts() -> PrintOptions {
    PrintOptions {
        kota: Some("JAKARTA".into()),
        penandatangan: Some("Budi Santoso".into()),
    }
}

fn write_pdf(dir: &Path, name: &str, f: &StoredFaktur) -> PathBuf {
    let pdf = print::faktur_pdf(f, &seller(), &opts()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, &pdf).unwrap();
    std::fs::create_dir_all(artefacts()).unwrap();
    std::fs::write(artefacts().join(format!("{name}.pdf")), &pdf).unwrap();
    path
}

fn nsfp13(serial: u32) -> String {
    format!("000{:02}{serial:08}", Utc::now().year() % 100)
}

#[test]
fn a_long_faktur_spans_pages_and_repeats_the_table_header() {
    let dir = tempfile::tempdir().unwrap();
    let items = (1..=40)
        .map(|n| item(&format!("Barang nomor {n}"), 10_000 * n, 2, 0))
        .collect();
    let f = stored(
        &payload(&nsfp13(40), items),
        ApprovalStatus::Draft,
        FakturStatus::Normal,
    );
    let pdf = write_pdf(dir.path(), "long", &f);
    render(&pdf, &artefacts(), "long", 60);
    let pages = page_count(&pdf);
    assert!(pages >= 2, "40 items on {pages} page(s)");
    let mut next_item = 1;
    for page in 1..=pages {
        let text = pdftotext(&pdf, Some(page));
        in_order(
            &text,
            &[
                "Faktur Pajak",
                "Kode dan Nomor Seri Faktur Pajak",
                "No.",
                "Nama Barang Kena Pajak / Jasa Kena Pajak",
                "Harga Jual/Penggantian/Uang Muka/Termin",
            ],
        );
        assert!(text.contains(&format!("{page} dari {pages}")), "{text}");
        assert_eq!(watermark(&pdf, page), "DRAF", "page {page}");
        // Items continue where the previous page stopped.
        while text.contains(&format!("Barang nomor {next_item}\n"))
            || text.contains(&format!("Barang nomor {next_item} "))
        {
            next_item += 1;
        }
        assert_eq!(
            text.contains("Dasar Pengenaan Pajak"),
            page == pages,
            "totals only on the last page ({page}/{pages})"
        );
        // Only the first page has the parties.
        assert_eq!(text.contains("Pengusaha Kena Pajak"), page == 1);
    }
    assert_eq!(next_item, 41, "every item printed once, in order");
}

#[test]
fn nik_buyer_draft_batal_and_diganti_are_marked() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = payload(&nsfp13(7), simple_items());
    p.npwp = "000000000000000".into();
    p.nama = "3578104709870002#NIK#NAMA#Siti Aminah".into();
    let nik = stored(&p, ApprovalStatus::Draft, FakturStatus::Normal);
    let pdf = write_pdf(dir.path(), "nik", &nik);
    render(&pdf, &artefacts(), "nik", 60);
    let text = pdftotext(&pdf, None);
    in_order(
        &text,
        &[
            "Pembeli Barang Kena Pajak / Penerima Jasa Kena Pajak",
            "Nama",
            "Siti Aminah",
            "NPWP",
            "00.000.000.0-000.000",
            "NIK",
            "3578104709870002",
        ],
    );
    assert_eq!(watermark(&pdf, 1), "DRAF");
    // Not approved: none of DJP's approval marks.
    for absent in ["ditandatangani secara elektronik", "PEMBERITAHUAN"] {
        assert!(!text.contains(absent), "{absent} on a draft:\n{text}");
    }

    let p = payload(&nsfp13(8), simple_items());
    let batal = stored(&p, ApprovalStatus::ApprovalSukses, FakturStatus::Batal);
    let pdf = write_pdf(dir.path(), "batal", &batal);
    render(&pdf, &artefacts(), "batal", 60);
    let text = pdftotext(&pdf, None);
    assert_eq!(watermark(&pdf, 1), "BATAL");
    assert!(text.contains("ditandatangani secara elektronik"), "{text}");

    let diganti = stored(&p, ApprovalStatus::ApprovalSukses, FakturStatus::Diganti);
    let pdf = write_pdf(dir.path(), "diganti", &diganti);
    assert_eq!(watermark(&pdf, 1), "DIGANTI");

    let normal = stored(&p, ApprovalStatus::ApprovalSukses, FakturStatus::Normal);
    let pdf = write_pdf(dir.path(), "normal", &normal);
    assert_eq!(
        watermark(&pdf, 1),
        "",
        "no watermark on an approved faktur in force"
    );
}

/// Registers a PKP on `srv`, has `p` approved, and returns its QR URL.
async fn approve(
    srv: &server::RunningServer,
    state: &Path,
    p: &mut FakturPayload,
) -> (Npwp, String) {
    let npwp = Npwp::parse(SELLER).unwrap();
    let created = operator::pkp_add(
        state,
        npwp.digits(),
        "PT MAJU BERSAMA",
        "JL. JEND. SUDIRMAN KAV. 52-53",
        "uji@example.invalid",
    )
    .unwrap();
    let (_, p12) =
        operator::cert_issue(state, npwp.digits(), "rahasia", P12Encryption::default()).unwrap();
    let identity = Identity::from_p12(&p12, "rahasia").unwrap();
    let c = EnofaClient::new(&srv.api_url, &srv.ca_pem, &identity).unwrap();
    let cap = c.captcha().await.unwrap();
    let answer = srv.demo_captcha_answer(&cap.id).unwrap();
    c.register(
        &npwp,
        &created.kode_aktivasi,
        &cap.id,
        &answer,
        &created.password,
    )
    .await
    .unwrap();
    let alloc = c
        .request_nsfp(&NsfpRequest {
            tahun: Utc::now().year(),
            jumlah: 5,
            nama_pemohon: "Budi".into(),
            jabatan_pemohon: "Direktur".into(),
            password: created.password.expose().into(),
        })
        .await
        .unwrap();
    p.nomor_faktur = alloc.awal.clone();
    // Uploads need a session opened with a fresh captcha and the e-Nofa password.
    let cap = c.captcha().await.unwrap();
    let answer = srv.demo_captcha_answer(&cap.id).unwrap();
    c.open_session(&cap.id, &answer, &created.password)
        .await
        .unwrap();
    let r = c.upload(p, "cetak-1").await.unwrap();
    assert_eq!(r.status, "approved", "{r:?}");
    (npwp, r.qr_url.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_faktur_prints_every_field_and_its_qr_validates_it() {
    let state = tempfile::tempdir().unwrap();
    let srv = server::start(ServerConfig::demo(state.path()))
        .await
        .unwrap();
    let mut p = payload(&nsfp13(1), simple_items());
    let (npwp, qr_url) = approve(&srv, state.path(), &mut p).await;

    // The client's Local Database holds the faktur with the approval written back.
    let data = tempfile::tempdir().unwrap();
    let dirs = AppDirs::new(Some(data.path())).unwrap();
    dirs.ensure().unwrap();
    {
        let store = Store::open(&dirs.db_path(&npwp)).unwrap();
        profile::save(store.conn(), &seller()).unwrap();
        let f = FakturDraft::from(&p).validate().unwrap();
        let id = faktur::insert(store.conn(), &f, ApprovalStatus::DalamProses, "uji").unwrap();
        faktur::record_approval(store.conn(), id, "2026-11-30T10:00:00", &qr_url).unwrap();
    }
    let f = FakturDraft::from(&p).validate().unwrap();
    let nomor = f.nomor().to_string();
    let out = data.path().join("pdf");
    let run = Command::new(env!("CARGO_BIN_EXE_efaktur"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["cetak", "--nomor", &nomor, "--folder"])
        .arg(&out)
        .args(["--kota", "JAKARTA", "--penandatangan", "Budi Santoso"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let pdf = out.join(format!("{nomor}.pdf"));
    assert_eq!(page_count(&pdf), 1);
    let info = tool("pdfinfo", "poppler-utils", &[pdf.as_os_str()]);
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains(&format!("Faktur Pajak {nomor}")), "{info}");
    // The font is embedded, and only the glyphs used (subset names start with six letters and +).
    let fonts = tool("pdffonts", "poppler-utils", &[pdf.as_os_str()]);
    let fonts = String::from_utf8_lossy(&fonts.stdout).into_owned();
    for face in ["+LiberationSans-Bold ", "+LiberationSans "] {
        let line = fonts
            .lines()
            .find(|l| l.contains(face))
            .unwrap_or_else(|| panic!("{face} in {fonts}"));
        assert!(
            line.contains("yes yes yes"),
            "embedded, subsetted, with ToUnicode: {line}"
        );
    }

    let text = pdftotext(&pdf, None);
    in_order(
        &text,
        &[
            "Faktur Pajak",
            &format!("Kode dan Nomor Seri Faktur Pajak : {nomor}"),
            "Pengusaha Kena Pajak",
            "Nama",
            "PT MAJU BERSAMA",
            "Alamat",
            "JL. JEND. SUDIRMAN KAV. 52-53",
            "NPWP",
            "01.346.347.6-415.001",
            "Pembeli Barang Kena Pajak / Penerima Jasa Kena Pajak",
            "PT PEMBELI JAYA",
            "JL. MERDEKA NO. 1, GAMBIR, JAKARTA PUSAT",
            "01.300.066.6-091.000",
            "No.",
            "Nama Barang Kena Pajak / Jasa Kena Pajak",
            "Harga Jual/Penggantian/Uang Muka/Termin",
            "1",
            "Semen 50kg",
            "1.000.000,00",
            "Rp 100.000 x 10",
            "2",
            "Jasa pemasangan rangka atap baja ringan",
            "3.478.380,00",
            "Rp 3.478.380 x 1",
            "Potongan Harga = Rp 78.380,00",
            "Harga Jual / Penggantian",
            "4.478.380,00",
            "Dikurangi Potongan Harga",
            "78.380,00",
            "Dikurangi Uang Muka",
            "0,00",
            "Dasar Pengenaan Pajak",
            "4.400.000,00",
            "Total PPN",
            "528.000,00",
            "Total PPnBM (Pajak Penjualan Barang Mewah)",
            "0,00",
            "Sesuai dengan ketentuan yang berlaku",
            "ditandatangani secara elektronik",
            &format!("JAKARTA, {}", print::format::tanggal(f.tanggal)),
            "Budi Santoso",
            "Referensi: INV-2026-001",
            "PEMBERITAHUAN: Faktur Pajak ini telah dilaporkan",
            "1 dari 1",
        ],
    );
    assert_eq!(watermark(&pdf, 1), "");

    // The QR on the rendered page is the validation URL, and that URL names this faktur.
    render(&pdf, &artefacts(), "simple", 60);
    std::fs::copy(&pdf, artefacts().join("simple.pdf")).unwrap();
    // 300 dpi: at poppler's default 150 a module is 3.7 pixels, unevenly rounded, too coarse
    // for zbar (phones see the printed page at far more).
    let pngs = render(&pdf, data.path(), "page", 300);
    let z = tool(
        "zbarimg",
        "zbar-tools",
        &["--raw".as_ref(), "-q".as_ref(), pngs[0].as_os_str()],
    );
    assert!(
        z.status.success(),
        "zbarimg found no QR code: {}",
        String::from_utf8_lossy(&z.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&z.stdout).trim(), qr_url);
    let ca = reqwest::Certificate::from_pem(&srv.ca_pem).unwrap();
    let http = reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .unwrap();
    let resp = http.get(&qr_url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let xml = resp.text().await.unwrap();
    for part in [
        format!("<nomorFaktur>{}</nomorFaktur>", f.nsfp.digits()),
        format!("<npwpPenjual>{SELLER}</npwpPenjual>"),
        "<jumlahPpn>528000</jumlahPpn>".into(),
        "<statusApproval>Faktur Valid, Sudah Diapprove oleh DJP</statusApproval>".into(),
    ] {
        assert!(xml.contains(&part), "{part} missing in {xml}");
    }
    srv.shutdown().await;
}

fn efaktur(data: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_efaktur"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_prints_a_masa_to_a_folder_or_one_file_and_keeps_existing_files() {
    let data = tempfile::tempdir().unwrap();
    let dirs = AppDirs::new(Some(data.path())).unwrap();
    dirs.ensure().unwrap();
    let mut nomors = Vec::new();
    {
        let store = Store::open(&dirs.db_path(&Npwp::parse(SELLER).unwrap())).unwrap();
        profile::save(store.conn(), &seller()).unwrap();
        for serial in 1..=3 {
            let f = FakturDraft::from(&payload(&nsfp13(serial), simple_items()))
                .validate()
                .unwrap();
            let approval = if serial == 2 {
                ApprovalStatus::DalamProses
            } else {
                ApprovalStatus::Draft
            };
            let id = faktur::insert(store.conn(), &f, approval, "uji").unwrap();
            if serial == 2 {
                faktur::record_approval(
                    store.conn(),
                    id,
                    "2026-11-30T10:00:00",
                    "https://127.0.0.1:1/validasi/faktur/x/y/z",
                )
                .unwrap();
            }
            nomors.push(f.nomor().to_string());
        }
    }
    let today = Utc::now().date_naive();
    let (masa, tahun) = (today.month().to_string(), today.year().to_string());
    let out = data.path().join("pdf");
    let out_s = out.to_str().unwrap();
    let masa_args = ["cetak", "--masa", &masa, "--tahun", &tahun];

    let (code, err) = efaktur(
        data.path(),
        &[&masa_args[..], &["--folder", out_s]].concat(),
    );
    assert_eq!(code, 0, "{err}");
    for n in &nomors {
        assert_eq!(page_count(&out.join(format!("{n}.pdf"))), 1);
    }
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        3,
        "no temporary files left"
    );

    // Existing files are kept without --force (exit 2, named), replaced with it.
    let first = out.join(format!("{}.pdf", nomors[0]));
    std::fs::write(&first, b"mine").unwrap();
    let (code, err) = efaktur(
        data.path(),
        &[&masa_args[..], &["--folder", out_s]].concat(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("sudah ada") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(&first).unwrap(), b"mine");
    let (code, err) = efaktur(
        data.path(),
        &[&masa_args[..], &["--folder", out_s, "--force"]].concat(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&first).unwrap().starts_with(b"%PDF-"));

    // One merged file; a second run does not replace it.
    let all = data.path().join("semua.pdf");
    let all_s = all.to_str().unwrap();
    let (code, err) = efaktur(
        data.path(),
        &[&masa_args[..], &["--gabung", all_s]].concat(),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(page_count(&all), 3);
    let info = tool("pdfinfo", "poppler-utils", &[all.as_os_str()]);
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("Faktur Pajak (3 faktur)"), "{info}");
    in_order(
        &pdftotext(&all, None),
        &[&nomors[0], &nomors[1], &nomors[2]],
    );
    let (code, err) = efaktur(
        data.path(),
        &[&masa_args[..], &["--gabung", all_s]].concat(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("sudah ada"), "{err}");

    // A status selection, one nomor, nothing matching, a bad nomor.
    let ok = data.path().join("ok.pdf");
    let (code, err) = efaktur(
        data.path(),
        &[
            "cetak",
            "--status",
            "approval_sukses",
            "--gabung",
            ok.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = pdftotext(&ok, None);
    assert!(
        text.contains(&nomors[1]) && !text.contains(&nomors[0]),
        "{text}"
    );
    let one = data.path().join("satu");
    let (code, err) = efaktur(
        data.path(),
        &[
            "cetak",
            "--nomor",
            &nomors[2],
            "--folder",
            one.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_dir(&one).unwrap().count(), 1);
    let none = data.path().join("none.pdf");
    let (code, err) = efaktur(
        data.path(),
        &[
            "cetak",
            "--masa",
            &masa,
            "--tahun",
            "2001",
            "--gabung",
            none.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 3, "{err}");
    assert!(!none.exists());
    let (code, err) = efaktur(
        data.path(),
        &[
            "cetak",
            "--nomor",
            "12345",
            "--gabung",
            none.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("tidak sah"), "{err}");
}

#[test]
fn kode_07_and_08_print_the_cap_fasilitas_and_the_dokumen_referensi() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = payload(&nsfp13(9), simple_items());
    p.kd_jenis_transaksi = "07".into();
    p.id_keterangan_tambahan = "1".into();
    p.kode_dokumen_pendukung = "KEP-123/WPJ.07/2025".into();
    let f = stored(&p, ApprovalStatus::ApprovalSukses, FakturStatus::Normal);
    let pdf = write_pdf(dir.path(), "kode07", &f);
    render(&pdf, &artefacts(), "kode07", 60);
    let text = pdftotext(&pdf, None)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    in_order(
        &text,
        &[
            "Total PPnBM",
            "Pajak Pertambahan Nilai atau Pajak Pertambahan Nilai dan Pajak Penjualan atas \
             Barang Mewah tidak dipungut (keterangan tambahan 1)",
            "Dokumen Referensi : KEP-123/WPJ.07/2025",
            "ditandatangani secara elektronik",
        ],
    );

    p.kd_jenis_transaksi = "08".into();
    p.id_keterangan_tambahan = "3".into();
    p.kode_dokumen_pendukung = String::new();
    let f = stored(&p, ApprovalStatus::Draft, FakturStatus::Normal);
    let pdf = write_pdf(dir.path(), "kode08", &f);
    let text = pdftotext(&pdf, None)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("Penjualan atas Barang Mewah dibebaskan (keterangan tambahan 3)"),
        "{text}"
    );
    assert!(!text.contains("Dokumen Referensi"), "none given:\n{text}");

    // Other kode: no cap.
    let f = stored(
        &payload(&nsfp13(10), simple_items()),
        ApprovalStatus::ApprovalSukses,
        FakturStatus::Normal,
    );
    let text = pdftotext(&write_pdf(dir.path(), "kode01", &f), None);
    assert!(
        !text.contains("tidak dipungut") && !text.contains("dibebaskan"),
        "{text}"
    );
}

/// The merged PDF is written batch by batch (`print::merge`): many batches, one of them partly
/// filled, still make one document with every page in order and the two fonts embedded once.
#[test]
fn a_merged_pdf_of_many_batches_has_every_page_in_order_and_its_fonts_once() {
    use efaktur::print::batch::{self, Selection};
    use efaktur::print::merge::BATCH;
    use efaktur::store::faktur::Filter;

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
    profile::save(store.conn(), &seller()).unwrap();
    let count = 2 * BATCH + 3;
    let long = BATCH + 7;
    let mut nomors = Vec::new();
    let mut long_pages = 0;
    for serial in 1..=count as u32 {
        let mut items = simple_items();
        if serial as usize == long {
            // Two pages in the middle of the second batch.
            items = (1..=40)
                .map(|i| item(&format!("Barang ke-{i}"), 1_000, i, 0))
                .collect();
        }
        if serial == 60 {
            // Shaped with the "fi" ligature where the font has one: already in the shared subset.
            items.push(item("Jasa sertifikasi dan konfirmasi", 500_000, 1, 0));
        }
        let f = FakturDraft::from(&payload(&nsfp13(serial), items))
            .validate()
            .unwrap();
        let approved = serial % 3 == 0;
        let approval = if approved {
            ApprovalStatus::DalamProses
        } else {
            ApprovalStatus::Draft
        };
        let id = faktur::insert(store.conn(), &f, approval, "uji").unwrap();
        if serial as usize == long {
            let alone = faktur::get(store.conn(), id).unwrap().unwrap();
            long_pages = page_count(&write_pdf(dir.path(), "panjang", &alone));
            assert!(long_pages > 1);
        }
        if approved {
            faktur::record_approval(
                store.conn(),
                id,
                "2026-11-30T10:00:00",
                &format!("https://127.0.0.1:1/validasi/faktur/{SELLER}/{serial}/abc"),
            )
            .unwrap();
        }
        nomors.push(f.nomor().to_string());
    }
    let sel = Selection::Filter(Filter {
        masukan: Some(false),
        ..Filter::default()
    });
    let out = dir.path().join("pdf");
    std::fs::create_dir(&out).unwrap();
    let file = out.join("gabung.pdf");
    let mut ticks = Vec::new();
    let printed = batch::merged(store.conn(), &sel, &seller(), &opts(), &file, false, |n| {
        ticks.push(n)
    })
    .unwrap();
    assert_eq!(printed.faktur, count);
    assert_eq!(printed.files, vec![file.clone()]);
    assert_eq!(ticks, (1..=count).collect::<Vec<_>>());
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        1,
        "no temporary file left"
    );

    assert_eq!(page_count(&file), count - 1 + long_pages);
    let info = tool("pdfinfo", "poppler-utils", &[file.as_os_str()]);
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains(&format!("Faktur Pajak ({count} faktur)")),
        "{info}"
    );
    let text = pdftotext(&file, None);
    let headers: Vec<String> = nomors
        .iter()
        .map(|n| format!("Kode dan Nomor Seri Faktur Pajak : {n}"))
        .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    in_order(&text, &headers);
    let lanjutan = format!("{} (lanjutan)", nomors[long - 1]);
    assert!(pdftotext(&file, Some(long + 1)).contains(&lanjutan));
    in_order(
        &pdftotext(&file, Some(long + long_pages - 1)),
        &[&lanjutan, "Barang ke-40"],
    );
    assert!(text.contains("Jasa sertifikasi dan konfirmasi"), "{text}");
    // Watermarks and QR codes come through the copy: a draft, then an approved faktur's QR.
    assert_eq!(watermark(&file, 1), "DRAF");
    assert_eq!(watermark(&file, 3), "");
    let page3 = page_png(&file, 3, &dir.path().join("merged"), 300);
    let z = tool(
        "zbarimg",
        "zbar-tools",
        &["--raw".as_ref(), "-q".as_ref(), page3.as_os_str()],
    );
    assert_eq!(
        String::from_utf8_lossy(&z.stdout).trim(),
        format!("https://127.0.0.1:1/validasi/faktur/{SELLER}/3/abc")
    );
    // A merged page looks exactly like the faktur's own PDF (same drawing, other font subset).
    for (page, serial) in [(1, 1), (3, 3), (count - 1 + long_pages, count)] {
        let id = faktur::ids_by_nsfp(
            store.conn(),
            false,
            efaktur::domain::Nsfp::parse(&nsfp13(serial as u32)).unwrap(),
        )
        .unwrap()[0];
        let alone = faktur::get(store.conn(), id).unwrap().unwrap();
        let own = write_pdf(dir.path(), &format!("sendiri-{serial}"), &alone);
        let a = page_png(&file, page, &dir.path().join("merged"), 72);
        let b = page_png(&own, 1, &dir.path().join("own"), 72);
        assert!(
            std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(),
            "page {page} of the merged PDF differs from faktur {serial}'s own PDF"
        );
    }

    // Every batch embeds the same subset: each face is one font object for the whole file.
    let fonts = tool("pdffonts", "poppler-utils", &[file.as_os_str()]);
    let fonts = String::from_utf8_lossy(&fonts.stdout).into_owned();
    let faces: Vec<&str> = fonts.lines().filter(|l| l.contains('+')).collect();
    assert_eq!(faces.len(), 2, "{fonts}");
    assert!(faces.iter().all(|l| l.contains("yes yes yes")), "{fonts}");

    // qpdf checks the structure (cross-reference offsets, page tree) where it is installed.
    if let Ok(check) = Command::new("qpdf").arg("--check").arg(&file).output() {
        let out = String::from_utf8_lossy(&check.stdout);
        assert!(
            check.status.success() && out.contains("No syntax or stream encoding errors"),
            "{out}{}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

/// A merged print that fails half-way (a faktur gone from the list) leaves neither the target nor
/// its temporary file, although the first batch was already written out.
#[test]
fn a_merged_pdf_that_fails_half_way_leaves_nothing_behind() {
    use efaktur::print::batch::{self, BatchError, Selection};
    use efaktur::print::merge::BATCH;

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
    profile::save(store.conn(), &seller()).unwrap();
    let mut ids = Vec::new();
    for serial in 1..=(BATCH + 1) as u32 {
        let f = FakturDraft::from(&payload(&nsfp13(serial), simple_items()))
            .validate()
            .unwrap();
        ids.push(faktur::insert(store.conn(), &f, ApprovalStatus::Draft, "uji").unwrap());
    }
    ids.push(999_999);
    let out = dir.path().join("pdf");
    std::fs::create_dir(&out).unwrap();
    let file = out.join("gabung.pdf");
    let mut ticks = 0;
    let err = batch::merged(
        store.conn(),
        &Selection::Ids(ids),
        &seller(),
        &opts(),
        &file,
        false,
        |n| ticks = n,
    )
    .unwrap_err();
    assert!(matches!(err, BatchError::Nomor(_)), "{err}");
    assert_eq!(ticks, BATCH + 1);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}

/// Renders page `page` of `pdf` to a PNG in `dir` at `dpi`; returns its path.
fn page_png(pdf: &Path, page: usize, dir: &Path, dpi: u32) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let prefix = dir.join(format!("p{page}-{dpi}"));
    let p = page.to_string();
    let out = tool(
        "pdftoppm",
        "poppler-utils",
        &[
            "-png".as_ref(),
            "-singlefile".as_ref(),
            "-r".as_ref(),
            dpi.to_string().as_ref(),
            "-f".as_ref(),
            p.as_ref(),
            "-l".as_ref(),
            p.as_ref(),
            pdf.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    prefix.with_extension("png")
}
