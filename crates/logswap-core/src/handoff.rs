//! For backends with a writer thread that emulate a waiting `flush()`: `Gate`, which closes
//! the backend at shutdown without losing an emit in flight, `Acks`, which lets `flush()`
//! wait until the writer has acknowledged its marker, `WriterThread`, which tells the
//! writer thread from the callers, and `Lifecycle`, which runs a backend's emit, flush,
//! shutdown and drop around them.
//!
//! ```
//! use logswap_core::handoff::{Acks, Gate, Wait};
//!
//! let gate = Gate::new();
//! let acks = Acks::default();
//! // A caller's flush: take a marker number and send it through the queue...
//! let pass = gate.enter().expect("the backend is open");
//! let marker = acks.next_id();
//! drop(pass);
//! // ...the writer, having written everything before it, flushes and acknowledges it...
//! acks.ack(marker, Ok(()));
//! // ...and the caller's wait returns.
//! assert!(matches!(acks.wait(marker, None), Wait::Acked(Ok(()))));
//! gate.close();
//! assert!(gate.enter().is_none(), "closed: later emits are turned away");
//! ```

use std::cell::Cell;
use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind};
use crate::Counters;

/// Lets emits and flushes through until [`Gate::close`], which returns once none is
/// inside: after it, nothing more is sent to the queue, so nothing is left behind in it.
#[derive(Debug)]
pub struct Gate {
    open: AtomicBool,
    inside: AtomicUsize,
}

/// Proof of being inside the gate; leaving drops it.
#[derive(Debug)]
pub struct Pass<'a>(&'a Gate);

impl Default for Gate {
    fn default() -> Self {
        Gate::new()
    }
}

impl Gate {
    /// An open gate.
    pub fn new() -> Self {
        Gate {
            open: AtomicBool::new(true),
            inside: AtomicUsize::new(0),
        }
    }

    /// Enters, or `None` once the gate is closed.
    pub fn enter(&self) -> Option<Pass<'_>> {
        // SeqCst on both sides: either `close` sees this caller inside, or this caller
        // sees the gate closed.
        self.inside.fetch_add(1, Ordering::SeqCst);
        if self.open.load(Ordering::SeqCst) {
            Some(Pass(self))
        } else {
            self.inside.fetch_sub(1, Ordering::SeqCst);
            None
        }
    }

    /// Closes the gate and waits until every caller inside has left.
    pub fn close(&self) {
        self.open.store(false, Ordering::SeqCst);
        let mut spins = 0u32;
        while self.inside.load(Ordering::SeqCst) != 0 {
            if spins < 100 {
                thread::yield_now();
                spins += 1;
            } else {
                thread::sleep(Duration::from_micros(200));
            }
        }
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        self.0.inside.fetch_sub(1, Ordering::SeqCst);
    }
}

thread_local! {
    /// The address of the [`WriterThread`] that marked this thread, or 0.
    static MARKED_BY: Cell<usize> = const { Cell::new(0) };
}

/// Tells a backend's writer thread, where a call that waits for the queue would wait for
/// the thread that has to empty it, from the callers' threads. One `static` per backend
/// crate: the writer marks its thread once it runs there.
///
/// ```
/// use logswap_core::handoff::WriterThread;
///
/// static WRITER_THREAD: WriterThread = WriterThread::new("example");
///
/// assert!(!WRITER_THREAD.is_current());
/// std::thread::spawn(|| {
///     WRITER_THREAD.mark_current();
///     assert!(WRITER_THREAD.is_current());
/// })
/// .join()
/// .unwrap();
/// assert!(!WRITER_THREAD.is_current());
/// ```
#[derive(Debug)]
pub struct WriterThread {
    backend: &'static str,
}

impl WriterThread {
    /// The writer thread of the backend named `backend` (its `Backend::name`).
    pub const fn new(backend: &'static str) -> Self {
        WriterThread { backend }
    }

    /// The name of the backend.
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// Marks the current thread as this backend's writer thread, for good.
    pub fn mark_current(&'static self) {
        let _ = MARKED_BY.try_with(|marked| marked.set(self.address()));
    }

