//! The Treasurer's part of a row: tax years for each parcel, over plain HTTP (the legacy
//! pages) or in a browser (the current page), as the strategy says.

use super::block;
use super::context::Context;
use super::dedupe::Origin;
use super::shared_fetch::fetch_once;
use mps_ident::Apn;
use mps_model::blocks::{SourceStatus, TaxRecord};
use mps_model::data::{Parcels, TaxData};
use mps_model::record::SourceBlock;
use mps_model::strategy::Strategy;
use mps_sources::treasurer::Legacy;
use mps_sources::{Found, SourceError, Tally};

const NAME: &str = "Treasurer";

/// Tax records for every parcel the row resolved to.
pub fn run(ctx: &Context, apns: &[Apn]) -> SourceBlock<TaxData> {
    let mut tally = Tally::default();
    let mut records = Vec::new();
    for apn in apns {
        match shared_tax_for(ctx, apn, &mut tally) {
            Ok(Found::Yes(r)) => records.push(r),
            Ok(Found::NotFound) => {}
            Err(e) => return block::failed(&tally, e.to_string()),
        }
    }
    let status = if records.is_empty() {
        SourceStatus::NotFound
    } else {
        SourceStatus::Ok
    };
    let data = (!records.is_empty()).then(|| Parcels::new(records));
    block::from_result(&tally, Ok((status, data)))
}

/// A parcel's tax years, single-flight within the batch: rows resolving to the same parcel
/// (an owner's or an address's search rows, duplicates in other spellings) share one read
/// of the Treasurer's pages.
fn shared_tax_for(
    ctx: &Context,
    apn: &Apn,
    tally: &mut Tally,
) -> Result<Found<TaxRecord>, SourceError> {
    let ((found, requests), origin) = fetch_once(
        &ctx.taxes,
        &apn.dashed(),
        tally,
        |own| {
            let found = tax_for(ctx, apn, own)?;
            Ok((found, own.requests))
        },
        |message| SourceError::Page {
            source_name: NAME,
            url: ctx.sources.tax_url(apn, false),
            message,
        },
    )?;
    if origin == Origin::Shared {
        ctx.facts.saved_elsewhere(u64::from(requests));
    }
    Ok(found)
}

fn tax_for(ctx: &Context, apn: &Apn, tally: &mut Tally) -> Result<Found<TaxRecord>, SourceError> {
    match ctx.strategy {
        Strategy::ScrapingOnly => current(ctx, apn, tally),
        Strategy::ParallelAll => parallel(ctx, apn, tally),
        Strategy::ApiOnly => match legacy(ctx, apn, tally)? {
            Some(found) => Ok(found),
            None => Err(SourceError::NeedsBrowser {
                source_name: NAME,
                message: "the legacy tax pages are retired and the current page needs a browser; run with --strategy intelligent".into(),
            }),
        },
        Strategy::Intelligent | Strategy::Sequential => {
            if !ctx.legacy_retired() {
                if let Some(found) = legacy(ctx, apn, tally)? {
                    return Ok(found);
                }
            }
            current(ctx, apn, tally)
        }
    }
}

/// The legacy pages over HTTP; `None` when they are retired (learned once per batch).
fn legacy(
    ctx: &Context,
    apn: &Apn,
    tally: &mut Tally,
) -> Result<Option<Found<TaxRecord>>, SourceError> {
    match ctx.sources.tax_legacy(apn, tally)? {
        Legacy::Found(r) => Ok(Some(Found::Yes(r))),
        Legacy::NotFound => Ok(Some(Found::NotFound)),
        Legacy::Retired => {
            ctx.mark_legacy_retired();
            Ok(None)
        }
    }
}

/// The current page, rendered by JavaScript, read in a browser.
fn current(ctx: &Context, apn: &Apn, tally: &mut Tally) -> Result<Found<TaxRecord>, SourceError> {
    ctx.sources.tax_current(&ctx.browser, apn, tally)
}

/// Both paths at once; the first complete answer wins, the other is a fallback.
fn parallel(ctx: &Context, apn: &Apn, tally: &mut Tally) -> Result<Found<TaxRecord>, SourceError> {
    let (mut t1, mut t2) = (Tally::default(), Tally::default());
    let (http, page) = rayon::join(
        || legacy(ctx, apn, &mut t1),
        || crate::overlap::caught(|| current(ctx, apn, &mut t2)).ok_or(()),
    );
    for t in [&t1, &t2] {
        if tally.first_url.is_none() {
            tally.first_url = t.first_url.clone();
        }
        tally.requests += t.requests;
        tally.fetched_at = tally.fetched_at.max(t.fetched_at);
    }
    match (http, page) {
        (Ok(Some(found)), _) => Ok(found),
        (_, Ok(Ok(found))) => Ok(found),
        (Err(e), _) => Err(e),
        (Ok(None), Ok(Err(e))) => Err(e),
        (Ok(None), Err(_)) => Err(SourceError::Page {
            source_name: NAME,
            url: ctx.sources.tax_url(apn, true),
            message: "the page reader panicked".into(),
        }),
    }
}
