//! `RowEntry`: the ledger's line for one input row, and how it is made from an output record.

use chrono::{DateTime, Utc};
use mps_model::record::{Fetch, Record};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How one row ended, per source. A row may have several entries over a job's life (a
/// `--retry-failed` run appends a new one); the last one wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowEntry {
    /// The input line the row starts on (the record's `line`): the key of the ledger.
    pub line: u64,
    /// The identifier as read, so `mps jobs failed` can show it without the input file.
    pub input: String,
    /// ok, not_found, failed or invalid.
    pub status: String,
    /// The row-level reason (an invalid identifier, say), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When the entry was appended; stamped by [`FileLedger::append`](super::FileLedger::append)
    /// when left `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// Per source (assessor, tax, sales, documents): only the sources the mode asked for.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceEntry>,
}

/// One source's outcome for one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceEntry {
    /// ok, not_found, failed or skipped.
    pub state: String,
    /// Requests the source took for this row, retries included.
    pub attempts: u32,
    /// The last error, when the source failed (or was skipped for a reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl SourceEntry {
    pub fn from_block(block: Fetch<'_>) -> SourceEntry {
        SourceEntry {
            state: block.status.as_str().to_string(),
            attempts: block.requests,
            error: block.error.map(str::to_string),
        }
    }
}

impl RowEntry {
    /// The entry for a record just written to the output. `at` is left for `append`.
    pub fn from_record(record: &Record) -> RowEntry {
        let sources = record
            .named_blocks()
            .map(|(name, block)| (name.to_string(), SourceEntry::from_block(block)))
            .collect();
        RowEntry {
            line: record.line,
            input: record.input.clone(),
            status: record.status.as_str().to_string(),
            error: record.error.clone(),
            at: None,
            sources,
        }
    }

    /// True when the row failed as a whole, or (with `source`) when that source failed.
    pub fn is_failed(&self, source: Option<&str>) -> bool {
        match source {
            None => self.status == "failed",
            Some(s) => self.sources.get(s).is_some_and(|e| e.state == "failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mps_model::blocks::SourceStatus;
    use mps_model::record::{RowStatus, SourceBlock};
    use mps_model::Priority;

    fn block<D>(status: SourceStatus, requests: u32, error: Option<&str>) -> SourceBlock<D> {
        SourceBlock {
            status,
            fetched_at: None,
            url: None,
            error: error.map(str::to_string),
            requests,
            data: None,
        }
    }

    #[test]
    fn from_record_keeps_present_blocks_only() {
        let record = Record {
            line: 7,
            input: "123-45-678".to_string(),
            search_type: Some("apn"),
            normalized: Some("12345678".to_string()),
            priority: Priority::Normal,
            mode: "tax",
            status: RowStatus::Failed,
            apn: None,
            apns: Vec::new(),
            error: None,
            assessor: Some(block(SourceStatus::Ok, 2, None)),
            tax: Some(block(SourceStatus::Failed, 4, Some("treasurer: HTTP 503"))),
            sales: None,
            documents: None,
        };
        let e = RowEntry::from_record(&record);
        assert_eq!((e.line, e.status.as_str()), (7, "failed"));
        assert_eq!(e.sources.len(), 2);
        let tax = e.sources.get("tax");
        assert_eq!(tax.map(|t| t.attempts), Some(4));
        assert_eq!(
            tax.and_then(|t| t.error.as_deref()),
            Some("treasurer: HTTP 503")
        );
        assert!(e.is_failed(None) && e.is_failed(Some("tax")));
        assert!(!e.is_failed(Some("assessor")) && !e.is_failed(Some("sales")));
    }
}
