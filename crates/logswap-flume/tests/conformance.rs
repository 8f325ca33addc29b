//! The whole conformance suite from `logswap-testkit`, in the default `Block` mode.

use std::sync::Arc;

use logswap_core::Backend;
use logswap_flume::FlumeBackend;

logswap_testkit::conformance_suite!(|target| -> Arc<dyn Backend> {
    Arc::new(
        FlumeBackend::builder()
            .target(target)
            .build()
            .expect("build the flume backend"),
    )
});
