//! The comparison table: one row per backend x mode x threads (the median run), the
//! reference rows, and each row's ratios to the best row and to the limits.

use std::fmt::Write;

use crate::result::{RowKind, RunResult};

/// A row of the table: what was planned, and what came of it.
#[derive(Debug, Clone)]
pub struct Row {
    /// Backend or reference.
    pub kind: RowKind,
    /// Backend (or reference) name.
    pub backend: String,
    /// Mode (`-` for references).
    pub mode: String,
    /// Producer threads.
    pub threads: u32,
    /// What happened.
    pub outcome: Outcome,
}

/// What came of a planned row.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Finished: the median run by records/s, and how many runs finished.
    Measured {
        /// The median run.
        median: Box<RunResult>,
        /// Finished runs.
        runs: usize,
    },
    /// Stopped by Ctrl+C during its first run.
    Interrupted,
    /// A run failed to start or crashed; the message says why.
    Failed(String),
    /// Never started (Ctrl+C came first).
    NotRun,
}

impl Row {
    /// The median run, if the row was measured.
    pub fn measured(&self) -> Option<&RunResult> {
        match &self.outcome {
            Outcome::Measured { median, .. } => Some(median),
            _ => None,
        }
    }
}

/// The median run of `runs` by records/s (the lower middle one for an even count).
pub fn median_run(mut runs: Vec<RunResult>) -> Option<RunResult> {
    runs.sort_by(|a, b| a.records_per_sec.total_cmp(&b.records_per_sec));
    let middle = runs.len().checked_sub(1)? / 2;
    Some(runs.swap_remove(middle))
}

fn reference<'a>(rows: &'a [Row], name: &str) -> Option<&'a RunResult> {
    rows.iter()
        .filter(|r| r.kind == RowKind::Reference && r.backend == name)
        .find_map(Row::measured)
}

fn ratio(value: f64, base: Option<f64>) -> String {
    match base {
        Some(base) if base > 0.0 => format!("{:.2}", value / base),
        _ => "-".into(),
    }
}

fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Renders the Markdown table.
///
/// Records/s counts every record the callers emitted, written or dropped. Ratios:
/// "rate / best" is the row's records/s over the best lossless backend row's with the same
/// thread count (a lossy row that drops can go faster than any lossless one); "rate /
/// limit" is over the slower of the format-only and write-only rows; "p50 / clock" is the
/// row's median latency over the clock row's.
pub fn render(rows: &[Row]) -> String {
    let clock_p50 = reference(rows, "clock").map(|r| r.latency.p50 as f64);
    let limit_rate = match (
        reference(rows, "format-only"),
        reference(rows, "write-only"),
    ) {
        (Some(f), Some(w)) => Some(f.records_per_sec.min(w.records_per_sec)),
        (Some(one), None) | (None, Some(one)) => Some(one.records_per_sec),
        (None, None) => None,
    };
    let best_rate = |threads: u32| {
        rows.iter()
            .filter(|r| r.kind == RowKind::Backend && r.threads == threads)
            .filter_map(Row::measured)
            .filter(|r| r.lossless)
            .map(|r| r.records_per_sec)
            .reduce(f64::max)
    };
    let mut out = String::new();
    out.push_str("| backend | mode | threads | p50 ns | p99 ns | p99.9 ns | max ns | records/s | drain ms | bytes/line | dropped | lost | verified | blocked/query 5 logs ns | blocked/query 10 logs ns | peak RSS MiB | disabled call ns | rate / best | rate / limit | p50 / clock |\n");
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for row in rows {
        let name = match row.kind {
            RowKind::Backend => row.backend.clone(),
            RowKind::Reference => format!("limit: {}", row.backend),
        };
        let Some(r) = row.measured() else {
            let what = match &row.outcome {
                Outcome::Interrupted => "interrupted".to_owned(),
                Outcome::Failed(why) => format!("failed: {}", why.replace('|', "/")),
                _ => "not run".to_owned(),
            };
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {what} |{}",
                row.mode,
                row.threads,
                " |".repeat(17)
            );
            continue;
        };
        let is_backend = row.kind == RowKind::Backend;
        let dash = |text: String| if is_backend { text } else { "-".to_owned() };
        let blocked = r.blocked_per_query;
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.mode,
            row.threads,
            r.latency.p50,
            r.latency.p99,
            r.latency.p999,
            r.latency.max,
            thousands(r.records_per_sec),
            dash(format!("{:.1}", r.drain_ms)),
            if r.bytes_per_line > 0.0 { format!("{:.0}", r.bytes_per_line) } else { "-".into() },
            dash(r.dropped.to_string()),
            dash(r.lost.to_string()),
            if is_backend { if r.verified.ok { "yes".into() } else { "NO".into() } } else { "-".to_owned() },
            blocked.map_or("-".into(), |b| format!("{:.0}", b.logs_5_ns)),
            blocked.map_or("-".into(), |b| format!("{:.0}", b.logs_10_ns)),
            r.peak_rss_kib.map_or("-".into(), |k| format!("{:.1}", k as f64 / 1024.0)),
            r.disabled_call_ns.map_or("-".into(), |ns| format!("{ns:.1}")),
            dash(ratio(r.records_per_sec, best_rate(row.threads))),
            dash(ratio(r.records_per_sec, limit_rate)),
            ratio(r.latency.p50 as f64, clock_p50),
        );
    }
    out
}

