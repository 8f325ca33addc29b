//! The child process of the exit tests: logs numbered records through the global logger,
//! then ends in the way its first argument names, so the test can read the file after.
//!
//! `child SCENARIO BACKEND PATH RECORDS`, where SCENARIO is one of
//! - `return`: returns from `main` holding the guard;
//! - `exit`: calls `logswap::exit(0)`; `std-exit`: calls `std::process::exit(0)` (a control
//!   that shows what `logswap::exit` saves);
//! - `panic`: a thread named `worker-7` panics while the panic hook is on, under a
//!   previous hook that aborts (as `panic = "abort"` would), so no destructor runs;
//!   `panic-nohook`: the same without logswap's hook (the control);
//! - `signal`: installs the SIGINT/SIGTERM handler, prints `ready` and waits to be killed;
//!   `signal-nohandler`: the same without the handler (the control).
//!
//! The sync backend runs with `FlushPolicy::Buffered`, so its records wait in a buffer
//! until a flush: an exit that does not flush loses them, which the controls show.

use std::io::Write;
use std::time::Duration;

use logswap::{Builder, FlushPolicy, Kind, Target};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scenario, backend, path, records] = args.as_slice() else {
        eprintln!("usage: child SCENARIO BACKEND PATH RECORDS");
        std::process::exit(2);
    };
    let kind: Kind = backend.parse().expect("a compiled-in backend");
    let records: u64 = records.parse().expect("a number of records");

    if scenario.starts_with("panic") {
        // The hook that was there before logswap's: it prints as usual, then aborts.
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            default(info);
            std::process::abort();
        }));
    }

    let mut builder = Builder::new()
        .backend(kind)
        .target(Target::file(path))
        .ignore_env()
        .panic_hook(scenario == "panic")
        .handle_signals(scenario == "signal");
    if kind == Kind::Sync {
        builder = builder.flush_policy(FlushPolicy::Buffered);
    }
    let _guard = builder.init().expect("init");

    for seq in 0..records {
        logswap::info!("record"; seq = seq, scenario = scenario.clone());
    }

    match scenario.as_str() {
        "return" => {}
        "exit" => logswap::exit(0),
        "std-exit" => std::process::exit(0),
        "panic" | "panic-nohook" => {
            let worker = std::thread::Builder::new()
                .name("worker-7".to_owned())
                .spawn(move || panic!("boom after {records} records"))
                .expect("spawn");
            let _ = worker.join();
            eprintln!("the panic did not end the process");
            std::process::exit(3);
        }
        "signal" | "signal-nohandler" => {
            println!("ready");
            std::io::stdout().flush().expect("stdout");
            std::thread::sleep(Duration::from_secs(60));
            eprintln!("no signal came within 60 s");
            std::process::exit(3);
        }
        other => {
            eprintln!("unknown scenario {other:?}");
            std::process::exit(2);
        }
    }
}
