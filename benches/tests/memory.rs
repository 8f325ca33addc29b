//! What a flume backend holds on the heap: fresh and idle, after a burst that filled its
//! queue, idle again (the writer gives the queue's room back), and after shutdown. Counted by a global allocator that keeps the live bytes of
//! the whole process (every thread), so the writer thread's allocations count too.

// A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to System.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use logswap_benches::workload::log_record;
use logswap_core::{Backend, Level, Logger, Target};
use logswap_flume::{FlumeBackend, Overflow};

struct CountingLiveBytes;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; counting is one atomic
// add, which allocates nothing.
unsafe impl GlobalAlloc for CountingLiveBytes {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract for `realloc` is passed on as is.
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        moved
    }
}

#[global_allocator]
static GLOBAL: CountingLiveBytes = CountingLiveBytes;

fn live_kib() -> f64 {
    LIVE.load(Ordering::Relaxed) as f64 / 1024.0
}

/// The bound of logswap-flume's crate docs (section Memory): 512 bytes a queued record,
/// plus about 2 MiB for the writer thread's stack and buffers (the stack is not heap).
fn documented_bound_kib(capacity: usize) -> f64 {
    (capacity * 512) as f64 / 1024.0 + 2048.0
}

#[test]
fn a_flume_backend_holds_little_when_idle_even_after_a_burst_and_nothing_once_dropped() {
    const CAPACITY: usize = 16_384; // The default.
                                    // A first backend warms the process: the thread-name interner and other one-time
                                    // allocations are not the backend's.
    drop(
        FlumeBackend::builder()
            .target(Target::writer(io::sink()))
            .build(),
    );
    let log = Logger::new(Arc::new(
        FlumeBackend::builder()
            .target(Target::writer(io::sink()))
            .build()
            .unwrap(),
    ));
    log.flush().unwrap();
    log_record(&log, Level::Info, 0, 0, 0);
    log.flush().unwrap();
    drop(log);

    let before = live_kib();
    let backend = Arc::new(
        FlumeBackend::builder()
            .target(Target::writer(io::sink()))
            .capacity(CAPACITY)
            .overflow(Overflow::Block)
            .build()
            .unwrap(),
    );
    let log = Logger::new(backend.clone());
    log_record(&log, Level::Info, 0, 0, 0);
    log.flush().unwrap();
    let idle = live_kib() - before;

    // A burst faster than the writer: the queue fills up to its capacity. Meanwhile
    // another thread keeps flushing, so flush markers also meet a full queue.
    let burst = 4 * CAPACITY as u64;
    let bursting = AtomicBool::new(true);
    thread::scope(|scope| {
        scope.spawn(|| {
            while bursting.load(Ordering::Relaxed) {
                log.flush().unwrap();
            }
        });
        for seq in 1..=burst {
            log_record(&log, Level::Info, 0, seq / 5, seq);
        }
        bursting.store(false, Ordering::Relaxed);
    });
    log.flush().unwrap();
    let high_water = backend.stats().queue_high_water.unwrap_or(0);
    let after_burst = live_kib() - before;

    // Idle for longer than the writer waits before it gives the queue's room back.
    let idle_again = {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            thread::sleep(Duration::from_millis(100));
            let held = live_kib() - before;
            if held < 256.0 || Instant::now() > deadline {
                break held;
            }
        }
    };
    // The room comes back with the next burst, and nothing is lost meanwhile.
    for seq in burst + 1..=2 * burst {
        log_record(&log, Level::Info, 0, seq / 5, seq);
    }
    log.flush().unwrap();
    let stats = backend.stats();
    assert_eq!(
        (stats.written, stats.dropped),
        (stats.emitted, 0),
        "{stats:?}"
    );

    log.shutdown().unwrap();
    drop(log);
    drop(backend);
    let after_drop = live_kib() - before;

    println!(
        "flume heap: fresh and idle {idle:.0} KiB; after a burst of {burst} records \
         (queue high water {high_water}) and a flush {after_burst:.0} KiB; idle again \
         {idle_again:.0} KiB; dropped {after_drop:.0} KiB"
    );
    assert!(idle < 256.0, "a fresh idle backend holds {idle:.0} KiB");
    assert!(
        after_burst <= documented_bound_kib(CAPACITY),
        "after a burst: {after_burst:.0} KiB, above the documented {:.0} KiB",
        documented_bound_kib(CAPACITY)
    );
    assert!(
        idle_again < 256.0,
        "idle after the burst, the backend still holds {idle_again:.0} KiB"
    );
    assert!(after_drop < 16.0, "left behind: {after_drop:.0} KiB");
}
