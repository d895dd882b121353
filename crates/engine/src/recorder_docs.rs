//! Reading one Recorder document by recording number: from the facts cache when it was read
//! before (a recorded document never changes), else the public API, or the website's
//! JavaScript page when the strategy says so. Single-flight within a batch, so the sales and
//! documents steps of a row (which run side by side) and rows sharing a deed read it once.

use super::context::Context;
use super::dedupe::Origin;
use super::shared_fetch::fetch_once;
use mps_model::blocks::Document;
use mps_model::strategy::Strategy;
use mps_sources::{Found, SourceError, Tally};

/// Fetches a document's full metadata.
pub fn fetch(
    ctx: &Context,
    number: &str,
    tally: &mut Tally,
) -> Result<Found<Document>, SourceError> {
    let (found, origin) = fetch_once(
        &ctx.documents,
        number,
        tally,
        |own| read(ctx, number, own),
        |message| SourceError::Parse {
            source_name: "Recorder",
            url: ctx.sources.document_url(number),
            message,
        },
    )?;
    if origin == Origin::Shared {
        ctx.facts.saved_elsewhere(1);
    }
    Ok(found)
}

fn read(ctx: &Context, number: &str, tally: &mut Tally) -> Result<Found<Document>, SourceError> {
    if let Some(doc) = ctx.facts.document(number) {
        return Ok(Found::Yes(doc));
    }
    let found = if ctx.strategy == Strategy::ScrapingOnly {
        ctx.sources.document_page(&ctx.browser, number, tally)?
    } else {
        ctx.sources.document(number, tally)?
    };
    if let Found::Yes(doc) = &found {
        ctx.facts.put_document(doc);
    }
    Ok(found)
}
