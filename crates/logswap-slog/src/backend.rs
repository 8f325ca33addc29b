//! `SlogBackend`: records sent through slog-async's channel, flushed with acknowledged
//! markers, shut down through a gate, and counted exactly.

use std::fmt;
use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use logswap_core::{Backend, Error, Level, Record, Stats};
use slog::{BorrowedKV, Drain, OwnedKVList, RecordStatic};
use slog_async::{AsyncCore, AsyncError, AsyncGuard};

use crate::builder::{Builder, Overflow};
use crate::drain::{writer_died, Shared, MARKER_LOCATION, RECORD_LOCATION, WRITER_THREAD};
use crate::kv::RecordKv;
use logswap_core::handoff::{Lifecycle, Wait};

/// A backend that sends records through slog-async's channel to its writer thread, where
/// slog-json writes them; see the crate docs for its promises.
pub struct SlogBackend {
    core: AsyncCore,
    /// Holds slog-async's guard until shutdown.
    lifecycle: Lifecycle<AsyncGuard>,
    shared: Arc<Shared>,
    overflow: Overflow,
    channel_size: usize,
    no_values: OwnedKVList,
    high_water: AtomicU64,
    blocked_nanos: AtomicU64,
    reporter: DropReporter,
}

impl SlogBackend {
    /// A builder with the defaults.
    pub fn builder() -> Builder {
        Builder::default()
    }

    pub(crate) fn new(
        core: AsyncCore,
        guard: AsyncGuard,
        shared: Arc<Shared>,
        overflow: Overflow,
        channel_size: usize,
    ) -> Self {
        SlogBackend {
            core,
            lifecycle: Lifecycle::new(guard, &WRITER_THREAD),
            shared,
            overflow,
            channel_size,
            no_values: OwnedKVList::from(slog::o!()),
            high_water: AtomicU64::new(0),
            blocked_nanos: AtomicU64::new(0),
            reporter: DropReporter::new(channel_size),
        }
    }

    /// The overflow strategy this backend was built with.
    pub fn overflow(&self) -> Overflow {
        self.overflow
    }

    /// The size of slog-async's channel, in records.
    pub fn channel_size(&self) -> usize {
        self.channel_size
    }

    fn send(&self, record: &Record) -> Result<(), AsyncError> {
        let kv = RecordKv(record);
        let statics = RecordStatic {
            location: &RECORD_LOCATION,
            tag: "",
            level: slog_level(record.level),
        };
        // The message travels as the "msg" key-value, so slog-json writes it in the
        // core's key order; slog's own message slot stays empty.
        let may_block = self.overflow == Overflow::Block
            && self.shared.depth.load(Ordering::Relaxed) >= self.channel_size as i64;
        let started = may_block.then(Instant::now);
        let result = self.core.log(
            &slog::Record::new(&statics, &format_args!(""), BorrowedKV(&kv)),
            &self.no_values,
        );
        if let Some(started) = started {
            let waited = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
            self.blocked_nanos.fetch_add(waited, Ordering::Relaxed);
        }
        result
    }

    fn sent(&self) {
        let depth = self.shared.depth.fetch_add(1, Ordering::AcqRel) + 1;
        let depth = u64::try_from(depth).unwrap_or(0);
        if depth > self.high_water.load(Ordering::Relaxed) {
            self.high_water.fetch_max(depth, Ordering::Relaxed);
        }
        if self.overflow == Overflow::DropAndReport {
            self.reporter.room_again();
        }
    }

    /// Sends a marker through the channel and waits until the writer has flushed
    /// everything queued before it. A full channel in a lossy mode is waited out: the
    /// marker itself is never dropped.
    fn flush_through_queue(&self) -> Result<(), Error> {
        let id = self.shared.acks.next_id();
        let tag = id.to_string();
        let statics = RecordStatic {
            location: &MARKER_LOCATION,
            tag: &tag,
            level: slog::Level::Critical,
        };
        let mut attempts = 0u32;
        loop {
            let sent = self.core.log(
                &slog::Record::new(&statics, &format_args!(""), BorrowedKV(&())),
                &self.no_values,
            );
            match sent {
                Ok(()) => break,
                Err(AsyncError::Full) => {
                    attempts += 1;
                    if attempts < 50 {
                        thread::yield_now();
                    } else {
                        thread::sleep(Duration::from_micros(100));
                    }
                }
                Err(AsyncError::Fatal(_)) => return Err(writer_died()),
            }
        }
        match self.shared.acks.wait(id, None) {
            Wait::Acked(result) => result,
            Wait::WriterGone | Wait::TimedOut => Err(writer_died()),
        }
    }
}

