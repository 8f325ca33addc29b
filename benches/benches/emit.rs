//! Criterion benches: the cost of one emit per backend on one thread, and of a call at a
//! disabled level. `cargo bench -p logswap-benches`.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use logswap_benches::subjects::SUBJECTS;
use logswap_benches::workload::log_record;
use logswap_core::{Level, Logger, Target};

fn emit_per_backend(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut group = c.benchmark_group("emit");
    for subject in SUBJECTS {
        let path = dir
            .path()
            .join(format!("{}-{}.log", subject.backend, subject.mode));
        let backend = subject
            .build(Target::file(&path))
            .expect("build the backend");
        let log = Logger::new(backend.clone()).with_level(Level::Info);
        let mut seq = 0;
        group.bench_function(format!("{}/{}", subject.backend, subject.mode), |b| {
            b.iter(|| {
                log_record(&log, Level::Info, 0, seq / 5, seq);
                seq += 1;
            })
        });
        let _ = backend.shutdown();
    }
    group.finish();
}

fn disabled_level(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let backend = SUBJECTS[0]
        .build(Target::file(dir.path().join("disabled.log")))
        .expect("build");
    let log = Logger::new(Arc::clone(&backend)).with_level(Level::Info);
    c.bench_function("disabled level (closure not run)", |b| {
        b.iter(|| log_record(&log, Level::Debug, 0, 0, 0))
    });
    assert_eq!(
        backend.stats().emitted,
        0,
        "a disabled call must not reach the backend"
    );
}

criterion_group!(benches, emit_per_backend, disabled_level);
criterion_main!(benches);
