//! Polite HTTP for every county call: one shared `ureq` agent behind a per-host limiter
//! (token bucket, concurrency cap, adaptive slow-down, `Retry-After`, circuit breaker),
//! retries with jittered backoff for transient failures only, and per-host statistics.
//!
//! Callers use [`HttpClient::get`]; everything else here is the machinery behind it.
//!
//! Hosts are named by a key type of the caller's choosing (any [`HostKey`]); the set of
//! hosts is the one [`HttpConfig::hosts`] lists.

#![warn(missing_docs)]

mod bucket;
mod cancel;
mod circuit;
mod client;
mod config;
mod error;
mod limiter;
mod lock;
mod redact;
mod redirect;
mod resolve;
mod response;
mod retry;
mod semaphore;
mod stats;

#[cfg(test)]
mod test_host;
#[cfg(test)]
mod test_server;
#[cfg(test)]
mod tests;

pub use cancel::{Cancel, Cancelled};
pub use client::HttpClient;
pub use config::{ConfigError, HostPolicy, HttpConfig};
pub use error::HttpError;
pub use limiter::{AcquireError, HostLimiter, Permit};
pub use redact::redact_url;
pub use response::Response;
pub use retry::{is_transient_status, parse_retry_after, RetryPolicy};
pub use stats::HostStats;

use std::fmt::{Debug, Display};
use std::hash::Hash;

/// What names a host: a small value the caller chooses (an enum of its services). Its
/// `Display` is the name error messages start with.
pub trait HostKey: Copy + Ord + Hash + Debug + Display + Send + Sync + 'static {}

impl<K: Copy + Ord + Hash + Debug + Display + Send + Sync + 'static> HostKey for K {}
