//! `Logger`: the handle applications log through (level filter, bound context, context
//! providers) in front of an `Arc<dyn Backend>`.

use std::borrow::Cow;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::SystemTime;

use crate::backend::{Backend, Stats};
use crate::error::Error;
use crate::field::{Field, Fields};
use crate::filter::Filter;
use crate::level::Level;
use crate::record::{Record, ThreadInfo};

/// A context factory: called for each record that passes the filter, it appends fields
/// (a request id from a thread-local, say).
pub type Provider = dyn Fn(&mut Fields) + Send + Sync;

/// The field added to a record when a field closure or a provider panicked.
pub const PANIC_FIELD: &str = "logswap_panic";

/// A cheap-to-clone handle to a backend, with a level filter, bound fields and context
/// providers. Clones share everything; [`Logger::with`] and [`Logger::with_provider`]
/// make children that add to it.
///
/// ```
/// use std::sync::Arc;
/// use logswap_core::{Field, Level, Logger};
/// # use logswap_core::{Backend, Record, Stats, Error};
/// # #[derive(Default)] struct Discard;
/// # impl Backend for Discard {
/// #     fn emit(&self, _: Record) {}
/// #     fn flush(&self) -> Result<(), Error> { Ok(()) }
/// #     fn shutdown(&self) -> Result<(), Error> { Ok(()) }
/// #     fn stats(&self) -> Stats { Stats::default() }
/// #     fn name(&self) -> &'static str { "discard" }
/// # }
/// let log = Logger::new(Arc::new(Discard)).with_level(Level::Info);
/// let request = log.with([Field::new("request_id", 42)]);
/// request.log_with(Level::Debug, "not built", || -> [Field; 0] { unreachable!("filtered") });
/// request.log(Level::Info, "built", [Field::new("tokens", 512)]);
/// ```
#[derive(Clone)]
pub struct Logger {
    inner: Arc<Inner>,
}

struct Inner {
    backend: Arc<dyn Backend>,
    filter: Filter,
    target: Cow<'static, str>,
    bound: Fields,
    providers: Vec<Arc<Provider>>,
}

impl Logger {
    /// A logger that lets every level through to `backend`, with target `"app"` for
    /// [`Logger::log`] (the macros use the module path instead).
    pub fn new(backend: Arc<dyn Backend>) -> Self {
        Logger {
            inner: Arc::new(Inner {
                backend,
                filter: Filter::default(),
                target: Cow::Borrowed("app"),
                bound: Fields::new(),
                providers: Vec::new(),
            }),
        }
    }

    fn derive(&self, change: impl FnOnce(&mut Inner)) -> Logger {
        let mut inner = Inner {
            backend: self.inner.backend.clone(),
            filter: self.inner.filter.clone(),
            target: self.inner.target.clone(),
            bound: self.inner.bound.clone(),
            providers: self.inner.providers.clone(),
        };
        change(&mut inner);
        Logger {
            inner: Arc::new(inner),
        }
    }

    /// This logger with another filter.
    pub fn with_filter(&self, filter: Filter) -> Logger {
        self.derive(|inner| inner.filter = filter)
    }

    /// This logger letting through `min` and above, from every target.
    pub fn with_level(&self, min: Level) -> Logger {
        self.with_filter(Filter::new(min))
    }

    /// This logger with another target for [`Logger::log`] and [`Logger::log_with`].
    pub fn with_target(&self, target: impl Into<Cow<'static, str>>) -> Logger {
        let target = target.into();
        self.derive(|inner| inner.target = target)
    }

    /// A child logger whose records all carry `fields` (after the parent's bound fields).
    pub fn with(&self, fields: impl IntoIterator<Item = Field>) -> Logger {
        self.derive(|inner| inner.bound.extend(fields))
    }

    /// A child logger that calls `provider` for every record that passes the filter, and
    /// never for a filtered one. Providers run in the order they were added, after the
    /// bound fields and before the call's own fields. A panicking provider does not stop
    /// the record: it is written with a [`PANIC_FIELD`] field instead.
    pub fn with_provider(&self, provider: impl Fn(&mut Fields) + Send + Sync + 'static) -> Logger {
        self.derive(|inner| inner.providers.push(Arc::new(provider)))
    }

    /// Whether a record at `level` from `target` would be logged.
    #[inline]
    pub fn enabled(&self, level: Level, target: &str) -> bool {
        self.inner.filter.enabled(level, target)
    }

