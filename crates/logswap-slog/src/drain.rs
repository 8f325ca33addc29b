//! `WriterDrain`: the drain slog-async's writer thread calls. It has slog-json write each
//! record into a line buffer, hands whole lines to a `Sink`, flushes when the queue runs
//! dry, and acknowledges flush markers.

use std::cell::RefCell;
use std::io::{self, Write};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use logswap_core::sink::Sink;
use logswap_core::{Counters, Error, ErrorKind};
use slog::{Drain, OwnedKVList, RecordLocation};

use logswap_core::handoff::{Acks, WriterThread};

/// The location of every record this crate sends; slog-json does not write it.
pub(crate) static RECORD_LOCATION: RecordLocation = RecordLocation {
    file: "logswap-slog",
    line: 0,
    column: 0,
    function: "",
    module: "logswap_slog",
};

/// The location of a flush marker, whose tag is the marker's number. Records cannot take
/// it: their location is always [`RECORD_LOCATION`].
pub(crate) static MARKER_LOCATION: RecordLocation = RecordLocation {
    file: "logswap-slog flush marker",
    line: 1,
    column: 0,
    function: "",
    module: "logswap_slog",
};

/// Marked by the drain on slog-async's writer thread, so a record or flush from inside the
/// target's `write` is refused instead of waiting for the thread that is making it.
pub(crate) static WRITER_THREAD: WriterThread = WriterThread::new("slog");

/// What the callers and the writer share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) counters: Arc<Counters>,
    pub(crate) acks: Acks,
    /// Records sent and not yet taken by the writer (it may dip below zero for a moment:
    /// callers count after their send succeeded).
    pub(crate) depth: AtomicI64,
}

/// A line larger than this is not kept for reuse.
const KEPT_LINE_CAPACITY: usize = 64 * 1024;

/// The drain inside slog-async's `AsyncCore`: runs on its writer thread only.
pub(crate) struct WriterDrain {
    state: RefCell<WriterState>,
    shared: Arc<Shared>,
}

struct WriterState {
    /// `None` only while the drain is being dropped.
    sink: Option<Sink>,
    line: Vec<u8>,
    serialize_error_reported: bool,
}

impl WriterDrain {
    pub(crate) fn new(sink: Sink, shared: Arc<Shared>) -> Self {
        WriterDrain {
            state: RefCell::new(WriterState {
                sink: Some(sink),
                line: Vec::with_capacity(512),
                serialize_error_reported: false,
            }),
            shared,
        }
    }
}

impl Drain for WriterDrain {
    type Ok = ();
    type Err = slog::Never;

    fn log(&self, record: &slog::Record<'_>, values: &OwnedKVList) -> Result<(), slog::Never> {
        WRITER_THREAD.mark_current();
        let mut state = self.state.borrow_mut();
        let WriterState {
            sink,
            line,
            serialize_error_reported,
        } = &mut *state;
        let Some(sink) = sink.as_mut() else {
            return Ok(());
        };
        if is_marker(record.location()) {
            let result = sink.flush_barrier();
            match record.tag().parse::<u64>() {
                Ok(id) => self.shared.acks.ack(id, result),
                Err(_) => debug_assert!(false, "a marker's tag is its number"),
            }
            return Ok(());
        }

        line.clear();
        let json = slog_json::Json::new(&mut *line).build();
        match json.log(record, values) {
            Ok(()) => {
                escape_line_separators(line);
                sink.push_line(line);
            }
            Err(err) => {
                // Nothing of this crate's key-values can fail to serialize; if one ever
                // does, the record is given up and counted, and the partial line dropped.
                self.shared.counters.record_dropped(1);
                if !*serialize_error_reported {
                    *serialize_error_reported = true;
                    let _ = writeln!(
                        io::stderr(),
                        "logswap-slog: slog-json could not write a record ({err}); it is dropped and counted in stats().dropped"
                    );
                }
            }
        }
        if line.capacity() > KEPT_LINE_CAPACITY {
            *line = Vec::with_capacity(512);
        }
        // The queue ran dry: write out what the sink holds, as a writer thread should.
        if self.shared.depth.fetch_sub(1, Ordering::AcqRel) <= 1 {
            let _ = sink.flush();
        }
        Ok(())
    }
}

impl Drop for WriterDrain {
    fn drop(&mut self) {
        // Dropping the sink writes out what it holds and counts it; only then is the
        // writer gone, so the counters are final when a waiter sees it.
        drop(self.state.get_mut().sink.take());
        self.shared.acks.writer_gone();
    }
}

fn is_marker(location: &RecordLocation) -> bool {
    location.file == MARKER_LOCATION.file && location.line == MARKER_LOCATION.line
}

/// Escapes U+2028 and U+2029 as `\u2028` and `\u2029`, as the core formatter does.
/// serde_json writes them raw; in its output they can only stand inside a string, where
/// the escape means the same character, so the line says the same thing.
pub(crate) fn escape_line_separators(line: &mut Vec<u8>) {
    const LEAD: u8 = 0xE2;
    let Some(first) = line.iter().position(|&b| b == LEAD) else {
        return;
    };
    let mut out = Vec::with_capacity(line.len() + 16);
    out.extend_from_slice(&line[..first]);
    let mut i = first;
    while i < line.len() {
        match &line[i..] {
            [LEAD, 0x80, 0xA8, ..] => {
                out.extend_from_slice(b"\\u2028");
                i += 3;
            }
            [LEAD, 0x80, 0xA9, ..] => {
                out.extend_from_slice(b"\\u2029");
                i += 3;
            }
            [byte, ..] => {
                out.push(*byte);
                i += 1;
            }
            [] => break,
        }
    }
    *line = out;
}

/// The error `flush` returns when the writer thread is gone.
pub(crate) fn writer_died() -> Error {
    Error::new(
        ErrorKind::WriterDied,
        "the slog-async writer thread has stopped; records sent since are counted as dropped",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let mut line = serde_json::to_vec(input).unwrap();
        escape_line_separators(&mut line);
        assert_eq!(String::from_utf8(line.clone()).unwrap(), expected);
        let back: String = serde_json::from_slice(&line).unwrap();
        assert_eq!(back, input);
    }

    #[test]
    fn line_separators_are_escaped_and_nothing_else_changes() {
        check("plain", r#""plain""#);
        check("a\u{2028}b\u{2029}c", r#""a\u2028b\u2029c""#);
        check("\u{2027}\u{202a}é🦀", "\"\u{2027}\u{202a}é🦀\"");
        check("\u{2028}", r#""\u2028""#);
    }
}
