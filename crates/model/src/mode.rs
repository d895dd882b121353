//! Job types (`--mode`): what a batch collects for each row.

use std::str::FromStr;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[strum(serialize_all = "lowercase")]
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
        self.into()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown mode {0:?}: expected search, property, tax, sales, documents, comprehensive or validate")]
pub struct UnknownMode(pub String);

/// Case-insensitive, surrounding whitespace ignored.
impl FromStr for Mode {
    type Err = UnknownMode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::names::parse_name(s).ok_or_else(|| UnknownMode(s.to_string()))
    }
}
