//! `FlumeBackend`: the caller's side of the queue (emit with its overflow policy, the
//! flush barrier, shutdown and drop, stats).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use flume::{Receiver, RecvTimeoutError, Sender, TrySendError};
use logswap_core::{Backend, Error, ErrorKind, Record, Stats};

use crate::builder::{Builder, Overflow};
use crate::shared::{Shared, CLOSED, DEAD, PENDING};
use crate::writer::{Msg, Outcome};

/// A backend that sends each record through a bounded flume channel to one writer
/// thread, which formats and writes it. See the crate docs for what each
/// [`Overflow`] policy loses, when a call waits, and what `flush()` and `shutdown()`
/// promise.
///
/// Dropping the backend shuts it down (see [`Backend::shutdown`]).
pub struct FlumeBackend {
    pub(crate) sender: Sender<Msg>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) overflow: Overflow,
    pub(crate) capacity: usize,
    /// What the target is, for messages.
    pub(crate) target: String,
    /// Disconnects when the writer thread has finished, so shutdown and a flush during
    /// shutdown can wait for it with a limit.
    pub(crate) finished: Receiver<Never>,
    pub(crate) lifecycle: Mutex<Lifecycle>,
}

/// An uninhabited message: the `finished` channel only ever disconnects.
#[derive(Debug)]
pub(crate) enum Never {}

/// The writer thread, as seen by shutdown; behind a mutex, so that concurrent shutdowns
/// wait for the first.
#[derive(Debug)]
pub(crate) struct Lifecycle {
    /// `None` once joined (or detached, when the writer itself dropped the backend).
    pub(crate) writer: Option<JoinHandle<Outcome>>,
    /// `stats().write_errors` when the first shutdown attempt began.
    pub(crate) write_errors_before: Option<u64>,
}

impl FlumeBackend {
    /// A builder with the defaults (see [`Builder`]).
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The most records that wait in the queue at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// What a full queue does.
    pub fn overflow(&self) -> Overflow {
        self.overflow
    }

    /// [`Backend::flush`], giving up after `limit` with an [`ErrorKind::Timeout`] error
    /// (the target may be stuck). The records stay queued and are written when the target
    /// recovers; a later flush waits for them.
    pub fn flush_timeout(&self, limit: Duration) -> Result<(), Error> {
        self.flush_until(Some(deadline_after(limit)))
    }

    /// [`Backend::shutdown`], giving up after `limit` with an [`ErrorKind::Timeout`] error.
    /// The queue is closed all the same (later emits are dropped) and the writer goes on
    /// draining it; a later `shutdown()` waits for it and joins it.
    pub fn shutdown_timeout(&self, limit: Duration) -> Result<(), Error> {
        self.shutdown_until(Some(deadline_after(limit)))
    }

    /// Counts a record that could not be queued as dropped.
    #[cold]
    fn give_up(&self) {
        self.shared.leave(1);
        self.shared.counters.record_dropped(1);
    }

    /// The queue is full: wait for room or drop, as the policy says.
    #[cold]
    fn emit_full(&self, msg: Msg) {
        let Msg::Record(record) = &msg else {
            unreachable!("emit sends records only")
        };
        // The writer never waits for itself: a record logged from inside the target's
        // write is dropped when the queue is full.
        if self.overflow.waits_for(record.level) && !self.shared.on_writer_thread() {
            let started = Instant::now();
            if self.send_waiting_for_room(msg, None).is_err() {
                // The writer died while we waited.
                self.give_up();
            }
            self.shared.add_blocked(started.elapsed());
        } else {
            self.shared.note_full_drop(record);
            self.give_up();
        }
    }

