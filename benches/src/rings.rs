//! An experiment, not a product backend: the per-producer rings that docs/BENCHMARKS.md
//! proposes in place of logswap-flume's channel, built on rtrb's single-producer rings so
//! that the benchmark measures the proposal beside the flume channel in one run
//! (`runner backend --backend rings --mode block`, or `compare --experiments`).
//!
//! Each producer thread gets a ring of its own the first time it logs. A record is pushed
//! into it with no lock and no shared counter; the producer wakes the writer only when
//! the writer sleeps. The writer visits every ring, formats the records where they lie
//! into a [`Sink`], and parks when all are empty. A full ring makes its producer wait for
//! room (lossless, like flume's `Block`): callers are woken once per pass, not per record.
//!
//! Left out, because the benchmark does not exercise them: drop policies and the drop
//! report, flush and shutdown timeouts, giving memory back when idle, logging from inside
//! the target, and a writer that panics. Order is kept per producer, not across them.
//!
//! The handshake that loses nothing: a producer raises its ring's `busy` flag, then (one
//! `SeqCst` fence) reads whether the backend is closed and whether the writer sleeps,
//! pushes, and lowers the flag. The writer raises `sleeps` (or `closed`), then (a fence)
//! looks at every ring's records and flag; it sleeps, or ends, only when every ring is
//! empty and no producer is between its flag and its push.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{fence, AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::thread::{self, JoinHandle, Thread};
use std::time::{Duration, Instant};

use logswap_core::sink::{Sink, DEFAULT_BUFFER_BYTES};
use logswap_core::{Backend, Counters, Error, ErrorKind, Fields, Level, Record, Stats, Target};
use rtrb::{Consumer, Producer, RingBuffer};

/// Records per producer's ring unless `LOGSWAP_RING_CAPACITY` says otherwise: a quarter of
/// flume's default capacity, so four producers hold as many records as its one channel.
pub const DEFAULT_RING_CAPACITY: usize = logswap_flume::DEFAULT_CAPACITY / 4;

/// The longest a sleeping writer or a caller waiting for room sleeps before it looks
/// again by itself: a safety net, every wake-up is also signalled.
const RECHECK: Duration = Duration::from_millis(10);

/// The backend: the callers' side.
#[derive(Debug)]
pub struct RingBackend {
    shared: Arc<Shared>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

/// One producer's ring, as the writer and `stats` see it.
#[derive(Debug, Default)]
struct RingState {
    /// Raised by the producer from before it checks `closed` until its push is done.
    busy: AtomicBool,
    /// Records pushed into this ring (written by its producer only).
    pushed: AtomicU64,
}

#[derive(Debug)]
struct Shared {
    /// Tells this backend's rings from another's in a thread's list.
    id: u64,
    capacity: usize,
    counters: Arc<Counters>,
    closed: AtomicBool,
    writer_sleeps: AtomicBool,
    writer_thread: OnceLock<Thread>,
    /// Rings made since the writer last looked, and whether there are any.
    new_rings: Mutex<Vec<(Arc<RingState>, Consumer<Record>)>>,
    has_new_rings: AtomicBool,
    /// Every ring ever made, for `stats`.
    all_rings: Mutex<Vec<Arc<RingState>>>,
    /// Flushes asked for, and the last one the writer completed (with its outcome).
    flushes_asked: AtomicU64,
    flushes_done: Mutex<(u64, Result<(), Error>)>,
    flushed: Condvar,
    /// Callers waiting for room in a full ring.
    room_waiters: AtomicU64,
    room_lock: Mutex<()>,
    room_freed: Condvar,
    blocked_nanos: AtomicU64,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// This thread's rings, one per backend it has logged to.
    static MY_RINGS: RefCell<Vec<MyRingEntry>> = const { RefCell::new(Vec::new()) };
}

struct MyRingEntry {
    backend: u64,
    ring: Rc<RefCell<MyRing>>,
}

struct MyRing {
    state: Arc<RingState>,
    producer: Producer<Record>,
}

impl RingBackend {
    /// A backend writing to `target`, with rings of `capacity` records per producer.
    pub fn new(target: Target, capacity: usize) -> Result<Self, Error> {
        let counters = Arc::new(Counters::default());
        let sink = Sink::new(target.open()?, DEFAULT_BUFFER_BYTES, counters.clone());
        let shared = Arc::new(Shared {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            capacity: capacity.max(1),
            counters,
            closed: AtomicBool::new(false),
            writer_sleeps: AtomicBool::new(false),
            writer_thread: OnceLock::new(),
            new_rings: Mutex::new(Vec::new()),
            has_new_rings: AtomicBool::new(false),
            all_rings: Mutex::new(Vec::new()),
            flushes_asked: AtomicU64::new(0),
            flushes_done: Mutex::new((0, Ok(()))),
            flushed: Condvar::new(),
            room_waiters: AtomicU64::new(0),
            room_lock: Mutex::new(()),
            room_freed: Condvar::new(),
            blocked_nanos: AtomicU64::new(0),
        });
        let writer = Writer {
            shared: shared.clone(),
            sink,
            rings: Vec::new(),
            flushes_answered: 0,
        };
        let handle = thread::Builder::new()
            .name("logswap-rings-writer".into())
            .spawn(move || writer.run())
            .map_err(|err| Error::new(ErrorKind::WriterDied, format!("spawn the writer: {err}")))?;
        let _ = shared.writer_thread.set(handle.thread().clone());
        Ok(RingBackend {
            shared,
            writer: Mutex::new(Some(handle)),
        })
    }

