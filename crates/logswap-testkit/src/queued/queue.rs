//! The queue: full in a lossy mode, full in a lossless one, flushed against a slow or a
//! failing target, and flushed while it shuts down.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use logswap_core::{Backend, Error, ErrorKind, Field, Target};

use super::record;
use crate::targets::{Captured, Gated, Release, Slow};

/// A backend whose writer is held inside its first write (record `first`, `seq` 0) until
/// [`Gated::release`]. Declare a [`Release`] of the gate after the backend.
pub fn held<B: Backend>(build: impl FnOnce(Target) -> Result<B, Error>) -> (B, Gated) {
    let (gated, waiting) = Gated::new();
    let backend = build(Target::writer(gated.clone())).expect("build");
    backend.emit(record("first", [Field::new("seq", 0)]));
    if waiting.recv_timeout(Duration::from_secs(10)).is_err() {
        gated.release();
        panic!("the writer never reached the target");
    }
    (backend, gated)
}

/// A lossy backend with a queue of `queue` records that writes each line at once, [`held`]:
/// of 50 more records the `queue` that fit are written, in order, once the writer is let
/// go, and every other one is counted as dropped, exactly. `while_full` runs with the
/// queue full, for the backend's own counts. Returns the backend, flushed.
pub fn exact_drops<B: Backend>(
    build: impl FnOnce(Target) -> Result<B, Error>,
    queue: usize,
    while_full: impl FnOnce(&B),
) -> B {
    let (backend, gated) = held(build);
    let _release = Release(gated.clone());
    for seq in 1..=50 {
        backend.emit(record("burst", [Field::new("seq", seq)]));
    }
    let turned_away = 50 - queue as u64;
    let stats = backend.stats();
    assert_eq!(
        (stats.emitted, stats.dropped),
        (51, turned_away),
        "{stats:?}"
    );
    while_full(&backend);
    gated.release();
    backend.flush().expect("flush");
    let stats = backend.stats();
    assert_eq!(stats.written, 1 + queue as u64, "{stats:?}");
    assert_eq!(stats.emitted, stats.written + stats.dropped);
    assert_eq!(gated.out.seqs(), (0..=queue as u64).collect::<Vec<_>>());
    backend
}

/// A lossless backend with a queue of one record that writes each line at once, to a slow
/// target, and four threads logging 100 records each: every record is written, in order
/// per thread. Returns the backend, shut down, for its own numbers.
pub fn waits_for_room<B: Backend + 'static>(
    build: impl FnOnce(Target) -> Result<B, Error>,
) -> Arc<B> {
    let out = Slow {
        out: Captured::default(),
        delay: Duration::from_micros(200),
    };
    let backend = Arc::new(build(Target::writer(out.clone())).expect("build"));
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
    crate::assert_each_producer_in_order(&out.out.lines(), 4, 100);
    backend
}

/// A backend that writes each line at once, to a target that takes 5 ms a write: when
/// `flush()` returns, every line emitted before it is there.
pub fn flush_waits_for_a_slow_target<B: Backend>(build: impl FnOnce(Target) -> Result<B, Error>) {
    let out = Slow {
        out: Captured::default(),
        delay: Duration::from_millis(5),
    };
    let backend = build(Target::writer(out.clone())).expect("build");
    for seq in 0..20 {
        backend.emit(record("slow", [Field::new("seq", seq)]));
    }
    backend.flush().expect("flush");
    assert_eq!(
        out.out.lines().len(),
        20,
        "{}: every line is there when flush returns",
        backend.name()
    );
    backend.shutdown().unwrap();
}

/// A lossless backend writing to `/dev/full`: the failed writes are counted, their
/// records dropped, `flush()` returns the error naming the file, and the writer goes on.
pub fn write_errors_on_dev_full<B: Backend>(build: impl FnOnce(Target) -> Result<B, Error>) {
    let backend = build(Target::file("/dev/full")).expect("/dev/full opens; its writes fail");
    for seq in 0..10 {
        backend.emit(record("full", [Field::new("seq", seq)]));
    }
    let err = backend.flush().expect_err("the flush's write failed");
    assert_eq!(err.kind(), ErrorKind::Write);
    assert!(err.to_string().contains("/dev/full"), "{err}");
    let stats = backend.stats();
    assert!(stats.write_errors >= 1, "{stats:?}");
    assert_eq!((stats.written, stats.dropped), (0, 10), "{stats:?}");
    // The writer goes on: later records are tried, and counted, too.
    backend.emit(record("full", [Field::new("seq", 10)]));
    assert!(backend.shutdown().is_err(), "the last flush failed too");
    let stats = backend.stats();
    assert_eq!((stats.emitted, stats.dropped), (11, 11), "{stats:?}");
}

/// A lossless backend that writes each line at once, to a slow target: a `flush()` made
/// while `shutdown()` drains the queue returns only once every record is written.
pub fn flush_during_shutdown<B: Backend + 'static>(build: impl FnOnce(Target) -> Result<B, Error>) {
    let out = Slow {
        out: Captured::default(),
        delay: Duration::from_millis(2),
    };
    let backend = Arc::new(build(Target::writer(out.clone())).expect("build"));
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
