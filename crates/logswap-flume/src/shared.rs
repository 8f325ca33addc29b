//! The state that callers and the writer thread share: the counters, the state word that
//! says whether the queue is open and how many messages are on their way through it, the
//! extra statistics, and the ledger of records dropped for a full queue.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use logswap_core::{Counters, Level, Record};

use crate::report::DropReport;

/// Set in [`Shared::state`] once shutdown has begun: no message enters the queue after it.
pub(crate) const CLOSED: u64 = 1 << 63;
/// Set with [`CLOSED`] when the writer thread died.
pub(crate) const DEAD: u64 = 1 << 62;
/// The low bits of [`Shared::state`]: messages on their way (being sent, queued, or taken
/// by the writer in its current batch). The writer stops only when this is zero.
pub(crate) const PENDING: u64 = DEAD - 1;

/// A value on a cache line of its own, so callers updating one do not slow the others.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct Padded<T>(pub(crate) T);

/// Everything the backend and its writer share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) counters: Arc<Counters>,
    /// [`CLOSED`] | [`DEAD`] | pending messages. A caller adds one before it sends and the
    /// writer subtracts what it took after each batch, so once [`CLOSED`] is set and the
    /// pending count reaches zero, nothing more can arrive: the writer can stop without
    /// leaving a record in the channel.
    pub(crate) state: Padded<AtomicU64>,
    high_water: Padded<AtomicU64>,
    blocked_nanos: AtomicU64,
    max_delay_nanos: AtomicU64,
    drops: DropLedger,
    room: Room,
}

/// Where callers wait for room in a full queue. The writer wakes them once per batch it
/// took, not once per record as a blocking channel send would: with many callers waiting,
/// a wake-up per record costs more than formatting it.
#[derive(Debug, Default)]
struct Room {
    waiters: AtomicU64,
    lock: Mutex<()>,
    freed: Condvar,
}

/// How long a caller waiting for room sleeps before it looks again by itself; a safety
/// net only, the writer wakes waiters after every batch.
const ROOM_RECHECK: Duration = Duration::from_millis(10);

thread_local! {
    /// The address of the [`Shared`] whose writer runs on this thread, or 0.
    static WRITER_OF: Cell<usize> = const { Cell::new(0) };
}

impl Shared {
    pub(crate) fn new(counters: Arc<Counters>) -> Self {
        Shared {
            counters,
            state: Padded(AtomicU64::new(0)),
            high_water: Padded(AtomicU64::new(0)),
            blocked_nanos: AtomicU64::new(0),
            max_delay_nanos: AtomicU64::new(0),
            drops: DropLedger::new(),
            room: Room::default(),
        }
    }

    /// Sleeps until the writer frees room, unless `still_full` says there is room already.
    pub(crate) fn wait_for_room(&self, still_full: impl FnOnce() -> bool) {
        let room = &self.room;
        room.waiters.fetch_add(1, Ordering::SeqCst);
        let guard = room.lock.lock().unwrap_or_else(PoisonError::into_inner);
        // Checked under the lock that the writer takes to wake us, so no wake-up is missed.
        if still_full() {
            let _ = room.freed.wait_timeout(guard, ROOM_RECHECK);
        }
        room.waiters.fetch_sub(1, Ordering::SeqCst);
    }

    /// Wakes the callers waiting for room, if any (the writer calls it after each batch).
    pub(crate) fn room_freed(&self) {
        let room = &self.room;
        if room.waiters.load(Ordering::SeqCst) > 0 {
            let _guard = room.lock.lock().unwrap_or_else(PoisonError::into_inner);
            room.freed.notify_all();
        }
    }

    /// Marks the current thread as this backend's writer.
    pub(crate) fn claim_current_thread(self: &Arc<Self>) {
        let me = Arc::as_ptr(self) as usize;
        let _ = WRITER_OF.try_with(|writer| writer.set(me));
    }

    /// Whether the current thread is this backend's writer, which must never wait for
    /// itself (a record logged from inside the target's `write`, say).
    pub(crate) fn on_writer_thread(self: &Arc<Self>) -> bool {
        let me = Arc::as_ptr(self) as usize;
        WRITER_OF.try_with(Cell::get).unwrap_or(0) == me
    }

    /// Counts one message on its way; returns the state before it.
    #[inline]
    pub(crate) fn enter(&self) -> u64 {
        self.state.0.fetch_add(1, Ordering::AcqRel)
    }

    /// Takes back `n` messages counted by [`Shared::enter`].
    #[inline]
    pub(crate) fn leave(&self, n: u64) {
        if n > 0 {
            self.state.0.fetch_sub(n, Ordering::AcqRel);
        }
    }

