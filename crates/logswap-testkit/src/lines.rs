//! Reading a log file back: every line parsed as JSON, duplicate keys detected.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// One line of a log file, parsed, with its keys in the order they were written.
#[derive(Debug, Clone)]
pub struct LogLine {
    /// The keys and values, in file order; a key written twice appears twice here.
    pub entries: Vec<(String, Value)>,
}

impl LogLine {
    /// Parses one line (without its `\n`), failing on invalid JSON, on a value that is
    /// not an object, and on a key written twice.
    pub fn parse(line: &str) -> Result<LogLine, String> {
        let parsed: LogLine = serde_json::from_str(line)
            .map_err(|e| format!("not a JSON object ({e}): {}", preview(line)))?;
        let mut seen = HashSet::new();
        for (key, _) in &parsed.entries {
            if !seen.insert(key.as_str()) {
                return Err(format!("key {key:?} appears twice: {}", preview(line)));
            }
        }
        Ok(parsed)
    }

    /// The value of `key`, if the line has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The string value of `key`, if it is a string.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// The unsigned value of `key`, if it is one.
    pub fn u64(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(Value::as_u64)
    }

    /// Checks that the reserved keys of the line format are there with the right types.
    pub fn check_reserved_keys(&self) -> Result<(), String> {
        for key in ["ts", "level", "target", "msg"] {
            if self.str(key).is_none() {
                return Err(format!("missing or non-string {key:?} in {self:?}"));
            }
        }
        if self.u64("thread_id").is_none() {
            return Err(format!("missing or non-numeric \"thread_id\" in {self:?}"));
        }
        Ok(())
    }
}

/// Asserts that `lines` hold, for each of `producers` producers (field `producer`, from 0),
/// the sequence numbers (field `seq`) 0 to `per_producer` - 1, in order: none missing,
/// none repeated, none out of order, and no line from another producer.
pub fn assert_each_producer_in_order(lines: &[LogLine], producers: usize, per_producer: u64) {
    let mut next_seq = vec![0u64; producers];
    for line in lines {
        let producer = line.u64("producer").expect("producer field") as usize;
        assert!(
            producer < producers,
            "unknown producer {producer} in {line:?}"
        );
        assert_eq!(
            line.u64("seq"),
            Some(next_seq[producer]),
            "producer {producer}: sequence out of order or missing"
        );
        next_seq[producer] += 1;
    }
    assert!(
        next_seq.iter().all(|&n| n == per_producer),
        "incomplete: {next_seq:?}, expected {per_producer} each"
    );
}

/// Reads `path` and parses every line; panics naming the line that fails, or on a last
/// line without its `\n`.
pub fn read_lines(path: &Path) -> Vec<LogLine> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    if !text.is_empty() {
        assert!(
            text.ends_with('\n'),
            "the last line has no newline: {}",
            preview(&text[text.len().saturating_sub(200)..])
        );
    }
    text.lines()
        .enumerate()
        .map(|(i, line)| LogLine::parse(line).unwrap_or_else(|e| panic!("line {}: {e}", i + 1)))
        .collect()
}

fn preview(line: &str) -> String {
    let mut end = line.len().min(300);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{:?}{}",
        &line[..end],
        if end < line.len() { "..." } else { "" }
    )
}

impl<'de> Deserialize<'de> for LogLine {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;

        impl<'de> Visitor<'de> for Entries {
            type Value = LogLine;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LogLine, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(LogLine { entries })
            }
        }

        deserializer.deserialize_map(Entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_and_broken_lines_are_rejected() {
        assert!(LogLine::parse(r#"{"a":1,"a":2}"#)
            .unwrap_err()
            .contains("twice"));
        assert!(LogLine::parse(r#"{"a":1"#).is_err());
        assert!(LogLine::parse("[1]").is_err());
        assert_eq!(
            LogLine::parse(r#"{"a":1,"b":"x"}"#).unwrap().str("b"),
            Some("x")
        );
    }
}
