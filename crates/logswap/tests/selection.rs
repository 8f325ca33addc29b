//! Feature selection: which backend the features compile in and build by default, choosing
//! one in code, and the errors for backends that are unknown or not compiled in. The tests
//! are written for every feature combination (`cfg` on the ones that depend on it); none
//! reads the environment (see `env.rs` for `LOGSWAP_BACKEND` and `LOGSWAP_LEVEL`).

use std::path::Path;

use logswap::{Builder, ErrorKind, FlushPolicy, Kind, Level, Overflow, Target, DEFAULT_BACKEND};

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn compiled_in() -> Vec<Kind> {
    Kind::compiled_in().collect()
}

#[test]
fn the_compiled_in_backends_are_the_features_that_are_on_in_priority_order() {
    let expected: Vec<Kind> = [
        (Kind::Flume, cfg!(feature = "flume")),
        (Kind::Slog, cfg!(feature = "slog")),
        (Kind::Tracing, cfg!(feature = "tracing")),
        (Kind::Sync, cfg!(feature = "sync")),
    ]
    .into_iter()
    .filter(|(_, on)| *on)
    .map(|(kind, _)| kind)
    .collect();
    assert_eq!(compiled_in(), expected);
    assert!(
        !expected.is_empty(),
        "a build without a backend must not compile"
    );
    assert_eq!(
        DEFAULT_BACKEND, expected[0],
        "the default is the first by priority"
    );
}

#[cfg(all(
    feature = "sync",
    not(any(feature = "flume", feature = "slog", feature = "tracing"))
))]
#[test]
fn with_the_default_feature_alone_the_backend_is_sync() {
    assert_eq!(DEFAULT_BACKEND, Kind::Sync);
    assert_eq!(compiled_in(), [Kind::Sync]);
}

#[cfg(feature = "flume")]
#[test]
fn flume_is_the_default_whenever_it_is_compiled_in() {
    assert_eq!(DEFAULT_BACKEND, Kind::Flume);
}

#[cfg(all(feature = "slog", not(feature = "flume")))]
#[test]
fn slog_beats_tracing_and_sync() {
    assert_eq!(DEFAULT_BACKEND, Kind::Slog);
}

#[cfg(all(feature = "tracing", not(any(feature = "flume", feature = "slog"))))]
#[test]
fn tracing_beats_sync() {
    assert_eq!(DEFAULT_BACKEND, Kind::Tracing);
}

#[cfg(all(feature = "sync", feature = "flume"))]
#[test]
fn the_default_feature_does_not_win_over_an_added_one() {
    // `features = ["flume"]` without `default-features = false` leaves sync on as well.
    assert_eq!(DEFAULT_BACKEND, Kind::Flume);
    assert!(compiled_in().contains(&Kind::Sync));
}

#[test]
fn build_builds_the_default_backend() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let builder = Builder::new().target(Target::file(&path)).ignore_env();
    assert_eq!(builder.selected_backend().unwrap(), DEFAULT_BACKEND);
    let (log, guard) = builder.build().unwrap();
    assert_eq!(guard.kind(), DEFAULT_BACKEND);
    assert_eq!(log.backend().name(), DEFAULT_BACKEND.name());
    assert_eq!(guard.target(), path.display().to_string());
}

#[test]
fn every_compiled_in_backend_can_be_chosen_in_code_and_writes_the_same_lines() {
    for kind in Kind::compiled_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        let (log, guard) = Builder::new()
            .backend(kind)
            .target(Target::file(&path))
            .ignore_env()
            .build()
            .unwrap();
        assert_eq!(log.backend().name(), kind.name());
        for i in 0..3u32 {
            logswap::logswap_core::info!(log, "query processed"; iteration = i, model = "m");
        }
        logswap::logswap_core::debug!(log, "below the default level");
        drop(guard);
        let lines = lines(&path);
        assert_eq!(lines.len(), 3, "{kind}: {lines:?}");
        for (i, line) in lines.iter().enumerate() {
            assert_eq!(line["msg"], "query processed", "{kind}");
            assert_eq!(line["iteration"], i, "{kind}");
            assert_eq!(line["model"], "m", "{kind}");
            assert_eq!(line["level"], "INFO", "{kind}");
        }
        let stats = log.stats();
        assert_eq!(
            (stats.emitted, stats.written, stats.dropped),
            (3, 3, 0),
            "{kind}"
        );
    }
}

