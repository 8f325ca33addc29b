//! A small application that logs through `logswap::init()`: the backend changes with a
//! cargo feature alone, no line of this file does.
//!
//! ```sh
//! cargo run -p logswap --example app                     # the sync backend (default feature)
//! cargo run -p logswap --example app --features flume    # the flume backend
//! cargo run -p logswap --example app -- PATH             # another file (default logs/app.log)
//! ```

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "logs/app.log".to_owned());
    let guard = logswap::Builder::new()
        .target(logswap::Target::file(&path))
        .panic_hook(true)
        .handle_signals(true)
        .init()
        .unwrap_or_else(|err| {
            // Such as `LOGSWAP_BACKEND=slog` when the slog feature is off.
            eprintln!("app: cannot start logging: {err}");
            std::process::exit(2);
        });

    let started = Instant::now();
    logswap::info!("app started"; backend = guard.kind().name(), pid = std::process::id());
    for iteration in 0..5u32 {
        logswap::info!("query processed";
            iteration = iteration,
            query_time_ms = 12.5 + f64::from(iteration),
            model = "llama-3-8b",
            tokens = 512 + iteration * 7);
        logswap::debug!("not written at the default level INFO"; iteration = iteration);
    }
    logswap::warn!("slow query"; query_time_ms = 812.0, model = "llama-3-8b");
    logswap::info!("app done"; elapsed_us = started.elapsed().as_micros() as u64);

    let kind = guard.kind();
    let compiled_in: Vec<&str> = logswap::Kind::compiled_in().map(|k| k.name()).collect();
    drop(guard); // Flushes and shuts the backend down: every line is in the file now.

    let stats = logswap::logger().map(|log| log.stats()).unwrap_or_default();
    let shown = std::fs::canonicalize(&path).map_or(path.clone(), |p| p.display().to_string());
    println!(
        "backend: {kind} (compiled in: {}); wrote {} JSON lines to {shown}",
        compiled_in.join(", "),
        stats.written
    );
    println!("read them back with: jq -c . {shown}");
    Ok(())
}
