//! `Builder`: picks the backend (features, `LOGSWAP_BACKEND`, `Builder::backend`), the
//! filter (`LOGSWAP_LEVEL`, code), maps the backend options, and returns a `Logger` and
//! its `Guard`; `init()` also installs the global logger.

use std::fmt;

use logswap_core::{Error, ErrorKind, Filter, Level, Logger, Target};

use crate::directives::parse_directives;
use crate::kind::{Kind, DEFAULT_BACKEND};
use crate::select::{self, Options};
use crate::{exit, global, live};

/// The environment variable that picks the backend at run time: `sync`, `flume`, `slog`
/// or `tracing` (one that is compiled in).
pub const BACKEND_ENV: &str = "LOGSWAP_BACKEND";

/// The environment variable with the level filter, as `RUST_LOG` directives
/// (`info,app::db=debug`); see [`parse_directives`].
pub const LEVEL_ENV: &str = "LOGSWAP_LEVEL";

/// The level a [`Builder`] lets through when neither code nor `LOGSWAP_LEVEL` says.
pub const DEFAULT_LEVEL: Level = Level::Info;

/// What a full queue does, mapped onto each backend's own policy.
///
/// | | flume | slog | tracing | sync |
/// |---|---|---|---|---|
/// | [`Block`](Overflow::Block) (default) | `Overflow::Block` | `Overflow::Block` | `lossy(false)` | no queue: n/a |
/// | [`Drop`](Overflow::Drop) | `Overflow::DropNewest` | `Overflow::DropAndReport` | `lossy(true)` | n/a |
/// | [`DropBelow(level)`](Overflow::DropBelow) | `Overflow::DropBelow(level)` | `Overflow::Block` | `lossy(false)` | n/a |
///
/// The default is lossless for every backend (slog-async and tracing-appender drop by
/// default on their own). slog and tracing cannot drop by level, so `DropBelow` blocks
/// there: it keeps its promise that no record at or above the level is lost. Every drop
/// is counted in `stats().dropped`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Overflow {
    /// The caller waits for room: nothing is lost.
    #[default]
    Block,
    /// The new record is dropped and counted; the caller never waits.
    Drop,
    /// Records below the level are dropped and counted; the others wait for room.
    DropBelow(Level),
}

/// When lines reach the target, mapped onto each backend.
///
/// | | sync | flume, slog, tracing |
/// |---|---|---|
/// | not set (default) | `EveryRecord` | the writer buffers up to [`Builder::buffer_bytes`] (64 KiB) and writes whenever its queue runs dry |
/// | [`EveryRecord`](FlushPolicy::EveryRecord) | each call writes and flushes its line | the writer writes each line as it takes it (`buffer_bytes(0)`) |
/// | [`Buffered`](FlushPolicy::Buffered) | lines wait in a buffer until it fills or `flush()` | as not set |
///
/// Records still buffered or queued are written by `flush()`, by the guard, by
/// [`exit`](crate::exit), and by the opt-in panic and signal handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FlushPolicy {
    /// Every line is written as soon as the backend has it.
    EveryRecord,
    /// Lines are collected and written in larger writes.
    Buffered,
}

#[derive(Debug, Clone)]
enum FilterSpec {
    Level(Level),
    Filter(Filter),
    Directives(String),
}

