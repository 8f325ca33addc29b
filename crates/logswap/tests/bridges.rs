//! The bridges, without global state: `LogBridge` turns `log` records and their
//! key-values into records; `TracingLayer` turns `tracing` events, their fields and their
//! spans' fields into records. Each test runs only with its feature on.

#![cfg(any(feature = "log", feature = "tracing-subscriber"))]

use std::path::{Path, PathBuf};

use logswap::{Builder, Guard, Level, Logger, Target};

fn logger(dir: &Path, level: Level) -> (Logger, Guard, PathBuf) {
    let path = dir.join("app.log");
    let (logger, guard) = Builder::new()
        .target(Target::file(&path))
        .level(level)
        .ignore_env()
        .build()
        .unwrap();
    (logger, guard, path)
}

fn read(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[cfg(feature = "log")]
#[test]
fn log_records_arrive_with_their_key_values_typed() {
    use log::Log;
    use logswap::bridge::LogBridge;

    let dir = tempfile::tempdir().unwrap();
    let (logger, guard, path) = logger(dir.path(), Level::Info);
    let bridge = LogBridge::new(logger);

    let big = u64::MAX;
    let pairs: &[(&str, log::kv::Value<'_>)] = &[
        ("flag", log::kv::Value::from(true)),
        ("count", log::kv::Value::from(-3i64)),
        ("big", log::kv::Value::from(big)),
        ("ratio", log::kv::Value::from(0.25f64)),
        ("name", log::kv::Value::from("ann")),
        ("letter", log::kv::Value::from('x')),
        (
            "addr",
            log::kv::Value::from_display(&std::net::Ipv4Addr::LOCALHOST),
        ),
    ];
    assert!(bridge.enabled(
        &log::Metadata::builder()
            .level(log::Level::Info)
            .target("app")
            .build()
    ));
    assert!(!bridge.enabled(
        &log::Metadata::builder()
            .level(log::Level::Debug)
            .target("app")
            .build()
    ));
    bridge.log(
        &log::Record::builder()
            .level(log::Level::Warn)
            .target("app::db")
            .args(format_args!("slow query {}", 7))
            .key_values(&pairs)
            .build(),
    );
    bridge.log(
        &log::Record::builder()
            .level(log::Level::Debug)
            .target("app::db")
            .args(format_args!("filtered"))
            .key_values(&pairs)
            .build(),
    );
    bridge.flush();
    drop(guard);

    let lines = read(&path);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert_eq!(
        (&line["level"], &line["target"], &line["msg"]),
        (&"WARN".into(), &"app::db".into(), &"slow query 7".into())
    );
    assert_eq!(line["flag"], true);
    assert_eq!(line["count"], -3);
    assert_eq!(line["big"], u64::MAX);
    assert_eq!(line["ratio"], 0.25);
    assert_eq!(line["name"], "ann");
    assert_eq!(line["letter"], "x");
    assert_eq!(line["addr"], "127.0.0.1");
}

#[cfg(feature = "tracing-subscriber")]
#[test]
fn tracing_events_arrive_with_their_fields_and_their_spans_fields() {
    use logswap::bridge::TracingLayer;
    use tracing_subscriber::layer::SubscriberExt;

    let dir = tempfile::tempdir().unwrap();
    let (logger, guard, path) = logger(dir.path(), Level::Info);
    let subscriber = tracing_subscriber::registry().with(TracingLayer::new(logger));

    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(target: "app::outside", ratio = 0.5, ok = true, "no span");
        let outer = tracing::info_span!(
            "request",
            request_id = 42,
            user = "ann",
            late = tracing::field::Empty
        );
        let _outer = outer.enter();
        outer.record("late", 9u64);
        let inner = tracing::debug_span!("query", model = "llama-3-8b", user = "bob");
        let _inner = inner.enter();
        tracing::warn!(tokens = 512, error = %std::io::Error::other("disk"), dbg = ?vec![1, 2], "query {} slow", 3);
        tracing::debug!(hidden = 1, "filtered");
        tracing::error!(model = "override", "the event's field wins");
    });
    drop(guard);

    let lines = read(&path);
    assert_eq!(lines.len(), 3, "{lines:?}");
    let plain = &lines[0];
    assert_eq!(
        (&plain["msg"], &plain["target"], &plain["level"]),
        (&"no span".into(), &"app::outside".into(), &"INFO".into())
    );
    assert_eq!((&plain["ratio"], &plain["ok"]), (&0.5.into(), &true.into()));
    assert!(plain.get("request_id").is_none());

    let nested = &lines[1];
    assert_eq!(
        (&nested["msg"], &nested["level"]),
        (&"query 3 slow".into(), &"WARN".into())
    );
    assert_eq!(nested["target"], module_path!());
    assert_eq!(nested["request_id"], 42);
    assert_eq!(nested["late"], 9, "a field recorded on the span later");
    assert_eq!(
        nested["user"], "bob",
        "the inner span's field wins over the outer one's"
    );
    assert_eq!(nested["model"], "llama-3-8b");
    assert_eq!(
        (&nested["tokens"], &nested["error"], &nested["dbg"]),
        (&512.into(), &"disk".into(), &"[1, 2]".into())
    );
    // Span fields first, outermost first, then the event's own.
    let text = std::fs::read_to_string(&path).unwrap();
    let raw = text.lines().nth(1).unwrap();
    let position = |key: &str| raw.find(&format!("\"{key}\":")).unwrap();
    assert!(
        position("request_id") < position("model") && position("model") < position("tokens"),
        "{raw}"
    );

    assert_eq!(lines[2]["model"], "override");
}
