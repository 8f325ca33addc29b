//! `Builder` for a `FlumeBackend`, and `Overflow`, what a full queue does.

use std::sync::{Arc, Mutex};
use std::thread;

use logswap_core::sink::{Sink, DEFAULT_BUFFER_BYTES};
use logswap_core::{Counters, Error, ErrorKind, Level, Target};

use crate::backend::{FlumeBackend, Lifecycle};
use crate::shared::Shared;
use crate::writer::Writer;

/// The default capacity of the queue, in records.
pub const DEFAULT_CAPACITY: usize = 16 * 1024;

/// The default number of records the writer takes off the queue between two looks at the
/// shared state.
pub const DEFAULT_BATCH_SIZE: usize = 256;

/// The default name of the writer thread.
pub const DEFAULT_THREAD_NAME: &str = "logswap-writer";

/// What `emit` does when the queue is full. See the table in the crate docs.
///
/// ```
/// use logswap_core::Level;
/// use logswap_flume::Overflow;
///
/// assert_eq!(Overflow::default(), Overflow::Block);
/// let policy = Overflow::DropBelow(Level::Warn);
/// assert!(policy.waits_for(Level::Error) && policy.waits_for(Level::Warn));
/// assert!(!policy.waits_for(Level::Info));
/// assert!(!Overflow::DropNewest.waits_for(Level::Error));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Overflow {
    /// Lossless (the default): the caller waits for room. Waiting callers are woken
    /// together once the writer has drained the queue to half its capacity, so they refill
    /// it in a burst rather than wake for every free slot. The time callers spend waiting
    /// is counted in `stats().blocked`.
    #[default]
    Block,
    /// The new record is dropped and counted; the caller never waits.
    DropNewest,
    /// Records below the level are dropped and counted; records at the level or above
    /// wait for room, so an ERROR is never lost to a burst of DEBUG.
    DropBelow(Level),
}

impl Overflow {
    /// Whether a record at `level` waits for room in a full queue (instead of being dropped).
    pub fn waits_for(self, level: Level) -> bool {
        match self {
            Overflow::Block => true,
            Overflow::DropNewest => false,
            Overflow::DropBelow(min) => level >= min,
        }
    }
}

/// Builds a [`FlumeBackend`].
///
/// | setting | default |
/// |---|---|
/// | [`target`](Builder::target) | [`Target::Stdout`] |
/// | [`capacity`](Builder::capacity) | [`DEFAULT_CAPACITY`] records (16,384) |
/// | [`overflow`](Builder::overflow) | [`Overflow::Block`] (lossless) |
/// | [`batch_size`](Builder::batch_size) | [`DEFAULT_BATCH_SIZE`] records (256) |
/// | [`buffer_bytes`](Builder::buffer_bytes) | 64 KiB ([`DEFAULT_BUFFER_BYTES`]) |
/// | [`thread_name`](Builder::thread_name) | [`DEFAULT_THREAD_NAME`] (`logswap-writer`) |
///
/// ```
/// use logswap_core::{Level, Target};
/// use logswap_flume::{FlumeBackend, Overflow};
///
/// let dir = tempfile::tempdir().unwrap();
/// let backend = FlumeBackend::builder()
///     .target(Target::file(dir.path().join("app.log")))
///     .capacity(4096)
///     .overflow(Overflow::DropBelow(Level::Warn))
///     .build()
///     .unwrap();
/// assert_eq!(backend.capacity(), 4096);
/// ```
#[derive(Debug)]
pub struct Builder {
    target: Target,
    capacity: usize,
    overflow: Overflow,
    batch_size: usize,
    buffer_bytes: usize,
    thread_name: String,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            target: Target::Stdout,
            capacity: DEFAULT_CAPACITY,
            overflow: Overflow::default(),
            batch_size: DEFAULT_BATCH_SIZE,
            buffer_bytes: DEFAULT_BUFFER_BYTES,
            thread_name: DEFAULT_THREAD_NAME.to_owned(),
        }
    }
}

impl Builder {
    /// Where lines go. The target is opened by [`Builder::build`].
    pub fn target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    /// The most records that wait in the queue at once (at least 1). This is a bound,
    /// not an allocation: flume's queue grows as records arrive, so an idle logger with
    /// a large capacity costs nothing (the queue keeps the room it once grew to).
    pub fn capacity(mut self, records: usize) -> Self {
        self.capacity = records;
        self
    }

    /// What `emit` does when the queue is full.
    pub fn overflow(mut self, overflow: Overflow) -> Self {
        self.overflow = overflow;
        self
    }

    /// How many records the writer takes off the queue before it updates the shared
    /// counters and looks for a shutdown (at least 1). The target is flushed whenever the
    /// queue runs dry, whatever the batch size.
    pub fn batch_size(mut self, records: usize) -> Self {
        self.batch_size = records;
        self
    }

    /// How many bytes of formatted lines the writer collects before it writes them to the
    /// target (0 writes every line by itself).
    pub fn buffer_bytes(mut self, bytes: usize) -> Self {
        self.buffer_bytes = bytes;
        self
    }

    /// The name of the writer thread.
    pub fn thread_name(mut self, name: impl Into<String>) -> Self {
        self.thread_name = name.into();
        self
    }

    /// Opens the target and starts the writer thread.
    ///
    /// # Errors
    /// [`ErrorKind::Open`] when the target is a file that cannot be opened (the error
    /// names the path and the OS error); [`ErrorKind::InvalidConfig`] for a capacity or
    /// batch size of 0 or a thread name with a NUL byte; [`ErrorKind::WriterDied`] when
    /// the thread cannot be started.
    pub fn build(self) -> Result<FlumeBackend, Error> {
        if self.capacity == 0 {
            return Err(invalid("the queue capacity must be at least 1 record"));
        }
        if self.batch_size == 0 {
            return Err(invalid("the batch size must be at least 1 record"));
        }
        if self.thread_name.contains('\0') {
            return Err(invalid(
                "the writer thread's name must not contain a NUL byte",
            ));
        }
        let counters = Arc::new(Counters::default());
        let output = self.target.open()?;
        let description = output.description().to_owned();
        let sink = Sink::new(output, self.buffer_bytes, counters.clone());
        let shared = Arc::new(Shared::new(counters));
        let (sender, receiver) = flume::bounded(self.capacity);
        let (finished_tx, finished_rx) = flume::bounded(1);
        let writer = Writer::new(receiver, sink, shared.clone(), self.batch_size);
        let handle = thread::Builder::new()
            .name(self.thread_name.clone())
            .spawn(move || {
                let outcome = writer.run();
                // Dropped last, after the sink: a shutdown waiting on it may join now.
                drop(finished_tx);
                outcome
            })
            .map_err(|err| {
                Error::with_io(
                    ErrorKind::WriterDied,
                    format!(
                        "cannot start the writer thread {:?}: {err}",
                        self.thread_name
                    ),
                    err,
                )
            })?;
        Ok(FlumeBackend {
            sender,
            shared,
            overflow: self.overflow,
            capacity: self.capacity,
            target: description,
            finished: finished_rx,
            lifecycle: Mutex::new(Lifecycle {
                writer: Some(handle),
                write_errors_before: None,
            }),
        })
    }
}

fn invalid(message: &str) -> Error {
    Error::new(ErrorKind::InvalidConfig, message)
}
