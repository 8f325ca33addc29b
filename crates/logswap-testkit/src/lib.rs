//! The conformance suite that every logswap backend runs: one public function per
//! property, each taking a factory that builds the backend for a given [`Target`].
//!
//! A backend crate runs the whole suite in a few lines:
//!
//! ```text
//! mod buffered {
//!     logswap_testkit::conformance_suite!(|target| {
//!         std::sync::Arc::new(my_backend::Builder::new().target(target).build().unwrap())
//!     });
//! }
//! ```
//!
//! The properties, each a function here:
//! - [`lossless()`]: many threads, every record written once, in order per thread;
//! - [`flush()`]: after `flush()` returns, everything emitted before it is in the file;
//! - [`shutdown()`]: after `shutdown()` everything is in the file; later emits are
//!   counted as dropped and write nothing; a second `shutdown()` is fine;
//! - [`write_errors()`]: a target that fails every write (`/dev/full`) is counted, and
//!   neither emit nor flush panics or hangs;
//! - [`hostile_input()`]: strings, sizes, numbers and keys that try to break a line;
//! - [`laziness()`]: closures and providers for filtered records never run;
//! - [`accounting()`]: `emitted == written + dropped` after `shutdown()`, with emits racing it;
//! - [`reentrancy()`]: a target that logs and flushes through its own backend deadlocks
//!   nothing, and loses nothing silently.
//!
//! For a backend's own tests, [`targets`] has targets to write to, and [`queued`] checks
//! what backends with a queue and a writer thread share ([`queued_suite!`] runs most of
//! them).
//!
//! Sizes come from the environment, small by default in debug builds:
//! `LOGSWAP_TEST_RECORDS` (records per thread in the lossless test; 50,000 in release
//! builds, 5,000 in debug builds) and `LOGSWAP_TEST_THREADS` (8). Each property fails
//! instead of hanging: it runs under a deadline of `LOGSWAP_TEST_DEADLINE_SECS` (300).

mod deadline;
mod lines;
mod properties;
pub mod queued;
pub mod targets;

pub use lines::{assert_each_producer_in_order, read_lines, LogLine};
pub use properties::accounting::accounting;
pub use properties::hostile::hostile_input;
pub use properties::laziness::laziness;
pub use properties::lossless::{lossless, LosslessReport};
pub use properties::persistence::{flush, shutdown};
pub use properties::reentrancy::reentrancy;
pub use properties::write_errors::write_errors;

use std::sync::Arc;

use logswap_core::{Backend, Target};

/// What every property takes: something that builds a fresh backend writing to a target.
pub trait Factory: Fn(Target) -> Arc<dyn Backend> + Send + Sync + 'static {}

impl<F: Fn(Target) -> Arc<dyn Backend> + Send + Sync + 'static> Factory for F {}

/// Expands to one `#[test]` per property, each building its backend with `$factory`
/// (an expression of a type that implements [`Factory`], usually a closure).
#[macro_export]
macro_rules! conformance_suite {
    ($factory:expr) => {
        #[test]
        fn lossless() {
            let report = $crate::lossless($factory);
            ::std::eprintln!("{report}");
        }

        #[test]
        fn flush() {
            $crate::flush($factory);
        }

        #[test]
        fn shutdown() {
            $crate::shutdown($factory);
        }

        #[test]
        fn write_errors() {
            $crate::write_errors($factory);
        }

        #[test]
        fn hostile_input() {
            $crate::hostile_input($factory);
        }

        #[test]
        fn laziness() {
            $crate::laziness($factory);
        }

        #[test]
        fn accounting() {
            $crate::accounting($factory);
        }

        #[test]
        fn reentrancy() {
            $crate::reentrancy($factory);
        }
    };
}

/// A number from the environment variable `name`, or `default` when it is unset.
///
/// # Panics
/// When the variable is set but is not a number: a test misconfigured should say so.
pub fn env_size(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text:?} is not a number")),
        Err(_) => default,
    }
}
