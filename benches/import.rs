//! Import benchmark: 100,000 faktur × 3 items generated as an e-Faktur CSV, imported into a fresh
//! Local Database in a child process (so its peak memory is the import's own), next to the
//! `sqlite3` shell's `.import` of the same file. Run with `cargo bench --bench import`.
//!
//! Then the same file again, into the database that now holds it: checked (`validate --npwp`) and
//! imported, every faktur must be reported as a duplicate (ETAX-20002) — in about the time of a
//! clean import, since the look-up is keyed (target: under 5 s for the 100,000).
//!
//! The OF rows are padded with empty fields to the FK's 20 columns (which the importer accepts)
//! so that `sqlite3 .import` reads every row into one 20-column table without warnings.
//!
//! The two run in turn [`ROUNDS`] times, each into a fresh database after a `sync`; the figures
//! are medians (the ratio the median of each round's own ratio), with the range, since one run
//! on a shared machine can be off by a fifth.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use efaktur::domain::{DjpCode, Npwp, Nsfp, NsfpRange};
use efaktur::exchange::{ImportOptions, Report, import_csv, validate_csv};
use efaktur::store::{Store, nsfp, profile};

const FAKTUR: u32 = 100_000;
const ITEMS: u32 = 3;
const ROUNDS: usize = 5;

fn generate(path: &Path) -> std::io::Result<u64> {
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    let pad = ",,,,,,,,,";
    for i in 1..=FAKTUR {
        let prices = [(i % 97 + 1) * 1000, (i % 13 + 1) * 2500, 17_500];
        let dpp: u32 = prices.iter().sum();
        // 11 % of whole rupiah: the header PPN is the floor of the exact sum.
        let ppn = dpp as u64 * 11 / 100;
        writeln!(
            w,
            "FK,01,0,00024{i:08},1,2024,15/01/2024,013000666091000,PT PEMBELI {i},Jl. Sudirman {i} Jakarta,{dpp},{ppn},0,,0,0,0,0,INV/{i},"
        )?;
        for (n, p) in prices.iter().enumerate() {
            let line_ppn = *p as f64 * 0.11;
            writeln!(
                w,
                "OF,K{n},Barang {n},{p},1,{p},0,{p},{line_ppn:.2},0,0{pad}"
            )?;
        }
    }
    w.flush()?;
    Ok(u64::from(FAKTUR * (1 + ITEMS)))
}

fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The child: imports `csv` into a fresh database at `db`, prints seconds and peak RSS.
fn child(csv: &Path, db: &Path) {
    let mut store = Store::open(db).expect("open database");
    let npwp = Npwp::parse("013463476415001").expect("npwp");
    profile::save(
        store.conn(),
        &profile::Profile::new(npwp, "PT BENCH", "Jakarta"),
    )
    .expect("profile");
    let range = NsfpRange::new(
        Nsfp::parse("0002400000001").expect("nsfp"),
        Nsfp::parse(&format!("00024{FAKTUR:08}")).expect("nsfp"),
    )
    .expect("range");
    nsfp::add_range(
        store.conn(),
        range,
        chrono::NaiveDate::from_ymd_opt(2024, 1, 2).expect("date"),
    )
    .expect("range");
    let file = std::fs::File::open(csv).expect("csv");
    let start = Instant::now();
    let report =
        import_csv(file, &mut store, &ImportOptions::default(), &mut |_| {}).expect("import");
    let secs = start.elapsed().as_secs_f64();
    assert!(
        report.is_clean(),
        "benchmark file has errors: {:?}",
        &report.errors[..report.errors.len().min(5)]
    );
    assert_eq!(report.imported, u64::from(FAKTUR));
    let hwm = vm_hwm_kb().unwrap_or(0);

    let all_duplicates = |r: &Report| {
        assert_eq!(r.imported, 0);
        // The report keeps the first problems and counts the rest.
        assert_eq!(r.errors.total(), u64::from(FAKTUR), "{:?}", &r.errors[..3]);
        assert!(r.errors.iter().all(|p| p.code == DjpCode::Etax20002));
    };
    let file = std::fs::File::open(csv).expect("csv");
    let start = Instant::now();
    let again =
        validate_csv(file, store.conn(), &ImportOptions::default(), &mut |_| {}).expect("validate");
    let check_secs = start.elapsed().as_secs_f64();
    all_duplicates(&again);
    let file = std::fs::File::open(csv).expect("csv");
    let start = Instant::now();
    let again =
        import_csv(file, &mut store, &ImportOptions::default(), &mut |_| {}).expect("re-import");
    let reimport_secs = start.elapsed().as_secs_f64();
    all_duplicates(&again);
    println!("{secs} {hwm} {check_secs} {reimport_secs}");
}

