//! `flush()` is a barrier, not a drain; `flush_timeout` and `shutdown_timeout` give up on a
//! stuck target; emitting with room in the queue costs a fraction of a synchronous write.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{slow_captured, within};
use logswap_core::sink::Sink;
use logswap_core::{Backend, Counters, ErrorKind, Field, Level, Logger, Record, Target};
use logswap_flume::FlumeBackend;
use logswap_testkit::env_size;
use logswap_testkit::targets::{Captured, Gated, Release};

#[test]
fn flush_returns_while_four_threads_keep_logging() {
    within(60, "flush under load", || {
        // A target slow enough (0.2 ms per line) that four producers keep the queue full:
        // a flush that waited for an empty queue would never return.
        let slow = slow_captured(Duration::from_micros(200));
        let backend = Arc::new(
            FlumeBackend::builder()
                .target(Target::writer(slow.clone()))
                .capacity(256)
                .buffer_bytes(0)
                .build()
                .unwrap(),
        );
        let log = Logger::new(backend.clone());
        let stop = Arc::new(AtomicBool::new(false));
        let logged = Arc::new(AtomicU64::new(0));
        let producers: Vec<_> = (0..4)
            .map(|producer| {
                let (log, stop, logged) = (log.clone(), stop.clone(), logged.clone());
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        log.log(Level::Info, "noise", [Field::new("producer", producer)]);
                        logged.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        while backend.stats().queue_depth < Some(200) {
            std::thread::yield_now();
        }

        for seq in 0..10u64 {
            log.log(Level::Warn, "before flush", [Field::new("seq", seq)]);
        }
        let started = Instant::now();
        log.flush().expect("flush under load");
        let took = started.elapsed();
        let depth_after = backend.stats().queue_depth.unwrap();
        let logged_at_return = logged.load(Ordering::Relaxed);
        assert_eq!(
            common::seqs(&slow.out.lines(), "before flush"),
            (0..10).collect::<Vec<_>>(),
            "everything emitted before flush() is written when it returns"
        );
        let waiting_since = Instant::now();
        while logged.load(Ordering::Relaxed) <= logged_at_return {
            assert!(
                waiting_since.elapsed() < Duration::from_secs(20),
                "the producers stopped logging after the flush"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        stop.store(true, Ordering::Relaxed);
        for producer in producers {
            producer.join().unwrap();
        }

        assert!(
            depth_after > 0,
            "flush returned while records emitted after it still waited: it is a barrier"
        );
        eprintln!("flush under load took {took:?}, {depth_after} records still queued");
        backend.shutdown().unwrap();
        let stats = backend.stats();
        assert_eq!(
            (stats.dropped, stats.written),
            (0, stats.emitted),
            "{stats:?}"
        );
    });
}

#[test]
fn flush_timeout_and_shutdown_timeout_give_up_on_a_stuck_target() {
    within(60, "timeouts on a stuck target", || {
        let (gated, writing) = Gated::new();
        let backend = FlumeBackend::builder()
            .target(Target::writer(gated.clone()))
            .build()
            .unwrap();
        let _release = Release(gated.clone());
        backend.emit(Record::new(Level::Info, "t", "stuck", Default::default()));
        writing.recv().unwrap();

        let started = Instant::now();
        let err = backend
            .flush_timeout(Duration::from_millis(100))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        let err = backend
            .shutdown_timeout(Duration::from_millis(100))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "both gave up near their limits, took {:?}",
            started.elapsed()
        );

        // The queue is closed all the same: a later emit is dropped, not queued.
        backend.emit(Record::new(Level::Info, "t", "late", Default::default()));
        assert_eq!(backend.stats().dropped, 1);

        gated.release();
        backend
            .shutdown()
            .expect("a later shutdown finishes the job");
        let lines = gated.out.lines();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].str("msg"), Some("stuck"));
        let stats = backend.stats();
        assert_eq!((stats.emitted, stats.written, stats.dropped), (2, 1, 1));
    });
}

#[test]
fn an_idle_logger_holds_nothing_back() {
    let memory = Captured::default();
    let backend = FlumeBackend::builder()
        .target(Target::writer(memory.clone()))
        .build()
        .unwrap();
    for _ in 0..3 {
        backend.emit(Record::new(Level::Info, "t", "idle", Default::default()));
    }
    // No flush: the writer flushes when the queue runs dry.
    let deadline = Instant::now() + Duration::from_secs(20);
    while memory.lines().len() < 3 {
        assert!(
            Instant::now() < deadline,
            "the writer must write out when the queue runs dry"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    backend.shutdown().unwrap();
}

#[test]
fn emits_with_room_in_the_queue_cost_a_fraction_of_synchronous_writes() {
    within(120, "the latency comparison", || {
        let records = env_size("LOGSWAP_FLUME_RATIO_RECORDS", 10_000);
        let sync_sample = env_size("LOGSWAP_FLUME_SYNC_SAMPLE", 200);
        let per_write = Duration::from_millis(1);
        let record = |seq: usize| {
            Record::new(
                Level::Info,
                "latency",
                "query processed",
                [
                    Field::new("seq", seq),
                    Field::new("query_time_ms", 12.5),
                    Field::new("model", "llama-3-8b"),
                ]
                .into(),
            )
        };

        // Synchronous writes, as a per-record-flush logger makes them: one write and
        // flush of the target per record, on the caller's thread. Timed on a sample and
        // scaled, since `records` of them take `records` x 1 ms.
        let counters = Arc::new(Counters::default());
        let mut sink = Sink::new(
            Target::writer(slow_captured(per_write)).open().unwrap(),
            0,
            counters.clone(),
        );
        let started = Instant::now();
        for seq in 0..sync_sample {
            counters.record_emitted();
            sink.push_record(&record(seq));
            sink.flush().unwrap();
        }
        let sync_per_record = started.elapsed() / sync_sample as u32;
        let sync_total = sync_per_record * records as u32;

        let slow = slow_captured(per_write);
        let backend = FlumeBackend::builder()
            .target(Target::writer(slow.clone()))
            .capacity(records.max(1))
            .build()
            .unwrap();
        let started = Instant::now();
        for seq in 0..records {
            backend.emit(record(seq));
        }
        let emitting = started.elapsed();
        backend.shutdown().unwrap();
        assert_eq!(backend.stats().written, records as u64);
        assert_eq!(backend.stats().blocked, Duration::ZERO, "there was room");

        let ratio = emitting.as_secs_f64() / sync_total.as_secs_f64();
        eprintln!(
            "{records} emits took {emitting:?}; {records} synchronous writes take about \
             {sync_total:?} ({sync_per_record:?} each): ratio {ratio:.4}"
        );
        assert!(
            ratio < 0.1,
            "emits with room must cost a small fraction of synchronous writes: {ratio:.4}"
        );
    });
}

#[test]
fn a_flush_during_shutdown_waits_for_the_drain() {
    within(60, "a flush racing a shutdown", || {
        let slow = slow_captured(Duration::from_millis(1));
        let backend = Arc::new(
            FlumeBackend::builder()
                .target(Target::writer(slow.clone()))
                .buffer_bytes(0)
                .build()
                .unwrap(),
        );
        for seq in 0..100u64 {
            backend.emit(Record::new(
                Level::Info,
                "t",
                "drained",
                [Field::new("seq", seq)].into(),
            ));
        }
        let shutdown = {
            let backend = backend.clone();
            std::thread::spawn(move || backend.shutdown())
        };
        // Give the shutdown time to close the queue; the writer needs about 100 ms more.
        std::thread::sleep(Duration::from_millis(20));
        backend.flush().expect("flush during shutdown");
        assert_eq!(
            slow.out.lines().len(),
            100,
            "flush returned only after every record emitted before it was written"
        );
        shutdown.join().unwrap().expect("shutdown");
    });
}
