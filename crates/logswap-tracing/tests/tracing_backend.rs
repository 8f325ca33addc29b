//! What the tracing backend adds to the conformance suite: the line through the queue,
//! exact drop counts from `dropped_lines()`, markers in a full lossy queue, flush against
//! a slow target, write errors, and its own limits.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, UNIX_EPOCH};

use logswap_core::format::format_record;
use logswap_core::{Backend, ErrorKind, Field, Fields, Level, Record, Target, ThreadInfo};
use logswap_testkit::targets::{Captured, Gated, Release, Slow};
use logswap_tracing::TracingBackend;
use serde_json::json;

fn backend(target: impl Write + Send + 'static, lossy: bool) -> TracingBackend {
    TracingBackend::builder()
        .target(Target::writer(target))
        .lossy(lossy)
        .build()
        .expect("build")
}

fn record(message: &'static str, fields: impl Into<Fields>) -> Record {
    Record::new(Level::Info, "app", message, fields.into())
}

#[test]
fn writes_the_core_line_through_the_queue() {
    let mut record = Record::new(
        Level::Warn,
        "app::db",
        "query processed",
        [
            Field::new("iteration", 7),
            Field::new("msg", "user's \u{2028}"),
            Field::new("json", json!({"k": [1, null, "x\ny"]})),
        ]
        .into(),
    );
    record.timestamp = UNIX_EPOCH + Duration::from_micros(1_796_397_762_123_456);
    record.thread = ThreadInfo {
        id: 7,
        name: Some("worker-7"),
    };
    let mut expected = Vec::new();
    format_record(&record, &mut expected);
    let out = Captured::default();
    let backend = backend(out.clone(), false);
    backend.emit(record);
    backend.shutdown().unwrap();
    assert_eq!(out.text(), String::from_utf8(expected).unwrap());
}

/// The writer is held inside a write with one line taken and `LIMIT` queued.
fn held_backend() -> (TracingBackend, Gated) {
    let (gated, waiting) = Gated::new();
    let backend = TracingBackend::builder()
        .target(Target::writer(gated.clone()))
        .lossy(true)
        .buffered_lines_limit(LIMIT)
        .buffer_bytes(0)
        .build()
        .unwrap();
    backend.emit(record("first", [Field::new("seq", 0)]));
    if waiting.recv_timeout(Duration::from_secs(10)).is_err() {
        gated.release();
        panic!("the writer never reached the target");
    }
    (backend, gated)
}

const LIMIT: usize = 4;

#[test]
fn lossy_counts_what_dropped_lines_says_exactly() {
    let (backend, gated) = held_backend();
    let _release = Release(gated.clone());
    for seq in 1..=50 {
        backend.emit(record("burst", [Field::new("seq", seq)]));
    }
    let turned_away = 50 - LIMIT as u64;
    assert_eq!(backend.dropped_lines(), turned_away);
    let stats = backend.stats();
    assert_eq!(
        (stats.emitted, stats.dropped),
        (51, turned_away),
        "{stats:?}"
    );
    gated.release();
    backend.flush().expect("flush");
    let stats = backend.stats();
    assert_eq!(stats.written, 1 + LIMIT as u64, "{stats:?}");
    assert_eq!(stats.emitted, stats.written + stats.dropped);
    let seqs: Vec<u64> = gated
        .out
        .lines()
        .iter()
        .map(|l| l.u64("seq").unwrap())
        .collect();
    assert_eq!(seqs, (0..=LIMIT as u64).collect::<Vec<_>>());
    backend.shutdown().unwrap();
}

#[test]
fn a_flush_into_a_full_lossy_queue_waits_and_its_dropped_markers_are_not_records() {
    let (backend, gated) = held_backend();
    for seq in 1..=LIMIT as u64 {
        backend.emit(record("fills the queue", [Field::new("seq", seq)]));
    }
    let backend = Arc::new(backend);
    let _release = Release(gated.clone());
    let flusher = {
        let backend = backend.clone();
        thread::spawn(move || backend.flush())
    };
    // The queue is full, so the flush's markers are dropped until the writer moves on.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while backend.dropped_lines() < 3 {
        assert!(std::time::Instant::now() < deadline, "no marker was tried");
        thread::sleep(Duration::from_millis(1));
    }
    assert!(!flusher.is_finished(), "flush waits for its marker");
    assert_eq!(
        backend.stats().dropped,
        0,
        "a dropped marker is not a dropped record"
    );
    gated.release();
    flusher.join().unwrap().expect("flush");
    let stats = backend.stats();
    assert_eq!(
        (stats.emitted, stats.written, stats.dropped),
        (1 + LIMIT as u64, 1 + LIMIT as u64, 0),
        "{stats:?}"
    );
    assert!(backend.dropped_lines() >= 3);
    backend.shutdown().unwrap();
    let stats = backend.stats();
    assert_eq!(stats.dropped, 0, "{stats:?}");
    assert_eq!(
        gated.out.lines().len(),
        1 + LIMIT,
        "markers never reach the target"
    );
}

