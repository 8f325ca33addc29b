//! The whole conformance suite, in both flush policies.

use std::sync::Arc;

use logswap_core::Backend;
use logswap_sync::{FlushPolicy, SyncBackend};

fn build(target: logswap_core::Target, policy: FlushPolicy) -> Arc<dyn Backend> {
    Arc::new(
        SyncBackend::builder()
            .target(target)
            .flush_policy(policy)
            .build()
            .expect("build the sync backend"),
    )
}

mod every_record {
    logswap_testkit::conformance_suite!(|target| super::build(
        target,
        logswap_sync::FlushPolicy::EveryRecord
    ));
}

mod buffered {
    logswap_testkit::conformance_suite!(|target| super::build(
        target,
        logswap_sync::FlushPolicy::Buffered
    ));
}
