//! Job types (`--mode`): what a batch collects for each row.

use std::str::FromStr;

/// What a batch collects for each row (`--mode`).
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
    /// The Treasurer's tax years; an address or owner is resolved to parcels first.
    Tax,
    /// The parcel record and its deed history (Assessor's last deed, Recorder searches).
    Sales,
    /// The parcel record and the Recorder documents of its current owners.
    Documents,
    /// Everything: the parcel record, tax years, sales and documents.
    Comprehensive,
    /// Does the identifier resolve to exactly one parcel? Nothing else is fetched.
    Validate,
}

impl Mode {
    /// The mode's name as `--mode` takes it and the record prints it (`property`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A `--mode` value that names none of the modes.
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