/// Builds the logger: the backend the features select, its target and options, the level
/// filter, and the opt-in exit handling.
///
/// | setting | default |
/// |---|---|
/// | [`backend`](Builder::backend) | `LOGSWAP_BACKEND` if set, else [`DEFAULT_BACKEND`] |
/// | [`target`](Builder::target) | [`Target::Stdout`] |
/// | [`level`](Builder::level), [`filter`](Builder::filter), [`directives`](Builder::directives) | `LOGSWAP_LEVEL` if set, else INFO ([`DEFAULT_LEVEL`]) |
/// | [`capacity`](Builder::capacity) | each backend's default (flume 16,384 records, slog 128, tracing 128,000 lines) |
/// | [`overflow`](Builder::overflow) | [`Overflow::Block`]: lossless on every backend |
/// | [`flush_policy`](Builder::flush_policy) | each backend's default, see [`FlushPolicy`] |
/// | [`buffer_bytes`](Builder::buffer_bytes) | each backend's default (64 KiB) |
/// | [`panic_hook`](Builder::panic_hook) | off |
/// | [`handle_signals`](Builder::handle_signals) | off |
/// | [`install_bridges`](Builder::install_bridges) | on ([`init`](Builder::init) only, with the `log` / `tracing-subscriber` features) |
///
/// The environment beats the code, so that whoever runs the program can switch backend
/// or level without a rebuild; [`ignore_env`](Builder::ignore_env) pins the code's choice.
///
/// ```
/// use logswap::{Builder, FlushPolicy, Kind, Level, Overflow, Target};
///
/// # fn main() -> Result<(), logswap::Error> {
/// let dir = tempfile::tempdir().unwrap();
/// let (log, guard) = Builder::new()
///     .backend(logswap::DEFAULT_BACKEND)
///     .target(Target::file(dir.path().join("app.log")))
///     .directives("info,app::db=debug")
///     .capacity(4096)
///     .overflow(Overflow::DropBelow(Level::Warn))
///     .flush_policy(FlushPolicy::Buffered)
///     .ignore_env()
///     .build()?;
/// assert!(log.enabled(Level::Debug, "app::db"));
/// assert_eq!(guard.kind(), logswap::DEFAULT_BACKEND);
/// # Ok(())
/// # }
/// ```
pub struct Builder {
    kind: Option<Kind>,
    target: Target,
    filter: Option<FilterSpec>,
    capacity: Option<usize>,
    overflow: Overflow,
    flush_policy: Option<FlushPolicy>,
    buffer_bytes: Option<usize>,
    use_env: bool,
    panic_hook: bool,
    handle_signals: bool,
    install_bridges: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            kind: None,
            target: Target::Stdout,
            filter: None,
            capacity: None,
            overflow: Overflow::default(),
            flush_policy: None,
            buffer_bytes: None,
            use_env: true,
            panic_hook: false,
            handle_signals: false,
            install_bridges: true,
        }
    }
}

impl Builder {
    /// A builder with the defaults in the table above.
    pub fn new() -> Self {
        Builder::default()
    }

    /// Builds this backend instead of the default; `LOGSWAP_BACKEND` still wins unless
    /// [`ignore_env`](Builder::ignore_env) is called. One that is not compiled in makes
    /// [`build`](Builder::build) fail with an error naming the feature to add.
    pub fn backend(mut self, kind: Kind) -> Self {
        self.kind = Some(kind);
        self
    }

    /// Where lines go. A file is appended to, its folders created.
    pub fn target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    /// Lets through `min` and above, from every target.
    pub fn level(mut self, min: Level) -> Self {
        self.filter = Some(FilterSpec::Level(min));
        self
    }

