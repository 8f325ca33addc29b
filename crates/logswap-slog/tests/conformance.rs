//! The logswap conformance suite: the whole suite with `Overflow::Block` (lossless), and
//! the accounting property in both lossy modes with a slow target, so the channel fills.

use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

use logswap_core::{Backend, Output, Target};
use logswap_slog::{Overflow, SlogBackend};

mod block {
    use super::*;

    logswap_testkit::conformance_suite!(|target| -> Arc<dyn Backend> {
        Arc::new(
            SlogBackend::builder()
                .target(target)
                .overflow(Overflow::Block)
                .build()
                .expect("build the slog backend"),
        )
    });
}

/// A target that takes a while for every write, as a slow disk does.
struct Slow(Output);

impl Write for Slow {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        std::thread::sleep(Duration::from_micros(50));
        self.0.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// A lossy backend whose writer writes each line on its own to a slow target.
fn lossy(overflow: Overflow) -> impl Fn(Target) -> Arc<dyn Backend> + Send + Sync + 'static {
    move |target| {
        let slow = Slow(target.open().expect("open the test file"));
        Arc::new(
            SlogBackend::builder()
                .target(Target::writer(slow))
                .overflow(overflow)
                .buffer_bytes(0)
                .build()
                .expect("build the slog backend"),
        )
    }
}

#[test]
fn accounting_drop_with_a_slow_target() {
    logswap_testkit::accounting(lossy(Overflow::Drop));
}

#[test]
fn accounting_drop_and_report_with_a_slow_target() {
    logswap_testkit::accounting(lossy(Overflow::DropAndReport));
}
