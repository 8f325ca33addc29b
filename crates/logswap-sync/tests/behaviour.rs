//! What the two flush policies promise, and logging from inside the target.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, OnceLock};

use logswap_core::{Backend, Level, Logger, Target};
use logswap_sync::{FlushPolicy, SyncBackend};

fn file_backend(policy: FlushPolicy) -> (tempfile::TempDir, std::path::PathBuf, Logger) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let backend = SyncBackend::builder()
        .target(Target::file(&path))
        .flush_policy(policy)
        .build()
        .unwrap();
    (dir, path, Logger::new(Arc::new(backend)))
}

fn lines_in(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

#[test]
fn every_record_is_in_the_file_when_emit_returns() {
    let (_dir, path, log) = file_backend(FlushPolicy::EveryRecord);
    for n in 1..=3 {
        log.log(Level::Info, "written now", []);
        assert_eq!(lines_in(&path), n);
    }
}

#[test]
fn buffered_records_wait_for_flush() {
    let (_dir, path, log) = file_backend(FlushPolicy::Buffered);
    log.log(Level::Info, "held back", []);
    assert_eq!(lines_in(&path), 0, "a small record stays in the buffer");
    log.flush().unwrap();
    assert_eq!(lines_in(&path), 1);
}

#[test]
fn a_build_error_names_the_file() {
    let err = SyncBackend::builder()
        .target(Target::file("/proc/self/no/such/dir/app.log"))
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("/proc/self/no/such/dir/app.log"),
        "{err}"
    );
}

/// A target whose `write` logs through the same backend, as a careless writer might.
struct LogsWhileWriting {
    backend: Arc<OnceLock<Logger>>,
    written: Arc<Mutex<Vec<u8>>>,
}

impl Write for LogsWhileWriting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(log) = self.backend.get() {
            log.log(Level::Warn, "logged from inside write", []);
        }
        self.written.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn logging_from_inside_the_target_is_dropped_not_deadlocked() {
    let cell = Arc::new(OnceLock::new());
    let written = Arc::new(Mutex::new(Vec::new()));
    let target = Target::writer(LogsWhileWriting {
        backend: cell.clone(),
        written: written.clone(),
    });
    let backend: Arc<dyn Backend> =
        Arc::new(SyncBackend::builder().target(target).build().unwrap());
    let log = Logger::new(backend.clone());
    cell.set(log.clone()).unwrap();
    log.log(Level::Info, "outer", []);
    backend.shutdown().unwrap();
    let stats = backend.stats();
    assert_eq!(
        (stats.emitted, stats.written, stats.dropped),
        (2, 1, 1),
        "{stats:?}"
    );
    let text = String::from_utf8(written.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("\"msg\":\"outer\"") && text.lines().count() == 1,
        "{text}"
    );
}

#[test]
fn a_target_may_log_into_another_backend() {
    let other_dir = tempfile::tempdir().unwrap();
    let other_path = other_dir.path().join("other.log");
    let other = SyncBackend::builder()
        .target(Target::file(&other_path))
        .build()
        .unwrap();
    let cell = Arc::new(OnceLock::new());
    cell.set(Logger::new(Arc::new(other))).unwrap();
    let written = Arc::new(Mutex::new(Vec::new()));
    let target = Target::writer(LogsWhileWriting {
        backend: cell.clone(),
        written: written.clone(),
    });
    let backend = SyncBackend::builder().target(target).build().unwrap();
    backend.emit(logswap_core::Record::new(
        Level::Info,
        "t",
        "outer",
        Default::default(),
    ));
    let stats = backend.stats();
    assert_eq!((stats.written, stats.dropped), (1, 0), "{stats:?}");
    let other_stats = cell.get().unwrap().stats();
    assert_eq!(
        (other_stats.written, other_stats.dropped),
        (1, 0),
        "{other_stats:?}"
    );
    assert_eq!(lines_in(&other_path), 1);
}
