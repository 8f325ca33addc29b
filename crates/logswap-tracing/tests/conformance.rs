//! The logswap conformance suite: the whole suite in the lossless mode, and the
//! accounting property in the lossy mode with a slow target, so the queue fills.

use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

use logswap_core::{Backend, Output, Target};
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

#[test]
fn accounting_lossy_with_a_slow_target() {
    logswap_testkit::accounting(|target| -> Arc<dyn Backend> {
        let slow = Slow(target.open().expect("open the test file"));
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
