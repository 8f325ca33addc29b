//! `Record`, one log event, and `ThreadInfo`, the caller's thread, cached per thread.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use crate::field::Fields;
use crate::level::Level;

/// One log event, owned, so it can cross a queue to a writer thread.
///
/// The timestamp and the thread are taken on the caller's thread when the record is made.
///
/// ```
/// use logswap_core::{Field, Level, Record};
///
/// let record = Record::new(Level::Info, "app", "query processed", [Field::new("tokens", 512)].into());
/// assert_eq!(record.level, Level::Info);
/// assert_eq!(record.thread, logswap_core::ThreadInfo::current());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Record {
    /// When the record was made, read on the caller's thread.
    pub timestamp: SystemTime,
    /// How severe it is.
    pub level: Level,
    /// Where it comes from: the module path for the macros.
    pub target: Cow<'static, str>,
    /// The message.
    pub message: Cow<'static, str>,
    /// The fields, in call order (bound context first, then providers, then the call's own).
    pub fields: Fields,
    /// The thread that made the record.
    pub thread: ThreadInfo,
}

impl Record {
    /// A record made now, on the current thread.
    pub fn new(
        level: Level,
        target: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
        fields: Fields,
    ) -> Self {
        Record {
            timestamp: SystemTime::now(),
            level,
            target: target.into(),
            message: message.into(),
            fields,
            thread: ThreadInfo::current(),
        }
    }
}

/// The thread a record was made on: a number unique among the threads of this process
/// (never reused) and the thread's name, if it has one.
///
/// Both are looked up once per thread and cached; names are interned for the life of the
/// process, one copy per distinct name, so a record carries them without an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ThreadInfo {
    /// A number that no other thread of this process has had; the first thread to log is 1.
    pub id: u64,
    /// The thread's name (`"main"` for the main thread), if it has one.
    pub name: Option<&'static str>,
}

thread_local! {
    static CURRENT_THREAD: ThreadInfo = ThreadInfo::look_up();
}

impl ThreadInfo {
    /// The current thread, from the per-thread cache.
    pub fn current() -> ThreadInfo {
        // During thread teardown the cache may already be gone; look up afresh then.
        CURRENT_THREAD
            .try_with(|info| *info)
            .unwrap_or_else(|_| ThreadInfo::look_up())
    }

    fn look_up() -> ThreadInfo {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        ThreadInfo {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name: std::thread::current().name().map(intern),
        }
    }
}

/// Returns a `'static` copy of `name`, leaking one copy per distinct name.
fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_ids_differ_between_threads_and_names_are_kept() {
        let here = ThreadInfo::current();
        assert_eq!(here, ThreadInfo::current(), "cached per thread");
        let there = std::thread::Builder::new()
            .name("worker-7".into())
            .spawn(ThreadInfo::current)
            .unwrap()
            .join()
            .unwrap();
        assert_ne!(here.id, there.id);
        assert_eq!(there.name, Some("worker-7"));
    }

    #[test]
    fn equal_names_are_interned_once() {
        assert!(std::ptr::eq(intern("pool-worker"), intern("pool-worker")));
    }
}