#[test]
fn lossless_waits_for_room_and_loses_nothing() {
    let out = Slow {
        out: Captured::default(),
        delay: Duration::from_micros(200),
    };
    let backend = Arc::new(
        TracingBackend::builder()
            .target(Target::writer(out.clone()))
            .lossy(false)
            .buffered_lines_limit(1)
            .buffer_bytes(0)
            .build()
            .unwrap(),
    );
    let producers: Vec<_> = (0..4u64)
        .map(|producer| {
            let backend = backend.clone();
            thread::spawn(move || {
                for seq in 0..100u64 {
                    backend.emit(record(
                        "blocked",
                        [Field::new("producer", producer), Field::new("seq", seq)],
                    ));
                }
            })
        })
        .collect();
    for producer in producers {
        producer.join().unwrap();
    }
    backend.shutdown().unwrap();
    let stats = backend.stats();
    assert_eq!((stats.emitted, stats.written, stats.dropped), (400, 400, 0));
    assert_eq!(backend.dropped_lines(), 0);
    let mut next = [0u64; 4];
    for line in out.out.lines() {
        let producer = line.u64("producer").unwrap() as usize;
        assert_eq!(
            line.u64("seq"),
            Some(next[producer]),
            "in order per producer"
        );
        next[producer] += 1;
    }
    assert_eq!(next, [100; 4]);
}

#[test]
fn flush_returns_only_when_a_slow_target_has_every_line() {
    for lossy in [false, true] {
        let out = Slow {
            out: Captured::default(),
            delay: Duration::from_millis(5),
        };
        let backend = TracingBackend::builder()
            .target(Target::writer(out.clone()))
            .lossy(lossy)
            .buffer_bytes(0)
            .build()
            .unwrap();
        for seq in 0..20 {
            backend.emit(record("slow", [Field::new("seq", seq)]));
        }
        backend.flush().expect("flush");
        assert_eq!(out.out.lines().len(), 20, "lossy: {lossy}");
        backend.shutdown().unwrap();
    }
}

#[test]
fn write_errors_on_dev_full_are_counted_and_returned_by_flush() {
    let backend = TracingBackend::builder()
        .target(Target::file("/dev/full"))
        .lossy(false)
        .build()
        .expect("/dev/full opens; its writes fail");
    for seq in 0..10 {
        backend.emit(record("full", [Field::new("seq", seq)]));
    }
    let err = backend.flush().expect_err("the writes failed");
    assert_eq!(err.kind(), ErrorKind::Write);
    assert!(err.to_string().contains("/dev/full"), "{err}");
    let stats = backend.stats();
    assert!(stats.write_errors >= 1, "{stats:?}");
    assert_eq!((stats.written, stats.dropped), (0, 10), "{stats:?}");
    backend.emit(record("full", [Field::new("seq", 10)]));
    assert!(backend.shutdown().is_err(), "the last flush failed too");
    let stats = backend.stats();
    assert_eq!((stats.emitted, stats.dropped), (11, 11), "{stats:?}");
}

#[test]
fn the_writer_thread_is_named_logswap_writer() {
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
    let names = Names::default();
    let backend = backend(names.clone(), false);
    backend.emit(record("named", Fields::new()));
    backend.shutdown().unwrap();
    let names = names.0.lock().unwrap();
    assert!(!names.is_empty());
    assert!(
        names.iter().all(|name| name == "logswap-writer"),
        "{names:?}"
    );
}

#[test]
fn dropping_the_backend_writes_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dropped.log");
    let backend = TracingBackend::builder()
        .target(Target::file(&path))
        .lossy(false)
        .build()
        .unwrap();
    for seq in 0..500 {
        backend.emit(record("dropped", [Field::new("seq", seq)]));
    }
    drop(backend);
    assert_eq!(logswap_testkit::read_lines(&path).len(), 500);
}