fn slog_level(level: Level) -> slog::Level {
    match level {
        Level::Trace => slog::Level::Trace,
        Level::Debug => slog::Level::Debug,
        Level::Info => slog::Level::Info,
        Level::Warn => slog::Level::Warning,
        Level::Error => slog::Level::Error,
    }
}

/// What `emit` says, once, when slog-async's writer thread has stopped.
const WRITER_LOST: &str = "logswap-slog: the slog-async writer thread has stopped; records are dropped and counted in stats().dropped";

impl Backend for SlogBackend {
    fn emit(&self, record: Record) {
        let Some(_pass) = self.lifecycle.admit(&self.shared.counters) else {
            return;
        };
        match catch_unwind(AssertUnwindSafe(|| self.send(&record))) {
            Ok(Ok(())) => self.sent(),
            Ok(Err(AsyncError::Full)) => {
                self.shared.counters.record_dropped(1);
                if self.overflow == Overflow::DropAndReport {
                    self.reporter.dropped();
                }
            }
            Ok(Err(AsyncError::Fatal(_))) | Err(_) => self
                .lifecycle
                .writer_lost(&self.shared.counters, WRITER_LOST),
        }
    }

    /// Sends a flush marker through slog-async's channel, behind every record sent before
    /// it; the writer's drain writes out its buffer, flushes the target and acknowledges
    /// the marker, and this returns then, with the error of that flush if it failed.
    fn flush(&self) -> Result<(), Error> {
        self.lifecycle.flush(|| self.flush_through_queue())
    }

    /// Closes the gate (later emits are dropped and counted), waits for the emits in
    /// flight, flushes through the queue, then drops slog-async's `AsyncGuard`, which
    /// stops the writer thread and joins it.
    fn shutdown(&self) -> Result<(), Error> {
        self.lifecycle.shutdown(
            || self.flush_through_queue(),
            || {
                self.reporter.report_now();
                Ok(())
            },
        )
    }

    fn stats(&self) -> Stats {
        let mut stats = self.shared.counters.snapshot();
        let depth = self.shared.depth.load(Ordering::Acquire);
        stats.queue_depth = Some(u64::try_from(depth).unwrap_or(0));
        stats.queue_high_water = Some(self.high_water.load(Ordering::Relaxed));
        stats.blocked = Duration::from_nanos(self.blocked_nanos.load(Ordering::Relaxed));
        stats
    }

    fn name(&self) -> &'static str {
        "slog"
    }
}

impl Drop for SlogBackend {
    /// Shuts down; on the writer thread, hands slog-async's guard to a helper thread.
    fn drop(&mut self) {
        self.lifecycle.on_drop(|| {
            let _ = self.shutdown();
        });
    }
}

impl fmt::Debug for SlogBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlogBackend")
            .field("overflow", &self.overflow)
            .field("channel_size", &self.channel_size)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// `Overflow::DropAndReport`'s report: the number dropped, on stderr, once there is room
/// again, at most once a second.
#[derive(Debug)]
struct DropReporter {
    unreported: AtomicU64,
    /// Milliseconds since `start` of the last report, plus one second.
    next_report_ms: AtomicU64,
    start: Instant,
    channel_size: usize,
}

impl DropReporter {
    fn new(channel_size: usize) -> Self {
        DropReporter {
            unreported: AtomicU64::new(0),
            next_report_ms: AtomicU64::new(0),
            start: Instant::now(),
            channel_size,
        }
    }

    fn dropped(&self) {
        self.unreported.fetch_add(1, Ordering::Relaxed);
    }

    fn room_again(&self) {
        if self.unreported.load(Ordering::Relaxed) == 0 {
            return;
        }
        let now = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        let next = self.next_report_ms.load(Ordering::Relaxed);
        if now < next
            || self
                .next_report_ms
                .compare_exchange(next, now + 1000, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        self.report_now();
    }

    fn report_now(&self) {
        let count = self.unreported.swap(0, Ordering::Relaxed);
        if count > 0 {
            let _ = writeln!(
                io::stderr(),
                "logswap-slog: dropped {count} records: the slog-async channel ({} records) was full; stats().dropped counts every one",
                self.channel_size
            );
        }
    }
}
