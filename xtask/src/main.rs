//! `cargo xtask`: the workspace's tasks. This file only dispatches; each task is a module.

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <TASK>

Tasks:
  help         print this help

The workspace's checks are tests: `cargo test --workspace` runs them (see tests/tidy.rs).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
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
