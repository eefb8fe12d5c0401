//! The short form of `benches/load.rs` (run in CI): a few clients against a real `enofa-server`
//! process for a few seconds; every request that should succeed does, and the server's peak RSS
//! stays bounded while passwords are checked in parallel.

use std::sync::Arc;

use super::enofa_process::ServerProcess;
use super::load_driver::{self, Plan};

/// Peak RSS allowed (KiB). Generous for a debug build, yet far below the gigabytes argon2 on
/// unbounded threads reached: two hashing workers need ~40 MiB.
const RSS_BOUND_KB: u64 = 256 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_load_has_no_failures_and_bounded_memory() {
    let plan = Plan {
        clients: 3,
        rounds: 2,
        faktur_per_round: 2,
        password_clients: 2,
        password_checks: 4,
        qr_readers: 1,
    };
    let dir = tempfile::tempdir().unwrap();
    let (state, for_prepare) = (dir.path().to_path_buf(), plan.clone());
    let pkps = tokio::task::spawn_blocking(move || load_driver::prepare(&state, &for_prepare))
        .await
        .unwrap();
    let server = Arc::new(ServerProcess::spawn(
        dir.path(),
        "demo",
        &[load_driver::SERVER_ARGS, &["--hash-workers", "2"]].concat(),
        None,
    ));
    let figures = load_driver::run(server.clone(), pkps, &plan).await;
    println!("{}", figures.report());
    assert!(
        figures.failures.is_empty(),
        "{:#?}\n{}",
        figures.failures,
        server.log_text()
    );
    // captcha + register, captcha + upload session, then the rounds
    let journeys = plan.clients * (4 + plan.rounds * (2 + 2 * plan.faktur_per_round as usize));
    let passwords = plan.password_clients * (4 + plan.password_checks);
    let readers = figures
        .latencies
        .get(load_driver::READER)
        .map_or(0, Vec::len);
    assert_eq!(figures.requests(), journeys + passwords + readers);
    let rss = server.peak_rss_kb().expect("VmHWM");
    println!("enofa-server peak RSS: {} MiB", rss / 1024);
    assert!(rss < RSS_BOUND_KB, "peak RSS {rss} KiB");
}
