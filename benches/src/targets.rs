//! The performance targets of the flume backend, read off the rows of one run: each
//! target names the rows it compares, the ratio measured, the bound, and whether it is met.
//! When the run has an experiment's rows (`compare --experiments`), the same targets are
//! read off them too, so a proposed design is judged by the same rows as the backend.

use std::fmt::Write;

use crate::result::{RowKind, RunResult};
use crate::subjects::EXPERIMENTS;
use crate::table::Row;

/// The backends logswap-flume is compared against.
const PEERS: [&str; 2] = ["slog", "tracing"];

/// The bound on the flume rows' peak RSS above the clock row's: the default capacity
/// (rounded up to a power of two, as the queue's buffer grows) times 512 bytes a queued
/// record, plus 2 MiB for the writer's buffers and stack (the bound documented in
/// logswap-flume's crate docs, section Memory). The rings experiment is held to the same
/// bound: with four producers its rings hold as many records as flume's queue (4 x 4,096
/// slots of 488 bytes, allocated up front).
const FLUME_RSS_BOUND_MIB: f64 =
    (16_384usize.next_power_of_two() * 512) as f64 / (1024.0 * 1024.0) + 2.0;

/// One target's reading.
struct Reading {
    target: &'static str,
    compared: String,
    measured: String,
    met: Option<bool>,
}

fn backend<'a>(rows: &'a [Row], name: &str, mode: &str, threads: u32) -> Option<&'a RunResult> {
    rows.iter()
        .filter(|r| r.kind == RowKind::Backend && r.backend == name && r.mode == mode)
        .filter(|r| r.threads == threads)
        .find_map(Row::measured)
}

fn reference<'a>(rows: &'a [Row], name: &str) -> Option<&'a RunResult> {
    rows.iter()
        .filter(|r| r.kind == RowKind::Reference && r.backend == name)
        .find_map(Row::measured)
}

/// The peers' lossless rows with `threads` producers, with their labels.
fn peers(rows: &[Row], threads: u32) -> Vec<(String, &RunResult)> {
    rows.iter()
        .filter(|r| r.kind == RowKind::Backend && PEERS.contains(&r.backend.as_str()))
        .filter(|r| r.threads == threads)
        .filter_map(|r| Some((format!("{} {}", r.backend, r.mode), r.measured()?)))
        .filter(|(_, run)| run.lossless)
        .collect()
}

/// The best of the peers' lossless rows by `key` (`better` says which of two is better).
fn best_peer<'a>(
    peers: &'a [(String, &'a RunResult)],
    key: impl Fn(&RunResult) -> f64,
    better: impl Fn(f64, f64) -> bool,
) -> Option<(&'a str, f64)> {
    peers
        .iter()
        .map(|(label, run)| (label.as_str(), key(run)))
        .reduce(|a, b| if better(b.1, a.1) { b } else { a })
}

/// A target that is a ratio of two measured values, met when `ok` holds for the ratio.
fn ratio_reading(
    target: &'static str,
    compared: String,
    value: Option<(f64, f64)>,
    ok: &dyn Fn(f64) -> bool,
) -> Reading {
    let (measured, met) = match value {
        Some((a, b)) if b > 0.0 => (format!("{:.2}", a / b), Some(ok(a / b))),
        _ => ("-".to_owned(), None),
    };
    Reading {
        target,
        compared,
        measured,
        met,
    }
}

/// A target comparing the subject's row (with `threads` producers) with the best of the
/// peers' rows by `key`, lower or higher being better; met when `ok` holds for the ratio.
fn against_best_peer(
    target: &'static str,
    (subject, row, threads): (&str, Option<&RunResult>, u32),
    peers: &[(String, &RunResult)],
    (key, lower_is_better): (fn(&RunResult) -> f64, bool),
    ok: &dyn Fn(f64) -> bool,
) -> Reading {
    let better = |a: f64, b: f64| if lower_is_better { a < b } else { a > b };
    let best = best_peer(peers, key, better);
    ratio_reading(
        target,
        format!("{subject} {threads} / {}", best.map_or("-", |b| b.0)),
        row.zip(best).map(|(r, b)| (key(r), b.1)),
        ok,
    )
}

