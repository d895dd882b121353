//! What a source needs of a browser: a page loaded and a script's answer read from it. The
//! engine owns the browser pool and implements this; each source keeps its own page script
//! and the parser of that script's answer.

use crate::{SourceError, Tally};
use mps_model::Service;

/// Loads a page in a browser, within `service`'s politeness budget, and returns what
/// `script` resolved with (counted in `tally` like a request).
pub trait PageReader: Sync {
    /// Reads `url` with `script`; `source_name` names the service in errors.
    fn read(
        &self,
        service: Service,
        source_name: &'static str,
        url: &str,
        script: &str,
        tally: &mut Tally,
    ) -> Result<String, SourceError>;
}