    /// Uses this filter.
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = Some(FilterSpec::Filter(filter));
        self
    }

    /// Uses a filter parsed from `RUST_LOG`-style directives when building; see
    /// [`parse_directives`] (invalid text makes [`build`](Builder::build) fail).
    pub fn directives(mut self, spec: impl Into<String>) -> Self {
        self.filter = Some(FilterSpec::Directives(spec.into()));
        self
    }

    /// The most records (lines, for tracing) that wait in a queue backend's queue; the
    /// sync backend has no queue and ignores it.
    pub fn capacity(mut self, records: usize) -> Self {
        self.capacity = Some(records);
        self
    }

    /// What a full queue does; see [`Overflow`].
    pub fn overflow(mut self, overflow: Overflow) -> Self {
        self.overflow = overflow;
        self
    }

    /// When lines reach the target; see [`FlushPolicy`].
    pub fn flush_policy(mut self, policy: FlushPolicy) -> Self {
        self.flush_policy = Some(policy);
        self
    }

    /// How many bytes of lines the backend collects before a write, when it buffers.
    pub fn buffer_bytes(mut self, bytes: usize) -> Self {
        self.buffer_bytes = Some(bytes);
        self
    }

    /// Ignores `LOGSWAP_BACKEND` and `LOGSWAP_LEVEL`: the code decides alone.
    pub fn ignore_env(mut self) -> Self {
        self.use_env = false;
        self
    }

    /// Installs (once per process) a panic hook that logs each panic as an ERROR record
    /// (message, location, thread) and flushes, before the hook that was there runs; see
    /// the crate docs' exit rules. The flush waits at most [`EXIT_FLUSH_TIMEOUT`](crate::EXIT_FLUSH_TIMEOUT):
    /// a panic inside the sync backend's own target, while it holds its lock, makes the
    /// hook wait that long before the previous hook runs.
    pub fn panic_hook(mut self, on: bool) -> Self {
        self.panic_hook = on;
        self
    }

    /// Handles SIGINT and SIGTERM (once per process, Unix only; elsewhere this does
    /// nothing): flushes every live logger, then lets the signal's default action happen,
    /// so the process still ends as killed by that signal.
    pub fn handle_signals(mut self, on: bool) -> Self {
        self.handle_signals = on;
        self
    }

    /// Whether [`init`](Builder::init) also installs the bridges whose features are on:
    /// the `log` logger (feature `log`) and the global `tracing` subscriber (feature
    /// `tracing-subscriber`). On by default; [`build`](Builder::build) never installs them.
    pub fn install_bridges(mut self, on: bool) -> Self {
        self.install_bridges = on;
        self
    }

    /// The backend [`build`](Builder::build) would build: `LOGSWAP_BACKEND` (unless
    /// ignored), else [`Builder::backend`], else [`DEFAULT_BACKEND`].
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a name that is unknown or not compiled in; the
    /// message lists the backends that are.
    pub fn selected_backend(&self) -> Result<Kind, Error> {
        if let Some(name) = self.env(BACKEND_ENV)? {
            return name.parse::<Kind>().map_err(|err| {
                Error::new(
                    ErrorKind::InvalidConfig,
                    format!("{BACKEND_ENV}={name:?}: {err}"),
                )
            });
        }
        self.kind.unwrap_or(DEFAULT_BACKEND).available()
    }

    /// The filter [`build`](Builder::build) would use: `LOGSWAP_LEVEL` (unless ignored),
    /// else the code's, else INFO.
    pub fn selected_filter(&self) -> Result<Filter, Error> {
        if let Some(spec) = self.env(LEVEL_ENV)? {
            return parse_directives(&spec).map_err(|err| {
                Error::new(ErrorKind::InvalidConfig, format!("{LEVEL_ENV}: {err}"))
            });
        }
        match &self.filter {
            None => Ok(Filter::new(DEFAULT_LEVEL)),
            Some(FilterSpec::Level(level)) => Ok(Filter::new(*level)),
            Some(FilterSpec::Filter(filter)) => Ok(filter.clone()),
            Some(FilterSpec::Directives(spec)) => parse_directives(spec),
        }
    }

    fn env(&self, name: &str) -> Result<Option<String>, Error> {
        if !self.use_env {
            return Ok(None);
        }
        match std::env::var(name) {
            Ok(value) if value.trim().is_empty() => Ok(None),
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(value)) => Err(Error::new(
                ErrorKind::InvalidConfig,
                format!("{name} is not valid UTF-8: {value:?}"),
            )),
        }
    }

    /// Builds the backend and returns a [`Logger`] for it and the [`Guard`] that flushes
    /// and shuts it down when dropped. Installs the panic hook and the signal handler if
    /// asked; never touches the global logger or the bridges.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a backend that is unknown or not compiled in, or
    /// invalid directives; [`ErrorKind::Open`] for a target file that cannot be opened
    /// (naming the path and the OS error); whatever the backend's builder returns.
    pub fn build(self) -> Result<(Logger, Guard), Error> {
        let kind = self.selected_backend()?;
        let filter = self.selected_filter()?;
        if self.handle_signals {
            exit::install_signal_handler()?;
        }
        if self.panic_hook {
            exit::install_panic_hook();
        }
        let target = self.target.to_string();
        let backend = select::build(
            kind,
            Options {
                target: self.target,
                capacity: self.capacity,
                overflow: self.overflow,
                flush_policy: self.flush_policy,
                buffer_bytes: self.buffer_bytes,
            },
        )?;
        let logger = Logger::new(backend).with_filter(filter);
        let id = live::register(logger.clone(), self.panic_hook);
        let guard = Guard {
            logger: logger.clone(),
            kind,
            target,
            id,
            done: false,
        };
        Ok((logger, guard))
    }

    /// Builds as [`build`](Builder::build) does and installs the logger as the global one
    /// that [`info!`](crate::info) and the other macros use, and the bridges (see
    /// [`install_bridges`](Builder::install_bridges)). Returns the guard: keep it until the
    /// program ends (`let _guard = ...`, not `let _ = ...`, which drops it at once). Once
    /// the guard is dropped the global logger stays installed, its backend shut down: later
    /// records are counted as dropped, never a panic.
    ///
    /// # Errors
    /// As [`build`](Builder::build); and [`ErrorKind::InvalidConfig`] when `init` already
    /// succeeded in this process (the global logger is set once; nothing is built then),
    /// or when a bridge cannot be installed because `log` or `tracing` already has a
    /// global logger.
    pub fn init(self) -> Result<Guard, Error> {
        global::install(self)
    }

    pub(crate) fn bridges_wanted(&self) -> bool {
        self.install_bridges
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("kind", &self.kind)
            .field("target", &self.target)
            .field("filter", &self.filter)
            .field("capacity", &self.capacity)
            .field("overflow", &self.overflow)
            .field("flush_policy", &self.flush_policy)
            .field("buffer_bytes", &self.buffer_bytes)
            .field("use_env", &self.use_env)
            .field("panic_hook", &self.panic_hook)
            .field("handle_signals", &self.handle_signals)
            .field("install_bridges", &self.install_bridges)
            .finish()
    }
}

