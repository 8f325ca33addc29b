//! `RecordKv`: a logswap `Record` as slog key-values, in the core line format's order and
//! under its key rules, so slog-json writes the same line as the core formatter.

use std::borrow::Cow;
use std::cell::Cell;
use std::convert::Infallible;
use std::time::SystemTime;

use logswap_core::format::{try_for_each_kept_field, write_timestamp, OutputKey};
use logswap_core::{Field, Record, Value};
use slog::{Key, Serde, Serializer, KV};

/// The whole record as slog key-values: `ts`, `level`, `target`, `msg`, `thread_id`,
/// `thread_name` (when the thread has one), then the fields in call order, a reserved key
/// renamed with `fields.` in front and, of fields with the same key, only the last.
///
/// slog-async serializes it on the caller's thread into owned key-values; slog-json
/// writes them, in this order, on the writer thread.
pub(crate) struct RecordKv<'a>(pub(crate) &'a Record);

impl KV for RecordKv<'_> {
    fn serialize(&self, _: &slog::Record<'_>, out: &mut dyn Serializer) -> slog::Result {
        let record = self.0;
        // The timestamp travels as a `SystemTime` and is formatted on the writer thread.
        out.emit_serde(Key::from("ts"), &Serde(Timestamp(record.timestamp)))?;
        out.emit_serde(Key::from("level"), &Serde(record.level.as_str()))?;
        emit_cow(out, Key::from("target"), &record.target)?;
        emit_cow(out, Key::from("msg"), &record.message)?;
        out.emit_u64(Key::from("thread_id"), record.thread.id)?;
        if let Some(name) = record.thread.name {
            out.emit_serde(Key::from("thread_name"), &Serde(name))?;
        }
        emit_fields(&record.fields, out)
    }
}

/// A string: a `'static` one travels by reference, an owned one is copied by slog-async.
// The `Cow` itself is the point: its variant decides whether slog-async copies the text.
#[allow(clippy::ptr_arg)]
fn emit_cow(out: &mut dyn Serializer, key: Key, text: &Cow<'static, str>) -> slog::Result {
    match text {
        Cow::Borrowed(text) => out.emit_serde(key, &Serde(*text)),
        Cow::Owned(text) => out.emit_str(key, text),
    }
}

fn emit_value(out: &mut dyn Serializer, key: Key, value: &Value) -> slog::Result {
    match value {
        Value::Null => out.emit_unit(key),
        Value::Bool(b) => out.emit_bool(key, *b),
        Value::I64(n) => out.emit_i64(key, *n),
        Value::U64(n) => out.emit_u64(key, *n),
        // serde_json writes NaN and the infinities as `null`, finite floats with ryu, as
        // the core formatter does.
        Value::F64(f) => out.emit_f64(key, *f),
        Value::Str(text) => emit_cow(out, key, text),
        Value::Json(json) => out.emit_serde(key, &JsonRef(json.as_json())),
    }
}

/// The most fields a record writes as keys of its own; the rest go, nested in call
/// order, into one object under [`MORE_FIELDS_KEY`].
///
/// slog-async carries a record's key-values to its writer thread as a chain of boxes,
/// one link per key-value, that is serialized and dropped by recursion on a thread whose
/// 2 MiB stack cannot be changed: about 11,000 key-values overflow it in a debug build,
/// which aborts the process. With this limit a record is at most 1,030 links long.
pub const MAX_TOP_LEVEL_FIELDS: usize = 1024;

/// The key of the object holding a record's fields beyond [`MAX_TOP_LEVEL_FIELDS`].
/// It carries the reserved-key prefix, and a field of the record with this very key is
/// moved into the object too, so no line holds it twice.
pub const MORE_FIELDS_KEY: &str = "fields.more";

