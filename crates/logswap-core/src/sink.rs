//! `Sink`: the buffered line writer every backend's writer uses, with exact accounting of
//! what was written and what a failed write lost.

use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use crate::backend::Counters;
use crate::error::{Error, ErrorKind};
use crate::format::format_record;
use crate::record::Record;
use crate::target::Output;

/// The default size of a sink's buffer: it is written out when it grows past this.
pub const DEFAULT_BUFFER_BYTES: usize = 64 * 1024;

/// A buffered writer of whole lines to an [`Output`], for backends' writers.
///
/// It counts exactly: a record is `written` once its line reached the target and
/// `dropped` if a failed write lost it (a partial write is split at its last newline).
/// A write error is counted in `write_errors`, reported once on stderr with the OS error,
/// and never stops the sink; a panic inside the target's `write` is caught and counted
/// the same way. After a write that stopped mid-line, the next write starts with a newline,
/// so the lines after a failure are whole. Dropping the sink flushes it.
///
/// ```
/// use std::sync::Arc;
/// use logswap_core::{sink::Sink, Counters, Level, Record, Target};
///
/// let dir = tempfile::tempdir().unwrap();
/// let counters = Arc::new(Counters::default());
/// let output = Target::file(dir.path().join("app.log")).open().unwrap();
/// let mut sink = Sink::new(output, 64 * 1024, counters.clone());
/// counters.record_emitted();
/// sink.push_record(&Record::new(Level::Info, "app", "hello", Default::default()));
/// sink.flush().unwrap();
/// assert_eq!(counters.snapshot().written, 1);
/// ```
#[derive(Debug)]
pub struct Sink {
    output: Output,
    buffer: Vec<u8>,
    records_in_buffer: u64,
    buffer_limit: usize,
    counters: Arc<Counters>,
    ends_mid_line: bool,
    error_reported: bool,
    /// Failed writes and flushes since the last [`Sink::flush_barrier`].
    failures_since_barrier: u64,
}

impl Sink {
    /// A sink that writes out its buffer whenever it holds `buffer_limit` bytes or more
    /// (0 writes every line at once).
    pub fn new(output: Output, buffer_limit: usize, counters: Arc<Counters>) -> Self {
        Sink {
            output,
            buffer: Vec::with_capacity(buffer_limit.min(DEFAULT_BUFFER_BYTES)),
            records_in_buffer: 0,
            buffer_limit,
            counters,
            ends_mid_line: false,
            error_reported: false,
            failures_since_barrier: 0,
        }
    }

    /// Formats `record` into the buffer, writing the buffer out if it is full.
    pub fn push_record(&mut self, record: &Record) {
        format_record(record, &mut self.buffer);
        self.records_in_buffer += 1;
        self.write_out_if_full();
    }

    /// Appends one record's already formatted line (ending in `\n`).
    pub fn push_line(&mut self, line: &[u8]) {
        self.buffer.extend_from_slice(line);
        self.records_in_buffer += 1;
        self.write_out_if_full();
    }

    /// Records waiting in the buffer.
    pub fn records_in_buffer(&self) -> u64 {
        self.records_in_buffer
    }

    /// What the sink writes to.
    pub fn description(&self) -> &str {
        self.output.description()
    }

    /// Writes the buffer out and flushes the target. The error, if any, is the first
    /// failure; it is also counted and reported.
    pub fn flush(&mut self) -> Result<(), Error> {
        let written = self.write_out();
        let flushed = self.guarded(|output| output.flush());
        if let Err(err) = &flushed {
            self.counters.record_write_error();
            self.failures_since_barrier += 1;
            self.report(err);
        }
        written.and(flushed).map_err(|err| {
            Error::with_io(
                ErrorKind::Write,
                format!("writing to {} failed: {err}", self.output.description()),
                err,
            )
        })
    }

    /// Flushes for a flush barrier (a marker a caller of `flush()` waits for). The error
    /// says if this flush failed, or if any write failed since the previous barrier: the
    /// records that caller waited for may have been lost then (they are counted as dropped).
    pub fn flush_barrier(&mut self) -> Result<(), Error> {
        let flushed = self.flush();
        let failed_since = std::mem::take(&mut self.failures_since_barrier);
        flushed?;
        if failed_since > 0 {
            return Err(Error::new(
                ErrorKind::Write,
                format!(
                    "{failed_since} writes to {} failed since the last flush; the records they held are counted in stats().dropped",
                    self.output.description()
                ),
            ));
        }
        Ok(())
    }