    /// The capacity from `LOGSWAP_RING_CAPACITY`, or [`DEFAULT_RING_CAPACITY`].
    pub fn capacity_from_env() -> usize {
        std::env::var("LOGSWAP_RING_CAPACITY")
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(DEFAULT_RING_CAPACITY)
    }

    /// Counts a record that could not be pushed.
    #[cold]
    fn give_up(&self) {
        self.shared.counters.record_emitted();
        self.shared.counters.record_dropped(1);
    }
}

impl Shared {
    fn wake_writer(&self) {
        if let Some(writer) = self.writer_thread.get() {
            writer.unpark();
        }
    }

    /// Makes this thread's ring and hands its consuming end to the writer.
    #[cold]
    fn new_ring(&self) -> MyRing {
        let (mut producer, mut consumer) = RingBuffer::new(self.capacity);
        touch_every_slot(&mut producer, &mut consumer);
        let state = Arc::new(RingState::default());
        lock(&self.all_rings).push(state.clone());
        lock(&self.new_rings).push((state.clone(), consumer));
        self.has_new_rings.store(true, Ordering::Release);
        MyRing { state, producer }
    }

    /// Adds a ring for this thread to its list (dropping those of backends that are gone).
    #[cold]
    fn add_ring<'a>(&self, rings: &'a mut Vec<MyRingEntry>) -> &'a MyRingEntry {
        rings.retain(|r| !r.ring.borrow().producer.is_abandoned());
        rings.push(MyRingEntry {
            backend: self.id,
            ring: Rc::new(RefCell::new(self.new_ring())),
        });
        rings.last().expect("just pushed")
    }

    /// Pushes `record`, waiting for room while the ring is full, with the ring's `busy`
    /// flag up. `false` if the backend is closed (the record is dropped).
    #[inline(always)]
    fn push(&self, ring: &mut MyRing, record: Record) -> bool {
        ring.state.busy.store(true, Ordering::Relaxed);
        fence(Ordering::SeqCst);
        if self.closed.load(Ordering::Relaxed) {
            ring.state.busy.store(false, Ordering::Release);
            return false;
        }
        let writer_sleeps = self.writer_sleeps.load(Ordering::Relaxed);
        if ring.producer.is_full() {
            self.wait_for_room(ring);
        }
        // This thread is the ring's only producer: the room it saw is still there.
        let _ = ring.producer.push(record);
        let pushed = ring.state.pushed.load(Ordering::Relaxed) + 1;
        ring.state.pushed.store(pushed, Ordering::Relaxed);
        ring.state.busy.store(false, Ordering::Release);
        if writer_sleeps {
            self.wake_writer();
        }
        true
    }

    #[cold]
    fn wait_for_room(&self, ring: &MyRing) {
        let started = Instant::now();
        while ring.producer.is_full() {
            self.wake_writer();
            self.room_waiters.fetch_add(1, Ordering::SeqCst);
            let guard = lock(&self.room_lock);
            // Checked under the lock the writer takes to wake us: no wake-up is missed.
            if ring.producer.is_full() {
                let _ = self.room_freed.wait_timeout(guard, RECHECK);
            } else {
                drop(guard);
            }
            self.room_waiters.fetch_sub(1, Ordering::SeqCst);
        }
        let waited = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.blocked_nanos.fetch_add(waited, Ordering::Relaxed);
    }
}

impl Backend for RingBackend {
    // The record is about 500 bytes: it is moved from the caller's frame straight into its
    // slot, never into a closure (each such move cost a copy).
    #[inline]
    fn emit(&self, record: Record) {
        let shared = &*self.shared;
        let ring = MY_RINGS.try_with(|rings| {
            let mut rings = rings.try_borrow_mut().ok()?;
            let ring = match rings.iter().position(|r| r.backend == shared.id) {
                Some(index) => &rings[index],
                None => shared.add_ring(&mut rings),
            };
            Some(ring.ring.clone())
        });
        let Ok(Some(ring)) = ring else {
            drop(record);
            return self.give_up();
        };
        let Ok(mut ring) = ring.try_borrow_mut() else {
            drop(record);
            return self.give_up();
        };
        if !shared.push(&mut ring, record) {
            self.give_up();
        }
    }