    /// Sends `msg`, waiting for room while the queue is full: a record in
    /// [`Overflow::Block`], and every flush marker. Never with flume's blocking `send`,
    /// which can leave one message more than the capacity in the queue and so double its
    /// buffer. `Err(true)` when `deadline` passed first, `Err(false)` when the writer is
    /// gone.
    fn send_waiting_for_room(&self, msg: Msg, deadline: Option<Instant>) -> Result<(), bool> {
        let mut msg = msg;
        loop {
            match self.sender.try_send(msg) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Disconnected(_)) => return Err(false),
                Err(TrySendError::Full(back)) => msg = back,
            }
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return Err(true);
            }
            self.shared.wait_for_room(|| self.sender.is_full());
        }
    }

    fn flush_until(&self, deadline: Option<Instant>) -> Result<(), Error> {
        if self.shared.on_writer_thread() {
            return Err(self.called_on_writer_thread("flush"));
        }
        let write_errors_before = self.shared.counters.snapshot().write_errors;
        let before = self.shared.enter();
        if before & CLOSED != 0 {
            self.shared.leave(1);
            if before & DEAD != 0 {
                return Err(self.writer_died(None));
            }
            // Shut down or shutting down: once the writer has drained the queue and
            // ended, every record emitted before this call is written or counted.
            return match self.wait_finished(deadline) {
                Ok(()) => self.write_errors_since(write_errors_before, "flushing"),
                Err(()) => {
                    Err(self.timeout("flush", "waiting for the shutdown to drain the queue"))
                }
            };
        }
        let (ack_tx, ack_rx) = flume::bounded(1);
        let sent = self.send_waiting_for_room(Msg::Flush(ack_tx), deadline);
        if let Err(timed_out) = sent {
            self.shared.leave(1);
            return Err(if timed_out {
                self.timeout(
                    "flush",
                    "waiting for room in the queue for the flush marker",
                )
            } else {
                self.writer_died(None)
            });
        }
        let answer = match deadline {
            None => ack_rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(deadline) => ack_rx.recv_deadline(deadline),
        };
        match answer {
            Ok(Ok(())) => self.write_errors_since(write_errors_before, "flushing"),
            Ok(Err(err)) => Err(err),
            Err(RecvTimeoutError::Timeout) => {
                Err(self.timeout("flush", "waiting for the writer to reach the flush marker"))
            }
            Err(RecvTimeoutError::Disconnected) => Err(self.writer_died(None)),
        }
    }

    fn shutdown_until(&self, deadline: Option<Instant>) -> Result<(), Error> {
        if self.shared.on_writer_thread() {
            return Err(self.called_on_writer_thread("shutdown"));
        }
        let mut life = self
            .lifecycle
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if life.writer.is_none() {
            return Ok(());
        }
        let write_errors_before = *life
            .write_errors_before
            .get_or_insert_with(|| self.shared.counters.snapshot().write_errors);
        self.close();
        if self.wait_finished(deadline).is_err() {
            return Err(self.timeout(
                "shutdown",
                "waiting for the writer to drain the queue; it goes on draining",
            ));
        }
        let joined = life.writer.take().map(JoinHandle::join);
        match joined {
            None | Some(Ok(Ok(()))) => {
                self.write_errors_since(write_errors_before, "shutting down")
            }
            Some(Ok(Err(panic))) => Err(self.writer_died(Some(&panic))),
            Some(Err(_)) => Err(self.writer_died(Some("it panicked outside its guard"))),
        }
    }

    /// Waits until the writer thread has finished; `Err` if the deadline passed first.
    fn wait_finished(&self, deadline: Option<Instant>) -> Result<(), ()> {
        let finished = match deadline {
            None => self
                .finished
                .recv()
                .map_err(|_| RecvTimeoutError::Disconnected),
            Some(deadline) => self.finished.recv_deadline(deadline),
        };
        match finished {
            Err(RecvTimeoutError::Timeout) => Err(()),
            Err(RecvTimeoutError::Disconnected) => Ok(()),
            Ok(never) => match never {},
        }
    }

    /// Closes the queue: later emits are dropped, and the writer stops once everything
    /// already on its way is written. A `Close` message wakes a writer waiting for work;
    /// it is counted as pending, so the writer cannot stop before it takes it.
    fn close(&self) {
        let before = self.shared.enter();
        if before & CLOSED != 0 {
            self.shared.leave(1);
            return;
        }
        self.shared.close(CLOSED);
        if self.sender.try_send(Msg::Close).is_err() {
            // Full: the writer is busy and sees the flag after its batch. Disconnected:
            // it is gone already.
            self.shared.leave(1);
        }
    }

    fn write_errors_since(&self, before: u64, doing: &str) -> Result<(), Error> {
        let now = self.shared.counters.snapshot().write_errors;
        if now == before {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::Write,
            format!(
                "{} write(s) to {} failed while {doing} (the first one was reported on \
                 stderr; stats().write_errors counts them all)",
                now - before,
                self.target
            ),
        ))
    }

    fn timeout(&self, call: &str, what: &str) -> Error {
        Error::new(
            ErrorKind::Timeout,
            format!(
                "{call} on the flume backend gave up {what} (writing to {})",
                self.target
            ),
        )
    }

    fn writer_died(&self, why: Option<&str>) -> Error {
        let why = why.map(|why| format!(": {why}")).unwrap_or_default();
        Error::new(
            ErrorKind::WriterDied,
            format!(
                "the flume backend's writer thread (writing to {}) died{why}; records \
                 are dropped and counted",
                self.target
            ),
        )
    }

    fn called_on_writer_thread(&self, call: &str) -> Error {
        Error::would_deadlock("flume", call)
    }
}

