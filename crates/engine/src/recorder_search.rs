//! Name searches at the Recorder, single-flight within a batch: rows whose parcels share an
//! owner (an LLC's many parcels, a seller who sold twice) share one search instead of each
//! paging the index again. Searches are not cached across batches: new documents are
//! recorded every day.

use super::context::Context;
use super::dedupe::Origin;
use super::shared_fetch::fetch_once;
use mps_sources::recorder::{NameQuery, NameSearch};
use mps_sources::{SourceError, Tally};
use std::sync::Arc;

/// The index rows for `q`, every page up to the year `through` (all pages when `None`).
pub fn search(
    ctx: &Context,
    q: &NameQuery,
    through: Option<i32>,
    tally: &mut Tally,
) -> Result<Arc<NameSearch>, SourceError> {
    let key = format!("{q:?}|{through:?}");
    let (found, origin) = fetch_once(
        &ctx.searches,
        &key,
        tally,
        |own| ctx.sources.name_search(q, through, own).map(Arc::new),
        |message| SourceError::Parse {
            source_name: "Recorder",
            url: q.to_string(),
            message,
        },
    )?;
    if origin == Origin::Shared {
        ctx.facts.saved_elsewhere(u64::from(found.pages_read));
    }
    Ok(found)
}
