//! Accounting: after shutdown, every emitted record is either written or counted dropped.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use logswap_core::{Field, Level};

use super::{assert_balanced, FileBackend};
use crate::deadline::within_deadline;
use crate::Factory;

/// Records each thread logs after it sees the shutdown.
const AFTER_SHUTDOWN: u64 = 100;

/// Four threads log while the main thread shuts the backend down, and go on logging after
/// it. Then `emitted == written + dropped`, `emitted` is what the threads logged, the
/// file holds exactly `written` lines, and the records logged after shutdown are dropped.
pub fn accounting(factory: impl Factory) {
    within_deadline("accounting", move || {
        let under_test = FileBackend::new(&factory);
        let shut_down = Arc::new(AtomicBool::new(false));
        let logged = Arc::new(AtomicU64::new(0));
        let producers: Vec<_> = (0..4)
            .map(|producer| {
                let log = under_test.log.clone();
                let shut_down = shut_down.clone();
                let logged = logged.clone();
                std::thread::spawn(move || {
                    let mut seq = 0u64;
                    let mut after = 0;
                    while after < AFTER_SHUTDOWN && seq < 1_000_000 {
                        let was_shut_down = shut_down.load(Ordering::SeqCst);
                        log.log(
                            Level::Info,
                            "racing shutdown",
                            [Field::new("producer", producer), Field::new("seq", seq)],
                        );
                        seq += 1;
                        if was_shut_down {
                            after += 1;
                        }
                    }
                    logged.fetch_add(seq, Ordering::SeqCst);
                })
            })
            .collect();
        while under_test.backend.stats().emitted < 2_000 {
            std::thread::yield_now();
        }
        under_test
            .backend
            .shutdown()
            .expect("shutdown while others log");
        shut_down.store(true, Ordering::SeqCst);
        for producer in producers {
            producer.join().expect("a producer panicked");
        }
        let stats = under_test.backend.stats();
        assert_eq!(
            stats.emitted,
            logged.load(Ordering::SeqCst),
            "emitted counts every call: {stats:?}"
        );
        assert_balanced(&*under_test.backend);
        assert!(
            stats.dropped >= 4 * AFTER_SHUTDOWN,
            "records after shutdown are dropped: {stats:?}"
        );
        assert_eq!(
            under_test.line_count() as u64,
            stats.written,
            "the file holds exactly the written records"
        );
    })
}
