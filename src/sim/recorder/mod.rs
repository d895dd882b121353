//! The simulated Recorder: every parcel's recorded history (deeds, deeds of trust, releases,
//! the odd lien or restricted certificate), the name index over it, the public JSON API
//! (`/recorder`) and the JavaScript-rendered document page of the website (`/recorder-web`).
//!
//! Nothing is stored: a parcel's history is computed from (seed, parcel) and the parcel's
//! Assessor truth, and both lookups run backwards without a scan:
//!
//! * a recording number decodes to its parcel ([`numbering`]); the Assessor's last deed is
//!   found this way only if the parcel build numbers it with `County::recorder_deed_number`;
//! * every name on a document is drawn with the Assessor's invertible owner-name functions
//!   (previous owners at derived keys), so a name leads to the few parcels that can carry it
//!   ([`lookup`]).
//!
//! Files: [`truth`] (the types), [`numbering`], [`parties`] (names and the index match),
//! [`history`] (a parcel's documents), [`old_index`] (the 1947 rows of unfiltered searches),
//! [`lookup`] (number and name lookups), [`api`] (the public API), [`web`] (the website).

mod api;
mod history;
mod lookup;
mod numbering;
mod old_index;
mod parties;
mod truth;
mod web;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_truth;

pub use api::{Recorder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, TOTAL_CAP};
pub use parties::IndexQuery;
pub use truth::{DocumentTruth, Party, PartyRole};

/// The path prefix (after the server strips `/recorder-web`) under which the website lives.
pub const WEB_PREFIX: &str = "/web";