    /// Logs a record with this logger's target, if `level` is enabled for it.
    pub fn log(
        &self,
        level: Level,
        message: impl Into<Cow<'static, str>>,
        fields: impl IntoIterator<Item = Field>,
    ) {
        if self.enabled(level, &self.inner.target) {
            let target = self.inner.target.clone();
            self.emit(level, target, message.into(), |record| {
                record.extend(fields)
            });
        }
    }

    /// Logs a record whose fields come from `fields`, which runs only if `level` is
    /// enabled: the lazy context of the original `log_with_context`. A panic in
    /// `fields` is caught; the record is written with a [`PANIC_FIELD`] field instead.
    pub fn log_with<I, F>(&self, level: Level, message: impl Into<Cow<'static, str>>, fields: F)
    where
        I: IntoIterator<Item = Field>,
        F: FnOnce() -> I,
    {
        if !self.enabled(level, &self.inner.target) {
            return;
        }
        let target = self.inner.target.clone();
        self.emit(level, target, message.into(), |record| {
            let before = record.len();
            if catch_unwind(AssertUnwindSafe(|| record.extend(fields()))).is_err() {
                record.truncate(before);
                record.push(panic_field("the field closure"));
            }
        });
    }

    /// Logs a record from another `target`, if `level` is enabled for it (for bridges from
    /// other logging APIs).
    pub fn log_to(
        &self,
        level: Level,
        target: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
        fields: impl IntoIterator<Item = Field>,
    ) {
        let target = target.into();
        if self.enabled(level, &target) {
            self.emit(level, target, message.into(), |record| {
                record.extend(fields)
            });
        }
    }

    /// Used by the macros after they checked [`Logger::enabled`]; not a stable API.
    #[doc(hidden)]
    pub fn __emit_enabled(
        &self,
        level: Level,
        target: &'static str,
        message: Cow<'static, str>,
        fields: impl IntoIterator<Item = Field>,
    ) {
        self.emit(level, Cow::Borrowed(target), message, |record| {
            record.extend(fields)
        });
    }

    /// Makes the record, adds the bound context and the providers' fields, then the
    /// call's own with `add_call_fields`, and hands the record to the backend.
    ///
    /// The fields are pushed straight into the record: a `Record` is about 500 bytes,
    /// and building the fields elsewhere and moving them in cost a copy each time.
    #[inline]
    fn emit(
        &self,
        level: Level,
        target: Cow<'static, str>,
        message: Cow<'static, str>,
        add_call_fields: impl FnOnce(&mut Fields),
    ) {
        let inner = &*self.inner;
        // A struct literal, not `Record::new`: the empty fields are then made in place
        // rather than made elsewhere and copied in, uninitialized inline space and all.
        let mut record = Record {
            timestamp: SystemTime::now(),
            level,
            target,
            message,
            fields: Fields::empty(),
            thread: ThreadInfo::current(),
        };
        let fields = &mut record.fields;
        if !inner.bound.is_empty() {
            fields.extend(inner.bound.iter().cloned());
        }
        for provider in &inner.providers {
            let before = fields.len();
            if catch_unwind(AssertUnwindSafe(|| provider(&mut *fields))).is_err() {
                fields.truncate(before);
                fields.push(panic_field("a context provider"));
            }
        }
        add_call_fields(fields);
        inner.backend.emit(record);
    }

    /// Waits until every record logged before the call is written and flushed.
    pub fn flush(&self) -> Result<(), Error> {
        self.inner.backend.flush()
    }

    /// Flushes and stops the backend (for every logger that shares it).
    pub fn shutdown(&self) -> Result<(), Error> {
        self.inner.backend.shutdown()
    }

    /// The backend's counters.
    pub fn stats(&self) -> Stats {
        self.inner.backend.stats()
    }

    /// The backend this logger writes to.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.inner.backend
    }

    /// The filter in front of the backend.
    pub fn filter(&self) -> &Filter {
        &self.inner.filter
    }
}

fn panic_field(culprit: &'static str) -> Field {
    Field::new(
        PANIC_FIELD,
        format!("{culprit} panicked; its fields are missing"),
    )
}

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logger")
            .field("backend", &self.inner.backend.name())
            .field("filter", &self.inner.filter)
            .field("target", &self.inner.target)
            .field("bound", &self.inner.bound)
            .field("providers", &self.inner.providers.len())
            .finish()
    }
}
