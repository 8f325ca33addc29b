//! What the tracing backend adds to the conformance suite: the checks it shares with the
//! slog backend (the line through the queue, flush against a slow target, write errors, a
//! target that calls back in), exact drop counts from `dropped_lines()`, markers in a full
//! lossy queue, and its own limits.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use logswap_core::{Backend, Error, ErrorKind, Field, Target};
use logswap_testkit::queued::{self, record};
use logswap_testkit::targets::Release;
use logswap_tracing::{TracingBackend, DEFAULT_BUFFERED_LINES_LIMIT};

/// A backend writing to `target`, lossy or not, with a queue of `lines`, its writer
/// writing each line at once.
fn unbuffered(target: Target, lossy: bool, lines: usize) -> Result<TracingBackend, Error> {
    TracingBackend::builder()
        .target(target)
        .lossy(lossy)
        .buffered_lines_limit(lines)
        .buffer_bytes(0)
        .build()
}

/// Lossless, the rest as built by default.
fn lossless(target: Target) -> Result<TracingBackend, Error> {
    TracingBackend::builder()
        .target(target)
        .lossy(false)
        .build()
}

logswap_testkit::queued_suite! {
    lossless: lossless,
    unbuffered: |target| unbuffered(target, false, DEFAULT_BUFFERED_LINES_LIMIT),
    one_slot: |target| unbuffered(target, false, 1),
}

/// The queue's size in the tests that fill it.
const LIMIT: usize = 4;

#[test]
fn lossy_counts_what_dropped_lines_says_exactly() {
    let build = |target| unbuffered(target, true, LIMIT);
    let backend = queued::exact_drops(build, LIMIT, |backend| {
        assert_eq!(backend.dropped_lines(), 50 - LIMIT as u64);
    });
    backend.shutdown().unwrap();
}

#[test]
fn a_flush_into_a_full_lossy_queue_waits_and_its_dropped_markers_are_not_records() {
    let (backend, gated) = queued::held(|target| unbuffered(target, true, LIMIT));
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
    let deadline = Instant::now() + Duration::from_secs(10);
    while backend.dropped_lines() < 3 {
        assert!(Instant::now() < deadline, "no marker was tried");
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
    let backend = queued::waits_for_room(|target| unbuffered(target, false, 1));
    assert_eq!(backend.dropped_lines(), 0);
}

#[test]
fn a_lossy_flush_returns_only_when_a_slow_target_has_every_line() {
    queued::flush_waits_for_a_slow_target(|target| {
        unbuffered(target, true, DEFAULT_BUFFERED_LINES_LIMIT)
    });
}

#[test]
fn builder_errors_name_the_problem() {
    let err = TracingBackend::builder()
        .target(Target::Stderr)
        .buffered_lines_limit(0)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
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
