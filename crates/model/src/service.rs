//! The three county services mps collects from, as one small enum shared by every layer.

use std::str::FromStr;

/// A county service. Each has its own base URL, limiter and statistics.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Service {
    /// The Assessor: parcels, owners, valuations and searches (JSON API).
    Assessor,
    /// The Treasurer: tax bills and payments (web pages).
    Treasurer,
    /// The Recorder: recorded documents such as deeds.
    Recorder,
}

impl Service {
    /// Every service, as an array (`VariantArray::VARIANTS` is the same list as a slice).
    pub const ALL: [Service; 3] = [Service::Assessor, Service::Treasurer, Service::Recorder];

    /// The service's lowercase name (`assessor`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The error for a name that is not one of the three services.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown source {0:?}: expected assessor, treasurer or recorder")]
pub struct UnknownService(pub String);

/// Case-insensitive, surrounding whitespace ignored.
impl FromStr for Service {
    type Err = UnknownService;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::names::parse_name(s).ok_or_else(|| UnknownService(s.to_string()))
    }
}
