//! The one integration-test binary (one link step instead of many). Each area has its module.

// ship:
mod backup;
mod cetak;
mod coretax;
mod enofa;
mod enofa_authz;
// Real enofa-server processes: /proc (peak RSS), `sh`/`kill`, and 127.0.0.x source addresses.
#[cfg(target_os = "linux")]
mod enofa_conn;
#[cfg(target_os = "linux")]
mod enofa_load;
#[cfg(target_os = "linux")]
mod enofa_process;
mod exchange;
mod exchange2;
mod hardening;
mod keyring;
#[cfg(target_os = "linux")]
mod load_driver;
mod props;
mod referensi;
mod retur;
// ship:
mod ship;
mod targets;
mod tidy;
mod ui;
mod upload;
// e-Nofa Online pages in headless Chromium (Debian chromium + chromium-driver, certutil).
#[cfg(target_os = "linux")]
mod web;
#[cfg(target_os = "linux")]
mod web_browser;
#[cfg(target_os = "linux")]
mod web_nsfp;
// mail: Lupa Password over a real SMTP relay (Debian python3-aiosmtpd) on loopback
#[cfg(target_os = "linux")]
mod web_mail;
// mail: the KPP officer's pages in both languages, compared text by text
#[cfg(target_os = "linux")]
mod web_kpp_lang;
mod xlsx;
