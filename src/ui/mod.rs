//! The desktop user interface (iced). Only this module and `main.rs` name iced.

mod app;
mod assets;
#[cfg(test)]
mod cetak_beranda_flow_tests;
mod chooser;
mod ctx;
#[cfg(test)]
mod flow_tests;
/// Texts; the CLI speaks the chosen language through it too.
pub(crate) mod i18n;
#[cfg(test)]
mod lang_tests;
#[cfg(test)]
mod problem_lang_tests;
mod screen;
mod service;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod upload_flow_tests;
mod widget;
mod wire;
mod workspace;

use std::process::ExitCode;

use efaktur::config::Settings;
use efaktur::paths::AppDirs;

use app::App;
use ctx::Ctx;

/// How the window is started.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Start the e-Nofa server in-process with a demo PKP (`--simulasi`).
    pub simulasi: bool,
}

/// Opens the main window and runs until it is closed.
pub fn run(dirs: &AppDirs, options: Options) -> ExitCode {
    // Problems found before the window exists are shown in it, as a full page.
    let mut problem = dirs.ensure().err().map(|e| e.to_string());
    let settings = match Settings::load(&Settings::path_in(dirs.config_dir())) {
        Ok(s) => s,
        Err(e) => {
            problem.get_or_insert(e.to_string());
            Settings::default()
        }
    };
    // The simulasi server runs on its own small runtime so it lives exactly as long as the window.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("simulasi")
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Runtime tidak dapat dibuat: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut simulasi = None;
    if options.simulasi && problem.is_none() {
        match runtime.block_on(wire::start_simulasi(dirs)) {
            Ok((info, server)) => {
                eprintln!("Simulasi: server e-Nofa latihan di {}", server.api_url);
                simulasi = Some((info, server));
            }
            Err(e) => problem = Some(e),
        }
    }
    let running = simulasi.as_ref().map(|(_, s)| s.clone());
    let dirs = dirs.clone();
    let boot = move || {
        let ctx = Ctx {
            dirs: dirs.clone(),
            settings: settings.clone(),
            services: wire::services(simulasi.as_ref().map(|(_, s)| s.clone())),
            simulasi: simulasi.as_ref().map(|(i, _)| i.clone()),
            server: None,
            session: None,
        };
        App::new(ctx, problem.clone())
    };
    let result = iced::application(boot, App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .window(assets::window_settings())
        .font(efaktur::print::fonts::REGULAR)
        .font(efaktur::print::fonts::BOLD)
        .default_font(assets::FONT)
        .run();
    if let Some(server) = running.and_then(|s| std::sync::Arc::try_unwrap(s).ok()) {
        runtime.block_on(server.shutdown());
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Jendela aplikasi tidak dapat dibuka: {e}");
            ExitCode::FAILURE
        }
    }
}
