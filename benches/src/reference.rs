//! The limit rows, measured in the same run as the backends: reading the clock,
//! formatting only, a channel only, and writing only.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::thread;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use hdrhistogram::Histogram;
use logswap_core::format::format_record;
use logswap_core::{Field, Fields, Level, Record};

use crate::result::{latency_histogram, Latency, RowKind, RunResult, Verification};
use crate::workload::{query_time_ms, tokens, MESSAGE, MODEL};

/// The names of the reference rows, in table order.
pub const REFERENCES: [&str; 4] = ["clock", "format-only", "channel-only", "write-only"];

/// A workload record as the backends' callers build it.
pub fn workload_record(seq: u64, logs_per_query: u64) -> Record {
    let fields: Fields = [
        Field::new("iteration", seq / logs_per_query.max(1)),
        Field::new("query_time_ms", query_time_ms(seq)),
        Field::new("model", MODEL),
        Field::new("tokens", tokens(seq)),
        Field::new("producer", 0u32),
        Field::new("seq", seq),
    ]
    .into();
    Record::new(Level::Info, "bench", MESSAGE, fields)
}

/// Measures the reference row `name` over `records` calls on one thread; `dir` holds the
/// write-only row's file.
pub fn run_reference(
    name: &str,
    records: u64,
    logs_per_query: u32,
    dir: &Path,
) -> Result<RunResult> {
    let per_query = u64::from(logs_per_query);
    let mut latency = latency_histogram();
    let mut bytes_per_line = 0.0;
    let started;
    let finished;
    match name {
        "clock" => {
            started = Instant::now();
            for _ in 0..records {
                let call = Instant::now();
                latency.saturating_record(call.elapsed().as_nanos() as u64);
            }
            finished = Instant::now();
        }
        "format-only" => {
            let mut line = Vec::with_capacity(512);
            let mut bytes = 0;
            started = Instant::now();
            for seq in 0..records {
                let call = Instant::now();
                line.clear();
                format_record(&workload_record(seq, per_query), &mut line);
                latency.saturating_record(call.elapsed().as_nanos() as u64);
                bytes += line.len();
            }
            finished = Instant::now();
            bytes_per_line = bytes as f64 / records.max(1) as f64;
        }
        "channel-only" => {
            let (sender, receiver) = flume::bounded::<Record>(64 * 1024);
            let consumer = thread::spawn(move || receiver.iter().count() as u64);
            started = Instant::now();
            for seq in 0..records {
                let call = Instant::now();
                let _ = sender.send(workload_record(seq, per_query));
                latency.saturating_record(call.elapsed().as_nanos() as u64);
            }
            drop(sender);
            let received = consumer.join().expect("the consumer panicked");
            finished = Instant::now();
            if received != records {
                bail!("channel-only: {received} of {records} records arrived");
            }
        }
        "write-only" => {
            let mut lines = Vec::with_capacity(records as usize * 200);
            let mut ends = Vec::with_capacity(records as usize);
            for seq in 0..records {
                format_record(&workload_record(seq, per_query), &mut lines);
                ends.push(lines.len());
            }
            let path = dir.join("write-only.log");
            let file = File::create(&path).with_context(|| format!("create {}", path.display()))?;
            let mut writer = BufWriter::with_capacity(64 * 1024, file);
            let mut start_of_line = 0;
            started = Instant::now();
            for &end in &ends {
                let call = Instant::now();
                writer.write_all(&lines[start_of_line..end])?;
                latency.saturating_record(call.elapsed().as_nanos() as u64);
                start_of_line = end;
            }
            writer.flush()?;
            finished = Instant::now();
            bytes_per_line = lines.len() as f64 / records.max(1) as f64;
        }
        other => bail!(
            "unknown reference {other:?}; known: {}",
            REFERENCES.join(", ")
        ),
    }
    Ok(reference_result(
        name,
        records,
        logs_per_query,
        &latency,
        started,
        finished,
        bytes_per_line,
    ))
}

fn reference_result(
    name: &str,
    records: u64,
    logs_per_query: u32,
    latency: &Histogram<u64>,
    started: Instant,
    finished: Instant,
    bytes_per_line: f64,
) -> RunResult {
    RunResult {
        kind: RowKind::Reference,
        backend: name.to_owned(),
        mode: "-".to_owned(),
        lossless: true,
        threads: 1,
        logs_per_query,
        emitted: records,
        written: records,
        dropped: 0,
        lost: 0,
        write_errors: 0,
        latency: Latency::of(latency),
        records_per_sec: records as f64 / (finished - started).as_secs_f64().max(1e-9),
        drain_ms: 0.0,
        bytes_per_line,
        peak_rss_kib: crate::peak_rss_kib(),
        disabled_call_ns: None,
        blocked_per_query: None,
        queue_high_water: None,
        blocked_ms: 0.0,
        verified: Verification {
            ok: true,
            detail: "reference row: nothing to verify".into(),
        },
        interrupted: false,
    }
}
