//! `compare`: runs every backend x mode x thread count, and the reference rows, each in a
//! runner process of its own, several times, and prints the table of median runs.
//! `cargo xtask compare` builds it in release mode and runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::Parser;
use logswap_benches::reference::REFERENCES;
use logswap_benches::result::{RowKind, RunResult};
use logswap_benches::subjects::{backend_names, EXPERIMENTS, SUBJECTS};
use logswap_benches::table::{median_run, render, Outcome, Row};
use logswap_benches::targets::render_targets;
use serde_json::json;

#[derive(Parser, Debug)]
#[command(about = "Measure every logswap backend under one workload and print a comparison table.")]
struct Args {
    /// Records per run (the main phase, across all producer threads).
    #[arg(long, default_value_t = 200_000)]
    records: u64,
    /// Producer thread counts, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,4")]
    threads: Vec<u32>,
    /// Backends to run, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    backends: Vec<String>,
    /// Runs per row; the table shows the median run.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Records per query.
    #[arg(long, default_value_t = 5)]
    logs_per_query: u32,
    /// Keep every run's log file in this folder.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write every figure of every run to this JSON file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// A smoke run for CI: 2,000 records, one run per row.
    #[arg(long)]
    quick: bool,
    /// Also run the experiments (designs measured beside the backends, not part of the
    /// product: the per-producer rings of `logswap_benches::rings`), with a targets
    /// readout of their own.
    #[arg(long)]
    experiments: bool,
}

/// One planned run.
#[derive(Debug, Clone)]
struct Plan {
    row: usize,
    round: usize,
}

