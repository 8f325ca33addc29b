//! `cargo xtask`: the workspace's tasks. This file only dispatches; each task is a module.

mod compare;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <TASK> [ARGS]

Tasks:
  compare      build the benchmark in release mode and run every backend under one
               workload; prints a comparison table (`cargo xtask compare --help`)
  help         print this help

The workspace's checks are tests: `cargo test --workspace` runs them (see tests/tidy.rs).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("compare") => compare::run(&args[1..]),
        None | Some("help" | "--help" | "-h") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprint!("unknown task {other:?}\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}
