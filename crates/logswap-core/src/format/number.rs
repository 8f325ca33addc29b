//! Integers in decimal, two digits at a time, written through a fixed-size window (see
//! [`super::fragment::write_window`]) so a number costs no `memcpy` call.

use super::fragment::write_window;

/// `"00"`, `"01"`, ... `"99"`.
pub(crate) const PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// How many bytes a [`Digits`] holds at most: a `u64`'s 20 digits and a sign, or a
/// milli-decimal float's 17 bytes, with room to spare.
const SPAN: usize = 24;

/// A short piece of text built from its end backwards (digits come out lowest first), then
/// appended with one copy of a constant [`SPAN`] bytes and a cut: no digit count is needed
/// up front, and no `memcpy` call is made.
pub(crate) struct Digits {
    window: [u8; 2 * SPAN],
    /// The text is `window[start..SPAN]`.
    start: usize,
}

impl Digits {
    /// Nothing yet.
    #[inline]
    pub(crate) fn new() -> Self {
        Digits {
            window: [0; 2 * SPAN],
            start: SPAN,
        }
    }

    /// Puts the decimal digits of `n` in front. The callers put at most [`SPAN`] bytes in
    /// all.
    #[inline]
    pub(crate) fn prepend_u64(&mut self, mut n: u64) {
        while n >= 100 {
            let pair = (n % 100) as usize * 2;
            n /= 100;
            self.start -= 2;
            self.window[self.start..self.start + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
        }
        if n >= 10 {
            let pair = n as usize * 2;
            self.start -= 2;
            self.window[self.start..self.start + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
        } else {
            self.start -= 1;
            self.window[self.start] = b'0' + n as u8;
        }
    }

    /// Puts `bytes` in front.
    #[inline]
    pub(crate) fn prepend(&mut self, bytes: &[u8]) {
        self.start -= bytes.len();
        self.window[self.start..self.start + bytes.len()].copy_from_slice(bytes);
    }

    /// The text built so far.
    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.window[self.start..SPAN]
    }

    /// Appends the text to `out`.
    #[inline]
    pub(crate) fn write_to(&self, out: &mut Vec<u8>) {
        let len = SPAN - self.start;
        let span: &[u8; SPAN] = self.window[self.start..self.start + SPAN]
            .try_into()
            .expect("a window of SPAN bytes");
        write_window(out, span, len);
    }
}

/// Appends `n` in decimal.
#[inline]
pub(crate) fn write_u64(out: &mut Vec<u8>, n: u64) {
    let mut digits = Digits::new();
    digits.prepend_u64(n);
    digits.write_to(out);
}

/// Appends `n` in decimal, with a `-` when it is negative.
#[inline]
pub(crate) fn write_i64(out: &mut Vec<u8>, n: i64) {
    let mut digits = Digits::new();
    digits.prepend_u64(n.unsigned_abs());
    if n < 0 {
        digits.prepend(b"-");
    }
    digits.write_to(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_itoa_across_every_digit_count() {
        let mut values = vec![0u64, 1, 9, 10, 99, 100, 101, 999, 1000, u64::MAX];
        for power in 0..20 {
            let p = 10u64.pow(power);
            values.extend([p, p - 1, p + 1, p.saturating_mul(7).saturating_add(3)]);
        }
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            values.push(state >> (state % 64));
        }
        for n in values {
            let mut ours = b"x".to_vec();
            write_u64(&mut ours, n);
            assert_eq!(&ours[1..], itoa::Buffer::new().format(n).as_bytes(), "{n}");
            for i in [n as i64, (n as i64).wrapping_neg(), i64::MIN, i64::MAX] {
                let mut ours = Vec::new();
                write_i64(&mut ours, i);
                assert_eq!(ours, itoa::Buffer::new().format(i).as_bytes(), "{i}");
            }
        }
    }
}