    /// Whether the current thread is this backend's writer thread.
    pub fn is_current(&'static self) -> bool {
        MARKED_BY
            .try_with(Cell::get)
            .is_ok_and(|marked| marked == self.address())
    }

    /// The `static`'s address, which no other `static` shares (this type is not zero-sized).
    fn address(&'static self) -> usize {
        std::ptr::from_ref(self) as usize
    }
}

/// A backend's life around its writer thread, from build to shutdown: the [`Gate`], the
/// transport's guard (whose drop stops the writer thread and joins it) until the shutdown
/// takes it, and the [`WriterThread`], on which a call that waits for the queue is refused.
///
/// ```
/// use logswap_core::handoff::{Lifecycle, WriterThread};
/// use logswap_core::{Counters, ErrorKind};
///
/// static WRITER_THREAD: WriterThread = WriterThread::new("example");
///
/// let counters = Counters::default();
/// // The guard is whatever stops the writer thread when dropped.
/// let life = Lifecycle::new("the guard", &WRITER_THREAD);
/// let pass = life.admit(&counters).expect("open: emit sends the record");
/// drop(pass);
/// life.flush(|| Ok(())).expect("a flush through the queue");
/// life.shutdown(|| Ok(()), || Ok(())).expect("shutdown");
/// assert!(life.admit(&counters).is_none(), "counted as dropped");
/// assert_eq!(life.flush(|| Ok(())).unwrap_err().kind(), ErrorKind::ShutDown);
/// let stats = counters.snapshot();
/// assert_eq!((stats.emitted, stats.dropped), (2, 1));
/// ```
pub struct Lifecycle<G> {
    writer_thread: &'static WriterThread,
    gate: Gate,
    /// `None` once shut down.
    guard: Mutex<Option<G>>,
    writer_loss_reported: AtomicBool,
}

impl<G> Lifecycle<G> {
    /// The life of a backend that holds `guard` until it is shut down, and whose writer
    /// runs on `writer_thread`.
    pub fn new(guard: G, writer_thread: &'static WriterThread) -> Self {
        Lifecycle {
            writer_thread,
            gate: Gate::new(),
            guard: Mutex::new(Some(guard)),
            writer_loss_reported: AtomicBool::new(false),
        }
    }

