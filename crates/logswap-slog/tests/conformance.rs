//! The logswap conformance suite: the whole suite with `Overflow::Block` (lossless), and
//! the accounting property in both lossy modes with a slow target, so the channel fills.

use std::sync::Arc;
use std::time::Duration;

use logswap_core::{Backend, Target};
use logswap_slog::{Overflow, SlogBackend};
use logswap_testkit::targets::Slow;

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

/// A lossy backend whose writer writes each line on its own to a slow target.
fn lossy(overflow: Overflow) -> impl Fn(Target) -> Arc<dyn Backend> + Send + Sync + 'static {
    move |target| {
        let slow = Slow {
            out: target.open().expect("open the test file"),
            delay: Duration::from_micros(50),
        };
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
