//! The typed error of every fallible logswap call.

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// What went wrong, without the details; match on it to decide what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A target file could not be opened or its folder created.
    Open,
    /// Writing to or flushing the target failed.
    Write,
    /// The backend was already shut down.
    ShutDown,
    /// The writer thread is gone (it panicked or could not start).
    WriterDied,
    /// A `flush` or `shutdown` gave up after its time limit.
    Timeout,
    /// A builder or parser was given a setting it cannot use.
    InvalidConfig,
    /// A call that waits for the writer thread was made on that thread itself (from inside
    /// the target's `write`, say), where it would wait for itself forever.
    WouldDeadlock,
}

/// The error of every fallible logswap call: a kind, a message, and the OS error if any.
///
/// ```
/// use logswap_core::{ErrorKind, Target};
///
/// let err = Target::file("/proc/definitely/not/here.log").open().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Open);
/// assert!(err.to_string().contains("/proc/definitely/not/here.log"));
/// ```
///
/// It is `Clone` (the OS error is shared), so one outcome can be handed to several
/// callers, say every flush that waited for the same write.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    source: Option<Arc<io::Error>>,
}

impl Error {
    /// An error of `kind` with a message, for backends built on this crate.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// An error of `kind` caused by an I/O error, which becomes its source.
    pub fn with_io(kind: ErrorKind, message: impl Into<String>, source: io::Error) -> Self {
        Error {
            kind,
            message: message.into(),
            source: Some(Arc::new(source)),
        }
    }

    pub(crate) fn open(path: &Path, source: io::Error) -> Self {
        Error::with_io(
            ErrorKind::Open,
            format!("cannot open log file {}: {source}", path.display()),
            source,
        )
    }

    pub(crate) fn invalid_config(message: String) -> Self {
        Error::new(ErrorKind::InvalidConfig, message)
    }

    /// The backend was shut down before this call.
    pub fn shut_down(backend: &str) -> Self {
        Error::new(
            ErrorKind::ShutDown,
            format!("the {backend} backend is shut down"),
        )
    }

    /// `call` was made on the `backend`'s own writer thread, where it would wait for itself.
    pub fn would_deadlock(backend: &str, call: &str) -> Self {
        Error::new(
            ErrorKind::WouldDeadlock,
            format!(
                "{call}() was called on the {backend} backend's own writer thread (from inside \
                 its target), where it would wait for itself; call it from another thread"
            ),
        )
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The human-readable message, without the source error's chain.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn a_clone_keeps_the_kind_the_message_and_the_os_error() {
        let os = io::Error::from_raw_os_error(28); // ENOSPC
        let err = Error::with_io(ErrorKind::Write, "writing app.log failed", os);
        let copy = err.clone();
        assert_eq!(copy.kind(), ErrorKind::Write);
        assert_eq!(copy.message(), "writing app.log failed");
        let source = copy.source().and_then(|s| s.downcast_ref::<io::Error>());
        assert_eq!(source.and_then(io::Error::raw_os_error), Some(28));
    }
}
