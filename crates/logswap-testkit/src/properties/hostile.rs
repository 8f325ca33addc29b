//! Hostile input: strings, sizes, numbers and keys that try to break a line or forge one.

use std::borrow::Cow;

use logswap_core::format::{RENAMED_KEY_PREFIX, RESERVED_KEYS};
use logswap_core::{Field, Fields, Level, Value, DEPTH_CUT_MARKER};
use serde_json::json;

use super::{assert_balanced, FileBackend};
use crate::deadline::within_deadline;
use crate::{read_lines, Factory, LogLine};

/// Every character that has broken a log line somewhere.
const NASTY: &str = "new\nline carriage\rreturn tab\t nul\0 quote\" backslash\\ ls\u{2028}ps\u{2029} emoji🦀 bell\u{7} {\"forged\":\"record\"}\n{\"level\":\"ERROR\"}";

/// How deep the nested JSON value goes.
const NESTING: usize = 10_000;

/// One record of the hostile set, and what its line must say.
struct Case {
    name: &'static str,
    message: String,
    fields: Fields,
    check: fn(&LogLine, &Case),
}

fn cases() -> Vec<Case> {
    let mut many_fields = Fields::new();
    for i in 0..1000 {
        many_fields.add(format!("field_{i}"), i);
    }
    let mut reserved = Fields::new();
    for key in RESERVED_KEYS {
        reserved.add(key, format!("user's {key}"));
    }
    let big: String = (0..1024 * 1024)
        .map(|i| if i % 1000 == 999 { '\n' } else { 'x' })
        .collect();
    vec![
        Case {
            name: "nasty characters in message, key and value",
            message: NASTY.to_owned(),
            fields: [
                Field::new(NASTY.to_owned(), NASTY.to_owned()),
                Field::new("plain", Value::Str(Cow::Borrowed(NASTY))),
            ]
            .into(),
            check: |line, case| {
                assert_eq!(line.str(NASTY), Some(NASTY), "{}", case.name);
                assert_eq!(line.str("plain"), Some(NASTY), "{}", case.name);
            },
        },
        Case {
            name: "a 1 MiB message with newlines",
            message: big,
            fields: Fields::new(),
            check: |_, _| {},
        },
        Case {
            name: "1,000 fields",
            message: "many fields".into(),
            fields: many_fields,
            check: |line, case| {
                for i in 0..1000u64 {
                    assert_eq!(line.u64(&format!("field_{i}")), Some(i), "{}", case.name);
                }
            },
        },
        Case {
            name: "NaN and infinities",
            message: "non-finite".into(),
            fields: [
                Field::new("nan", f64::NAN),
                Field::new("inf", f64::INFINITY),
                Field::new("neg_inf", f64::NEG_INFINITY),
                Field::new("finite", 0.1),
            ]
            .into(),
            check: |line, case| {
                for key in ["nan", "inf", "neg_inf"] {
                    assert_eq!(
                        line.get(key),
                        Some(&serde_json::Value::Null),
                        "{}: {key}",
                        case.name
                    );
                }
                assert_eq!(line.get("finite"), Some(&json!(0.1)));
            },
        },
        Case {
            name: "user keys equal to reserved keys",
            message: "reserved".into(),
            fields: reserved,
            check: |line, case| {
                assert_eq!(
                    line.str("msg"),
                    Some("reserved"),
                    "{}: the real message",
                    case.name
                );
                assert_eq!(line.str("level"), Some("WARN"), "{}", case.name);
                for key in RESERVED_KEYS {
                    let renamed = format!("{RENAMED_KEY_PREFIX}{key}");
                    assert_eq!(
                        line.str(&renamed),
                        Some(format!("user's {key}").as_str()),
                        "{}",
                        case.name
                    );
                }
            },
        },
        Case {
            name: "nested JSON strings and objects",
            message: "json".into(),
            fields: [Field::new(
                "obj",
                json!({"text": NASTY, "list": [1, "two", null, {"k": NASTY}]}),
            )]
            .into(),
            check: |line, case| {
                assert_eq!(
                    line.get("obj"),
                    Some(&json!({"text": NASTY, "list": [1, "two", null, {"k": NASTY}]})),
                    "{}",
                    case.name
                );
            },
        },
    ]
}

/// Builds `depth` nested arrays without recursion.
fn nested_arrays(depth: usize) -> serde_json::Value {
    let mut value = json!("bottom");
    for _ in 0..depth {
        value = serde_json::Value::Array(vec![value]);
    }
    value
}

/// Each hostile record stays exactly one line that serde_json parses back to the same
/// strings, with no key twice and reserved keys holding the record's own values. A JSON
/// value nested 10,000 deep, logged from a thread with a 2 MiB stack, stays one valid line,
/// cut with [`DEPTH_CUT_MARKER`] at the documented depth.
pub fn hostile_input(factory: impl Factory) {
    within_deadline("hostile_input", move || {
        let under_test = FileBackend::new(&factory);
        let cases = cases();
        for case in &cases {
            under_test.log.log(
                Level::Warn,
                case.message.clone(),
                case.fields.iter().cloned(),
            );
        }
        let log = under_test.log.clone();
        std::thread::Builder::new()
            .name("small-stack".into())
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let deep = nested_arrays(NESTING);
                log.log(Level::Warn, "deep", [Field::new("deep", deep)]);
            })
            .expect("spawn")
            .join()
            .expect("logging a deep value must not crash a 2 MiB thread");
        under_test.log.shutdown().expect("shutdown");

        let lines = read_lines(&under_test.path);
        assert_eq!(
            lines.len(),
            cases.len() + 1,
            "every record is exactly one line"
        );
        for (line, case) in lines.iter().zip(&cases) {
            line.check_reserved_keys().unwrap();
            assert_eq!(
                line.str("msg"),
                Some(case.message.as_str()),
                "{}: message round trip",
                case.name
            );
            (case.check)(line, case);
        }
        let deep_line = lines.last().unwrap();
        let mut level = deep_line.get("deep").expect("the deep field");
        let mut depth = 0;
        while let Some(inner) = level.as_array().and_then(|a| a.first()) {
            level = inner;
            depth += 1;
        }
        assert_eq!(
            level,
            &json!(DEPTH_CUT_MARKER),
            "cut at depth {depth} with the marker"
        );
        assert_balanced(&*under_test.backend);
    })
}
