//! Per-host HTTP statistics: lock-free counters updated by every worker, read as a snapshot.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of one host's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct HostStats {
    /// HTTP requests sent: every attempt and every redirect hop.
    pub requests: u64,
    /// Attempts made after a transient failure.
    pub retries: u64,
    /// Replies with status 429.
    pub status_429: u64,
    /// Failed requests: connect errors, timeouts, truncated or oversized bodies, 5xx.
    pub errors: u64,
    /// Response body bytes received.
    pub bytes: u64,
    /// Times the circuit breaker opened.
    pub circuit_opened: u64,
    /// The politeness rate ceiling, requests per second (`None`: unlimited).
    pub rate: Option<f64>,
    /// Wall seconds during which some request waited for the host's rate or a pause.
    pub rate_limited_seconds: f64,
}

#[derive(Debug, Default)]
pub(super) struct Counters {
    pub(super) requests: AtomicU64,
    pub(super) retries: AtomicU64,
    pub(super) status_429: AtomicU64,
    pub(super) errors: AtomicU64,
    pub(super) bytes: AtomicU64,
    pub(super) circuit_opened: AtomicU64,
}

/// Add `n` to a counter. Relaxed: counters are independent tallies, read only for reports.
pub(super) fn add(counter: &AtomicU64, n: u64) {
    counter.fetch_add(n, Ordering::Relaxed);
}

impl Counters {
    pub(super) fn snapshot(&self) -> HostStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        HostStats {
            requests: get(&self.requests),
            retries: get(&self.retries),
            status_429: get(&self.status_429),
            errors: get(&self.errors),
            bytes: get(&self.bytes),
            circuit_opened: get(&self.circuit_opened),
            rate: None,
            rate_limited_seconds: 0.0,
        }
    }
}
