//! Quick start: log a few structured records to a JSON file and print where it is.
//!
//! `cargo run -p logswap-sync --example quickstart [PATH]` (default `logs/quickstart.log`).

use std::sync::Arc;

use logswap_core::{error, info, warn, Field, Level, Logger, Target};
use logswap_sync::{FlushPolicy, SyncBackend};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "logs/quickstart.log".to_owned());
    let backend = SyncBackend::builder()
        .target(Target::file(&path))
        .flush_policy(FlushPolicy::Buffered)
        .build()?;
    let log = Logger::new(Arc::new(backend)).with_level(Level::Info);

    let request = log.with([Field::new("request_id", "r-17")]);
    for iteration in 0..5u32 {
        request.log_with(Level::Info, "query processed", || {
            [
                Field::new("iteration", iteration),
                Field::new("query_time_ms", 12.5 + f64::from(iteration)),
                Field::new("model", "llama-3-8b"),
                Field::new("tokens", 512 + iteration * 7),
            ]
        });
    }
    warn!(log, "slow query"; query_time_ms = 812.0, model = "llama-3-8b");
    info!(log, "hostile input stays one line"; text = "new\nline \"quoted\" \u{2028} 🦀", msg = "not the real msg");
    error!(log, "a failure"; error = %std::io::Error::other("disk on fire"), nan = f64::NAN);
    log.shutdown()?;

    let stats = log.stats();
    let shown = std::fs::canonicalize(&path).map_or(path.clone(), |p| p.display().to_string());
    println!(
        "wrote {} JSON lines ({} bytes) to {shown}",
        stats.written, stats.bytes
    );
    println!("read them back with: jq -c . {shown}");
    Ok(())
}
