//! One module per property of the suite, and the helpers they share.

pub(crate) mod accounting;
pub(crate) mod hostile;
pub(crate) mod laziness;
pub(crate) mod lossless;
pub(crate) mod persistence;
pub(crate) mod reentrancy;
pub(crate) mod write_errors;

use std::path::PathBuf;
use std::sync::Arc;

use logswap_core::{Backend, Logger, Target};
use tempfile::TempDir;

use crate::Factory;

/// A backend writing to a fresh file in a temporary folder, which lives as long as this.
pub(crate) struct FileBackend {
    pub(crate) backend: Arc<dyn Backend>,
    pub(crate) log: Logger,
    pub(crate) path: PathBuf,
    _dir: TempDir,
}

impl FileBackend {
    pub(crate) fn new(factory: &impl Factory) -> Self {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let path = dir.path().join("conformance.log");
        let backend = factory(Target::file(&path));
        FileBackend {
            log: Logger::new(backend.clone()).with_target("conformance"),
            backend,
            path,
            _dir: dir,
        }
    }

    /// The number of lines in the file now.
    pub(crate) fn line_count(&self) -> usize {
        let bytes = std::fs::read(&self.path).unwrap_or_default();
        bytes.iter().filter(|&&b| b == b'\n').count()
    }
}

/// Panics unless `emitted == written + dropped`, saying which backend and what it counted.
pub(crate) fn assert_balanced(backend: &dyn Backend) {
    let stats = backend.stats();
    assert_eq!(
        stats.emitted,
        stats.written + stats.dropped,
        "{}: emitted != written + dropped after shutdown: {stats:?}",
        backend.name()
    );
}
