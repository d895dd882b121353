//! Name searches at the Recorder, single-flight within a batch: rows whose parcels share an
//! owner (an LLC's many parcels, a seller who sold twice) share one search instead of each
//! paging the index again. Searches are not cached across batches: new documents are
//! recorded every day.

use super::context::Context;
use super::dedupe::Origin;
use crate::source::recorder::{NameQuery, NameSearch};
use crate::source::{SourceError, Tally};
use std::sync::Arc;

/// What a shared search holds: the result, or the failure (not shared: see `keep`).
pub type Shared = Result<Arc<NameSearch>, String>;

/// The index rows for `q`, every page up to the year `through` (all pages when `None`).
pub fn search(
    ctx: &Context,
    q: &NameQuery,
    through: Option<i32>,
    tally: &mut Tally,
) -> Result<Arc<NameSearch>, SourceError> {
    let key = format!("{q:?}|{through:?}");
    let mut own = Tally::default();
    let mut failure = None;
    let (result, origin) = ctx.searches.get_or_run(
        &key,
        || match ctx.recorder.search_through(q, through, &mut own) {
            Ok(found) => Ok(Arc::new(found)),
            Err(e) => {
                let text = e.to_string();
                failure = Some(e);
                Err(text)
            }
        },
        Result::is_ok,
    );
    tally.absorb(&own);
    match (result, origin) {
        (Ok(found), Origin::Shared) => {
            ctx.facts.saved_elsewhere(u64::from(found.pages_read));
            Ok(found)
        }
        (Ok(found), Origin::Fetched) => Ok(found),
        // Failures are never shared (`keep` refuses them), so this row ran the search and
        // holds its error.
        (Err(text), _) => Err(failure.unwrap_or_else(|| SourceError::Parse {
            source_name: "Recorder",
            url: q.to_string(),
            message: text,
        })),
    }
}
