//! Polite HTTP for every county call: one shared `ureq` agent behind a per-host limiter
//! (token bucket, concurrency cap, adaptive slow-down, `Retry-After`, circuit breaker),
//! retries with jittered backoff for transient failures only, and per-host statistics.
//!
//! Callers use [`HttpClient::get`]; everything else here is the machinery behind it.

mod bucket;
mod cancel;
mod circuit;
mod client;
mod config;
mod error;
mod limiter;
mod redact;
mod redirect;
mod response;
mod retry;
mod semaphore;
mod stats;

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