    pub(crate) fn state(&self) -> u64 {
        self.state.0.load(Ordering::Acquire)
    }

    /// Marks the queue closed (and the writer dead, with [`DEAD`]).
    pub(crate) fn close(&self, bits: u64) -> u64 {
        self.state.0.fetch_or(bits, Ordering::AcqRel)
    }

    /// Notes a queue depth seen by a caller as it enqueued.
    #[inline]
    pub(crate) fn note_depth(&self, depth: u64) {
        if depth > self.high_water.0.load(Ordering::Relaxed) {
            self.high_water.0.fetch_max(depth, Ordering::Relaxed);
        }
    }

    pub(crate) fn high_water(&self) -> u64 {
        self.high_water.0.load(Ordering::Relaxed)
    }

    pub(crate) fn add_blocked(&self, waited: Duration) {
        self.blocked_nanos
            .fetch_add(saturating_nanos(waited), Ordering::Relaxed);
    }

    pub(crate) fn blocked(&self) -> Duration {
        Duration::from_nanos(self.blocked_nanos.load(Ordering::Relaxed))
    }

    pub(crate) fn note_delay(&self, delay: Duration) {
        self.max_delay_nanos
            .fetch_max(saturating_nanos(delay), Ordering::Relaxed);
    }

    pub(crate) fn max_delay(&self) -> Duration {
        Duration::from_nanos(self.max_delay_nanos.load(Ordering::Relaxed))
    }

    /// Counts a record dropped because the queue was full, for the report record.
    pub(crate) fn note_full_drop(&self, record: &Record) {
        self.drops.note(record.level, record.timestamp);
    }

    /// Takes the drops counted since the last report, if any.
    pub(crate) fn take_drops(&self) -> Option<DropReport> {
        self.drops.take()
    }
}

fn saturating_nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// Records dropped for a full queue since the last report: a count per level and the
/// time window of their timestamps.
#[derive(Debug)]
struct DropLedger {
    by_level: [AtomicU64; 5],
    /// The earliest timestamp, in nanoseconds since the Unix epoch; `u64::MAX` when none.
    first_nanos: AtomicU64,
    /// The latest timestamp; 0 when none.
    last_nanos: AtomicU64,
}

impl DropLedger {
    fn new() -> Self {
        DropLedger {
            by_level: Default::default(),
            first_nanos: AtomicU64::new(u64::MAX),
            last_nanos: AtomicU64::new(0),
        }
    }

    fn note(&self, level: Level, when: SystemTime) {
        let nanos = when
            .duration_since(UNIX_EPOCH)
            .map(saturating_nanos)
            .unwrap_or(0);
        // The count first: a report taken in between may miss this drop's time, never its count.
        self.by_level[level.index()].fetch_add(1, Ordering::AcqRel);
        self.first_nanos.fetch_min(nanos, Ordering::AcqRel);
        self.last_nanos.fetch_max(nanos, Ordering::AcqRel);
    }

    fn take(&self) -> Option<DropReport> {
        if self.by_level.iter().all(|n| n.load(Ordering::Acquire) == 0) {
            return None;
        }
        let first = self.first_nanos.swap(u64::MAX, Ordering::AcqRel);
        let last = self.last_nanos.swap(0, Ordering::AcqRel);
        let by_level = std::array::from_fn(|i| self.by_level[i].swap(0, Ordering::AcqRel));
        let now = SystemTime::now();
        let at = |nanos: u64| UNIX_EPOCH + Duration::from_nanos(nanos);
        let last = if last == 0 { now } else { at(last) };
        let first = if first == u64::MAX { last } else { at(first) };
        Some(DropReport {
            by_level,
            first,
            last,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_counts_per_level_and_keeps_the_window() {
        let ledger = DropLedger::new();
        assert!(ledger.take().is_none());
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000);
        let t1 = t0 + Duration::from_millis(250);
        ledger.note(Level::Debug, t1);
        ledger.note(Level::Debug, t0);
        ledger.note(Level::Error, t1);
        let report = ledger.take().unwrap();
        assert_eq!(report.by_level, [0, 2, 0, 0, 1]);
        assert_eq!((report.first, report.last), (t0, t1));
        assert!(
            ledger.take().is_none(),
            "taking a report empties the ledger"
        );
    }

    #[test]
    fn the_state_word_counts_pending_messages_under_the_flags() {
        let shared = Shared::new(Arc::default());
        assert_eq!(shared.enter(), 0);
        assert_eq!(shared.enter(), 1);
        let before = shared.close(CLOSED);
        assert_eq!(before, 2);
        assert_eq!(shared.state() & PENDING, 2);
        shared.leave(2);
        assert_eq!(shared.state(), CLOSED);
    }
}