/// The targets read off the rows of `(backend, mode)`: flume's, or an experiment's.
fn readings(rows: &[Row], (name, mode): (&str, &str)) -> Vec<Reading> {
    let mut out = Vec::new();
    let subject = format!("{name} {mode}");
    let subject = subject.as_str();
    let one_producer = backend(rows, name, mode, 1);
    let four_producers = backend(rows, name, mode, 4);
    let peers1 = peers(rows, 1);
    let peers4 = peers(rows, 4);
    let p50: fn(&RunResult) -> f64 = |r| r.latency.p50 as f64;
    let p999: fn(&RunResult) -> f64 = |r| r.latency.p999 as f64;
    let rate: fn(&RunResult) -> f64 = |r| r.records_per_sec;
    let clock = reference(rows, "clock");
    out.push(ratio_reading(
        "1. p50 at most 4x the clock row",
        format!("{subject} 1 / clock"),
        one_producer.zip(clock).map(|(f, c)| (p50(f), p50(c))),
        &|r| r <= 4.0,
    ));
    out.push(against_best_peer(
        "1. p50 at most 1/3 of the best peer's",
        (subject, one_producer, 1),
        &peers1,
        (p50, true),
        &|r| r <= 1.0 / 3.0,
    ));
    out.push(against_best_peer(
        "1. p99.9 lower than every peer's",
        (subject, one_producer, 1),
        &peers1,
        (p999, true),
        &|r| r < 1.0,
    ));
    out.push(against_best_peer(
        "2. records/s at least 2x the best peer's",
        (subject, one_producer, 1),
        &peers1,
        (rate, false),
        &|r| r >= 2.0,
    ));
    let limit = [
        reference(rows, "format-only"),
        reference(rows, "write-only"),
    ]
    .into_iter()
    .flatten()
    .map(|r| (r.backend.clone(), rate(r)))
    .reduce(|a, b| if b.1 < a.1 { b } else { a });
    out.push(ratio_reading(
        "2. records/s at least 70% of the slower limit row",
        format!(
            "{subject} 1 / {}",
            limit.as_ref().map_or("-", |l| l.0.as_str())
        ),
        one_producer
            .zip(limit.as_ref())
            .map(|(f, l)| (rate(f), l.1)),
        &|r| r >= 0.7,
    ));
    out.push(ratio_reading(
        "3. the formatter at least 3x serde_json's records/s",
        "format-only / serde-json-format".into(),
        reference(rows, "format-only")
            .zip(reference(rows, "serde-json-format"))
            .map(|(ours, theirs)| (rate(ours), rate(theirs))),
        &|r| r >= 3.0,
    ));
    out.push(Reading {
        target: "4. nothing lost with 4 producers",
        compared: format!("{subject} 4"),
        measured: four_producers.map_or("-".into(), |f| {
            format!(
                "{} lost, sequences {}",
                f.lost,
                if f.verified.ok {
                    "checked"
                } else {
                    "NOT checked"
                }
            )
        }),
        met: four_producers.map(|f| f.lost == 0 && f.verified.ok),
    });
    out.push(against_best_peer(
        "4. p99.9 lower than every peer's",
        (subject, four_producers, 4),
        &peers4,
        (p999, true),
        &|r| r < 1.0,
    ));
    out.push(against_best_peer(
        "4. records/s above every peer's",
        (subject, four_producers, 4),
        &peers4,
        (rate, false),
        &|r| r > 1.0,
    ));
    let above_clock = |f: &RunResult| {
        let (ours, clock) = (f.peak_rss_kib?, clock?.peak_rss_kib?);
        Some((ours as f64 - clock as f64) / 1024.0)
    };
    let rss = [one_producer, four_producers]
        .into_iter()
        .flatten()
        .filter_map(above_clock)
        .reduce(f64::max);
    out.push(Reading {
        target: "5. peak RSS within the documented bound",
        compared: format!("{subject} rows - clock row, MiB"),
        measured: rss.map_or("-".into(), |mib| {
            format!("{mib:.1} (bound {FLUME_RSS_BOUND_MIB:.0})")
        }),
        met: rss.map(|mib| mib <= FLUME_RSS_BOUND_MIB),
    });
    out
}

/// Renders the targets as Markdown tables, for the rows of one run: flume's, then each
/// experiment's that the run has rows of.
pub fn render_targets(rows: &[Row]) -> String {
    let mut out = readout_table(rows, ("flume", "block"), "flume target");
    for experiment in EXPERIMENTS {
        let has_rows = rows
            .iter()
            .any(|r| r.kind == RowKind::Backend && r.backend == experiment.backend);
        if has_rows {
            out.push('\n');
            out.push_str(&readout_table(
                rows,
                (experiment.backend, experiment.mode),
                &format!("{} target (experiment)", experiment.backend),
            ));
        }
    }
    out.push_str(
        "\nTarget 6 (no allocation on the record path) is checked by benches/tests/allocations.rs.\n",
    );
    out
}

