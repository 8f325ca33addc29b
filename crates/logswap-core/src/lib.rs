//! The core of [logswap]: one small logging API in front of interchangeable backends.
//!
//! Applications log structured records through a [`Logger`]; a [`Backend`] formats them as
//! JSON lines and writes them to a [`Target`]. Backends live in their own crates and depend
//! on this one alone: `logswap-sync` (writes on the caller's thread), `logswap-flume` (a
//! queue and a writer thread), `logswap-slog` and `logswap-tracing`. Code that logs does
//! not depend on any of them, so the backend can change without touching it.
//!
//! This crate is kept small and changes rarely, so that backends and libraries can depend
//! on it rather than on a whole logging stack.
//!
//! # Key items
//! - [`Logger`]: level filter ([`Filter`]), lazy [`Logger::log_with`], bound context
//!   ([`Logger::with`]), context providers ([`Logger::with_provider`]), and the macros
//!   [`trace!`] .. [`error!`] that evaluate their fields only when the level is enabled.
//! - [`Record`], [`Level`], [`Field`], [`Fields`] (eight inline, no allocation), [`Value`]
//!   (string literals borrowed, not copied).
//! - [`Backend`] with [`Stats`]; for implementors, [`Counters`], [`sink::Sink`] and
//!   [`handoff`] (a shutdown gate and flush-marker acknowledgements).
//! - [`format::format_record`]: the JSON line format, into a caller-owned `Vec<u8>`.
//! - [`Target`]: stdout, stderr, a file (appended to, folders created), or any writer.
//!
//! # Usage
//!
//! Programs take a backend from a backend crate. To show the whole contract in one place,
//! this example writes a minimal backend of its own: it formats on the caller's thread
//! into a [`sink::Sink`] behind a mutex.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use logswap_core::{info, debug, sink::Sink, Backend, Counters, Error, Field, Level, Logger, Record, Stats, Target};
//!
//! struct Minimal {
//!     sink: Mutex<Sink>,
//!     counters: Arc<Counters>,
//! }
//!
//! impl Backend for Minimal {
//!     fn emit(&self, record: Record) {
//!         self.counters.record_emitted();
//!         self.sink.lock().unwrap().push_record(&record);
//!     }
//!     fn flush(&self) -> Result<(), Error> { self.sink.lock().unwrap().flush() }
//!     fn shutdown(&self) -> Result<(), Error> { self.flush() }
//!     fn stats(&self) -> Stats { self.counters.snapshot() }
//!     fn name(&self) -> &'static str { "minimal" }
//! }
//!
//! fn expensive() -> u64 {
//!     unreachable!("a disabled level evaluates nothing")
//! }
//!
//! # fn main() -> Result<(), Error> {
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("app.log");
//! let counters = Arc::new(Counters::default());
//! let sink = Sink::new(Target::file(&path).open()?, 64 * 1024, counters.clone());
//! let log = Logger::new(Arc::new(Minimal { sink: Mutex::new(sink), counters }))
//!     .with_level(Level::Info);
//!
//! for iteration in 0..3 {
//!     info!(log, "query processed"; iteration = iteration, query_time_ms = 12.5, model = "llama-3-8b");
//!     debug!(log, "not written"; cost = expensive());
//! }
//! let request = log.with([Field::new("request_id", "r-17")]);
//! request.log_with(Level::Warn, "slow query", || [Field::new("tokens", 512)]);
//! log.flush()?;
//!
//! let text = std::fs::read_to_string(&path).unwrap();
//! assert_eq!(text.lines().count(), 4);
//! let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
//! assert_eq!((last["level"].as_str(), last["request_id"].as_str()), (Some("WARN"), Some("r-17")));
//! assert_eq!(log.stats().written, 4);
//! # Ok(())
//! # }
//! ```
//!
//! # Crate feature flags
//!
//! None: the core has no optional parts.
//!
//! # Supported Rust versions
//!
//! The minimum supported Rust version is 1.80 (declared in `Cargo.toml`; CI builds with the
//! current stable toolchain).
//!
//! [logswap]: https://github.com/logswap/logswap

#![deny(missing_docs)]
#![warn(missing_debug_implementations, unreachable_pub)]

mod backend;
mod error;
mod field;
mod filter;
pub mod format;
pub mod handoff;
mod level;
mod logger;
mod macros;
mod record;
pub mod sink;
mod target;
mod value;

pub use backend::{Backend, Counters, Stats};
pub use error::{Error, ErrorKind};
pub use field::{Field, Fields, IntoIter, INLINE_FIELDS};
pub use filter::Filter;
pub use level::Level;
pub use logger::{Logger, Provider, PANIC_FIELD};
pub use record::{Record, ThreadInfo};
pub use target::{Output, Target};
pub use value::{JsonValue, Value, DEPTH_CUT_MARKER, MAX_JSON_DEPTH};

/// Helpers for the macros; not a stable API.
#[doc(hidden)]
pub mod __private {
    use std::borrow::Cow;
    use std::fmt;

    use crate::value::Value;

    /// The message of a macro call: borrowed when it is a plain literal.
    pub fn message(args: fmt::Arguments<'_>) -> Cow<'static, str> {
        match args.as_str() {
            Some(literal) => Cow::Borrowed(literal),
            None => Cow::Owned(fmt::format(args)),
        }
    }

    /// A value formatted with `Debug`, for `key = ?value`.
    pub fn debug<T: fmt::Debug + ?Sized>(value: &T) -> Value {
        Value::Str(Cow::Owned(format!("{value:?}")))
    }
}