    fn flush(&self) -> Result<(), Error> {
        let shared = &*self.shared;
        let mine = shared.flushes_asked.fetch_add(1, Ordering::AcqRel) + 1;
        shared.wake_writer();
        let mut done = lock(&shared.flushes_done);
        while done.0 < mine {
            if self.writer_finished() {
                return Ok(());
            }
            done = shared
                .flushed
                .wait_timeout(done, RECHECK)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        done.1.clone()
    }

    fn shutdown(&self) -> Result<(), Error> {
        self.shared.closed.store(true, Ordering::SeqCst);
        self.shared.wake_writer();
        let writer = lock(&self.writer).take();
        if let Some(writer) = writer {
            writer.join().map_err(|_| {
                Error::new(ErrorKind::WriterDied, "the rings' writer thread panicked")
            })?;
        }
        Ok(())
    }

    fn stats(&self) -> Stats {
        let mut stats = self.shared.counters.snapshot();
        let rings = lock(&self.shared.all_rings);
        stats.emitted += rings
            .iter()
            .map(|r| r.pushed.load(Ordering::Acquire))
            .sum::<u64>();
        stats.blocked = Duration::from_nanos(self.shared.blocked_nanos.load(Ordering::Relaxed));
        stats
    }

    fn name(&self) -> &'static str {
        "rings"
    }
}

impl RingBackend {
    fn writer_finished(&self) -> bool {
        lock(&self.writer)
            .as_ref()
            .map_or(true, JoinHandle::is_finished)
    }
}

impl Drop for RingBackend {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

/// The writer thread's state.
struct Writer {
    shared: Arc<Shared>,
    sink: Sink,
    rings: Vec<(Arc<RingState>, Consumer<Record>)>,
    /// The flushes answered so far (a count, as `flushes_asked`).
    flushes_answered: u64,
}

impl Writer {
    fn run(mut self) {
        loop {
            let flushes_asked = self.shared.flushes_asked.load(Ordering::Acquire);
            let closing = self.shared.closed.load(Ordering::Acquire);
            self.adopt_new_rings(flushes_asked > 0 || closing);
            let taken = self.take_all();
            // Every record logged before the flushes counted in `flushes_asked` was in its
            // ring when the count was read, so this pass took it: answer them now, not when
            // the rings run dry, which a steady load from other threads could put off.
            if flushes_asked > self.flushes_answered {
                let flushed = self.sink.flush();
                self.answer_flushes(flushes_asked, flushed);
            }
            if taken > 0 {
                self.room_freed();
                continue;
            }
            // Dry: write out what the sink holds, so an idle writer keeps nothing back.
            let _ = self.sink.flush();
            if closing && self.quiet() {
                // Every producer has seen `closed` or finished its push: nothing more comes.
                self.adopt_new_rings(true);
                if self.take_all() == 0 {
                    let flushed = self.sink.flush();
                    self.answer_flushes(self.shared.flushes_asked.load(Ordering::Acquire), flushed);
                    return;
                }
                continue;
            }
            self.sleep_unless_work();
        }
    }

    fn adopt_new_rings(&mut self, always: bool) {
        if always || self.shared.has_new_rings.swap(false, Ordering::Acquire) {
            self.shared.has_new_rings.store(false, Ordering::Relaxed);
            self.rings.append(&mut lock(&self.shared.new_rings));
        }
    }

    /// Formats every record in every ring, where it lies; drops the rings whose producer
    /// is gone once they are empty. Returns the records taken.
    fn take_all(&mut self) -> usize {
        let mut taken = 0;
        for (_, consumer) in &mut self.rings {
            let ready = consumer.slots();
            if ready == 0 {
                continue;
            }
            if let Ok(chunk) = consumer.read_chunk(ready) {
                let (first, second) = chunk.as_slices();
                for record in first.iter().chain(second) {
                    self.sink.push_record(record);
                }
                chunk.commit_all();
                taken += ready;
            }
        }
        self.rings
            .retain(|(_, consumer)| !(consumer.is_abandoned() && consumer.is_empty()));
        taken
    }

    fn room_freed(&self) {
        if self.shared.room_waiters.load(Ordering::SeqCst) > 0 {
            let _guard = lock(&self.shared.room_lock);
            self.shared.room_freed.notify_all();
        }
    }

    fn answer_flushes(&mut self, asked: u64, flushed: Result<(), Error>) {
        self.flushes_answered = self.flushes_answered.max(asked);
        let mut done = lock(&self.shared.flushes_done);
        if asked > done.0 || flushed.is_err() {
            *done = (asked.max(done.0), flushed);
            self.shared.flushed.notify_all();
        }
    }

