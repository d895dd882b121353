//! One counted GET: how every source's client sends a request and tallies it.

use crate::{Http, SourceError, Tally};
use mps_http::Response;
use mps_model::Service;

/// GETs `url` from `service`'s host (retried by the polite client while `usable` refuses the
/// answer), and counts the attempts and the time of the answer in `tally`, failed or not.
/// The caller judges the status.
pub(crate) fn counted_get(
    http: &Http,
    service: Service,
    url: &str,
    headers: &[(&str, &str)],
    usable: &dyn Fn(&Response) -> bool,
    tally: &mut Tally,
) -> Result<Response, SourceError> {
    tally.start(url);
    match http.get_checked(service, url, headers, usable) {
        Ok(resp) => {
            tally.finish(resp.attempts);
            Ok(resp)
        }
        Err(e) => {
            tally.finish(e.attempts());
            Err(e.into())
        }
    }
}
