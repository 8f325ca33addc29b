//! `parse_directives`: `RUST_LOG`-style directives (`info,app::db=debug`), parsed by the
//! `env_filter` crate and mapped onto the core's `Filter`.

use logswap_core::{Error, ErrorKind, Filter, Level};

/// Parses directives as `RUST_LOG` users write them into a [`Filter`]: a default level,
/// and per-target levels, comma-separated: `info,app::db=debug,hyper=off`.
///
/// The text is parsed by the [`env_filter`](https://docs.rs/env_filter) crate (the parser
/// of `env_logger`), so it means what it means for `RUST_LOG`:
/// - `info` sets the level of every target; `app::db=debug` the level of `app::db` and
///   the modules below it; a bare target name (`app::db`) lets everything from it through;
///   `off` turns a target (or everything) off. Later directives for the same target win.
/// - With no bare level, targets without a directive are **off**: `app=debug` alone logs
///   nothing from other targets; write `info,app=debug` to keep the rest at INFO.
///
/// Two differences from `env_logger`, both on purpose:
/// - A directive covers its module and the modules below it (`app::db`, `app::db::pool`),
///   not other modules that merely start with the same text (`app::dbx`): the rule of
///   logswap's [`Filter`].
/// - The `/regex` message filter is an error: a [`Filter`] looks at levels and targets only.
///
/// ```
/// use logswap::{parse_directives, Level};
///
/// let filter = parse_directives("info,app::db=debug,app::db::noisy=off").unwrap();
/// assert!(filter.enabled(Level::Debug, "app::db::pool"));
/// assert!(!filter.enabled(Level::Debug, "app::web"));
/// assert!(filter.enabled(Level::Info, "app::web"));
/// assert!(!filter.enabled(Level::Error, "app::db::noisy"));
/// assert!(parse_directives("info,app=loud").is_err());
/// ```
///
/// # Errors
/// [`ErrorKind::InvalidConfig`], with `env_filter`'s message, for text it rejects, for a
/// `/` message filter, and for empty text.
pub fn parse_directives(spec: &str) -> Result<Filter, Error> {
    let invalid = |why: String| {
        Error::new(
            ErrorKind::InvalidConfig,
            format!("invalid log directives {spec:?}: {why}"),
        )
    };
    if spec.contains('/') {
        return Err(invalid(
            "message filters (`/...`) are not supported; logswap filters by level and target"
                .to_owned(),
        ));
    }
    let names = directive_names(spec);
    if names.is_empty() && !spec.split(',').any(|part| !part.trim().is_empty()) {
        return Err(invalid("no directive".to_owned()));
    }
    let parsed = env_filter::Builder::new()
        .try_parse(spec)
        .map_err(|err| invalid(err.to_string()))?
        .build();

    // env_filter keeps its directives private; ask it, for each target named in the text,
    // which levels it lets through. The empty target is covered only by the default, so it
    // gives the default level.
    let mut filter = match most_verbose(&parsed, "") {
        Some(level) => Filter::new(level),
        None => Filter::off(),
    };
    for name in names {
        if !name.is_empty() {
            filter = filter.with_directive(name, most_verbose(&parsed, name));
        }
    }
    Ok(filter)
}

/// The targets that `spec` names (the text before `=`, or a bare word that is not a
/// level), once `env_filter` has accepted it.
fn directive_names(spec: &str) -> Vec<&str> {
    spec.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .filter_map(|part| match part.split_once('=') {
            // env_filter trims each directive, not the name before `=`; keep its name.
            Some((name, _)) => Some(name),
            None if part.parse::<log::LevelFilter>().is_ok() => None,
            None => Some(part),
        })
        .collect()
}

/// The most verbose level that `filter` lets through from `target`, if any.
fn most_verbose(filter: &env_filter::Filter, target: &str) -> Option<Level> {
    Level::ALL.into_iter().find(|&level| {
        filter.enabled(
            &log::Metadata::builder()
                .level(to_log(level))
                .target(target)
                .build(),
        )
    })
}

fn to_log(level: Level) -> log::Level {
    match level {
        Level::Trace => log::Level::Trace,
        Level::Debug => log::Level::Debug,
        Level::Info => log::Level::Info,
        Level::Warn => log::Level::Warn,
        Level::Error => log::Level::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(target, level, expected)` rows checked against the filter parsed from `spec`.
    fn check(spec: &str, rows: &[(&str, Level, bool)]) {
        let filter = parse_directives(spec).unwrap_or_else(|e| panic!("{spec:?}: {e}"));
        for &(target, level, expected) in rows {
            assert_eq!(
                filter.enabled(level, target),
                expected,
                "{spec:?}: {level} from {target:?}"
            );
        }
    }

    #[test]
    fn directives_mean_what_they_mean_for_rust_log() {
        use Level::*;
        check("warn", &[("app", Warn, true), ("app", Info, false)]);
        check(
            "info,app::db=debug",
            &[
                ("app", Info, true),
                ("app", Debug, false),
                ("app::db", Debug, true),
                ("app::db::pool", Debug, true),
                ("app::db", Trace, false),
            ],
        );
        // No bare level: every other target is off, as with RUST_LOG.
        check(
            "app=debug",
            &[("app", Debug, true), ("other", Error, false)],
        );
        // A bare name lets everything from it through.
        check(
            "error,app::db",
            &[("app::db", Trace, true), ("app", Warn, false)],
        );
        check(
            "debug,hyper=off",
            &[("hyper::client", Error, false), ("app", Debug, true)],
        );
        check("off", &[("app", Error, false)]);
        // Later directives for the same target win; case and spaces do not matter.
        check(
            " INFO , app=trace , app=warn ",
            &[("app", Info, false), ("app", Warn, true), ("x", Info, true)],
        );
        // Module boundaries: `app::db` does not cover `app::dbx`.
        check(
            "warn,app::db=trace",
            &[("app::dbx", Info, false), ("app::db", Trace, true)],
        );
    }

    #[test]
    fn rejected_directives_say_why() {
        for spec in ["info,app=loud", "a=b=c", "info/foo", "", " , "] {
            let err = parse_directives(spec).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{spec:?}");
            assert!(err.to_string().contains("invalid log directives"), "{err}");
        }
    }
}
