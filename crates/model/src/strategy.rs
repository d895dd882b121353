//! Processing strategies (`--strategy`): which path (plain HTTP or a browser) each source
//! takes, and how much of a row's work overlaps.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strategy {
    /// Plain HTTP wherever the data can be had that way, the browser only for pages that
    /// need JavaScript; a row's independent steps overlap; all hosts pipelined.
    #[default]
    Intelligent,
    /// Plain HTTP only: data that needs a browser fails with a message saying so.
    ApiOnly,
    /// The browser for every source that has a page; the Assessor (no page) stays on its API.
    ScrapingOnly,
    /// Both paths at once where a source has both; the first complete answer wins.
    ParallelAll,
    /// One request at a time, one row at a time: the baseline benchmarks compare against.
    Sequential,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Intelligent => "intelligent",
            Strategy::ApiOnly => "api-only",
            Strategy::ScrapingOnly => "scraping-only",
            Strategy::ParallelAll => "parallel-all",
            Strategy::Sequential => "sequential",
        }
    }

    /// Whether the row's independent steps (e.g. tax beside the Assessor) run at once.
    pub fn overlaps_steps(self) -> bool {
        !matches!(self, Strategy::Sequential)
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown strategy {0:?}: expected intelligent, api-only, scraping-only, parallel-all or sequential")]
pub struct UnknownStrategy(pub String);

impl FromStr for Strategy {
    type Err = UnknownStrategy;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(
            match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
                "intelligent" => Strategy::Intelligent,
                "api-only" | "api" => Strategy::ApiOnly,
                "scraping-only" | "scraping" => Strategy::ScrapingOnly,
                "parallel-all" | "parallel" => Strategy::ParallelAll,
                "sequential" => Strategy::Sequential,
                _ => return Err(UnknownStrategy(s.to_string())),
            },
        )
    }
}
