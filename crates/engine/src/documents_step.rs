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
use mps_model::record::SourceBlock;
use mps_sources::recorder::{search_names, SearchRow};
use mps_sources::{Found, SourceError, Tally};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub fn run(ctx: &Context, parcels: &[ParcelRecord]) -> SourceBlock {
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
    block::from_result(&tally, Ok((status, Some(json!({ "parcels": out })))))
}

/// One document as the index shows it, and the owner names it was found under.
struct Indexed {
    row: SearchRow,
    matched: Vec<String>,
}

fn documents_of(
    ctx: &Context,
    parcel: &ParcelRecord,
    tally: &mut Tally,
) -> Result<(Value, usize), SourceError> {
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
    let mut found: BTreeMap<String, Indexed> = BTreeMap::new();
    let mut capped = Vec::new();
    let mut searched = Vec::new();
    for q in &owners {
        searched.push(q.to_string());
        let result = recorder_search::search(ctx, q, None, tally)?;
        if result.truncated {
            capped.push(q.to_string());
        }
        for row in &result.rows {
            if !in_window(row.recording_date, since) {
                continue;
            }
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
    }
    let listed = found.len();
    let mut documents = Vec::new();
    for (number, indexed) in found.into_iter().rev().take(opts.max_documents) {
        match opts.documents {
            DocumentDetail::Index => documents.push(index_entry(&indexed)),
            DocumentDetail::Full => {
                if let Found::Yes(doc) = recorder_docs::fetch(ctx, &number, tally)? {
                    let mut v = serde_json::to_value(&doc).unwrap_or_default();
                    v["more_codes"] = json!(false);
                    v["matched_names"] = json!(indexed.matched);
                    documents.push(v);
                }
            }
        }
    }
    documents.reverse();
    let n = documents.len();
    let mut reasons = Vec::new();
    if !capped.is_empty() {
        reasons.push(format!(
            "the Recorder shows at most 500 index rows per name, the oldest first: newer \
             documents of {} may be missing",
            capped.join(", ")
        ));
    }
    if listed > opts.max_documents {
        reasons.push(format!(
            "{listed} documents in the window: the newest {} are listed (--max-documents)",
            opts.max_documents
        ));
    }
    Ok((
        json!({
            "apn": parcel.apn,
            "owners_searched": searched,
            "since": since,
            "detail": opts.documents.as_str(),
            "truncated": !reasons.is_empty(),
            "truncated_reason": (!reasons.is_empty()).then(|| reasons.join("; ")),
            "documents": documents,
        }),
        n,
    ))
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
fn index_entry(indexed: &Indexed) -> Value {
    let row = &indexed.row;
    json!({
        "recording_number": row.recording_number,
        "recording_date": row.recording_date,
        "document_codes": [row.document_code],
        "more_codes": row.more_codes,
        "names": null,
        "page_count": null,
        "docket_book": row.docket_book,
        "page_map": row.page_map,
        "affidavit_present": null,
        "restricted": null,
        "matched_names": indexed.matched,
    })
}
