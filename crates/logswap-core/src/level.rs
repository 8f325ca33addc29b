//! Severity levels: `Level` and its parsing.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// How severe a record is, from [`Level::Trace`] (least) to [`Level::Error`] (most).
///
/// Levels are ordered, so a filter is a comparison:
///
/// ```
/// use logswap_core::Level;
///
/// assert!(Level::Trace < Level::Debug && Level::Warn < Level::Error);
/// assert_eq!(Level::Info.as_str(), "INFO");
/// assert_eq!("warn".parse::<Level>().unwrap(), Level::Warn);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Level {
    /// Very fine detail, usually off.
    Trace = 0,
    /// Detail useful while debugging.
    Debug = 1,
    /// Normal operation worth recording.
    Info = 2,
    /// Something unexpected that the program recovered from.
    Warn = 3,
    /// Something failed.
    Error = 4,
}

impl Level {
    /// Every level, from the least to the most severe.
    pub const ALL: [Level; 5] = [
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Warn,
        Level::Error,
    ];

    /// The upper-case name written in the `level` key: `"TRACE"` .. `"ERROR"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
        }
    }

    /// The level's position in [`Level::ALL`], for per-level tables.
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Level {
    type Err = Error;

    /// Parses a level name, ignoring ASCII case; `"warning"` is accepted for `Warn`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let level = match s.trim().to_ascii_lowercase().as_str() {
            "trace" => Level::Trace,
            "debug" => Level::Debug,
            "info" => Level::Info,
            "warn" | "warning" => Level::Warn,
            "error" => Level::Error,
            _ => {
                return Err(Error::invalid_config(format!(
                    "unknown level {s:?}; expected one of trace, debug, info, warn, error"
                )))
            }
        };
        Ok(level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_from_str() {
        for level in Level::ALL {
            assert_eq!(level.as_str().parse::<Level>().unwrap(), level);
            assert_eq!(Level::ALL[level.index()], level);
        }
    }

    #[test]
    fn unknown_name_is_an_error_listing_the_names() {
        let err = "verbose".parse::<Level>().unwrap_err();
        assert!(
            err.to_string().contains("trace, debug, info, warn, error"),
            "{err}"
        );
    }
}
