//! Checks for the own tests of backends with a queue and a writer thread (slog and tracing
//! run them all, flume some): each takes a constructor of the backend under test, set up
//! as its docs ask, and panics when the backend does not behave.
//!
//! [`queued_suite!`](crate::queued_suite) runs the checks that need no more than a
//! lossless backend; the others ([`exact_drops`], [`waits_for_room`], [`held`]) return
//! the backend so that a crate can check its own numbers too.

mod lifecycle;
mod queue;

pub use lifecycle::{
    dropping_writes_everything, last_handle_dropped_inside_the_target, open_error_names_the_path,
    refuses_logging_from_inside_the_target, writer_thread_is_named,
};
pub use queue::{
    exact_drops, flush_during_shutdown, flush_waits_for_a_slow_target, held, waits_for_room,
    write_errors_on_dev_full,
};

use std::borrow::Cow;
use std::time::{Duration, UNIX_EPOCH};

use logswap_core::format::format_record;
use logswap_core::{Backend, Error, Field, Fields, Level, Record, Target, ThreadInfo, Value};
use serde_json::json;

use crate::targets::Captured;

/// Expands to one `#[test]` per check of this module that needs only a lossless backend,
/// each building it with one of three constructors (`Fn(Target) -> Result<B, Error>`,
/// usually the name of a function): `lossless` as built by default but for the lossless
/// mode, `unbuffered` also writing each line at once (no buffer on the writer), and
/// `one_slot` also with a queue of one record.
#[macro_export]
macro_rules! queued_suite {
    (lossless: $lossless:expr, unbuffered: $unbuffered:expr, one_slot: $one_slot:expr $(,)?) => {
        #[test]
        fn writes_the_core_line_byte_for_byte() {
            $crate::queued::writes_the_core_line($lossless);
        }

        #[test]
        fn the_writer_thread_is_named_logswap_writer() {
            $crate::queued::writer_thread_is_named($lossless);
        }

        #[test]
        fn dropping_the_backend_writes_everything() {
            $crate::queued::dropping_writes_everything($lossless);
        }

        #[test]
        fn the_builder_names_a_file_it_cannot_open() {
            $crate::queued::open_error_names_the_path($lossless);
        }

        #[test]
        fn write_errors_on_dev_full_are_counted_and_returned_by_flush() {
            $crate::queued::write_errors_on_dev_full($lossless);
        }

        #[test]
        fn flush_returns_only_when_a_slow_target_has_every_line() {
            $crate::queued::flush_waits_for_a_slow_target($unbuffered);
        }

        #[test]
        fn a_flush_during_shutdown_returns_only_once_everything_is_written() {
            $crate::queued::flush_during_shutdown($unbuffered);
        }

        #[test]
        fn logging_from_inside_the_target_is_refused_not_deadlocked() {
            $crate::queued::refuses_logging_from_inside_the_target($one_slot);
        }

        #[test]
        fn the_last_handle_dropped_inside_the_target_does_not_hang() {
            $crate::queued::last_handle_dropped_inside_the_target($one_slot);
        }
    };
}

/// An `Info` record with target `app`.
pub fn record(message: &'static str, fields: impl Into<Fields>) -> Record {
    Record::new(Level::Info, "app", message, fields.into())
}

/// A record fixed in time and thread, so its line can be compared.
pub fn fixed(fields: Fields) -> Record {
    let mut record = Record::new(Level::Warn, "app::db", "query processed", fields);
    record.timestamp = UNIX_EPOCH + Duration::from_micros(1_796_397_762_123_456);
    record.thread = ThreadInfo {
        id: 7,
        name: Some("worker-7"),
    };
    record
}

/// Emits `record` through the backend and checks that its line is the core formatter's
/// line, byte for byte.
pub fn same_line<B: Backend>(build: impl FnOnce(Target) -> Result<B, Error>, record: Record) {
    let mut expected = Vec::new();
    format_record(&record, &mut expected);
    let out = Captured::default();
    let backend = build(Target::writer(out.clone())).expect("build");
    backend.emit(record);
    backend.shutdown().expect("shutdown");
    assert_eq!(out.text(), String::from_utf8(expected).unwrap());
}

/// [`same_line`] for records that try every part of the format: reserved and duplicate
/// keys, every kind of value, strings that need escaping, a thread without a name.
pub fn writes_the_core_line<B: Backend>(build: impl Fn(Target) -> Result<B, Error>) {
    let nasty = "new\nline \"quoted\" \\ nul\0 ls\u{2028}ps\u{2029} 🦀";
    same_line(
        &build,
        fixed(
            [
                Field::new("iteration", 7),
                Field::new("query_time_ms", 12.5),
                Field::new("model", "llama-3-8b"),
                Field::new("tokens", 512u32),
            ]
            .into(),
        ),
    );
    same_line(
        &build,
        fixed(
            [
                Field::new("iteration", 7),
                Field::new("msg", "user's \u{2028}"),
                Field::new("json", json!({"k": [1, null, "x\ny"]})),
            ]
            .into(),
        ),
    );
    // Reserved keys renamed, the last of equal keys kept, in both duplicate-finding paths.
    same_line(
        &build,
        fixed(
            [
                Field::new("msg", "user's"),
                Field::new("level", 3),
                Field::new("a", 1),
                Field::new("a", 2),
                Field::new("fields.msg", "literal"),
            ]
            .into(),
        ),
    );
    same_line(
        &build,
        fixed(
            (0..100)
                .map(|i| Field::new(format!("k{}", i % 40), i))
                .chain([Field::new("ts", "user's ts")])
                .collect(),
        ),
    );
    // Every kind of value, strings borrowed and owned, nested JSON, odd floats.
    same_line(
        &build,
        fixed(
            [
                Field::new("null", Value::Null),
                Field::new("yes", true),
                Field::new("negative", i64::MIN),
                Field::new("big", u64::MAX),
                Field::new("nan", f64::NAN),
                Field::new("inf", f64::NEG_INFINITY),
                Field::new("tiny", 1e-300),
                Field::new("borrowed", Value::Str(Cow::Borrowed(nasty))),
                Field::new(nasty.to_owned(), nasty.to_owned()),
                Field::new(
                    "json",
                    json!({"z": [1, -2, 3.5, null, {"k": nasty}], "a": {"b": true}}),
                ),
            ]
            .into(),
        ),
    );
    // A message and target that need escaping, and a thread without a name.
    let mut record = fixed(Fields::new());
    record.message = Cow::Owned(nasty.to_owned());
    record.target = Cow::Owned(format!("target {nasty}"));
    record.thread.name = None;
    same_line(&build, record);
}
