//! `Builder`: how a `TracingBackend` is configured.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use logswap_core::sink::{Sink, DEFAULT_BUFFER_BYTES};
use logswap_core::{Counters, Error, ErrorKind, Target};
use tracing_appender::non_blocking::NonBlockingBuilder;

use crate::backend::TracingBackend;
use crate::writer::{AckWriter, Shared};
use logswap_core::handoff::Acks;

/// tracing-appender's default queue size in lines, which this crate keeps.
pub const DEFAULT_BUFFERED_LINES_LIMIT: usize =
    tracing_appender::non_blocking::DEFAULT_BUFFERED_LINES_LIMIT;

/// The name of the writer thread.
pub const WRITER_THREAD_NAME: &str = "logswap-writer";

/// Builds a [`TracingBackend`].
///
/// | setting | default |
/// |---|---|
/// | [`target`](Builder::target) | [`Target::Stdout`] |
/// | [`lossy`](Builder::lossy) | `true` (tracing-appender's default: a full queue drops the line) |
/// | [`buffered_lines_limit`](Builder::buffered_lines_limit) | [`DEFAULT_BUFFERED_LINES_LIMIT`] (128,000 lines, tracing-appender's default) |
/// | [`buffer_bytes`](Builder::buffer_bytes) | 64 KiB, written out when full and whenever the queue runs dry |
///
/// ```
/// use logswap_core::Target;
/// use logswap_tracing::TracingBackend;
///
/// let backend = TracingBackend::builder()
///     .target(Target::Stderr)
///     .lossy(false)
///     .buffered_lines_limit(4096)
///     .build()
///     .unwrap();
/// # logswap_core::Backend::shutdown(&backend).unwrap();
/// ```
#[derive(Debug)]
pub struct Builder {
    target: Target,
    lossy: bool,
    buffered_lines_limit: usize,
    buffer_bytes: usize,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            target: Target::Stdout,
            lossy: true,
            buffered_lines_limit: DEFAULT_BUFFERED_LINES_LIMIT,
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

    /// `true`: a full queue drops the line and counts it (`NonBlockingBuilder::lossy`);
    /// `false`: `emit` waits for room, and nothing is lost.
    pub fn lossy(mut self, lossy: bool) -> Self {
        self.lossy = lossy;
        self
    }

    /// How many lines the queue holds (`NonBlockingBuilder::buffered_lines_limit`); at
    /// least 1.
    pub fn buffered_lines_limit(mut self, lines: usize) -> Self {
        self.buffered_lines_limit = lines;
        self
    }

    /// How many bytes of lines the writer collects before it writes them (0 writes each
    /// line at once). It also writes whenever the queue runs dry and on every flush.
    pub fn buffer_bytes(mut self, bytes: usize) -> Self {
        self.buffer_bytes = bytes;
        self
    }

    /// Opens the target and starts the writer thread. A file that cannot be opened is an
    /// [`ErrorKind::Open`] error naming it; a lines limit of 0 is
    /// [`ErrorKind::InvalidConfig`].
    pub fn build(self) -> Result<TracingBackend, Error> {
        if self.buffered_lines_limit == 0 {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "the tracing-appender buffered lines limit must be at least 1",
            ));
        }
        let counters = Arc::new(Counters::default());
        let output = self.target.open()?;
        let shared = Arc::new(Shared {
            counters: counters.clone(),
            acks: Acks::default(),
            markers_sent: AtomicU64::new(0),
            markers_received: AtomicU64::new(0),
        });
        let writer = AckWriter::new(
            Sink::new(output, self.buffer_bytes, counters),
            shared.clone(),
        );
        let (non_blocking, guard) = catch_unwind(AssertUnwindSafe(|| {
            NonBlockingBuilder::default()
                .lossy(self.lossy)
                .buffered_lines_limit(self.buffered_lines_limit)
                .thread_name(WRITER_THREAD_NAME)
                .finish(writer)
        }))
        .map_err(|_| {
            Error::new(
                ErrorKind::WriterDied,
                "tracing-appender could not start its worker thread",
            )
        })?;
        Ok(TracingBackend::new(
            non_blocking,
            guard,
            shared,
            self.lossy,
            self.buffered_lines_limit,
        ))
    }
}