    /// No record in any ring, and no producer between raising its flag and its push.
    /// Called after raising `sleeps` or `closed`.
    fn quiet(&self) -> bool {
        fence(Ordering::SeqCst);
        self.rings
            .iter()
            .all(|(state, consumer)| !state.busy.load(Ordering::Acquire) && consumer.is_empty())
    }

    fn sleep_unless_work(&mut self) {
        self.shared.writer_sleeps.store(true, Ordering::SeqCst);
        let asked = self.shared.flushes_asked.load(Ordering::Acquire);
        let nothing_new = !self.shared.has_new_rings.load(Ordering::Acquire);
        if nothing_new
            && asked == self.flushes_answered
            && !self.shared.closed.load(Ordering::Acquire)
        {
            if self.quiet() {
                thread::park_timeout(RECHECK);
            } else {
                // A producer is mid-push: it will not wake us, so look again soon.
                thread::yield_now();
            }
        }
        self.shared.writer_sleeps.store(false, Ordering::SeqCst);
    }
}

/// Writes every slot of a new ring once, so that its pages are mapped before the first
/// record: otherwise the first records of each thread pay a page fault for every eighth
/// slot, microseconds each, on the caller's thread.
fn touch_every_slot(producer: &mut Producer<Record>, consumer: &mut Consumer<Record>) {
    while producer
        .push(Record::new(Level::Info, "", "", Fields::new()))
        .is_ok()
    {}
    if let Ok(chunk) = consumer.read_chunk(consumer.slots()) {
        chunk.commit_all();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use logswap_core::{Level, Logger};

    #[test]
    fn four_producers_lose_nothing_through_small_rings() {
        let captured = logswap_testkit::targets::Captured::default();
        let target = Target::writer(captured.clone());
        let backend = Arc::new(RingBackend::new(target, 8).unwrap());
        let log = Logger::new(backend.clone()).with_level(Level::Info);
        let per_producer = 5_000u64;
        thread::scope(|scope| {
            for producer in 0..4u64 {
                let log = log.clone();
                scope.spawn(move || {
                    for seq in 0..per_producer {
                        log.log_with(Level::Info, "ring", || {
                            [
                                logswap_core::Field::new("producer", producer),
                                logswap_core::Field::new("seq", seq),
                            ]
                        });
                    }
                });
            }
        });
        log.flush().unwrap();
        let stats = backend.stats();
        assert_eq!(stats.emitted, 4 * per_producer);
        assert_eq!(stats.written, 4 * per_producer);
        backend.shutdown().unwrap();
        logswap_testkit::assert_each_producer_in_order(&captured.lines(), 4, per_producer);
    }

    #[test]
    fn a_record_after_shutdown_is_counted_as_dropped() {
        let captured = logswap_testkit::targets::Captured::default();
        let backend = Arc::new(RingBackend::new(Target::writer(captured.clone()), 4).unwrap());
        let log = Logger::new(backend.clone()).with_level(Level::Info);
        log.log(Level::Info, "before", []);
        backend.shutdown().unwrap();
        log.log(Level::Info, "after", []);
        let stats = backend.stats();
        assert_eq!((stats.emitted, stats.written, stats.dropped), (2, 1, 1));
        assert_eq!(captured.lines().len(), 1);
    }

    #[test]
    fn a_flush_returns_while_another_thread_keeps_logging() {
        let slow = logswap_testkit::targets::Slow {
            out: logswap_testkit::targets::Captured::default(),
            delay: Duration::from_millis(1),
        };
        let out = slow.out.clone();
        let backend = Arc::new(RingBackend::new(Target::writer(slow), 64).unwrap());
        let log = Logger::new(backend.clone()).with_level(Level::Info);
        let stop = AtomicBool::new(false);
        thread::scope(|scope| {
            let chatter = log.clone();
            let stop = &stop;
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    chatter.log(Level::Info, "chatter", []);
                }
            });
            thread::sleep(Duration::from_millis(50)); // The chatter's ring is full by now.
            log.log(Level::Info, "mine", []);
            let flushed = thread::scope(|inner| {
                let flushing = inner.spawn(|| log.flush());
                let started = Instant::now();
                while !flushing.is_finished() && started.elapsed() < Duration::from_secs(10) {
                    thread::sleep(Duration::from_millis(5));
                }
                let finished = flushing.is_finished();
                stop.store(true, Ordering::Relaxed);
                (finished, flushing.join().unwrap())
            });
            assert!(
                flushed.0,
                "the flush waited more than 10 s behind the chatter"
            );
            flushed.1.unwrap();
            assert!(
                out.text().contains("\"msg\":\"mine\""),
                "the record logged before the flush is written when it returns"
            );
        });
        backend.shutdown().unwrap();
    }
}
