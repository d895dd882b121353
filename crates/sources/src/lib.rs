//! The county sources: their clients, parsers and output models.

pub mod assessor;
pub mod body;
pub mod error;
pub mod fields;
pub mod query;
pub mod recorder;
pub mod tally;
pub mod treasurer;

pub use error::SourceError;
pub use tally::{Found, Tally};
