//! One measured run of a backend in one mode: the main phase (N producers), a short
//! per-query phase, the disabled-level cost, then shutdown and the file read back.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use logswap_core::{Field, Level, Logger, Target};

use crate::result::{latency_histogram, BlockedPerQuery, Latency, RowKind, RunResult};
use crate::subjects::Subject;
use crate::verify::{check_file, Expected};
use crate::workload::{log_record, Producer, MESSAGE};

/// What to run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The backend and mode.
    pub subject: Subject,
    /// Producer threads in the main phase.
    pub threads: u32,
    /// Records in the main phase, split evenly across the producers (rounded up to whole
    /// queries).
    pub records: u64,
    /// Records per query in the main phase.
    pub logs_per_query: u32,
    /// The log file; it is replaced.
    pub out: PathBuf,
}

/// Runs `config`, calling `progress(records_emitted)` about every 50 ms during the main
/// phase; stops early, flushes and reports `interrupted` when `stop` is set.
pub fn run_backend(
    config: &RunConfig,
    stop: &AtomicBool,
    progress: &dyn Fn(u64),
) -> Result<RunResult> {
    let _ = std::fs::remove_file(&config.out);
    let backend = config
        .subject
        .build(Target::file(&config.out))
        .with_context(|| {
            format!(
                "building {}/{}",
                config.subject.backend, config.subject.mode
            )
        })?;
    let log = Logger::new(backend.clone())
        .with_level(Level::Info)
        .with_target("bench");

    let main = main_phase(config, &log, stop, progress)?;
    let mut per_producer = main.per_producer.clone();
    let interrupted = stop.load(Ordering::SeqCst);
    let (blocked_per_query, disabled_call_ns, disabled_ran) = if interrupted {
        (None, None, 0)
    } else {
        let (blocked, study_records) =
            per_query_phase(&log, config.threads, study_queries(config.records));
        per_producer.push(study_records);
        let (ns, ran) = disabled_call_cost(&log, disabled_calls(config.records));
        (Some(blocked), Some(ns), ran)
    };
    log.shutdown().context("shutdown")?;
    let stats = backend.stats();
    // Read before the file is read back, which takes memory of its own.
    let peak_rss_kib = crate::peak_rss_kib();

    let emitted: u64 = per_producer.iter().sum();
    let mut file = check_file(
        &config.out,
        &Expected {
            per_producer,
            lossless: config.subject.lossless,
        },
    );
    // Lost: neither in the file nor counted as dropped.
    let lost = emitted as i64 - file.workload_lines as i64 - stats.dropped as i64;
    let mut problems = Vec::new();
    // A queue's drop reports are records of its own: flume counts them as emitted and
    // written, so they are allowed for in both checks.
    if stats.emitted != emitted && stats.emitted != emitted + file.report_lines {
        problems.push(format!(
            "backend counted {} emitted, the workload {emitted}",
            stats.emitted
        ));
    }
    if stats.written != file.workload_lines
        && stats.written != file.workload_lines + file.report_lines
    {
        problems.push(format!(
            "backend counted {} written, the file holds {}",
            stats.written, file.workload_lines
        ));
    }
    if disabled_ran > 0 {
        problems.push(format!("a disabled-level closure ran {disabled_ran} times"));
    }
    if !problems.is_empty() {
        file.verification.ok = false;
        file.verification.detail = format!("{}; {}", problems.join("; "), file.verification.detail);
    }
    Ok(RunResult {
        kind: RowKind::Backend,
        backend: config.subject.backend.to_owned(),
        mode: config.subject.mode.to_owned(),
        lossless: config.subject.lossless,
        threads: config.threads,
        logs_per_query: config.logs_per_query,
        emitted,
        written: stats.written,
        dropped: stats.dropped,
        lost,
        write_errors: stats.write_errors,
        latency: Latency::of(&main.latency),
        records_per_sec: main.records as f64 / main.elapsed.as_secs_f64().max(1e-9),
        drain_ms: main.drain.as_secs_f64() * 1e3,
        bytes_per_line: file.bytes_per_line,
        peak_rss_kib,
        disabled_call_ns,
        blocked_per_query,
        queue_high_water: stats.queue_high_water,
        blocked_ms: stats.blocked.as_secs_f64() * 1e3,
        verified: file.verification,
        interrupted,
    })
}

/// Queries of 5 and of 10 records in the per-query phase: 2% of the main phase's records,
/// between 10 and 1,000 queries of each.
fn study_queries(records: u64) -> u64 {
    (records / 50).clamp(10, 1000)
}

