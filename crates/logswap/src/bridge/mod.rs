//! Bridges that bring records from the `log` and `tracing` ecosystems into a `Logger`.

#[cfg(feature = "log")]
mod log_bridge;
#[cfg(feature = "tracing-subscriber")]
mod tracing_layer;

#[cfg(feature = "log")]
pub use log_bridge::LogBridge;
#[cfg(feature = "tracing-subscriber")]
pub use tracing_layer::TracingLayer;
