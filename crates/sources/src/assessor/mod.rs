//! The Maricopa County Assessor: JSON API client and parsers.

pub mod client;
pub(crate) mod parse;

pub use crate::tally::{Found, Tally};
pub use client::{AssessorClient, SearchOutcome};
