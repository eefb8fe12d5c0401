//! Headless Chromium for the web page tests, driven over WebDriver (chromedriver + fantoccini).
//!
//! Debian's `chromium` and `chromium-driver` (`.ci/apt-packages.txt`). Each [`Browser`] has
//! its own HOME (so its own NSS certificate database, where the e-Nofa CA is trusted the way an
//! operator would install it: certificate verification stays on) and an empty profile.
//! Screenshots go to `$CARGO_TARGET_DIR/web-shots/` (or `target/web-shots/`), kept by CI.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tempfile::TempDir;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub struct Browser {
    pub client: Client,
    driver: Child,
    /// HOME of chromedriver and Chromium (NSS database, profile); removed with the browser.
    home_dir: TempDir,
    shots: PathBuf,
}

/// Where screenshots are kept.
pub fn shots_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("web-shots")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Browser {
    /// Starts chromedriver and a headless Chromium trusting `ca_pem` (the e-Nofa CA).
    pub async fn start(ca_pem: &[u8]) -> Browser {
        Browser::start_with(ca_pem, None).await
    }

    /// [`Browser::start`] with a PKP's `.p12` (bytes, passphrase) in the browser's certificate
    /// store, as a PKP installs it (manual section II).
    pub async fn start_with(ca_pem: &[u8], p12: Option<(&[u8], &str)>) -> Browser {
        let home = tempfile::tempdir().unwrap();
        let nssdb = home.path().join(".pki/nssdb");
        std::fs::create_dir_all(&nssdb).unwrap();
        let db = format!("sql:{}", nssdb.display());
        run(Command::new("certutil").args(["-N", "--empty-password", "-d", &db]));
        let ca = home.path().join("enofa-ca.pem");
        std::fs::write(&ca, ca_pem).unwrap();
        run(Command::new("certutil")
            .args(["-A", "-t", "C,,", "-n", "enofa-ca", "-d", &db, "-i"])
            .arg(&ca));
        if let Some((bytes, passphrase)) = p12 {
            let file = home.path().join("pkp.p12");
            std::fs::write(&file, bytes).unwrap();
            run(Command::new("pk12util")
                .args(["-d", &db, "-K", "", "-W", passphrase, "-i"])
                .arg(&file));
            std::fs::remove_file(&file).unwrap();
        }

        let port = free_port();
        // Its own process group, which Chromium joins: a failed test ends the whole group.
        let driver = Command::new(CHROMEDRIVER)
            .process_group(0)
            .arg(format!("--port={port}"))
            .env("HOME", home.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (apt-get install chromium-driver)");
        let url = format!("http://127.0.0.1:{port}");
        let profile = home.path().join("profile");
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=1280,800",
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "download.default_directory": home.path().join("downloads"),
                    "download.prompt_for_download": false,
                }
            }
        });
        let caps = match caps {
            serde_json::Value::Object(m) => m,
            _ => unreachable!(),
        };
        // chromedriver needs a moment to listen; give it up to 30 s on a busy machine.
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if started.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("chromedriver/chromium did not start: {e}"),
            }
        };
        let shots = shots_dir();
        std::fs::create_dir_all(&shots).unwrap();
        Browser {
            client,
            driver,
            home_dir: home,
            shots,
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    pub async fn fill(&self, id: &str, text: &str) {
        let e = self.client.find(Locator::Id(id)).await.unwrap();
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    /// Clicks `id` (a button or link that loads a page) and waits until the next page replaced
    /// this one: WebDriver's click returns before a form's answer arrives.
    pub async fn click(&self, id: &str) {
        let old = self.client.find(Locator::Css("html")).await.unwrap();
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let started = Instant::now();
        while old.tag_name().await.is_ok() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "clicking {id} loaded no page"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.client
            .wait()
            .for_element(Locator::Css("body"))
            .await
            .unwrap();
    }

    /// Clicks `id` without waiting for a page (a checkbox).
    pub async fn click_only(&self, id: &str) {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    pub async fn element_text(&self, id: &str) -> String {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn value(&self, id: &str) -> String {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .attr("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn path(&self) -> String {
        let u = self.client.current_url().await.unwrap();
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        }
    }

    /// Clicks a download link of id `id` and waits for `file` in the downloads folder.
    pub async fn download(&self, id: &str, file: &str) -> Vec<u8> {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let dir = self.home_dir.path().join("downloads");
        let path = dir.join(file);
        let started = Instant::now();
        loop {
            // Chromium reserves the name with an empty file, writes `*.crdownload` and renames
            // it over the name when complete: done when no `.crdownload` is left and it has bytes.
            let partial = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".crdownload")));
            if let Ok(bytes) = std::fs::read(&path)
                && !partial
                && !bytes.is_empty()
            {
                return bytes;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{file} was not downloaded"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sets the window (1280×800 desktop, 390×844 phone).
    pub async fn size(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.unwrap();
    }

    /// Saves a PNG of the viewport as `<name>.png`.
    pub async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }

    pub async fn close(mut self) {
        let client = self.client.clone();
        let _ = client.close().await;
        self.stop_driver();
    }

    fn stop_driver(&mut self) {
        // SIGTERM to the group of our chromedriver: it and the Chromium it started.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Ok(None) = self.driver.try_wait() {
            self.stop_driver();
        }
    }
}

impl Browser {
    /// The form token on the current page (its first `csrf` field).
    pub async fn value_of_csrf(&self) -> String {
        self.client
            .find(Locator::Css("input[name=csrf]"))
            .await
            .unwrap()
            .attr("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }
}

/// Chromium's managed policy `AutoSelectCertificateForUrls` for one origin, so the browser
/// presents the client certificate without a dialog (it has none headless). Chromium reads
/// policies only from /etc/chromium/policies/managed/; the file goes when this is dropped.
pub struct AutoSelectCertificate {
    path: PathBuf,
}

impl AutoSelectCertificate {
    pub fn for_origin(origin: &str) -> AutoSelectCertificate {
        let dir = Path::new("/etc/chromium/policies/managed");
        std::fs::create_dir_all(dir).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (the web tests run as root, as CI does)",
                dir.display()
            )
        });
        let path = dir.join(format!("enofa-web-test-{}.json", std::process::id()));
        let rule = serde_json::json!({"pattern": origin, "filter": {}}).to_string();
        let policy = serde_json::json!({ "AutoSelectCertificateForUrls": [rule] });
        std::fs::write(&path, policy.to_string()).unwrap();
        AutoSelectCertificate { path }
    }
}

impl Drop for AutoSelectCertificate {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
