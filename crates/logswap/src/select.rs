//! Builds the chosen backend through its own crate's builder, mapping the facade's options
//! onto each; the only place that names the backend crates.

use std::sync::Arc;

use logswap_core::{Backend, Error, Target};

use crate::builder::{FlushPolicy, Overflow};
use crate::kind::Kind;

/// The backend options of a [`crate::Builder`], backend-neutral.
#[derive(Debug)]
// The sync backend has no queue: with it alone, the queue options are not read.
#[cfg_attr(
    not(any(feature = "flume", feature = "slog", feature = "tracing")),
    allow(dead_code)
)]
pub(crate) struct Options {
    pub(crate) target: Target,
    pub(crate) capacity: Option<usize>,
    pub(crate) overflow: Overflow,
    pub(crate) flush_policy: Option<FlushPolicy>,
    pub(crate) buffer_bytes: Option<usize>,
}

impl Options {
    /// The bytes a queue backend's writer collects before a write: none for
    /// [`FlushPolicy::EveryRecord`], else the configured size or the backend's default.
    #[cfg_attr(
        not(any(feature = "flume", feature = "slog", feature = "tracing")),
        allow(dead_code)
    )]
    fn writer_buffer_bytes(&self) -> Option<usize> {
        match self.flush_policy {
            Some(FlushPolicy::EveryRecord) => Some(0),
            _ => self.buffer_bytes,
        }
    }
}

/// Builds the backend `kind` with `options`; `kind` must be compiled in.
pub(crate) fn build(kind: Kind, options: Options) -> Result<Arc<dyn Backend>, Error> {
    let kind = kind.available()?;
    match kind {
        #[cfg(feature = "sync")]
        Kind::Sync => sync(options),
        #[cfg(feature = "flume")]
        Kind::Flume => flume(options),
        #[cfg(feature = "slog")]
        Kind::Slog => slog(options),
        #[cfg(feature = "tracing")]
        Kind::Tracing => tracing(options),
        #[allow(unreachable_patterns)] // Reached only for kinds that are not compiled in.
        other => {
            drop(options);
            Err(other
                .available()
                .expect_err("available() accepted a backend that is not compiled in"))
        }
    }
}

#[cfg(feature = "sync")]
fn sync(options: Options) -> Result<Arc<dyn Backend>, Error> {
    use logswap_sync::{FlushPolicy as Policy, SyncBackend};

    let policy = match options.flush_policy.unwrap_or(FlushPolicy::EveryRecord) {
        FlushPolicy::EveryRecord => Policy::EveryRecord,
        FlushPolicy::Buffered => Policy::Buffered,
    };
    let mut builder = SyncBackend::builder()
        .target(options.target)
        .flush_policy(policy);
    if let Some(bytes) = options.buffer_bytes {
        builder = builder.buffer_bytes(bytes);
    }
    Ok(Arc::new(builder.build()?))
}

#[cfg(feature = "flume")]
fn flume(options: Options) -> Result<Arc<dyn Backend>, Error> {
    use logswap_flume::{FlumeBackend, Overflow as Policy};

    let buffer_bytes = options.writer_buffer_bytes();
    let mut builder =
        FlumeBackend::builder()
            .target(options.target)
            .overflow(match options.overflow {
                Overflow::Block => Policy::Block,
                Overflow::Drop => Policy::DropNewest,
                Overflow::DropBelow(level) => Policy::DropBelow(level),
            });
    if let Some(records) = options.capacity {
        builder = builder.capacity(records);
    }
    if let Some(bytes) = buffer_bytes {
        builder = builder.buffer_bytes(bytes);
    }
    Ok(Arc::new(builder.build()?))
}

#[cfg(feature = "slog")]
fn slog(options: Options) -> Result<Arc<dyn Backend>, Error> {
    use logswap_slog::{Overflow as Policy, SlogBackend};

    let buffer_bytes = options.writer_buffer_bytes();
    let mut builder =
        SlogBackend::builder()
            .target(options.target)
            .overflow(match options.overflow {
                // slog-async cannot drop by level; blocking keeps the promise that nothing at
                // or above the level is lost.
                Overflow::Block | Overflow::DropBelow(_) => Policy::Block,
                Overflow::Drop => Policy::DropAndReport,
            });
    if let Some(records) = options.capacity {
        builder = builder.channel_size(records);
    }
    if let Some(bytes) = buffer_bytes {
        builder = builder.buffer_bytes(bytes);
    }
    Ok(Arc::new(builder.build()?))
}

#[cfg(feature = "tracing")]
fn tracing(options: Options) -> Result<Arc<dyn Backend>, Error> {
    use logswap_tracing::TracingBackend;

    let buffer_bytes = options.writer_buffer_bytes();
    let mut builder = TracingBackend::builder()
        .target(options.target)
        // tracing-appender cannot drop by level; blocking keeps the promise, as for slog.
        .lossy(options.overflow == Overflow::Drop);
    if let Some(lines) = options.capacity {
        builder = builder.buffered_lines_limit(lines);
    }
    if let Some(bytes) = buffer_bytes {
        builder = builder.buffer_bytes(bytes);
    }
    Ok(Arc::new(builder.build()?))
}
