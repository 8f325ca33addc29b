//! The loggers whose guards are alive: what `exit`, the panic hook and the signal handler
//! flush.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use logswap_core::Logger;

struct Entry {
    id: u64,
    logger: Logger,
    panic_hook: bool,
}

static LIVE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn live() -> MutexGuard<'static, Vec<Entry>> {
    // Nothing panics while holding the lock; a poisoned list is still a sound list.
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Adds a logger whose guard was just made; returns the id its guard removes it by.
pub(crate) fn register(logger: Logger, panic_hook: bool) -> u64 {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    live().push(Entry {
        id,
        logger,
        panic_hook,
    });
    id
}

/// Removes the logger of a guard that is going away.
pub(crate) fn unregister(id: u64) {
    live().retain(|entry| entry.id != id);
}

/// Every live logger (clones, so no lock is held while they are used).
pub(crate) fn all() -> Vec<Logger> {
    live().iter().map(|entry| entry.logger.clone()).collect()
}

/// The live loggers built with [`crate::Builder::panic_hook`] on.
pub(crate) fn with_panic_hook() -> Vec<Logger> {
    live()
        .iter()
        .filter(|entry| entry.panic_hook)
        .map(|entry| entry.logger.clone())
        .collect()
}

/// Flushes `loggers`, waiting at most `limit` in all, so a stuck target cannot keep the
/// process from ending. The flushes run on a helper thread: a flush called where the
/// backend's lock is held (a panic inside a target's write) would otherwise never return.
pub(crate) fn flush_within(loggers: Vec<Logger>, limit: Duration, why: &str) {
    if loggers.is_empty() {
        return;
    }
    let names: Vec<&'static str> = loggers.iter().map(|l| l.backend().name()).collect();
    let fallback = loggers.clone();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let spawned = thread::Builder::new()
        .name("logswap-exit-flush".to_owned())
        .spawn(move || {
            for logger in &loggers {
                // Write errors were reported by the backend already.
                let _ = logger.flush();
            }
            let _ = done_tx.send(());
        });
    match spawned {
        Ok(_) => {
            if done_rx.recv_timeout(limit).is_err() {
                eprintln!(
                    "logswap: flushing the {} backend(s) {why} took longer than {limit:?}; going on",
                    names.join(", ")
                );
            }
        }
        Err(_) => {
            // No thread to spare: flush here, without a time limit.
            for logger in &fallback {
                let _ = logger.flush();
            }
        }
    }
}
