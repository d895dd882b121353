//! Row counters kept by the writer thread.

use crate::record::RowStatus;
use serde::Serialize;

/// Rows by status so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub ok: u64,
    pub not_found: u64,
    pub failed: u64,
    pub invalid: u64,
    pub skipped: u64,
}

impl Counts {
    pub fn add(&mut self, s: RowStatus) {
        match s {
            RowStatus::Ok => self.ok += 1,
            RowStatus::NotFound => self.not_found += 1,
            RowStatus::Failed => self.failed += 1,
            RowStatus::Invalid => self.invalid += 1,
            RowStatus::Skipped => self.skipped += 1,
        }
    }

    pub fn done(&self) -> u64 {
        self.ok + self.not_found + self.failed + self.invalid + self.skipped
    }

    /// Share of rows that ended ok or not_found (both are answers).
    pub fn success_rate(&self) -> f64 {
        if self.done() == 0 {
            1.0
        } else {
            (self.ok + self.not_found + self.skipped) as f64 / self.done() as f64
        }
    }
}
