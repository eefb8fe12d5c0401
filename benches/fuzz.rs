//! A fuzz campaign on stable Rust, longer than CI's property tests: generated and mutated inputs
//! through every reader and parser (the same targets as `tests/it/props.rs`), each under
//! `catch_unwind`. Seeds are the fixture files (`tests/fixtures/csv`, `xml`, the upload payload);
//! mutations are structure-aware (fields, rows, XML element texts and blocks, JSON values) and
//! byte-level, plus purely random bytes.
//!
//! ```sh
//! cargo bench --bench fuzz -- --inputs 1000000 [--seed 7] [--out target/fuzz]
//! ```
//!
//! Prints inputs/s per target and in total; every panicking input is saved under `--out` (with
//! the panic message beside it) and the run exits with status 1.

#[path = "../tests/it/targets.rs"]
mod targets;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use efaktur::store::Store;

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
    "-999999999999999999.99",
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
    "\n",
    "\u{FEFF}",
    "\u{FFFD}",
    "\u{0}",
    "é",
    "<",
    "&amp;",
    "&#0;",
    "]]>",
    "<![CDATA[x]]>",
    "FK",
    "OF",
    "LT",
    "FM",
    "FAPR",
    "RK",
    "TIN",
    "National ID",
    "UM.0018",
    "TD.00501",
    "01",
    "04",
    "07",
    "12",
    "11",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Target {
    Csv,
    Xml,
    Wire,
    Fields,
}

impl Target {
    const ALL: [Target; 4] = [Target::Csv, Target::Xml, Target::Wire, Target::Fields];

    fn name(self) -> &'static str {
        match self {
            Target::Csv => "csv",
            Target::Xml => "coretax-xml",
            Target::Wire => "upload-json",
            Target::Fields => "fields",
        }
    }

    fn ext(self) -> &'static str {
        match self {
            Target::Csv => "csv",
            Target::Xml => "xml",
            Target::Wire => "json",
            Target::Fields => "txt",
        }
    }
}

struct Args {
    inputs: u64,
    seed: u64,
    out: PathBuf,
}

fn args() -> Args {
    let mut a = Args {
        inputs: 100_000,
        seed: 1,
        out: Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz"),
    };
    // `cargo bench` adds `--bench`; anything unknown is ignored.
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--inputs" => a.inputs = it.next().and_then(|v| v.parse().ok()).unwrap_or(a.inputs),
            "--seed" => a.seed = it.next().and_then(|v| v.parse().ok()).unwrap_or(a.seed),
            "--out" => a.out = it.next().map(PathBuf::from).unwrap_or(a.out),
            _ => {}
        }
    }
    a
}

fn read_dir(dir: &str, ext: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

struct Corpus {
    csv: Vec<Vec<u8>>,
    xml: Vec<Vec<u8>>,
    json: Vec<Vec<u8>>,
}

fn pick<'a, T>(rng: &mut StdRng, v: &'a [T]) -> &'a T {
    &v[rng.random_range(0..v.len())]
}

/// One field value: a tricky one, digits, or a random mix of characters.
fn field(rng: &mut StdRng) -> String {
    match rng.random_range(0..6) {
        0 | 1 => (*pick(rng, TRICKY)).to_owned(),
        2 => (0..rng.random_range(0..25))
            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
            .collect(),
        3 => {
            let int: u64 = rng.random();
            format!("{int}.{:02}", rng.random_range(0..100))
        }
        4 => {
            let alphabet = b"0123456789.-/ ,;\"\\<>&AZaz";
            (0..rng.random_range(0..30))
                .map(|_| char::from(*pick(rng, alphabet)))
                .collect()
        }
        _ => (0..rng.random_range(0..20))
            .filter_map(|_| char::from_u32(rng.random_range(0..0x3000)))
            .collect(),
    }
}

/// Byte-level changes: flip, insert, delete, repeat a slice, splice a tricky value, truncate.
fn mutate_bytes(rng: &mut StdRng, data: &mut Vec<u8>) {
    let len = data.len();
    match rng.random_range(0..6) {
        0 if len > 0 => {
            let i = rng.random_range(0..len);
            data[i] ^= 1 << rng.random_range(0..8);
        }
        1 => {
            let i = rng.random_range(0..=len);
            data.insert(i, rng.random());
        }
        2 if len > 0 => {
            let i = rng.random_range(0..len);
            let n = rng.random_range(1..=(len - i).min(64));
            data.drain(i..i + n);
        }
        3 if len > 0 => {
            let i = rng.random_range(0..len);
            let n = rng.random_range(1..=(len - i).min(256));
            let slice = data[i..i + n].to_vec();
            for _ in 0..rng.random_range(1..8) {
                data.splice(i..i, slice.iter().copied());
            }
        }
        4 => {
            let i = rng.random_range(0..=len);
            let t = pick(rng, TRICKY).as_bytes().to_vec();
            data.splice(i..i, t);
        }
        _ if len > 0 => data.truncate(rng.random_range(0..len)),
        _ => data.push(rng.random()),
    }
}

