//! Field values: `Value`, and `JsonValue`, a depth-bounded JSON tree.

use std::borrow::Cow;
use std::fmt;

/// How many levels of arrays and objects a [`JsonValue`] keeps. A container deeper than
/// this is replaced by the string [`DEPTH_CUT_MARKER`], so a hostile value cannot
/// overflow a stack when it is formatted, cloned or dropped, and every line stays
/// readable by parsers with a nesting limit (serde_json's is 128).
pub const MAX_JSON_DEPTH: usize = 64;

/// The string that stands in for a JSON container nested deeper than [`MAX_JSON_DEPTH`].
pub const DEPTH_CUT_MARKER: &str = "[logswap: nested deeper than 64 levels, cut]";

/// The value of one field.
///
/// String literals are borrowed, not copied: `Value::from("llama-3-8b")` holds a
/// `Cow::Borrowed` and costs no allocation. Owned strings move in without a copy.
///
/// ```
/// use logswap_core::Value;
/// use std::borrow::Cow;
///
/// assert!(matches!(Value::from("literal"), Value::Str(Cow::Borrowed("literal"))));
/// assert_eq!(Value::from(7u32), Value::U64(7));
/// assert_eq!(Value::from(-7), Value::I64(-7));
/// assert_eq!(Value::from(None::<i32>), Value::Null);
/// assert_eq!(Value::display(&std::net::Ipv4Addr::LOCALHOST), Value::from("127.0.0.1".to_string()));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// JSON `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A signed integer.
    I64(i64),
    /// An unsigned integer.
    U64(u64),
    /// A float; NaN and the infinities are written as `null`, since JSON has no such numbers.
    F64(f64),
    /// A string, borrowed when it is a literal.
    Str(Cow<'static, str>),
    /// A complex value (objects, arrays), nested at most [`MAX_JSON_DEPTH`] deep.
    Json(JsonValue),
}

impl Value {
    /// Converts anything serde can serialize. A value that fails to serialize becomes a
    /// string that says so, never a panic.
    ///
    /// ```
    /// use logswap_core::Value;
    ///
    /// let v = Value::serde(&vec![1, 2, 3]);
    /// assert_eq!(v, Value::Json(serde_json::json!([1, 2, 3]).into()));
    /// ```
    pub fn serde<T: serde::Serialize + ?Sized>(value: &T) -> Value {
        match serde_json::to_value(value) {
            Ok(json) => Value::from(json),
            Err(err) => Value::Str(Cow::Owned(format!(
                "[logswap: value failed to serialize: {err}]"
            ))),
        }
    }

    /// Formats a value with its `Display` implementation, into an owned string.
    pub fn display<T: fmt::Display + ?Sized>(value: &T) -> Value {
        Value::Str(Cow::Owned(value.to_string()))
    }
}

/// A JSON tree nested at most [`MAX_JSON_DEPTH`] deep; deeper containers are cut when it
/// is made, without recursion, so even a value nested a million deep is safe to log.
///
/// ```
/// use logswap_core::{JsonValue, DEPTH_CUT_MARKER, MAX_JSON_DEPTH};
///
/// let mut deep = serde_json::json!(1);
/// for _ in 0..10_000 {
///     deep = serde_json::Value::Array(vec![deep]);
/// }
/// let bounded = JsonValue::new(deep);
/// let mut level = bounded.as_json();
/// for _ in 0..MAX_JSON_DEPTH {
///     level = &level[0];
/// }
/// assert_eq!(level, DEPTH_CUT_MARKER);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JsonValue(Box<serde_json::Value>);

impl JsonValue {
    /// Wraps `value`, cutting every container nested deeper than [`MAX_JSON_DEPTH`].
    pub fn new(mut value: serde_json::Value) -> Self {
        let mut cut_off = Vec::new();
        cut_below(&mut value, 1, &mut cut_off);
        for subtree in cut_off {
            drop_without_recursion(subtree);
        }
        JsonValue(Box::new(value))
    }

