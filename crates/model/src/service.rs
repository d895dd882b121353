//! The three county services mps collects from, as one small enum shared by every layer.

use std::fmt;
use std::str::FromStr;

/// A county service. Each has its own base URL, limiter and statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Assessor,
    Treasurer,
    Recorder,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Assessor, Source::Treasurer, Source::Recorder];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Assessor => "assessor",
            Source::Treasurer => "treasurer",
            Source::Recorder => "recorder",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a name that is not one of the three services.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown source {0:?}: expected assessor, treasurer or recorder")]
pub struct UnknownSource(pub String);

impl FromStr for Source {
    type Err = UnknownSource;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "assessor" => Ok(Source::Assessor),
            "treasurer" => Ok(Source::Treasurer),
            "recorder" => Ok(Source::Recorder),
            _ => Err(UnknownSource(s.to_string())),
        }
    }
}
