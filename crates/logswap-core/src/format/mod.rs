//! The JSON line format: one record, one `\n`-terminated line, written into a
//! caller-owned buffer.
//!
//! Keys come in this order: `ts`, `level`, `target`, `msg`, `thread_id`, `thread_name`
//! (omitted when the thread has none), then the fields in call order:
//!
//! ```text
//! {"ts":"2026-12-04T15:22:42.123456Z","level":"INFO","target":"app","msg":"query processed","thread_id":1,"thread_name":"main","iteration":7,"query_time_ms":12.5,"model":"llama-3-8b","tokens":512}
//! ```
//!
//! The rules that keep every line one valid JSON object:
//! - Every string (keys too) is escaped, so no input can break a line in two or forge
//!   a record; U+2028 and U+2029 are escaped as well.
//! - A field whose key is reserved ([`RESERVED_KEYS`]) is written under
//!   [`RENAMED_KEY_PREFIX`] + key (`"msg"` becomes `"fields.msg"`): a user key never
//!   overwrites a reserved one.
//! - When two fields end up with the same key, the last one wins and the earlier ones
//!   are left out, so no line holds a key twice. Bound context comes before the call's
//!   own fields, so the call site overrides the context.
//! - NaN and the infinities become `null`; JSON values nested deeper than
//!   [`crate::MAX_JSON_DEPTH`] are cut with [`crate::DEPTH_CUT_MARKER`].

mod cached;
mod escape;
mod float;
mod fragment;
mod number;
mod timestamp;

use std::collections::HashSet;
use std::convert::Infallible;

pub use timestamp::write_timestamp;

use crate::field::Field;
use crate::record::Record;
use crate::value::{Value, MAX_JSON_DEPTH};
use cached::FormatCache;
use float::write_f64;
use number::{write_i64, write_u64};

/// The keys the format itself writes; a field cannot take them.
pub const RESERVED_KEYS: [&str; 6] = ["ts", "level", "target", "msg", "thread_id", "thread_name"];

/// What is put in front of a field key that equals a reserved key.
pub const RENAMED_KEY_PREFIX: &str = "fields.";

/// Above this many fields, duplicate keys are found with a hash set instead of by
/// comparing every pair.
const PAIRWISE_LIMIT: usize = 32;

/// Appends `record` to `out` as one JSON line, ending in `\n`.
///
/// ```
/// use logswap_core::{format::format_record, Field, Level, Record};
///
/// let record = Record::new(Level::Info, "app", "query processed", [Field::new("tokens", 512)].into());
/// let mut line = Vec::new();
/// format_record(&record, &mut line);
/// let parsed: serde_json::Value = serde_json::from_slice(&line).unwrap();
/// assert_eq!(parsed["msg"], "query processed");
/// assert_eq!(parsed["tokens"], 512);
/// assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1);
/// ```
pub fn format_record(record: &Record, out: &mut Vec<u8>) {
    out.reserve(256 + record.message.len());
    FormatCache::with(|cache| {
        out.extend_from_slice(b"{\"ts\":\"");
        timestamp::write_timestamp_with(record.timestamp, &mut cache.last_second, out);
        cache.write_head(record.level, &record.target, &record.message, out);
        cache.write_thread(record.thread, out);
        let written: Result<(), Infallible> = try_for_each_kept(&record.fields, |field| {
            cache.write_key(&field.key, out);
            write_value(&field.value, out);
            Ok(())
        });
        if let Err(never) = written {
            match never {}
        }
        out.extend_from_slice(b"}\n");
    });
}

/// Whether `key` is one of [`RESERVED_KEYS`].
#[inline]
fn is_reserved(key: &str) -> bool {
    matches!(
        key,
        "ts" | "level" | "target" | "msg" | "thread_id" | "thread_name"
    )
}

/// A quick test that no two fields end up with the same output key: true when the keys
/// all have different lengths (below 128) and none starts with [`RENAMED_KEY_PREFIX`]
/// (which is how a literal key can meet a renamed reserved one). False means "maybe":
/// the caller then compares the keys pairwise.
#[inline]
fn keys_surely_distinct(fields: &[Field]) -> bool {
    let mut lengths_seen: u128 = 0;
    for field in fields {
        let key = field.key.as_bytes();
        let bit = 1u128.checked_shl(key.len() as u32).unwrap_or(0);
        if bit == 0 || lengths_seen & bit != 0 || key.starts_with(RENAMED_KEY_PREFIX.as_bytes()) {
            return false;
        }
        lengths_seen |= bit;
    }
    true
}

/// Whether field keys `a` and `b` are written under the same output key: when they are
/// equal, or when one is reserved and the other is [`RENAMED_KEY_PREFIX`] + it.
#[inline]
fn same_output_key(a: &str, b: &str) -> bool {
    if a.len() == b.len() {
        return a == b;
    }
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    long.len() == short.len() + RENAMED_KEY_PREFIX.len()
        && long.starts_with(RENAMED_KEY_PREFIX)
        && long[RENAMED_KEY_PREFIX.len()..] == *short
        && is_reserved(short)
}

