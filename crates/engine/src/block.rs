//! Building a record's source block from a step's result and its tally.

use mps_model::blocks::SourceStatus;
use mps_model::record::SourceBlock;
use mps_sources::{SourceError, Tally};
use serde_json::Value;

/// A block from a step's outcome.
pub fn from_result(
    tally: &Tally,
    result: Result<(SourceStatus, Option<Value>), SourceError>,
) -> SourceBlock {
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
pub fn failed(tally: &Tally, error: String) -> SourceBlock {
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
pub fn skipped(reason: &str) -> SourceBlock {
    SourceBlock {
        status: SourceStatus::Skipped,
        fetched_at: None,
        url: None,
        error: Some(reason.to_string()),
        requests: 0,
        data: None,
    }
}
