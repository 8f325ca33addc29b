//! The parts of a line that repeat from record to record, escaped once and kept per
//! thread: the level, target and message part, the thread part, and each field key with its quotes,
//! colon and leading comma.
//!
//! Only `'static` text is cached, keyed by its address and length: `'static` text never
//! changes and is never freed, so the same address and length always mean the same bytes.
//! Text that needs escaping, or does not fit a fragment, is written the long way each time.

use std::borrow::Cow;
use std::cell::RefCell;

use super::escape::{may_need_escaping, write_escaped, write_string};
use super::fragment::{address_hash, Fragment, FragmentCache};
use super::number::Digits;
use super::timestamp::LastSecond;
use super::OutputKey;
use crate::level::Level;
use crate::record::ThreadInfo;

/// `"level"`, `"target"` and `"msg"`: `","level":"INFO","target":"app","msg":"started"`.
type Head = Fragment<64>;
/// `,"thread_id":1,"thread_name":"main"`.
type ThreadPart = Fragment<64>;
/// `,"key":`.
type KeyPart = Fragment<32>;

/// A head is cached for a level, a `'static` target and a `'static` message: the
/// addresses and lengths of the two texts, and the level.
type HeadKey = (usize, usize, usize, usize, Level);

/// One thread's cached fragments.
pub(crate) struct FormatCache {
    heads: FragmentCache<HeadKey, 64, 16>,
    threads: FragmentCache<(u64, usize, usize, bool), 64, 8>,
    keys: FragmentCache<(usize, usize), 32, 64>,
    /// The date and time of the last second written.
    pub(crate) last_second: LastSecond,
}

thread_local! {
    /// Made on a thread's first line (one allocation of about 12 KiB per thread that
    /// formats), so threads that never format carry nothing.
    static CACHE: RefCell<Option<Box<FormatCache>>> = const { RefCell::new(None) };
}

impl FormatCache {
    fn new() -> Self {
        FormatCache {
            heads: FragmentCache::new(),
            threads: FragmentCache::new(),
            keys: FragmentCache::new(),
            last_second: None,
        }
    }

    /// Runs `body` with this thread's cache, or with an empty one while the thread's cache
    /// is not reachable (during thread teardown).
    #[inline]
    pub(crate) fn with<R>(body: impl FnOnce(&mut FormatCache) -> R) -> R {
        let mut body = Some(body);
        let cached = CACHE.try_with(|cell| {
            let mut slot = cell.try_borrow_mut().ok()?;
            let cache = slot.get_or_insert_with(|| Box::new(FormatCache::new()));
            body.take().map(|body| body(cache))
        });
        match cached {
            Ok(Some(result)) => result,
            _ => match body.take() {
                Some(body) => body(&mut FormatCache::new()),
                None => unreachable!("the body ran, so it returned"),
            },
        }
    }

    /// Writes `","level":"<LEVEL>","target":<target>,"msg":<message>`.
    // The `Cow`s themselves are needed: only the borrowed variant is known to be `'static`.
    #[allow(clippy::ptr_arg)]
    #[inline]
    pub(crate) fn write_head(
        &mut self,
        level: Level,
        target: &Cow<'static, str>,
        message: &Cow<'static, str>,
        out: &mut Vec<u8>,
    ) {
        if let (Cow::Borrowed(target), Cow::Borrowed(message)) = (target, message) {
            let key = (
                target.as_ptr() as usize,
                target.len(),
                message.as_ptr() as usize,
                message.len(),
                level,
            );
            let hash = address_hash(target, level.index() as u64) ^ address_hash(message, 1);
            if let Some(head) = self
                .heads
                .get_or_make(key, hash, || make_head(level, target, message))
            {
                head.write_to(out);
                return;
            }
        }
        out.extend_from_slice(LEVEL_AND_TARGET_KEY[level.index()].as_bytes());
        write_string(out, target);
        out.extend_from_slice(b",\"msg\":");
        write_string(out, message);
    }

