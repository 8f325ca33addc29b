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
//! # Wall time per record of the caller's path (a Logger whose backend keeps nothing)
//! # against filling records in place (with and without the clock read), five rounds:
//! target/release/examples/profile in-place 1000000
//! # Wall time per read of the record's clock (`SystemTime::now`), the timer's
//! # (`Instant::now`), and a TSC clock (quanta), five rounds:
//! target/release/examples/profile clock 5000000
//! ```

use std::borrow::Cow;
use std::hint::black_box;
use std::io;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use logswap_benches::reference::{serde_json_line, workload_record, Discard};
use logswap_benches::rings::{RingBackend, DEFAULT_RING_CAPACITY};
use logswap_benches::workload::{log_record, query_time_ms, tokens, MESSAGE, MODEL};
use logswap_core::format::format_record;
use logswap_core::{Backend, Field, Level, Logger, Record, Target, ThreadInfo};
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
        "in-place" => in_place(records),
        "clock" => clock(records),
        _ => {
            exit_with("usage: profile <format|serde|emit|rings|record|rings-first|time|in-place|clock> [records]")
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

/// Nanoseconds per record of the record-only row's path (the workload's `log_with` through
/// a `Logger` whose backend keeps nothing) against filling records in place with the same
/// contents, as a record built in its queue slot would be: no empty fields made and moved,
/// no record passed by value, no array moved into an iterator, no dynamic `emit` call and
/// no check by the backend. 64 slots, so they stay in this core's cache (a queue's slot
/// was last read by the writer on another core: this is the best case), emptied outside
/// the timed part as a writer would empty them. A third column leaves out the clock read;
/// the last is the first minus the second. Five rounds, alternating.
fn in_place(records: u64) {
    let log = Logger::new(Arc::new(Discard))
        .with_level(Level::Info)
        .with_target("bench");
    let mut slots: Vec<Record> = (0..64).map(|seq| workload_record(seq, 5)).collect();
    for round in 1..=5 {
        let started = Instant::now();
        for seq in 0..records {
            log_record(&log, Level::Info, 0, seq / 5, seq);
        }
        let through_logger = started.elapsed().as_nanos() as f64 / records as f64;
        let filled = fill_in_place(&log, &mut slots, records, true);
        let filled_without_clock = fill_in_place(&log, &mut slots, records, false);
        println!(
            "round {round}: through the Logger {through_logger:.0} ns, in place {filled:.0} \
             ns, in place without the clock read {filled_without_clock:.0} ns; in place saves \
             {:.0} ns",
            through_logger - filled
        );
    }
}

/// Nanoseconds per record of filling `records` records into `slots` in place, round and
/// round, reading the clock for each or not; only the filling is timed.
fn fill_in_place(log: &Logger, slots: &mut [Record], records: u64, read_clock: bool) -> f64 {
    let mut nanos = 0;
    let mut seq = 0;
    while seq < records {
        slots.iter_mut().for_each(|slot| slot.fields.clear());
        let started = Instant::now();
        for slot in slots.iter_mut() {
            if read_clock {
                refill(log, black_box(slot), black_box(seq), SystemTime::now);
            } else {
                refill(log, black_box(slot), black_box(seq), || UNIX_EPOCH);
            }
            seq += 1;
        }
        nanos += started.elapsed().as_nanos();
    }
    nanos as f64 / seq as f64
}

/// Fills the emptied `record` with the workload's record `seq`, as `Logger::log_with`
/// would make it (the level check, timestamp, thread, the closure's fields), in place.
#[inline(never)]
fn refill(log: &Logger, record: &mut Record, seq: u64, now: impl Fn() -> SystemTime) {
    if !log.enabled(Level::Info, "bench") {
        return;
    }
    record.timestamp = now();
    record.level = Level::Info;
    record.target = Cow::Borrowed("bench");
    record.message = Cow::Borrowed(MESSAGE);
    record.thread = ThreadInfo::current();
    let fields = &mut record.fields;
    fields.push(Field::new("iteration", seq / 5));
    fields.push(Field::new("query_time_ms", query_time_ms(seq)));
    fields.push(Field::new("model", MODEL));
    fields.push(Field::new("tokens", tokens(seq)));
    fields.push(Field::new("producer", 0u32));
    fields.push(Field::new("seq", seq));
}

/// Nanoseconds per read of `SystemTime::now` (every record's timestamp), `Instant::now`
/// (the runner's timer, read twice per call), and quanta's TSC clock, five rounds.
fn clock(reads: u64) {
    let tsc = quanta::Clock::new();
    let per_read = |started: Instant| started.elapsed().as_nanos() as f64 / reads as f64;
    for round in 1..=5 {
        let started = Instant::now();
        for _ in 0..reads {
            black_box(SystemTime::now());
        }
        let system = per_read(started);
        let started = Instant::now();
        for _ in 0..reads {
            black_box(Instant::now());
        }
        let instant = per_read(started);
        let started = Instant::now();
        for _ in 0..reads {
            black_box(tsc.now());
        }
        let tsc_read = per_read(started);
        println!(
            "round {round}: SystemTime::now {system:.1} ns, Instant::now {instant:.1} ns, \
             quanta {tsc_read:.1} ns"
        );
    }
}