/// Keeps a built backend alive; when dropped, flushes it and shuts it down (joining its
/// writer thread), so no record is lost when the program ends by returning from `main`.
///
/// The hooks of [`exit`](crate::exit), the panic hook and the signal handler reach the
/// backends whose guards are alive.
#[must_use = "dropping the guard shuts the backend down at once; bind it with `let _guard = ...`"]
pub struct Guard {
    logger: Logger,
    kind: Kind,
    target: String,
    id: u64,
    /// Set by [`Guard::shutdown`], so that drop does not shut down again.
    done: bool,
}

impl Guard {
    /// The logger this guard keeps alive.
    pub fn logger(&self) -> &Logger {
        &self.logger
    }

    /// The backend that was built.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Where the lines go: `stdout`, `stderr`, the file's path, or `a custom writer`.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Flushes and shuts the backend down now, returning what went wrong, if anything.
    pub fn shutdown(mut self) -> Result<(), Error> {
        self.done = true;
        live::unregister(self.id);
        self.logger.shutdown()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        live::unregister(self.id);
        if let Err(err) = self.logger.shutdown() {
            eprintln!(
                "logswap: shutting down the {} backend failed: {err}",
                self.kind
            );
        }
    }
}

impl fmt::Debug for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("kind", &self.kind)
            .field("target", &self.target)
            .finish()
    }
}
