//! Every backend x mode the benchmark knows, and how to build each for a target.

use std::sync::Arc;

use anyhow::{bail, Result};
use logswap_core::{Backend, Target};
use logswap_flume::{FlumeBackend, Overflow};
use logswap_slog::{Overflow as SlogOverflow, SlogBackend};
use logswap_sync::{FlushPolicy, SyncBackend};
use logswap_tracing::TracingBackend;

/// One backend in one mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    /// The backend's name, as `--backends` takes it.
    pub backend: &'static str,
    /// The mode's name.
    pub mode: &'static str,
    /// Whether this mode promises to lose nothing (its sequences must then be complete).
    pub lossless: bool,
}

/// Every subject, in table order.
pub const SUBJECTS: &[Subject] = &[
    Subject::new("sync", "every-record", true),
    Subject::new("sync", "buffered", true),
    Subject::new("flume", "block", true),
    Subject::new("flume", "drop-newest", false),
    Subject::new("slog", "block", true),
    Subject::new("slog", "drop-and-report", false),
    Subject::new("tracing", "lossless", true),
    Subject::new("tracing", "lossy", false),
];

/// Experiments: designs measured beside the backends, not part of the product. Runnable by
/// name with `runner backend`, and in the table with `compare --experiments`.
pub const EXPERIMENTS: &[Subject] = &[Subject::new("rings", "block", true)];

/// The slog backend's channel in the benchmark: flume's default capacity, so the two
/// queues hold the same number of records (slog-async's own default is 128).
pub const SLOG_CHANNEL: usize = logswap_flume::DEFAULT_CAPACITY;

/// The backends' names, in table order, without repeats.
pub fn backend_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = SUBJECTS.iter().map(|s| s.backend).collect();
    names.dedup();
    names
}

/// Finds the subject `backend`/`mode`.
pub fn find(backend: &str, mode: &str) -> Result<Subject> {
    match SUBJECTS
        .iter()
        .chain(EXPERIMENTS)
        .find(|s| s.backend == backend && s.mode == mode)
    {
        Some(subject) => Ok(*subject),
        None => bail!(
            "unknown backend/mode {backend}/{mode}; known: {}",
            SUBJECTS
                .iter()
                .chain(EXPERIMENTS)
                .map(|s| format!("{}/{}", s.backend, s.mode))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl Subject {
    const fn new(backend: &'static str, mode: &'static str, lossless: bool) -> Self {
        Subject {
            backend,
            mode,
            lossless,
        }
    }

    /// Builds the backend in this mode, writing to `target`, with default options.
    pub fn build(&self, target: Target) -> Result<Arc<dyn Backend>> {
        let backend: Arc<dyn Backend> = match (self.backend, self.mode) {
            ("sync", "every-record") => Arc::new(
                SyncBackend::builder()
                    .target(target)
                    .flush_policy(FlushPolicy::EveryRecord)
                    .build()?,
            ),
            ("sync", "buffered") => Arc::new(
                SyncBackend::builder()
                    .target(target)
                    .flush_policy(FlushPolicy::Buffered)
                    .build()?,
            ),
            ("flume", "block") => Arc::new(
                FlumeBackend::builder()
                    .target(target)
                    .overflow(Overflow::Block)
                    .build()?,
            ),
            ("flume", "drop-newest") => Arc::new(
                FlumeBackend::builder()
                    .target(target)
                    .overflow(Overflow::DropNewest)
                    .build()?,
            ),
            ("slog", mode) => Arc::new(
                SlogBackend::builder()
                    .target(target)
                    .channel_size(SLOG_CHANNEL)
                    .overflow(if mode == "block" {
                        SlogOverflow::Block
                    } else {
                        SlogOverflow::DropAndReport
                    })
                    .build()?,
            ),
            ("tracing", mode) => Arc::new(
                TracingBackend::builder()
                    .target(target)
                    .lossy(mode == "lossy")
                    .build()?,
            ),
            ("rings", "block") => Arc::new(crate::rings::RingBackend::new(
                target,
                crate::rings::RingBackend::capacity_from_env(),
            )?),
            (backend, mode) => bail!("no builder for {backend}/{mode}"),
        };
        Ok(backend)
    }
}
