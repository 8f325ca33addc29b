//! The logswap conformance suite: the whole suite in the lossless mode, and the
//! accounting property in the lossy mode with a slow target, so the queue fills.

use std::sync::Arc;
use std::time::Duration;

use logswap_core::{Backend, Target};
use logswap_testkit::targets::Slow;
use logswap_tracing::TracingBackend;

mod lossless {
    use super::*;

    logswap_testkit::conformance_suite!(|target| -> Arc<dyn Backend> {
        Arc::new(
            TracingBackend::builder()
                .target(target)
                .lossy(false)
                .build()
                .expect("build the tracing backend"),
        )
    });
}

#[test]
fn accounting_lossy_with_a_slow_target() {
    logswap_testkit::accounting(|target| -> Arc<dyn Backend> {
        let slow = Slow {
            out: target.open().expect("open the test file"),
            delay: Duration::from_micros(50),
        };
        Arc::new(
            TracingBackend::builder()
                .target(Target::writer(slow))
                .lossy(true)
                .buffered_lines_limit(128)
                .buffer_bytes(0)
                .build()
                .expect("build the tracing backend"),
        )
    });
}
