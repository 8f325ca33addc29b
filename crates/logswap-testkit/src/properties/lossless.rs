//! Lossless: many threads, every record written exactly once, each thread's in order.

use std::fmt;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use logswap_core::{Field, Level};

use super::{assert_balanced, FileBackend};
use crate::deadline::within_deadline;
use crate::{assert_each_producer_in_order, env_size, read_lines, Factory};

/// What the lossless test measured, for the closing notes of backend work.
#[derive(Debug, Clone)]
pub struct LosslessReport {
    /// The backend's name.
    pub backend: &'static str,
    /// Producer threads.
    pub threads: usize,
    /// Records written in all.
    pub records: u64,
    /// From the first emit until `flush()` returned.
    pub elapsed: Duration,
}

impl LosslessReport {
    /// Records per second, end to end.
    pub fn records_per_sec(&self) -> f64 {
        self.records as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl fmt::Display for LosslessReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "lossless: {} backend: {} threads x {} records in {:.3?} = {:.0} records/s ({} build)",
            self.backend,
            self.threads,
            self.records / self.threads.max(1) as u64,
            self.elapsed,
            self.records_per_sec(),
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
        )
    }
}

/// `LOGSWAP_TEST_THREADS` threads (8) each log `LOGSWAP_TEST_RECORDS` records (50,000 in
/// release builds, 5,000 in debug builds) with their thread index and a sequence number.
/// Then the file must hold exactly that many lines, each a JSON object with the reserved
/// keys, and each thread's sequence numbers must be complete and in order.
pub fn lossless(factory: impl Factory) -> LosslessReport {
    within_deadline("lossless", move || {
        let threads = env_size("LOGSWAP_TEST_THREADS", 8);
        let per_thread = env_size(
            "LOGSWAP_TEST_RECORDS",
            if cfg!(debug_assertions) {
                5_000
            } else {
                50_000
            },
        );
        let under_test = FileBackend::new(&factory);
        let start_line = Arc::new(Barrier::new(threads + 1));
        let producers: Vec<_> = (0..threads)
            .map(|producer| {
                let log = under_test.log.clone();
                let start_line = start_line.clone();
                std::thread::Builder::new()
                    .name(format!("producer-{producer}"))
                    .spawn(move || {
                        start_line.wait();
                        for seq in 0..per_thread {
                            log.log(
                                Level::Info,
                                "lossless",
                                [Field::new("producer", producer), Field::new("seq", seq)],
                            );
                        }
                    })
                    .expect("spawn a producer")
            })
            .collect();
        start_line.wait();
        let started = Instant::now();
        for producer in producers {
            producer.join().expect("a producer panicked");
        }
        under_test.log.flush().expect("flush after the producers");
        let elapsed = started.elapsed();
        under_test.log.shutdown().expect("shutdown");

        let total = (threads * per_thread) as u64;
        let lines = read_lines(&under_test.path);
        assert_eq!(lines.len() as u64, total, "lines in the file");
        assert_each_producer_in_order(&lines, threads, per_thread as u64);
        for line in &lines {
            line.check_reserved_keys().unwrap();
            let producer = line.u64("producer").expect("producer field");
            assert_eq!(
                line.str("thread_name"),
                Some(format!("producer-{producer}").as_str())
            );
        }
        let stats = under_test.backend.stats();
        assert_eq!(
            (stats.emitted, stats.written, stats.dropped),
            (total, total, 0),
            "{stats:?}"
        );
        assert_balanced(&*under_test.backend);
        LosslessReport {
            backend: under_test.backend.name(),
            threads,
            records: total,
            elapsed,
        }
    })
}
