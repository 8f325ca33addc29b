//! RFC 3339 timestamps with microseconds, `2026-12-04T15:22:42.123456Z`, with the
//! date-and-time part cached per thread for the current second.

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

/// `YYYY-MM-DDTHH:MM:SS`, the part of a timestamp that changes once a second.
type SecondText = [u8; 19];

thread_local! {
    /// The last second this thread formatted, and its text.
    static LAST_SECOND: Cell<Option<(i64, SecondText)>> = const { Cell::new(None) };
}

/// Appends `time` as an RFC 3339 UTC timestamp with microseconds and a `Z`, unquoted.
///
/// Years outside 0000..=9999 cannot be written in RFC 3339; they are written with as many
/// digits as they need (and a sign when negative), which is still one JSON string.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let mut out = Vec::new();
/// let time = UNIX_EPOCH + Duration::from_micros(1_796_397_762_123_456);
/// logswap_core::format::write_timestamp(time, &mut out);
/// assert_eq!(out, b"2026-12-04T15:22:42.123456Z");
/// ```
pub fn write_timestamp(time: SystemTime, out: &mut Vec<u8>) {
    let mut last = LAST_SECOND.try_with(Cell::get).ok().flatten();
    write_timestamp_with(time, &mut last, out);
    let _ = LAST_SECOND.try_with(|cell| cell.set(last));
}

/// The last second formatted and its text, kept by the caller.
pub(crate) type LastSecond = Option<(i64, SecondText)>;

/// [`write_timestamp`] with the cached second kept in `last` instead of a thread-local.
#[inline]
pub(crate) fn write_timestamp_with(time: SystemTime, last: &mut LastSecond, out: &mut Vec<u8>) {
    let (seconds, micros) = split(time);
    match last {
        Some((second, text)) if *second == seconds => out.extend_from_slice(text),
        _ => match second_text(seconds) {
            Some(text) => {
                *last = Some((seconds, text));
                out.extend_from_slice(&text);
            }
            None => write_unusual_year(seconds, out),
        },
    }
    let mut fraction = *b".000000Z";
    put_digits(&mut fraction[1..7], micros);
    out.extend_from_slice(&fraction);
}

/// Seconds since the epoch (negative before it) and the microseconds within the second.
fn split(time: SystemTime) -> (i64, u32) {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => (
            i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            after.subsec_micros(),
        ),
        Err(before) => {
            let before = before.duration();
            let mut seconds = -i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            let mut nanos = before.subsec_nanos();
            if nanos > 0 {
                seconds -= 1;
                nanos = 1_000_000_000 - nanos;
            }
            (seconds, nanos / 1000)
        }
    }
}

/// The date and time of day of a second since the epoch.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

fn civil(seconds: i64) -> Civil {
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400) as u32;
    // Howard Hinnant's days-to-civil algorithm (http://howardhinnant.github.io/date_algorithms.html).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: of_day / 3600,
        minute: of_day / 60 % 60,
        second: of_day % 60,
    }
}

/// The 19 bytes `YYYY-MM-DDTHH:MM:SS`, or `None` for a year outside 0..=9999.
fn second_text(seconds: i64) -> Option<SecondText> {
    let c = civil(seconds);
    let year = u32::try_from(c.year).ok().filter(|y| *y <= 9999)?;
    let mut text = *b"0000-00-00T00:00:00";
    put_digits(&mut text[0..4], year);
    put_digits(&mut text[5..7], c.month);
    put_digits(&mut text[8..10], c.day);
    put_digits(&mut text[11..13], c.hour);
    put_digits(&mut text[14..16], c.minute);
    put_digits(&mut text[17..19], c.second);
    Some(text)
}

/// Fills `slot` with the last `slot.len()` decimal digits of `value`, zero-padded.
#[inline]
fn put_digits(slot: &mut [u8], mut value: u32) {
    let mut end = slot.len();
    while end >= 2 {
        let pair = (value % 100) as usize * 2;
        value /= 100;
        slot[end - 2..end].copy_from_slice(&super::number::PAIRS[pair..pair + 2]);
        end -= 2;
    }
    if end == 1 {
        slot[0] = b'0' + (value % 10) as u8;
    }
}

fn write_unusual_year(seconds: i64, out: &mut Vec<u8>) {
    let c = civil(seconds);
    out.extend_from_slice(itoa::Buffer::new().format(c.year).as_bytes());
    let mut rest = *b"-00-00T00:00:00";
    put_digits(&mut rest[1..3], c.month);
    put_digits(&mut rest[4..6], c.day);
    put_digits(&mut rest[7..9], c.hour);
    put_digits(&mut rest[10..12], c.minute);
    put_digits(&mut rest[13..15], c.second);
    out.extend_from_slice(&rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn ours(time: SystemTime) -> String {
        let mut out = Vec::new();
        write_timestamp(time, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn chrono_text(time: SystemTime) -> String {
        chrono::DateTime::<chrono::Utc>::from(time)
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    }

    #[test]
    fn agrees_with_chrono_across_four_centuries_and_before_the_epoch() {
        // A deterministic walk with an odd stride visits every month, leap days included.
        let mut micros: i64 = -2_208_988_800_000_000; // 1900-01-01
        let end: i64 = 11_000_000_000_000_000; // about 2318
        let stride: i64 = 86_399_999_937;
        while micros < end {
            let time = if micros >= 0 {
                UNIX_EPOCH + Duration::from_micros(micros as u64)
            } else {
                UNIX_EPOCH - Duration::from_micros(micros.unsigned_abs())
            };
            assert_eq!(ours(time), chrono_text(time), "at {micros} us");
            micros += stride;
        }
    }

    #[test]
    fn the_cached_second_is_not_reused_for_another_second() {
        let a = UNIX_EPOCH + Duration::from_millis(1_000_500);
        let b = a + Duration::from_secs(1);
        assert_eq!(ours(a), "1970-01-01T00:16:40.500000Z");
        assert_eq!(ours(b), "1970-01-01T00:16:41.500000Z");
        assert_eq!(ours(a), "1970-01-01T00:16:40.500000Z");
    }

    #[test]
    fn far_years_do_not_panic() {
        let far = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert!(ours(far).starts_with("14645-"), "{}", ours(far));
        let max = UNIX_EPOCH + Duration::from_secs(i64::MAX as u64 / 2);
        assert!(ours(max).ends_with('Z'));
    }
}
