//! A small, steady program to put under a profiler: one part of the record path, run on
//! workload records, with nothing else around it (no histogram, no clock reads per call).
//!
//! ```text
//! cargo build --release -p logswap-benches --example profile
//! # Instructions per record of the core formatter (divide by the records):
//! valgrind --tool=callgrind --toggle-collect='logswap_core::format::format_record' \
//!     target/release/examples/profile format 20000
//! # The same records through serde_json and chrono:
//! valgrind --tool=callgrind --toggle-collect='logswap_benches::reference::serde_json_line' \
//!     target/release/examples/profile serde 20000
//! # The caller's thread and the writer's of the flume backend (thread 1 and 2 files):
//! valgrind --tool=callgrind --separate-threads=yes target/release/examples/profile emit 40000
//! # The same through the per-producer rings experiment (`logswap_benches::rings`):
//! valgrind --tool=callgrind --separate-threads=yes target/release/examples/profile rings 40000
//! # The caller's cost alone: a Logger whose backend drops every record:
//! valgrind --tool=callgrind target/release/examples/profile record 40000
//! # What a thread's first record costs in the rings experiment (it makes the thread's ring),
//! # against its second, in five threads one after another:
//! target/release/examples/profile rings-first
//! # Wall time per record of building, formatting and serde_json, three rounds:
//! target/release/examples/profile time 200000
//! ```

use std::hint::black_box;
use std::io;
use std::sync::Arc;
use std::time::Instant;

use logswap_benches::reference::{serde_json_line, workload_record, Discard};
use logswap_benches::rings::{RingBackend, DEFAULT_RING_CAPACITY};
use logswap_benches::workload::log_record;
use logswap_core::format::format_record;
use logswap_core::{Backend, Level, Logger, Record, Target};
use logswap_flume::FlumeBackend;

fn main() {
    let mut args = std::env::args().skip(1);
    let part = args.next().unwrap_or_default();
    let records: u64 = match args.next().map(|n| n.parse()) {
        None => 20_000,
        Some(Ok(n)) => n,
        Some(Err(err)) => exit_with(&format!("records: {err}")),
    };
    match part.as_str() {
        "format" => format_all(&built(records), format_record),
        "serde" => format_all(&built(records), serde_json_line),
        "emit" => emit(records, flume_backend()),
        "rings" => emit(records, rings_backend()),
        "record" => emit(records, Arc::new(Discard)),
        "rings-first" => rings_first_record(),
        "time" => time(records),
        _ => {
            exit_with("usage: profile <format|serde|emit|rings|record|rings-first|time> [records]")
        }
    }
}

fn exit_with(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(2)
}

fn built(records: u64) -> Vec<Record> {
    (0..records).map(|seq| workload_record(seq, 5)).collect()
}

fn format_all(records: &[Record], format: fn(&Record, &mut Vec<u8>)) {
    let mut line = Vec::with_capacity(512);
    for record in records {
        line.clear();
        format(black_box(record), &mut line);
        black_box(&line);
    }
}

/// A flume backend (default capacity, blocking when full) writing to a target that
/// discards every line.
fn flume_backend() -> Arc<dyn Backend> {
    let backend = FlumeBackend::builder()
        .target(Target::writer(io::sink()))
        .build()
        .unwrap_or_else(|err| exit_with(&err.to_string()));
    Arc::new(backend)
}

/// The rings experiment (default capacity) writing to a target that discards every line.
fn rings_backend() -> Arc<dyn Backend> {
    let backend = RingBackend::new(Target::writer(io::sink()), DEFAULT_RING_CAPACITY)
        .unwrap_or_else(|err| exit_with(&err.to_string()));
    Arc::new(backend)
}

/// Times the first and the second record of five threads, one after another, through one
/// rings backend: the first makes the thread's ring.
fn rings_first_record() {
    let log = Logger::new(rings_backend());
    for producer in 0..5 {
        let log = log.clone();
        let timed = std::thread::spawn(move || {
            let started = Instant::now();
            log_record(&log, Level::Info, producer, 0, 0);
            let first = started.elapsed();
            let started = Instant::now();
            log_record(&log, Level::Info, producer, 0, 1);
            (first, started.elapsed())
        })
        .join()
        .unwrap_or_else(|_| exit_with("a producer panicked"));
        println!(
            "thread {producer}: first record {:?}, second {:?}",
            timed.0, timed.1
        );
    }
}

/// Logs `records` workload records through `backend` and waits until all are written.
fn emit(records: u64, backend: Arc<dyn Backend>) {
    let log = Logger::new(backend);
    for seq in 0..records {
        log_record(&log, Level::Info, 0, seq / 5, seq);
    }
    log.flush()
        .unwrap_or_else(|err| exit_with(&err.to_string()));
}

/// Nanoseconds per record of building a record, formatting it, and formatting it with
/// serde_json, over pre-built records, three rounds.
fn time(records: u64) {
    let prebuilt = built(records);
    let per_record = |started: Instant| started.elapsed().as_nanos() as f64 / records as f64;
    for round in 1..=3 {
        let started = Instant::now();
        for seq in 0..records {
            black_box(workload_record(black_box(seq), 5));
        }
        let build = per_record(started);
        let started = Instant::now();
        format_all(&prebuilt, format_record);
        let format = per_record(started);
        let started = Instant::now();
        format_all(&prebuilt, serde_json_line);
        let serde = per_record(started);
        println!(
            "round {round}: build {build:.0} ns, format {format:.0} ns, serde_json {serde:.0} ns"
        );
    }
}