fn sqlite3_import(csv: &Path, db: &Path) -> Result<f64, String> {
    let columns: Vec<String> = (1..=20).map(|i| format!("c{i} TEXT")).collect();
    let start = Instant::now();
    let out = Command::new("sqlite3")
        .arg(db)
        .arg(format!("CREATE TABLE t ({});", columns.join(", ")))
        .arg(".mode csv")
        .arg(format!(".import {} t", csv.display()))
        .output()
        .map_err(|e| {
            format!("sqlite3 tidak dapat dijalankan ({e}); pasang paket Debian `sqlite3`")
        })?;
    let secs = start.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!(
            "sqlite3 gagal: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(secs)
}

/// What one child run printed.
struct Run {
    secs: f64,
    hwm_kb: u64,
    check_secs: f64,
    reimport_secs: f64,
}

fn run_child(exe: &Path, csv: &Path, db: &Path) -> Run {
    let out = Command::new(exe)
        .arg("--child")
        .arg(csv)
        .arg(db)
        .output()
        .expect("run child");
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        std::process::exit(1);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let mut next = || -> f64 {
        parts
            .next()
            .and_then(|s| s.parse().ok())
            .expect("child figure")
    };
    Run {
        secs: next(),
        hwm_kb: next() as u64,
        check_secs: next(),
        reimport_secs: next(),
    }
}

/// Writes what earlier runs left in the page cache to disk, so that their write-back does not
/// slow the next run's own syncs (each run syncs about 60 MB).
fn settle() {
    let _ = Command::new("sync").status();
}

/// Median, lowest and highest.
fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

/// Same allocator as the `efaktur` binary, so the figures are the app's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(Path::new(&args[i + 1]), Path::new(&args[i + 2]));
        return;
    }
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this binary without it,
    // and a test run must not spend a minute importing 100,000 faktur.
    if !args.iter().any(|a| a == "--bench") {
        println!("import benchmark: run it with `cargo bench --bench import`");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("bench.csv");
    let rows = generate(&csv).expect("generate csv");
    let size = std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0);
    println!(
        "file: {FAKTUR} faktur x {ITEMS} items = {rows} rows, {:.1} MB",
        size as f64 / 1e6
    );

    let exe = std::env::current_exe().expect("current exe");
    let mut runs: Vec<Run> = Vec::with_capacity(ROUNDS);
    let (mut theirs, mut ratios) = (Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS));
    for round in 0..ROUNDS {
        settle();
        let run = run_child(&exe, &csv, &dir.path().join(format!("ours{round}.sqlite")));
        settle();
        match sqlite3_import(&csv, &dir.path().join(format!("sqlite3-{round}.sqlite"))) {
            Ok(s) => {
                theirs.push(s);
                ratios.push(s / run.secs);
            }
            Err(e) if round == 0 => println!("sqlite3 .import: not measured: {e}"),
            Err(_) => {}
        }
        runs.push(run);
    }
    let secs = median(runs.iter().map(|r| r.secs).collect());
    let hwm_kb = runs.iter().map(|r| r.hwm_kb).max().unwrap_or(0);
    let ours = rows as f64 / secs.0;
    println!(
        "efaktur import : {ours:>10.0} rows/s ({:.2} s; {:.2}–{:.2} s over {ROUNDS} runs), peak RSS {:.1} MB",
        secs.0,
        secs.1,
        secs.2,
        hwm_kb as f64 / 1024.0
    );
    for (what, s) in [
        (
            "validate again ",
            median(runs.iter().map(|r| r.check_secs).collect()),
        ),
        (
            "import again   ",
            median(runs.iter().map(|r| r.reimport_secs).collect()),
        ),
    ] {
        println!(
            "{what}: {FAKTUR} duplicates reported in {:.2} s (target < 5 s: {})",
            s.0,
            if s.2 < 5.0 { "met" } else { "NOT met" }
        );
    }
    if !ratios.is_empty() {
        let (ratio, s) = (median(ratios), median(theirs));
        println!(
            "sqlite3 .import: {:>10.0} rows/s ({:.2} s; {:.2}–{:.2} s)",
            rows as f64 / s.0,
            s.0,
            s.1,
            s.2
        );
        println!(
            "ratio          : {:.0} % of sqlite3 .import ({:.0}–{:.0} %; target >= 70 %)",
            ratio.0 * 100.0,
            ratio.1 * 100.0,
            ratio.2 * 100.0
        );
    }
    println!(
        "peak RSS target: <= 100 MB: {}",
        if hwm_kb <= 100 * 1024 {
            "met"
        } else {
            "NOT met"
        }
    );
}
