//! Helpers shared by this crate's integration tests that `logswap-testkit` lacks: a slow
//! in-memory target in one call, the `seq` fields of one message, and a watchdog that turns
//! a deadlock into a failure.

#![allow(dead_code)] // Each test file uses a different part of this module.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::Duration;

use logswap_testkit::targets::{Captured, Slow};
use logswap_testkit::LogLine;

/// An in-memory target that sleeps `delay` before every write.
pub(crate) fn slow_captured(delay: Duration) -> Slow {
    Slow {
        out: Captured::default(),
        delay,
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

/// The `seq` fields of the lines with message `msg`.
pub(crate) fn seqs(lines: &[LogLine], msg: &str) -> Vec<u64> {
    lines
        .iter()
        .filter(|line| line.str("msg") == Some(msg))
        .map(|line| line.u64("seq").expect("seq"))
        .collect()
}
