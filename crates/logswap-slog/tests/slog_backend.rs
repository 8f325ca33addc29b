//! What the slog backend adds to the conformance suite: the exact line, exact drop counts
//! in both lossy modes, flush against a slow target, write errors, and its own limits.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, UNIX_EPOCH};

use logswap_core::format::format_record;
use logswap_core::{Backend, ErrorKind, Field, Fields, Level, Record, Target, ThreadInfo, Value};
use logswap_slog::{Overflow, SlogBackend, MAX_TOP_LEVEL_FIELDS, MORE_FIELDS_KEY};
use logswap_testkit::targets::{Captured, Gated, Release, Slow};
use serde_json::json;

fn backend(target: impl Write + Send + 'static, overflow: Overflow) -> SlogBackend {
    SlogBackend::builder()
        .target(Target::writer(target))
        .overflow(overflow)
        .build()
        .expect("build")
}

fn record(message: &'static str, fields: impl Into<Fields>) -> Record {
    Record::new(Level::Info, "app", message, fields.into())
}

/// A record fixed in time and thread, so its line can be compared.
fn fixed(fields: Fields) -> Record {
    let mut record = Record::new(Level::Warn, "app::db", "query processed", fields);
    record.timestamp = UNIX_EPOCH + Duration::from_micros(1_796_397_762_123_456);
    record.thread = ThreadInfo {
        id: 7,
        name: Some("worker-7"),
    };
    record
}

/// Emits `record` through the slog backend and checks that its line is the core
/// formatter's line, byte for byte.
fn check_same_line(record: Record) {
    let mut expected = Vec::new();
    format_record(&record, &mut expected);
    let out = Captured::default();
    let backend = backend(out.clone(), Overflow::Block);
    backend.emit(record);
    backend.shutdown().expect("shutdown");
    assert_eq!(out.text(), String::from_utf8(expected).unwrap());
}

#[test]
fn writes_the_core_line_byte_for_byte() {
    let nasty = "new\nline \"quoted\" \\ nul\0 ls\u{2028}ps\u{2029} 🦀";
    check_same_line(fixed(
        [
            Field::new("iteration", 7),
            Field::new("query_time_ms", 12.5),
            Field::new("model", "llama-3-8b"),
            Field::new("tokens", 512u32),
        ]
        .into(),
    ));
    // Reserved keys renamed, the last of equal keys kept, in both duplicate-finding paths.
    check_same_line(fixed(
        [
            Field::new("msg", "user's"),
            Field::new("level", 3),
            Field::new("a", 1),
            Field::new("a", 2),
            Field::new("fields.msg", "literal"),
        ]
        .into(),
    ));
    check_same_line(fixed(
        (0..100)
            .map(|i| Field::new(format!("k{}", i % 40), i))
            .chain([Field::new("ts", "user's ts")])
            .collect(),
    ));
    // Every kind of value, strings borrowed and owned, nested JSON, odd floats.
    check_same_line(fixed(
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
    ));
    // A message and target that need escaping, and a thread without a name.
    let mut record = fixed(Fields::new());
    record.message = Cow::Owned(nasty.to_owned());
    record.target = Cow::Owned(format!("target {nasty}"));
    record.thread.name = None;
    check_same_line(record);
}

