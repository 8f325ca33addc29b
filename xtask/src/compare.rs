//! `cargo xtask compare`: builds the benchmark binaries once in release mode, then hands
//! over to `compare` (same process on Unix, so Ctrl+C and the exit code are its own).

use std::path::PathBuf;
use std::process::{Command, ExitCode};

/// Builds `logswap-benches` in release mode and runs its `compare` binary with `args`.
pub(crate) fn run(args: &[String]) -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("xtask: building the benchmark (release)");
    let built = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--package",
            "logswap-benches",
            "--bins",
        ])
        .current_dir(&root)
        .status();
    match built {
        Ok(status) if status.success() => {}
        Ok(status) => {
            eprintln!("xtask: the release build failed ({status})");
            return ExitCode::FAILURE;
        }
        Err(err) => {
            eprintln!("xtask: cannot run cargo: {err}");
            return ExitCode::FAILURE;
        }
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let binary = target_dir
        .join("release")
        .join(format!("compare{}", std::env::consts::EXE_SUFFIX));
    let mut command = Command::new(&binary);
    command.args(args).current_dir(&root);
    hand_over(command, &binary)
}

#[cfg(unix)]
fn hand_over(mut command: Command, binary: &std::path::Path) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let err = command.exec();
    eprintln!("xtask: cannot run {}: {err}", binary.display());
    ExitCode::FAILURE
}

#[cfg(not(unix))]
fn hand_over(mut command: Command, binary: &std::path::Path) -> ExitCode {
    match command.status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1) as u8),
        Err(err) => {
            eprintln!("xtask: cannot run {}: {err}", binary.display());
            ExitCode::FAILURE
        }
    }
}
