//! The sales part of a row: the Assessor's last deed, that document at the Recorder, and
//! earlier deeds found by walking back through sellers' names, `--sales-depth` steps.
//!
//! The Recorder has no parcel cross-reference, so every deed before the last one is a
//! heuristic match: each carries a confidence and the reason for it.
//!
//! Every step lies in the past and never changes once worked out: the deeds read are in the
//! facts cache, and so is each step (keyed by the later deed and its buyers), so a parcel
//! whose last deed is unchanged since an earlier run walks its chain without a request.

use super::block;
use super::context::Context;
use super::{recorder_docs, recorder_search};
use crate::cache::{link_key, Link};
use chrono::{Datelike, NaiveDate};
use mps_model::blocks::{ParcelRecord, Sale, SourceStatus};
use mps_model::data::{ParcelSales, Parcels, SalesData};
use mps_model::record::SourceBlock;
use mps_sources::recorder::{is_deed_code, search_names, NameQuery};
use mps_sources::{Found, SourceError, Tally};
use std::collections::{BTreeMap, BTreeSet};

/// The sales block for the parcels the Assessor returned.
pub fn run(ctx: &Context, parcels: &[ParcelRecord]) -> SourceBlock<SalesData> {
    let mut tally = Tally::default();
    let mut out = Vec::new();
    for parcel in parcels {
        match sales_of(ctx, parcel, &mut tally) {
            Ok(v) => out.push(v),
            Err(e) => return block::failed(&tally, e.to_string()),
        }
    }
    let any = out.iter().any(|v| v.last_deed.is_some());
    let status = if any {
        SourceStatus::Ok
    } else {
        SourceStatus::NotFound
    };
    block::from_result(&tally, Ok((status, Some(Parcels::new(out)))))
}

fn sales_of(
    ctx: &Context,
    parcel: &ParcelRecord,
    tally: &mut Tally,
) -> Result<ParcelSales, SourceError> {
    let owner = &parcel.owner;
    let Some(number) = owner.deed_number.clone() else {
        return Ok(ParcelSales {
            apn: parcel.apn,
            last_deed: None,
            history: Vec::new(),
        });
    };
    let last = last_deed(ctx, parcel, &number, tally)?;
    let names = last.names.clone();
    let owners = owner.name.as_deref().map(search_names).unwrap_or_default();
    let mut history = Vec::new();
    let mut buyers: Vec<NameQuery> = owners;
    let mut parties = names;
    let mut before = last.recording_date;
    let mut later = number.clone();
    let mut seen = vec![number];
    for _ in 0..ctx.recorder_options.sales_depth {
        // The sellers on a deed are its parties who are not its buyers.
        let sellers: Vec<String> = parties
            .iter()
            .filter(|n| !buyers.iter().any(|b| names_match(b, n)))
            .cloned()
            .collect();
        let key = link_key(
            &later,
            &buyers.iter().map(|b| format!("{b:?}")).collect::<Vec<_>>(),
        );
        let step = match ctx.facts.link(&key) {
            Some(link) => link.earlier,
            None => {
                let spent = tally.requests;
                let step = earlier_deed(ctx, &sellers, before, &seen, tally)?;
                let requests = tally.requests - spent;
                ctx.facts.put_link(
                    &key,
                    &Link {
                        earlier: step.clone(),
                        requests,
                    },
                );
                step
            }
        };
        let Some(step) = step else {
            break;
        };
        seen.push(step.recording_number.clone());
        later = step.recording_number.clone();
        before = step.recording_date;
        buyers = sellers.iter().flat_map(|s| search_names(s)).collect();
        parties = step.names.clone();
        history.push(step);
    }
    Ok(ParcelSales {
        apn: parcel.apn,
        last_deed: Some(last),
        history,
    })
}

