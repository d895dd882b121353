//! The documents part of a row: the documents indexed under the current owners' names, one
//! per recording number, recorded since the window's start (by default the owners'
//! acquisition), newest kept when there are too many.
//!
//! By default each document is described from its name-index rows alone (number, date,
//! first code and whether it has more, book and page, the names it was found under): one
//! search page per owner, usually, and no request per document. `--documents full` reads each
//! document in full (every party and code, pages, affidavit, restriction), from the facts
//! cache when it was read before.

use super::block;
use super::context::Context;
use super::recorder_options::{DocumentDetail, DocumentsSince};
use super::{recorder_docs, recorder_search};
use chrono::NaiveDate;
use mps_model::blocks::{ParcelRecord, SourceStatus};
use mps_model::data::{DocumentsData, ListedDocument, ParcelDocuments, Parcels};
use mps_model::record::SourceBlock;
use mps_sources::recorder::{search_names, NameQuery, SearchRow};
use mps_sources::{Found, SourceError, Tally};
use std::collections::BTreeMap;

/// The documents block of a row: the documents of each parcel, not found when none has any;
/// the first search or document that fails fails the block.
pub fn run(ctx: &Context, parcels: &[ParcelRecord]) -> SourceBlock<DocumentsData> {
    let mut tally = Tally::default();
    let mut out = Vec::new();
    let mut total = 0;
    for parcel in parcels {
        match documents_of(ctx, parcel, &mut tally) {
            Ok((v, n)) => {
                total += n;
                out.push(v);
            }
            Err(e) => return block::failed(&tally, e.to_string()),
        }
    }
    let status = if total > 0 {
        SourceStatus::Ok
    } else {
        SourceStatus::NotFound
    };
    block::from_result(&tally, Ok((status, Some(Parcels::new(out)))))
}

/// One document as the index shows it, and the owner names it was found under.
struct Indexed {
    row: SearchRow,
    matched: Vec<String>,
}

/// What the name index showed for one parcel's owners, within the window.
struct OwnerSearch {
    /// Each document once, by recording number.
    found: BTreeMap<String, Indexed>,
    /// The names whose index was cut at its 500-row limit.
    capped: Vec<String>,
    searched: Vec<String>,
}

/// The documents part of one parcel, and how many documents it lists.
fn documents_of(
    ctx: &Context,
    parcel: &ParcelRecord,
    tally: &mut Tally,
) -> Result<(ParcelDocuments, usize), SourceError> {
    let opts = ctx.recorder_options;
    let since = match opts.since {
        DocumentsSince::Acquisition => parcel.owner.deed_date,
        DocumentsSince::All => None,
        DocumentsSince::Date(d) => Some(d),
    };
    let owners = parcel
        .owner
        .name
        .as_deref()
        .map(search_names)
        .unwrap_or_default();
    let OwnerSearch {
        found,
        capped,
        searched,
    } = search_owners(ctx, &owners, since, tally)?;
    let listed = found.len();
    let documents = describe_newest(ctx, found, tally)?;
    let n = documents.len();
    let reasons = truncation_reasons(&capped, listed, opts.max_documents);
    Ok((
        ParcelDocuments {
            apn: parcel.apn,
            owners_searched: searched,
            since,
            detail: opts.documents.as_str().to_string(),
            truncated: !reasons.is_empty(),
            truncated_reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
            documents,
        },
        n,
    ))
}

/// Searches the name index for each of `owners`, in order, keeping the documents recorded
/// since `since`.
fn search_owners(
    ctx: &Context,
    owners: &[NameQuery],
    since: Option<NaiveDate>,
    tally: &mut Tally,
) -> Result<OwnerSearch, SourceError> {
    let mut out = OwnerSearch {
        found: BTreeMap::new(),
        capped: Vec::new(),
        searched: Vec::new(),
    };
    for q in owners {
        out.searched.push(q.to_string());
        let result = recorder_search::search(ctx, q, None, tally)?;
        if result.truncated {
            out.capped.push(q.to_string());
        }
        for row in result
            .rows
            .iter()
            .filter(|r| in_window(r.recording_date, since))
        {
            add_indexed(&mut out.found, row);
        }
    }
    Ok(out)
}

/// Adds an index row: a document found under several owner names is one document that
/// names each of them.
fn add_indexed(found: &mut BTreeMap<String, Indexed>, row: &SearchRow) {
    let entry = found
        .entry(row.recording_number.clone())
        .or_insert_with(|| Indexed {
            row: row.clone(),
            matched: Vec::new(),
        });
    if !entry.matched.contains(&row.name) {
        entry.matched.push(row.name.clone());
    }
}

/// The newest `--max-documents` of `found`, oldest first, each described from its index
/// row or read in full (`--documents`).
fn describe_newest(
    ctx: &Context,
    found: BTreeMap<String, Indexed>,
    tally: &mut Tally,
) -> Result<Vec<ListedDocument>, SourceError> {
    let opts = ctx.recorder_options;
    let mut documents = Vec::new();
    // Recording numbers grow with time: the newest are taken first, then put back in order.
    for (number, indexed) in found.into_iter().rev().take(opts.max_documents) {
        match opts.documents {
            DocumentDetail::Index => documents.push(index_entry(&indexed)),
            DocumentDetail::Full => {
                if let Some(v) = full_entry(ctx, &number, &indexed, tally)? {
                    documents.push(v);
                }
            }
        }
    }
    documents.reverse();
    Ok(documents)
}

/// A document read in full, with the names it was found under; `None` when the Recorder
/// does not have it.
fn full_entry(
    ctx: &Context,
    number: &str,
    indexed: &Indexed,
    tally: &mut Tally,
) -> Result<Option<ListedDocument>, SourceError> {
    let Found::Yes(doc) = recorder_docs::fetch(ctx, number, tally)? else {
        return Ok(None);
    };
    Ok(Some(ListedDocument::full(doc, indexed.matched.clone())))
}

/// Why the list may miss documents: names whose index was capped, and more documents in
/// the window than `--max-documents` lists.
fn truncation_reasons(capped: &[String], listed: usize, max_documents: usize) -> Vec<String> {
    let mut reasons = Vec::new();
    if !capped.is_empty() {
        reasons.push(format!(
            "the Recorder shows at most 500 index rows per name, the oldest first: newer \
             documents of {} may be missing",
            capped.join(", ")
        ));
    }
    if listed > max_documents {
        reasons.push(format!(
            "{listed} documents in the window: the newest {max_documents} are listed \
             (--max-documents)"
        ));
    }
    reasons
}

/// A document recorded on or after `since` (a row without a date is kept: it cannot be
/// placed outside the window).
fn in_window(date: Option<NaiveDate>, since: Option<NaiveDate>) -> bool {
    match (date, since) {
        (Some(d), Some(s)) => d >= s,
        _ => true,
    }
}

/// A document described from its index row: the fields `--documents full` adds are null.
fn index_entry(indexed: &Indexed) -> ListedDocument {
    let row = &indexed.row;
    ListedDocument {
        recording_number: row.recording_number.clone(),
        recording_date: row.recording_date,
        document_codes: vec![row.document_code.clone()],
        more_codes: row.more_codes,
        names: None,
        page_count: None,
        docket_book: row.docket_book,
        page_map: row.page_map,
        affidavit_present: None,
        restricted: None,
        matched_names: indexed.matched.clone(),
    }
}
