//! Processing strategies (`--strategy`): which path (plain HTTP or a browser) each source
//! takes, and how much of a row's work overlaps.

use std::str::FromStr;

/// How each source is fetched (`--strategy`): plain HTTP, a browser or both.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Strategy {
    /// Plain HTTP wherever the data can be had that way, the browser only for pages that
    /// need JavaScript; a row's independent steps overlap; all hosts pipelined.
    #[default]
    Intelligent,
    /// Plain HTTP only: data that needs a browser fails with a message saying so.
    #[strum(to_string = "api-only", serialize = "api")]
    ApiOnly,
    /// The browser for every source that has a page; the Assessor (no page) stays on its API.
    #[strum(to_string = "scraping-only", serialize = "scraping")]
    ScrapingOnly,
    /// Both paths at once where a source has both; the first complete answer wins.
    #[strum(to_string = "parallel-all", serialize = "parallel")]
    ParallelAll,
    /// One request at a time, one row at a time: the baseline benchmarks compare against.
    Sequential,
}

impl Strategy {
    /// The strategy's name as `--strategy` takes it (`api-only`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether the row's independent steps (e.g. tax beside the Assessor) run at once.
    pub fn overlaps_steps(self) -> bool {
        !matches!(self, Strategy::Sequential)
    }
}

/// A `--strategy` value that names none of the strategies.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown strategy {0:?}: expected intelligent, api-only, scraping-only, parallel-all or sequential")]
pub struct UnknownStrategy(pub String);

/// Case-insensitive, surrounding whitespace ignored, `_` read as `-`; `api`, `scraping` and
/// `parallel` are short for the names they start.
impl FromStr for Strategy {
    type Err = UnknownStrategy;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::names::parse_name(&s.replace('_', "-")).ok_or_else(|| UnknownStrategy(s.to_string()))
    }
}
