//! The drop report: the WARN record the writer writes into the stream itself when records
//! were dropped for a full queue, so a reader of the log sees the gap where it is.

use std::collections::BTreeMap;
use std::time::SystemTime;

use logswap_core::format::write_timestamp;
use logswap_core::{Field, Fields, Level, Record, Value};

/// The message of the drop report record.
pub const DROP_REPORT_MESSAGE: &str = "logswap dropped records";

/// The target of the drop report record.
pub const DROP_REPORT_TARGET: &str = "logswap";

/// Records dropped for a full queue between two reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DropReport {
    /// Dropped records per level, indexed by [`Level::index`].
    pub(crate) by_level: [u64; 5],
    /// The timestamp of the earliest dropped record.
    pub(crate) first: SystemTime,
    /// The timestamp of the latest dropped record.
    pub(crate) last: SystemTime,
}

impl DropReport {
    /// The report as a record, made on the writer thread:
    ///
    /// ```text
    /// {"ts":"…","level":"WARN","target":"logswap","msg":"logswap dropped records","thread_id":3,"thread_name":"logswap-writer","dropped":12,"dropped_by_level":{"DEBUG":10,"INFO":2},"first_drop":"…","last_drop":"…"}
    /// ```
    pub(crate) fn into_record(self) -> Record {
        let total: u64 = self.by_level.iter().sum();
        let by_level: BTreeMap<&'static str, u64> = Level::ALL
            .iter()
            .filter(|level| self.by_level[level.index()] > 0)
            .map(|level| (level.as_str(), self.by_level[level.index()]))
            .collect();
        let fields: Fields = [
            Field::new("dropped", total),
            Field::new("dropped_by_level", Value::serde(&by_level)),
            Field::new("first_drop", rfc3339(self.first)),
            Field::new("last_drop", rfc3339(self.last)),
        ]
        .into();
        Record::new(Level::Warn, DROP_REPORT_TARGET, DROP_REPORT_MESSAGE, fields)
    }
}

fn rfc3339(time: SystemTime) -> String {
    let mut out = Vec::with_capacity(32);
    write_timestamp(time, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use logswap_core::format::format_record;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn the_report_is_one_warn_line_with_counts_per_level_and_the_window() {
        let first = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let report = DropReport {
            by_level: [0, 10, 2, 0, 0],
            first,
            last: first + Duration::from_micros(1_500),
        };
        let mut line = Vec::new();
        format_record(&report.into_record(), &mut line);
        let json: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(json["level"], "WARN");
        assert_eq!(json["msg"], DROP_REPORT_MESSAGE);
        assert_eq!(json["target"], DROP_REPORT_TARGET);
        assert_eq!(json["dropped"], 12);
        assert_eq!(
            json["dropped_by_level"],
            serde_json::json!({"DEBUG": 10, "INFO": 2})
        );
        assert_eq!(json["first_drop"], "2027-01-15T08:00:00.000000Z");
        assert_eq!(json["last_drop"], "2027-01-15T08:00:00.001500Z");
    }
}
