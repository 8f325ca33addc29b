//! What one run reports: the runner prints it as JSON, `compare` reads it back.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Caller latency per call, in nanoseconds, from a histogram of every call.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Latency {
    /// Median.
    pub p50: u64,
    /// 99th percentile.
    pub p99: u64,
    /// 99.9th percentile.
    pub p999: u64,
    /// The slowest call.
    pub max: u64,
    /// The mean.
    pub mean: f64,
}

impl Latency {
    /// The figures of a histogram of nanoseconds.
    pub fn of(histogram: &Histogram<u64>) -> Self {
        Latency {
            p50: histogram.value_at_quantile(0.50),
            p99: histogram.value_at_quantile(0.99),
            p999: histogram.value_at_quantile(0.999),
            max: histogram.max(),
            mean: histogram.mean(),
        }
    }
}

/// A new histogram for nanosecond latencies, from 1 ns to 100 s at 3 significant digits.
pub fn latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 100_000_000_000, 3).expect("valid histogram bounds")
}

/// Mean time a caller spent in its log calls per query, as in the original study.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct BlockedPerQuery {
    /// Nanoseconds per query of 5 records.
    pub logs_5_ns: f64,
    /// Nanoseconds per query of 10 records.
    pub logs_10_ns: f64,
}

/// The outcome of reading the log file back.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Verification {
    /// Every check passed.
    pub ok: bool,
    /// What was checked, or what failed.
    pub detail: String,
}

/// Whether a row measures a backend or one of the limits it is held against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowKind {
    /// A backend in one mode.
    Backend,
    /// A limit row: clock, format only, channel only, write only.
    Reference,
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunResult {
    /// Backend or reference.
    pub kind: RowKind,
    /// The backend's name, or the reference's (`clock`, `format-only`, ...).
    pub backend: String,
    /// The mode (`-` for references).
    pub mode: String,
    /// Whether the mode promises to lose nothing.
    pub lossless: bool,
    /// Producer threads.
    pub threads: u32,
    /// Records per query in the main phase.
    pub logs_per_query: u32,
    /// Records handed to the backend (the main phase, the per-query phase).
    pub emitted: u64,
    /// Records written, by the backend's count.
    pub written: u64,
    /// Records dropped, by the backend's count.
    pub dropped: u64,
    /// emitted - written - dropped: records that vanished. Must be 0.
    pub lost: i64,
    /// Failed writes.
    pub write_errors: u64,
    /// Caller latency of every main-phase call.
    pub latency: Latency,
    /// Main-phase records per second, from the first emit until `flush()` returned.
    pub records_per_sec: f64,
    /// Milliseconds from the last main-phase emit until `flush()` returned.
    pub drain_ms: f64,
    /// Mean bytes per line in the file.
    pub bytes_per_line: f64,
    /// Peak resident set size of the run's process, in KiB.
    pub peak_rss_kib: Option<u64>,
    /// Nanoseconds per call at a disabled level (the closure not run).
    pub disabled_call_ns: Option<f64>,
    /// Caller time per query of 5 and 10 records, with room in the queue.
    pub blocked_per_query: Option<BlockedPerQuery>,
    /// The most records queued at once, for queue backends.
    pub queue_high_water: Option<u64>,
    /// Total time callers waited for room in a full queue, in milliseconds.
    pub blocked_ms: f64,
    /// Reading the file back.
    pub verified: Verification,
    /// The run was stopped by Ctrl+C before it finished.
    pub interrupted: bool,
}
