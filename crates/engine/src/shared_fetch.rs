//! One fetch per key among the rows of a batch: a source read run through a
//! [`SingleFlight`], counted in the tally of the row that ran it, its error kept whole for
//! that row (failures are never shared: the next row asking tries again).

use super::dedupe::{Origin, SingleFlight};
use mps_sources::{SourceError, Tally};

/// Runs `fetch` for `key` unless a concurrent or recent row already did, then returns its
/// value and whether this row fetched it or shared another's. The requests this row sent go
/// to `tally`. `describe` turns the text of a failure into an error, for the rare case the
/// original error is not at hand.
pub fn fetch_once<T: Clone>(
    flight: &SingleFlight<Result<T, String>>,
    key: &str,
    tally: &mut Tally,
    fetch: impl FnOnce(&mut Tally) -> Result<T, SourceError>,
    describe: impl FnOnce(String) -> SourceError,
) -> Result<(T, Origin), SourceError> {
    let mut own = Tally::default();
    let mut failure = None;
    let (result, origin) = flight.get_or_run(
        key,
        || match fetch(&mut own) {
            Ok(value) => Ok(value),
            Err(e) => {
                let text = e.to_string();
                failure = Some(e);
                Err(text)
            }
        },
        Result::is_ok,
    );
    tally.absorb(&own);
    match result {
        Ok(value) => Ok((value, origin)),
        // Failures are not shared (`keep` refuses them): this row ran the fetch and holds
        // its error.
        Err(text) => Err(failure.unwrap_or_else(|| describe(text))),
    }
}
