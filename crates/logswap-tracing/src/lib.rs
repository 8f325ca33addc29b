//! A [logswap] backend on [tracing-appender]: each record is formatted on the caller's
//! thread, as tracing-subscriber's fmt layer does, and its bytes are queued to
//! tracing-appender's non-blocking worker thread, which writes them.
//!
//! It is tracing-appender's `non_blocking` writer as Rust users run it (its bounded
//! channel of lines and its worker thread, lossy or lossless), behind logswap's
//! [`Backend`] contract: a `flush()` that waits, a `shutdown()` that loses nothing, exact
//! counts in every mode, write errors counted and reported, and the core line format.
//!
//! # Key items
//! - [`TracingBackend`], built with [`TracingBackend::builder`] ([`Builder`], defaults in
//!   its docs), implements [`Backend`]; [`TracingBackend::dropped_lines`] is
//!   tracing-appender's own drop count.
//!
//! # How a record travels
//!
//! 1. On the caller's thread, `emit` formats the record with the core formatter
//!    ([`format_record`](logswap_core::format::format_record)) into a buffer kept per
//!    thread, takes a `NonBlocking` writer (a clone, as tracing-subscriber's `MakeWriter`
//!    makes one per event) and writes the line to it: tracing-appender copies the bytes
//!    into a `Vec` and sends it through its bounded channel.
//! 2. tracing-appender's worker thread, named `logswap-writer`, writes each queued line
//!    to a writer wrapper, which hands it to a [`Sink`](logswap_core::sink::Sink); the
//!    worker flushes the wrapper whenever the queue runs dry, and the sink then writes its
//!    buffer to the [`Target`].
//!
//! # A full queue
//!
//! | [`lossy`](Builder::lossy) | a full queue | the record | `emit` waits |
//! |---|---|---|---|
//! | `true` (default, as in tracing-appender) | `NonBlocking` drops the line and counts it in its `dropped_lines()` | counted in `stats().dropped` | never |
//! | `false` | `NonBlocking` waits for room | written | while the queue is full (not measured: `stats().blocked` stays zero) |
//!
//! `stats().dropped` takes tracing-appender's `dropped_lines()` and subtracts the flush
//! markers among them (a lossy queue drops those too; this crate counts the markers it
//! sent and those that arrived). The numbers are exact once `flush()` or `shutdown()`
//! has returned, and never above the truth before. tracing-appender writes no line
//! about lost lines into the log; neither does this crate. In every mode a record emitted
//! after shutdown, or after the worker died, is dropped and counted, and a record logged
//! on the worker thread itself (from inside the target's `write`) is dropped and counted
//! rather than wait for the thread that would have to make room. `stats().queue_depth`
//! is `None`: tracing-appender does not show its queue.
//!
//! # What `flush()` and `shutdown()` promise
//!
//! `NonBlocking::flush` does nothing and returns at once, and the `WorkerGuard` waits at
//! most 100 ms to queue its shutdown message and then at most 1 s for the worker to reach
//! it, without joining it (a slow target loses what is still queued then). So:
//! - `flush()` queues a marker (bytes no line can start with) behind every line queued
//!   before it; the writer wrapper writes out its buffer, flushes the target and
//!   acknowledges it, and `flush()` returns then. A lossy queue may drop the marker: when
//!   `dropped_lines()` moved while it was sent, `flush()` waits a little (1 ms, doubling
//!   up to 100 ms) and sends another, and returns at the first acknowledgement. It returns
//!   an [`ErrorKind::Write`](logswap_core::ErrorKind::Write) error if that flush or any
//!   write since the previous marker failed, [`ErrorKind::WriterDied`](logswap_core::ErrorKind::WriterDied)
//!   if the worker is gone, and [`ErrorKind::ShutDown`](logswap_core::ErrorKind::ShutDown)
//!   when the backend is shut down (a `flush()` during a shutdown first waits for it to
//!   finish draining).
//! - `shutdown()` closes the backend (later emits are dropped and counted), waits for the
//!   emits in flight, flushes as above (so the queue is empty), drops the `WorkerGuard`,
//!   and waits until the worker thread has ended (the wrapper it owns is dropped then; at
//!   most 10 s, else an [`ErrorKind::Timeout`](logswap_core::ErrorKind::Timeout) error).
//!   It is idempotent; dropping the backend does the same.
//!
//! What is lost when the process ends without a shutdown: on `std::process::exit`, a
//! panic with `panic = "abort"` or a SIGTERM left to its default action, no destructor
//! runs, so the lines in the queue (up to the lines limit) and in the writer's buffer (up
//! to [`buffer_bytes`](Builder::buffer_bytes)) are lost. A panic that unwinds through the
//! frame owning the backend (or the facade's guard) drops it, which writes everything.
//!
//! # Write errors
//!
//! On its own, tracing-appender's worker drops a write error without a word (its code
//! says "TODO: Expose a metric for IO Errors"): the line is lost and counted nowhere. Here
//! the worker writes to a wrapper that never fails, and the
//! [`Sink`](logswap_core::sink::Sink) behind it writes the lines: a failed write is
//! counted in `stats().write_errors`, the records it lost in `stats().dropped`, the first
//! failure is reported on stderr with the OS error, `flush()` returns it, and the writer
//! goes on.
//!
//! # The line
//!
//! The core format, byte for byte: the core formatter writes it. tracing-appender only
//! moves bytes.
//!
//! # Usage
//!
//! ```
//! use std::sync::Arc;
//! use logswap_core::{info, Logger, Target};
//! use logswap_tracing::TracingBackend;
//!
//! # fn main() -> Result<(), logswap_core::Error> {
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("app.log");
//! let backend = TracingBackend::builder()
//!     .target(Target::file(&path))
//!     .lossy(false)
//!     .build()?;
//! let log = Logger::new(Arc::new(backend));
//!
//! for iteration in 0..3 {
//!     info!(log, "query processed"; iteration = iteration, model = "llama-3-8b");
//! }
//! log.flush()?; // The three records are in the file now.
//! assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3);
//!
//! log.shutdown()?;
//! let stats = log.stats();
//! assert_eq!((stats.emitted, stats.written, stats.dropped), (3, 3, 0));
//! # Ok(())
//! # }
//! ```
//!
//! # Crate feature flags
//!
//! None.
//!
//! # Supported Rust versions
//!
//! The minimum supported Rust version is 1.80, as for the whole workspace.
//!
//! [logswap]: https://github.com/logswap/logswap
//! [tracing-appender]: https://docs.rs/tracing-appender
//! [`Backend`]: logswap_core::Backend
//! [`Target`]: logswap_core::Target

#![deny(missing_docs)]
#![warn(missing_debug_implementations, unreachable_pub)]

mod backend;
mod builder;
mod writer;

pub use backend::TracingBackend;
pub use builder::{Builder, DEFAULT_BUFFERED_LINES_LIMIT, WRITER_THREAD_NAME};
