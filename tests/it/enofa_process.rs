//! A real `enofa-server` process (the built binary) on loopback, for the connection and shutdown
//! tests and the load test (also compiled into `benches/load.rs`): its URLs and CA, captcha
//! answers from its demo-mode log, its peak RSS, SIGTERM.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use efaktur::cert::{Identity, P12Encryption, Secret};
use efaktur::domain::Npwp;
use efaktur::enofa::server::operator;

/// How long a helper waits for the server before it calls the run failed (not a measurement).
pub const PATIENCE: Duration = Duration::from_secs(60);

pub struct ServerProcess {
    child: Child,
    pub api_url: String,
    pub public_url: String,
    pub ca_pem: Vec<u8>,
    pub state: PathBuf,
    log: Arc<Log>,
}

/// Everything the process printed (stdout and stderr), line by line, ANSI colours removed.
#[derive(Default)]
struct Log {
    lines: Mutex<(Vec<String>, usize)>,
    grew: Condvar,
}

impl Log {
    fn follow(self: &Arc<Log>, out: impl Read + Send + 'static) {
        let log = self.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                let mut lines = log.lines.lock().unwrap();
                lines.0.push(strip_ansi(&line));
                log.grew.notify_all();
            }
            log.lines.lock().unwrap().1 += 1;
            log.grew.notify_all();
        });
    }

    /// The first line `pick` accepts, waiting for it; `None` when the process closed its output
    /// (or after [`PATIENCE`]) without printing one.
    fn wait_for<T>(&self, mut pick: impl FnMut(&str) -> Option<T>) -> Option<T> {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = 0;
        let mut lines = self.lines.lock().unwrap();
        loop {
            for line in &lines.0[seen..] {
                if let Some(found) = pick(line) {
                    return Some(found);
                }
            }
            seen = lines.0.len();
            let now = Instant::now();
            if lines.1 == 2 || now >= deadline {
                return None;
            }
            lines = self.grew.wait_timeout(lines, deadline - now).unwrap().0;
        }
    }

    fn text(&self) -> String {
        self.lines.lock().unwrap().0.join("\n")
    }
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI sequence: ESC [ parameters final-byte
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl ServerProcess {
    /// Starts `enofa-server --state STATE COMMAND` (`serve` or `demo`) on free loopback ports
    /// with `args` added, optionally with at most `open_files` file descriptors, and waits until
    /// it listens.
    pub fn spawn(
        state: &Path,
        command: &str,
        args: &[&str],
        open_files: Option<u32>,
    ) -> ServerProcess {
        // ENOFA_SERVER_BIN lets the load bench measure another build (e.g. an older release).
        let bin = std::env::var("ENOFA_SERVER_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_enofa-server").to_owned());
        let mut cmd = match open_files {
            Some(n) => {
                let mut sh = Command::new("sh");
                sh.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                    .arg(&bin);
                sh
            }
            None => Command::new(&bin),
        };
        cmd.arg("--state")
            .arg(state)
            .arg(command)
            .args(["--listen", "127.0.0.1:0", "--public-listen", "127.0.0.1:0"])
            .args(["--web-listen", "127.0.0.1:0"])
            .args(args)
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start enofa-server");
        let log = Arc::new(Log::default());
        log.follow(child.stdout.take().expect("stdout"));
        log.follow(child.stderr.take().expect("stderr"));
        let url = |label: &str| {
            log.wait_for(|l| l.strip_prefix(label).map(|u| u.trim().to_owned()))
                .unwrap_or_else(|| panic!("enofa-server did not start:\n{}", log.text()))
        };
        let api_url = url("API     :");
        let public_url = url("Publik  :");
        let ca_pem = std::fs::read(efaktur::enofa::server::ca_pem_path(state)).expect("ca.pem");
        ServerProcess {
            child,
            api_url,
            public_url,
            ca_pem,
            state: state.to_path_buf(),
            log,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The answer of captcha `id`, from the demo-mode log line.
    pub fn captcha_answer(&self, id: &str) -> Option<String> {
        let needle = format!("captcha_id={id} ");
        self.log.wait_for(|l| {
            let rest = &l[l.find(&needle)? + needle.len()..];
            let answer = rest.strip_prefix("jawaban=")?;
            Some(answer.split_whitespace().next()?.to_owned())
        })
    }

    /// Waits until the process prints a line containing `needle`.
    pub fn wait_for_line(&self, needle: &str) -> bool {
        self.log
            .wait_for(|l| l.contains(needle).then_some(()))
            .is_some()
    }

    pub fn log_text(&self) -> String {
        self.log.text()
    }

    /// Peak resident memory (VmHWM) of the process so far, in KiB.
    pub fn peak_rss_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// Sends SIGTERM (through the shell's `kill`, no unsafe code here).
    pub fn sigterm(&self) {
        let sent = Command::new("sh")
            .arg("-c")
            .arg(format!("kill -TERM {}", self.pid()))
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM failed");
    }

    /// Waits for the process to end (at most [`PATIENCE`]).
    pub fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!("enofa-server did not exit:\n{}", self.log.text());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A PKP account with its certificate, created in a state directory by the operator functions.
pub struct Pkp {
    pub npwp: Npwp,
    pub password: Secret,
    pub kode: Secret,
    pub identity: Identity,
}

/// A valid NPWP (correct check digit) built from `n`, distinct for distinct `n`.
pub fn npwp_number(n: u32) -> Npwp {
    for check in 0..10 {
        if let Ok(npwp) = Npwp::parse(&format!("{:08}{check}123000", 31_000_000 + n)) {
            return npwp;
        }
    }
    panic!("no check digit for {n}");
}

pub fn new_pkp(state: &Path, n: u32) -> Pkp {
    const PASSPHRASE: &str = "rahasia-p12";
    let npwp = npwp_number(n);
    let created = operator::pkp_add(
        state,
        npwp.digits(),
        "PT BEBAN",
        "JL. UJI BEBAN 1",
        "beban@example.invalid",
    )
    .expect("pkp add");
    let (_, p12) = operator::cert_issue(state, npwp.digits(), PASSPHRASE, P12Encryption::default())
        .expect("cert issue");
    Pkp {
        identity: Identity::from_p12(&p12, PASSPHRASE).expect("p12"),
        npwp,
        password: created.password,
        kode: created.kode_aktivasi,
    }
}
