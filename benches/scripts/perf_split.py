#!/usr/bin/env python3
"""Splits a `perf record -g` profile of the runner by thread and by kind of work.

Each sample is put in a category by the function it was taken in (its first frame):
formatting, memcpy, the clock, flume and locks, the kernel, dropping, or other. The
categories are what docs/BENCHMARKS.md ("Where a record's time goes") discusses.

    perf record -e cpu-clock -F 5000 -g -o /tmp/perf.data target/release/runner backend \
        --backend flume --mode block --threads 1 --records 400000 --out /tmp/ab.log
    perf script -i /tmp/perf.data -F comm,ip,sym,dso | python3 benches/scripts/perf_split.py

The profile covers the whole run (the timed phases and the check of the output), so
read the writer's and the producer's threads, not the main one.
"""

import collections
import sys

CATEGORIES = [
    ("kernel", ("kernel.kallsyms",)),
    ("format", ("format", "write_f64", "timestamp", "sub_timespec", "duration_since", "escape")),
    ("memcpy", ("memmove", "memcpy")),
    ("clock", ("clock_gettime", "vdso", "Timespec>::now", "Instant")),
    ("flume/locks", ("flume", "Mutex", "futex", "Condvar")),
    ("drop", ("drop_in_place",)),
]


def category(frame: str) -> str:
    for name, needles in CATEGORIES:
        if any(needle in frame for needle in needles):
            return name
    return "other"


def main() -> None:
    by_thread: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    thread, first_frame = None, False
    for line in sys.stdin:
        if not line.strip():
            thread = None
        elif not line.startswith("\t"):
            thread, first_frame = line.split()[0], True
        elif thread and first_frame:
            by_thread[thread][category(line.strip())] += 1
            first_frame = False
    for thread, counts in sorted(by_thread.items()):
        total = sum(counts.values())
        split = ", ".join(f"{name} {100 * n / total:.1f}%" for name, n in counts.most_common())
        print(f"{thread}: {total} samples: {split}")


if __name__ == "__main__":
    main()
