//! The desktop user interface (iced). Only this module and `main.rs` name iced.

mod app;
mod ctx;
mod i18n;
mod screen;
mod service;
#[cfg(test)]
mod test_support;
mod widget;
mod wire;

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
    if options.simulasi {
        problem.get_or_insert_with(|| {
            "Simulasi membutuhkan server e-Nofa yang belum tersedia di build ini.".to_string()
        });
    }
    let dirs = dirs.clone();
    let boot = move || {
        let ctx = Ctx {
            dirs: dirs.clone(),
            settings: settings.clone(),
            services: wire::services(),
            simulasi: None,
            server: None,
            session: None,
        };
        App::new(ctx, problem.clone())
    };
    let result = iced::application(boot, App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .window_size((960.0, 720.0))
        .run();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Jendela aplikasi tidak dapat dibuka: {e}");
            ExitCode::FAILURE
        }
    }
}