    /// The start of `emit`: counts the record as emitted, and returns a pass to send it
    /// with, or `None` with the record counted as dropped: on the writer thread (logged
    /// from inside the target's `write`, where waiting for room would wait forever) and
    /// once the gate is closed.
    pub fn admit(&self, counters: &Counters) -> Option<Pass<'_>> {
        counters.record_emitted();
        let pass = if self.writer_thread.is_current() {
            None
        } else {
            self.gate.enter()
        };
        if pass.is_none() {
            counters.record_dropped(1);
        }
        pass
    }

    /// `emit` found the writer thread stopped: counts the record as dropped, and writes
    /// `report` on stderr the first time.
    pub fn writer_lost(&self, counters: &Counters, report: &str) {
        counters.record_dropped(1);
        if !self.writer_loss_reported.swap(true, Ordering::Relaxed) {
            let _ = writeln!(io::stderr(), "{report}");
        }
    }

    /// `Backend::flush`: runs `through_queue` (send a marker behind every record, wait for
    /// the writer to acknowledge it) inside the gate. On the writer thread it is an
    /// [`ErrorKind::WouldDeadlock`] error; once the backend is shut down, or while it shuts
    /// down, it waits until the shutdown has drained the queue (so nothing emitted before
    /// this call is still on its way when it returns) and is an [`ErrorKind::ShutDown`] error.
    pub fn flush(&self, through_queue: impl FnOnce() -> Result<(), Error>) -> Result<(), Error> {
        let backend = self.writer_thread.backend();
        if self.writer_thread.is_current() {
            return Err(Error::would_deadlock(backend, "flush"));
        }
        let Some(_pass) = self.gate.enter() else {
            drop(self.lock_guard());
            return Err(Error::shut_down(backend));
        };
        through_queue()
    }

    /// `Backend::shutdown`: closes the gate (later emits are dropped and counted), waits
    /// for the emits in flight, runs `through_queue` as a flush, drops the guard, then runs
    /// `after`; the flush's error if it failed, else `after`'s. Idempotent: later calls
    /// wait for the first to finish and return `Ok`. On the writer thread it is an
    /// [`ErrorKind::WouldDeadlock`] error.
    pub fn shutdown(
        &self,
        through_queue: impl FnOnce() -> Result<(), Error>,
        after: impl FnOnce() -> Result<(), Error>,
    ) -> Result<(), Error> {
        if self.writer_thread.is_current() {
            let backend = self.writer_thread.backend();
            return Err(Error::would_deadlock(backend, "shutdown"));
        }
        let mut slot = self.lock_guard();
        let Some(guard) = slot.take() else {
            return Ok(());
        };
        self.gate.close();
        let flushed = through_queue();
        drop(guard);
        let after = after();
        flushed.and(after)
    }

    /// The backend's `Drop`: runs `shutdown`, except on the writer thread (the last handle
    /// dropped inside the target's `write`), where dropping the guard would wait for the
    /// very thread it runs on: a helper thread named `logswap-shutdown` drops it instead.
    pub fn on_drop(&self, shutdown: impl FnOnce())
    where
        G: Send + 'static,
    {
        if !self.writer_thread.is_current() {
            shutdown();
        } else if let Some(guard) = self.lock_guard().take() {
            let _ = thread::Builder::new()
                .name("logswap-shutdown".into())
                .spawn(move || drop(guard));
        }
    }

    fn lock_guard(&self) -> MutexGuard<'_, Option<G>> {
        self.guard
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<G> fmt::Debug for Lifecycle<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lifecycle")
            .field("writer_thread", &self.writer_thread)
            .field("gate", &self.gate)
            .finish_non_exhaustive()
    }
}

/// Flush markers issued and acknowledged, and whether the writer is gone.
#[derive(Debug, Default)]
pub struct Acks {
    state: Mutex<AckState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct AckState {
    issued: u64,
    acked: u64,
    /// The latest marker whose flush failed, and why.
    failure: Option<(u64, String)>,
    writer_gone: bool,
}

/// How a wait for an acknowledgement ended.
#[derive(Debug)]
pub enum Wait {
    /// The writer reached the marker; the result of its flush of the target.
    Acked(Result<(), Error>),
    /// The writer stopped before it reached the marker.
    WriterGone,
    /// The time limit passed first.
    TimedOut,
}

impl Acks {
    fn lock(&self) -> MutexGuard<'_, AckState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new marker number, larger than every earlier one.
    pub fn next_id(&self) -> u64 {
        let mut state = self.lock();
        state.issued += 1;
        state.issued
    }

    /// The writer has written everything queued before marker `id` and flushed the target
    /// with `result`. Markers travel in order, so this acknowledges every earlier one too.
    pub fn ack(&self, id: u64, result: Result<(), Error>) {
        let mut state = self.lock();
        state.acked = state.acked.max(id);
        if let Err(err) = result {
            state.failure = Some((id, err.to_string()));
        }
        drop(state);
        self.changed.notify_all();
    }

    /// The writer has stopped; nothing will be acknowledged any more.
    pub fn writer_gone(&self) {
        self.lock().writer_gone = true;
        self.changed.notify_all();
    }

