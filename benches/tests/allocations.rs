//! The record path allocates nothing: a workload record (literal message and strings, six
//! fields) logged through a `Logger` costs no heap allocation on the caller's thread,
//! neither in the core (building the `Record`) nor in the flume backend (queueing it),
//! once the per-thread caches and the channel's buffer are warm (the flume writer gives the
//! buffer back only after a second without records; see logswap-flume's docs, Memory). Counted by a global
//! allocator that counts the calling thread's allocations only.

// A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to System.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex};

use logswap_benches::reference::Discard;
use logswap_benches::workload::log_record;
use logswap_core::{Backend, Level, Logger, Target};
use logswap_flume::{FlumeBackend, Overflow};

struct CountingThisThread;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn note_allocation() {
    // `try_with`: the allocator also runs while thread-locals are torn down.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; counting touches
// only const-initialized thread-locals, which allocate nothing.
unsafe impl GlobalAlloc for CountingThisThread {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller's contract for `realloc` is passed on as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingThisThread = CountingThisThread;

/// Allocations made by this thread while `body` runs.
fn allocations_during(body: impl FnOnce()) -> u64 {
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|c| c.set(true));
    body();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn building_a_workload_record_allocates_nothing() {
    let log = Logger::new(Arc::new(Discard)).with_level(Level::Info);
    log_record(&log, Level::Info, 0, 0, 0); // Warms the per-thread caches.
    let allocations = allocations_during(|| {
        for seq in 1..10_001 {
            log_record(&log, Level::Info, 0, seq / 5, seq);
            log_record(&log, Level::Debug, 0, seq / 5, seq); // Disabled: nothing at all.
        }
    });
    assert_eq!(allocations, 0, "allocations for 10,000 records");
}

/// A target whose writes wait until the test opens the gate.
struct Gated(Arc<(Mutex<bool>, Condvar)>);

impl Write for Gated {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let (open, opened) = &*self.0;
        let mut open = open.lock().unwrap();
        while !*open {
            open = opened.wait(open).unwrap();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn queueing_a_workload_record_on_flume_allocates_nothing() {
    const CAPACITY: usize = 256;
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let backend = FlumeBackend::builder()
        .target(Target::writer(Gated(gate.clone())))
        .capacity(CAPACITY)
        .overflow(Overflow::Block)
        .build()
        .unwrap();
    let backend: Arc<dyn Backend> = Arc::new(backend);
    let log = Logger::new(backend.clone()).with_level(Level::Info);
    // Warm up: with the writer stuck on a write, fill the queue to capacity once, so the
    // channel's buffer has reached its full size. The writer takes a first batch before it
    // blocks, so keep logging until the queue is full.
    let mut seq = 0;
    while backend.stats().queue_depth < Some(CAPACITY as u64) {
        assert!(
            seq < 1_000_000,
            "the queue never filled: {:?}",
            backend.stats()
        );
        log_record(&log, Level::Info, 0, seq / 5, seq);
        seq += 1;
    }
    *gate.0.lock().unwrap() = true;
    gate.1.notify_all();
    log.flush().unwrap();

    let allocations = allocations_during(|| {
        for seq in seq..seq + 10_000 {
            log_record(&log, Level::Info, 0, seq / 5, seq);
        }
    });
    log.shutdown().unwrap();
    assert_eq!(allocations, 0, "allocations for 10,000 records queued");
    let stats = backend.stats();
    assert_eq!(
        (stats.written, stats.dropped),
        (stats.emitted, 0),
        "{stats:?}"
    );
}
