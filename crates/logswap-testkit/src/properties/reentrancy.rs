//! Re-entrancy: a target whose `write` logs and flushes through its own backend, as a
//! careless writer (or a `Display` impl that logs) does, must not deadlock anything.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use logswap_core::{Field, Level, Logger, Target};

use super::assert_balanced;
use crate::deadline::within_deadline;
use crate::{read_lines, Factory};

/// Writes that log from the inside; later writes only write, so echoes cannot go on forever.
const LOGGING_WRITES: usize = 3;

/// A file target whose first writes log a record and flush through the backend that owns it.
struct LogsFromInsideWrite {
    file: File,
    logger: Arc<OnceLock<Logger>>,
    writes: Arc<AtomicUsize>,
}

impl Write for LogsFromInsideWrite {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.writes.fetch_add(1, Ordering::SeqCst) < LOGGING_WRITES {
            if let Some(log) = self.logger.get() {
                log.log(Level::Warn, "logged from inside write", []);
                // Ok, or an error saying it would wait for itself; never a hang.
                let _ = log.flush();
            }
        }
        self.file.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

fn reentrant_target(path: &Path, logger: Arc<OnceLock<Logger>>) -> Target {
    let file = File::create(path).expect("create the log file");
    Target::writer(LogsFromInsideWrite {
        file,
        logger,
        writes: Arc::new(AtomicUsize::new(0)),
    })
}

/// A target whose `write` logs through the same backend and calls `flush()` on it: neither
/// deadlocks nor panics (the deadline turns a hang into a failure), every record logged
/// from outside is in the file once, and after `shutdown()` the records logged from inside
/// are written or counted as dropped: `emitted == written + dropped`.
pub fn reentrancy(factory: impl Factory) {
    within_deadline("reentrancy", move || {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("reentrancy.log");
        let cell = Arc::new(OnceLock::new());
        let backend = factory(reentrant_target(&path, cell.clone()));
        let log = Logger::new(backend.clone()).with_target("conformance");
        let _ = cell.set(log.clone());
        for seq in 0..100u64 {
            log.log(Level::Info, "outside", [Field::new("seq", seq)]);
            if seq % 25 == 0 {
                log.flush().expect("a flush from outside the target");
            }
        }
        log.flush().expect("flush");
        backend.shutdown().expect("shutdown");
        let lines = read_lines(&path);
        let outside: Vec<u64> = lines
            .iter()
            .filter(|l| l.str("msg") == Some("outside"))
            .filter_map(|l| l.u64("seq"))
            .collect();
        assert_eq!(
            outside,
            (0..100).collect::<Vec<_>>(),
            "{}: records from outside",
            backend.name()
        );
        assert_balanced(&*backend);
        let stats = backend.stats();
        assert_eq!(stats.written as usize, lines.len(), "{stats:?}");
    })
}
