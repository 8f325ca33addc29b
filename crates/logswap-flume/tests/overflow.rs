//! The overflow policies under pressure from a deliberately slow target: what is dropped,
//! how it is counted and reported, and what is never lost.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{slow_captured, within};
use logswap_core::{Backend, Field, Level, Record, Target};
use logswap_flume::{FlumeBackend, Overflow, DROP_REPORT_MESSAGE};
use logswap_testkit::targets::{Gated, Release, Slow};
use logswap_testkit::LogLine;

const RECORDS: u64 = 400;

/// Levels cycle through all five, so a fifth of the records are at each level.
fn level_of(seq: u64) -> Level {
    Level::ALL[(seq % 5) as usize]
}

fn emit_burst(backend: &FlumeBackend) {
    for seq in 0..RECORDS {
        backend.emit(Record::new(
            level_of(seq),
            "burst",
            "burst",
            [Field::new("seq", seq)].into(),
        ));
    }
}

/// A backend with a 16-record queue in front of a target that sleeps 1 ms per write and
/// gets every line by itself, so a burst overflows it at once.
fn under_pressure(overflow: Overflow) -> (FlumeBackend, Slow) {
    let slow = slow_captured(Duration::from_millis(1));
    let backend = FlumeBackend::builder()
        .target(Target::writer(slow.clone()))
        .capacity(16)
        .buffer_bytes(0)
        .overflow(overflow)
        .build()
        .unwrap();
    (backend, slow)
}

/// The drop reports in `lines`: their total, the sum per level, and whether each says
/// WARN from the writer thread with an ordered window.
fn reported_drops(lines: &[LogLine]) -> (u64, BTreeMap<String, u64>, usize) {
    let mut total = 0;
    let mut by_level = BTreeMap::new();
    let reports: Vec<_> = lines
        .iter()
        .filter(|line| line.str("msg") == Some(DROP_REPORT_MESSAGE))
        .collect();
    for report in &reports {
        assert_eq!(report.str("level"), Some("WARN"), "{report:?}");
        assert_eq!(report.str("target"), Some("logswap"), "{report:?}");
        assert_eq!(
            report.str("thread_name"),
            Some("logswap-writer"),
            "{report:?}"
        );
        let first = report.str("first_drop").expect("first_drop");
        let last = report.str("last_drop").expect("last_drop");
        assert!(first <= last, "the window is ordered: {report:?}");
        total += report.u64("dropped").expect("dropped");
        for (level, count) in report
            .get("dropped_by_level")
            .and_then(serde_json::Value::as_object)
            .expect("by level")
        {
            *by_level.entry(level.clone()).or_default() += count.as_u64().unwrap();
        }
    }
    (total, by_level, reports.len())
}

/// The records of the burst that are not in the output, counted per level.
fn missing_by_level(written: &[u64]) -> BTreeMap<String, u64> {
    let mut missing = BTreeMap::new();
    let written: std::collections::HashSet<_> = written.iter().copied().collect();
    for seq in (0..RECORDS).filter(|seq| !written.contains(seq)) {
        *missing
            .entry(level_of(seq).as_str().to_owned())
            .or_default() += 1;
    }
    missing
}

#[test]
fn drop_newest_counts_every_drop_and_reports_it_in_the_stream() {
    within(60, "the DropNewest burst", || {
        let (backend, slow) = under_pressure(Overflow::DropNewest);
        emit_burst(&backend);
        backend.shutdown().unwrap();

        let stats = backend.stats();
        let lines = slow.out.lines();
        let (reported, reported_by_level, reports) = reported_drops(&lines);
        assert!(
            stats.dropped > 0,
            "a slow target must make drops: {stats:?}"
        );
        assert_eq!(stats.written + stats.dropped, stats.emitted, "{stats:?}");
        assert!(reports >= 1, "the drop report is in the file");
        assert_eq!(
            stats.emitted,
            RECORDS + reports as u64,
            "every emit, and each report, is counted once"
        );
        assert_eq!(
            lines.len() as u64,
            stats.written,
            "the file holds what was written"
        );
        assert_eq!(reported, stats.dropped, "every drop is reported");
        assert_eq!(stats.blocked, Duration::ZERO, "DropNewest never waits");

        let written = common::seqs(&lines, "burst");
        assert!(
            written.windows(2).all(|pair| pair[0] < pair[1]),
            "what is written keeps its order"
        );
        assert_eq!(
            reported_by_level,
            missing_by_level(&written),
            "the report's counts per level are exactly the records missing from the file"
        );
    });
}