    /// Writes `,"thread_id":<id>` and, when the thread has a name, `,"thread_name":<name>`.
    #[inline]
    pub(crate) fn write_thread(&mut self, thread: ThreadInfo, out: &mut Vec<u8>) {
        let name = thread.name.unwrap_or("");
        // Whether there is a name at all is part of the key: every empty string may have
        // the same address, so `Some("")` and `None` would otherwise look alike.
        let key = (
            thread.id,
            name.as_ptr() as usize,
            name.len(),
            thread.name.is_some(),
        );
        let hash = address_hash(name, thread.id);
        if let Some(part) = self
            .threads
            .get_or_make(key, hash, || make_thread_part(thread))
        {
            part.write_to(out);
            return;
        }
        out.extend_from_slice(b",\"thread_id\":");
        super::number::write_u64(out, thread.id);
        if let Some(name) = thread.name {
            out.extend_from_slice(b",\"thread_name\":");
            write_string(out, name);
        }
    }

    /// Writes `,"<output key>":` for a field with key `key`.
    // The `Cow` itself is needed: only its borrowed variant is known to be `'static`.
    #[allow(clippy::ptr_arg)]
    #[inline]
    pub(crate) fn write_key(&mut self, key: &Cow<'static, str>, out: &mut Vec<u8>) {
        if let Cow::Borrowed(key) = key {
            let hash = address_hash(key, 0);
            let made = || make_key_part(OutputKey::of(key));
            if let Some(part) =
                self.keys
                    .get_or_make((key.as_ptr() as usize, key.len()), hash, made)
            {
                part.write_to(out);
                return;
            }
        }
        let output = OutputKey::of(key);
        out.extend_from_slice(b",\"");
        write_escaped(out, output.prefix);
        write_escaped(out, output.key);
        out.extend_from_slice(b"\":");
    }
}

/// What follows the timestamp, for each level, up to the target's value.
pub(crate) const LEVEL_AND_TARGET_KEY: [&str; 5] = [
    "\",\"level\":\"TRACE\",\"target\":",
    "\",\"level\":\"DEBUG\",\"target\":",
    "\",\"level\":\"INFO\",\"target\":",
    "\",\"level\":\"WARN\",\"target\":",
    "\",\"level\":\"ERROR\",\"target\":",
];

fn make_head(level: Level, target: &str, message: &str) -> Option<Head> {
    if may_need_escaping(target.as_bytes()) || may_need_escaping(message.as_bytes()) {
        return None;
    }
    let mut head = Head::EMPTY;
    head.push(LEVEL_AND_TARGET_KEY[level.index()].as_bytes())?;
    head.push_byte(b'"')?;
    head.push(target.as_bytes())?;
    head.push(b"\",\"msg\":\"")?;
    head.push(message.as_bytes())?;
    head.push_byte(b'"')?;
    Some(head)
}

fn make_thread_part(thread: ThreadInfo) -> Option<ThreadPart> {
    let mut part = ThreadPart::EMPTY;
    part.push(b",\"thread_id\":")?;
    let mut id = Digits::new();
    id.prepend_u64(thread.id);
    part.push(id.as_bytes())?;
    if let Some(name) = thread.name {
        if may_need_escaping(name.as_bytes()) {
            return None;
        }
        part.push(b",\"thread_name\":\"")?;
        part.push(name.as_bytes())?;
        part.push_byte(b'"')?;
    }
    Some(part)
}

fn make_key_part(output: OutputKey<'_>) -> Option<KeyPart> {
    if may_need_escaping(output.key.as_bytes()) {
        return None;
    }
    let mut part = KeyPart::EMPTY;
    part.push(b",\"")?;
    part.push(output.prefix.as_bytes())?;
    part.push(output.key.as_bytes())?;
    part.push(b"\":")?;
    Some(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The module docs and ARCHITECTURE.md say about 12 KiB per formatting thread.
    #[test]
    fn the_cache_is_about_twelve_kib() {
        let size = std::mem::size_of::<FormatCache>();
        assert!((10 * 1024..=14 * 1024).contains(&size), "{size} bytes");
    }
}
