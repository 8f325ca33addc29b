//! The logging macros: `log!` and `trace!` .. `error!`, lazy in their fields.

/// Logs through a [`Logger`](crate::Logger) at a level, with the module path as target.
///
/// The message is a format string with optional arguments; fields follow a `;` as
/// `key = value` pairs, with `%value` to use `Display` and `?value` to use `Debug`. Keys
/// are identifiers or string literals. Nothing after the level (message arguments, field
/// values) is evaluated unless the level is enabled for the module.
///
/// A message without arguments is borrowed, not copied.
///
/// ```
/// use logswap_core::{info, log, debug, Level, Logger};
/// # use std::sync::Arc;
/// # use logswap_core::{Backend, Record, Stats, Error};
/// # struct Discard;
/// # impl Backend for Discard {
/// #     fn emit(&self, _: Record) {}
/// #     fn flush(&self) -> Result<(), Error> { Ok(()) }
/// #     fn shutdown(&self) -> Result<(), Error> { Ok(()) }
/// #     fn stats(&self) -> Stats { Stats::default() }
/// #     fn name(&self) -> &'static str { "discard" }
/// # }
/// let log = Logger::new(Arc::new(Discard)).with_level(Level::Info);
/// let addr = std::net::Ipv4Addr::LOCALHOST;
/// info!(log, "query processed"; iteration = 7, model = "llama-3-8b", peer = %addr);
/// info!(log, "took {} ms", 12.5; "odd key" = true, debug = ?Some(1));
/// log!(log, Level::Warn, "plain");
/// fn expensive() -> u64 { unreachable!("never evaluated") }
/// debug!(log, "skipped"; cost = expensive());
/// ```
#[macro_export]
macro_rules! log {
    ($logger:expr, $level:expr, $message:literal $(, $arg:expr)* ; $($fields:tt)*) => {{
        let logger: &$crate::Logger = &$logger;
        let level: $crate::Level = $level;
        if logger.enabled(level, ::core::module_path!()) {
            logger.__emit_enabled(
                level,
                ::core::module_path!(),
                $crate::__private::message(::core::format_args!($message $(, $arg)*)),
                $crate::__fields!(@acc [] $($fields)*),
            );
        }
    }};
    ($logger:expr, $level:expr, $message:literal $(, $arg:expr)* $(,)?) => {
        $crate::log!($logger, $level, $message $(, $arg)* ;)
    };
}

/// Builds the array of fields for the macros; not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! __fields {
    (@acc [$($done:expr,)*]) => { [$($done,)*] };
    (@acc [$($done:expr,)*] $key:tt = % $value:expr $(, $($rest:tt)*)?) => {
        $crate::__fields!(@acc [$($done,)* $crate::Field::new($crate::__key!($key), $crate::Value::display(&$value)),] $($($rest)*)?)
    };
    (@acc [$($done:expr,)*] $key:tt = ? $value:expr $(, $($rest:tt)*)?) => {
        $crate::__fields!(@acc [$($done,)* $crate::Field::new($crate::__key!($key), $crate::__private::debug(&$value)),] $($($rest)*)?)
    };
    (@acc [$($done:expr,)*] $key:tt = $value:expr $(, $($rest:tt)*)?) => {
        $crate::__fields!(@acc [$($done,)* $crate::Field::new($crate::__key!($key), $value),] $($($rest)*)?)
    };
}

/// Turns a field key (an identifier or a string literal) into a `&'static str`.
#[doc(hidden)]
#[macro_export]
macro_rules! __key {
    ($key:ident) => {
        ::core::stringify!($key)
    };
    ($key:literal) => {
        $key
    };
}

/// Logs at [`Level::Trace`](crate::Level::Trace); see [`log!`](crate::log!).
#[macro_export]
macro_rules! trace {
    ($logger:expr, $($rest:tt)+) => { $crate::log!($logger, $crate::Level::Trace, $($rest)+) };
}

/// Logs at [`Level::Debug`](crate::Level::Debug); see [`log!`](crate::log!).
#[macro_export]
macro_rules! debug {
    ($logger:expr, $($rest:tt)+) => { $crate::log!($logger, $crate::Level::Debug, $($rest)+) };
}

/// Logs at [`Level::Info`](crate::Level::Info); see [`log!`](crate::log!).
#[macro_export]
macro_rules! info {
    ($logger:expr, $($rest:tt)+) => { $crate::log!($logger, $crate::Level::Info, $($rest)+) };
}

/// Logs at [`Level::Warn`](crate::Level::Warn); see [`log!`](crate::log!).
#[macro_export]
macro_rules! warn {
    ($logger:expr, $($rest:tt)+) => { $crate::log!($logger, $crate::Level::Warn, $($rest)+) };
}

/// Logs at [`Level::Error`](crate::Level::Error); see [`log!`](crate::log!).
#[macro_export]
macro_rules! error {
    ($logger:expr, $($rest:tt)+) => { $crate::log!($logger, $crate::Level::Error, $($rest)+) };
}
