//! Building, dropping and shutting down: defaults and errors of the builder, the named
//! writer thread, drop without shutdown, concurrent shutdowns, a target that panics.

mod common;

use std::io;
use std::sync::{Arc, Mutex};

use common::within;
use logswap_core::{Backend, ErrorKind, Field, Level, Record, Target};
use logswap_flume::{FlumeBackend, Overflow, DEFAULT_CAPACITY, DEFAULT_THREAD_NAME};
use logswap_testkit::targets::{Captured, Slow};

fn record(seq: u64) -> Record {
    Record::new(
        Level::Info,
        "t",
        "numbered",
        [Field::new("seq", seq)].into(),
    )
}

#[test]
fn the_builder_defaults_are_lossless_and_bounded() {
    let backend = FlumeBackend::builder()
        .target(Target::writer(Captured::default()))
        .build()
        .unwrap();
    assert_eq!(backend.overflow(), Overflow::Block);
    assert_eq!(backend.capacity(), DEFAULT_CAPACITY);
    assert_eq!(backend.name(), "flume");
    assert_eq!(DEFAULT_THREAD_NAME, "logswap-writer");
}

#[test]
fn the_builder_rejects_what_it_cannot_use() {
    let cases = [
        ("capacity", FlumeBackend::builder().capacity(0)),
        ("batch size", FlumeBackend::builder().batch_size(0)),
        ("NUL byte", FlumeBackend::builder().thread_name("a\0b")),
    ];
    for (what, builder) in cases {
        let err = builder
            .target(Target::writer(Captured::default()))
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{what}: {err}");
        assert!(err.to_string().contains(what), "{what}: {err}");
    }

    logswap_testkit::queued::open_error_names_the_path(|target| {
        FlumeBackend::builder().target(target).build()
    });
}

/// A target that notes the name of the thread that writes to it.
#[derive(Clone, Default)]
struct NotesThread(Arc<Mutex<Vec<Option<String>>>>);

impl io::Write for NotesThread {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let name = std::thread::current().name().map(str::to_owned);
        self.0.lock().unwrap().push(name);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_writer_thread_is_named() {
    for (name, expected) in [(None, "logswap-writer"), (Some("my-writer"), "my-writer")] {
        let notes = NotesThread::default();
        let mut builder = FlumeBackend::builder().target(Target::writer(notes.clone()));
        if let Some(name) = name {
            builder = builder.thread_name(name);
        }
        let backend = builder.build().unwrap();
        backend.emit(record(0));
        backend.shutdown().unwrap();
        let names = notes.0.lock().unwrap().clone();
        assert!(!names.is_empty());
        assert!(
            names.iter().all(|n| n.as_deref() == Some(expected)),
            "{names:?}"
        );
    }
}

#[test]
fn dropping_the_backend_writes_everything() {
    within(60, "drop without shutdown", || {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/app.log");
        let backend = FlumeBackend::builder()
            .target(Target::file(&path))
            .capacity(64)
            .batch_size(1)
            .build()
            .unwrap();
        for seq in 0..1000 {
            backend.emit(record(seq));
        }
        drop(backend);
        let seqs: Vec<u64> = logswap_testkit::read_lines(&path)
            .iter()
            .map(|line| line.u64("seq").unwrap())
            .collect();
        assert_eq!(seqs, (0..1000).collect::<Vec<_>>());
    });
}

#[test]
fn concurrent_shutdowns_all_return_after_the_writer_is_done() {
    within(60, "concurrent shutdowns", || {
        let memory = Captured::default();
        let backend = Arc::new(
            FlumeBackend::builder()
                .target(Target::writer(Slow {
                    out: memory.clone(),
                    delay: std::time::Duration::from_micros(100),
                }))
                .buffer_bytes(0)
                .build()
                .unwrap(),
        );
        for seq in 0..300 {
            backend.emit(record(seq));
        }
        let shutdowns: Vec<_> = (0..3)
            .map(|_| {
                let backend = backend.clone();
                let memory = memory.clone();
                std::thread::spawn(move || {
                    backend.shutdown().unwrap();
                    memory.lines().len()
                })
            })
            .collect();
        for shutdown in shutdowns {
            assert_eq!(
                shutdown.join().unwrap(),
                300,
                "each shutdown returns only once everything is written"
            );
        }
        backend.shutdown().unwrap();
    });
}

/// A target that panics on its first `panics` writes, then works.
struct PanicsFirst {
    panics: usize,
    out: Captured,
}

impl io::Write for PanicsFirst {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.panics > 0 {
            self.panics -= 1;
            panic!("a bug in the target");
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_target_that_panics_is_counted_and_the_writer_goes_on() {
    within(60, "a panicking target", || {
        let out = Captured::default();
        let backend = FlumeBackend::builder()
            .target(Target::writer(PanicsFirst {
                panics: 3,
                out: out.clone(),
            }))
            .buffer_bytes(0)
            .build()
            .unwrap();
        for seq in 0..10 {
            backend.emit(record(seq));
        }
        let _ = backend.flush(); // An error or not, depending on timing; it returns.
        for seq in 10..20 {
            backend.emit(record(seq));
        }
        backend.flush().expect("the target works again");
        backend.shutdown().unwrap();
        let stats = backend.stats();
        assert_eq!(
            (stats.write_errors, stats.dropped, stats.written),
            (3, 3, 17),
            "{stats:?}"
        );
        assert_eq!(
            common::seqs(&out.lines(), "numbered"),
            (3..20).collect::<Vec<_>>()
        );
    });
}
