//! The [logswap] facade: structured JSON logging whose backend is chosen by a cargo
//! feature, a global logger with lazy macros, bridges from `log` and `tracing`, and exits
//! that lose no record.
//!
//! Applications depend on this crate; it re-exports the core ([`Logger`], [`Level`],
//! [`Field`], [`Target`], ...) and builds the backend the features select. It holds no
//! backend logic: each backend lives in its own crate, re-exported here as `logswap::sync`,
//! `logswap::flume`, `logswap::slog` and `logswap::tracing` when its feature is on. Libraries should depend on
//! `logswap-core` (or on this crate without choosing a backend) and leave the choice to
//! the final program.
//!
//! # Key items
//! - [`init`] / [`Builder::init`]: installs the global logger and returns a [`Guard`] that
//!   flushes and shuts the backend down when dropped; [`Builder::build`] gives a
//!   [`Logger`] and its guard without touching global state.
//! - [`info!`] and [`trace!`] .. [`error!`], [`log!`]: log through the global logger,
//!   lazily; nothing happens before `init`.
//! - [`Kind`] and [`DEFAULT_BACKEND`]: which backend is built.
//! - [`parse_directives`]: `RUST_LOG`-style filters (`info,app::db=debug`), also read from
//!   `LOGSWAP_LEVEL`.
//! - [`exit`], [`Builder::panic_hook`], [`Builder::handle_signals`]: exits that skip `Drop`.
//! - `bridge::LogBridge` (feature `log`) and `bridge::TracingLayer` (feature
//!   `tracing-subscriber`).
//!
//! # Usage
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("app.log");
//!
//! // Whatever backend the features chose; lines go to the file.
//! let guard = logswap::Builder::new()
//!     .target(logswap::Target::file(&path))
//!     .init()?;
//! assert!(logswap::init().is_err(), "the global logger is set once");
//!
//! fn expensive() -> u64 {
//!     unreachable!("DEBUG is below the default level INFO: its fields are never evaluated")
//! }
//! for iteration in 0..3 {
//!     logswap::info!("query processed"; iteration = iteration, model = "llama-3-8b");
//!     logswap::debug!("not written"; cost = expensive());
//! }
//! println!("logged through the {} backend to {}", guard.kind(), guard.target());
//! drop(guard); // Flushes, stops the writer thread if there is one, and joins it.
//!
//! let text = std::fs::read_to_string(&path)?;
//! assert_eq!(text.lines().count(), 3);
//! let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap())?;
//! assert_eq!(last["iteration"], 2);
//! assert_eq!(last["level"], "INFO");
//! # Ok(())
//! # }
//! ```
//!
//! # Choosing a backend
//!
//! Each backend is a cargo feature that pulls in its crate. The default is `sync`:
//!
//! ```toml
//! [dependencies]
//! logswap = "0.1"                                                  # sync: writes on the caller's thread
//! ```
//!
//! Another backend is one feature away; no line of code changes:
//!
//! ```toml
//! [dependencies]
//! logswap = { version = "0.1", features = ["flume"] }              # a queue and a writer thread
//! # or, to leave the sync backend out of the build:
//! logswap = { version = "0.1", default-features = false, features = ["slog"] }
//! ```
//!
//! | feature | crate | what it does |
//! |---|---|---|
//! | `sync` (default) | `logswap-sync` | formats and writes on the caller's thread, behind a mutex |
//! | `flume` | `logswap-flume` | a bounded flume queue of records, one writer thread |
//! | `slog` | `logswap-slog` | slog-async's channel and writer thread, slog-json lines |
//! | `tracing` | `logswap-tracing` | lines formatted on the caller's thread, written by tracing-appender's worker |
//!
//! Building with none of the four is a compile error that names the feature to add.
//!
//! **The priority rule.** Cargo merges features across the dependency graph, so several
//! backends may be compiled in at once. That is never an error: the default backend is
//! then the first compiled-in one in the order **flume > slog > tracing > sync**
//! ([`DEFAULT_BACKEND`], one constant resolved from the features, as `log` resolves its
//! `STATIC_MAX_LEVEL`). `sync` comes last because it is the default feature: it stays on
//! when an application adds `features = ["flume"]`, and that application asked for flume.
//!
//! **Choosing at run time.** When several backends are compiled in, pick one with the
//! environment or in code:
//!
//! ```sh
//! LOGSWAP_BACKEND=slog ./my-app
//! ```
//!
//! ```
//! # fn main() -> Result<(), logswap::Error> {
//! use logswap::{Builder, Kind};
//! let kind = Kind::compiled_in().last().unwrap(); // Any compiled-in backend.
//! let (_log, guard) = Builder::new().backend(kind).target(logswap::Target::Stderr).ignore_env().build()?;
//! assert_eq!(guard.kind(), kind);
//! # Ok(())
//! # }
//! ```
//!
//! `LOGSWAP_BACKEND` beats [`Builder::backend`] (whoever runs the program can switch without
//! a rebuild) unless the builder says [`ignore_env`](Builder::ignore_env). A name that is
//! unknown or not compiled in is an [`ErrorKind::InvalidConfig`] error from
//! [`Builder::build`] and [`init`], listing the backends that are compiled in:
//!
//! ```text
//! LOGSWAP_BACKEND="slog": the logswap backend "slog" is not compiled in (compiled in: flume, sync); add the cargo feature "slog" to the logswap dependency
//! ```
//!
//! # Levels: `LOGSWAP_LEVEL`
//!
//! The level filter is INFO unless the code ([`Builder::level`], [`Builder::filter`],
//! [`Builder::directives`]) or `LOGSWAP_LEVEL` says otherwise; the environment wins.
//! `LOGSWAP_LEVEL` takes the directives `RUST_LOG` users know, parsed by the `env_filter`
//! crate: `LOGSWAP_LEVEL=info,app::db=debug,hyper=off`. See [`parse_directives`] for the
//! rules, including the one surprise they share with `RUST_LOG`: without a bare level,
//! every target not named is off.
//!
//! # Backend options
//!
//! [`Builder::capacity`], [`Builder::overflow`], [`Builder::flush_policy`] and
//! [`Builder::buffer_bytes`] map onto each backend's own builder (tables at [`Overflow`]
//! and [`FlushPolicy`]); the sync backend has no queue and ignores the first two. The
//! facade's default is lossless for every backend, even where the backend's own default
//! (slog-async, tracing-appender) drops. For settings the facade does not map, build the
//! backend with its own crate and wrap it in a [`Logger`].
//!
//! # Bridges
//!
//! - Feature `log`: `bridge::LogBridge`, a `log::Log`. `log::info!(user = 7; "signed in")`
//!   becomes a record with the field `user: 7` (the feature turns on `log`'s `kv`).
//! - Feature `tracing-subscriber`: `bridge::TracingLayer`, a `tracing_subscriber::Layer`.
//!   `tracing::info!(tokens = 512, "query processed")` inside `info_span!("request", id = 7)`
//!   becomes a record with the fields `id` and `tokens`.
//!
//! [`init`] installs each bridge whose feature is on (turn that off with
//! [`Builder::install_bridges`]); with [`Builder::build`], install them yourself.
//!
//! ```toml
//! [dependencies]
//! logswap = { version = "0.1", features = ["flume", "log", "tracing-subscriber"] }
//! ```
//!
//! # Exit rules
//!
//! What happens to records that are still queued or buffered when the program ends:
//!
//! | the program ends by | records logged before are written | because |
//! |---|---|---|
//! | returning from `main` (or unwinding out of it) with the guard alive | all | the guard's drop flushes and shuts the backend down |
//! | [`logswap::exit(code)`](exit) | all | it flushes every live logger, then calls `std::process::exit` |
//! | `std::process::exit` | **not those still queued or buffered** | it runs no destructors: call [`exit`] instead |
//! | a panic, with [`Builder::panic_hook`] on | all, plus an ERROR record of the panic (`message`, `location`, `thread`) | the hook logs and flushes before the previous hook runs, so even a hook or profile that aborts loses nothing |
//! | SIGINT or SIGTERM, with [`Builder::handle_signals`] on (Unix) | all | a thread flushes, then the signal's default action ends the process, which still reports that signal |
//! | SIGKILL, `abort()` without the hook, power loss | what the backend had written | nothing runs |
//!
//! The flushes of [`exit`], the panic hook and the signal handler wait at most
//! [`EXIT_FLUSH_TIMEOUT`], so a stuck target cannot keep the process alive. Records
//! logged after a signal arrived may be lost. The panic hook ignores panics on a backend's
//! own writer thread (the backend catches and counts those). A "live logger" is one whose
//! [`Guard`] has not been dropped yet.
//!
//! # Crate feature flags
//!
//! ```toml
//! [features]
//! default = ["sync"]
//! sync = []                 # logswap-sync
//! flume = []                # logswap-flume
//! slog = []                 # logswap-slog
//! tracing = []              # logswap-tracing (tracing-appender)
//! log = []                  # bridge::LogBridge, a log::Log with key-values
//! tracing-subscriber = []   # bridge::TracingLayer, a tracing_subscriber::Layer
//! ```
//!
//! # Supported Rust versions
//!
//! The minimum supported Rust version is 1.80, as for the whole workspace (which is why
//! `env_filter` is held at 1.x).
//!
//! [logswap]: https://github.com/logswap/logswap

