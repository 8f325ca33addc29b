//! A [logswap] backend that queues records and writes them on a thread of its own: the
//! caller builds an owned [`Record`](logswap_core::Record) and sends it through a bounded
//! [flume] channel; one writer thread, named `logswap-writer`, formats each record as a
//! JSON line and writes it.
//!
//! It is built to avoid what async loggers are known for: losing records at exit,
//! dropping silently, a `flush()` that does not wait, a writer that dies on a write
//! error, and memory allocated up front.
//!
//! # Key items
//! - [`FlumeBackend`], built with [`FlumeBackend::builder`] ([`Builder`], defaults in its
//!   docs), implements [`Backend`](logswap_core::Backend); [`FlumeBackend::flush_timeout`]
//!   and [`FlumeBackend::shutdown_timeout`] bound the waits.
//! - [`Overflow`]: what a full queue does: [`Overflow::Block`] (the default),
//!   [`Overflow::DropNewest`], [`Overflow::DropBelow`].
//!
//! # What each policy loses, and when a call waits
//!
//! | policy | a full queue loses | `emit` waits | dropped records are |
//! |---|---|---|---|
//! | [`Overflow::Block`] (default) | nothing | while the queue is full: it sleeps until the writer has drained the queue to half its capacity (time counted in `stats().blocked`) | — |
//! | [`Overflow::DropNewest`] | the new record | never | counted in `stats().dropped` and reported in the stream |
//! | [`Overflow::DropBelow(level)`](Overflow::DropBelow) | new records below `level` | for records at `level` or above, while the queue is full | counted and reported, as above |
//!
//! In every policy:
//! - A record emitted after shutdown (or after the writer died) is dropped and counted,
//!   without waiting or panicking.
//! - A record logged on the writer thread itself (from inside the target's `write`) never
//!   waits: it is dropped and counted when the queue is full, so the writer cannot
//!   deadlock on itself.
//! - A write error (a full disk) is counted in `stats().write_errors`, reported once on
//!   stderr with the OS error, and the writer goes on; the lines it lost are counted
//!   dropped. A panic inside the target's `write` is caught and counted the same way.
//!
//! **The drop report.** When records were dropped for a full queue, the writer writes one
//! WARN record into the stream as soon as it catches up (and at least once a second while
//! it does not), so the gap is visible where it happened:
//!
//! ```text
//! {"ts":"…","level":"WARN","target":"logswap","msg":"logswap dropped records","thread_id":9,"thread_name":"logswap-writer","dropped":12,"dropped_by_level":{"DEBUG":10,"INFO":2},"first_drop":"2026-12-04T15:22:42.123456Z","last_drop":"2026-12-04T15:22:42.131002Z"}
//! ```
//!
//! The report is counted in `stats().emitted` and `written` like any record, so
//! `emitted == written + dropped` holds after shutdown.
//!
//! # What `flush()` and `shutdown()` promise
//!
//! | call | returns when | waits at most |
//! |---|---|---|
//! | `flush()` | every record emitted before the call is written and the target flushed | until then (a stuck target blocks it) |
//! | [`flush_timeout(d)`](FlumeBackend::flush_timeout) | the same, or an [`ErrorKind::Timeout`](logswap_core::ErrorKind::Timeout) error | `d` |
//! | `shutdown()` | the queue is closed, the writer has written everything that was emitted before, flushed, and ended, and it is joined | until then |
//! | [`shutdown_timeout(d)`](FlumeBackend::shutdown_timeout) | the same, or a timeout error (the writer goes on draining; a later `shutdown()` joins it) | `d` |
//! | dropping the backend | as `shutdown()` | as `shutdown()` |
//!
//! `flush()` is a barrier, not a drain: it sends a marker through the queue and the writer
//! answers it after writing everything ahead of it, so it returns while other threads
//! keep logging. The marker waits for room in every policy, so a flush is never dropped.
//! Both calls return an [`ErrorKind::Write`](logswap_core::ErrorKind::Write) error if a
//! write failed meanwhile and [`ErrorKind::WriterDied`](logswap_core::ErrorKind::WriterDied)
//! if the writer thread is gone, instead of hanging. `shutdown()` is idempotent; a
//! `flush()` during a shutdown waits for it to finish draining, and one after it returns
//! at once. Called on the writer thread itself (from inside
//! the target), both return an error at once rather than wait for themselves.
//!
//! The writer takes records in batches, formats them into one reused buffer
//! ([`Sink`](logswap_core::sink::Sink)), writes it out when it fills, and flushes the
//! target whenever the queue runs dry, so an idle logger holds nothing back.
//!
//! # Memory
//!
//! Nothing is allocated for the capacity up front: `flume::bounded` keeps its queue in a
//! `VecDeque` that grows as records arrive, so a large capacity costs nothing until it is
//! used. The queue's buffer grows by doubling, so it ends up at most the capacity rounded
//! up to a power of two; a queued record takes at most 512 bytes in it (plus the heap of
//! owned strings, and of fields beyond eight). The bound is that room times 512 bytes,
//! plus about 2 MiB for the writer thread's stack and buffers: 10 MiB for the default
//! 16,384. Flush markers wait for room like records rather than squeezing in over the
//! capacity, which would double the buffer. `cargo xtask compare` checks its flume rows'
//! peak RSS against that bound (above the clock row's, the process's own baseline).
//!
//! When a batch has found 1,024 messages or more on their way and the queue then stays
//! empty for a second, the writer gives the buffer back, so an idle backend holds about
//! 150 KiB of heap (its sink's buffer and small parts) besides its thread. The price: the
//! first burst after that grows the buffer again, a few reallocations on the callers'
//! threads, so "no allocation on the record path" holds while records keep coming, not
//! across idle seconds. `benches/tests/memory.rs` measures all of it with a counting
//! allocator: 82 KiB fresh, 7,952 KiB after a burst that filled the default queue,
//! 144 KiB idle again, nothing left once dropped.
//!
//! # Usage
//!
//! ```
//! use std::sync::Arc;
//! use logswap_core::{info, Level, Logger, Target};
//! use logswap_flume::{FlumeBackend, Overflow};
//!
//! # fn main() -> Result<(), logswap_core::Error> {
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("app.log");
//! let backend = FlumeBackend::builder()
//!     .target(Target::file(&path))
//!     .capacity(8192)
//!     .overflow(Overflow::DropBelow(Level::Warn))
//!     .build()?;
//! let log = Logger::new(Arc::new(backend)).with_level(Level::Info);
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
//! assert_eq!(stats.queue_depth, Some(0));
//! # Ok(())
//! # }
//! ```
//!
//! # Crate feature flags
//!
//! None. flume is used without its default features (no async, no select).
//!
//! # Supported Rust versions
//!
//! The minimum supported Rust version is 1.80, as for the whole workspace.
//!
//! [logswap]: https://github.com/logswap/logswap
//! [flume]: https://docs.rs/flume

#![deny(missing_docs)]
#![warn(missing_debug_implementations, unreachable_pub)]

mod backend;
mod builder;
mod report;
mod shared;
mod writer;

pub use backend::FlumeBackend;
pub use builder::{Builder, Overflow, DEFAULT_BATCH_SIZE, DEFAULT_CAPACITY, DEFAULT_THREAD_NAME};
pub use report::{DROP_REPORT_MESSAGE, DROP_REPORT_TARGET};

#[cfg(test)]
mod tests;
