//! Exits that skip `Drop`: `exit(code)`, the opt-in panic hook, and the opt-in SIGINT /
//! SIGTERM handler (signal-hook), each flushing the live loggers first.

use std::any::Any;
use std::borrow::Cow;
use std::cell::Cell;
use std::panic::Location;
use std::sync::Once;
use std::thread;
use std::time::Duration;

use logswap_core::{Error, Field, Level};

use crate::live;

/// The longest that [`exit`], the panic hook and the signal handler wait for the backends
/// to flush before they go on, so that a stuck target cannot keep a process alive.
pub const EXIT_FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// The target of the record the panic hook writes.
pub const PANIC_TARGET: &str = "logswap::panic";

/// The message of the record the panic hook writes; its fields are `message`, `location`
/// (`file:line:column`) and `thread` (the name, or `<unnamed>`).
pub const PANIC_MESSAGE: &str = "panic";

/// The name the backends give their writer thread; the panic hook leaves panics there to
/// the backend, which catches and counts them (logging into the backend that is writing
/// could only wait for itself).
const WRITER_THREAD_NAME: &str = "logswap-writer";

/// Flushes every live logger (each whose [`Guard`](crate::Guard) is alive, the global one
/// included), then ends the process with `code`, as [`std::process::exit`] does.
///
/// `std::process::exit` runs no destructors, so a guard in `main` never gets to flush:
/// records still in a queue or a buffer would be lost. Call this instead. The flush waits
/// at most [`EXIT_FLUSH_TIMEOUT`].
///
/// ```no_run
/// let _guard = logswap::init().expect("logger");
/// logswap::error!("cannot go on"; code = 3);
/// logswap::exit(3);
/// ```
pub fn exit(code: i32) -> ! {
    live::flush_within(live::all(), EXIT_FLUSH_TIMEOUT, "at exit");
    std::process::exit(code)
}

thread_local! {
    /// Set while this thread runs the panic hook, so a panic inside it does not recurse.
    static IN_HOOK: Cell<bool> = const { Cell::new(false) };
}

/// Installs the panic hook once per process; the hook it replaces runs after it.
pub(crate) fn install_panic_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            log_panic(info.payload(), info.location());
            previous(info);
        }));
    });
}

fn log_panic(payload: &(dyn Any + Send), location: Option<&Location<'_>>) {
    let current = thread::current();
    if current.name() == Some(WRITER_THREAD_NAME) {
        return;
    }
    if IN_HOOK.try_with(|busy| busy.replace(true)).unwrap_or(true) {
        return;
    }
    let loggers = live::with_panic_hook();
    if !loggers.is_empty() {
        let message = panic_message(payload);
        let location = location.map_or_else(
            || "<unknown>".to_owned(),
            |l| format!("{}:{}:{}", l.file(), l.line(), l.column()),
        );
        let thread = current.name().unwrap_or("<unnamed>").to_owned();
        for logger in &loggers {
            logger.log_to(
                Level::Error,
                PANIC_TARGET,
                PANIC_MESSAGE,
                [
                    Field::new("message", message.clone()),
                    Field::new("location", location.clone()),
                    Field::new("thread", thread.clone()),
                ],
            );
        }
        live::flush_within(loggers, EXIT_FLUSH_TIMEOUT, "in the panic hook");
    }
    let _ = IN_HOOK.try_with(|busy| busy.set(false));
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else if let Some(text) = payload.downcast_ref::<Cow<'static, str>>() {
        text.to_string()
    } else {
        "Box<dyn Any>".to_owned()
    }
}

/// Starts, once per process, a thread that waits for SIGINT and SIGTERM, flushes every
/// live logger, and then lets the signal's default action end the process.
#[cfg(unix)]
pub(crate) fn install_signal_handler() -> Result<(), Error> {
    use std::sync::Mutex;

    use logswap_core::ErrorKind;
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;

    static INSTALLED: Mutex<bool> = Mutex::new(false);
    let mut installed = INSTALLED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if *installed {
        return Ok(());
    }
    let failed = |what: &str, err: std::io::Error| {
        Error::with_io(
            ErrorKind::InvalidConfig,
            format!("cannot {what} for SIGINT and SIGTERM: {err}"),
            err,
        )
    };
    let mut signals =
        Signals::new([SIGINT, SIGTERM]).map_err(|err| failed("install handlers", err))?;
    thread::Builder::new()
        .name("logswap-signals".to_owned())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                live::flush_within(live::all(), EXIT_FLUSH_TIMEOUT, "on a signal");
                // Resets the default action and raises the signal again: the process ends
                // as killed by it, as it would have without logswap.
                if signal_hook::low_level::emulate_default_handler(signal).is_err() {
                    std::process::exit(128 + signal);
                }
            }
        })
        .map_err(|err| failed("start the thread that waits", err))?;
    *installed = true;
    Ok(())
}

/// Signals are a Unix matter; elsewhere the option does nothing.
#[cfg(not(unix))]
pub(crate) fn install_signal_handler() -> Result<(), Error> {
    Ok(())
}
