//! The limit rows, measured in the same run as the backends: reading the clock, making a
//! record only, formatting only, a channel only, and writing only.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use hdrhistogram::Histogram;
use logswap_core::format::format_record;
use logswap_core::{Backend, Error, Field, Fields, Level, Logger, Record, Stats, Value};

use crate::result::{latency_histogram, Latency, RowKind, RunResult, Verification};
use crate::workload::{log_record, query_time_ms, tokens, MESSAGE, MODEL};

/// The names of the reference rows, in table order.
pub const REFERENCES: [&str; 6] = [
    "clock",
    "record-only",
    "format-only",
    "serde-json-format",
    "channel-only",
    "write-only",
];

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
        "record-only" => {
            // The workload's log call through a `Logger` whose backend drops the record:
            // what every backend's caller pays before its queue, the floor of their p50s.
            let log = Logger::new(Arc::new(Discard))
                .with_level(Level::Info)
                .with_target("bench");
            started = Instant::now();
            for seq in 0..records {
                let call = Instant::now();
                log_record(&log, Level::Info, 0, seq / per_query, seq);
                latency.saturating_record(call.elapsed().as_nanos() as u64);
            }
            finished = Instant::now();
        }
        "format-only" | "serde-json-format" => {
            let format = if name == "format-only" {
                format_record
            } else {
                serde_json_line
            };
            let formatting;
            (formatting, bytes_per_line) = time_formatter(format, records, per_query, &mut latency);
            // Only the time spent formatting counts: building the records does not.
            started = Instant::now();
            finished = started + formatting;
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

/// A backend that drops every record, for the record-only row.
#[derive(Debug, Clone, Copy, Default)]
pub struct Discard;

impl Backend for Discard {
    /// Drops nothing on the caller's thread: behind a queue the writer drops the record,
    /// not the caller. A workload record owns no heap memory (literal keys and strings,
    /// numbers), so forgetting it leaks nothing; any other record is dropped.
    fn emit(&self, record: Record) {
        std::hint::black_box(&record);
        if owns_nothing(&record) {
            std::mem::forget(record);
        }
    }

    fn flush(&self) -> Result<(), Error> {
        Ok(())
    }

    fn shutdown(&self) -> Result<(), Error> {
        Ok(())
    }

    fn stats(&self) -> Stats {
        Stats::default()
    }

    fn name(&self) -> &'static str {
        "discard"
    }
}

/// Whether dropping `record` would free nothing.
fn owns_nothing(record: &Record) -> bool {
    let borrowed = |text: &Cow<'static, str>| matches!(text, Cow::Borrowed(_));
    borrowed(&record.target)
        && borrowed(&record.message)
        && !record.fields.spilled()
        && record.fields.iter().all(|field| {
            borrowed(&field.key)
                && match &field.value {
                    Value::Str(text) => borrowed(text),
                    Value::Json(_) => false,
                    Value::Null
                    | Value::Bool(_)
                    | Value::I64(_)
                    | Value::U64(_)
                    | Value::F64(_) => true,
                }
        })
}

/// Formats `records` workload records with `format` into a reused buffer; returns the
/// time the formatting took and the mean bytes per line.
///
/// The records are built beforehand, a block at a time, outside the timed loops: this row
/// is the limit of a writer thread that only formats records it is handed, so building
/// them (the callers' work) is not part of it. Each block is formatted twice: once with
/// every call timed, for the latency histogram, and once timed as a whole, for the rate,
/// which then does not include reading the clock twice per record.
fn time_formatter(
    format: fn(&Record, &mut Vec<u8>),
    records: u64,
    per_query: u64,
    latency: &mut Histogram<u64>,
) -> (Duration, f64) {
    const BLOCK: u64 = 1024;
    let mut line = Vec::with_capacity(512);
    let mut bytes = 0;
    let mut formatting = Duration::ZERO;
    let mut block = Vec::with_capacity(BLOCK as usize);
    for first in (0..records).step_by(BLOCK as usize) {
        block.clear();
        block
            .extend((first..records.min(first + BLOCK)).map(|seq| workload_record(seq, per_query)));
        for record in &block {
            let call = Instant::now();
            line.clear();
            format(record, &mut line);
            latency.saturating_record(call.elapsed().as_nanos() as u64);
        }
        let started = Instant::now();
        for record in &block {
            line.clear();
            format(record, &mut line);
            bytes += std::hint::black_box(&line).len();
        }
        formatting += started.elapsed();
    }
    (formatting, bytes as f64 / records.max(1) as f64)
}

/// A workload record formatted the common way, for comparison with the core formatter:
/// a derived `Serialize` struct written by `serde_json::to_writer`, with the timestamp from
/// chrono. For workload records the bytes equal `format_record`'s.
pub fn serde_json_line(record: &Record, out: &mut Vec<u8>) {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        ts: String,
        level: &'static str,
        target: &'a str,
        msg: &'a str,
        thread_id: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        thread_name: Option<&'a str>,
        iteration: u64,
        query_time_ms: f64,
        model: &'a str,
        tokens: u64,
        producer: u64,
        seq: u64,
    }
    let number = |i: usize| match record.fields.get(i).map(|f| &f.value) {
        Some(Value::U64(n)) => *n,
        Some(Value::I64(n)) => *n as u64,
        _ => 0,
    };
    let line = Line {
        ts: chrono::DateTime::<chrono::Utc>::from(record.timestamp)
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        level: record.level.as_str(),
        target: &record.target,
        msg: &record.message,
        thread_id: record.thread.id,
        thread_name: record.thread.name,
        iteration: number(0),
        query_time_ms: match record.fields.get(1).map(|f| &f.value) {
            Some(Value::F64(x)) => *x,
            _ => f64::NAN,
        },
        model: match record.fields.get(2).map(|f| &f.value) {
            Some(Value::Str(s)) => s,
            _ => "",
        },
        tokens: number(3),
        producer: number(4),
        seq: number(5),
    };
    let _ = serde_json::to_writer(&mut *out, &line);
    out.push(b'\n');
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_json_and_the_core_formatter_write_the_same_bytes_for_the_workload() {
        for seq in (0..2000).chain([u64::MAX / 3]) {
            let record = workload_record(seq, 5);
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            format_record(&record, &mut ours);
            serde_json_line(&record, &mut theirs);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
    }
}
