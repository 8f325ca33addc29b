//! `Kind`: the backends logswap knows, which of them the cargo features compiled in, and
//! the default among those (`DEFAULT_BACKEND`).

use std::fmt;
use std::str::FromStr;

use logswap_core::{Error, ErrorKind};

/// One of the backends logswap knows, compiled in or not.
///
/// Every variant exists whatever the features, so code that names one always compiles;
/// asking for one that is not compiled in is an error at [`Builder::build`](crate::Builder::build)
/// that says which feature to add.
///
/// ```
/// use logswap::Kind;
///
/// assert_eq!("flume".parse::<Kind>().ok(), Some(Kind::Flume).filter(|k| k.is_compiled_in()));
/// let err = "log4j".parse::<Kind>().unwrap_err();
/// assert!(err.to_string().contains("compiled in:"));
/// assert_eq!(Kind::Sync.name(), "sync");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// `logswap-sync`, feature `sync`: formats and writes on the caller's thread.
    Sync,
    /// `logswap-flume`, feature `flume`: a bounded flume queue and a writer thread.
    Flume,
    /// `logswap-slog`, feature `slog`: slog-async's channel and writer, slog-json lines.
    Slog,
    /// `logswap-tracing`, feature `tracing`: tracing-appender's non-blocking writer.
    Tracing,
}

impl Kind {
    /// Every backend, in priority order: when several are compiled in, the first of them
    /// is the default ([`DEFAULT_BACKEND`]).
    pub const PRIORITY: [Kind; 4] = [Kind::Flume, Kind::Slog, Kind::Tracing, Kind::Sync];

    /// The backend's name, as `LOGSWAP_BACKEND` takes it and as its feature is called.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Sync => "sync",
            Kind::Flume => "flume",
            Kind::Slog => "slog",
            Kind::Tracing => "tracing",
        }
    }

    /// Whether this build has the backend (its cargo feature is on).
    pub const fn is_compiled_in(self) -> bool {
        match self {
            Kind::Sync => cfg!(feature = "sync"),
            Kind::Flume => cfg!(feature = "flume"),
            Kind::Slog => cfg!(feature = "slog"),
            Kind::Tracing => cfg!(feature = "tracing"),
        }
    }

    /// The backends compiled in, in priority order.
    pub fn compiled_in() -> impl Iterator<Item = Kind> {
        Kind::PRIORITY
            .into_iter()
            .filter(|kind| kind.is_compiled_in())
    }

    /// `Ok(self)` if the backend is compiled in, else an error naming the feature to add.
    pub fn available(self) -> Result<Kind, Error> {
        if self.is_compiled_in() {
            Ok(self)
        } else {
            Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "the logswap backend {:?} is not compiled in (compiled in: {}); add the cargo \
                     feature \"{}\" to the logswap dependency",
                    self.name(),
                    compiled_in_list(),
                    self.name()
                ),
            ))
        }
    }
}

/// The backend [`Builder`](crate::Builder) builds when neither `LOGSWAP_BACKEND` nor
/// [`Builder::backend`](crate::Builder::backend) names one: the first compiled-in backend in
/// the order flume > slog > tracing > sync ([`Kind::PRIORITY`]).
///
/// `sync` comes last because it is the default feature: it stays on when an application
/// adds `features = ["flume"]` without `default-features = false`, and that application
/// asked for flume. Like `log`'s `STATIC_MAX_LEVEL`, this is one constant resolved from
/// the features, so any mix of features (cargo merges them across the dependency graph)
/// gives one predictable answer instead of a compile error.
pub const DEFAULT_BACKEND: Kind = if cfg!(feature = "flume") {
    Kind::Flume
} else if cfg!(feature = "slog") {
    Kind::Slog
} else if cfg!(feature = "tracing") {
    Kind::Tracing
} else {
    Kind::Sync
};

/// The compiled-in backends' names, comma-separated, in priority order.
pub(crate) fn compiled_in_list() -> String {
    let names: Vec<&str> = Kind::compiled_in().map(Kind::name).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for Kind {
    type Err = Error;

    /// Parses a backend name (ASCII case ignored) that is compiled in. An unknown name,
    /// or one whose feature is off, is an error listing the compiled-in backends.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        match Kind::PRIORITY
            .into_iter()
            .find(|kind| kind.name() == wanted)
        {
            Some(kind) => kind.available(),
            None => Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "unknown logswap backend {s:?}; compiled in: {} (the backends are sync, \
                     flume, slog and tracing, each behind the cargo feature of that name)",
                    compiled_in_list()
                ),
            )),
        }
    }
}
