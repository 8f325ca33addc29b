//! Process-level tests of the exit rules: a child process logs numbered records and ends
//! (returning from `main`, `logswap::exit`, a panic, a signal); afterwards its log file
//! must hold every record it emitted, and the panic record. Controls run the same exits
//! without logswap's help and show that records are lost then, so the checks can fail.
//!
//! `LOGSWAP_EXIT_RECORDS` sets the size of the big run (100,000 by default). Unix only:
//! signals and the exit status of a killed process are Unix matters.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use logswap::Kind;

/// Records in the runs that check one exit path; small enough that the sync backend's
/// 64 KiB buffer holds them all, so an exit that does not flush loses every one.
const RECORDS: u64 = 200;

/// How long a child may take before the test gives up on it.
const CHILD_DEADLINE: Duration = Duration::from_secs(120);

const SIGTERM: i32 = 15;
const SIGINT: i32 = 2;
const SIGABRT: i32 = 6;

struct Run {
    status: ExitStatus,
    stderr: String,
    lines: Vec<serde_json::Value>,
}

fn spawn(scenario: &str, kind: Kind, path: &Path, records: u64) -> Child {
    Command::new(env!("CARGO_BIN_EXE_child"))
        .args([
            scenario,
            kind.name(),
            path.to_str().unwrap(),
            &records.to_string(),
        ])
        .env_remove("LOGSWAP_BACKEND")
        .env_remove("LOGSWAP_LEVEL")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the child")
}

/// Waits for the child (killing it after the deadline) and reads its log file.
fn finish(mut child: Child, path: &Path) -> Run {
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > CHILD_DEADLINE {
            let _ = child.kill();
            panic!("the child did not end within {CHILD_DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}")))
        .collect();
    Run {
        status,
        stderr,
        lines,
    }
}

fn run(scenario: &str, kind: Kind, records: u64) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("child.log");
    finish(spawn(scenario, kind, &path, records), &path)
}

/// Runs a child that waits for a signal, sends it `signal` once it is ready.
fn run_signalled(scenario: &str, kind: Kind, signal: i32) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("child.log");
    let mut child = spawn(scenario, kind, &path, RECORDS);
    let mut ready = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert_eq!(ready.trim(), "ready", "the child ended before it was ready");
    let sent = Command::new("sh")
        .args(["-c", &format!("kill -{signal} {}", child.id())])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{signal} failed");
    finish(child, &path)
}

/// The records numbered 0..`records`, in order, and nothing else but `extra` lines.
fn assert_every_record(run: &Run, records: u64, what: &str) {
    let seqs: Vec<u64> = run
        .lines
        .iter()
        .filter(|line| line["msg"] == "record")
        .map(|line| line["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(
        seqs.len() as u64,
        records,
        "{what}: {} of {records} records in the file; status {:?}; stderr: {}",
        seqs.len(),
        run.status,
        run.stderr
    );
    assert!(
        seqs.iter().copied().eq(0..records),
        "{what}: records out of order or repeated"
    );
}

fn records_in(run: &Run) -> usize {
    run.lines
        .iter()
        .filter(|line| line["msg"] == "record")
        .count()
}

#[test]
fn returning_from_main_with_the_guard_loses_nothing_of_a_big_flume_run() {
    let records = std::env::var("LOGSWAP_EXIT_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let run = run("return", Kind::Flume, records);
    assert!(run.status.success(), "{:?}: {}", run.status, run.stderr);
    assert_every_record(&run, records, "flume, return from main");
    assert_eq!(
        run.lines.len() as u64,
        records,
        "no other line (no drop report)"
    );
}

#[test]
fn returning_from_main_with_the_guard_loses_nothing_on_any_backend() {
    for kind in Kind::compiled_in() {
        let run = run("return", kind, RECORDS);
        assert!(
            run.status.success(),
            "{kind}: {:?}: {}",
            run.status,
            run.stderr
        );
        assert_every_record(&run, RECORDS, &format!("{kind}, return from main"));
    }
}

#[test]
fn logswap_exit_flushes_every_backend_before_the_process_ends() {
    for kind in Kind::compiled_in() {
        let run = run("exit", kind, RECORDS);
        assert_eq!(run.status.code(), Some(0), "{kind}: {}", run.stderr);
        assert_every_record(&run, RECORDS, &format!("{kind}, logswap::exit(0)"));
    }
}

#[test]
fn std_process_exit_loses_the_buffered_records_that_logswap_exit_saves() {
    // The control: the sync backend's buffer is never flushed by std::process::exit.
    let run = run("std-exit", Kind::Sync, RECORDS);
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(records_in(&run), 0, "the buffer was written after all");
}

#[test]
fn the_panic_hook_logs_the_panic_and_flushes_before_the_previous_hook_aborts() {
    for kind in Kind::compiled_in() {
        let run = run("panic", kind, RECORDS);
        assert_eq!(
            run.status.signal(),
            Some(SIGABRT),
            "{kind}: {:?}: {}",
            run.status,
            run.stderr
        );
        assert!(
            run.stderr.contains("boom after 200 records"),
            "{kind}: the previous hook did not run: {}",
            run.stderr
        );
        assert_every_record(&run, RECORDS, &format!("{kind}, panic"));
        let panic = run
            .lines
            .iter()
            .find(|line| line["msg"] == logswap::PANIC_MESSAGE)
            .unwrap_or_else(|| panic!("{kind}: no panic record"));
        assert_eq!(panic["level"], "ERROR");
        assert_eq!(panic["target"], logswap::PANIC_TARGET);
        assert_eq!(panic["message"], "boom after 200 records");
        assert_eq!(panic["thread"], "worker-7");
        assert_eq!(panic["thread_name"], "worker-7");
        let location = panic["location"].as_str().unwrap();
        assert!(
            location.contains("child.rs:"),
            "{kind}: location {location}"
        );
        assert_eq!(
            run.lines.last().unwrap(),
            panic,
            "{kind}: the panic record is last"
        );
    }
}

#[test]
fn without_the_panic_hook_an_aborting_panic_loses_the_buffered_records() {
    let run = run("panic-nohook", Kind::Sync, RECORDS);
    assert_eq!(run.status.signal(), Some(SIGABRT));
    assert!(
        run.stderr.contains("boom after 200 records"),
        "{}",
        run.stderr
    );
    assert!(run.lines.is_empty(), "the buffer was written after all");
}

#[test]
fn sigterm_with_the_handler_flushes_and_the_process_still_dies_of_sigterm() {
    for kind in Kind::compiled_in() {
        let run = run_signalled("signal", kind, SIGTERM);
        assert_eq!(
            run.status.signal(),
            Some(SIGTERM),
            "{kind}: {:?}: {}",
            run.status,
            run.stderr
        );
        assert_every_record(&run, RECORDS, &format!("{kind}, SIGTERM"));
    }
}

#[test]
fn sigint_with_the_handler_flushes_too() {
    let run = run_signalled("signal", Kind::Sync, SIGINT);
    assert_eq!(run.status.signal(), Some(SIGINT), "{}", run.stderr);
    assert_every_record(&run, RECORDS, "sync, SIGINT");
}

#[test]
fn sigterm_without_the_handler_loses_the_buffered_records() {
    let run = run_signalled("signal-nohandler", Kind::Sync, SIGTERM);
    assert_eq!(run.status.signal(), Some(SIGTERM));
    assert_eq!(records_in(&run), 0, "the buffer was written after all");
}
