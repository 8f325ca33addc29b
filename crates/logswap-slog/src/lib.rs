//! A [logswap] backend on slog: each record crosses [slog-async]'s channel to its writer
//! thread, where [slog-json] writes it as one JSON line.
//!
//! It is the slog stack as Rust users run it (slog-async's bounded channel and worker
//! thread, slog-json's serializer), behind logswap's [`Backend`] contract: a `flush()`
//! that waits, a `shutdown()` that loses nothing, exact counts in every mode, write errors
//! counted and reported, and the core line format.
//!
//! # Key items
//! - [`SlogBackend`], built with [`SlogBackend::builder`] ([`Builder`], defaults in its
//!   docs), implements [`Backend`].
//! - [`Overflow`]: slog-async's three strategies for a full channel, [`Overflow::Block`],
//!   [`Overflow::Drop`] and [`Overflow::DropAndReport`] (the default, as in slog-async).
//! - [`MAX_TOP_LEVEL_FIELDS`] and [`MORE_FIELDS_KEY`]: the one place where the line
//!   differs from the core format.
//!
//! # How a record travels
//!
//! 1. On the caller's thread, `emit` hands slog-async a slog record whose key-values are
//!    the whole line in the core order: `ts`, `level`, `target`, `msg`, `thread_id`,
//!    `thread_name`, then the fields, reserved keys renamed and duplicate keys resolved as
//!    [`format_record`](logswap_core::format::format_record) does. slog-async copies them
//!    into an owned `AsyncRecord` (one box per key-value, each owned string copied, each
//!    nested value cloned once; `'static` strings and the timestamp travel as they are)
//!    and sends it through its bounded channel.
//! 2. On slog-async's writer thread, named `logswap-writer`, a drain wrapper has
//!    `slog_json::Json` serialize the record into a line buffer and hands the line to a
//!    [`Sink`](logswap_core::sink::Sink), which writes its buffer to the [`Target`] when
//!    it fills, whenever the queue runs dry, and on every flush.
//!
//! # Why `AsyncCore` and not `Async`
//!
//! `slog_async::Async` is `slog_async::AsyncCore` plus overflow handling, and that
//! handling cannot be counted exactly:
//! - its `log` returns `Ok` whether the record was sent or dropped; with
//!   `OverflowStrategy::Drop` a dropped record is counted nowhere;
//! - with `OverflowStrategy::DropAndReport` the count sits in a private counter and goes
//!   out as a report record once there is room; a report that does not fit is added back
//!   to the count as one more dropped message (`dropped + 1`), so the number it finally
//!   reports includes reports that were never records, and the last report, tried once
//!   when the `Async` is dropped, is lost if the channel is full then;
//! - a flush marker sent through `Async` into a full channel would vanish without a word,
//!   and `flush()` would wait for it forever.
//!
//! `AsyncCore::log` returns `AsyncError::Full` for exactly the record that did not fit.
//! So this crate builds slog-async's own core (the same channel, worker thread and
//! `AsyncRecord`; slog-async documents wrapping it as the way to a custom overflow
//! strategy) and implements the three strategies on it:
//!
//! | [`Overflow`] | a full channel | the record | `emit` waits |
//! |---|---|---|---|
//! | [`Block`](Overflow::Block) | waits for room (`AsyncCore` built blocking) | written | while the channel is full; the time is added to `stats().blocked` when the queue looked full before the send |
//! | [`Drop`](Overflow::Drop) | turns the record away | counted in `stats().dropped` | never |
//! | [`DropAndReport`](Overflow::DropAndReport) (default) | turns the record away | counted in `stats().dropped`, and the number reported on stderr once there is room (at most once a second, and at shutdown) | never |
//!
//! The report goes to stderr, not into the log as slog-async's does, so the log holds
//! exactly `stats().written` lines. In every mode a record emitted after shutdown, or
//! after the writer thread died, is dropped and counted, and a record logged on the
//! writer thread itself (from inside the target's `write`) is dropped and counted rather
//! than wait for the thread that would have to make room.
//!
//! # What `flush()` and `shutdown()` promise
//!
//! slog 2.8 has `Drain::flush`, but neither slog-async 2.8 nor slog-json 2.6 implements
//! it (the default answers `FlushError::NotSupported`), and nothing in slog-async waits
//! for its worker except dropping it. So:
//! - `flush()` sends a marker record through the channel, behind every record sent before
//!   it (a full channel is waited out in every mode: the marker is never dropped). The
//!   drain wrapper on the writer thread writes out its buffer, flushes the target and
//!   acknowledges the marker; `flush()` returns then. It returns an
//!   [`ErrorKind::Write`](logswap_core::ErrorKind::Write) error if that flush or any write
//!   since the previous marker failed, [`ErrorKind::WriterDied`](logswap_core::ErrorKind::WriterDied)
//!   if the writer thread is gone, and [`ErrorKind::ShutDown`](logswap_core::ErrorKind::ShutDown)
//!   when the backend is shut down (a `flush()` during a shutdown first waits for it to
//!   finish draining).
//! - `shutdown()` closes the backend (later emits are dropped and counted), waits for the
//!   emits in flight, flushes as above, then drops slog-async's `AsyncGuard`, which sends
//!   its finish message and joins the writer thread. It is idempotent; dropping the
//!   backend does the same.
//!
//! What is lost when the process ends without a shutdown: on `std::process::exit`, a
//! panic with `panic = "abort"` or a SIGTERM left to its default action, no destructor
//! runs, so the records in the channel (up to the channel size) and the lines in the
//! writer's buffer (up to [`buffer_bytes`](Builder::buffer_bytes)) are lost. A panic that
//! unwinds through the frame owning the backend (or the facade's guard) drops it, which
//! writes everything.
//!
//! # Write errors
//!
//! On its own, slog-json returns the `io::Error` of a failed write from `Drain::log`, and
//! slog-async only takes a drain that cannot fail, so a user chooses between `.fuse()`,
//! which turns the error into a panic (slog-async's worker catches it, prints
//! "slog-async failed with panic" and stops: every later record is lost), and
//! `.ignore_res()`, which drops it silently. Here slog-json writes into a line buffer that
//! cannot fail, and the [`Sink`](logswap_core::sink::Sink) writes the lines: a failed write
//! is counted in `stats().write_errors`, the records it lost in `stats().dropped`, the
//! first failure is reported on stderr with the OS error, `flush()` returns it, and the
//! writer goes on.
//!
//! # The line
//!
//! The line is the core format, byte for byte (a test compares them), except for a record
//! with more than [`MAX_TOP_LEVEL_FIELDS`] fields, whose fields from that one on are
//! nested, in call order, under [`MORE_FIELDS_KEY`]: slog-async's key-value chain is
//! serialized and dropped by recursion on a thread whose stack cannot be set, and about
//! 11,000 key-values overflow it (in a debug build), aborting the process.
//!
//! slog-json as usually set up (`Json::default`, `o!` values, key-values in the macro)
//! would write a different line; this crate avoids each difference:
//! - `ts` would be the time of writing on the writer thread, formatted by the `time`
//!   crate with up to nine fraction digits and trailing zeros cut; here it is the
//!   record's own time in the core format, formatted on the writer thread.
//! - `level` would be slog's short name (`ERRO`, `WARN`, `INFO`, `DEBG`, `TRCE`, `CRIT`);
//!   here it is logswap's (`ERROR`, `WARN`, `INFO`, `DEBUG`, `TRACE`).
//! - there would be no `target`, `thread_id` or `thread_name`.
//! - slog-json writes its own keys first, then the logger's, then the record's, and every
//!   key it is given, so a key can appear twice; here there is one ordered list, already
//!   free of duplicates and reserved keys.
//! - serde_json leaves U+2028 and U+2029 unescaped; the drain wrapper escapes them after
//!   slog-json has written the line (in serde_json's output they can only stand inside a
//!   string, so the line means the same).
//! - a nested value needs the `nested-values` feature of all three crates: with slog's on
//!   and slog-async's off, slog-async's `AsyncRecord::from` panics on the caller's thread
//!   (it expects serializing a value never fails); with slog-json's off, the record fails
//!   to serialize. And without slog's `dynamic-keys` a key must be a `&'static str`. This
//!   crate turns both features on.
//!
//! # Usage
//!
//! ```
//! use std::sync::Arc;
//! use logswap_core::{info, Logger, Target};
//! use logswap_slog::{Overflow, SlogBackend};
//!
//! # fn main() -> Result<(), logswap_core::Error> {
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("app.log");
//! let backend = SlogBackend::builder()
//!     .target(Target::file(&path))
//!     .channel_size(1024)
//!     .overflow(Overflow::Block)
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
//! None. The crate turns on slog's, slog-async's and slog-json's `nested-values` and
//! `dynamic-keys` features, which Cargo then enables for every user of those crates in
//! the same build.
//!
//! # Supported Rust versions
//!
//! The minimum supported Rust version is 1.80, as for the whole workspace.
//!
//! [logswap]: https://github.com/logswap/logswap
//! [slog-async]: https://docs.rs/slog-async
//! [slog-json]: https://docs.rs/slog-json
//! [`Backend`]: logswap_core::Backend
//! [`Target`]: logswap_core::Target

#![deny(missing_docs)]
#![warn(missing_debug_implementations, unreachable_pub)]

mod backend;
mod builder;
mod drain;
mod kv;

pub use backend::SlogBackend;
pub use builder::{Builder, Overflow, DEFAULT_CHANNEL_SIZE, WRITER_THREAD_NAME};
pub use kv::{MAX_TOP_LEVEL_FIELDS, MORE_FIELDS_KEY};
