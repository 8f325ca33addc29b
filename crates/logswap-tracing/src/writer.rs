//! `AckWriter`: the writer tracing-appender's worker thread writes each queued line to.
//! It hands lines to a `Sink` and acknowledges flush markers.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use logswap_core::sink::Sink;
use logswap_core::{Counters, Error, ErrorKind};

use logswap_core::handoff::{Acks, WriterThread};

/// The first byte of a flush marker. A line always starts with `{` and 0xFF is never
/// part of UTF-8, so no record can pass for a marker.
const MARKER_LEAD: u8 = 0xFF;

/// A flush marker: the lead byte and the marker's number.
pub(crate) fn marker(id: u64) -> [u8; 9] {
    let mut bytes = [MARKER_LEAD; 9];
    bytes[1..].copy_from_slice(&id.to_le_bytes());
    bytes
}

fn marker_id(message: &[u8]) -> Option<u64> {
    match message {
        [MARKER_LEAD, id @ ..] => Some(u64::from_le_bytes(id.try_into().ok()?)),
        _ => None,
    }
}

/// Marked by the writer on tracing-appender's worker thread, so a record or flush from
/// inside the target's `write` is refused instead of waiting for the thread that is making it.
pub(crate) static WRITER_THREAD: WriterThread = WriterThread::new("tracing");

/// What the callers and the writer share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) counters: Arc<Counters>,
    pub(crate) acks: Acks,
    /// Flush markers handed to tracing-appender, and those that reached the writer: in a
    /// lossy mode a full queue drops markers too, and `dropped_lines()` counts them.
    pub(crate) markers_sent: AtomicU64,
    pub(crate) markers_received: AtomicU64,
}

/// The writer inside tracing-appender's worker: each `write` is one queued message.
pub(crate) struct AckWriter {
    /// `None` only while the writer is being dropped.
    sink: Option<Sink>,
    shared: Arc<Shared>,
}

impl AckWriter {
    pub(crate) fn new(sink: Sink, shared: Arc<Shared>) -> Self {
        AckWriter {
            sink: Some(sink),
            shared,
        }
    }
}

impl io::Write for AckWriter {
    /// Takes one message; never fails (a failure of the target is counted by the sink,
    /// since tracing-appender's worker would drop the error without a word).
    fn write(&mut self, message: &[u8]) -> io::Result<usize> {
        WRITER_THREAD.mark_current();
        let Some(sink) = self.sink.as_mut() else {
            return Ok(message.len());
        };
        match marker_id(message) {
            Some(id) => {
                self.shared.markers_received.fetch_add(1, Ordering::SeqCst);
                let result = sink.flush_barrier();
                self.shared.acks.ack(id, result);
            }
            None => sink.push_line(message),
        }
        Ok(message.len())
    }

    /// Called by the worker whenever the queue runs dry: writes out the sink's buffer.
    fn flush(&mut self) -> io::Result<()> {
        if let Some(sink) = self.sink.as_mut() {
            let _ = sink.flush();
        }
        Ok(())
    }
}

impl Drop for AckWriter {
    fn drop(&mut self) {
        // Dropping the sink writes out what it holds and counts it; only then is the
        // writer gone, so the counters are final when a waiter sees it.
        drop(self.sink.take());
        self.shared.acks.writer_gone();
    }
}

/// The error `flush` returns when the writer thread is gone.
pub(crate) fn writer_died() -> Error {
    Error::new(
        ErrorKind::WriterDied,
        "the tracing-appender worker thread has stopped; records sent since are counted as dropped",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip_and_lines_are_never_markers() {
        for id in [0, 1, 255, u64::MAX] {
            assert_eq!(marker_id(&marker(id)), Some(id));
        }
        assert_eq!(marker_id(b"{\"ts\":\"x\"}\n"), None);
        assert_eq!(marker_id(&[MARKER_LEAD, 1, 2]), None);
    }
}
