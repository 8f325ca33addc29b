//! The macros that log through the global logger: `log!` and `trace!` .. `error!`.

/// Logs through the global logger ([`init`](crate::init)) at a level, with the module path
/// as target.
///
/// The syntax is the core's [`log!`](crate::logswap_core::log) without the logger: a
/// format string with optional arguments, then, after a `;`, fields as `key = value`,
/// `key = %display` or `key = ?debug`. Nothing after the level is evaluated unless a global
/// logger is installed and the level is enabled for the module: before `init`, and for
/// filtered levels, a call costs one check.
///
/// ```
/// use logswap::Level;
///
/// let _guard = logswap::Builder::new().target(logswap::Target::Stderr).init().unwrap();
/// logswap::log!(Level::Warn, "disk {}% full", 91; mount = "/var");
/// ```
#[macro_export]
macro_rules! log {
    ($level:expr, $($rest:tt)+) => {{
        if let ::core::option::Option::Some(logger) = $crate::logger() {
            $crate::logswap_core::log!(*logger, $level, $($rest)+);
        }
    }};
}

/// Logs at [`Level::Trace`](crate::Level::Trace) through the global logger; see [`log!`](crate::log!).
#[macro_export]
macro_rules! trace {
    ($($rest:tt)+) => { $crate::log!($crate::Level::Trace, $($rest)+) };
}

/// Logs at [`Level::Debug`](crate::Level::Debug) through the global logger; see [`log!`](crate::log!).
#[macro_export]
macro_rules! debug {
    ($($rest:tt)+) => { $crate::log!($crate::Level::Debug, $($rest)+) };
}

/// Logs at [`Level::Info`](crate::Level::Info) through the global logger; see [`log!`](crate::log!).
///
/// ```
/// let _guard = logswap::Builder::new().target(logswap::Target::Stderr).init().unwrap();
/// let model = "llama-3-8b";
/// logswap::info!("query processed"; iteration = 7, query_time_ms = 12.5, model = model);
/// ```
#[macro_export]
macro_rules! info {
    ($($rest:tt)+) => { $crate::log!($crate::Level::Info, $($rest)+) };
}

/// Logs at [`Level::Warn`](crate::Level::Warn) through the global logger; see [`log!`](crate::log!).
#[macro_export]
macro_rules! warn {
    ($($rest:tt)+) => { $crate::log!($crate::Level::Warn, $($rest)+) };
}

/// Logs at [`Level::Error`](crate::Level::Error) through the global logger; see [`log!`](crate::log!).
#[macro_export]
macro_rules! error {
    ($($rest:tt)+) => { $crate::log!($crate::Level::Error, $($rest)+) };
}