/// Calls at a disabled level: four per main-phase record, between 10,000 and 1,000,000.
fn disabled_calls(records: u64) -> u64 {
    (records * 4).clamp(10_000, 1_000_000)
}

struct MainPhase {
    latency: Histogram<u64>,
    per_producer: Vec<u64>,
    records: u64,
    elapsed: Duration,
    drain: Duration,
}

fn main_phase(
    config: &RunConfig,
    log: &Logger,
    stop: &AtomicBool,
    progress: &dyn Fn(u64),
) -> Result<MainPhase> {
    let threads = config.threads.max(1);
    let per_query = u64::from(config.logs_per_query.max(1));
    let queries = config.records.div_ceil(u64::from(threads) * per_query);
    let start_line = Arc::new(Barrier::new(threads as usize + 1));
    let stopping = Arc::new(AtomicBool::new(false));
    // Each producer says when it is done, so the flush starts at once, not after a poll.
    let (done, finished) = mpsc::channel::<()>();
    let producers: Vec<_> = (0..threads)
        .map(|index| {
            let log = log.clone();
            let start_line = start_line.clone();
            let stopping = stopping.clone();
            let done = done.clone();
            let producer = Producer {
                index,
                first_seq: 0,
                queries,
                logs_per_query: per_query as u32,
            };
            thread::Builder::new()
                .name(format!("producer-{index}"))
                .spawn(move || {
                    let mut latency = latency_histogram();
                    start_line.wait();
                    let count = producer.run(
                        &log,
                        |ns| latency.saturating_record(ns),
                        || stopping.load(Ordering::Relaxed),
                    );
                    let finished_at = Instant::now();
                    let _ = done.send(());
                    (latency, count, finished_at)
                })
                .context("spawn a producer")
        })
        .collect::<Result<_>>()?;
    start_line.wait();
    let started = Instant::now();
    let mut finished_producers = 0;
    while finished_producers < producers.len() {
        match finished.recv_timeout(Duration::from_millis(50)) {
            Ok(()) => finished_producers += 1,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                progress(log.stats().emitted);
                if stop.load(Ordering::SeqCst) {
                    stopping.store(true, Ordering::SeqCst);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break, // A producer panicked.
        }
    }
    let mut latency = latency_histogram();
    let mut per_producer = Vec::new();
    let mut last_emit = started;
    for producer in producers {
        let (histogram, count, finished) = producer.join().expect("a producer panicked");
        latency.add(&histogram).expect("same histogram bounds");
        per_producer.push(count);
        last_emit = last_emit.max(finished);
    }
    log.flush().context("flush after the main phase")?;
    let flushed = Instant::now();
    Ok(MainPhase {
        latency,
        records: per_producer.iter().sum(),
        per_producer,
        elapsed: flushed - started,
        drain: flushed - last_emit,
    })
}

/// Times whole queries of 5 and of 10 records on this thread, with the queue drained
/// before each half, as producer number `producer`, after one untimed record. Returns the
/// means and the records.
fn per_query_phase(log: &Logger, producer: u32, queries: u64) -> (BlockedPerQuery, u64) {
    // One record first, untimed: what a thread pays once, at its first record (a ring of
    // its own in the rings experiment, say), is not a query's cost.
    log_record(log, Level::Info, producer, 0, 0);
    let mut seq = 1;
    let mut mean_ns = [0.0; 2];
    for (slot, logs) in [5u64, 10].into_iter().enumerate() {
        let _ = log.flush();
        let mut total = Duration::ZERO;
        for iteration in 0..queries {
            let started = Instant::now();
            for _ in 0..logs {
                log_record(log, Level::Info, producer, iteration, seq);
                seq += 1;
            }
            total += started.elapsed();
        }
        mean_ns[slot] = total.as_nanos() as f64 / queries as f64;
    }
    let _ = log.flush();
    (
        BlockedPerQuery {
            logs_5_ns: mean_ns[0],
            logs_10_ns: mean_ns[1],
        },
        seq,
    )
}

/// Nanoseconds per `log_with` call at a disabled level, and how often its closure ran
/// (it must not).
fn disabled_call_cost(log: &Logger, calls: u64) -> (f64, u64) {
    let mut ran = 0u64;
    let started = Instant::now();
    for seq in 0..calls {
        log.log_with(Level::Debug, MESSAGE, || {
            ran += 1;
            [Field::new("seq", seq)]
        });
    }
    let elapsed = started.elapsed();
    (elapsed.as_nanos() as f64 / calls as f64, ran)
}
