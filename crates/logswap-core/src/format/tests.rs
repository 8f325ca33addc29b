//! Tests of the line format: exact lines, renamed and duplicate keys, odd values.

use std::time::{Duration, UNIX_EPOCH};

use std::borrow::Cow;

use super::*;
use crate::field::Fields;
use crate::level::Level;
use crate::record::ThreadInfo;

fn line(fields: Fields) -> String {
    let mut record = Record::new(Level::Info, "app", "query processed", fields);
    record.timestamp = UNIX_EPOCH + Duration::from_micros(1_796_397_762_123_456);
    record.thread = ThreadInfo {
        id: 1,
        name: Some("main"),
    };
    let mut out = Vec::new();
    format_record(&record, &mut out);
    String::from_utf8(out).unwrap()
}

fn check(fields: impl Into<Fields>, expected_tail: &str) {
    let head = r#"{"ts":"2026-12-04T15:22:42.123456Z","level":"INFO","target":"app","msg":"query processed","thread_id":1,"thread_name":"main""#;
    assert_eq!(line(fields.into()), format!("{head}{expected_tail}}}\n"));
}

#[test]
fn writes_the_documented_line() {
    check(
        [
            Field::new("iteration", 7),
            Field::new("query_time_ms", 12.5),
            Field::new("model", "llama-3-8b"),
            Field::new("tokens", 512u32),
        ],
        r#","iteration":7,"query_time_ms":12.5,"model":"llama-3-8b","tokens":512"#,
    );
}

#[test]
fn omits_thread_name_when_the_thread_has_none() {
    let mut record = Record::new(Level::Warn, "t", "m", Fields::new());
    record.thread = ThreadInfo { id: 9, name: None };
    let mut out = Vec::new();
    format_record(&record, &mut out);
    let text = String::from_utf8(out).unwrap();
    assert!(text.ends_with("\"msg\":\"m\",\"thread_id\":9}\n"), "{text}");
}

#[test]
fn reserved_keys_are_renamed_and_the_last_duplicate_wins() {
    check(
        [Field::new("msg", "user's"), Field::new("level", 3)],
        r#","fields.msg":"user's","fields.level":3"#,
    );
    check(
        [Field::new("a", 1), Field::new("b", 2), Field::new("a", 3)],
        r#","b":2,"a":3"#,
    );
    // A literal "fields.msg" collides with the renamed "msg".
    check(
        [Field::new("msg", 1), Field::new("fields.msg", 2)],
        r#","fields.msg":2"#,
    );
}

