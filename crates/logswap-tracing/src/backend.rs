//! `TracingBackend`: lines formatted on the caller's thread and queued through
//! tracing-appender's `NonBlocking`, flushed with acknowledged markers, counted exactly.

use std::cell::Cell;
use std::fmt;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use logswap_core::format::format_record;
use logswap_core::{Backend, Error, ErrorKind, Record, Stats};
use tracing_appender::non_blocking::{ErrorCounter, NonBlocking, WorkerGuard};

use crate::builder::Builder;
use crate::writer::{marker, writer_died, Shared, WRITER_THREAD};
use logswap_core::handoff::{Lifecycle, Wait};

/// How long `shutdown` waits for tracing-appender's worker thread to end after its
/// guard is dropped (the queue is empty by then, so it ends at once).
const WORKER_STOP_LIMIT: Duration = Duration::from_secs(10);

/// In a lossy mode a flush marker may be dropped by a full queue; the first wait before
/// another marker is sent, doubled each time up to the second limit.
const MARKER_PATIENCE: (Duration, Duration) =
    (Duration::from_millis(1), Duration::from_millis(100));

thread_local! {
    /// The line buffer this thread formats into, reused across calls (as
    /// tracing-subscriber's fmt layer reuses a thread-local buffer).
    static LINE: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// A formatted line larger than this is not kept for reuse.
const KEPT_LINE_CAPACITY: usize = 64 * 1024;

/// A backend that formats each record on the caller's thread and queues its bytes to
/// tracing-appender's worker thread; see the crate docs for its promises.
pub struct TracingBackend {
    writer: NonBlocking,
    dropped_lines: ErrorCounter,
    /// Holds tracing-appender's guard until shutdown.
    lifecycle: Lifecycle<WorkerGuard>,
    shared: Arc<Shared>,
    lossy: bool,
    buffered_lines_limit: usize,
}

impl TracingBackend {
    /// A builder with the defaults.
    pub fn builder() -> Builder {
        Builder::default()
    }

    pub(crate) fn new(
        writer: NonBlocking,
        guard: WorkerGuard,
        shared: Arc<Shared>,
        lossy: bool,
        buffered_lines_limit: usize,
    ) -> Self {
        TracingBackend {
            dropped_lines: writer.error_counter(),
            writer,
            lifecycle: Lifecycle::new(guard, &WRITER_THREAD),
            shared,
            lossy,
            buffered_lines_limit,
        }
    }

    /// Whether a full queue drops lines (`true`) or makes `emit` wait.
    pub fn is_lossy(&self) -> bool {
        self.lossy
    }

    /// The queue's size, in lines.
    pub fn buffered_lines_limit(&self) -> usize {
        self.buffered_lines_limit
    }

    /// tracing-appender's own count of messages a full queue dropped
    /// (`ErrorCounter::dropped_lines`): records and flush markers alike.
    /// [`stats()`](Backend::stats) counts the records among them in `dropped`.
    pub fn dropped_lines(&self) -> u64 {
        self.dropped_lines.dropped_lines() as u64
    }

    /// Queues a marker behind every line queued before it and waits until the writer
    /// has flushed them. A lossy queue may drop the marker: when `dropped_lines()` moved
    /// while it was sent, the wait is short and another marker follows.
    fn flush_through_queue(&self) -> Result<(), Error> {
        let first = self.shared.acks.next_id();
        let mut id = first;
        let mut patience = MARKER_PATIENCE.0;
        loop {
            let dropped_before = self.dropped_lines.dropped_lines();
            self.shared.markers_sent.fetch_add(1, Ordering::SeqCst);
            let mut writer = self.writer.clone();
            if writer.write_all(&marker(id)).is_err() {
                // Only a lossless queue whose worker is gone says so.
                return Err(writer_died());
            }
            let surely_queued = !self.lossy || self.dropped_lines.dropped_lines() == dropped_before;
            match self
                .shared
                .acks
                .wait(first, (!surely_queued).then_some(patience))
            {
                Wait::Acked(result) => return result,
                Wait::WriterGone => return Err(writer_died()),
                Wait::TimedOut => {
                    patience = (patience * 2).min(MARKER_PATIENCE.1);
                    id = self.shared.acks.next_id();
                }
            }
        }
    }
}

/// What `emit` says, once, when tracing-appender's worker has stopped.
const WRITER_LOST: &str = "logswap-tracing: the tracing-appender worker has stopped; records are dropped and counted in stats().dropped";

impl Backend for TracingBackend {
    fn emit(&self, record: Record) {
        let Some(_pass) = self.lifecycle.admit(&self.shared.counters) else {
            return;
        };
        let mut line = LINE.try_with(Cell::take).unwrap_or_default();
        line.clear();
        format_record(&record, &mut line);
        drop(record);
        // A writer per record, as tracing-subscriber's `MakeWriter` makes one per event.
        let mut writer = self.writer.clone();
        match catch_unwind(AssertUnwindSafe(|| writer.write_all(&line))) {
            // In the lossy mode a full queue dropped the line and `dropped_lines()`
            // counted it; `stats()` adds it to `dropped`.
            Ok(Ok(())) => {}
            Ok(Err(_)) | Err(_) => self
                .lifecycle
                .writer_lost(&self.shared.counters, WRITER_LOST),
        }
        if line.capacity() <= KEPT_LINE_CAPACITY {
            let _ = LINE.try_with(|kept| kept.set(line));
        }
    }

    /// Queues a flush marker behind every line queued before it; the writer wrapper
    /// writes out its buffer, flushes the target and acknowledges the marker, and this
    /// returns then, with the error of that flush if it failed.
    fn flush(&self) -> Result<(), Error> {
        self.lifecycle.flush(|| self.flush_through_queue())
    }

    /// Closes the gate (later emits are dropped and counted), waits for the emits in
    /// flight, flushes through the queue, drops tracing-appender's `WorkerGuard`, and
    /// waits until its worker thread has ended.
    fn shutdown(&self) -> Result<(), Error> {
        self.lifecycle.shutdown(
            || self.flush_through_queue(),
            || {
                if self.shared.acks.wait_writer_gone(WORKER_STOP_LIMIT) {
                    return Ok(());
                }
                Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "the tracing-appender worker did not stop within {WORKER_STOP_LIMIT:?} after its guard was dropped"
                    ),
                ))
            },
        )
    }

    /// The counters, with `dropped` including the records a full lossy queue dropped:
    /// tracing-appender's `dropped_lines()` less the flush markers it dropped.
    fn stats(&self) -> Stats {
        // Read in this order, each number is at most the true one until the queue is
        // quiet, and exact after `flush()` or `shutdown()`.
        let dropped_lines = self.dropped_lines.dropped_lines() as u64;
        let received = self.shared.markers_received.load(Ordering::SeqCst);
        let sent = self.shared.markers_sent.load(Ordering::SeqCst);
        let markers_not_received = sent.saturating_sub(received);
        let mut stats = self.shared.counters.snapshot();
        stats.dropped += dropped_lines.saturating_sub(markers_not_received);
        stats
    }

    fn name(&self) -> &'static str {
        "tracing"
    }
}

impl Drop for TracingBackend {
    /// Shuts down; on the writer thread, hands tracing-appender's guard to a helper thread.
    fn drop(&mut self) {
        self.lifecycle.on_drop(|| {
            let _ = self.shutdown();
        });
    }
}

impl fmt::Debug for TracingBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TracingBackend")
            .field("lossy", &self.lossy)
            .field("buffered_lines_limit", &self.buffered_lines_limit)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}
