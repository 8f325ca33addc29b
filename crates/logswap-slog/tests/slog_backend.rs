//! What the slog backend adds to the conformance suite: the checks it shares with the
//! tracing backend (the exact line, flush against a slow target, write errors, a target
//! that calls back in), exact drop counts in both lossy modes, and its own limits.

use std::time::Duration;

use logswap_core::{Backend, Error, ErrorKind, Field, Fields, Target};
use logswap_slog::{
    Overflow, SlogBackend, DEFAULT_CHANNEL_SIZE, MAX_TOP_LEVEL_FIELDS, MORE_FIELDS_KEY,
};
use logswap_testkit::queued::{self, record};
use logswap_testkit::targets::Captured;
use serde_json::json;

/// A backend writing to `target` in `overflow` mode, with a channel of `channel_size`
/// records, its writer writing each line at once.
fn unbuffered(
    target: Target,
    overflow: Overflow,
    channel_size: usize,
) -> Result<SlogBackend, Error> {
    SlogBackend::builder()
        .target(target)
        .overflow(overflow)
        .channel_size(channel_size)
        .buffer_bytes(0)
        .build()
}

/// `Overflow::Block`, the rest as built by default.
fn block(target: Target) -> Result<SlogBackend, Error> {
    SlogBackend::builder()
        .target(target)
        .overflow(Overflow::Block)
        .build()
}

logswap_testkit::queued_suite! {
    lossless: block,
    unbuffered: |target| unbuffered(target, Overflow::Block, DEFAULT_CHANNEL_SIZE),
    one_slot: |target| unbuffered(target, Overflow::Block, 1),
}

#[test]
fn fields_beyond_the_limit_are_nested_in_call_order_under_one_key() {
    let count = MAX_TOP_LEVEL_FIELDS + 100;
    let mut fields: Fields = (0..count).map(|i| Field::new(format!("f{i}"), i)).collect();
    // A field with the nesting key's own name goes into the nested object too.
    fields.add(MORE_FIELDS_KEY, "user's");
    let out = Captured::default();
    let backend = block(Target::writer(out.clone())).expect("build");
    backend.emit(record("wide", fields));
    // Far past what slog-async's writer thread survives without the limit.
    let huge: Fields = (0..30_000)
        .map(|i| Field::new(format!("h{i}"), i))
        .collect();
    backend.emit(record("huge", huge));
    backend.shutdown().expect("shutdown");

    let lines = out.lines();
    assert_eq!(lines.len(), 2);
    let wide = &lines[0];
    let top: Vec<&str> = wide.entries.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        top.len(),
        6 + MAX_TOP_LEVEL_FIELDS,
        "reserved keys + the limit"
    );
    assert_eq!(top[6], "f0");
    assert_eq!(
        top[6 + MAX_TOP_LEVEL_FIELDS - 2],
        format!("f{}", MAX_TOP_LEVEL_FIELDS - 2)
    );
    assert_eq!(*top.last().unwrap(), MORE_FIELDS_KEY);
    let more = wide.get(MORE_FIELDS_KEY).unwrap().as_object().unwrap();
    let expected: Vec<String> = (MAX_TOP_LEVEL_FIELDS - 1..count)
        .map(|i| format!("f{i}"))
        .chain([MORE_FIELDS_KEY.to_owned()])
        .collect();
    let mut got: Vec<&String> = more.keys().collect();
    got.sort();
    let mut sorted = expected.iter().collect::<Vec<_>>();
    sorted.sort();
    assert_eq!(got, sorted, "every field beyond the limit, once");
    assert_eq!(more["f1100"], json!(1100));
    assert_eq!(more[MORE_FIELDS_KEY], json!("user's"));
    let nested = serde_json::to_string(wide.get(MORE_FIELDS_KEY).unwrap()).unwrap();
    assert!(
        nested.find("\"f1023\"").unwrap() < nested.find("\"f1123\"").unwrap(),
        "call order is kept: {nested:.200}"
    );
    let huge = &lines[1];
    assert_eq!(huge.u64("h0"), Some(0));
    assert_eq!(huge.get(MORE_FIELDS_KEY).unwrap()["h29999"], json!(29_999));
}

/// With the writer held inside a write, one record taken and `CHANNEL` waiting, every
/// further record is turned away: the count must be exact.
fn check_exact_drops(overflow: Overflow) {
    const CHANNEL: usize = 4;
    let build = |target| unbuffered(target, overflow, CHANNEL);
    let backend = queued::exact_drops(build, CHANNEL, |backend| {
        let stats = backend.stats();
        assert_eq!(stats.queue_depth, Some(CHANNEL as u64 + 1), "{stats:?}");
    });
    backend.shutdown().unwrap();
    assert_eq!(backend.stats().queue_depth, Some(0));
}

#[test]
fn drop_counts_every_record_a_full_channel_turns_away() {
    check_exact_drops(Overflow::Drop);
}

#[test]
fn drop_and_report_counts_the_same_and_writes_no_extra_line() {
    check_exact_drops(Overflow::DropAndReport);
}

#[test]
fn block_waits_for_room_and_loses_nothing() {
    let backend = queued::waits_for_room(|target| unbuffered(target, Overflow::Block, 1));
    let stats = backend.stats();
    assert!(stats.blocked > Duration::ZERO, "callers waited: {stats:?}");
    assert!(stats.queue_high_water >= Some(1), "{stats:?}");
}

#[test]
fn builder_errors_name_the_problem() {
    let err = SlogBackend::builder()
        .target(Target::Stderr)
        .channel_size(0)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
}

#[test]
fn the_defaults_are_slog_asyncs() {
    let backend = SlogBackend::builder()
        .target(Target::Stderr)
        .build()
        .unwrap();
    assert_eq!(backend.overflow(), Overflow::DropAndReport);
    assert_eq!(backend.channel_size(), 128);
    assert_eq!(backend.name(), "slog");
    backend.shutdown().unwrap();
    assert_eq!(
        backend.flush().unwrap_err().kind(),
        ErrorKind::ShutDown,
        "a flush after shutdown says so"
    );
}