#[test]
fn many_duplicate_keys_are_resolved_the_same_way() {
    let fields: Fields = (0..1000)
        .map(|i| Field::new(format!("k{}", i % 10), i))
        .collect();
    let text = line(fields);
    let expected: String = (990..1000)
        .map(|i| format!(r#","k{}":{i}"#, i % 10))
        .collect();
    assert!(text.ends_with(&format!("{expected}}}\n")), "{text}");
}

#[test]
fn non_finite_floats_are_null() {
    check(
        [
            Field::new("nan", f64::NAN),
            Field::new("inf", f64::INFINITY),
            Field::new("neg", f64::NEG_INFINITY),
            Field::new("tiny", 1e-300),
        ],
        r#","nan":null,"inf":null,"neg":null,"tiny":1e-300"#,
    );
}

#[test]
fn json_values_match_serde_json() {
    let json =
        serde_json::json!({"a": [1, -2, 3.5, null, true], "b": {"c": "d\n\"e\""}, "u": u64::MAX});
    check(
        [Field::new("obj", json.clone())],
        &format!(",\"obj\":{}", serde_json::to_string(&json).unwrap()),
    );
}

#[test]
fn keys_are_escaped() {
    check([Field::new("a\"b\nc", 1)], r#","a\"b\nc":1"#);
}

#[test]
fn the_reserved_key_test_agrees_with_the_published_list() {
    for key in RESERVED_KEYS {
        assert!(is_reserved(key), "{key}");
    }
    for key in ["", "t", "tss", "Level", "thread", "fields.msg", "msg "] {
        assert!(!is_reserved(key), "{key}");
    }
}

/// The same record with every string owned instead of `'static`, so nothing of it is
/// taken from the per-thread caches.
fn owned_copy(record: &Record) -> Record {
    let mut copy = record.clone();
    copy.target = Cow::Owned(record.target.to_string());
    copy.message = Cow::Owned(record.message.to_string());
    copy.fields = record
        .fields
        .iter()
        .map(|field| Field::new(field.key.to_string(), field.value.clone()))
        .collect();
    copy
}

fn formatted(record: &Record) -> String {
    let mut out = Vec::new();
    format_record(record, &mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn cached_and_uncached_pieces_write_the_same_bytes() {
    let long_target: &'static str =
        "a::very::long::module::path::that::does::not::fit::in::a::head";
    let long_name: &'static str = "a-thread-name-much-too-long-to-fit-in-the-thread-fragment";
    let odd_key: &'static str = "key \"quoted\"\n";
    let mut records = Vec::new();
    let long_message: &'static str =
        "a message long enough that the head fragment cannot hold it together with a target";
    let cases = [
        ("app", "message"),
        (long_target, "message"),
        ("app", long_message),
        ("tab\there", "message"),
        ("é", "a \"quoted\" message"),
        ("app", "line\u{2028}separator"),
    ];
    for (target, message) in cases {
        for name in [Some("main"), None, Some(long_name), Some("new\nline")] {
            for level in [Level::Trace, Level::Info, Level::Error] {
                let mut record = Record::new(
                    level,
                    target,
                    message,
                    [
                        Field::new("msg", 1),
                        Field::new(odd_key, 2),
                        Field::new("tokens", 3u64),
                        Field::new("key_of_exactly_28_bytes_long", 4),
                        Field::new("a_key_much_too_long_to_fit_in_a_key_fragment", 5),
                        Field::new("fields.level", 6),
                        Field::new("level", 7),
                    ]
                    .into(),
                );
                record.thread = ThreadInfo { id: 42, name };
                records.push(record);
            }
        }
    }
    // Twice over: the first pass fills the caches, the second reads from them.
    for _ in 0..2 {
        for record in &records {
            let cached = formatted(record);
            assert_eq!(cached, formatted(&owned_copy(record)));
            let parsed: serde_json::Value = serde_json::from_str(&cached).unwrap();
            assert_eq!(parsed["target"], *record.target);
            assert_eq!(parsed["msg"], *record.message);
            assert_eq!(parsed[odd_key], 2);
            assert_eq!(
                parsed["fields.level"], 7,
                "the renamed key wins over the literal one"
            );
            match record.thread.name {
                Some(name) => assert_eq!(parsed["thread_name"], name),
                None => assert!(parsed.get("thread_name").is_none()),
            }
        }
    }
}

#[test]
fn many_distinct_static_keys_evict_each_other_without_mixing_them_up() {
    // More keys than the key cache holds, leaked so they are `'static` at distinct places.
    let keys: Vec<&'static str> = (0..500)
        .map(|i| &*Box::leak(format!("key_{i}").into_boxed_str()))
        .collect();
    for round in 0..3 {
        for chunk in keys.chunks(7) {
            let fields: Fields = chunk.iter().map(|&key| Field::new(key, round)).collect();
            let record = Record::new(Level::Info, "app", "m", fields);
            let parsed: serde_json::Value = serde_json::from_str(&formatted(&record)).unwrap();
            for key in chunk {
                assert_eq!(parsed[*key], round, "{key}");
            }
        }
    }
}

#[test]
fn the_quick_distinct_keys_test_never_says_distinct_wrongly() {
    let fields = |keys: &[&'static str]| -> Vec<Field> {
        keys.iter().map(|&key| Field::new(key, 1)).collect()
    };
    assert!(keys_surely_distinct(&fields(&[
        "iteration",
        "model",
        "tokens",
        "seq"
    ])));
    assert!(keys_surely_distinct(&fields(&[])));
    // Same length: maybe equal, so "not sure".
    assert!(!keys_surely_distinct(&fields(&["a", "b"])));
    // A literal "fields." key can meet a renamed reserved key of another length.
    assert!(!keys_surely_distinct(&fields(&["msg", "fields.msg"])));
    // Too long to fit the length mask.
    let long: &'static str = Box::leak("k".repeat(200).into_boxed_str());
    assert!(!keys_surely_distinct(&fields(&["a", long])));
}

#[test]
fn a_thread_without_a_name_and_one_named_empty_are_not_mixed_up() {
    for order in [[None, Some("")], [Some(""), None]] {
        for name in order {
            let mut record = Record::new(Level::Info, "app", "m", Fields::new());
            record.thread = ThreadInfo { id: 77, name };
            let parsed: serde_json::Value = serde_json::from_str(&formatted(&record)).unwrap();
            match name {
                Some(name) => assert_eq!(parsed["thread_name"], name),
                None => assert!(parsed.get("thread_name").is_none(), "{parsed}"),
            }
        }
    }
}
