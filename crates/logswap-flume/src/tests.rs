//! Unit tests that need the crate's insides: the size of a queued message, and what happens
//! when the writer thread itself panics (a bug of ours; a panicking target is caught by the
//! sink and tested from outside).

use std::sync::{mpsc, Arc};
use std::time::Duration;

use logswap_core::{Backend, ErrorKind, Level, Record, Target};
use logswap_testkit::targets::Captured;

use crate::writer::PANIC_TRIGGER;
use crate::FlumeBackend;

fn record(message: &'static str) -> Record {
    Record::new(Level::Info, "unit", message, Default::default())
}

#[test]
fn a_dead_writer_makes_flush_and_shutdown_fail_fast_and_loses_nothing_silently() {
    let memory = Captured::default();
    let backend = FlumeBackend::builder()
        .target(Target::writer(memory.clone()))
        .capacity(64)
        .build()
        .unwrap();
    for _ in 0..10 {
        backend.emit(record("before"));
    }
    backend.flush().expect("the writer is alive");

    // Run the rest on another thread, so a hang fails the test instead of stalling it.
    let (done_tx, done_rx) = mpsc::channel();
    let backend = Arc::new(backend);
    let under_test = backend.clone();
    std::thread::spawn(move || {
        under_test.emit(record(PANIC_TRIGGER));
        for _ in 0..20 {
            under_test.emit(record("around the panic"));
        }
        let flushed = under_test.flush();
        let shut = under_test.shutdown();
        let again = under_test.shutdown();
        under_test.emit(record("after"));
        let _ = done_tx.send((flushed, shut, again));
    });
    let (flushed, shut, again) = done_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("flush and shutdown must return when the writer died, not hang");
    assert_eq!(flushed.unwrap_err().kind(), ErrorKind::WriterDied);
    let err = shut.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriterDied);
    assert!(err.to_string().contains(PANIC_TRIGGER), "{err}");
    assert!(again.is_ok(), "a second shutdown does nothing");

    let stats = backend.stats();
    assert_eq!(stats.emitted, 10 + 1 + 20 + 1);
    assert_eq!(stats.written, 10, "{stats:?}");
    assert_eq!(stats.emitted, stats.written + stats.dropped, "{stats:?}");
    assert_eq!(stats.queue_depth, Some(0));
    let text = memory.text();
    assert_eq!(text.lines().count(), 10);
}

/// The memory bound in the crate docs (section Memory) counts 512 bytes per queued record.
#[test]
fn a_queued_message_takes_at_most_512_bytes() {
    assert!(std::mem::size_of::<crate::writer::Msg>() <= 512);
}
