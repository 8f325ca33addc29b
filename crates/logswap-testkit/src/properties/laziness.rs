//! Laziness: nothing is computed for a record the filter turns away.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use logswap_core::{debug, info, Field, Level};

use super::FileBackend;
use crate::deadline::within_deadline;
use crate::{read_lines, Factory};

/// A `log_with` closure for a disabled level is never called, nor is a context provider
/// or a macro's field expression for a filtered record; for an enabled one each runs once
/// and its fields arrive.
pub fn laziness(factory: impl Factory) {
    within_deadline("laziness", move || {
        let under_test = FileBackend::new(&factory);
        let closure_calls = Arc::new(AtomicUsize::new(0));
        let provider_calls = Arc::new(AtomicUsize::new(0));
        let counted = provider_calls.clone();
        let log = under_test
            .log
            .with_level(Level::Info)
            .with_provider(move |fields| {
                counted.fetch_add(1, Ordering::SeqCst);
                fields.add("request_id", "r-1");
            });
        let fields = || {
            closure_calls.fetch_add(1, Ordering::SeqCst);
            [Field::new("computed", true)]
        };
        let evaluated = AtomicUsize::new(0);
        let expensive = || evaluated.fetch_add(1, Ordering::SeqCst);

        log.log_with(Level::Debug, "filtered", fields);
        log.log_with(Level::Trace, "filtered", fields);
        debug!(log, "filtered {}", expensive(); cost = expensive());
        assert_eq!(
            closure_calls.load(Ordering::SeqCst),
            0,
            "log_with closure ran for a disabled level"
        );
        assert_eq!(
            provider_calls.load(Ordering::SeqCst),
            0,
            "provider ran for a filtered record"
        );
        assert_eq!(
            evaluated.load(Ordering::SeqCst),
            0,
            "macro arguments evaluated for a disabled level"
        );

        log.log_with(Level::Info, "kept", fields);
        info!(log, "kept"; cost = expensive());
        assert_eq!(closure_calls.load(Ordering::SeqCst), 1);
        assert_eq!(provider_calls.load(Ordering::SeqCst), 2);
        assert_eq!(evaluated.load(Ordering::SeqCst), 1);

        log.shutdown().expect("shutdown");
        let lines = read_lines(&under_test.path);
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0].get("computed"),
            Some(&serde_json::Value::Bool(true))
        );
        assert!(lines.iter().all(|l| l.str("request_id") == Some("r-1")));
    })
}