/// Emits the fields under the core rules (reserved keys renamed, the last of equal keys
/// kept: [`try_for_each_kept_field`]), nesting those beyond [`MAX_TOP_LEVEL_FIELDS`].
fn emit_fields(fields: &[Field], out: &mut dyn Serializer) -> slog::Result {
    if fields.len() <= MAX_TOP_LEVEL_FIELDS {
        return try_for_each_kept_field(fields, |key, field| {
            emit_value(out, slog_key(key, &field.key), &field.value)
        });
    }
    let mut kept = Vec::with_capacity(fields.len());
    let collected: Result<(), Infallible> = try_for_each_kept_field(fields, |key, field| {
        kept.push((key, field));
        Ok(())
    });
    if let Err(never) = collected {
        match never {}
    }
    let nest = kept.len() > MAX_TOP_LEVEL_FIELDS;
    let mut more = Vec::new();
    let mut written = 0;
    for (key, field) in kept {
        let own_key =
            !nest || (written < MAX_TOP_LEVEL_FIELDS - 1 && key.joined() != MORE_FIELDS_KEY);
        if own_key {
            emit_value(out, slog_key(key, &field.key), &field.value)?;
            written += 1;
        } else {
            more.push((key.joined(), field.value.clone()));
        }
    }
    if !more.is_empty() {
        out.emit_serde(Key::from(MORE_FIELDS_KEY), &Serde(MoreFields(more)))?;
    }
    Ok(())
}

/// The fields beyond [`MAX_TOP_LEVEL_FIELDS`], as one JSON object in call order.
#[derive(Clone)]
struct MoreFields(Vec<(String, Value)>);

impl serde::Serialize for MoreFields {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, &ValueRef(value))?;
        }
        map.end()
    }
}

/// A field value serialized as the core formatter writes it.
struct ValueRef<'a>(&'a Value);

impl serde::Serialize for ValueRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::I64(n) => serializer.serialize_i64(*n),
            Value::U64(n) => serializer.serialize_u64(*n),
            Value::F64(f) => serializer.serialize_f64(*f),
            Value::Str(text) => serializer.serialize_str(text),
            Value::Json(json) => json.as_json().serialize(serializer),
        }
    }
}

/// The slog key for a field: the original `Cow` when nothing is put in front of it (no
/// copy for a literal), a new string when the key is renamed.
// The `Cow` itself is the point: a borrowed key is not copied.
#[allow(clippy::ptr_arg)]
fn slog_key(key: OutputKey<'_>, original: &Cow<'static, str>) -> Key {
    if !key.prefix.is_empty() {
        return Key::from(key.joined());
    }
    match original {
        Cow::Borrowed(key) => Key::from(*key),
        Cow::Owned(key) => Key::from(key.clone()),
    }
}

thread_local! {
    /// The writer thread's timestamp buffer, reused for every record.
    static TIMESTAMP: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// A record's timestamp, serialized as the core's RFC 3339 text with microseconds.
#[derive(Clone, Copy)]
struct Timestamp(SystemTime);

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buffer = TIMESTAMP.try_with(Cell::take).unwrap_or_default();
        buffer.clear();
        write_timestamp(self.0, &mut buffer);
        // The timestamp is ASCII; the fallback cannot happen.
        let result = serializer.serialize_str(std::str::from_utf8(&buffer).unwrap_or("?"));
        let _ = TIMESTAMP.try_with(|kept| kept.set(buffer));
        result
    }
}

/// A nested JSON value, lent to slog: slog-async clones it once into an owned
/// [`Serde`] when it sends the record to its writer thread.
struct JsonRef<'a>(&'a serde_json::Value);

impl serde::Serialize for JsonRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl slog::Value for JsonRef<'_> {
    fn serialize(
        &self,
        _: &slog::Record<'_>,
        key: Key,
        serializer: &mut dyn Serializer,
    ) -> slog::Result {
        serializer.emit_serde(key, self)
    }
}

impl slog::SerdeValue for JsonRef<'_> {
    fn as_serde(&self) -> &dyn erased_serde::Serialize {
        self.0
    }

    fn to_sendable(&self) -> Box<dyn slog::SerdeValue + Send + 'static> {
        Box::new(Serde(self.0.clone()))
    }
}
