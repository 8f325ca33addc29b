//! The global logger: the macros do nothing (and evaluate nothing) before `init`; `init`
//! installs the logger and, with their features, the `log` and `tracing` bridges; a second
//! `init` is an error; the guard flushes and shuts down. One test, since all of it is
//! process-wide state.

use std::cell::Cell;

use logswap::{Builder, ErrorKind, Target};

thread_local! {
    static EVALUATED: Cell<u32> = const { Cell::new(0) };
}

/// A field value that counts how often it was evaluated.
fn counted(value: u32) -> u32 {
    EVALUATED.with(|n| n.set(n.get() + 1));
    value
}

fn evaluated() -> u32 {
    EVALUATED.with(Cell::get)
}

fn read(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn the_global_logger_from_init_to_the_guards_drop() {
    // Before init: nothing happens, nothing is evaluated.
    assert!(logswap::logger().is_none());
    logswap::info!("before init"; n = counted(1));
    logswap::error!("before init");
    assert_eq!(evaluated(), 0);
    logswap::flush().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let guard = Builder::new()
        .target(Target::file(&path))
        .ignore_env()
        .init()
        .unwrap();
    assert_eq!(guard.kind(), logswap::DEFAULT_BACKEND);

    // A second init is an error, and builds nothing.
    let other = dir.path().join("second.log");
    let err = Builder::new()
        .target(Target::file(&other))
        .ignore_env()
        .init()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.to_string().contains("already"), "{err}");
    assert!(!other.exists(), "the second init opened its file");
    assert!(logswap::init().is_err());

    // The macros: lazy below the level, fields of every kind above it.
    let peer = std::net::Ipv4Addr::LOCALHOST;
    logswap::info!("query processed"; iteration = counted(7), model = "llama-3-8b", peer = %peer, opt = ?Some(1));
    logswap::debug!("filtered"; n = counted(8));
    logswap::warn!("took {} ms", 12.5);
    assert_eq!(
        evaluated(),
        1,
        "only the enabled call's fields were evaluated"
    );

    #[cfg(feature = "log")]
    log::info!(user = 7, admin = false, name = "ann"; "from log {}", 1);
    #[cfg(feature = "log")]
    log::debug!("log call below the level");

    #[cfg(feature = "tracing-subscriber")]
    {
        let span = tracing::info_span!("request", request_id = 42);
        let _entered = span.enter();
        tracing::info!(tokens = 512, "from tracing");
        tracing::debug!("tracing call below the level");
    }

    logswap::flush().unwrap();
    let lines = read(&path);
    let expected =
        2 + usize::from(cfg!(feature = "log")) + usize::from(cfg!(feature = "tracing-subscriber"));
    assert_eq!(lines.len(), expected, "{lines:?}");
    assert_eq!(lines[0]["msg"], "query processed");
    assert_eq!(lines[0]["target"], module_path!());
    assert_eq!(lines[0]["iteration"], 7);
    assert_eq!(lines[0]["peer"], "127.0.0.1");
    assert_eq!(lines[0]["opt"], "Some(1)");
    assert_eq!(
        (&lines[1]["level"], &lines[1]["msg"]),
        (&"WARN".into(), &"took 12.5 ms".into())
    );
    let mut next = 2;
    if cfg!(feature = "log") {
        let line = &lines[next];
        assert_eq!(line["msg"], "from log 1");
        assert_eq!(line["target"], module_path!());
        assert_eq!(
            (&line["user"], &line["admin"], &line["name"]),
            (&7.into(), &false.into(), &"ann".into())
        );
        next += 1;
    }
    if cfg!(feature = "tracing-subscriber") {
        let line = &lines[next];
        assert_eq!(line["msg"], "from tracing");
        assert_eq!(
            (&line["request_id"], &line["tokens"]),
            (&42.into(), &512.into())
        );
    }

    // The guard's drop flushes and shuts down; later calls are counted, never a panic.
    let log = logswap::logger().unwrap().clone();
    drop(guard);
    logswap::info!("after the guard");
    let stats = log.stats();
    assert_eq!(stats.written as usize, expected);
    assert_eq!(stats.emitted, stats.written + stats.dropped);
    assert_eq!(read(&path).len(), expected);
}
