//! Criterion benches of the line format: the core formatter against serde_json with a
//! timestamp library, on the workload's records. `cargo bench -p logswap-benches --bench format`.

use criterion::{criterion_group, criterion_main, Criterion};
use logswap_benches::reference::{serde_json_line, workload_record};
use logswap_core::format::format_record;

fn formatters(c: &mut Criterion) {
    let record = workload_record(12_345, 5);
    let mut line = Vec::with_capacity(512);
    let mut group = c.benchmark_group("format one record");
    group.bench_function("logswap-core format_record", |b| {
        b.iter(|| {
            line.clear();
            format_record(std::hint::black_box(&record), &mut line);
        })
    });
    group.bench_function("serde_json + chrono", |b| {
        b.iter(|| {
            line.clear();
            serde_json_line(std::hint::black_box(&record), &mut line);
        })
    });
    group.finish();
    c.bench_function("build a workload record", |b| {
        b.iter(|| workload_record(std::hint::black_box(12_345), 5))
    });
}

criterion_group!(benches, formatters);
criterion_main!(benches);
