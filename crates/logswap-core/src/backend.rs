//! The `Backend` trait every backend implements, its `Stats`, and `Counters` to keep them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::Error;
use crate::record::Record;

/// Where records go: formats them as JSON lines and writes them to a target, on the
/// caller's thread or on a writer thread of its own.
///
/// The trait is object safe: a [`crate::Logger`] holds an `Arc<dyn Backend>`, so the
/// backend is chosen at run time and code that logs does not depend on it.
///
/// # For implementors
///
/// Every backend keeps these promises, and `logswap-testkit` checks them:
/// - [`emit`](Backend::emit) never panics and never blocks forever; a lossy mode that drops
///   a record counts it in [`Stats::dropped`].
/// - [`flush`](Backend::flush) returns once every record emitted before the call is written
///   to the target and the target is flushed, even when the transport has no flush call of
///   its own (send a marker that the writer acknowledges).
/// - [`shutdown`](Backend::shutdown) flushes, stops and joins any writer thread; it is
///   idempotent, and records emitted afterwards are counted as dropped.
/// - [`stats`](Backend::stats) is exact once the backend is shut down:
///   `emitted == written + dropped`. [`Counters`] keeps the numbers for you.
pub trait Backend: Send + Sync {
    /// Takes one record. Never panics; never blocks forever.
    fn emit(&self, record: Record);

    /// Waits until every record emitted before this call is written and the target flushed.
    fn flush(&self) -> Result<(), Error>;

    /// Flushes, then stops the backend; later calls do nothing and return `Ok`.
    fn shutdown(&self) -> Result<(), Error>;

    /// The backend's counters now.
    fn stats(&self) -> Stats;

    /// A short name for tables and errors, such as `"sync"` or `"flume"`.
    fn name(&self) -> &'static str;
}

/// What a backend has done so far. The first five counters are kept by every backend;
/// the rest only by backends that have a queue (and `None` elsewhere).
///
/// ```
/// use logswap_core::Counters;
///
/// let counters = Counters::default();
/// counters.record_emitted();
/// counters.record_emitted();
/// counters.record_written(1, 80);
/// counters.record_dropped(1);
/// let stats = counters.snapshot();
/// assert_eq!(stats.emitted, stats.written + stats.dropped);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Records handed to [`Backend::emit`].
    pub emitted: u64,
    /// Records whose line reached the target.
    pub written: u64,
    /// Records given up: a full queue in a lossy mode, an emit after shutdown, or a write
    /// that failed (those are in `write_errors` too).
    pub dropped: u64,
    /// Failed writes or flushes of the target (one failed write may lose several records).
    pub write_errors: u64,
    /// Bytes written to the target.
    pub bytes: u64,
    /// Records waiting in the queue now.
    pub queue_depth: Option<u64>,
    /// The most records that have waited in the queue at once.
    pub queue_high_water: Option<u64>,
    /// Total time callers spent waiting for room in a full queue.
    pub blocked: Duration,
    /// The longest time a record waited between `emit` and its write.
    pub max_queue_delay: Option<Duration>,
}

/// The exact counters behind [`Stats`], shared by a backend's callers and its writer.
///
/// Each counter sits on a cache line of its own, so callers counting emits do not slow
/// the writer counting writes.
#[derive(Debug, Default)]
pub struct Counters {
    emitted: PaddedCounter,
    written: PaddedCounter,
    dropped: PaddedCounter,
    write_errors: PaddedCounter,
    bytes: PaddedCounter,
}

#[derive(Debug, Default)]
#[repr(align(128))]
struct PaddedCounter(AtomicU64);

impl PaddedCounter {
    fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::AcqRel);
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }
}

impl Counters {
    /// Counts one record handed to `emit`; call it before the record can be written or dropped.
    pub fn record_emitted(&self) {
        self.emitted.add(1);
    }

    /// Counts `records` written to the target in `bytes` bytes.
    pub fn record_written(&self, records: u64, bytes: u64) {
        self.written.add(records);
        self.bytes.add(bytes);
    }

    /// Counts `records` given up.
    pub fn record_dropped(&self, records: u64) {
        self.dropped.add(records);
    }

    /// Counts one failed write or flush.
    pub fn record_write_error(&self) {
        self.write_errors.add(1);
    }

    /// The counters now. Outcomes are read before `emitted`, so even while records are in
    /// flight `emitted >= written + dropped`; once the backend is shut down they are equal.
    pub fn snapshot(&self) -> Stats {
        let written = self.written.get();
        let dropped = self.dropped.get();
        let write_errors = self.write_errors.get();
        let bytes = self.bytes.get();
        Stats {
            emitted: self.emitted.get(),
            written,
            dropped,
            write_errors,
            bytes,
            ..Stats::default()
        }
    }
}