#[test]
fn drop_below_warn_never_loses_a_warn_or_an_error() {
    within(60, "the DropBelow(Warn) burst", || {
        let (backend, slow) = under_pressure(Overflow::DropBelow(Level::Warn));
        emit_burst(&backend);
        backend.shutdown().unwrap();

        let stats = backend.stats();
        let lines = slow.out.lines();
        let written = common::seqs(&lines, "burst");
        let must_keep: Vec<u64> = (0..RECORDS)
            .filter(|&seq| level_of(seq) >= Level::Warn)
            .collect();
        let kept: Vec<u64> = written
            .iter()
            .copied()
            .filter(|&seq| level_of(seq) >= Level::Warn)
            .collect();
        assert_eq!(kept, must_keep, "every WARN and ERROR is written, in order");
        assert!(
            stats.dropped > 0,
            "records below WARN are dropped: {stats:?}"
        );
        assert_eq!(stats.written + stats.dropped, stats.emitted, "{stats:?}");
        assert!(
            stats.blocked > Duration::ZERO,
            "WARN and ERROR waited for room"
        );

        let (reported, reported_by_level, _) = reported_drops(&lines);
        assert_eq!(reported, stats.dropped);
        assert_eq!(reported_by_level, missing_by_level(&written));
        assert!(
            reported_by_level
                .keys()
                .all(|level| ["TRACE", "DEBUG", "INFO"].contains(&level.as_str())),
            "only levels below WARN are dropped: {reported_by_level:?}"
        );
    });
}

#[test]
fn block_loses_nothing_and_counts_the_wait_and_the_high_water_mark() {
    within(60, "the Block burst", || {
        let slow = slow_captured(Duration::from_millis(1));
        let backend = FlumeBackend::builder()
            .target(Target::writer(slow.clone()))
            .capacity(4)
            .buffer_bytes(0)
            .build()
            .unwrap();
        for seq in 0..50u64 {
            backend.emit(Record::new(
                Level::Debug,
                "burst",
                "burst",
                [Field::new("seq", seq)].into(),
            ));
        }
        backend.flush().unwrap();
        let stats = backend.stats();
        assert_eq!(
            common::seqs(&slow.out.lines(), "burst"),
            (0..50).collect::<Vec<_>>()
        );
        assert_eq!((stats.written, stats.dropped), (50, 0), "{stats:?}");
        assert!(stats.blocked > Duration::ZERO, "callers waited: {stats:?}");
        assert_eq!(
            stats.queue_high_water,
            Some(4),
            "the queue was full: {stats:?}"
        );
        assert_eq!(
            stats.queue_depth,
            Some(0),
            "flushed, nothing waits: {stats:?}"
        );
        let delay = stats
            .max_queue_delay
            .expect("the flume backend measures delay");
        assert!(
            delay >= Duration::from_millis(3),
            "a record behind four 1 ms writes waited at least 3 ms: {delay:?}"
        );
        backend.shutdown().unwrap();
    });
}

#[test]
fn drop_newest_never_drops_a_flush() {
    within(60, "a flush behind a full DropNewest queue", || {
        let (gated, writing) = Gated::new();
        let backend = std::sync::Arc::new(
            FlumeBackend::builder()
                .target(Target::writer(gated.clone()))
                .capacity(2)
                .buffer_bytes(0)
                .overflow(Overflow::DropNewest)
                .build()
                .unwrap(),
        );
        let _release = Release(gated.clone());
        let emit = |seq: u64| {
            backend.emit(Record::new(
                Level::Info,
                "t",
                "queued",
                [Field::new("seq", seq)].into(),
            ))
        };
        emit(0);
        writing.recv().unwrap(); // The writer holds record 0, stuck in its write.
        for seq in 1..10 {
            emit(seq); // Two fit in the queue; the other seven are dropped.
        }
        assert_eq!(backend.stats().dropped, 7);

        let flusher = {
            let backend = backend.clone();
            std::thread::spawn(move || backend.flush())
        };
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            !flusher.is_finished(),
            "the flush waits for room and for the writer; it is neither dropped nor early"
        );
        gated.release();
        flusher.join().unwrap().expect("flush");
        assert_eq!(common::seqs(&gated.out.lines(), "queued"), vec![0, 1, 2]);
        backend.shutdown().unwrap();
        let stats = backend.stats();
        assert_eq!(stats.written + stats.dropped, stats.emitted, "{stats:?}");
    });
}
