//! Flush and shutdown: what they promise about the file, read back.

use std::panic::{catch_unwind, AssertUnwindSafe};

use logswap_core::{Field, Level, Record};

use super::FileBackend;
use crate::deadline::within_deadline;
use crate::{read_lines, Factory};

fn emit_numbered(under_test: &FileBackend, range: std::ops::Range<u64>) {
    for seq in range {
        under_test
            .log
            .log(Level::Info, "persisted", [Field::new("seq", seq)]);
    }
}

fn assert_file_holds(under_test: &FileBackend, count: u64, when: &str) {
    let lines = read_lines(&under_test.path);
    let seqs: Vec<u64> = lines.iter().filter_map(|l| l.u64("seq")).collect();
    assert_eq!(
        seqs,
        (0..count).collect::<Vec<_>>(),
        "{}: the file must hold records 0..{count} {when}",
        under_test.backend.name()
    );
}

/// After `flush()` returns, every record emitted before it is in the file, while the
/// backend is still running; twice, so a flush that only works once is caught.
pub fn flush(factory: impl Factory) {
    within_deadline("flush", move || {
        let under_test = FileBackend::new(&factory);
        emit_numbered(&under_test, 0..1000);
        under_test.log.flush().expect("flush");
        assert_file_holds(&under_test, 1000, "after the first flush");
        emit_numbered(&under_test, 1000..1010);
        under_test.log.flush().expect("second flush");
        assert_file_holds(&under_test, 1010, "after the second flush");
        under_test.log.shutdown().expect("shutdown");
    })
}

/// After `shutdown()` every record is in the file; an emit afterwards neither panics nor
/// writes and is counted as dropped; flush afterwards returns; a second `shutdown()` is fine.
pub fn shutdown(factory: impl Factory) {
    within_deadline("shutdown", move || {
        let under_test = FileBackend::new(&factory);
        emit_numbered(&under_test, 0..1000);
        under_test.backend.shutdown().expect("shutdown");
        assert_file_holds(&under_test, 1000, "after shutdown");

        let before = under_test.backend.stats();
        let bytes_before = std::fs::metadata(&under_test.path).unwrap().len();
        let late = Record::new(
            Level::Error,
            "conformance",
            "after shutdown",
            Default::default(),
        );
        catch_unwind(AssertUnwindSafe(|| under_test.backend.emit(late)))
            .expect("emit after shutdown must not panic");
        let after = under_test.backend.stats();
        assert_eq!(after.emitted, before.emitted + 1, "{after:?}");
        assert_eq!(
            after.dropped,
            before.dropped + 1,
            "an emit after shutdown is dropped: {after:?}"
        );
        assert_eq!(after.written, before.written);
        assert_eq!(
            std::fs::metadata(&under_test.path).unwrap().len(),
            bytes_before,
            "nothing written after shutdown"
        );

        let _ = under_test.backend.flush(); // Ok or an error; it must return.
        under_test
            .backend
            .shutdown()
            .expect("a second shutdown is fine");
        assert_eq!(under_test.line_count(), 1000);
    })
}
