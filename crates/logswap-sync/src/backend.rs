//! `SyncBackend`, its `Builder` and `FlushPolicy`.

use std::cell::Cell;
use std::sync::{Arc, Mutex, MutexGuard};

use logswap_core::format::format_record;
use logswap_core::sink::{Sink, DEFAULT_BUFFER_BYTES};
use logswap_core::{Backend, Counters, Error, Record, Stats, Target};

/// When the synchronous backend writes to its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlushPolicy {
    /// Write and flush each record before `emit` returns (the default): nothing is lost
    /// at a crash, and every call pays for a system call.
    #[default]
    EveryRecord,
    /// Collect lines in a buffer, written when it fills and on `flush`, `shutdown` and drop.
    Buffered,
}

/// Builds a [`SyncBackend`]. Defaults: target [`Target::Stdout`],
/// [`FlushPolicy::EveryRecord`], a 64 KiB buffer for [`FlushPolicy::Buffered`].
#[derive(Debug)]
pub struct Builder {
    target: Target,
    policy: FlushPolicy,
    buffer_bytes: usize,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            target: Target::Stdout,
            policy: FlushPolicy::default(),
            buffer_bytes: DEFAULT_BUFFER_BYTES,
        }
    }
}

impl Builder {
    /// Where lines go.
    pub fn target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    /// When lines are written.
    pub fn flush_policy(mut self, policy: FlushPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// How many bytes [`FlushPolicy::Buffered`] collects before it writes.
    pub fn buffer_bytes(mut self, bytes: usize) -> Self {
        self.buffer_bytes = bytes;
        self
    }

    /// Opens the target; a file that cannot be opened is an error naming it.
    pub fn build(self) -> Result<SyncBackend, Error> {
        let counters = Arc::new(Counters::default());
        let buffer_limit = match self.policy {
            FlushPolicy::EveryRecord => 0,
            FlushPolicy::Buffered => self.buffer_bytes,
        };
        let sink = Sink::new(self.target.open()?, buffer_limit, counters.clone());
        Ok(SyncBackend {
            sink: Mutex::new(Some(sink)),
            policy: self.policy,
            counters,
        })
    }
}

/// A backend that formats and writes on the caller's thread; see the crate docs.
#[derive(Debug)]
pub struct SyncBackend {
    /// `None` once shut down.
    sink: Mutex<Option<Sink>>,
    policy: FlushPolicy,
    counters: Arc<Counters>,
}

thread_local! {
    /// The line buffer this thread formats into, reused across calls.
    static LINE: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
    /// The address of the backend whose lock this thread holds (0: none), to catch a
    /// record logged into the same backend from inside its own target.
    static WRITING: Cell<usize> = const { Cell::new(0) };
}

/// A formatted line larger than this is not kept for reuse.
const KEPT_LINE_CAPACITY: usize = 64 * 1024;

impl SyncBackend {
    /// A builder with the defaults.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// Whether this thread holds this backend's lock already (we are inside its target).
    fn locked_here(&self) -> bool {
        WRITING.try_with(Cell::get).unwrap_or(0) == self as *const SyncBackend as usize
    }

    fn lock(&self) -> MutexGuard<'_, Option<Sink>> {
        // The sink catches panics in the target, so a poisoned lock holds a sound sink.
        self.sink
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `work` on the sink (`None` once shut down) under the lock, marked as this
    /// backend's, so that the target calling back into it is caught instead of deadlocking.
    fn with_sink<R>(&self, work: impl FnOnce(Option<&mut Sink>) -> R) -> R {
        let mut guard = self.lock();
        let me = self as *const SyncBackend as usize;
        // Another backend's lock may be held further up this thread's stack.
        let outer = WRITING.try_with(|w| w.replace(me)).unwrap_or(0);
        let result = work(guard.as_mut());
        let _ = WRITING.try_with(|w| w.set(outer));
        result
    }
}

impl Backend for SyncBackend {
    fn emit(&self, record: Record) {
        self.counters.record_emitted();
        if self.locked_here() {
            // Logged from inside our own target's write: the lock is ours already.
            self.counters.record_dropped(1);
            return;
        }
        let mut line = LINE.try_with(Cell::take).unwrap_or_default();
        line.clear();
        format_record(&record, &mut line);
        drop(record);
        self.with_sink(|sink| match sink {
            None => self.counters.record_dropped(1),
            Some(sink) => {
                sink.push_line(&line);
                if self.policy == FlushPolicy::EveryRecord {
                    let _ = sink.flush();
                }
            }
        });
        if line.capacity() <= KEPT_LINE_CAPACITY {
            let _ = LINE.try_with(|kept| kept.set(line));
        }
    }

    fn flush(&self) -> Result<(), Error> {
        if self.locked_here() {
            return Err(Error::would_deadlock("sync", "flush"));
        }
        self.with_sink(|sink| sink.map_or(Ok(()), Sink::flush))
    }

    fn shutdown(&self) -> Result<(), Error> {
        if self.locked_here() {
            return Err(Error::would_deadlock("sync", "shutdown"));
        }
        // Flushed outside the lock: the target may log into this backend once more, and
        // such a record is dropped and counted, since the sink is gone already.
        let sink = self.lock().take();
        sink.map_or(Ok(()), |mut sink| sink.flush())
    }

    fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    fn name(&self) -> &'static str {
        "sync"
    }
}
