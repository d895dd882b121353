//! The county sources: their clients, parsers and output models.

#![warn(missing_docs)]

pub mod assessor;
pub mod body;
pub mod error;
pub mod fields;
mod get;
pub mod loose;
pub mod page_reader;
pub mod query;
pub mod recorder;
pub mod tally;
pub mod treasurer;

pub use error::SourceError;
pub use page_reader::PageReader;
pub use tally::{Found, Tally};

use mps_model::Service;

/// The polite HTTP client with one host per county service, as every source uses it.
pub type Http = mps_http::HttpClient<Service>;
/// The settings of [`Http`]: a policy for each service's host.
pub type HttpConfig = mps_http::HttpConfig<Service>;
/// Why a request to a county service failed; its message starts with the service's name.
pub type HttpError = mps_http::HttpError<Service>;
