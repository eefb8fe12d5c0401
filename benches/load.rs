//! Load benchmark of the e-Nofa service: a real `enofa-server` process (demo mode, loopback) and
//! many concurrent clients doing captcha, register, NSFP request, upload and QR validation, while
//! other clients keep the password pool busy with NSFP requests and QR readers validate all the
//! time. Prints requests/s, p50/p99 latency per kind of request and the server's peak RSS
//! (VmHWM); exits non-zero if a request failed or the RSS bound was passed.
//!
//! Run with `cargo bench --bench load` (optionally `-- CLIENTS ROUNDS`); `ENOFA_SERVER_BIN=PATH`
//! measures another `enofa-server` build instead of this one. The test suite runs a short form
//! of it (`tests/it/enofa_load.rs`).

#[path = "../tests/it/enofa_process.rs"]
mod enofa_process;
#[path = "../tests/it/load_driver.rs"]
mod load_driver;

use std::process::ExitCode;
use std::sync::Arc;

use enofa_process::ServerProcess;
use load_driver::Plan;

/// Peak RSS the server may reach under this load (KiB).
const RSS_BOUND_KB: u64 = 256 * 1024;

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; numbers are ours.
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let plan = Plan {
        clients: numbers.first().copied().unwrap_or(48),
        rounds: numbers.get(1).copied().unwrap_or(5),
        faktur_per_round: 4,
        password_clients: 8,
        password_checks: 20,
        qr_readers: 4,
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    println!(
        "preparing {} PKP accounts with certificates...",
        plan.accounts()
    );
    let pkps = load_driver::prepare(dir.path(), &plan);
    let server = Arc::new(ServerProcess::spawn(
        dir.path(),
        "demo",
        load_driver::SERVER_ARGS,
        None,
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("load: {plan:?}");
    let figures = runtime.block_on(load_driver::run(server.clone(), pkps, &plan));
    print!("{}", figures.report());
    let rss = server.peak_rss_kb().unwrap_or(u64::MAX);
    println!(
        "enofa-server peak RSS (VmHWM): {} MiB (bound {} MiB)",
        rss / 1024,
        RSS_BOUND_KB / 1024
    );
    for failure in figures.failures.iter().take(20) {
        println!("FAILED {failure}");
    }
    if figures.failures.is_empty() && rss < RSS_BOUND_KB {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