#[test]
fn logging_from_inside_the_target_is_refused_not_deadlocked() {
    /// A target that logs and flushes through the backend it belongs to.
    #[derive(Clone)]
    struct Reentrant {
        out: Captured,
        backend: Arc<OnceLock<Arc<TracingBackend>>>,
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
    let target = Reentrant {
        out: Captured::default(),
        backend: Arc::new(OnceLock::new()),
        flush_errors: Arc::default(),
    };
    // Lossless with room for one line: a line sent from the writer thread would wait
    // for the writer thread forever.
    let backend = Arc::new(
        TracingBackend::builder()
            .target(Target::writer(target.clone()))
            .lossy(false)
            .buffered_lines_limit(1)
            .buffer_bytes(0)
            .build()
            .unwrap(),
    );
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
    backend.shutdown().unwrap();
    let stats = backend.stats();
    assert_eq!(stats.emitted, stats.written + stats.dropped);
}

#[test]
fn builder_errors_name_the_problem() {
    let err = TracingBackend::builder()
        .target(Target::Stderr)
        .buffered_lines_limit(0)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, b"").unwrap();
    let path = blocker.join("app.log");
    let err = TracingBackend::builder()
        .target(Target::file(&path))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Open);
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn the_defaults_are_tracing_appenders() {
    let backend = TracingBackend::builder()
        .target(Target::Stderr)
        .build()
        .unwrap();
    assert!(backend.is_lossy());
    assert_eq!(backend.buffered_lines_limit(), 128_000);
    assert_eq!(backend.name(), "tracing");
    backend.shutdown().unwrap();
    assert_eq!(
        backend.flush().unwrap_err().kind(),
        ErrorKind::ShutDown,
        "a flush after shutdown says so"
    );
}

#[test]
fn a_flush_during_shutdown_returns_only_once_everything_is_written() {
    let out = Slow {
        out: Captured::default(),
        delay: Duration::from_millis(2),
    };
    let backend = Arc::new(
        TracingBackend::builder()
            .target(Target::writer(out.clone()))
            .lossy(false)
            .buffer_bytes(0)
            .build()
            .unwrap(),
    );
    for seq in 0..50 {
        backend.emit(record("draining", [Field::new("seq", seq)]));
    }
    let shutting_down = {
        let backend = backend.clone();
        thread::spawn(move || backend.shutdown())
    };
    thread::sleep(Duration::from_millis(20));
    // Usually the shutdown is draining by now, and the flush says so; either way, when it
    // returns every record emitted before it is in the target.
    match backend.flush() {
        Ok(()) => {}
        Err(err) => assert_eq!(err.kind(), ErrorKind::ShutDown),
    }
    assert_eq!(out.out.lines().len(), 50);
    shutting_down.join().unwrap().expect("shutdown");
}

#[test]
fn the_last_handle_dropped_inside_the_target_does_not_hang() {
    /// Holds the backend until its first write, then drops it: the last handle.
    #[derive(Clone)]
    struct LastHandle {
        gated: Gated,
        slot: Arc<Mutex<Option<Arc<TracingBackend>>>>,
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
    let (gated, waiting) = Gated::new();
    let target = LastHandle {
        gated: gated.clone(),
        slot: Arc::default(),
    };
    let _release = Release(gated.clone());
    // Room for one record: with the writer held, the second record fills the queue, so a
    // guard dropped on the writer thread would wait for itself.
    let backend = Arc::new(
        TracingBackend::builder()
            .target(Target::writer(target.clone()))
            .lossy(false)
            .buffered_lines_limit(1)
            .buffer_bytes(0)
            .build()
            .unwrap(),
    );
    *target.slot.lock().unwrap() = Some(backend.clone());
    backend.emit(record("first", [Field::new("seq", 0)]));
    waiting
        .recv_timeout(Duration::from_secs(10))
        .expect("the writer reaches the target");
    backend.emit(record("second", [Field::new("seq", 1)]));
    drop(backend);
    gated.release();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while gated.out.lines().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "the writer hangs");
        thread::sleep(Duration::from_millis(5));
    }
    let seqs: Vec<u64> = gated
        .out
        .lines()
        .iter()
        .map(|l| l.u64("seq").unwrap())
        .collect();
    assert_eq!(seqs, [0, 1]);
}
