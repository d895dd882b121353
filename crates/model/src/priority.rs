//! How urgently a row is wanted (`priority` column, `--priority` order).

use std::str::FromStr;

/// How urgently a row is wanted; `Urgent` sorts first.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Priority {
    /// Most urgent: taken first from the work queue.
    Urgent,
    /// Taken after urgent rows and before normal ones.
    High,
    /// The default, taken after high rows and before low ones.
    #[default]
    Normal,
    /// Taken last.
    Low,
}

impl Priority {
    /// The lowercase name the `priority` column and `--priority` use (`urgent`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A priority name that is not one of `urgent`, `high`, `normal`, `low`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a priority: use urgent, high, normal or low")]
pub struct PriorityError(pub String);

/// Case-insensitive, surrounding whitespace ignored.
impl FromStr for Priority {
    type Err = PriorityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::names::parse_name(s).ok_or_else(|| PriorityError(s.to_string()))
    }
}
