//! The writer thread: takes messages off the channel in batches, formats records into the
//! sink, flushes whenever the queue runs dry, answers flush markers, writes the drop
//! report, and on shutdown drains everything that is still on its way.

use std::any::Any;
use std::collections::VecDeque;
use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use flume::{Receiver, RecvTimeoutError, Sender};
use logswap_core::sink::Sink;
use logswap_core::{Error, Record};

use crate::shared::{Shared, CLOSED, DEAD, PENDING};

/// What goes through the channel.
#[derive(Debug)]
// Records are nearly every message; boxing them would cost an allocation per record on
// the caller's thread, which the inline record layout exists to avoid.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Msg {
    /// A record to write.
    Record(Record),
    /// A flush barrier: everything before it is written and the target flushed, then the
    /// sink's answer is sent back.
    Flush(Sender<Result<(), Error>>),
    /// Wakes the writer for shutdown: stop once nothing more is on its way.
    Close,
}

/// How the writer thread ended: `Err` with the panic message if it died.
pub(crate) type Outcome = Result<(), String>;

/// While closing, how long the writer waits for a message before it looks again whether
/// callers still have messages on their way.
const CLOSING_POLL: Duration = Duration::from_millis(1);

/// How long the queue stays idle before the writer gives back the room a burst grew.
pub(crate) const RELEASE_ROOM_AFTER: Duration = Duration::from_secs(1);

/// A queue that held this many messages (about 0.5 MB of room) is worth shrinking once
/// idle; below it the room is kept.
const ROOM_WORTH_RELEASING: usize = 1024;

/// While records keep coming without a pause, drops are still reported this often.
const REPORT_EVERY: Duration = Duration::from_secs(1);

/// A record with this message makes the writer panic in this crate's own unit tests, to
/// check what happens when the writer dies.
#[cfg(test)]
pub(crate) const PANIC_TRIGGER: &str = "logswap-flume test: the writer panics here";

/// The writer thread's state.
pub(crate) struct Writer {
    rx: Receiver<Msg>,
    sink: Sink,
    shared: Arc<Shared>,
    batch_size: usize,
    /// Callers waiting for room are woken once the queue holds this many messages or
    /// fewer (half the capacity), so they refill it in one burst instead of waking for
    /// every few free slots.
    low_water: usize,
    /// Counted messages taken since the pending count was last lowered.
    taken: u64,
    /// Records taken off the channel but not yet in the sink: lost if the writer dies.
    in_hand: u64,
    /// The earliest timestamp among the records in the sink's buffer.
    oldest_unwritten: Option<SystemTime>,
    last_report: Instant,
    closing: bool,
    /// The queue held [`ROOM_WORTH_RELEASING`] messages or more since the writer last gave
    /// its room back.
    room_to_release: bool,
    /// Messages [`Writer::release_room`] took off the channel and has not handled yet:
    /// kept here, not in a local, so that if the writer panics [`Writer::die`] still
    /// counts them.
    backlog: VecDeque<Msg>,
}

impl Writer {
    pub(crate) fn new(rx: Receiver<Msg>, sink: Sink, shared: Arc<Shared>, batch: usize) -> Self {
        let low_water = rx.capacity().unwrap_or(0) / 2;
        Writer {
            rx,
            sink,
            shared,
            batch_size: batch.max(1),
            low_water,
            taken: 0,
            in_hand: 0,
            oldest_unwritten: None,
            last_report: Instant::now(),
            closing: false,
            room_to_release: false,
            backlog: VecDeque::new(),
        }
    }

    /// The body of the writer thread.
    pub(crate) fn run(mut self) -> Outcome {
        self.shared.claim_current_thread();
        match catch_unwind(AssertUnwindSafe(|| self.serve())) {
            Ok(()) => {
                self.report_drops();
                let _ = self.sink.flush();
                self.note_written_out();
                Ok(())
            }
            Err(panic) => {
                let message = panic_message(&*panic);
                self.die(&message);
                Err(message)
            }
        }
        // The sink flushes once more as it drops here, before the thread ends.
    }

