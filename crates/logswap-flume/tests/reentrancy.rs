//! Logging from places that run while the backend is busy: inside the target's `write` on
//! the writer thread, inside a `Display` impl, and the last handle dropped by the writer
//! itself. None of them may deadlock, and nothing is lost silently.

mod common;

use std::fmt;
use std::io;
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::Duration;

use common::within;
use logswap_core::{Backend, Error, ErrorKind, Field, Level, Logger, Target, Value};
use logswap_flume::FlumeBackend;
use logswap_testkit::targets::{Captured, Gated};

/// A target that logs through the backend it writes for, from inside `write`: an echo for
/// each line that is not an echo itself, and once, a flush and a shutdown.
struct Echo {
    out: Captured,
    log: Arc<OnceLock<Logger>>,
    calls_from_write: Arc<Mutex<Vec<Result<(), Error>>>>,
}

impl io::Write for Echo {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(log) = self.log.get() {
            let echoes = String::from_utf8_lossy(buf)
                .lines()
                .filter(|line| line.contains("\"msg\":\"original\""))
                .count();
            for _ in 0..echoes {
                log.log(Level::Info, "echo", []);
            }
            let mut calls = self.calls_from_write.lock().unwrap();
            if calls.is_empty() {
                calls.push(log.flush());
                calls.push(log.shutdown());
            }
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn logging_flushing_and_shutting_down_from_inside_the_target_do_not_deadlock() {
    within(60, "logging from inside the target", || {
        let out = Captured::default();
        let slot = Arc::new(OnceLock::new());
        let calls = Arc::new(Mutex::new(Vec::new()));
        let backend: Arc<dyn Backend> = Arc::new(
            FlumeBackend::builder()
                .target(Target::writer(Echo {
                    out: out.clone(),
                    log: slot.clone(),
                    calls_from_write: calls.clone(),
                }))
                // A tiny queue, so the writer's own records often find it full.
                .capacity(2)
                .buffer_bytes(0)
                .build()
                .unwrap(),
        );
        let log = Logger::new(backend.clone());
        slot.set(log.clone()).unwrap();
        for seq in 0..200u64 {
            log.log(Level::Info, "original", [Field::new("seq", seq)]);
        }
        log.flush().unwrap();
        log.shutdown().unwrap();

        let calls = calls.lock().unwrap();
        assert_eq!(calls.len(), 2);
        for call in calls.iter() {
            let err = call.as_ref().expect_err("it cannot wait for itself");
            assert_eq!(err.kind(), ErrorKind::WouldDeadlock, "{err}");
        }
        let lines = out.lines();
        let stats = backend.stats();
        assert_eq!(
            common::seqs(&lines, "original"),
            (0..200).collect::<Vec<_>>(),
            "every record from outside is written, in order"
        );
        let echoes = lines
            .iter()
            .filter(|line| line.str("msg") == Some("echo"))
            .count() as u64;
        let reports: Vec<_> = lines
            .iter()
            .filter(|line| line.str("msg") == Some(logswap_flume::DROP_REPORT_MESSAGE))
            .collect();
        let reported: u64 = reports.iter().map(|r| r.u64("dropped").unwrap()).sum();
        assert_eq!(
            stats.emitted,
            400 + reports.len() as u64,
            "200 originals, one echo each, and the drop reports: {stats:?}"
        );
        assert_eq!(reported, stats.dropped, "every dropped echo is reported");
        assert_eq!(stats.written + stats.dropped, stats.emitted, "{stats:?}");
        assert_eq!(
            echoes + stats.dropped,
            200,
            "each echo is written, or dropped (the queue was full) and counted: {stats:?}"
        );
    });
}

/// A value whose `Display` logs through the same logger, and flushes it.
struct Chatty(Logger);

impl fmt::Display for Chatty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.log(Level::Debug, "from display", []);
        self.0.flush().map_err(|_| fmt::Error)?;
        f.write_str("chatty")
    }
}

#[test]
fn a_display_impl_that_logs_and_flushes_does_not_deadlock() {
    within(60, "logging from a Display impl", || {
        let out = Captured::default();
        let backend: Arc<dyn Backend> = Arc::new(
            FlumeBackend::builder()
                .target(Target::writer(out.clone()))
                .capacity(1)
                .build()
                .unwrap(),
        );
        let log = Logger::new(backend.clone());
        for _ in 0..50 {
            let chatty = Chatty(log.clone());
            log.log_with(Level::Info, "outer", || {
                [Field::new("value", Value::display(&chatty))]
            });
        }
        log.shutdown().unwrap();
        let lines = out.lines();
        let count = |msg: &str| {
            lines
                .iter()
                .filter(|line| line.str("msg") == Some(msg))
                .count()
        };
        assert_eq!((count("outer"), count("from display")), (50, 50));
        assert!(lines
            .iter()
            .filter(|line| line.str("msg") == Some("outer"))
            .all(|line| line.str("value") == Some("chatty")));
        assert_eq!(backend.stats().dropped, 0);
    });
}

/// A target that holds a logger of its own backend and drops it from inside `write`, after
/// the test has dropped every other handle: the backend is then dropped on its own writer
/// thread. Its writes wait at a gate, and it tells the test when the writer thread drops
/// it in the end.
struct DropsLastHandle {
    out: Gated,
    slot: Arc<Mutex<Option<Logger>>>,
    dropped: mpsc::Sender<()>,
}

impl io::Write for DropsLastHandle {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.out.write(buf)?; // Waits here until the test opens the gate.
        if String::from_utf8_lossy(buf).contains("\"msg\":\"go\"") {
            let last = self.slot.lock().unwrap().take();
            drop(last); // FlumeBackend::drop runs here, on the writer thread.
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for DropsLastHandle {
    fn drop(&mut self) {
        let _ = self.dropped.send(());
    }
}

#[test]
fn the_last_handle_dropped_on_the_writer_thread_does_not_deadlock_or_lose_records() {
    within(60, "dropping the backend on its own writer thread", || {
        let (gated, writing) = Gated::new();
        let slot = Arc::new(Mutex::new(None));
        let (dropped_tx, dropped_rx) = mpsc::channel();
        let backend = FlumeBackend::builder()
            .target(Target::writer(DropsLastHandle {
                out: gated.clone(),
                slot: slot.clone(),
                dropped: dropped_tx,
            }))
            .buffer_bytes(0)
            .build()
            .unwrap();
        let log = Logger::new(Arc::new(backend));
        *slot.lock().unwrap() = Some(log.clone());
        log.log(Level::Info, "go", []);
        writing.recv().unwrap(); // The writer is inside write("go").
        for seq in 0..5u64 {
            log.log(Level::Info, "queued behind", [Field::new("seq", seq)]);
        }
        drop(log); // Now only the target holds the backend.
        gated.release();

        dropped_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the writer thread finishes and drops its target");
        let lines = gated.out.lines();
        assert_eq!(lines[0].str("msg"), Some("go"));
        assert_eq!(
            common::seqs(&lines, "queued behind"),
            (0..5).collect::<Vec<_>>(),
            "the records queued behind are still written"
        );
    });
}
