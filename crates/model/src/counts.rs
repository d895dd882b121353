//! Row counters kept by the writer thread.

use crate::record::RowStatus;
use serde::Serialize;

/// Rows by status so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Rows that ended ok: data found and no source failed.
    pub ok: u64,
    /// Rows that ended not_found: no source failed and none found anything.
    pub not_found: u64,
    /// Rows in which a source failed.
    pub failed: u64,
    /// Rows whose input could not be read as an identifier.
    pub invalid: u64,
    /// Rows not fetched because their stored record was recent enough.
    pub skipped: u64,
}

impl Counts {
    /// Counts one more row that ended with status `s`.
    pub fn add(&mut self, s: RowStatus) {
        match s {
            RowStatus::Ok => self.ok += 1,
            RowStatus::NotFound => self.not_found += 1,
            RowStatus::Failed => self.failed += 1,
            RowStatus::Invalid => self.invalid += 1,
            RowStatus::Skipped => self.skipped += 1,
        }
    }

    /// Rows counted so far, whatever their status.
    pub fn done(&self) -> u64 {
        self.ok + self.not_found + self.failed + self.invalid + self.skipped
    }

    /// Share of rows that ended ok, not_found or skipped (all are answers); 1.0 before any row.
    pub fn success_rate(&self) -> f64 {
        if self.done() == 0 {
            1.0
        } else {
            (self.ok + self.not_found + self.skipped) as f64 / self.done() as f64
        }
    }
}
