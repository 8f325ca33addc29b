//! Write errors: a target that fails every write is counted, and nothing panics or hangs.

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};

use logswap_core::{Field, Level, Logger, Target};

use super::assert_balanced;
use crate::deadline::within_deadline;
use crate::Factory;

/// A writer that fails every write, as a full disk does.
struct FullDisk;

impl io::Write for FullDisk {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("no space left on device (simulated)"))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A target that fails every write: `/dev/full` on Linux, a writer that fails elsewhere.
fn full_disk() -> Target {
    if cfg!(target_os = "linux") {
        Target::file("/dev/full")
    } else {
        Target::writer(FullDisk)
    }
}

/// With a target that fails every write (`/dev/full`), emits neither panic nor block,
/// `stats().write_errors > 0` once `flush()` has returned (with an error or not), the
/// program goes on logging, and after `shutdown()` `emitted == written + dropped`.
pub fn write_errors(factory: impl Factory) {
    within_deadline("write_errors", move || {
        let backend = factory(full_disk());
        let log = Logger::new(backend.clone());
        let payload = "x".repeat(1024);
        let emit_many = |count: usize| {
            for seq in 0..count {
                log.log(
                    Level::Info,
                    "disk is full",
                    [
                        Field::new("seq", seq),
                        Field::new("payload", payload.clone()),
                    ],
                );
            }
        };
        catch_unwind(AssertUnwindSafe(|| emit_many(2_000)))
            .expect("emit must not panic on write errors");
        let _ = log.flush(); // An error is the honest answer; it must return.
        let stats = backend.stats();
        assert!(
            stats.write_errors > 0,
            "{}: write errors not counted: {stats:?}",
            backend.name()
        );
        assert_eq!(
            stats.written, 0,
            "nothing can be written to a full disk: {stats:?}"
        );

        catch_unwind(AssertUnwindSafe(|| emit_many(100))).expect("the program goes on");
        let _ = log.shutdown();
        assert_balanced(&*backend);
    })
}
