//! The documents part of a row: every Recorder document indexed under the current owners'
//! names, one per recording number.

use super::block;
use super::context::Context;
use super::record::SourceBlock;
use super::recorder_docs;
use crate::source::model::{ParcelRecord, SourceStatus};
use crate::source::recorder::search_names;
use crate::source::{Found, SourceError, Tally};
use serde_json::json;
use std::collections::BTreeMap;

pub fn run(ctx: &Context, parcels: &[ParcelRecord]) -> SourceBlock {
    let mut tally = Tally::default();
    let mut out = Vec::new();
    let mut total = 0;
    for parcel in parcels {
        match documents_of(ctx, parcel, &mut tally) {
            Ok((v, n)) => {
                total += n;
                out.push(v)
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

fn documents_of(
    ctx: &Context,
    parcel: &ParcelRecord,
    tally: &mut Tally,
) -> Result<(serde_json::Value, usize), SourceError> {
    let owners = parcel
        .owner
        .name
        .as_deref()
        .map(search_names)
        .unwrap_or_default();
    // Recording number -> the owner names it was found under.
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut truncated = false;
    let mut searched = Vec::new();
    for q in &owners {
        searched.push(q.to_string());
        let result = ctx.recorder.search(q, tally)?;
        truncated |= result.truncated;
        for row in result.rows {
            let names = found.entry(row.recording_number).or_default();
            if !names.contains(&row.name) {
                names.push(row.name);
            }
        }
    }
    let capped = found.len() > ctx.max_documents;
    let mut documents = Vec::new();
    for (number, matched) in found.into_iter().rev().take(ctx.max_documents) {
        if let Found::Yes(doc) = recorder_docs::fetch(ctx, &number, tally)? {
            let mut v = serde_json::to_value(&doc).unwrap_or_default();
            v["matched_names"] = json!(matched);
            documents.push(v);
        }
    }
    documents.reverse();
    let n = documents.len();
    Ok((
        json!({
            "apn": parcel.apn,
            "owners_searched": searched,
            "truncated": truncated || capped,
            "documents": documents,
        }),
        n,
    ))
}
