//! The global logger that the facade's macros use: set once by `init`.

use std::sync::{Mutex, OnceLock};

use logswap_core::{Error, ErrorKind, Logger};

use crate::builder::{Builder, Guard};

static GLOBAL: OnceLock<Logger> = OnceLock::new();

/// The global logger, once [`init`] (or [`Builder::init`]) has succeeded.
///
/// ```
/// // Before `init`, there is none and the macros do nothing.
/// assert!(logswap::logger().is_none());
/// fn expensive() -> u64 {
///     unreachable!("the macros are lazy")
/// }
/// logswap::info!("goes nowhere"; cost = expensive());
/// ```
#[inline]
pub fn logger() -> Option<&'static Logger> {
    GLOBAL.get()
}

/// Builds the default logger ([`Builder::new`]: the features' backend, `LOGSWAP_BACKEND`,
/// `LOGSWAP_LEVEL`, stdout) and installs it as the global logger; see [`Builder::init`].
///
/// # Errors
/// As [`Builder::init`]; a second call in the same process is an error, not a panic.
pub fn init() -> Result<Guard, Error> {
    Builder::new().init()
}

/// Flushes the global logger, if there is one: every record logged before the call is
/// then written and the target flushed.
pub fn flush() -> Result<(), Error> {
    match GLOBAL.get() {
        Some(logger) => logger.flush(),
        None => Ok(()),
    }
}

pub(crate) fn install(builder: Builder) -> Result<Guard, Error> {
    static INIT: Mutex<()> = Mutex::new(());
    let _one_at_a_time = INIT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if GLOBAL.get().is_some() {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            "logswap::init() already succeeded in this process; the global logger is set \
             once (use Builder::build() for more loggers)",
        ));
    }
    let bridges = builder.bridges_wanted();
    let (logger, guard) = builder.build()?;
    if bridges {
        // On an error the guard is dropped here, which shuts the new backend down.
        install_bridges(&logger)?;
    }
    if GLOBAL.set(logger).is_err() {
        unreachable!("the global logger is set only here, under the lock");
    }
    Ok(guard)
}

/// Installs the bridges whose features are on.
fn install_bridges(logger: &Logger) -> Result<(), Error> {
    #[cfg(feature = "tracing-subscriber")]
    crate::bridge::TracingLayer::new(logger.clone()).install()?;
    #[cfg(feature = "log")]
    crate::bridge::LogBridge::new(logger.clone()).install()?;
    let _ = logger;
    Ok(())
}