/// CSV changes: a field replaced (quoted or bare), rows dropped, repeated (sometimes many
/// times, for large files), swapped, fields added or removed, the row flag changed.
fn mutate_csv(rng: &mut StdRng, data: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(data);
    let sep = if text.lines().next().is_some_and(|l| l.contains(';')) {
        ';'
    } else {
        ','
    };
    let mut rows: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(sep).map(str::to_owned).collect())
        .collect();
    for _ in 0..rng.random_range(1..5) {
        if rows.is_empty() {
            rows.push(vec!["FK".into()]);
        }
        let r = rng.random_range(0..rows.len());
        match rng.random_range(0..10) {
            0..=4 => {
                let f = rng.random_range(0..rows[r].len());
                let v = field(rng);
                rows[r][f] = if rng.random_bool(0.5) {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    v
                };
            }
            5 => {
                rows.remove(r);
            }
            6 => {
                let times = if rng.random_bool(0.02) {
                    rng.random_range(500..3000)
                } else {
                    rng.random_range(1..5)
                };
                let row = rows[r].clone();
                for _ in 0..times {
                    rows.insert(r, row.clone());
                }
            }
            7 => {
                let other = rng.random_range(0..rows.len());
                rows.swap(r, other);
            }
            8 => {
                if rng.random_bool(0.5) {
                    rows[r].push(field(rng));
                } else if rows[r].len() > 1 {
                    rows[r].pop();
                }
            }
            _ => {
                let flags = ["FK", "FM", "OF", "LT", "FAPR", "RK", "XX", ""];
                rows[r][0] = (*pick(rng, &flags)).to_owned();
            }
        }
    }
    let mut out = String::with_capacity(data.len() + 64);
    for row in rows {
        out.push_str(&row.join(&sep.to_string()));
        out.push_str(if rng.random_bool(0.05) { "\r\n" } else { "\n" });
    }
    out.into_bytes()
}

/// XML changes: leaf element texts replaced (escaped or raw), GoodService or TaxInvoice blocks
/// repeated or removed, a tag renamed.
fn mutate_xml(rng: &mut StdRng, data: &[u8]) -> Vec<u8> {
    let mut text = String::from_utf8_lossy(data).into_owned();
    for _ in 0..rng.random_range(1..4) {
        match rng.random_range(0..6) {
            0..=3 => {
                let leaves: Vec<(usize, usize)> = text
                    .match_indices("</")
                    .filter_map(|(end, _)| {
                        let start = text[..end].rfind('>')? + 1;
                        (!text[start..end].contains('<')).then_some((start, end))
                    })
                    .collect();
                if leaves.is_empty() {
                    continue;
                }
                let (start, end) = *pick(rng, &leaves);
                let mut v = field(rng);
                if rng.random_bool(0.8) {
                    v = v
                        .replace('&', "&amp;")
                        .replace('<', "&lt;")
                        .replace('>', "&gt;");
                }
                text.replace_range(start..end, &v);
            }
            4 => {
                let tag = if rng.random_bool(0.7) {
                    "GoodService"
                } else {
                    "TaxInvoice"
                };
                let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
                if let (Some(s), Some(e)) = (text.find(&open), text.find(&close))
                    && s < e
                {
                    let block = text[s..e + close.len()].to_owned();
                    if rng.random_bool(0.2) {
                        text.replace_range(s..e + close.len(), "");
                    } else {
                        let times = if rng.random_bool(0.02) {
                            rng.random_range(200..1500)
                        } else {
                            rng.random_range(1..4)
                        };
                        for _ in 0..times {
                            text.insert_str(s, &block);
                        }
                    }
                }
            }
            _ => {
                let tags = ["<Price>", "<Qty>", "<TIN>", "<TaxInvoiceDate>", "<VATRate>"];
                let from = *pick(rng, &tags);
                text = text.replacen(from, "<Unknown>", 1);
            }
        }
    }
    text.into_bytes()
}

/// JSON changes: a string value replaced, items repeated or emptied, a value of another type.
fn mutate_json(rng: &mut StdRng, data: &[u8]) -> Vec<u8> {
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return data.to_vec();
    };
    for _ in 0..rng.random_range(1..4) {
        let Some(obj) = value.as_object_mut() else {
            break;
        };
        let keys: Vec<String> = obj.keys().cloned().collect();
        let key = pick(rng, &keys).clone();
        match rng.random_range(0..6) {
            0..=2 => obj[&key] = serde_json::Value::String(field(rng)),
            3 => {
                if let Some(items) = obj.get_mut("items").and_then(|v| v.as_array_mut())
                    && let Some(first) = items.first().cloned()
                {
                    let mut item = first;
                    if let Some(o) = item.as_object_mut() {
                        let ks: Vec<String> = o.keys().cloned().collect();
                        let k = pick(rng, &ks).clone();
                        o[&k] = serde_json::Value::String(field(rng));
                    }
                    for _ in 0..rng.random_range(1..20) {
                        items.push(item.clone());
                    }
                }
            }
            4 => obj[&key] = serde_json::json!(rng.random::<i64>()),
            _ => {
                obj.remove(&key);
            }
        }
    }
    serde_json::to_vec(&value).unwrap_or_default()
}