    /// The bounded JSON tree.
    pub fn as_json(&self) -> &serde_json::Value {
        &self.0
    }
}

impl From<serde_json::Value> for JsonValue {
    fn from(value: serde_json::Value) -> Self {
        JsonValue::new(value)
    }
}

/// Replaces every container at `depth` > [`MAX_JSON_DEPTH`] with the marker; the recursion
/// itself stops at that depth.
fn cut_below(value: &mut serde_json::Value, depth: usize, cut_off: &mut Vec<serde_json::Value>) {
    let is_container = matches!(
        value,
        serde_json::Value::Array(_) | serde_json::Value::Object(_)
    );
    if !is_container {
        return;
    }
    if depth > MAX_JSON_DEPTH {
        let marker = serde_json::Value::String(DEPTH_CUT_MARKER.to_owned());
        cut_off.push(std::mem::replace(value, marker));
        return;
    }
    match value {
        serde_json::Value::Array(items) => {
            for item in items {
                cut_below(item, depth + 1, cut_off);
            }
        }
        serde_json::Value::Object(map) => {
            for item in map.values_mut() {
                cut_below(item, depth + 1, cut_off);
            }
        }
        _ => {}
    }
}

/// Drops a JSON tree of any depth with an explicit stack instead of recursion, so a
/// deep tree cannot overflow the thread's stack.
fn drop_without_recursion(value: serde_json::Value) {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            serde_json::Value::Array(items) => pending.extend(items),
            serde_json::Value::Object(map) => pending.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

macro_rules! value_from {
    ($variant:ident as $target:ty: $($source:ty),*) => {
        $(impl From<$source> for Value {
            fn from(v: $source) -> Self {
                Value::$variant(v as $target)
            }
        })*
    };
}

value_from!(I64 as i64: i8, i16, i32, i64, isize);
value_from!(U64 as u64: u8, u16, u32, u64, usize);
value_from!(F64 as f64: f32, f64);

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<&'static str> for Value {
    fn from(v: &'static str) -> Self {
        Value::Str(Cow::Borrowed(v))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(Cow::Owned(v))
    }
}

impl From<Cow<'static, str>> for Value {
    fn from(v: Cow<'static, str>) -> Self {
        Value::Str(v)
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Self {
        Value::Json(JsonValue::new(v))
    }
}

impl From<JsonValue> for Value {
    fn from(v: JsonValue) -> Self {
        Value::Json(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested_arrays(depth: usize) -> serde_json::Value {
        let mut value = serde_json::json!("leaf");
        for _ in 0..depth {
            value = serde_json::Value::Array(vec![value]);
        }
        value
    }

    fn depth_of(value: &serde_json::Value) -> usize {
        let mut depth = 0;
        let mut level = value;
        while let Some(next) = level.as_array().and_then(|a| a.first()) {
            depth += 1;
            level = next;
        }
        depth
    }

    #[test]
    fn shallow_values_are_kept_whole() {
        let value = nested_arrays(MAX_JSON_DEPTH);
        assert_eq!(JsonValue::new(value.clone()).as_json(), &value);
    }

    #[test]
    fn deep_values_are_cut_at_the_documented_depth_on_a_small_stack() {
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| JsonValue::new(nested_arrays(1_000_000)))
            .unwrap();
        let bounded = handle
            .join()
            .expect("cutting a deep value must not overflow");
        assert_eq!(depth_of(bounded.as_json()), MAX_JSON_DEPTH);
    }

    #[test]
    fn unserializable_values_become_a_string_saying_so() {
        let mut map = std::collections::HashMap::new();
        map.insert((1, 2), "tuple keys cannot be JSON object keys");
        let Value::Str(text) = Value::serde(&map) else {
            panic!("expected a string")
        };
        assert!(text.contains("failed to serialize"), "{text}");
    }
}
