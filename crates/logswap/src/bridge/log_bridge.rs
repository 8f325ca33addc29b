//! `LogBridge`: a `log::Log` that turns `log` records, key-values included, into records
//! of a `Logger`.

use std::borrow::Cow;

use logswap_core::{Error, ErrorKind, Field, Fields, Level, Logger, Value};

/// A [`log::Log`] that sends `log` records to a [`Logger`]: `log::info!(user = 7;
/// "signed in")` becomes a record with the message `signed in` and the field `user: 7`.
///
/// The record keeps `log`'s target (the module path, unless the call names another), so
/// the logger's per-target filter applies; key-values keep their type where `log` knows
/// it (bool, integers, floats, strings) and are written with `Display` otherwise.
/// [`init`](crate::init) installs one for the global logger when the `log` feature is on.
///
/// ```
/// use logswap::bridge::LogBridge;
/// use logswap::{Builder, Target};
///
/// # fn main() -> Result<(), logswap::Error> {
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("app.log");
/// let (logger, guard) = Builder::new().target(Target::file(&path)).ignore_env().build()?;
/// LogBridge::new(logger).install()?;
///
/// log::info!(user = 7, admin = false; "signed in");
/// log::debug!("below INFO: not written");
/// drop(guard);
///
/// let line: serde_json::Value =
///     serde_json::from_str(std::fs::read_to_string(&path).unwrap().trim()).unwrap();
/// assert_eq!((line["msg"].as_str(), line["user"].as_i64()), (Some("signed in"), Some(7)));
/// assert_eq!(line["admin"].as_bool(), Some(false));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct LogBridge {
    logger: Logger,
}

impl LogBridge {
    /// A bridge into `logger`.
    pub fn new(logger: Logger) -> Self {
        LogBridge { logger }
    }

    /// Installs the bridge as `log`'s logger and sets `log`'s maximum level from the
    /// logger's filter, so disabled `log` calls cost one comparison.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when `log` already has a logger (it is set once per
    /// process).
    pub fn install(self) -> Result<(), Error> {
        let max = match self.logger.filter().max_verbosity() {
            None => log::LevelFilter::Off,
            Some(Level::Error) => log::LevelFilter::Error,
            Some(Level::Warn) => log::LevelFilter::Warn,
            Some(Level::Info) => log::LevelFilter::Info,
            Some(Level::Debug) => log::LevelFilter::Debug,
            Some(Level::Trace) => log::LevelFilter::Trace,
        };
        log::set_boxed_logger(Box::new(self)).map_err(|err| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!("cannot install logswap as the `log` logger: {err}"),
            )
        })?;
        log::set_max_level(max);
        Ok(())
    }
}

fn level(level: log::Level) -> Level {
    match level {
        log::Level::Error => Level::Error,
        log::Level::Warn => Level::Warn,
        log::Level::Info => Level::Info,
        log::Level::Debug => Level::Debug,
        log::Level::Trace => Level::Trace,
    }
}

impl log::Log for LogBridge {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        self.logger
            .enabled(level(metadata.level()), metadata.target())
    }

    fn log(&self, record: &log::Record<'_>) {
        let level = level(record.level());
        if !self.logger.enabled(level, record.target()) {
            return;
        }
        let message = match record.args().as_str() {
            Some(literal) => Cow::Borrowed(literal),
            None => Cow::Owned(record.args().to_string()),
        };
        // The default target is the module path, which `log` also has as `&'static str`.
        let target = match record.module_path_static() {
            Some(path) if path == record.target() => Cow::Borrowed(path),
            _ => Cow::Owned(record.target().to_owned()),
        };
        let mut fields = Fields::new();
        let _ = record.key_values().visit(&mut Collect(&mut fields));
        self.logger.log_to(level, target, message, fields);
    }

    fn flush(&self) {
        let _ = self.logger.flush();
    }
}

struct Collect<'a>(&'a mut Fields);

impl<'kvs> log::kv::VisitSource<'kvs> for Collect<'_> {
    fn visit_pair(
        &mut self,
        key: log::kv::Key<'kvs>,
        value: log::kv::Value<'kvs>,
    ) -> Result<(), log::kv::Error> {
        self.0
            .push(Field::new(key.as_str().to_owned(), convert(&value)));
        Ok(())
    }
}

fn convert(value: &log::kv::Value<'_>) -> Value {
    if let Some(v) = value.to_bool() {
        Value::from(v)
    } else if let Some(v) = value.to_i64() {
        Value::from(v)
    } else if let Some(v) = value.to_u64() {
        Value::from(v)
    } else if let Some(v) = value.to_f64() {
        Value::from(v)
    } else if let Some(v) = value.to_borrowed_str() {
        Value::from(v.to_owned())
    } else {
        Value::from(value.to_string())
    }
}