#[test]
fn a_backend_that_is_not_compiled_in_is_an_error_naming_its_feature() {
    let missing: Vec<Kind> = Kind::PRIORITY
        .into_iter()
        .filter(|kind| !kind.is_compiled_in())
        .collect();
    for kind in missing {
        let err = Builder::new()
            .backend(kind)
            .target(Target::Stderr)
            .ignore_env()
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        let text = err.to_string();
        assert!(text.contains("not compiled in"), "{text}");
        assert!(
            text.contains(&format!("add the cargo feature \"{kind}\"")),
            "{text}"
        );
        for available in Kind::compiled_in() {
            assert!(text.contains(available.name()), "{text}");
        }
        assert!(kind.name().parse::<Kind>().is_err());
    }
}

#[test]
fn an_unknown_name_is_an_error_listing_the_compiled_in_backends() {
    let err = "log4j".parse::<Kind>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let text = err.to_string();
    assert!(text.contains("unknown logswap backend \"log4j\""), "{text}");
    let listed = format!(
        "compiled in: {}",
        compiled_in()
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(text.contains(&listed), "{text} lacks {listed}");
    for kind in Kind::compiled_in() {
        assert_eq!(kind.name().to_uppercase().parse::<Kind>().unwrap(), kind);
    }
}

#[test]
fn queue_options_reach_the_queue_backends_and_the_sync_backend_ignores_them() {
    for kind in Kind::compiled_in() {
        // A capacity of 0 is refused by every queue backend's own builder: proof that the
        // option reaches it.
        let result = Builder::new()
            .backend(kind)
            .target(Target::Stderr)
            .capacity(0)
            .ignore_env()
            .build();
        match kind {
            Kind::Sync => assert!(result.is_ok()),
            _ => assert_eq!(
                result.unwrap_err().kind(),
                ErrorKind::InvalidConfig,
                "{kind}"
            ),
        }
    }
}

#[test]
fn every_overflow_and_flush_policy_accounts_for_every_record() {
    let policies = [
        Overflow::Block,
        Overflow::Drop,
        Overflow::DropBelow(Level::Warn),
    ];
    for kind in Kind::compiled_in() {
        for overflow in policies {
            for flush in [FlushPolicy::EveryRecord, FlushPolicy::Buffered] {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("app.log");
                let (log, guard) = Builder::new()
                    .backend(kind)
                    .target(Target::file(&path))
                    .capacity(4)
                    .overflow(overflow)
                    .flush_policy(flush)
                    .ignore_env()
                    .build()
                    .unwrap();
                for i in 0..300u32 {
                    logswap::logswap_core::info!(log, "burst"; i = i);
                }
                logswap::logswap_core::error!(log, "kept");
                guard.shutdown().unwrap();
                let stats = log.stats();
                let what = format!("{kind} {overflow:?} {flush:?}: {stats:?}");
                assert_eq!(stats.emitted, stats.written + stats.dropped, "{what}");
                assert_eq!(lines(&path).len() as u64, stats.written, "{what}");
                if overflow == Overflow::Block {
                    assert_eq!(stats.dropped, 0, "{what}");
                }
                // No policy loses an ERROR: `Drop` may, so look only at the others.
                if overflow != Overflow::Drop {
                    assert!(lines(&path).iter().any(|l| l["msg"] == "kept"), "{what}");
                }
            }
        }
    }
}

#[test]
fn the_level_filter_comes_from_the_code_when_the_environment_is_ignored() {
    let (log, _guard) = Builder::new()
        .target(Target::Stderr)
        .directives("warn,app::db=debug")
        .ignore_env()
        .build()
        .unwrap();
    assert!(log.enabled(Level::Debug, "app::db::pool"));
    assert!(!log.enabled(Level::Info, "app::web"));

    let (log, _guard) = Builder::new()
        .target(Target::Stderr)
        .ignore_env()
        .build()
        .unwrap();
    assert!(log.enabled(Level::Info, "any") && !log.enabled(Level::Debug, "any"));

    let err = Builder::new()
        .target(Target::Stderr)
        .directives("info,app=loud")
        .ignore_env()
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
}

#[test]
fn a_file_that_cannot_be_opened_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let path = blocker.join("app.log");
    for kind in Kind::compiled_in() {
        let err = Builder::new()
            .backend(kind)
            .target(Target::file(&path))
            .ignore_env()
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Open, "{kind}");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
    }
}
