//! Float formatting: a fast path for the common "few decimals" values, ryu for the rest,
//! with the same bytes as ryu either way. serde_json (whose float writer is no longer ryu)
//! writes the same bytes for plain decimals, but exponents its own way (`1e+300`, where
//! ryu and this module write `1e300`); both are valid JSON for the same number.

use super::number::{Digits, PAIRS};

/// Appends `f` as JSON: `null` when it is NaN or infinite, otherwise the shortest decimal
/// that reads back as `f`, written exactly as ryu writes it.
#[inline]
pub(crate) fn write_f64(f: f64, out: &mut Vec<u8>) {
    if !f.is_finite() {
        out.extend_from_slice(b"null");
    } else if !write_milli_decimal(f, out) {
        out.extend_from_slice(ryu::Buffer::new().format_finite(f).as_bytes());
    }
}

/// Writes `f` itself when it is a decimal with at most three fractional digits and
/// 0.001 <= |f| < 10^12 (or zero); returns false, writing nothing, otherwise.
///
/// Why this equals ryu's output: `m / 1000.0` with an integer `|m| < 2^53` is correctly
/// rounded, so when it equals `f`, the decimal `m/1000` reads back as `f`. Below 10^12 the
/// gap between neighbouring doubles is under 0.001, so no other decimal with at most three
/// fractional digits, and none with fewer significant digits, reads back as `f`: the
/// stripped `m/1000` is the shortest, and in this range ryu writes it without an exponent,
/// with `.0` after a whole number. A test compares the two on millions of values.
#[inline]
fn write_milli_decimal(f: f64, out: &mut Vec<u8>) -> bool {
    let magnitude = f.abs();
    if !(magnitude == 0.0 || (1e-3..1e12).contains(&magnitude)) {
        return false;
    }
    // Rounded by adding a half and truncating: `f64::round` is a libm call on baseline
    // x86-64. Below 10^15 the addition is exact, and the check that follows rejects any
    // value this does not reproduce, so the output never depends on it being right.
    let millis = (magnitude * 1000.0 + 0.5) as u64;
    if millis as f64 / 1000.0 != magnitude {
        return false;
    }
    // Built from the end: the decimals, the point, the integer digits, the sign; at
    // most 17 bytes.
    let mut text = Digits::new();
    let fraction = millis % 1000;
    match fraction {
        0 => text.prepend(b"0"),
        _ if fraction % 100 == 0 => text.prepend(&[b'0' + (fraction / 100) as u8]),
        _ if fraction % 10 == 0 => {
            let pair = (fraction / 10) as usize * 2;
            text.prepend(&PAIRS[pair..pair + 2]);
        }
        _ => {
            let pair = (fraction % 100) as usize * 2;
            text.prepend(&PAIRS[pair..pair + 2]);
            text.prepend(&[b'0' + (fraction / 100) as u8]);
        }
    }
    text.prepend(b".");
    text.prepend_u64(millis / 1000);
    if f.is_sign_negative() {
        text.prepend(b"-");
    }
    text.write_to(out);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: f64) {
        let mut ours = Vec::new();
        write_f64(f, &mut ours);
        let expected = ryu::Buffer::new().format_finite(f).to_owned();
        assert_eq!(String::from_utf8(ours).unwrap(), expected, "{f:e}");
    }

    #[test]
    fn agrees_with_ryu_on_decimals_binary_fractions_and_edges() {
        let edges = [
            0.0,
            -0.0,
            0.001,
            -0.001,
            0.0005,
            0.1,
            0.2,
            0.3,
            1.0,
            10.0,
            12.5,
            999.999,
            1e11,
            999_999_999_999.999,
            1e12,
            1e12 - 0.5,
            123_456_789.123,
            5e-4,
            1.0005,
            0.1 + 0.2,
            f64::MIN_POSITIVE,
            f64::MAX,
            4503599627370496.5,
            9007199254740993.0,
        ];
        for f in edges {
            check(f);
            check(-f);
        }
        for m in (0..2_000_000u64)
            .step_by(7)
            .chain((0..1_000_000_000_000u64).step_by(999_983_771))
        {
            check(m as f64 / 1000.0);
            check(m as f64 / 1024.0);
            check(m as f64 * 0.001);
        }
    }

    #[test]
    fn agrees_with_ryu_on_arbitrary_bit_patterns() {
        // A deterministic xorshift walk over the whole range of doubles.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..300_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let f = f64::from_bits(state);
            let rounded = (f * 1000.0).round() / 1000.0 % 1e13;
            for value in [f, rounded] {
                if value.is_finite() {
                    check(value);
                }
            }
        }
    }

    #[test]
    fn non_finite_values_are_null() {
        for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut out = Vec::new();
            write_f64(f, &mut out);
            assert_eq!(out, b"null");
        }
    }
}