fn generate(rng: &mut StdRng, target: Target, corpus: &Corpus) -> Vec<u8> {
    if rng.random_bool(0.1) {
        let n = rng.random_range(0..512);
        return (0..n).map(|_| rng.random()).collect();
    }
    let mut data = match target {
        Target::Csv => {
            let seed = pick(rng, &corpus.csv);
            mutate_csv(rng, seed)
        }
        Target::Xml => {
            let seed = pick(rng, &corpus.xml);
            mutate_xml(rng, seed)
        }
        Target::Wire => {
            let seed = pick(rng, &corpus.json);
            mutate_json(rng, seed)
        }
        Target::Fields => {
            let mut s = field(rng);
            for _ in 0..rng.random_range(0..3) {
                s.push_str(&field(rng));
            }
            s.into_bytes()
        }
    };
    if rng.random_bool(0.3) {
        for _ in 0..rng.random_range(1..4) {
            mutate_bytes(rng, &mut data);
        }
    }
    data
}

/// Local Databases reused between inputs (an in-memory one costs its migrations), renewed now
/// and then so imports do not pile up, and after a panic.
struct Stores {
    store: Store,
    uses: u32,
}

impl Stores {
    fn get(&mut self) -> &mut Store {
        self.uses += 1;
        if self.uses > 2000 {
            self.renew();
        }
        &mut self.store
    }
    fn renew(&mut self) {
        self.store = targets::store();
        self.uses = 0;
    }
}

fn run(target: Target, data: &[u8], stores: &mut Stores, n: u64) {
    match target {
        Target::Csv => targets::csv(data, stores.get(), n.is_multiple_of(8)),
        Target::Xml => targets::xml(data, stores.get()),
        Target::Wire => targets::wire(data),
        Target::Fields => targets::fields(&String::from_utf8_lossy(data)),
    }
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn main() {
    let args = args();
    let corpus = Corpus {
        csv: read_dir("tests/fixtures/csv", "csv"),
        xml: read_dir("tests/fixtures/xml", "xml"),
        json: vec![
            std::fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/enofa/faktur_payload.json"),
            )
            .expect("payload fixture"),
        ],
    };
    // Panics are expected findings: record the message instead of printing a backtrace each.
    std::panic::set_hook(Box::new(|info| {
        let mut last = LAST_PANIC.lock().unwrap_or_else(|p| p.into_inner());
        last.get_or_insert_with(|| info.to_string());
    }));
    let mut rng = StdRng::seed_from_u64(args.seed);
    let mut stores = Stores {
        store: targets::store(),
        uses: 0,
    };
    let mut counts = [(0u64, 0f64, 0u64); 4]; // inputs, seconds, panics per target
    let mut bytes = 0u64;
    let started = Instant::now();
    println!(
        "fuzz: {} inputs, seed {}, findings under {}",
        args.inputs,
        args.seed,
        args.out.display()
    );
    for n in 0..args.inputs {
        let target = match rng.random_range(0..20) {
            0..=6 => Target::Csv,
            7..=11 => Target::Xml,
            12..=15 => Target::Wire,
            _ => Target::Fields,
        };
        let data = generate(&mut rng, target, &corpus);
        bytes += data.len() as u64;
        let t = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| run(target, &data, &mut stores, n)));
        let slot = &mut counts[target as usize];
        slot.0 += 1;
        slot.1 += t.elapsed().as_secs_f64();
        if outcome.is_err() {
            slot.2 += 1;
            let message = LAST_PANIC
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take()
                .unwrap_or_default();
            save(&args.out, target, n, &data, &message);
            stores.renew();
        }
        if (n + 1).is_multiple_of(100_000) {
            println!(
                "  {} inputs, {:.0} inputs/s",
                n + 1,
                (n + 1) as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!("target        inputs    inputs/s   panics");
    for t in Target::ALL {
        let (inputs, s, panics) = counts[t as usize];
        println!(
            "{:<12} {:>8} {:>11.0} {:>8}",
            t.name(),
            inputs,
            inputs as f64 / s.max(1e-9),
            panics
        );
    }
    let panics: u64 = counts.iter().map(|c| c.2).sum();
    println!(
        "total        {:>8} {:>11.0} {:>8}   ({:.1} s, {:.1} MB of input)",
        args.inputs,
        args.inputs as f64 / secs,
        panics,
        secs,
        bytes as f64 / 1e6
    );
    if panics > 0 {
        std::process::exit(1);
    }
}

fn save(dir: &Path, target: Target, n: u64, data: &[u8], message: &str) {
    let _ = std::fs::create_dir_all(dir);
    let path = dir.join(format!("{}-{n}.{}", target.name(), target.ext()));
    let _ = std::fs::write(&path, data);
    let _ = std::fs::write(path.with_extension("panic.txt"), message);
    println!("PANIC {} -> {}: {message}", target.name(), path.display());
}
