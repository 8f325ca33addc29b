#!/usr/bin/env python3
"""Splits a `perf record -g` profile of the runner by thread and by kind of work.

Each sample goes in a category by the function it was taken in (its first frame), and a
sample taken in the kernel by what the kernel was doing for the thread (a frame further
down its stack): writing a file, a futex (waiting or waking), a page fault, or other.
docs/BENCHMARKS.md ("Where the writer's time goes") reads the result.

    perf record -e cpu-clock -F 5000 -g -o /tmp/perf.data target/release/runner backend \
        --backend flume --mode block --threads 1 --records 400000 --out /tmp/ab.log
    perf script -i /tmp/perf.data -F comm,ip,sym,dso | python3 benches/scripts/perf_split.py

The profile covers the whole run (the timed phases and the check of the output), so
read the writer's and the producer's threads, not the main one.
"""

import collections
import sys

# (category, substrings of the symbol), first match wins.
USER_CATEGORIES = [
    ("clock", ("clock_gettime", "__vdso", "Timespec>::now", "Instant>::elapsed", "Instant>::now")),
    ("format", ("logswap_core::format::", "SystemTime>::duration_since")),
    ("memcpy", ("memmove", "memcpy")),
    ("flume/locks", ("flume::", "Mutex", "futex", "Condvar", "parking")),
    ("drop", ("drop_in_place", "as core::ops::drop::Drop>::drop")),
]

# What a kernel sample was for, from the frames below the first.
KERNEL_CATEGORIES = [
    ("kernel: futex", ("futex",)),
    ("kernel: page fault", ("exc_page_fault", "handle_mm_fault")),
    ("kernel: write", ("ksys_write", "vfs_write", "ext4_buffered_write")),
]


def symbol(frame: str) -> str:
    """The symbol of a `perf script` frame line: "<ip> <symbol> (<dso>)"."""
    parts = frame.split(None, 1)
    text = parts[1] if len(parts) > 1 else ""
    return text.rsplit(" (", 1)[0]


def category(stack: list[str]) -> str:
    if "[kernel.kallsyms]" in stack[0]:
        symbols = [symbol(frame) for frame in stack]
        for name, needles in KERNEL_CATEGORIES:
            if any(needle in s for s in symbols for needle in needles):
                return name
        return "kernel: other"
    first = symbol(stack[0])
    if "sub_timespec" in first:
        # Both the timer's `Instant::elapsed` and the formatter's timestamp subtract times.
        caller = symbol(stack[1]) if len(stack) > 1 else ""
        return "clock" if "Instant" in caller else "format"
    for name, needles in USER_CATEGORIES:
        if any(needle in first for needle in needles):
            return name
    return "other"


def samples(lines):
    """(thread, stack) for each sample: a header line, then one tab-led line per frame."""
    thread, stack = None, []
    for line in lines:
        if not line.strip():
            if thread and stack:
                yield thread, stack
            thread, stack = None, []
        elif line.startswith("\t"):
            stack.append(line.strip())
        else:
            if thread and stack:
                yield thread, stack
            # The header is "<comm> " (a thread name may hold spaces).
            thread, stack = line.rstrip("\n").strip(), []
    if thread and stack:
        yield thread, stack


def main() -> None:
    by_thread: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for thread, stack in samples(sys.stdin):
        by_thread[thread][category(stack)] += 1
    for thread, counts in sorted(by_thread.items()):
        total = sum(counts.values())
        split = ", ".join(f"{name} {100 * n / total:.1f}%" for name, n in counts.most_common())
        print(f"{thread}: {total} samples: {split}")


if __name__ == "__main__":
    main()
