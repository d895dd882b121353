//! The output record: one per input row, with a block per source.

use crate::blocks::SourceStatus;
use crate::data::{AssessorData, DocumentsData, SalesData, TaxData};
use crate::priority::Priority;
use mps_ident::Apn;
use serde::{Deserialize, Serialize};

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

/// One source's part of a record, carrying that source's data `D`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceBlock<D> {
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
    /// The data the step produced (absent when it failed or was skipped).
    pub data: Option<D>,
}

impl<D> SourceBlock<D> {
    /// How the fetch went, without the data: what the ledger and the row's status need.
    pub fn fetch(&self) -> Fetch<'_> {
        Fetch {
            status: self.status,
            fetched_at: self.fetched_at.as_deref(),
            url: self.url.as_deref(),
            error: self.error.as_deref(),
            requests: self.requests,
        }
    }

    /// A block without data, for the same fetch (a failure, or a skipped step).
    pub fn without_data(status: SourceStatus, error: Option<String>, requests: u32) -> Self {
        SourceBlock {
            status,
            fetched_at: None,
            url: None,
            error,
            requests,
            data: None,
        }
    }
}

/// What a source block says of its fetch, whatever data it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fetch<'a> {
    /// How the source fared.
    pub status: SourceStatus,
    /// When the last response of the block arrived (RFC 3339).
    pub fetched_at: Option<&'a str>,
    /// The main URL the data came from.
    pub url: Option<&'a str>,
    /// Why the source failed, or why the step was skipped.
    pub error: Option<&'a str>,
    /// Requests the block took, retries included.
    pub requests: u32,
}

/// The blocks of a row's record written by an earlier run, read back from the output for
/// `--retry-failed --source`, which fetches one source again and keeps the others.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EarlierBlocks {
    /// The earlier Assessor block.
    pub assessor: Option<SourceBlock<AssessorData>>,
    /// The earlier tax block.
    pub tax: Option<SourceBlock<TaxData>>,
    /// The earlier sales block.
    pub sales: Option<SourceBlock<SalesData>>,
    /// The earlier documents block.
    pub documents: Option<SourceBlock<DocumentsData>>,
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
    pub assessor: Option<SourceBlock<AssessorData>>,
    /// The Treasurer's tax years (modes tax and comprehensive).
    pub tax: Option<SourceBlock<TaxData>>,
    /// Deed history from the Assessor and the Recorder (modes sales and comprehensive).
    pub sales: Option<SourceBlock<SalesData>>,
    /// The Recorder documents of the current owners (modes documents and comprehensive).
    pub documents: Option<SourceBlock<DocumentsData>>,
}

impl Record {
    /// Fills the blocks this run did not fetch from the row's earlier record.
    pub fn keep_earlier_blocks(&mut self, earlier: &EarlierBlocks) {
        fn keep<D: Clone>(now: &mut Option<SourceBlock<D>>, then: &Option<SourceBlock<D>>) {
            if now.is_none() {
                now.clone_from(then);
            }
        }
        keep(&mut self.assessor, &earlier.assessor);
        keep(&mut self.tax, &earlier.tax);
        keep(&mut self.sales, &earlier.sales);
        keep(&mut self.documents, &earlier.documents);
    }

    /// What each block the record has says of its fetch, by the name the ledger and the
    /// tables give the block, in output order: the one place that says which field is which
    /// named block.
    pub fn named_blocks(&self) -> impl Iterator<Item = (&'static str, Fetch<'_>)> {
        [
            ("assessor", self.assessor.as_ref().map(SourceBlock::fetch)),
            ("tax", self.tax.as_ref().map(SourceBlock::fetch)),
            ("sales", self.sales.as_ref().map(SourceBlock::fetch)),
            ("documents", self.documents.as_ref().map(SourceBlock::fetch)),
        ]
        .into_iter()
        .filter_map(|(name, fetch)| Some((name, fetch?)))
    }

    /// What each block the record has says of its fetch, in output order.
    pub fn blocks(&self) -> Vec<Fetch<'_>> {
        self.named_blocks().map(|(_, fetch)| fetch).collect()
    }

    /// The row's status from its source blocks: any failure fails the row; a row whose
    /// sources all found nothing is not_found.
    pub fn status_from_blocks(blocks: &[Fetch<'_>]) -> RowStatus {
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
