//! The output record: one per input row, with a block per source.

use crate::blocks::SourceStatus;
use crate::priority::Priority;
use mps_ident::Apn;
use serde::Serialize;
use serde_json::Value;

/// How a whole row ended.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RowStatus {
    /// No source failed, and at least one found data.
    Ok,
    /// No source failed, and none found anything for the row.
    NotFound,
    /// At least one source failed; the record's `error` says why.
    Failed,
    /// The input could not be read as an identifier; the record's `error` says why.
    Invalid,
    /// Not fetched: the stored record is younger than `--max-age`.
    Skipped,
}

impl RowStatus {
    /// The snake_case name written in the output (`not_found`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One source's part of a record.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SourceBlock {
    /// How the source fared.
    pub status: SourceStatus,
    /// RFC 3339, UTC, when the last response of this block arrived.
    pub fetched_at: Option<String>,
    /// The main URL the data came from (never carries credentials).
    pub url: Option<String>,
    /// Why the source failed, or why the step was skipped.
    pub error: Option<String>,
    /// Requests this block took, retries included.
    pub requests: u32,
    /// The data the step produced, as JSON (absent when it failed or was skipped).
    pub data: Option<Value>,
}

/// The record written for one input row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// The physical line of the input file where the row starts (1-based, header = 1).
    pub line: u64,
    /// The identifier exactly as read.
    pub input: String,
    /// apn, address or owner (null for an invalid row that could not be classified).
    pub search_type: Option<&'static str>,
    /// The normalised identifier the services were asked for.
    pub normalized: Option<String>,
    /// How urgently the row was wanted.
    pub priority: Priority,
    /// The mode the row was run in (`property`).
    pub mode: &'static str,
    /// How the whole row ended.
    pub status: RowStatus,
    /// The parcel the row resolved to, when exactly one.
    pub apn: Option<Apn>,
    /// Every parcel the row resolved to.
    pub apns: Vec<Apn>,
    /// Why the row is invalid or failed, or a warning about it.
    pub error: Option<String>,
    /// The Assessor's answer (search matches, parcel records or validation).
    pub assessor: Option<SourceBlock>,
    /// The Treasurer's tax years (modes tax and comprehensive).
    pub tax: Option<SourceBlock>,
    /// Deed history from the Assessor and the Recorder (modes sales and comprehensive).
    pub sales: Option<SourceBlock>,
    /// The Recorder documents of the current owners (modes documents and comprehensive).
    pub documents: Option<SourceBlock>,
}

impl Record {
    /// Each block the record has, by the name the ledger and the tables give it, in output
    /// order: the one place that says which field is which named block.
    pub fn named_blocks(&self) -> impl Iterator<Item = (&'static str, &SourceBlock)> {
        [
            ("assessor", &self.assessor),
            ("tax", &self.tax),
            ("sales", &self.sales),
            ("documents", &self.documents),
        ]
        .into_iter()
        .filter_map(|(name, block)| Some((name, block.as_ref()?)))
    }

    /// The source blocks the record carries, in output order.
    pub fn blocks(&self) -> Vec<&SourceBlock> {
        [&self.assessor, &self.tax, &self.sales, &self.documents]
            .into_iter()
            .flatten()
            .collect()
    }

    /// The row's status from its source blocks: any failure fails the row; a row whose
    /// sources all found nothing is not_found.
    pub fn status_from_blocks(blocks: &[&SourceBlock]) -> RowStatus {
        if blocks.iter().any(|b| b.status == SourceStatus::Failed) {
            RowStatus::Failed
        } else if !blocks.is_empty()
            && blocks
                .iter()
                .all(|b| matches!(b.status, SourceStatus::NotFound | SourceStatus::Skipped))
        {
            RowStatus::NotFound
        } else {
            RowStatus::Ok
        }
    }
}
