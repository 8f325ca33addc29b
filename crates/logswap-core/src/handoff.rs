//! For backends with a writer thread that emulate a waiting `flush()`: `Gate`, which closes
//! the backend at shutdown without losing an emit in flight, and `Acks`, which lets
//! `flush()` wait until the writer has acknowledged its marker.
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

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind};

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
    use std::sync::Arc;

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
