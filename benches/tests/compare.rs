//! End-to-end tests of `compare`: a quick run of every backend and reference row, and
//! Ctrl+C in the middle of a run. They use the debug binaries cargo builds for the tests.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use std::os::unix::process::CommandExt;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

fn compare() -> Command {
    Command::new(env!("CARGO_BIN_EXE_compare"))
}

#[test]
fn a_quick_run_measures_every_backend_and_limit_and_verifies_them() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("compare.json");
    let output = compare()
        .args(["--quick", "--json"])
        .arg(&json_path)
        .arg("--out")
        .arg(dir.path().join("logs"))
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}\n{}",
        table,
        String::from_utf8_lossy(&output.stderr)
    );
    for name in logswap_benches::subjects::backend_names() {
        assert!(
            table.contains(&format!("| {name} |")),
            "{name} missing from\n{table}"
        );
    }
    for name in logswap_benches::reference::REFERENCES {
        assert!(
            table.contains(&format!("| limit: {name} |")),
            "{name} missing from\n{table}"
        );
    }
    for experiment in logswap_benches::subjects::EXPERIMENTS {
        assert!(
            !table.contains(&format!("| {} |", experiment.backend)),
            "experiments run only when asked for\n{table}"
        );
    }
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    let rows = document["table"].as_array().unwrap();
    // The main table: from its header to the first blank line.
    let main_rows = table
        .lines()
        .skip_while(|l| !l.starts_with("| backend"))
        .skip(2)
        .take_while(|l| l.starts_with("| "))
        .count();
    assert_eq!(rows.len(), main_rows);
    // Then the flume targets' readout: one row per target, each read off the run.
    let readout: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with("| flume target"))
        .skip(2)
        .take_while(|l| l.starts_with("| "))
        .collect();
    assert_eq!(readout.len(), 10, "{table}");
    for line in readout {
        assert!(
            line.ends_with("| yes |") || line.ends_with("| no |"),
            "a target that was not read off the run: {line}"
        );
    }
    for row in rows {
        assert_eq!(row["status"], "measured", "{row}");
        if row["kind"] == "backend" {
            assert_eq!(row["median"]["lost"], 0, "{row}");
            assert_eq!(row["median"]["verified"]["ok"], true, "{row}");
        }
    }
    let kept = std::fs::read_dir(dir.path().join("logs")).unwrap().count();
    assert!(
        kept >= logswap_benches::subjects::SUBJECTS.len(),
        "--out keeps every log file"
    );
}

#[test]
fn experiments_get_rows_and_a_targets_readout_of_their_own() {
    let output = compare()
        .args(["--quick", "--experiments", "--backends", "tracing"])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{table}");
    for experiment in logswap_benches::subjects::EXPERIMENTS {
        let rows: Vec<&str> = table
            .lines()
            .filter(|l| l.starts_with(&format!("| {} | {} |", experiment.backend, experiment.mode)))
            .collect();
        assert_eq!(rows.len(), 2, "one row per thread count\n{table}");
        for row in rows {
            // lost, then verified: the 12th and 13th columns.
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            assert_eq!((cells[12], cells[13]), ("0", "yes"), "{row}");
        }
        let heading = format!("| {} target (experiment)", experiment.backend);
        let readout = table
            .lines()
            .skip_while(|l| !l.starts_with(&heading))
            .skip(2)
            .take_while(|l| l.starts_with("| "))
            .filter(|l| l.ends_with("| yes |") || l.ends_with("| no |"))
            .count();
        assert_eq!(readout, 10, "{table}");
    }
}

#[test]
fn ctrl_c_stops_the_run_in_progress_and_prints_the_partial_table() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("partial.json");
    let mut child = compare()
        .args([
            "--backends",
            "sync",
            "--threads",
            "1",
            "--runs",
            "3",
            "--records",
            "150000",
            "--json",
        ])
        .arg(&json_path)
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the first run has finished, then press Ctrl+C during the second, as a
    // terminal does: SIGINT to the whole process group.
    let mut progress = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = progress
        .by_ref()
        .map(|line| line.unwrap())
        .find(|line| line.starts_with("[1/"))
        .expect("the first run reports");
    assert!(first.contains("verified true"), "{first}");
    std::thread::sleep(std::time::Duration::from_millis(300)); // The second run is under way.
    kill(Pid::from_raw(-(child.id() as i32)), Signal::SIGINT).unwrap();
    let rest: Vec<String> = progress.map(|line| line.unwrap()).collect();
    let output = child.wait_with_output().unwrap();
    let table = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(130), "{table}\n{rest:?}");
    assert!(table.contains("| sync | every-record | 1 | "), "{table}");
    assert!(
        table.contains("not run"),
        "the rows that never ran are marked: {table}"
    );
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(document["interrupted"], true);
    assert!(document["table"]
        .as_array()
        .unwrap()
        .iter()
        .any(|row| row["status"] == "not run"));
    let stopped: Vec<_> = document["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|run| run["result"]["interrupted"] == true)
        .collect();
    assert_eq!(
        stopped.len(),
        1,
        "the run in progress was stopped: {document}"
    );
    let stopped = &stopped[0]["result"];
    assert_eq!(stopped["lost"], 0, "the stopped run was flushed: {stopped}");
    assert_eq!(stopped["verified"]["ok"], true, "{stopped}");
    assert!(
        stopped["emitted"].as_u64().unwrap() < 150_000,
        "it stopped early: {stopped}"
    );
}
