//! A handle shared between an import and whoever watches it (the window's progress bar and its
//! *Batal*): the faktur counted so far, and a request to stop. Checked once per batch of faktur,
//! so it costs nothing measurable; a stopped import is rolled back like a file with errors.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Control {
    cancel: AtomicBool,
    faktur: AtomicU64,
}

impl Control {
    pub fn new() -> Control {
        Control::default()
    }

    /// Asks the import to stop; it writes nothing (its transaction is rolled back).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Faktur read so far (updated once per batch, before each progress call).
    pub fn faktur(&self) -> u64 {
        self.faktur.load(Ordering::Relaxed)
    }

    pub(crate) fn set_faktur(&self, n: u64) {
        self.faktur.store(n, Ordering::Relaxed);
    }
}
