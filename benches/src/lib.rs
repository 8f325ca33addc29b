//! The benchmark of logswap's backends: one workload definition shared by the runner
//! binary (`runner`, one measured run per process), the orchestrator (`compare`, behind
//! `cargo xtask compare`) and the criterion benches.
//!
//! - [`workload`]: the "query" workload of the original study, emitted through
//!   [`logswap_core::Logger::log_with`].
//! - [`subjects`]: every backend x mode the benchmark knows, and how to build it.
//! - [`run`]: one measured run of a backend; [`reference`](mod@reference): the limit rows.
//! - [`verify`]: reading the log file back and checking every line and sequence.
//! - [`result`]: what a run reports; [`table`]: the comparison table.

pub mod reference;
pub mod result;
pub mod rings;
pub mod run;
pub mod subjects;
pub mod table;
pub mod targets;
pub mod verify;
pub mod workload;

/// The peak resident set size of this process in KiB (`VmHWM`), where the OS reports it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
