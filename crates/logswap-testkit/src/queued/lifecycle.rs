//! Building, the writer thread, dropping, and a target that calls back into its backend.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use logswap_core::{Backend, Error, ErrorKind, Field, Fields, Target};

use super::record;
use crate::targets::{Captured, Gated, Release};

/// A file under a path where a folder should be: the error names the path.
pub fn open_error_names_the_path<B>(build: impl FnOnce(Target) -> Result<B, Error>) {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let path = blocker.join("app.log");
    let Err(err) = build(Target::file(&path)) else {
        panic!("built a backend on {}", path.display());
    };
    assert_eq!(err.kind(), ErrorKind::Open);
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

/// A target that notes the name of the thread that writes to it.
#[derive(Clone, Default)]
struct Names(Arc<Mutex<Vec<String>>>);

impl Write for Names {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let name = thread::current().name().unwrap_or("").to_owned();
        self.0.lock().unwrap().push(name);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Every write to the target is made on a thread named `logswap-writer`.
pub fn writer_thread_is_named<B: Backend>(build: impl FnOnce(Target) -> Result<B, Error>) {
    let names = Names::default();
    let backend = build(Target::writer(names.clone())).expect("build");
    backend.emit(record("named", Fields::new()));
    backend.shutdown().unwrap();
    let names = names.0.lock().unwrap();
    assert!(!names.is_empty());
    assert!(
        names.iter().all(|name| name == "logswap-writer"),
        "{names:?}"
    );
}

/// A lossless backend dropped without a shutdown has written every record.
pub fn dropping_writes_everything<B: Backend>(build: impl FnOnce(Target) -> Result<B, Error>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dropped.log");
    let backend = build(Target::file(&path)).expect("build");
    for seq in 0..500 {
        backend.emit(record("dropped", [Field::new("seq", seq)]));
    }
    drop(backend);
    assert_eq!(crate::read_lines(&path).len(), 500);
}

/// A target that logs and flushes through the backend it belongs to.
#[derive(Clone)]
struct Reentrant {
    out: Captured,
    backend: Arc<OnceLock<Arc<dyn Backend>>>,
    flush_errors: Arc<Mutex<Vec<ErrorKind>>>,
}

impl Write for Reentrant {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if let Some(backend) = self.backend.get() {
            backend.emit(record("from the target", Fields::new()));
            if let Err(err) = backend.flush() {
                self.flush_errors.lock().unwrap().push(err.kind());
            }
        }
        self.out.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A lossless backend with a queue of one record that writes each line at once, whose
/// target logs and flushes through it (a record sent from the writer thread would wait for
/// the writer thread forever): the record is dropped and counted, the flush is a
/// `WouldDeadlock` error, and nothing hangs.
pub fn refuses_logging_from_inside_the_target<B: Backend + 'static>(
    build: impl FnOnce(Target) -> Result<B, Error>,
) {
    let target = Reentrant {
        out: Captured::default(),
        backend: Arc::new(OnceLock::new()),
        flush_errors: Arc::default(),
    };
    let backend = Arc::new(build(Target::writer(target.clone())).expect("build"));
    let _ = target.backend.set(backend.clone());
    for _ in 0..3 {
        backend.emit(record("outer", Fields::new()));
    }
    backend.flush().expect("flush from outside works");
    let stats = backend.stats();
    assert_eq!((stats.written, stats.dropped), (3, 3), "{stats:?}");
    assert_eq!(
        *target.flush_errors.lock().unwrap(),
        vec![ErrorKind::WouldDeadlock; 3]
    );
    // The target holds the backend; shutting down breaks the cycle.
    backend.shutdown().unwrap();
    let stats = backend.stats();
    assert_eq!(stats.emitted, stats.written + stats.dropped);
}

/// Holds the backend until its first write, then drops it: the last handle.
#[derive(Clone)]
struct LastHandle {
    gated: Gated,
    slot: Arc<Mutex<Option<Arc<dyn Backend>>>>,
}

impl Write for LastHandle {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.gated.write(bytes);
        drop(self.slot.lock().unwrap().take());
        written
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A lossless backend with a queue of one record that writes each line at once, whose
/// last handle is dropped inside the target's `write` while the queue is full (so a guard
/// dropped on the writer thread would wait for itself): nothing hangs, and both records
/// are written.
pub fn last_handle_dropped_inside_the_target<B: Backend + 'static>(
    build: impl FnOnce(Target) -> Result<B, Error>,
) {
    let (gated, waiting) = Gated::new();
    let target = LastHandle {
        gated: gated.clone(),
        slot: Arc::default(),
    };
    let _release = Release(gated.clone());
    let backend = Arc::new(build(Target::writer(target.clone())).expect("build"));
    *target.slot.lock().unwrap() = Some(backend.clone());
    backend.emit(record("first", [Field::new("seq", 0)]));
    waiting
        .recv_timeout(Duration::from_secs(10))
        .expect("the writer reaches the target");
    backend.emit(record("second", [Field::new("seq", 1)]));
    drop(backend);
    gated.release();
    let deadline = Instant::now() + Duration::from_secs(10);
    while gated.out.lines().len() < 2 {
        assert!(Instant::now() < deadline, "the writer hangs");
        thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(gated.out.seqs(), [0, 1]);
}
