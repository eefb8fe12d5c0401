//! Progress bars on stderr, hidden when stderr is not a terminal or output is JSON.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar over `total` units (bytes when `bytes`, else a count; 0 = unknown length).
pub fn bar(total: u64, bytes: bool, quiet: bool, message: &'static str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = if total > 0 {
        ProgressBar::new(total)
    } else {
        ProgressBar::no_length()
    };
    pb.set_draw_target(ProgressDrawTarget::stderr());
    let template = match (total > 0, bytes) {
        (true, true) => "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})",
        (true, false) => "{msg} [{bar:40}] {pos}/{len} ({eta})",
        (false, _) => "{msg} {spinner} {pos}",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(message);
    pb
}