/// The Assessor's last deed of `parcel` (recording `number`), read at the Recorder.
fn last_deed(
    ctx: &Context,
    parcel: &ParcelRecord,
    number: &str,
    tally: &mut Tally,
) -> Result<Sale, SourceError> {
    let owner = &parcel.owner;
    let doc = recorder_docs::fetch(ctx, number, tally)?;
    let (names, codes, date, reason) = match doc {
        Found::Yes(d) => (
            d.names,
            d.document_codes,
            d.recording_date,
            "the Assessor's MostCurrentDeed, read at the Recorder",
        ),
        Found::NotFound => (
            Vec::new(),
            Vec::new(),
            owner.deed_date,
            "the Assessor's MostCurrentDeed; the Recorder has no such document",
        ),
    };
    Ok(Sale {
        recording_number: number.to_string(),
        recording_date: date.or(owner.deed_date),
        document_codes: codes,
        names,
        sale_price: owner.sale_price,
        found_by: "assessor_last_deed".into(),
        match_confidence: "high".into(),
        match_reason: reason.into(),
    })
}

/// Does an index name ("DOE JOHN Q") belong to the person or entity a query describes?
fn names_match(q: &NameQuery, name: &str) -> bool {
    let name = name.trim();
    match q {
        NameQuery::Person { last, first, .. } => {
            let mut words = name.split_whitespace();
            words.next() == Some(last.as_str())
                && words.next().is_some_and(|w| w.starts_with(first.as_str()))
        }
        NameQuery::Business(b) => name == b || name.starts_with(&format!("{b} ")),
    }
}

/// The sellers' latest deed recorded before `before`: how they came to own the parcel.
fn earlier_deed(
    ctx: &Context,
    sellers: &[String],
    before: Option<NaiveDate>,
    seen: &[String],
    tally: &mut Tally,
) -> Result<Option<Sale>, SourceError> {
    // Recording number -> (date, sellers named on it).
    let mut deeds: BTreeMap<String, (NaiveDate, BTreeSet<String>)> = BTreeMap::new();
    // Only rows recorded before `before` can be candidates: paging stops past its year.
    let through = before.map(|b| b.year());
    for seller in sellers {
        for q in search_names(seller) {
            let found = recorder_search::search(ctx, &q, through, tally)?;
            for row in found.rows.iter().cloned() {
                let Some(date) = row.recording_date else {
                    continue;
                };
                let earlier = before.is_none_or(|b| date < b);
                if earlier
                    && is_deed_code(&row.document_code)
                    && !seen.contains(&row.recording_number)
                {
                    deeds
                        .entry(row.recording_number)
                        .or_insert_with(|| (date, BTreeSet::new()))
                        .1
                        .insert(seller.clone());
                }
            }
        }
    }
    // Co-owners usually bought together: a deed naming every seller beats one naming only
    // some; among equals, the latest one before the sale.
    let best = deeds.values().map(|(_, s)| s.len()).max().unwrap_or(0);
    let mut top: Vec<(NaiveDate, String)> = deeds
        .iter()
        .filter(|(_, (_, s))| s.len() == best)
        .map(|(n, (d, _))| (*d, n.clone()))
        .collect();
    top.sort();
    let Some((_, number)) = top.last().cloned() else {
        return Ok(None);
    };
    let Found::Yes(doc) = recorder_docs::fetch(ctx, &number, tally)? else {
        return Ok(None);
    };
    let all_sellers = best == sellers.len() && sellers.len() > 1;
    // One seller's name alone collides too often with namesakes to be more than a lead.
    let confidence = if top.len() == 1 && all_sellers {
        "medium"
    } else {
        "low"
    };
    let seller = sellers.join(" / ");
    Ok(Some(Sale {
        recording_number: doc.recording_number.clone(),
        recording_date: doc.recording_date,
        document_codes: doc.document_codes.clone(),
        names: doc.names.clone(),
        sale_price: None,
        found_by: "owner_name_search".into(),
        match_confidence: confidence.into(),
        match_reason: format!(
            "latest deed before the next sale naming {best} of {} seller(s) ({seller}); {} deed(s) named as many; the Recorder has no parcel link, so this is a name match",
            sellers.len(),
            top.len()
        ),
    }))
}
