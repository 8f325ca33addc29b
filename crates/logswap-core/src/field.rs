//! Key-value pairs: `Field`, and `Fields`, a small vector with room for eight inline.

use std::borrow::Cow;
use std::ops::{Deref, DerefMut};

use smallvec::SmallVec;

use crate::value::Value;

/// One key-value pair of a record. Keys are `Cow<'static, str>`, so literal keys cost
/// nothing to copy.
///
/// ```
/// use logswap_core::{Field, Value};
///
/// let field = Field::new("tokens", 512);
/// assert_eq!(field.key, "tokens");
/// assert_eq!(field.value, Value::I64(512));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The key. A key equal to a reserved key (see [`crate::format::RESERVED_KEYS`]) is
    /// written with the [`crate::format::RENAMED_KEY_PREFIX`] in front of it.
    pub key: Cow<'static, str>,
    /// The value.
    pub value: Value,
}

impl Field {
    /// A field from anything that converts into a key and a [`Value`].
    pub fn new(key: impl Into<Cow<'static, str>>, value: impl Into<Value>) -> Self {
        Field {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// How many fields a [`Fields`] holds without a heap allocation.
pub const INLINE_FIELDS: usize = 8;

/// The fields of a record, in call order: up to [`INLINE_FIELDS`] live inline, so a
/// typical record costs no allocation for its fields.
///
/// ```
/// use logswap_core::{Field, Fields};
///
/// let fields: Fields = [Field::new("iteration", 7), Field::new("model", "llama-3-8b")].into();
/// assert_eq!(fields.len(), 2);
/// assert!(!fields.spilled());
/// assert_eq!(fields[1].key, "model");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(SmallVec<[Field; INLINE_FIELDS]>);

impl Fields {
    /// No fields.
    pub const fn new() -> Self {
        Fields(SmallVec::new_const())
    }

    /// No fields, made at run time: the `const` [`Fields::new`], called outside a
    /// constant, can be materialized as a constant whose uninitialized inline space is
    /// zeroed first (a ~400-byte memset per record, seen in callgrind).
    #[inline]
    pub(crate) fn empty() -> Self {
        Fields(SmallVec::new())
    }

    /// Appends a field.
    pub fn push(&mut self, field: Field) {
        self.0.push(field);
    }

    /// Appends a field from a key and a value.
    pub fn add(&mut self, key: impl Into<Cow<'static, str>>, value: impl Into<Value>) {
        self.0.push(Field::new(key, value));
    }

    /// Whether the fields outgrew the inline space and moved to the heap.
    pub fn spilled(&self) -> bool {
        self.0.spilled()
    }

    /// Keeps the first `len` fields and drops the rest.
    pub fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    /// Removes every field, keeping the space.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl Deref for Fields {
    type Target = [Field];

    fn deref(&self) -> &[Field] {
        &self.0
    }
}

impl DerefMut for Fields {
    fn deref_mut(&mut self) -> &mut [Field] {
        &mut self.0
    }
}

impl Extend<Field> for Fields {
    fn extend<I: IntoIterator<Item = Field>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl FromIterator<Field> for Fields {
    fn from_iter<I: IntoIterator<Item = Field>>(iter: I) -> Self {
        Fields(iter.into_iter().collect())
    }
}

impl From<Vec<Field>> for Fields {
    fn from(fields: Vec<Field>) -> Self {
        Fields(SmallVec::from_vec(fields))
    }
}

impl<const N: usize> From<[Field; N]> for Fields {
    fn from(fields: [Field; N]) -> Self {
        fields.into_iter().collect()
    }
}

impl IntoIterator for Fields {
    type Item = Field;
    type IntoIter = IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        IntoIter(self.0.into_iter())
    }
}

/// The owning iterator of [`Fields`].
#[derive(Debug)]
pub struct IntoIter(smallvec::IntoIter<[Field; INLINE_FIELDS]>);

impl Iterator for IntoIter {
    type Item = Field;

    fn next(&mut self) -> Option<Field> {
        self.0.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = &'a Field;
    type IntoIter = std::slice::Iter<'a, Field>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