fn readout_table(rows: &[Row], subject: (&str, &str), heading: &str) -> String {
    let mut out = format!("| {heading} | rows compared | measured | met |\n|---|---|---:|---|\n");
    for reading in readings(rows, subject) {
        let met = match reading.met {
            Some(true) => "yes",
            Some(false) => "no",
            None => "not measured",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {met} |",
            reading.target, reading.compared, reading.measured
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::fixtures::{row, run};

    /// A run of `backend`/`mode` with `threads` producers, a p50, a p99.9 and a rate.
    fn measured(
        kind: RowKind,
        (backend, mode, threads): (&str, &str, u32),
        (p50, p999, rate): (u64, u64, f64),
        lossless: bool,
    ) -> Row {
        let mut result = run(backend, lossless, rate);
        result.kind = kind;
        result.mode = mode.into();
        result.threads = threads;
        result.latency.p50 = p50;
        result.latency.p999 = p999;
        row(result)
    }

    fn readout(rows: &[Row]) -> Vec<(String, String, Option<bool>)> {
        readings(rows, ("flume", "block"))
            .into_iter()
            .map(|r| (r.compared, r.measured, r.met))
            .collect()
    }

    #[test]
    fn each_target_compares_the_rows_it_names_and_says_whether_it_is_met() {
        let backend = RowKind::Backend;
        let limit = RowKind::Reference;
        let rows = [
            measured(backend, ("flume", "block", 1), (100, 1_000, 3.0e6), true),
            measured(backend, ("flume", "block", 4), (200, 9_000, 2.0e6), true),
            measured(
                backend,
                ("tracing", "lossless", 1),
                (600, 5_000, 1.0e6),
                true,
            ),
            // A lossy peer is faster still, but targets compare lossless modes only.
            measured(backend, ("tracing", "lossy", 1), (50, 100, 9.0e6), false),
            measured(backend, ("slog", "block", 4), (900, 8_000, 2.5e6), true),
            measured(limit, ("clock", "-", 1), (30, 50, 1.0e7), true),
            measured(limit, ("format-only", "-", 1), (200, 300, 4.0e6), true),
            measured(limit, ("write-only", "-", 1), (40, 90, 5.0e6), true),
            measured(
                limit,
                ("serde-json-format", "-", 1),
                (500, 900, 1.0e6),
                true,
            ),
        ];
        let got = readout(&rows);
        let expect = |i: usize, compared: &str, measured: &str, met: bool| {
            assert_eq!(
                got[i],
                (compared.into(), measured.into(), Some(met)),
                "target {i}"
            );
        };
        expect(0, "flume block 1 / clock", "3.33", true);
        expect(1, "flume block 1 / tracing lossless", "0.17", true);
        expect(2, "flume block 1 / tracing lossless", "0.20", true);
        expect(3, "flume block 1 / tracing lossless", "3.00", true);
        expect(4, "flume block 1 / format-only", "0.75", true);
        expect(5, "format-only / serde-json-format", "4.00", true);
        expect(7, "flume block 4 / slog block", "1.12", false);
        expect(8, "flume block 4 / slog block", "0.80", false);
    }

    #[test]
    fn a_target_whose_rows_did_not_run_is_not_measured() {
        let rows = [row(run("flume", true, 1.0e6))];
        for (compared, measured, met) in readout(&rows) {
            assert_eq!(met, None, "{compared}: {measured}");
        }
    }

    #[test]
    fn an_experiment_gets_a_readout_of_its_own_and_is_no_peer() {
        let backend = RowKind::Backend;
        let peer = measured(
            backend,
            ("tracing", "lossless", 1),
            (600, 5_000, 1.0e6),
            true,
        );
        let clock = measured(RowKind::Reference, ("clock", "-", 1), (30, 50, 1.0e7), true);
        let flume = measured(backend, ("flume", "block", 1), (200, 1_000, 1.5e6), true);
        let rings = measured(backend, ("rings", "block", 1), (90, 900, 2.5e6), true);

        let without = render_targets(&[flume.clone(), peer.clone(), clock.clone()]);
        assert!(!without.contains("rings"), "{without}");

        let with = render_targets(&[flume, rings, peer, clock]);
        assert!(with.contains("| rings target (experiment) |"), "{with}");
        assert!(
            with.contains(
                "| 1. p50 at most 4x the clock row | rings block 1 / clock | 3.00 | yes |"
            ),
            "{with}"
        );
        // flume is still compared with tracing, not with the faster experiment.
        assert!(
            with.contains("| flume block 1 / tracing lossless | 1.50 | no |"),
            "{with}"
        );
    }
}
