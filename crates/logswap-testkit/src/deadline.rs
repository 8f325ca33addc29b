//! Runs a property on a thread of its own and fails it, instead of hanging, past a deadline.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::env_size;

/// Runs `body` and returns its result; panics with the property's name if it does not
/// finish within `LOGSWAP_TEST_DEADLINE_SECS` (300 by default), and re-raises its panic.
pub(crate) fn within_deadline<T: Send + 'static>(
    property: &str,
    body: impl FnOnce() -> T + Send + 'static,
) -> T {
    let limit = Duration::from_secs(env_size("LOGSWAP_TEST_DEADLINE_SECS", 300) as u64);
    let (done, finished) = mpsc::channel();
    let handle = thread::Builder::new()
        .name(format!("testkit-{property}"))
        .spawn(move || {
            let result = body();
            let _ = done.send(());
            result
        })
        .expect("spawn the property's thread");
    match finished.recv_timeout(limit) {
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{property}: did not finish within {limit:?}: a call hangs")
        }
    }
}
