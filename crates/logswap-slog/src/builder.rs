//! `Builder` and `Overflow`: how a `SlogBackend` is configured.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::AtomicI64;
use std::sync::Arc;

use logswap_core::sink::{Sink, DEFAULT_BUFFER_BYTES};
use logswap_core::{Counters, Error, ErrorKind, Target};

use crate::backend::SlogBackend;
use crate::drain::{Shared, WriterDrain};
use logswap_core::handoff::Acks;

/// slog-async's default channel size, which this crate keeps.
pub const DEFAULT_CHANNEL_SIZE: usize = 128;

/// The name of the writer thread.
pub const WRITER_THREAD_NAME: &str = "logswap-writer";

/// What `emit` does when slog-async's channel is full: slog-async's three
/// `OverflowStrategy` values, with the same names and the same default.
///
/// Every dropped record is counted in `stats().dropped`, whichever is chosen; see the
/// crate docs for how each differs from `slog_async::Async`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Overflow {
    /// Wait for room: nothing is lost, and a slow target slows the callers.
    Block,
    /// Drop the record and count it.
    Drop,
    /// Drop the record, count it, and report the number dropped on stderr once there is
    /// room again (at most once a second, and at shutdown). slog-async's default.
    #[default]
    DropAndReport,
}

/// Builds a [`SlogBackend`].
///
/// | setting | default |
/// |---|---|
/// | [`target`](Builder::target) | [`Target::Stdout`] |
/// | [`channel_size`](Builder::channel_size) | [`DEFAULT_CHANNEL_SIZE`] (128 records, slog-async's default) |
/// | [`overflow`](Builder::overflow) | [`Overflow::DropAndReport`] (slog-async's default: lossy) |
/// | [`buffer_bytes`](Builder::buffer_bytes) | 64 KiB, written out when full and whenever the queue runs dry |
///
/// ```
/// use logswap_core::Target;
/// use logswap_slog::{Overflow, SlogBackend};
///
/// let backend = SlogBackend::builder()
///     .target(Target::Stderr)
///     .channel_size(1024)
///     .overflow(Overflow::Block)
///     .build()
///     .unwrap();
/// # logswap_core::Backend::shutdown(&backend).unwrap();
/// ```
#[derive(Debug)]
pub struct Builder {
    target: Target,
    channel_size: usize,
    overflow: Overflow,
    buffer_bytes: usize,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            target: Target::Stdout,
            channel_size: DEFAULT_CHANNEL_SIZE,
            overflow: Overflow::default(),
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

    /// How many records slog-async's channel holds (`AsyncBuilder::chan_size`); at least 1.
    pub fn channel_size(mut self, records: usize) -> Self {
        self.channel_size = records;
        self
    }

    /// What a full channel does to `emit`.
    pub fn overflow(mut self, overflow: Overflow) -> Self {
        self.overflow = overflow;
        self
    }

    /// How many bytes of lines the writer collects before it writes them (0 writes each
    /// line at once). It also writes whenever the queue runs dry and on every flush.
    pub fn buffer_bytes(mut self, bytes: usize) -> Self {
        self.buffer_bytes = bytes;
        self
    }

    /// Opens the target and starts the writer thread. A file that cannot be opened is an
    /// [`ErrorKind::Open`] error naming it; a channel size of 0 is
    /// [`ErrorKind::InvalidConfig`].
    pub fn build(self) -> Result<SlogBackend, Error> {
        if self.channel_size == 0 {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "the slog-async channel size must be at least 1",
            ));
        }
        let counters = Arc::new(Counters::default());
        let output = self.target.open()?;
        let shared = Arc::new(Shared {
            counters: counters.clone(),
            acks: Acks::default(),
            depth: AtomicI64::new(0),
        });
        let drain = WriterDrain::new(
            Sink::new(output, self.buffer_bytes, counters),
            shared.clone(),
        );
        let (core, guard) = catch_unwind(AssertUnwindSafe(|| {
            slog_async::AsyncCore::custom(drain)
                .chan_size(self.channel_size)
                .blocking(self.overflow == Overflow::Block)
                .thread_name(WRITER_THREAD_NAME.to_owned())
                .build_with_guard()
        }))
        .map_err(|_| {
            Error::new(
                ErrorKind::WriterDied,
                "slog-async could not start its writer thread",
            )
        })?;
        Ok(SlogBackend::new(
            core,
            guard,
            shared,
            self.overflow,
            self.channel_size,
        ))
    }
}
