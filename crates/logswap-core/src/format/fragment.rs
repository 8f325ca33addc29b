//! Short pieces of a line kept in fixed-size arrays, so that writing one is a copy of a
//! constant number of bytes (a few vector moves, no `memcpy` call) followed by cutting the
//! buffer back to the piece's real length; and small per-thread caches of the pieces that
//! repeat from line to line.

/// Up to `N` bytes, stored in a fixed-size array.
#[derive(Clone, Copy)]
pub(crate) struct Fragment<const N: usize> {
    bytes: [u8; N],
    len: u8,
}

impl<const N: usize> Fragment<N> {
    /// An empty fragment.
    pub(crate) const EMPTY: Self = Fragment {
        bytes: [0; N],
        len: 0,
    };

    /// Appends `bytes`, or returns `None` when they do not fit.
    #[inline]
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Option<()> {
        let at = usize::from(self.len);
        let end = at
            .checked_add(bytes.len())
            .filter(|&end| end <= N.min(255))?;
        self.bytes[at..end].copy_from_slice(bytes);
        self.len = end as u8;
        Some(())
    }

    /// Appends one byte, or returns `None` when it does not fit.
    #[inline]
    pub(crate) fn push_byte(&mut self, byte: u8) -> Option<()> {
        self.push(&[byte])
    }

    /// The bytes held.
    #[cfg(test)]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// Appends the fragment to `out`: all `N` bytes are copied, then `out` is cut back.
    #[inline]
    pub(crate) fn write_to(&self, out: &mut Vec<u8>) {
        write_window(out, &self.bytes, usize::from(self.len));
    }
}

/// Appends the first `len` bytes of `window` to `out` by copying the whole window (a
/// constant size, so the copy is inlined) and cutting `out` back.
#[inline(always)]
pub(crate) fn write_window<const N: usize>(out: &mut Vec<u8>, window: &[u8; N], len: usize) {
    let end = out.len() + len.min(N);
    out.extend_from_slice(window);
    out.truncate(end);
}

/// A small two-way set-associative cache from `K` to fragments, for one thread. A miss
/// costs the caller building the fragment; the cache never allocates.
pub(crate) struct FragmentCache<K, const N: usize, const SETS: usize> {
    slots: [[Option<(K, Fragment<N>)>; 2]; SETS],
}

impl<K: Copy + Eq, const N: usize, const SETS: usize> FragmentCache<K, N, SETS> {
    /// An empty cache.
    pub(crate) fn new() -> Self {
        FragmentCache {
            slots: [[None; 2]; SETS],
        }
    }

    /// The fragment for `key`, whose hash is `hash`: from the cache, or made by `make` and
    /// kept (unless `make` gives `None`, for a piece that does not fit or must not be kept).
    #[inline]
    pub(crate) fn get_or_make(
        &mut self,
        key: K,
        hash: u64,
        make: impl FnOnce() -> Option<Fragment<N>>,
    ) -> Option<&Fragment<N>> {
        // The top bits of the hash pick the set (multiply-shift): the low bits of a
        // multiplicative hash are poorly mixed for nearby addresses.
        let set = &mut self.slots[(((hash >> 32) * SETS as u64) >> 32) as usize];
        let way = match set {
            [Some((first, _)), _] if *first == key => 0,
            [_, Some((second, _))] if *second == key => 1,
            _ => {
                let fragment = make()?;
                // The newest entry goes first; the one it replaces moves to the second way.
                set[1] = set[0].take();
                set[0] = Some((key, fragment));
                0
            }
        };
        set[way].as_ref().map(|(_, fragment)| fragment)
    }
}

/// A hash of a `'static` string's address and length: a multiplicative (Fibonacci) hash,
/// whose high bits are well mixed.
#[inline]
pub(crate) fn address_hash(text: &'static str, salt: u64) -> u64 {
    (text.as_ptr() as u64 ^ salt.rotate_left(32))
        .wrapping_add((text.len() as u64) << 48)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fragment_writes_exactly_its_bytes() {
        let mut fragment = Fragment::<16>::EMPTY;
        fragment.push(b",\"key\":").unwrap();
        let mut out = b"head".to_vec();
        fragment.write_to(&mut out);
        assert_eq!(out, b"head,\"key\":");
        assert!(fragment.push(&[b'x'; 10]).is_none(), "16 bytes at most");
        assert_eq!(fragment.as_bytes(), b",\"key\":");
    }

    #[test]
    fn the_cache_keeps_two_entries_per_set_and_replaces_the_older() {
        let mut cache = FragmentCache::<u32, 8, 1>::new();
        let make = |text: &'static [u8]| {
            move || {
                let mut fragment = Fragment::EMPTY;
                fragment.push(text)?;
                Some(fragment)
            }
        };
        let mut made = 0;
        for (key, text) in [
            (1, b"one" as &[u8]),
            (2, b"two"),
            (1, b"one"),
            (3, b"three"),
        ] {
            let fragment = cache.get_or_make(key, 0, || {
                made += 1;
                make(Box::leak(text.to_vec().into_boxed_slice()))()
            });
            assert_eq!(fragment.unwrap().as_bytes(), text);
        }
        assert_eq!(made, 3, "the second lookup of 1 is a hit");
        // Misses put the new entry first and move the first to the second way; a hit
        // moves nothing. So 3 pushed out 1, which sat in the second way.
        assert!(cache.get_or_make(2, 0, || None).is_some());
        assert!(cache.get_or_make(3, 0, || None).is_some());
        assert!(cache.get_or_make(1, 0, || None).is_none());
        assert!(
            cache.get_or_make(4, 0, || None).is_none(),
            "a miss that makes nothing"
        );
    }
}
