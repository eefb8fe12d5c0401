//! Cetak Faktur throughput: approved faktur (5 items each, with QR codes) printed from a Local
//! Database to separate files and to one merged file. Each run is a child process, so its peak
//! RSS (VmHWM) is its own; runs of 100, 1,000 and 5,000 faktur show whether memory stays flat.
//!
//! `cargo bench --bench cetak [-- COUNT...]` (release). Prints faktur/s, peak RSS and output size
//! per run.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use chrono::{Datelike, Utc};
use efaktur::domain::{ApprovalStatus, FakturDraft, Npwp};
use efaktur::enofa::wire::{FakturItemPayload, FakturPayload};
use efaktur::print::PrintOptions;
use efaktur::print::batch::{self, Selection};
use efaktur::store::faktur::{self, Filter};
use efaktur::store::{Store, profile};

const COUNTS: [u32; 3] = [100, 1_000, 5_000];
const ITEMS: u32 = 5;
const SELLER: &str = "013463476415001";

fn payload(serial: u32) -> FakturPayload {
    let today = Utc::now().date_naive();
    let items: Vec<FakturItemPayload> = (1..=ITEMS)
        .map(|i| {
            let total = 150_000 * u64::from(i);
            FakturItemPayload {
                kode_objek: format!("B{i:03}"),
                nama: format!("Barang dagangan nomor {i} ukuran sedang"),
                harga_satuan: "150000".into(),
                jumlah_barang: i.to_string(),
                harga_total: total.to_string(),
                diskon: "0".into(),
                dpp: total.to_string(),
                ppn: (total * 12 / 100).to_string(),
                tarif_ppnbm: "0".into(),
                ppnbm: "0".into(),
            }
        })
        .collect();
    let dpp: u64 = items
        .iter()
        .map(|i| i.dpp.parse::<u64>().unwrap_or(0))
        .sum();
    FakturPayload {
        kd_jenis_transaksi: "01".into(),
        fg_pengganti: "0".into(),
        nomor_faktur: format!("000{:02}{serial:08}", today.year() % 100),
        masa_pajak: today.month().to_string(),
        tahun_pajak: today.year().to_string(),
        tanggal_faktur: today.format("%d/%m/%Y").to_string(),
        npwp: "013000666091000".into(),
        nama: format!("PT PEMBELI NOMOR {serial}"),
        alamat: "JL. MERDEKA NO. 1, GAMBIR, JAKARTA PUSAT".into(),
        jumlah_dpp: dpp.to_string(),
        jumlah_ppn: (dpp * 12 / 100).to_string(),
        jumlah_ppnbm: "0".into(),
        items,
        ..FakturPayload::default()
    }
}

/// A Local Database with `count` approved faktur.
fn generate(db: &Path, count: u32) {
    let store = Store::open(db).expect("open database");
    let npwp = Npwp::parse(SELLER).expect("npwp");
    profile::save(
        store.conn(),
        &profile::Profile::new(npwp, "PT BENCH", "JL. JEND. SUDIRMAN KAV. 52-53, JAKARTA"),
    )
    .expect("profile");
    let conn = store.conn();
    conn.execute_batch("BEGIN").expect("begin");
    for serial in 1..=count {
        let p = payload(serial);
        let f = FakturDraft::from(&p).validate().expect("valid faktur");
        let id = faktur::insert(conn, &f, ApprovalStatus::DalamProses, "bench").expect("insert");
        let url = format!(
            "https://127.0.0.1:8443/validasi/faktur/{SELLER}/{}/{}",
            f.nsfp.digits(),
            "3031300d060960864801650304020105000420".to_string() + &"ab".repeat(32)
        );
        faktur::record_approval(conn, id, "2026-11-30T10:00:00", &url).expect("approve");
    }
    conn.execute_batch("COMMIT").expect("commit");
}

fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The child: prints every faktur of `db` in `mode`; prints seconds, peak RSS in KiB and count.
fn child(mode: &str, db: &Path, out: &Path) {
    let store = Store::open_read_only(db).expect("open database");
    let seller = profile::get(store.conn())
        .expect("profile")
        .expect("profile");
    let opts = PrintOptions {
        kota: Some("JAKARTA".into()),
        penandatangan: Some("Budi Santoso".into()),
    };
    let sel = Selection::Filter(Filter {
        masukan: Some(false),
        approval: Some(ApprovalStatus::ApprovalSukses),
        ..Filter::default()
    });
    let started = Instant::now();
    let printed = match mode {
        "separate" => batch::to_folder(store.conn(), &sel, &seller, &opts, out, true, |_| {}),
        _ => batch::merged(
            store.conn(),
            &sel,
            &seller,
            &opts,
            &out.join("gabung.pdf"),
            true,
            |_| {},
        ),
    }
    .expect("print");
    let secs = started.elapsed().as_secs_f64();
    println!("{secs} {} {}", vm_hwm_kb().unwrap_or(0), printed.faktur);
}

/// Same allocator as the `efaktur` binary, so the figures are the app's (with glibc's malloc, the
/// separate files' run grows by fragmentation: ~1.5 GB for 5,000 faktur).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(
            &args[i + 1],
            Path::new(&args[i + 2]),
            Path::new(&args[i + 3]),
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut counts: Vec<u32> = args[1..].iter().filter_map(|a| a.parse().ok()).collect();
    if counts.is_empty() {
        counts = COUNTS.to_vec();
    }
    for &count in &counts {
        generate(&dir.path().join(format!("{count}.sqlite")), count);
    }
    let sizes: Vec<String> = counts
        .iter()
        .map(|c| {
            let db = dir.path().join(format!("{c}.sqlite"));
            let bytes = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
            format!("{:.1} MB", bytes as f64 / 1e6)
        })
        .collect();
    // Reading a database fills SQLite's page cache (up to 32 MB, see store::Store): part of the
    // peak RSS of a larger run in both modes.
    println!(
        "databases: {counts:?} approved faktur x {ITEMS} items, each with a QR code ({})",
        sizes.join(", ")
    );
    let exe = std::env::current_exe().expect("current exe");
    for mode in ["separate", "merged"] {
        for &count in &counts {
            let out = dir.path().join(format!("{mode}-{count}"));
            std::fs::create_dir_all(&out).expect("out dir");
            let run = Command::new(&exe)
                .arg("--child")
                .arg(mode)
                .arg(dir.path().join(format!("{count}.sqlite")))
                .arg(&out)
                .output()
                .expect("run child");
            if !run.status.success() {
                eprintln!("{}", String::from_utf8_lossy(&run.stderr));
                std::process::exit(1);
            }
            let text = String::from_utf8_lossy(&run.stdout);
            let mut parts = text.split_whitespace();
            let secs: f64 = parts.next().and_then(|s| s.parse().ok()).expect("seconds");
            let kb: u64 = parts.next().and_then(|s| s.parse().ok()).expect("VmHWM");
            let printed: u32 = parts.next().and_then(|s| s.parse().ok()).expect("count");
            assert_eq!(printed, count, "every faktur printed");
            let bytes: u64 = std::fs::read_dir(&out)
                .expect("read out")
                .filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum();
            println!(
                "{:<14} {count:>5} faktur: {:>6.0} faktur/s ({secs:.2} s), peak RSS {:>6.1} MB, output {:.1} MB ({:.1} KB/faktur)",
                if mode == "separate" {
                    "one file each"
                } else {
                    "--gabung"
                },
                f64::from(count) / secs,
                kb as f64 / 1024.0,
                bytes as f64 / 1e6,
                bytes as f64 / 1e3 / f64::from(count)
            );
        }
    }
}
