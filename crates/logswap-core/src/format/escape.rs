//! JSON string escaping, the formatter's innermost loop.

/// For each byte: 0 if it is copied as is, the escape letter if it has a short escape,
/// `b'u'` for a `\u00XX` escape, and `b'E'` for 0xE2, the lead byte of U+2028 and U+2029.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0A] = b'n';
    table[0x0C] = b'f';
    table[0x0D] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[0xE2] = b'E';
    table
};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` to `out` as a quoted JSON string.
///
/// Control characters, `"` and `\` are escaped as serde_json escapes them; U+2028 and
/// U+2029 are escaped too, since some JSON readers (JavaScript's) treat them as line breaks.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    write_escaped(out, s);
    out.push(b'"');
}

/// Eight copies of a byte, for the word-at-a-time tests below.
const fn repeat(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// Whether any of the eight bytes in `word` may need attention: a control character, `"`,
/// `\`, or a non-ASCII byte (which may start U+2028 or U+2029). False positives are fine:
/// the caller then looks at each byte.
#[inline]
fn word_needs_attention(word: u64) -> bool {
    let has_zero = |x: u64| x.wrapping_sub(repeat(0x01)) & !x & repeat(0x80);
    let below_space = word.wrapping_sub(repeat(0x20)) & !word & repeat(0x80);
    let quote = has_zero(word ^ repeat(b'"'));
    let backslash = has_zero(word ^ repeat(b'\\'));
    let non_ascii = word & repeat(0x80);
    (below_space | quote | backslash | non_ascii) != 0
}

/// Whether any byte of `bytes` may need escaping: eight bytes at a time, the last eight
/// overlapping the ones before them, and byte by byte below eight bytes.
#[inline]
pub(crate) fn may_need_escaping(bytes: &[u8]) -> bool {
    let word = |at: usize| -> u64 {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(&bytes[at..at + 8]);
        u64::from_ne_bytes(eight)
    };
    if bytes.len() < 8 {
        return bytes.iter().any(|&byte| ESCAPE[usize::from(byte)] != 0);
    }
    let mut at = 0;
    while at + 8 < bytes.len() {
        if word_needs_attention(word(at)) {
            return true;
        }
        at += 8;
    }
    word_needs_attention(word(bytes.len() - 8))
}

/// Appends the escaped body of `s`, without quotes.
pub(crate) fn write_escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if !may_need_escaping(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
    let mut copied_up_to = 0;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let escape = ESCAPE[byte as usize];
        if escape == 0 {
            i += 1;
            continue;
        }
        if escape == b'E' {
            let separator = match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(0x80), Some(0xA8)) => b"\\u2028",
                (Some(0x80), Some(0xA9)) => b"\\u2029",
                _ => {
                    i += 1;
                    continue;
                }
            };
            out.extend_from_slice(&bytes[copied_up_to..i]);
            out.extend_from_slice(separator);
            i += 3;
            copied_up_to = i;
            continue;
        }
        out.extend_from_slice(&bytes[copied_up_to..i]);
        if escape == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xF)]);
        } else {
            out.push(b'\\');
            out.push(escape);
        }
        i += 1;
        copied_up_to = i;
    }
    out.extend_from_slice(&bytes[copied_up_to..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let mut out = Vec::new();
        write_string(&mut out, input);
        assert_eq!(String::from_utf8(out.clone()).unwrap(), expected);
        let back: String = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, input);
    }

    #[test]
    fn escapes_what_json_requires_and_the_line_separators() {
        check("plain", r#""plain""#);
        check("a\nb\rc\td", r#""a\nb\rc\td""#);
        check("quote \" backslash \\", r#""quote \" backslash \\""#);
        check("\0\u{1}\u{1f}\u{8}\u{c}", r#""\u0000\u0001\u001f\b\f""#);
        check("line\u{2028}para\u{2029}", r#""line\u2028para\u2029""#);
        check(
            "emoji 🦀 and é and \u{2027}",
            "\"emoji 🦀 and é and \u{2027}\"",
        );
    }

    #[test]
    fn every_byte_value_at_every_position_of_a_word_is_escaped_right() {
        for special in [
            "\0", "\u{1f}", "\"", "\\", "\n", "é", "\u{2028}", "\u{7f}", " ", "~",
        ] {
            for before in 0..10 {
                let input = format!("{}{special}{}", "a".repeat(before), "b".repeat(9));
                let mut ours = Vec::new();
                write_string(&mut ours, &input);
                let back: String = serde_json::from_slice(&ours).unwrap();
                assert_eq!(back, input);
                if special != "\u{2028}" {
                    assert_eq!(ours, serde_json::to_vec(&input).unwrap(), "{input:?}");
                }
            }
        }
    }

    #[test]
    fn matches_serde_json_outside_the_line_separators() {
        let all_ascii: String = (0u8..128).map(char::from).collect();
        for input in [all_ascii.as_str(), "mixed 🦀\u{7f}\"x\"", ""] {
            let mut ours = Vec::new();
            write_string(&mut ours, input);
            assert_eq!(ours, serde_json::to_vec(input).unwrap(), "{input:?}");
        }
    }
}
