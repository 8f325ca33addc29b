//! `runner`: one measured run (a backend in one mode, or a reference row) in its own
//! process; prints the result as one JSON line on stdout. `compare` starts it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Result;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use logswap_benches::reference::run_reference;
use logswap_benches::run::{run_backend, RunConfig};
use logswap_benches::subjects;

#[derive(Parser)]
#[command(about = "One measured run of a logswap backend or reference row; prints JSON.")]
struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// Runs a backend in one mode.
    Backend {
        #[arg(long)]
        backend: String,
        #[arg(long)]
        mode: String,
        #[arg(long, default_value_t = 1)]
        threads: u32,
        #[arg(long, default_value_t = 100_000)]
        records: u64,
        #[arg(long, default_value_t = 5)]
        logs_per_query: u32,
        /// The log file to write (replaced).
        #[arg(long)]
        out: PathBuf,
        /// Shown beside the progress bar.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Runs a reference row: clock, record-only, format-only, serde-json-format,
    /// channel-only, write-only.
    Reference {
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 100_000)]
        records: u64,
        #[arg(long, default_value_t = 5)]
        logs_per_query: u32,
        /// The folder for the write-only row's file.
        #[arg(long)]
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("runner: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<ExitCode> {
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    ctrlc::set_handler(move || on_signal.store(true, Ordering::SeqCst))?;
    let result = match args.what {
        What::Backend {
            backend,
            mode,
            threads,
            records,
            logs_per_query,
            out,
            label,
        } => {
            let subject = subjects::find(&backend, &mode)?;
            let bar = ProgressBar::new(records).with_style(
                ProgressStyle::with_template(
                    "{prefix:>24} [{bar:30}] {human_pos}/{human_len} records, {elapsed} so far",
                )?
                .progress_chars("=> "),
            );
            bar.set_prefix(if label.is_empty() {
                format!("{backend}/{mode} x{threads}")
            } else {
                label
            });
            let config = RunConfig {
                subject,
                threads,
                records,
                logs_per_query,
                out,
            };
            let result = run_backend(&config, &stop, &|done| bar.set_position(done.min(records)));
            bar.finish_and_clear();
            result?
        }
        What::Reference {
            name,
            records,
            logs_per_query,
            dir,
        } => run_reference(&name, records, logs_per_query, &dir)?,
    };
    println!("{}", serde_json::to_string(&result)?);
    Ok(if result.interrupted {
        ExitCode::from(130)
    } else {
        ExitCode::SUCCESS
    })
}
