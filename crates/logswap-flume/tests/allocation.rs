//! Nothing of the capacity is allocated up front: a backend with room for a million
//! records allocates about what one with room for ten does. One test in this binary, so
//! no other test's allocations are counted.

// A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to System.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use logswap_core::{Backend, Level, Record, Target};
use logswap_flume::FlumeBackend;

struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is a
// side effect that allocates nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size.saturating_sub(layout.size()), Ordering::Relaxed);
        // SAFETY: the caller's contract for `realloc` is passed on as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes allocated (by any thread) while `f` runs.
fn allocated_by(f: impl FnOnce()) -> usize {
    let before = ALLOCATED.load(Ordering::SeqCst);
    f();
    ALLOCATED.load(Ordering::SeqCst) - before
}

fn build_use_and_shut_down(capacity: usize) {
    let backend = FlumeBackend::builder()
        .target(Target::writer(std::io::sink()))
        .capacity(capacity)
        .build()
        .unwrap();
    for _ in 0..10 {
        backend.emit(Record::new(Level::Info, "t", "a few", Default::default()));
    }
    backend.flush().unwrap();
    backend.shutdown().unwrap();
}

#[test]
fn the_capacity_is_a_bound_not_an_allocation() {
    let small = allocated_by(|| build_use_and_shut_down(10));
    let huge = allocated_by(|| build_use_and_shut_down(1_000_000));
    let record = std::mem::size_of::<Record>();
    eprintln!(
        "capacity 10: {small} bytes; capacity 1,000,000: {huge} bytes; a record is {record} bytes"
    );
    // Preallocating a million records would take about half a gigabyte.
    assert!(
        huge < small + 64 * 1024,
        "a huge capacity allocated {huge} bytes against {small} for a small one"
    );
}
