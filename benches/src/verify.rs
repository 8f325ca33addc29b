//! Reads a run's log file back and checks every line, its fields, and each producer's
//! sequence (complete and in order for a lossless mode, increasing for a lossy one).

use std::path::Path;

use logswap_testkit::LogLine;

use crate::result::Verification;
use crate::workload::{query_time_ms, tokens, FIELDS, MESSAGE, MODEL};

/// The message of the record a lossy queue writes when it has dropped records.
pub const DROP_REPORT_MESSAGE: &str = "logswap dropped records";

/// What the file should hold.
#[derive(Debug, Clone)]
pub struct Expected {
    /// Records each producer logged, indexed by the producer's number.
    pub per_producer: Vec<u64>,
    /// Whether every record must be there.
    pub lossless: bool,
}

/// What reading the file found.
#[derive(Debug, Clone, Default)]
pub struct FileCheck {
    /// The verdict and its detail.
    pub verification: Verification,
    /// Workload lines in the file.
    pub workload_lines: u64,
    /// Drop-report lines in the file.
    pub report_lines: u64,
    /// Mean bytes per line.
    pub bytes_per_line: f64,
}

/// Reads `path` and checks it against `expected`.
pub fn check_file(path: &Path, expected: &Expected) -> FileCheck {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => return failed(format!("cannot read {}: {err}", path.display())),
    };
    let mut check = FileCheck::default();
    let total_lines = text.lines().count() as u64;
    if total_lines > 0 {
        check.bytes_per_line = text.len() as f64 / total_lines as f64;
    }
    if !text.is_empty() && !text.ends_with('\n') {
        return FileCheck {
            verification: verdict(false, "the last line has no newline".into()),
            ..check
        };
    }
    let mut next_seq = vec![0u64; expected.per_producer.len()];
    let mut seen = vec![0u64; expected.per_producer.len()];
    for (number, line) in text.lines().enumerate() {
        match check_line(line, expected.lossless, &mut next_seq, &mut seen) {
            Ok(LineKind::Workload) => check.workload_lines += 1,
            Ok(LineKind::DropReport) => check.report_lines += 1,
            Err(why) => {
                return FileCheck {
                    verification: verdict(false, format!("line {}: {why}", number + 1)),
                    ..check
                };
            }
        }
    }
    if expected.lossless {
        for (producer, (&got, &want)) in seen.iter().zip(&expected.per_producer).enumerate() {
            if got != want {
                return FileCheck {
                    verification: verdict(
                        false,
                        format!("producer {producer}: {got} of {want} records in the file"),
                    ),
                    ..check
                };
            }
        }
    }
    let detail = format!(
        "{} lines parsed; fields and values checked; sequences {}",
        total_lines,
        if expected.lossless {
            "complete and in order"
        } else {
            "increasing"
        }
    );
    FileCheck {
        verification: verdict(true, detail),
        ..check
    }
}

enum LineKind {
    Workload,
    DropReport,
}

fn check_line(
    line: &str,
    lossless: bool,
    next_seq: &mut [u64],
    seen: &mut [u64],
) -> Result<LineKind, String> {
    let parsed = LogLine::parse(line)?;
    parsed.check_reserved_keys()?;
    if parsed.str("msg") == Some(DROP_REPORT_MESSAGE) {
        return Ok(LineKind::DropReport);
    }
    if parsed.str("msg") != Some(MESSAGE) {
        return Err(format!("unexpected message in {line}"));
    }
    for key in FIELDS {
        if parsed.get(key).is_none() {
            return Err(format!("field {key:?} missing in {line}"));
        }
    }
    let seq = parsed.u64("seq").ok_or("seq is not a number")?;
    let producer = parsed.u64("producer").ok_or("producer is not a number")? as usize;
    let values_ok = parsed.str("model") == Some(MODEL)
        && parsed.u64("tokens") == Some(tokens(seq))
        && parsed.get("query_time_ms").and_then(|v| v.as_f64()) == Some(query_time_ms(seq));
    if !values_ok {
        return Err(format!("field values do not match record {seq}: {line}"));
    }
    let Some(expected) = next_seq.get_mut(producer) else {
        return Err(format!("unknown producer {producer}"));
    };
    let in_order = if lossless {
        seq == *expected
    } else {
        seq >= *expected
    };
    if !in_order {
        return Err(format!(
            "producer {producer}: seq {seq} where {} was expected",
            *expected
        ));
    }
    *expected = seq + 1;
    seen[producer] += 1;
    Ok(LineKind::Workload)
}

fn verdict(ok: bool, detail: String) -> Verification {
    Verification { ok, detail }
}

fn failed(detail: String) -> FileCheck {
    FileCheck {
        verification: verdict(false, detail),
        ..FileCheck::default()
    }
}
