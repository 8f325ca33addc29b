//! The workload: "queries", each emitting a few records with the fields of the original
//! study, built lazily with `log_with`, and each record numbered per producer.

use std::time::Instant;

use logswap_core::{Field, Level, Logger};

/// The message of every workload record.
pub const MESSAGE: &str = "query processed";

/// The model name every record carries.
pub const MODEL: &str = "llama-3-8b";

/// The fields every workload record carries, in order.
pub const FIELDS: [&str; 6] = [
    "iteration",
    "query_time_ms",
    "model",
    "tokens",
    "producer",
    "seq",
];

/// The query time of record `seq`: deterministic, varied, with a fractional part.
pub fn query_time_ms(seq: u64) -> f64 {
    5.0 + (seq % 389) as f64 * 0.125
}

/// The token count of record `seq`.
pub fn tokens(seq: u64) -> u64 {
    256 + seq % 769
}

/// Logs one workload record at INFO: iteration (the query), query_time_ms, model, tokens,
/// producer (the thread's index) and seq (its record number).
#[inline]
pub fn log_record(log: &Logger, level: Level, producer: u32, iteration: u64, seq: u64) {
    log.log_with(level, MESSAGE, || {
        [
            Field::new("iteration", iteration),
            Field::new("query_time_ms", query_time_ms(seq)),
            Field::new("model", MODEL),
            Field::new("tokens", tokens(seq)),
            Field::new("producer", producer),
            Field::new("seq", seq),
        ]
    });
}

/// One producer thread's share of the work.
#[derive(Debug, Clone, Copy)]
pub struct Producer {
    /// The producer's index, written in every record.
    pub index: u32,
    /// The first sequence number to use.
    pub first_seq: u64,
    /// Queries to run.
    pub queries: u64,
    /// Records per query.
    pub logs_per_query: u32,
}

impl Producer {
    /// Runs the queries, timing every call with `Instant` and handing the nanoseconds to
    /// `record_latency`; stops early when `stop` returns true (checked once per query).
    /// Returns how many records it logged.
    pub fn run(
        &self,
        log: &Logger,
        mut record_latency: impl FnMut(u64),
        stop: impl Fn() -> bool,
    ) -> u64 {
        let mut seq = self.first_seq;
        for iteration in 0..self.queries {
            if stop() {
                break;
            }
            for _ in 0..self.logs_per_query {
                let started = Instant::now();
                log_record(log, Level::Info, self.index, iteration, seq);
                record_latency(started.elapsed().as_nanos() as u64);
                seq += 1;
            }
        }
        seq - self.first_seq
    }
}
