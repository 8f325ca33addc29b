//! Helpers shared by this crate's integration tests: in-memory, slow and gated targets,
//! reading lines back, and a watchdog that turns a deadlock into a failure.

#![allow(dead_code)] // Each test file uses a different part of this module.

use std::io;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// A target that keeps what is written to it, shared with the test.
#[derive(Clone, Default)]
pub(crate) struct Memory(pub Arc<Mutex<Vec<u8>>>);

impl Memory {
    /// Every line written so far, parsed.
    pub(crate) fn lines(&self) -> Vec<serde_json::Value> {
        let bytes = self.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .expect("UTF-8")
            .lines()
            .map(|line| serde_json::from_str(line).expect("every line is one JSON object"))
            .collect()
    }
}

impl io::Write for Memory {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A target that sleeps before every write, as a slow disk or a remote target does.
#[derive(Clone)]
pub(crate) struct Slow {
    pub(crate) out: Memory,
    pub(crate) delay: Duration,
}

impl Slow {
    pub(crate) fn new(delay: Duration) -> Self {
        Slow {
            out: Memory::default(),
            delay,
        }
    }
}

impl io::Write for Slow {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        std::thread::sleep(self.delay);
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A gate that a [`Gated`] target waits at until the test opens it.
#[derive(Clone, Default)]
pub(crate) struct Gate(Arc<(Mutex<GateState>, Condvar)>);

#[derive(Default)]
struct GateState {
    open: bool,
    waiting: usize,
}

impl Gate {
    pub(crate) fn open(&self) {
        self.0 .0.lock().unwrap().open = true;
        self.0 .1.notify_all();
    }

    /// Waits here until the gate is open.
    pub(crate) fn pass(&self) {
        let (lock, cond) = &*self.0;
        let mut state = lock.lock().unwrap();
        state.waiting += 1;
        cond.notify_all();
        while !state.open {
            state = cond.wait(state).unwrap();
        }
        state.waiting -= 1;
    }

    /// Waits until a writer is stuck at the gate.
    pub(crate) fn wait_for_writer(&self) {
        let (lock, cond) = &*self.0;
        let mut state = lock.lock().unwrap();
        while state.waiting == 0 {
            state = cond.wait(state).unwrap();
        }
    }
}

/// A target whose every write waits at a gate: a stuck disk, until the test opens it.
#[derive(Clone, Default)]
pub(crate) struct Gated {
    pub(crate) out: Memory,
    pub(crate) gate: Gate,
}

impl io::Write for Gated {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.gate.pass();
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `f` on another thread and fails if it has not finished within `secs` seconds,
/// so a deadlock fails the test instead of hanging the suite.
pub(crate) fn within<T: Send + 'static>(
    secs: u64,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(catch_unwind(AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => resume_unwind(panic),
        Err(_) => panic!("{what} did not finish within {secs} s: a deadlock or a hang"),
    }
}

/// A size from the environment, or `default`.
pub(crate) fn env_size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|text| text.trim().replace('_', "").parse().expect("a number"))
        .unwrap_or(default)
}

/// The `seq` fields of the lines with message `msg`.
pub(crate) fn seqs(lines: &[serde_json::Value], msg: &str) -> Vec<u64> {
    lines
        .iter()
        .filter(|line| line["msg"] == msg)
        .map(|line| line["seq"].as_u64().expect("seq"))
        .collect()
}
