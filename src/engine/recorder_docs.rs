//! Reading one Recorder document by recording number: the public API, or the website's
//! JavaScript page when the strategy says so.

use super::context::Context;
use super::strategy::Strategy;
use crate::source::model::Document;
use crate::source::recorder::{parse_document_page, DOCUMENT_PAGE_SCRIPT};
use crate::source::{Found, Source, SourceError, Tally};

/// Fetches a document's full metadata.
pub fn fetch(
    ctx: &Context,
    number: &str,
    tally: &mut Tally,
) -> Result<Found<Document>, SourceError> {
    if ctx.strategy == Strategy::ScrapingOnly {
        let url = ctx.recorder.document_page_url(number);
        let json = ctx.pages.read(
            Source::Recorder,
            "Recorder",
            &url,
            DOCUMENT_PAGE_SCRIPT,
            tally,
        )?;
        return parse_document_page(&json, &url);
    }
    ctx.recorder.document(number, tally)
}