    fn write_out_if_full(&mut self) {
        if self.buffer.len() >= self.buffer_limit {
            let _ = self.write_out();
        }
    }

    /// Writes the whole buffer to the target, counting what reached it and what was lost.
    fn write_out(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        if self.ends_mid_line {
            let mut newline_written = 0;
            let repaired =
                self.guarded(|output| write_counting(output, b"\n", &mut newline_written));
            if repaired.is_ok() {
                self.ends_mid_line = false;
            }
        }
        let mut bytes_written = 0;
        let buffer = std::mem::take(&mut self.buffer);
        let result = self.guarded(|output| write_counting(output, &buffer, &mut bytes_written));
        let records = std::mem::take(&mut self.records_in_buffer);
        let whole_lines = if result.is_ok() {
            records
        } else {
            let sent = &buffer[..bytes_written];
            self.ends_mid_line = !sent.is_empty() && !sent.ends_with(b"\n");
            sent.iter().filter(|&&b| b == b'\n').count() as u64
        };
        self.counters
            .record_written(whole_lines, bytes_written as u64);
        if let Err(err) = &result {
            self.counters.record_dropped(records - whole_lines);
            self.counters.record_write_error();
            self.failures_since_barrier += 1;
            self.report(err);
        }
        self.buffer = buffer;
        self.buffer.clear();
        if self.buffer.capacity() > 4 * self.buffer_limit.max(DEFAULT_BUFFER_BYTES) {
            // A huge record grew the buffer; give the memory back.
            self.buffer
                .shrink_to(self.buffer_limit.max(DEFAULT_BUFFER_BYTES));
        }
        result
    }

    /// Runs `op` on the output, turning a panic inside the target into an error.
    fn guarded<T>(&mut self, op: impl FnOnce(&mut Output) -> io::Result<T>) -> io::Result<T> {
        let output = &mut self.output;
        catch_unwind(AssertUnwindSafe(|| op(output)))
            .unwrap_or_else(|_| Err(io::Error::other("the target panicked while writing")))
    }

    fn report(&mut self, err: &io::Error) {
        if !self.error_reported {
            self.error_reported = true;
            // Never eprintln!: it panics when stderr itself is broken.
            let _ = writeln!(
                io::stderr(),
                "logswap: writing to {} failed: {err}; later failures are only counted in stats().write_errors",
                self.output.description()
            );
        }
    }
}

/// `write_all` that says how many bytes got through before an error.
fn write_counting(output: &mut Output, mut bytes: &[u8], written: &mut usize) -> io::Result<()> {
    while !bytes.is_empty() {
        match output.write(bytes) {
            Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
            Ok(n) => {
                *written += n;
                bytes = &bytes[n..];
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Level;
    use crate::target::Target;

    /// A writer that accepts `room` bytes, then fails.
    struct FillsUp {
        room: usize,
        got: Arc<std::sync::Mutex<Vec<u8>>>,
    }

    impl Write for FillsUp {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::other("no room"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.got.lock().unwrap().extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn record() -> Record {
        Record::new(Level::Info, "t", "0123456789", Default::default())
    }

    #[test]
    fn a_partial_write_counts_whole_lines_and_the_next_write_starts_a_new_line() {
        let mut one = Vec::new();
        format_record(&record(), &mut one);
        let got = Arc::new(std::sync::Mutex::new(Vec::new()));
        let writer = FillsUp {
            room: one.len() * 2 + 5,
            got: got.clone(),
        };
        let counters = Arc::new(Counters::default());
        let mut sink = Sink::new(
            Target::writer(writer).open().unwrap(),
            1 << 20,
            counters.clone(),
        );
        for _ in 0..3 {
            sink.push_record(&record());
        }
        assert!(sink.flush().is_err());
        let stats = counters.snapshot();
        assert_eq!(
            (stats.written, stats.dropped, stats.write_errors),
            (2, 1, 1)
        );
        assert!(sink.ends_mid_line);
    }

    #[test]
    fn a_panicking_target_is_counted_not_propagated() {
        struct Panics;
        impl Write for Panics {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                panic!("target bug")
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let counters = Arc::new(Counters::default());
        let mut sink = Sink::new(Target::writer(Panics).open().unwrap(), 0, counters.clone());
        sink.push_record(&record());
        sink.push_record(&record());
        let stats = counters.snapshot();
        assert_eq!(
            (stats.written, stats.dropped, stats.write_errors),
            (0, 2, 2)
        );
    }
}