/// Runs and rows made up for tests of the table and of the targets' readout.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::result::{Latency, Verification};

    /// A measured run of `backend` with these figures (the rest plausible).
    pub(crate) fn run(backend: &str, lossless: bool, records_per_sec: f64) -> RunResult {
        RunResult {
            kind: RowKind::Backend,
            backend: backend.into(),
            mode: "m".into(),
            lossless,
            threads: 1,
            logs_per_query: 5,
            emitted: 10,
            written: 10,
            dropped: 0,
            lost: 0,
            write_errors: 0,
            latency: Latency {
                p50: 100,
                p99: 200,
                p999: 300,
                max: 400,
                mean: 120.0,
            },
            records_per_sec,
            drain_ms: 1.0,
            bytes_per_line: 200.0,
            peak_rss_kib: Some(2048),
            disabled_call_ns: Some(2.0),
            blocked_per_query: None,
            queue_high_water: None,
            blocked_ms: 0.0,
            verified: Verification {
                ok: true,
                detail: String::new(),
            },
            interrupted: false,
        }
    }

    /// A table row holding `result` as its median.
    pub(crate) fn row(result: RunResult) -> Row {
        Row {
            kind: result.kind,
            backend: result.backend.clone(),
            mode: result.mode.clone(),
            threads: result.threads,
            outcome: Outcome::Measured {
                median: Box::new(result),
                runs: 1,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{row, run};
    use super::*;

    #[test]
    fn the_median_is_the_middle_run_by_records_per_second() {
        let runs = vec![
            run("a", true, 3.0),
            run("a", true, 1.0),
            run("a", true, 2.0),
        ];
        assert_eq!(median_run(runs).unwrap().records_per_sec, 2.0);
        assert!(median_run(Vec::new()).is_none());
    }

    #[test]
    fn ratios_compare_with_the_best_lossless_row_and_unfinished_rows_are_marked() {
        let rows = vec![
            row(run("fast-lossy", false, 400.0)),
            row(run("lossless", true, 200.0)),
            row(run("slow", true, 100.0)),
            Row {
                kind: RowKind::Backend,
                backend: "late".into(),
                mode: "m".into(),
                threads: 1,
                outcome: Outcome::NotRun,
            },
        ];
        let table = render(&rows);
        let line = |name: &str| {
            table
                .lines()
                .find(|l| l.starts_with(&format!("| {name} |")))
                .unwrap()
                .to_owned()
        };
        assert!(line("fast-lossy").contains("| 2.00 |"), "{table}");
        assert!(line("slow").contains("| 0.50 |"), "{table}");
        assert!(line("late").contains("not run"), "{table}");
    }
}