fn main() -> ExitCode {
    match compare(Args::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("compare: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn compare(mut args: Args) -> Result<ExitCode> {
    if args.quick {
        args.records = 2_000;
        args.runs = 1;
    }
    if args.runs == 0 || args.records == 0 || args.logs_per_query == 0 || args.threads.contains(&0)
    {
        bail!("--runs, --records, --logs-per-query and --threads must be at least 1");
    }
    let known = backend_names();
    if args.backends.is_empty() {
        args.backends = known.iter().map(|s| s.to_string()).collect();
    }
    for name in &args.backends {
        if !known.contains(&name.as_str()) {
            bail!("unknown backend {name:?}; known: {}", known.join(", "));
        }
    }
    let runner = runner_path()?;
    let scratch = tempfile::tempdir()?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| scratch.path().to_path_buf());
    std::fs::create_dir_all(&out_dir).with_context(|| format!("create {}", out_dir.display()))?;

    let stop = Arc::new(AtomicBool::new(false));
    let child = Arc::new(AtomicI32::new(0));
    {
        let (stop, child) = (stop.clone(), child.clone());
        ctrlc::set_handler(move || {
            stop.store(true, Ordering::SeqCst);
            forward_interrupt(child.load(Ordering::SeqCst));
        })?;
    }

    let mut rows = plan_rows(&args);
    let plans: Vec<Plan> = (0..args.runs)
        .flat_map(|round| (0..rows.len()).map(move |row| Plan { row, round }))
        .collect();
    let mut results: Vec<Vec<RunResult>> = vec![Vec::new(); rows.len()];
    let mut all_runs = Vec::new();
    let mut failed = false;
    eprintln!(
        "compare: {} rows x {} runs, {} records each, {} logs per query; runner {}",
        rows.len(),
        args.runs,
        args.records,
        args.logs_per_query,
        runner.display()
    );
    for (number, plan) in plans.iter().enumerate() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let row = &rows[plan.row];
        let label = format!(
            "[{}/{}] {} x{} run {}",
            number + 1,
            plans.len(),
            row_name(row),
            row.threads,
            plan.round + 1
        );
        let mut command = Command::new(&runner);
        // The file the run writes: deleted once the runner has read it back, unless `--out`
        // keeps it. A deleted file's pages need no writeback, so the disk and the kernel's
        // flusher threads do not slow the rows that come after it: with every file kept,
        // a default run leaves over a gigabyte to write back while it measures.
        let written = match row.kind {
            RowKind::Backend => {
                let file = out_dir.join(format!(
                    "{}-{}-x{}-run{}.log",
                    row.backend,
                    row.mode,
                    row.threads,
                    plan.round + 1
                ));
                command.args(["backend", "--backend", &row.backend, "--mode", &row.mode]);
                command.args(["--threads", &row.threads.to_string(), "--label", &label]);
                command.arg("--out").arg(&file);
                file
            }
            RowKind::Reference => {
                command
                    .args(["reference", "--name", &row.backend])
                    .arg("--dir")
                    .arg(&out_dir);
                out_dir.join(format!("{}.log", row.backend))
            }
        };
        command.args([
            "--records",
            &args.records.to_string(),
            "--logs-per-query",
            &args.logs_per_query.to_string(),
        ]);
        let outcome = run_one(&mut command, &child);
        if args.out.is_none() {
            let _ = std::fs::remove_file(&written);
        }
        match outcome {
            Ok(result) if result.interrupted => {
                eprintln!("{label}: interrupted");
                if results[plan.row].is_empty() {
                    rows[plan.row].outcome = Outcome::Interrupted;
                }
                all_runs.push(json!({"row": plan.row, "round": plan.round, "result": result}));
            }
            Ok(result) => {
                let bad =
                    result.kind == RowKind::Backend && (!result.verified.ok || result.lost != 0);
                failed |= bad;
                eprintln!(
                    "{label}: {:.0} records/s, p50 {} ns, p99.9 {} ns, dropped {}, lost {}, verified {}{}",
                    result.records_per_sec,
                    result.latency.p50,
                    result.latency.p999,
                    result.dropped,
                    result.lost,
                    result.verified.ok,
                    if bad { format!(" ({})", result.verified.detail) } else { String::new() }
                );
                all_runs.push(json!({"row": plan.row, "round": plan.round, "result": result}));
                results[plan.row].push(result);
            }
            Err(err) => {
                eprintln!("{label}: failed: {err:#}");
                failed = true;
                rows[plan.row].outcome = Outcome::Failed(format!("{err:#}"));
                all_runs.push(
                    json!({"row": plan.row, "round": plan.round, "error": format!("{err:#}")}),
                );
            }
        }
    }
    for (row, runs) in rows.iter_mut().zip(results) {
        let count = runs.len();
        if let Some(median) = median_run(runs) {
            row.outcome = Outcome::Measured {
                median: Box::new(median),
                runs: count,
            };
        }
    }
    let interrupted = stop.load(Ordering::SeqCst);
    print!("{}", render(&rows));
    println!(
        "\nMedian of {} run(s) per row by records/s; {} records per run, {} logs per query, threads {:?}.{}",
        args.runs,
        args.records,
        args.logs_per_query,
        args.threads,
        if interrupted { " Interrupted by Ctrl+C: rows marked \"not run\" did not run." } else { "" }
    );
    println!("\n{}", render_targets(&rows));
    if let Some(path) = &args.json {
        write_json(path, &args, &rows, all_runs, interrupted)?;
        eprintln!("compare: wrote {}", path.display());
    }
    if args.out.is_some() {
        eprintln!("compare: log files kept in {}", out_dir.display());
    }
    Ok(if interrupted {
        ExitCode::from(130)
    } else if failed {
        eprintln!("compare: a run failed verification or lost records");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn row_name(row: &Row) -> String {
    match row.kind {
        RowKind::Backend => format!("{}/{}", row.backend, row.mode),
        RowKind::Reference => format!("limit {}", row.backend),
    }
}

fn plan_rows(args: &Args) -> Vec<Row> {
    let mut rows = Vec::new();
    let backends = args
        .backends
        .iter()
        .flat_map(|backend| SUBJECTS.iter().filter(move |s| s.backend == backend));
    let experiments = if args.experiments { EXPERIMENTS } else { &[] };
    for subject in backends.chain(experiments) {
        for &threads in &args.threads {
            rows.push(Row {
                kind: RowKind::Backend,
                backend: subject.backend.to_owned(),
                mode: subject.mode.to_owned(),
                threads,
                outcome: Outcome::NotRun,
            });
        }
    }
    for name in REFERENCES {
        rows.push(Row {
            kind: RowKind::Reference,
            backend: name.to_owned(),
            mode: "-".to_owned(),
            threads: 1,
            outcome: Outcome::NotRun,
        });
    }
    rows
}

/// The runner binary beside this one (built by the same `cargo build`).
fn runner_path() -> Result<PathBuf> {
    let me = std::env::current_exe().context("locate the compare binary")?;
    let runner = me.with_file_name(format!("runner{}", std::env::consts::EXE_SUFFIX));
    if !runner.exists() {
        bail!(
            "no runner binary at {}; build it with `cargo build --release -p logswap-benches`",
            runner.display()
        );
    }
    Ok(runner)
}

/// Runs one runner process and reads its JSON result.
fn run_one(command: &mut Command, child_pid: &AtomicI32) -> Result<RunResult> {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("start the runner")?;
    child_pid.store(child.id() as i32, Ordering::SeqCst);
    let output = child.wait_with_output();
    child_pid.store(0, Ordering::SeqCst);
    let output = output.context("wait for the runner")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    match stdout.lines().last().map(serde_json::from_str::<RunResult>) {
        Some(Ok(result)) => Ok(result),
        _ => bail!("the runner exited with {} and no result", output.status),
    }
}

/// Passes Ctrl+C on to the running child, so it stops and flushes (a terminal's Ctrl+C
/// reaches it anyway; a signal sent to this process alone would not).
fn forward_interrupt(pid: i32) {
    if pid > 0 {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGINT,
        );
    }
}

fn write_json(
    path: &Path,
    args: &Args,
    rows: &[Row],
    runs: Vec<serde_json::Value>,
    interrupted: bool,
) -> Result<()> {
    let table: Vec<_> = rows
        .iter()
        .map(|row| {
            let (status, median, count) = match &row.outcome {
                Outcome::Measured { median, runs } => ("measured", Some(median.as_ref()), *runs),
                Outcome::Interrupted => ("interrupted", None, 0),
                Outcome::Failed(_) => ("failed", None, 0),
                Outcome::NotRun => ("not run", None, 0),
            };
            json!({"kind": row.kind, "backend": row.backend, "mode": row.mode, "threads": row.threads,
                   "status": status, "runs": count, "median": median})
        })
        .collect();
    let document = json!({
        "command": std::env::args().collect::<Vec<_>>().join(" "),
        "records": args.records, "runs_per_row": args.runs, "logs_per_query": args.logs_per_query,
        "threads": args.threads, "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "interrupted": interrupted, "table": table, "runs": runs,
    });
    std::fs::write(path, serde_json::to_string_pretty(&document)?)
        .with_context(|| format!("write {}", path.display()))
}