#[test]
fn fields_beyond_the_limit_are_nested_in_call_order_under_one_key() {
    let count = MAX_TOP_LEVEL_FIELDS + 100;
    let mut fields: Fields = (0..count).map(|i| Field::new(format!("f{i}"), i)).collect();
    // A field with the nesting key's own name goes into the nested object too.
    fields.add(MORE_FIELDS_KEY, "user's");
    let out = Captured::default();
    let backend = backend(out.clone(), Overflow::Block);
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

/// With the writer held inside a write, one record taken and `channel` waiting, every
/// further record is turned away: the count must be exact.
fn check_exact_drops(overflow: Overflow) {
    const CHANNEL: usize = 4;
    let (gated, waiting) = Gated::new();
    let backend = SlogBackend::builder()
        .target(Target::writer(gated.clone()))
        .overflow(overflow)
        .channel_size(CHANNEL)
        .buffer_bytes(0)
        .build()
        .unwrap();
    let _release = Release(gated.clone());
    backend.emit(record("first", [Field::new("seq", 0)]));
    waiting
        .recv_timeout(Duration::from_secs(10))
        .expect("the writer reaches the target");
    for seq in 1..=50 {
        backend.emit(record("burst", [Field::new("seq", seq)]));
    }
    let stats = backend.stats();
    assert_eq!(
        (stats.emitted, stats.dropped),
        (51, 50 - CHANNEL as u64),
        "{stats:?}"
    );
    assert_eq!(stats.queue_depth, Some(CHANNEL as u64 + 1), "{stats:?}");
    gated.release();
    backend.flush().expect("flush");
    let stats = backend.stats();
    assert_eq!(stats.written, 1 + CHANNEL as u64, "{stats:?}");
    assert_eq!(stats.emitted, stats.written + stats.dropped);
    let seqs: Vec<u64> = gated
        .out
        .lines()
        .iter()
        .map(|l| l.u64("seq").unwrap())
        .collect();
    assert_eq!(seqs, (0..=CHANNEL as u64).collect::<Vec<_>>());
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
    let out = Slow {
        out: Captured::default(),
        delay: Duration::from_micros(200),
    };
    let backend = Arc::new(
        SlogBackend::builder()
            .target(Target::writer(out.clone()))
            .overflow(Overflow::Block)
            .channel_size(1)
            .buffer_bytes(0)
            .build()
            .unwrap(),
    );
    let producers: Vec<_> = (0..4u64)
        .map(|producer| {
            let backend = backend.clone();
            thread::spawn(move || {
                for seq in 0..100u64 {
                    backend.emit(record(
                        "blocked",
                        [Field::new("producer", producer), Field::new("seq", seq)],
                    ));
                }
            })
        })
        .collect();
    for producer in producers {
        producer.join().unwrap();
    }
    backend.shutdown().unwrap();
    let stats = backend.stats();
    assert_eq!((stats.emitted, stats.written, stats.dropped), (400, 400, 0));
    assert!(stats.blocked > Duration::ZERO, "callers waited: {stats:?}");
    assert!(stats.queue_high_water >= Some(1), "{stats:?}");
    let mut next = [0u64; 4];
    for line in out.out.lines() {
        let producer = line.u64("producer").unwrap() as usize;
        assert_eq!(
            line.u64("seq"),
            Some(next[producer]),
            "in order per producer"
        );
        next[producer] += 1;
    }
    assert_eq!(next, [100; 4]);
}

#[test]
fn flush_returns_only_when_a_slow_target_has_every_line() {
    let out = Slow {
        out: Captured::default(),
        delay: Duration::from_millis(5),
    };
    let backend = SlogBackend::builder()
        .target(Target::writer(out.clone()))
        .overflow(Overflow::Block)
        .buffer_bytes(0)
        .build()
        .unwrap();
    for seq in 0..20 {
        backend.emit(record("slow", [Field::new("seq", seq)]));
    }
    backend.flush().expect("flush");
    assert_eq!(
        out.out.lines().len(),
        20,
        "every line is there when flush returns"
    );
    backend.shutdown().unwrap();
}

#[test]
fn write_errors_on_dev_full_are_counted_and_returned_by_flush() {
    let backend = SlogBackend::builder()
        .target(Target::file("/dev/full"))
        .overflow(Overflow::Block)
        .build()
        .expect("/dev/full opens; its writes fail");
    for seq in 0..10 {
        backend.emit(record("full", [Field::new("seq", seq)]));
    }
    let err = backend.flush().expect_err("the flush's write failed");
    assert_eq!(err.kind(), ErrorKind::Write);
    assert!(err.to_string().contains("/dev/full"), "{err}");
    let stats = backend.stats();
    assert!(stats.write_errors >= 1, "{stats:?}");
    assert_eq!((stats.written, stats.dropped), (0, 10), "{stats:?}");
    // The writer goes on: later records are tried, and counted, too.
    backend.emit(record("full", [Field::new("seq", 10)]));
    assert!(backend.shutdown().is_err(), "the last flush failed too");
    let stats = backend.stats();
    assert_eq!((stats.emitted, stats.dropped), (11, 11), "{stats:?}");
}

#[test]
fn the_writer_thread_is_named_logswap_writer() {
    #[derive(Clone, Default)]
    struct Names(Arc<Mutex<Vec<String>>>);
    impl Write for Names {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            let name = thread::current().name().unwrap_or("").to_owned();
            self.0.lock().unwrap().push(name);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let names = Names::default();
    let backend = backend(names.clone(), Overflow::Block);
    backend.emit(record("named", Fields::new()));
    backend.shutdown().unwrap();
    let names = names.0.lock().unwrap();
    assert!(!names.is_empty());
    assert!(
        names.iter().all(|name| name == "logswap-writer"),
        "{names:?}"
    );
}

#[test]
fn dropping_the_backend_writes_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dropped.log");
    let backend = SlogBackend::builder()
        .target(Target::file(&path))
        .overflow(Overflow::Block)
        .build()
        .unwrap();
    for seq in 0..500 {
        backend.emit(record("dropped", [Field::new("seq", seq)]));
    }
    drop(backend);
    assert_eq!(logswap_testkit::read_lines(&path).len(), 500);
}

#[test]
fn logging_from_inside_the_target_is_refused_not_deadlocked() {
    /// A target that logs and flushes through the backend it belongs to.
    #[derive(Clone)]
    struct Reentrant {
        out: Captured,
        backend: Arc<OnceLock<Arc<SlogBackend>>>,
        flush_errors: Arc<Mutex<Vec<ErrorKind>>>,
    }
    impl Write for Reentrant {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            if let Some(backend) = self.backend.get() {
                backend.emit(record("from the target", Fields::new()));
                if let Err(err) = backend.flush() {
                    self.flush_errors.lock().unwrap().push(err.kind());
                }
            }
            self.out.write(bytes)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let target = Reentrant {
        out: Captured::default(),
        backend: Arc::new(OnceLock::new()),
        flush_errors: Arc::default(),
    };
    // Block mode with a channel of one: a record sent from the writer thread would wait
    // for the writer thread forever.
    let backend = Arc::new(
        SlogBackend::builder()
            .target(Target::writer(target.clone()))
            .overflow(Overflow::Block)
            .channel_size(1)
            .buffer_bytes(0)
            .build()
            .unwrap(),
    );
    let _ = target.backend.set(backend.clone());
    for _ in 0..3 {
        backend.emit(record("outer", Fields::new()));
    }
    backend.flush().expect("flush from outside works");
    let stats = backend.stats();
    assert_eq!((stats.written, stats.dropped), (3, 3), "{stats:?}");
    assert_eq!(
        *target.flush_errors.lock().unwrap(),
        vec![ErrorKind::WouldDeadlock; 3]
    );
    // The target holds the backend; shutting down breaks the cycle.
    backend.shutdown().unwrap();
    let stats = backend.stats();
    assert_eq!(stats.emitted, stats.written + stats.dropped);
}

#[test]
fn builder_errors_name_the_problem() {
    let err = SlogBackend::builder()
        .target(Target::Stderr)
        .channel_size(0)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, b"").unwrap();
    let path = blocker.join("app.log");
    let err = SlogBackend::builder()
        .target(Target::file(&path))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Open);
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
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

#[test]
fn a_flush_during_shutdown_returns_only_once_everything_is_written() {
    let out = Slow {
        out: Captured::default(),
        delay: Duration::from_millis(2),
    };
    let backend = Arc::new(
        SlogBackend::builder()
            .target(Target::writer(out.clone()))
            .overflow(Overflow::Block)
            .buffer_bytes(0)
            .build()
            .unwrap(),
    );
    for seq in 0..50 {
        backend.emit(record("draining", [Field::new("seq", seq)]));
    }
    let shutting_down = {
        let backend = backend.clone();
        thread::spawn(move || backend.shutdown())
    };
    thread::sleep(Duration::from_millis(20));
    // Usually the shutdown is draining by now, and the flush says so; either way, when it
    // returns every record emitted before it is in the target.
    match backend.flush() {
        Ok(()) => {}
        Err(err) => assert_eq!(err.kind(), ErrorKind::ShutDown),
    }
    assert_eq!(out.out.lines().len(), 50);
    shutting_down.join().unwrap().expect("shutdown");
}

#[test]
fn the_last_handle_dropped_inside_the_target_does_not_hang() {
    /// Holds the backend until its first write, then drops it: the last handle.
    #[derive(Clone)]
    struct LastHandle {
        gated: Gated,
        slot: Arc<Mutex<Option<Arc<SlogBackend>>>>,
    }
    impl Write for LastHandle {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            let written = self.gated.write(bytes);
            drop(self.slot.lock().unwrap().take());
            written
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let (gated, waiting) = Gated::new();
    let target = LastHandle {
        gated: gated.clone(),
        slot: Arc::default(),
    };
    let _release = Release(gated.clone());
    // Room for one record: with the writer held, the second record fills the queue, so a
    // guard dropped on the writer thread would wait for itself.
    let backend = Arc::new(
        SlogBackend::builder()
            .target(Target::writer(target.clone()))
            .overflow(Overflow::Block)
            .channel_size(1)
            .buffer_bytes(0)
            .build()
            .unwrap(),
    );
    *target.slot.lock().unwrap() = Some(backend.clone());
    backend.emit(record("first", [Field::new("seq", 0)]));
    waiting
        .recv_timeout(Duration::from_secs(10))
        .expect("the writer reaches the target");
    backend.emit(record("second", [Field::new("seq", 1)]));
    drop(backend);
    gated.release();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while gated.out.lines().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "the writer hangs");
        thread::sleep(Duration::from_millis(5));
    }
    let seqs: Vec<u64> = gated
        .out
        .lines()
        .iter()
        .map(|l| l.u64("seq").unwrap())
        .collect();
    assert_eq!(seqs, [0, 1]);
}
