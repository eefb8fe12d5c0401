//! The desktop user interface (iced).

use std::process::ExitCode;

use efaktur::paths::AppDirs;

/// Opens the main window. The window arrives with the desktop issue; until then this says so.
pub fn run(_dirs: &AppDirs) -> ExitCode {
    eprintln!(
        "Tampilan desktop belum tersedia di versi ini; lihat `efaktur --help` untuk perintah yang ada."
    );
    ExitCode::from(2)
}
