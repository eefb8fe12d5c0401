//! Blocking work (an import, an export) on a `spawn_blocking` thread, seen by the page as a
//! stream: progress steps while it runs, then its result. The worker waits for the page to take
//! each step (a channel of one), so steps never pile up and a *Batal* pressed on a step is seen
//! by the worker within a batch or two.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};

use efaktur::exchange::control::Control;
use iced::futures::Stream;
use iced::futures::stream;
use tokio::sync::mpsc;

use crate::ui::i18n::Key;
use crate::ui::service::Failure;

/// How far the work is: `done` of `total` (bytes, or rows of a spreadsheet; `total` 0 when not
/// known) and the faktur handled so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Step {
    pub done: u64,
    pub total: u64,
    pub faktur: u64,
}

impl Step {
    /// The share done, 0.0 to 1.0 (0 when the total is not known).
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            0.0
        } else {
            (self.done.min(self.total) as f64 / self.total as f64) as f32
        }
    }
}

/// A new number for a job: its messages carry it, so a page opened again (whose own job this
/// is not) ignores the answers of an earlier page's job.
pub fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[derive(Debug, Clone)]
pub enum Event<T> {
    Progress(Step),
    Done(Result<T, Failure>),
}

/// Runs `work` off the UI thread when the stream is first polled. `work` reports progress
/// through the function it is given. A panic in it ends the stream with a failure, not a crash.
pub fn run<T, W>(work: W) -> impl Stream<Item = Event<T>> + Send + 'static
where
    T: Send + 'static,
    W: FnOnce(&mut dyn FnMut(Step)) -> Result<T, Failure> + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<Event<T>>(1);
    let mut start = Some((work, tx));
    stream::unfold((rx, false), move |(mut rx, finished)| {
        let start = start.take();
        async move {
            if let Some((work, tx)) = start {
                tokio::task::spawn_blocking(move || {
                    let mut step = |s: Step| {
                        let _ = tx.blocking_send(Event::Progress(s));
                    };
                    let result = work(&mut step);
                    let _ = tx.blocking_send(Event::Done(result));
                });
            }
            if finished {
                return None;
            }
            match rx.recv().await {
                Some(e @ Event::Done(_)) => Some((e, (rx, true))),
                Some(e) => Some((e, (rx, false))),
                // The worker ended without its result: it panicked.
                None => Some((Event::Done(Err(crashed())), (rx, true))),
            }
        }
    })
}

fn crashed() -> Failure {
    Failure::said(None, Key::ProsesBerhenti, &[]).with_hint(Key::CobaLagiLaporkan)
}

/// The error a cancelled read or write ends with.
fn cancelled() -> io::Error {
    io::Error::other("dibatalkan")
}

/// A reader that counts the bytes read for the progress bar and, with a `control`, fails once
/// *Batal* was pressed: stops the row readers of retur, dokumen lain and Referensi files (whose
/// import then rolls back, having an error) without a hook of their own.
pub struct CancelRead<'c, R> {
    inner: R,
    control: Option<&'c Control>,
    read: u64,
    reported: u64,
    progress: &'c mut dyn FnMut(u64),
}

/// Bytes between two progress reports of [`CancelRead`].
const REPORT_EVERY: u64 = 256 * 1024;

impl<'c, R> CancelRead<'c, R> {
    pub fn new(
        inner: R,
        control: Option<&'c Control>,
        progress: &'c mut dyn FnMut(u64),
    ) -> CancelRead<'c, R> {
        CancelRead {
            inner,
            control,
            read: 0,
            reported: 0,
            progress,
        }
    }
}

impl<R: Read> Read for CancelRead<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.control.is_some_and(Control::is_cancelled) {
            return Err(cancelled());
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if n == 0 || self.read - self.reported >= REPORT_EVERY {
            self.reported = self.read;
            (self.progress)(self.read);
        }
        Ok(n)
    }
}

/// A writer that fails once *Batal* was pressed: stops a CSV export, whose staged file is then
/// dropped.
pub struct CancelWrite<'c, W> {
    pub inner: W,
    pub control: &'c Control,
}

impl<W: Write> Write for CancelWrite<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.control.is_cancelled() {
            return Err(cancelled());
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
