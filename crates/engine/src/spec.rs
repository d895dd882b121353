//! What a job is given ([`JobSpec`]) and what it gives back ([`JobOutcome`]).

use super::stop::StopReason;
use mps_model::counts::Counts;
use mps_model::mode::Mode;
use mps_model::{EarlierBlocks, Priority};
use std::sync::Arc;
use std::time::Duration;

/// How long a stopping job waits for the rows in flight by default.
pub const DEFAULT_STOP_GRACE: Duration = Duration::from_secs(3);

/// How to run a job.
#[derive(Debug, Clone)]
pub struct JobSpec {
    /// What each row's record holds; with the identifier, the key duplicate rows share.
    pub mode: Mode,
    /// Rows processed at once (at least 1).
    pub workers: usize,
    /// The priority of a row without a `priority` cell.
    pub default_priority: Priority,
    /// Stop after this many failed rows (0: never).
    pub max_errors: u64,
    /// Stop once the job has run this long (`--max-runtime`).
    pub max_runtime: Option<Duration>,
    /// Records between output flushes.
    pub flush_every: usize,
    /// Distinct identifiers whose results are kept for duplicate rows.
    pub dedupe_capacity: usize,
    /// `--retry-failed --source S`: the rows' earlier records, whose other blocks are kept.
    pub previous: Option<Arc<std::collections::HashMap<u64, EarlierBlocks>>>,
    /// How long a stopping job waits for its rows in flight before it finishes without them.
    pub stop_grace: Duration,
}

/// What a job did.
#[derive(Debug, Clone, Default)]
pub struct JobOutcome {
    /// Rows whose records are durable: in the output and, with one, the ledger and database.
    pub counts: Counts,
    /// Rows that finished but could not be made durable (the output or the database failed):
    /// `--resume` fetches them again.
    pub unwritten: u64,
    /// Rows in flight when the job stopped: neither written nor recorded, fetched again by
    /// `--resume`.
    pub interrupted: u64,
    /// How long the job ran, start to finish.
    pub wall: Duration,
    /// Sum of the time rows spent being processed.
    pub row_time: Duration,
    /// Rows answered from another row's fetch of the same identifier.
    pub shared: u64,
    /// Why the job stopped early; `None` when it read its input to the end.
    pub stop: Option<StopReason>,
}