    fn serve(&mut self) {
        loop {
            let first = if self.closing {
                if self.shared.state() & PENDING == 0 {
                    return;
                }
                match self.rx.recv_timeout(CLOSING_POLL) {
                    Ok(msg) => msg,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else if self.room_to_release {
                match self.rx.recv_timeout(RELEASE_ROOM_AFTER) {
                    Ok(msg) => msg,
                    Err(RecvTimeoutError::Timeout) => {
                        self.release_room();
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                match self.rx.recv() {
                    Ok(msg) => msg,
                    // The backend is gone; the channel gives every message before this.
                    Err(_) => return,
                }
            };
            self.handle(first);
            let mut in_batch = 1;
            let dry = loop {
                if in_batch >= self.batch_size {
                    break self.rx.is_empty();
                }
                match self.rx.try_recv() {
                    Ok(msg) => {
                        self.handle(msg);
                        in_batch += 1;
                    }
                    Err(_) => break true,
                }
            };
            self.shared.leave(std::mem::take(&mut self.taken));
            let queued = if dry { 0 } else { self.rx.len() };
            // The queue held at least `queued` messages, and as many as the batch took
            // may have been in it at once: worth giving its room back once idle. (When
            // they were not, the release is merely early: it frees a small buffer.)
            if in_batch + queued >= ROOM_WORTH_RELEASING {
                self.room_to_release = true;
            }
            if dry || self.closing || queued <= self.low_water {
                self.shared.room_freed();
            }
            if self.shared.state() & CLOSED != 0 {
                self.closing = true;
            }
            if dry {
                // Caught up: report drops and flush, so an idle logger holds nothing back.
                self.report_drops();
                let _ = self.sink.flush();
                self.note_written_out();
            } else if self.last_report.elapsed() >= REPORT_EVERY {
                self.report_drops();
            }
        }
    }

    // The message is looked at in place: a record is about 500 bytes, and moving it out
    // of the message cost a copy per record.
    fn handle(&mut self, msg: Msg) {
        match &msg {
            Msg::Record(record) => {
                self.taken += 1;
                self.in_hand += 1;
                self.write(record);
                self.in_hand -= 1;
            }
            Msg::Flush(ack) => {
                self.taken += 1;
                self.report_drops();
                let flushed = self.sink.flush();
                self.note_written_out();
                // The caller may have given up waiting; then nobody needs the answer.
                let _ = ack.try_send(flushed);
            }
            Msg::Close => {
                self.taken += 1;
                self.closing = true;
            }
        }
    }

    fn write(&mut self, record: &Record) {
        #[cfg(test)]
        if record.message == PANIC_TRIGGER {
            panic!("{PANIC_TRIGGER}");
        }
        self.oldest_unwritten = Some(match self.oldest_unwritten {
            Some(oldest) => oldest.min(record.timestamp),
            None => record.timestamp,
        });
        self.sink.push_record(record);
        if self.sink.records_in_buffer() == 0 {
            // The buffer was full and has just been written out.
            self.note_written_out();
        }
    }

    /// The queue has been idle for [`RELEASE_ROOM_AFTER`] since it last held
    /// [`ROOM_WORTH_RELEASING`] messages or more: takes the channel's buffer (with whatever
    /// arrived meanwhile, written like any batch) and drops it, so an idle backend does not
    /// keep the room a burst grew. The next burst grows it again, which costs its callers
    /// a few allocations.
    fn release_room(&mut self) {
        self.room_to_release = false;
        // The channel's buffer is dropped at the end of this statement, once the messages
        // that arrived meanwhile are moved to the backlog.
        self.backlog.extend(self.rx.drain());
        while let Some(msg) = self.backlog.pop_front() {
            self.handle(msg);
        }
        self.backlog = VecDeque::new();
        self.shared.leave(std::mem::take(&mut self.taken));
        // As after any batch: a shutdown whose `Close` found the queue full relies on the
        // writer seeing the flag.
        if self.shared.state() & CLOSED != 0 {
            self.closing = true;
        }
        self.shared.room_freed();
        self.report_drops();
        let _ = self.sink.flush();
        self.note_written_out();
    }

    /// Writes one WARN record with the drops counted since the last report, if any. It
    /// is counted as emitted, so `emitted == written + dropped` still holds.
    fn report_drops(&mut self) {
        self.last_report = Instant::now();
        if let Some(report) = self.shared.take_drops() {
            self.shared.counters.record_emitted();
            self.in_hand += 1;
            self.write(&report.into_record());
            self.in_hand -= 1;
        }
    }

    /// The sink's buffer reached the target: the oldest record in it waited this long.
    fn note_written_out(&mut self) {
        if let Some(oldest) = self.oldest_unwritten.take() {
            let waited = SystemTime::now().duration_since(oldest).unwrap_or_default();
            self.shared.note_delay(waited);
        }
    }

    /// After a panic in the writer itself: say so once, close the queue for good, and
    /// count everything still on its way as dropped, so no record is lost silently and
    /// no caller waits forever (flush markers are dropped unanswered: their callers get
    /// `WriterDied`).
    fn die(&mut self, message: &str) {
        let _ = writeln!(
            io::stderr(),
            "logswap: the flume backend's writer thread panicked ({message}); records are \
             dropped from now on, and flush() and shutdown() return an error"
        );
        self.shared.close(CLOSED | DEAD);
        self.shared
            .counters
            .record_dropped(std::mem::take(&mut self.in_hand));
        self.shared.leave(std::mem::take(&mut self.taken));
        for msg in std::mem::take(&mut self.backlog) {
            if let Msg::Record(_) = msg {
                self.shared.counters.record_dropped(1);
            }
            self.shared.leave(1);
        }
        while self.shared.state() & PENDING != 0 {
            self.shared.room_freed();
            match self.rx.recv_timeout(CLOSING_POLL) {
                Ok(Msg::Record(_)) => {
                    self.shared.counters.record_dropped(1);
                    self.shared.leave(1);
                }
                Ok(Msg::Flush(_) | Msg::Close) => self.shared.leave(1),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use std::panic::{catch_unwind, AssertUnwindSafe};

    use logswap_core::{Counters, Level, Target};

    use super::*;

    fn record(message: &'static str) -> Msg {
        Msg::Record(Record::new(
            Level::Info,
            "unit",
            message,
            Default::default(),
        ))
    }

    #[test]
    fn a_panic_while_giving_the_room_back_counts_every_message_already_taken() {
        let counters = Arc::new(Counters::default());
        let output = Target::writer(io::sink()).open().unwrap();
        let sink = Sink::new(output, 64 * 1024, counters.clone());
        let shared = Arc::new(Shared::new(counters.clone()));
        let (tx, rx) = flume::bounded(16);
        let mut writer = Writer::new(rx, sink, shared.clone(), 256);
        let (ack_tx, ack_rx) = flume::bounded(1);
        let messages = [
            record("written"),
            record(PANIC_TRIGGER),
            record("taken, not written"),
            Msg::Flush(ack_tx),
            record("taken, not written either"),
        ];
        for msg in messages {
            if let Msg::Record(_) = msg {
                counters.record_emitted();
            }
            shared.enter();
            tx.try_send(msg).unwrap();
        }

        let released = catch_unwind(AssertUnwindSafe(|| writer.release_room()));
        assert!(released.is_err(), "the trigger record panics the writer");
        drop(tx);
        writer.die("the test's panic");

        let stats = counters.snapshot();
        assert_eq!(
            stats.dropped, 3,
            "the panicking record and the two after it"
        );
        assert_eq!(
            shared.state() & PENDING,
            0,
            "every message taken is accounted for"
        );
        assert!(
            ack_rx.recv().is_err(),
            "the flush marker is dropped unanswered"
        );
    }
}