fn deadline_after(limit: Duration) -> Instant {
    let now = Instant::now();
    // A limit too large to add is no limit; a century is as good.
    now.checked_add(limit)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

impl Backend for FlumeBackend {
    /// Queues the record. Never panics. Waits only in [`Overflow::Block`] (and for records
    /// at or above the level in [`Overflow::DropBelow`]) while the queue is full, never on
    /// the writer thread itself. After shutdown, or when the writer died, the record is
    /// dropped and counted.
    #[inline]
    fn emit(&self, record: Record) {
        let shared = &*self.shared;
        shared.counters.record_emitted();
        let before = shared.enter();
        if before & CLOSED != 0 {
            self.give_up();
            return;
        }
        shared.note_depth((before & PENDING) + 1);
        match self.sender.try_send(Msg::Record(record)) {
            Ok(()) => {}
            Err(TrySendError::Full(msg)) => self.emit_full(msg),
            Err(TrySendError::Disconnected(_)) => self.give_up(),
        }
    }

    /// A barrier: sends a marker through the queue and waits until the writer reaches it,
    /// so it waits for the records emitted before the call only, not for the queue to be
    /// empty. The marker waits for room like a record in [`Overflow::Block`] in every
    /// policy: a flush is never dropped. Returns an [`ErrorKind::Write`] error if a write
    /// failed meanwhile, [`ErrorKind::WriterDied`] if the writer is gone. While a shutdown
    /// drains the queue it waits for the shutdown; once shut down it returns at once.
    fn flush(&self) -> Result<(), Error> {
        self.flush_until(None)
    }

    /// Closes the queue, lets the writer drain everything already on its way, flush and
    /// end, and joins it. Idempotent; concurrent calls wait for the first. Records emitted
    /// afterwards are dropped and counted. Called from the writer thread itself (inside the
    /// target), it returns an error at once instead of waiting for itself.
    fn shutdown(&self) -> Result<(), Error> {
        self.shutdown_until(None)
    }

    /// The core counters plus queue depth now (the channel's length), its high-water mark
    /// (as seen by callers as they enqueue, at most the capacity), the total time callers
    /// waited for room, and the largest delay between a record's timestamp and the moment
    /// its line was handed to the target.
    fn stats(&self) -> Stats {
        let mut stats = self.shared.counters.snapshot();
        stats.queue_depth = Some(self.sender.len() as u64);
        stats.queue_high_water = Some(self.shared.high_water().min(self.capacity as u64));
        stats.blocked = self.shared.blocked();
        stats.max_queue_delay = Some(self.shared.max_delay());
        stats
    }

    fn name(&self) -> &'static str {
        "flume"
    }
}

impl Drop for FlumeBackend {
    fn drop(&mut self) {
        if self.shared.on_writer_thread() {
            // The target held the last handle and dropped it on the writer thread, which
            // cannot join itself. Close the queue and let the thread go: it writes what is
            // left and ends, since the channel disconnects when `self.sender` drops.
            self.shared.close(CLOSED);
            let life = self
                .lifecycle
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner);
            drop(life.writer.take());
            return;
        }
        let _ = self.shutdown_until(None);
    }
}

impl fmt::Debug for FlumeBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlumeBackend")
            .field("target", &self.target)
            .field("capacity", &self.capacity)
            .field("overflow", &self.overflow)
            .field("stats", &self.stats())
            .finish()
    }
}
