//! A [logswap] backend that formats and writes on the caller's thread.
//!
//! [`SyncBackend`] formats each record outside any lock, into a buffer reused per thread,
//! then takes a mutex only to hand the line to the target. With
//! [`FlushPolicy::EveryRecord`] (the default) each call writes its line and flushes the
//! target before it returns: the baseline of the study logswap grew from, where every
//! call waited for the disk (a `write` system call per record; like Python's
//! `FileHandler`, no `fsync`). With [`FlushPolicy::Buffered`] lines collect in a buffer
//! that is written when it fills, on [`flush`](logswap_core::Backend::flush), on
//! [`shutdown`](logswap_core::Backend::shutdown) and on drop.
//!
//! | promise | `EveryRecord` | `Buffered` |
//! |---|---|---|
//! | a record is in the file when `emit` returns | yes | no: after `flush()` |
//! | lost on `process::exit` or a crash | nothing | the buffer (64 KiB by default) |
//! | a call blocks | while another thread writes | while another thread writes a full buffer |
//! | a write error | counted, reported once on stderr, the record dropped | the same, for each record of the failed buffer |
//!
//! A record logged into the same backend from inside its target's `write` would deadlock on
//! the mutex; it is dropped and counted instead, and `flush()` or `shutdown()` called from
//! there returns an [`ErrorKind::WouldDeadlock`](logswap_core::ErrorKind::WouldDeadlock) error.
//!
//! # Usage
//!
//! ```
//! use std::sync::Arc;
//! use logswap_core::{info, Logger, Target};
//! use logswap_sync::{FlushPolicy, SyncBackend};
//!
//! # fn main() -> Result<(), logswap_core::Error> {
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("app.log");
//! let backend = SyncBackend::builder()
//!     .target(Target::file(&path))
//!     .flush_policy(FlushPolicy::EveryRecord)
//!     .build()?;
//! let log = Logger::new(Arc::new(backend));
//! info!(log, "query processed"; iteration = 1, model = "llama-3-8b");
//! assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! [logswap]: https://github.com/logswap/logswap

#![deny(missing_docs)]
#![warn(missing_debug_implementations, unreachable_pub)]

mod backend;

pub use backend::{Builder, FlushPolicy, SyncBackend};
