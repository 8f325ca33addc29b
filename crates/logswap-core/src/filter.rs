//! `Filter`: a minimum level plus per-target directives, as `RUST_LOG` users know them.

use crate::level::Level;

/// Stands for "off" in the numeric form of a minimum level: above every level.
const OFF: u8 = u8::MAX;

/// Which records a [`crate::Logger`] lets through: a default minimum level, and
/// optionally per-target minimums such as `info,app::db=debug` would give.
///
/// A directive applies to its target and to every module below it (`app::db` covers
/// `app::db` and `app::db::pool`, not `app::dbx`); the longest matching directive wins.
/// This type holds the directives; the `logswap` facade parses them from text.
///
/// ```
/// use logswap_core::{Filter, Level};
///
/// let filter = Filter::new(Level::Info).with_directive("app::db", Some(Level::Debug));
/// assert!(filter.enabled(Level::Debug, "app::db::pool"));
/// assert!(!filter.enabled(Level::Debug, "app::dbx"));
/// assert!(!filter.enabled(Level::Debug, "app"));
/// assert!(filter.enabled(Level::Info, "app"));
/// ```
#[derive(Debug, Clone)]
pub struct Filter {
    default_min: u8,
    /// Sorted longest target first, so the first match is the most specific one.
    directives: Vec<(String, u8)>,
    /// The lowest minimum of all, to turn most records away without looking at targets.
    lowest_min: u8,
}

fn numeric(min: Option<Level>) -> u8 {
    min.map_or(OFF, |level| level as u8)
}

impl Filter {
    /// Lets through records at `min` or above, from every target.
    pub const fn new(min: Level) -> Self {
        Filter {
            default_min: min as u8,
            directives: Vec::new(),
            lowest_min: min as u8,
        }
    }

    /// Lets nothing through (until directives say otherwise).
    pub const fn off() -> Self {
        Filter {
            default_min: OFF,
            directives: Vec::new(),
            lowest_min: OFF,
        }
    }

    /// Sets the minimum for `target` and the modules below it (`None` turns them off).
    /// A second directive for the same target replaces the first.
    pub fn with_directive(mut self, target: impl Into<String>, min: Option<Level>) -> Self {
        let target = target.into();
        self.directives.retain(|(known, _)| *known != target);
        self.directives.push((target, numeric(min)));
        self.directives
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        self.lowest_min = self
            .directives
            .iter()
            .map(|(_, min)| *min)
            .fold(self.default_min, u8::min);
        self
    }

    /// Whether a record at `level` from `target` gets through.
    #[inline]
    pub fn enabled(&self, level: Level, target: &str) -> bool {
        let level = level as u8;
        if level < self.lowest_min {
            return false;
        }
        if self.directives.is_empty() {
            return level >= self.default_min;
        }
        let min = self
            .directives
            .iter()
            .find(|(prefix, _)| covers(prefix, target))
            .map_or(self.default_min, |(_, min)| *min);
        level >= min
    }

    /// The most verbose level any target lets through, or `None` when all is off.
    pub fn max_verbosity(&self) -> Option<Level> {
        Level::ALL.get(usize::from(self.lowest_min)).copied()
    }
}

impl Default for Filter {
    /// Everything gets through.
    fn default() -> Self {
        Filter::new(Level::Trace)
    }
}

/// Whether a directive for `prefix` applies to `target`: the same module or one below it.
fn covers(prefix: &str, target: &str) -> bool {
    match target.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with("::") || prefix.is_empty(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_turns_everything_away_and_directives_can_turn_one_target_back_on() {
        let filter = Filter::off().with_directive("noisy", Some(Level::Error));
        assert!(!filter.enabled(Level::Error, "app"));
        assert!(filter.enabled(Level::Error, "noisy::inner"));
        assert_eq!(filter.max_verbosity(), Some(Level::Error));
        assert_eq!(Filter::off().max_verbosity(), None);
    }

    #[test]
    fn the_longest_directive_wins_and_repeats_replace() {
        let filter = Filter::new(Level::Warn)
            .with_directive("app", Some(Level::Info))
            .with_directive("app::db", None)
            .with_directive("app", Some(Level::Debug));
        assert!(filter.enabled(Level::Debug, "app::web"));
        assert!(!filter.enabled(Level::Error, "app::db"));
        assert!(!filter.enabled(Level::Info, "other"));
    }
}
