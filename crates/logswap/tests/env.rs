//! The environment: `LOGSWAP_BACKEND` picks a compiled-in backend (and beats the code),
//! an unknown or missing name is an error listing the compiled-in ones, and
//! `LOGSWAP_LEVEL` sets the filter. One test, since it changes the process's environment.

use logswap::{Builder, ErrorKind, Kind, Level, Target, BACKEND_ENV, DEFAULT_BACKEND, LEVEL_ENV};

fn builder() -> Builder {
    Builder::new().target(Target::Stderr)
}

fn compiled_in_list() -> String {
    Kind::compiled_in()
        .map(|kind| kind.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn the_environment_picks_the_backend_and_the_level() {
    std::env::remove_var(LEVEL_ENV);

    // Unset or empty: the features' default.
    std::env::remove_var(BACKEND_ENV);
    assert_eq!(builder().selected_backend().unwrap(), DEFAULT_BACKEND);
    std::env::set_var(BACKEND_ENV, " ");
    assert_eq!(builder().selected_backend().unwrap(), DEFAULT_BACKEND);

    // Each compiled-in backend by name, in any case; it beats `Builder::backend`, unless
    // the builder ignores the environment.
    let last = Kind::compiled_in().last().unwrap();
    for kind in Kind::compiled_in() {
        std::env::set_var(BACKEND_ENV, kind.name().to_uppercase());
        let (log, guard) = builder().backend(last).build().unwrap();
        assert_eq!((guard.kind(), log.backend().name()), (kind, kind.name()));
        let (_, guard) = builder().backend(last).ignore_env().build().unwrap();
        assert_eq!(guard.kind(), last);
    }

    // An unknown name.
    std::env::set_var(BACKEND_ENV, "log4j");
    let err = builder().build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let text = err.to_string();
    assert!(
        text.starts_with("LOGSWAP_BACKEND=\"log4j\": unknown logswap backend"),
        "{text}"
    );
    assert!(
        text.contains(&format!("compiled in: {}", compiled_in_list())),
        "{text}"
    );
    assert!(logswap::init().is_err(), "init fails the same way");
    assert!(logswap::logger().is_none(), "and installs nothing");

    // A known name whose feature is off.
    for kind in Kind::PRIORITY.into_iter().filter(|k| !k.is_compiled_in()) {
        std::env::set_var(BACKEND_ENV, kind.name());
        let text = builder().build().unwrap_err().to_string();
        assert!(text.contains("is not compiled in"), "{text}");
        assert!(
            text.contains(&format!("compiled in: {}", compiled_in_list())),
            "{text}"
        );
        assert!(text.contains(&format!("feature \"{kind}\"")), "{text}");
    }
    std::env::remove_var(BACKEND_ENV);

    // LOGSWAP_LEVEL: RUST_LOG directives, beating the code's level.
    std::env::set_var(LEVEL_ENV, "warn,app::db=trace");
    let (log, _guard) = builder().level(Level::Error).build().unwrap();
    assert!(log.enabled(Level::Trace, "app::db::pool"));
    assert!(log.enabled(Level::Warn, "app::web"));
    assert!(!log.enabled(Level::Info, "app::web"));
    let (log, _guard) = builder().level(Level::Error).ignore_env().build().unwrap();
    assert!(!log.enabled(Level::Warn, "app::web"));

    std::env::set_var(LEVEL_ENV, "info,app=loud");
    let err = builder().build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.to_string().starts_with("LOGSWAP_LEVEL: "), "{err}");
    std::env::remove_var(LEVEL_ENV);
}
