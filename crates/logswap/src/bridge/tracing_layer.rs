//! `TracingLayer`: a `tracing_subscriber::Layer` that turns `tracing` events, with their
//! fields and those of the spans around them, into records of a `Logger`.

use std::borrow::Cow;
use std::fmt;

use ::tracing::field::{Field as TracingField, Visit};
use ::tracing::span::{Attributes, Id, Record as SpanRecord};
use ::tracing::{Event, Subscriber};
use logswap_core::{Error, ErrorKind, Field, Fields, Level, Logger, Value};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// A [`tracing_subscriber::Layer`] that sends `tracing` events to a [`Logger`].
///
/// An event becomes a record with the event's level and target; its `message` becomes
/// the record's message and its other fields become fields. The fields of the spans the
/// event happened in come first, outermost span first, so an event inside
/// `info_span!("request", id = 7)` carries `id: 7`; as with bound context, an event's own
/// field wins over a span's field of the same name. Fields keep their type (bool,
/// integers, floats, strings); others are written with `Debug`.
///
/// Spans themselves are not written: they are context. The layer never filters for other
/// layers: it checks the logger's filter in `on_event` only.
/// [`init`](crate::init) installs it, on a `tracing_subscriber::Registry`, as the global
/// subscriber when the `tracing-subscriber` feature is on; compose it with other layers
/// yourself with [`Builder::build`](crate::Builder::build) and `registry().with(layer)`.
///
/// ```
/// use logswap::bridge::TracingLayer;
/// use logswap::{Builder, Target};
/// use tracing_subscriber::layer::SubscriberExt;
///
/// # fn main() -> Result<(), logswap::Error> {
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("app.log");
/// let (logger, guard) = Builder::new().target(Target::file(&path)).ignore_env().build()?;
/// let subscriber = tracing_subscriber::registry().with(TracingLayer::new(logger));
///
/// tracing::subscriber::with_default(subscriber, || {
///     let span = tracing::info_span!("request", request_id = 42);
///     let _entered = span.enter();
///     tracing::info!(tokens = 512, "query processed");
/// });
/// drop(guard);
///
/// let line: serde_json::Value =
///     serde_json::from_str(std::fs::read_to_string(&path).unwrap().trim()).unwrap();
/// assert_eq!(line["msg"].as_str(), Some("query processed"));
/// assert_eq!((line["request_id"].as_i64(), line["tokens"].as_i64()), (Some(42), Some(512)));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TracingLayer {
    logger: Logger,
}

impl TracingLayer {
    /// A layer that writes to `logger`.
    pub fn new(logger: Logger) -> Self {
        TracingLayer { logger }
    }

    /// Installs `tracing_subscriber::registry().with(self)` as `tracing`'s global
    /// subscriber.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when `tracing` already has a global subscriber.
    pub fn install(self) -> Result<(), Error> {
        ::tracing::subscriber::set_global_default(tracing_subscriber::registry().with(self))
            .map_err(|err| {
                Error::new(
                    ErrorKind::InvalidConfig,
                    format!("cannot install logswap as the global `tracing` subscriber: {err}"),
                )
            })
    }
}

/// The fields of a span, kept in its extensions.
struct SpanFields(Fields);

fn level(level: &::tracing::Level) -> Level {
    match *level {
        ::tracing::Level::ERROR => Level::Error,
        ::tracing::Level::WARN => Level::Warn,
        ::tracing::Level::INFO => Level::Info,
        ::tracing::Level::DEBUG => Level::Debug,
        _ => Level::Trace,
    }
}

impl<S> Layer<S> for TracingLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = Fields::new();
        attrs.record(&mut Collect {
            fields: &mut fields,
            message: None,
        });
        span.extensions_mut().insert(SpanFields(fields));
    }

    fn on_record(&self, id: &Id, values: &SpanRecord<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        if let Some(SpanFields(fields)) = extensions.get_mut::<SpanFields>() {
            values.record(&mut Collect {
                fields,
                message: None,
            });
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let level = level(metadata.level());
        if !self.logger.enabled(level, metadata.target()) {
            return;
        }
        let mut fields = Fields::new();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(bound)) = span.extensions().get::<SpanFields>() {
                    fields.extend(bound.iter().cloned());
                }
            }
        }
        let mut message = None;
        event.record(&mut Collect {
            fields: &mut fields,
            message: Some(&mut message),
        });
        self.logger.log_to(
            level,
            metadata.target(),
            message.unwrap_or(Cow::Borrowed("")),
            fields,
        );
    }
}

/// Collects `tracing` fields; the event's `message` goes aside when there is room for it.
struct Collect<'a> {
    fields: &'a mut Fields,
    message: Option<&'a mut Option<Cow<'static, str>>>,
}

impl Collect<'_> {
    fn add(&mut self, field: &TracingField, value: Value) {
        if field.name() == "message" {
            if let Some(message) = self.message.as_deref_mut() {
                *message = Some(match value {
                    Value::Str(text) => text,
                    other => Cow::Owned(format!("{other:?}")),
                });
                return;
            }
        }
        self.fields.push(Field::new(field.name(), value));
    }
}

impl Visit for Collect<'_> {
    fn record_f64(&mut self, field: &TracingField, value: f64) {
        self.add(field, Value::from(value));
    }

    fn record_i64(&mut self, field: &TracingField, value: i64) {
        self.add(field, Value::from(value));
    }

    fn record_u64(&mut self, field: &TracingField, value: u64) {
        self.add(field, Value::from(value));
    }

    fn record_bool(&mut self, field: &TracingField, value: bool) {
        self.add(field, Value::from(value));
    }

    fn record_str(&mut self, field: &TracingField, value: &str) {
        self.add(field, Value::from(value.to_owned()));
    }

    fn record_error(&mut self, field: &TracingField, value: &(dyn std::error::Error + 'static)) {
        self.add(field, Value::from(value.to_string()));
    }

    fn record_debug(&mut self, field: &TracingField, value: &dyn fmt::Debug) {
        self.add(field, Value::from(format!("{value:?}")));
    }
}
