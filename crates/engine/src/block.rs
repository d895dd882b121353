//! Building a record's source block from a step's result and its tally.

use mps_model::blocks::SourceStatus;
use mps_model::record::SourceBlock;
use mps_sources::{SourceError, Tally};

/// A block from a step's outcome.
pub fn from_result<D>(
    tally: &Tally,
    result: Result<(SourceStatus, Option<D>), SourceError>,
) -> SourceBlock<D> {
    match result {
        Ok((status, data)) => SourceBlock {
            status,
            fetched_at: tally.fetched_at_text(),
            url: tally.first_url.clone(),
            error: None,
            requests: tally.requests,
            data,
        },
        Err(e) => failed(tally, e.to_string()),
    }
}

/// A failed block.
pub fn failed<D>(tally: &Tally, error: String) -> SourceBlock<D> {
    SourceBlock {
        status: SourceStatus::Failed,
        fetched_at: tally.fetched_at_text(),
        url: tally.first_url.clone(),
        error: Some(error),
        requests: tally.requests,
        data: None,
    }
}

/// A block for a step that did not run, with the reason.
pub fn skipped<D>(reason: &str) -> SourceBlock<D> {
    SourceBlock::without_data(SourceStatus::Skipped, Some(reason.to_string()), 0)
}