    /// Waits until the writer is gone; `false` if `limit` passed first.
    pub fn wait_writer_gone(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut state = self.lock();
        while !state.writer_gone {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            state = self
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
        true
    }

    /// Waits until marker `first_id` (or a later one) is acknowledged. The result is an
    /// error if the flush of any marker from `first_id` on failed.
    pub fn wait(&self, first_id: u64, limit: Option<Duration>) -> Wait {
        let deadline = limit.map(|limit| Instant::now() + limit);
        let mut state = self.lock();
        loop {
            if state.acked >= first_id {
                return Wait::Acked(match &state.failure {
                    Some((id, message)) if *id >= first_id => {
                        Err(Error::new(ErrorKind::Write, message.clone()))
                    }
                    _ => Ok(()),
                });
            }
            if state.writer_gone {
                return Wait::WriterGone;
            }
            state = match deadline {
                None => self
                    .changed
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Wait::TimedOut;
                    }
                    self.changed
                        .wait_timeout(state, deadline - now)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{mpsc, Arc};

    static WRITER_THREAD: WriterThread = WriterThread::new("test");

    /// A guard that says on which thread it was dropped.
    struct Guard(mpsc::Sender<Option<String>>);

    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = self.0.send(thread::current().name().map(str::to_owned));
        }
    }

    #[test]
    fn a_lifecycle_refuses_the_writer_thread_and_hands_its_guard_off() {
        let counters = Counters::default();
        let (dropped, on) = mpsc::channel();
        let life = Lifecycle::new(Guard(dropped), &WRITER_THREAD);
        thread::scope(|scope| {
            scope.spawn(|| {
                WRITER_THREAD.mark_current();
                assert!(life.admit(&counters).is_none());
                for call in [life.flush(|| Ok(())), life.shutdown(|| Ok(()), || Ok(()))] {
                    assert_eq!(call.unwrap_err().kind(), ErrorKind::WouldDeadlock);
                }
                life.on_drop(|| panic!("no shutdown on the writer thread"));
            });
        });
        let name = on.recv_timeout(Duration::from_secs(10)).expect("dropped");
        assert_eq!(name.as_deref(), Some("logswap-shutdown"));
        let stats = counters.snapshot();
        assert_eq!((stats.emitted, stats.dropped), (1, 1));
    }

    #[test]
    fn a_lifecycle_shuts_down_once_and_reports_the_first_failure() {
        let (dropped, on) = mpsc::channel();
        let life = Lifecycle::new(Guard(dropped), &WRITER_THREAD);
        let failed = life.shutdown(
            || Err(Error::new(ErrorKind::Write, "flush")),
            || {
                assert!(on.try_recv().is_ok(), "the guard is dropped before `after`");
                Err(Error::new(ErrorKind::Timeout, "after"))
            },
        );
        assert_eq!(failed.unwrap_err().kind(), ErrorKind::Write);
        let again = life.shutdown(|| panic!("flushed twice"), || panic!("stopped twice"));
        assert!(again.is_ok());
        let mut shut_down = false;
        life.on_drop(|| shut_down = true);
        assert!(shut_down);
    }

    #[test]
    fn a_later_ack_releases_an_earlier_marker_and_carries_its_failure() {
        let acks = Arc::new(Acks::default());
        let first = acks.next_id();
        let second = acks.next_id();
        assert!(matches!(
            acks.wait(first, Some(Duration::from_millis(1))),
            Wait::TimedOut
        ));
        let writer = {
            let acks = acks.clone();
            thread::spawn(move || acks.ack(second, Err(Error::new(ErrorKind::Write, "full"))))
        };
        match acks.wait(first, None) {
            Wait::Acked(Err(err)) => assert_eq!(err.kind(), ErrorKind::Write),
            _ => panic!("expected the failed flush"),
        }
        writer.join().unwrap();
        acks.ack(acks.next_id(), Ok(()));
        assert!(matches!(acks.wait(second + 1, None), Wait::Acked(Ok(()))));
    }

    #[test]
    fn a_closed_gate_turns_callers_away_and_waits_for_those_inside() {
        let gate = Arc::new(Gate::new());
        let pass = gate.enter().expect("open");
        let closer = {
            let gate = gate.clone();
            thread::spawn(move || gate.close())
        };
        while gate.open.load(Ordering::SeqCst) {
            thread::yield_now();
        }
        assert!(gate.enter().is_none());
        thread::sleep(Duration::from_millis(20));
        assert!(!closer.is_finished(), "close waits for the caller inside");
        drop(pass);
        closer.join().unwrap();
    }
}
