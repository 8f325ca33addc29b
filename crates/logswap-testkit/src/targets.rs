//! Targets for backend tests: an in-memory target, one whose writes wait for a gate, and
//! a slow one, in memory or in front of any other.

use std::io::{self, Write};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use crate::LogLine;

/// An in-memory target whose bytes the test can read.
#[derive(Debug, Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).expect("UTF-8")
    }

    /// Every line written so far, parsed; panics on a line that is not one JSON object.
    pub fn lines(&self) -> Vec<LogLine> {
        self.text()
            .lines()
            .map(|line| LogLine::parse(line).expect("one JSON object per line"))
            .collect()
    }

    /// The `seq` field of every line written so far; panics on a line without one.
    pub fn seqs(&self) -> Vec<u64> {
        self.lines()
            .iter()
            .map(|line| line.u64("seq").expect("a seq field"))
            .collect()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A captured target whose writes wait for `release()`; it says when a write is waiting.
#[derive(Debug, Clone)]
pub struct Gated {
    /// What got through.
    pub out: Captured,
    entered: Arc<Mutex<mpsc::Sender<()>>>,
    open: Arc<(Mutex<bool>, Condvar)>,
}

impl Gated {
    /// A closed gate, and a receiver that gets a message each time a write starts waiting.
    pub fn new() -> (Self, mpsc::Receiver<()>) {
        let (entered, waiting) = mpsc::channel();
        let gated = Gated {
            out: Captured::default(),
            entered: Arc::new(Mutex::new(entered)),
            open: Arc::new((Mutex::new(false), Condvar::new())),
        };
        (gated, waiting)
    }

    /// Opens the gate for good.
    pub fn release(&self) {
        *self.open.0.lock().unwrap() = true;
        self.open.1.notify_all();
    }
}

impl Write for Gated {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let _ = self.entered.lock().unwrap().send(());
        let mut open = self.open.0.lock().unwrap();
        while !*open {
            open = self.open.1.wait(open).unwrap();
        }
        self.out.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Opens the gate when dropped, so a failing assertion ends the test instead of leaving
/// the backend's `Drop` waiting for a writer held forever. Declare it after the backend.
#[derive(Debug)]
pub struct Release(pub Gated);

impl Drop for Release {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// A target that sleeps before every write, as a slow disk does: a captured one unless
/// `out` is another writer (an opened `Target`, say).
#[derive(Debug, Clone)]
pub struct Slow<W = Captured> {
    /// What was written.
    pub out: W,
    /// The sleep before each write.
    pub delay: Duration,
}

impl<W: Write> Write for Slow<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        thread::sleep(self.delay);
        self.out.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
