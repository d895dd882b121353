//! The rows a worker runs: claimed from the queue a handful at a time, as the engine's
//! reader asks for them, so that a row is leased only shortly before a worker thread takes
//! it and the other workers share what is left.

use super::enqueue::priority_of_rank;
use crate::engine::job::JobRow;
use crate::engine::stop::Interrupt;
use crate::ident::SearchType;
use crate::input::{InputItem, InputRow, InvalidRow};
use crate::postgres::{PgStore, QueuedRow};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Pause between two tries of a claim the database did not answer.
const CLAIM_RETRY: Duration = Duration::from_secs(1);

/// An iterator of the job's rows that claims them from the queue as it goes; it ends when
/// no row is left to claim (or the worker is stopping).
pub struct ClaimingRows {
    pub store: Arc<PgStore>,
    pub job: String,
    pub worker: String,
    /// Rows claimed per query.
    pub batch: usize,
    pub lease: Duration,
    /// How long a database that does not answer is waited for before the job's rows end.
    pub database_wait: Duration,
    /// Raised when the worker is told to stop: claim nothing more.
    pub stopping: Arc<Interrupt>,
    pub claimed: VecDeque<QueuedRow>,
}

impl ClaimingRows {
    fn refill(&mut self) -> Result<(), String> {
        let since = Instant::now();
        loop {
            match self
                .store
                .claim(&self.job, &self.worker, self.batch, self.lease)
            {
                Ok(rows) => {
                    self.claimed.extend(rows);
                    return Ok(());
                }
                Err(e) if e.is_outage() && since.elapsed() < self.database_wait => {
                    if self.stopping.signal().is_some() {
                        return Ok(());
                    }
                    std::thread::sleep(CLAIM_RETRY);
                }
                Err(e) => return Err(format!("cannot claim rows from the queue: {e}")),
            }
        }
    }
}

impl Iterator for ClaimingRows {
    type Item = Result<JobRow, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.stopping.signal().is_some() {
            return None;
        }
        if self.claimed.is_empty() {
            if let Err(e) = self.refill() {
                return Some(Err(e));
            }
        }
        self.claimed
            .pop_front()
            .map(|row| Ok(JobRow::Fetch(input_item(row))))
    }
}

/// A queued row as the engine's input row: classified again from what was read.
pub fn input_item(row: QueuedRow) -> InputItem {
    let requested: SearchType = row.search_type.parse().unwrap_or(SearchType::Auto);
    let outcome = crate::ident::classify(&row.input, requested)
        .map(|identifier| InputRow {
            identifier,
            priority: Some(priority_of_rank(row.priority)),
            search_type: requested,
        })
        .map_err(|e| InvalidRow {
            reason: format!("line {}: {e}", row.line),
        });
    InputItem {
        line: row.line,
        raw: row.input,
        outcome,
    }
}