/// Calls `visit` for each field the line format keeps, in call order, with the key it is
/// written under: reserved keys get [`RENAMED_KEY_PREFIX`], and of fields that end up with
/// the same key only the last is kept. Stops at the first error `visit` returns. Backends
/// that write through another serializer use it to follow the same rules.
///
/// ```
/// use logswap_core::format::try_for_each_kept_field;
/// use logswap_core::Field;
///
/// let fields = [Field::new("a", 1), Field::new("msg", 2), Field::new("a", 3)];
/// let mut kept = Vec::new();
/// try_for_each_kept_field(&fields, |key, field| {
///     kept.push((key.joined(), field.value.clone()));
///     Ok::<(), ()>(())
/// })
/// .unwrap();
/// assert_eq!(kept, [("fields.msg".to_string(), 2.into()), ("a".to_string(), 3.into())]);
/// ```
#[inline]
pub fn try_for_each_kept_field<'a, E>(
    fields: &'a [Field],
    mut visit: impl FnMut(OutputKey<'a>, &'a Field) -> Result<(), E>,
) -> Result<(), E> {
    try_for_each_kept(fields, |field| visit(OutputKey::of(&field.key), field))
}

/// [`try_for_each_kept_field`] without working out the output key, for callers that
/// mostly do not need it.
#[inline]
fn try_for_each_kept<'a, E>(
    fields: &'a [Field],
    mut visit: impl FnMut(&'a Field) -> Result<(), E>,
) -> Result<(), E> {
    if keys_surely_distinct(fields) {
        for field in fields {
            visit(field)?;
        }
    } else if fields.len() <= PAIRWISE_LIMIT {
        // A field is kept unless a later one ends up with its key.
        for (i, field) in fields.iter().enumerate() {
            let shadowed = fields[i + 1..]
                .iter()
                .any(|later| same_output_key(&field.key, &later.key));
            if !shadowed {
                visit(field)?;
            }
        }
    } else {
        let mut seen = HashSet::with_capacity(fields.len());
        let mut keep = vec![false; fields.len()];
        for (i, field) in fields.iter().enumerate().rev() {
            keep[i] = seen.insert(OutputKey::of(&field.key).joined());
        }
        for (field, keep) in fields.iter().zip(keep) {
            if keep {
                visit(field)?;
            }
        }
    }
    Ok(())
}

/// The key a field is written under: the field's own key, with [`RENAMED_KEY_PREFIX`] in
/// front when it is a reserved key. Two output keys are equal when their texts are.
#[derive(Debug, Clone, Copy)]
pub struct OutputKey<'a> {
    /// [`RENAMED_KEY_PREFIX`] or empty.
    pub prefix: &'static str,
    /// The field's own key.
    pub key: &'a str,
}

impl<'a> OutputKey<'a> {
    /// The output key of a field key.
    #[inline]
    pub fn of(key: &'a str) -> Self {
        let prefix = if is_reserved(key) {
            RENAMED_KEY_PREFIX
        } else {
            ""
        };
        OutputKey { prefix, key }
    }

    /// Its length in bytes.
    pub fn len(self) -> usize {
        self.prefix.len() + self.key.len()
    }

    /// Whether it is empty.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The whole key as one string.
    pub fn joined(self) -> String {
        [self.prefix, self.key].concat()
    }
}

impl PartialEq for OutputKey<'_> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        if self.len() != other.len() {
            return false;
        }
        if self.prefix.len() == other.prefix.len() {
            // Both plain or both prefixed.
            return self.key == other.key;
        }
        let mine = self.prefix.bytes().chain(self.key.bytes());
        mine.eq(other.prefix.bytes().chain(other.key.bytes()))
    }
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::I64(n) => write_i64(out, *n),
        Value::U64(n) => write_u64(out, *n),
        Value::F64(f) => write_f64(*f, out),
        Value::Str(s) => escape::write_string(out, s),
        Value::Json(json) => write_json(json.as_json(), 1, out),
    }
}

/// Writes a JSON tree; `depth` counts the containers around `json`, and the cut is
/// repeated here so the recursion is bounded whatever the tree.
fn write_json(json: &serde_json::Value, depth: usize, out: &mut Vec<u8>) {
    use serde_json::Value as J;
    match json {
        J::Null => out.extend_from_slice(b"null"),
        J::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        J::Number(n) => {
            if let Some(u) = n.as_u64() {
                write_u64(out, u);
            } else if let Some(i) = n.as_i64() {
                write_i64(out, i);
            } else {
                write_f64(n.as_f64().unwrap_or(f64::NAN), out);
            }
        }
        J::String(s) => escape::write_string(out, s),
        J::Array(_) | J::Object(_) if depth > MAX_JSON_DEPTH => {
            escape::write_string(out, crate::value::DEPTH_CUT_MARKER);
        }
        J::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json(item, depth + 1, out);
            }
            out.push(b']');
        }
        J::Object(map) => {
            out.push(b'{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                escape::write_string(out, key);
                out.push(b':');
                write_json(item, depth + 1, out);
            }
            out.push(b'}');
        }
    }
}

#[cfg(test)]
mod tests;
