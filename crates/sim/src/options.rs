//! How a simulator runs ([`SimOptions`]) and the token its Assessor accepts by default.

use std::collections::BTreeMap;
use std::time::Duration;

use super::faults::{DownWindow, FaultKind};
use mps_model::Service;

/// The token the simulated Assessor accepts unless told otherwise.
pub const SIM_TOKEN: &str = "mps-sim-token";

/// How a simulator runs.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// The county seed: the same seed always serves the same county.
    pub seed: u64,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Added before every answer (requests wait concurrently, never in turn).
    pub latency: Duration,
    /// Requests per second per source; above it the answer is 429 with `Retry-After: 1`.
    pub limits: BTreeMap<Service, f64>,
    /// The fraction of a source's requests answered 503 (deterministic from the seed).
    pub error_rate: BTreeMap<Service, f64>,
    /// Further faults per source, each with its share of requests (added to `error_rate`).
    pub faults: BTreeMap<Service, Vec<(FaultKind, f64)>>,
    /// A window per source, from the start, during which it answers only 503.
    pub down: BTreeMap<Service, DownWindow>,
    /// When set above `latency`, each answer's latency is spread evenly between the two.
    pub latency_max: Duration,
    /// How long an answer that never comes (the `timeout` fault) keeps the connection.
    pub hang: Duration,
    /// The `AUTHORIZATION` value the Assessor accepts.
    pub token: String,
    /// The simulated "today" for the Treasurer's tax status; `None` is today's UTC date.
    pub as_of: Option<chrono::NaiveDate>,
    /// Every legacy Treasurer URL answers 302 to the current page (as it will one day).
    pub treasurer_legacy_retired: bool,
    /// Count requests per path too (for tests that ask how often one parcel or document
    /// was fetched); off by default, as the counts grow with the paths served.
    pub count_paths: bool,
}

impl Default for SimOptions {
    fn default() -> SimOptions {
        SimOptions {
            seed: 42,
            port: 0,
            latency: Duration::ZERO,
            limits: BTreeMap::new(),
            error_rate: BTreeMap::new(),
            faults: BTreeMap::new(),
            down: BTreeMap::new(),
            latency_max: Duration::ZERO,
            hang: Duration::from_secs(60),
            token: SIM_TOKEN.to_string(),
            as_of: None,
            treasurer_legacy_retired: false,
            count_paths: false,
        }
    }
}
