//! Job types (`--mode`): what a batch collects for each row.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Resolve the identifier to parcel(s) and their summary rows.
    Search,
    /// The Assessor parcel record with valuations and residential details.
    Property,
    Tax,
    Sales,
    Documents,
    Comprehensive,
    /// Does the identifier resolve to exactly one parcel? Nothing else is fetched.
    Validate,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Search => "search",
            Mode::Property => "property",
            Mode::Tax => "tax",
            Mode::Sales => "sales",
            Mode::Documents => "documents",
            Mode::Comprehensive => "comprehensive",
            Mode::Validate => "validate",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown mode {0:?}: expected search, property, tax, sales, documents, comprehensive or validate")]
pub struct UnknownMode(pub String);

impl FromStr for Mode {
    type Err = UnknownMode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "search" => Mode::Search,
            "property" => Mode::Property,
            "tax" => Mode::Tax,
            "sales" => Mode::Sales,
            "documents" => Mode::Documents,
            "comprehensive" => Mode::Comprehensive,
            "validate" => Mode::Validate,
            _ => return Err(UnknownMode(s.to_string())),
        })
    }
}
