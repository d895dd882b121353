//! The Maricopa County Assessor: JSON API client and parsers.

pub mod client;
pub mod parse;

pub use client::{AssessorClient, Found, SearchOutcome, Tally};