#![deny(missing_docs)]
#![warn(missing_debug_implementations, unreachable_pub)]

#[cfg(not(any(
    feature = "sync",
    feature = "flume",
    feature = "slog",
    feature = "tracing"
)))]
compile_error!(
    "logswap needs a backend: turn on one of its features `sync` (the default), `flume`, \
     `slog` or `tracing`, e.g. `logswap = { version = \"0.1\", features = [\"sync\"] }` \
     (with `default-features = false`, name the backend in `features`)"
);

pub mod bridge;
mod builder;
mod directives;
mod exit;
mod global;
mod kind;
mod live;
mod macros;
mod select;

pub use builder::{Builder, FlushPolicy, Guard, Overflow, BACKEND_ENV, DEFAULT_LEVEL, LEVEL_ENV};
pub use directives::parse_directives;
pub use exit::{exit, EXIT_FLUSH_TIMEOUT, PANIC_MESSAGE, PANIC_TARGET};
pub use global::{flush, init, logger};
pub use kind::{Kind, DEFAULT_BACKEND};

pub use logswap_core::{
    format, sink, Backend, Error, ErrorKind, Field, Fields, Filter, Level, Logger, Record, Stats,
    Target, Value,
};

/// The core crate, for what the facade does not re-export by name: among others its
/// macros that take a logger first (`logswap::logswap_core::info!(log, "msg"; k = v)`).
pub use logswap_core;

/// The `sync` backend's crate (feature `sync`).
#[cfg(feature = "sync")]
pub use logswap_sync as sync;

/// The `flume` backend's crate (feature `flume`).
#[cfg(feature = "flume")]
pub use logswap_flume as flume;

/// The `slog` backend's crate (feature `slog`).
#[cfg(feature = "slog")]
pub use logswap_slog as slog;

/// The `tracing` backend's crate (feature `tracing`); not the `tracing` crate itself.
#[cfg(feature = "tracing")]
pub use logswap_tracing as tracing;
