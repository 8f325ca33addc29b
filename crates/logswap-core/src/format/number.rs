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

/// The most digits a `u64` has, plus room for a sign.
pub(crate) const WINDOW: usize = 24;

/// Writes the digits of `n` into `window` from index `at` and returns how many there are
/// (at most 20; the caller keeps `at` small enough for them to fit).
#[inline]
pub(crate) fn put_u64(window: &mut [u8; WINDOW], at: usize, mut n: u64) -> usize {
    let digits = n.checked_ilog10().map_or(1, |log| log as usize + 1);
    let mut end = at + digits;
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        end -= 2;
        window[end..end + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        window[end - 2..end].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        window[end - 1] = b'0' + n as u8;
    }
    digits
}

/// Appends `n` in decimal.
#[inline]
pub(crate) fn write_u64(out: &mut Vec<u8>, n: u64) {
    let mut window = [0u8; WINDOW];
    let len = put_u64(&mut window, 0, n);
    write_window(out, &window, len);
}

/// Appends `n` in decimal, with a `-` when it is negative.
#[inline]
pub(crate) fn write_i64(out: &mut Vec<u8>, n: i64) {
    let mut window = [b'-'; WINDOW];
    let sign = usize::from(n < 0);
    let len = put_u64(&mut window, sign, n.unsigned_abs());
    write_window(out, &window, sign + len);
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
