//! The simulated Recorder: every parcel's recorded history (deeds, deeds of trust, releases,
//! the odd lien or restricted certificate), the name index over it, the public JSON API
//! (`/recorder`) and the JavaScript-rendered document page of the website (`/recorder-web`).
//!
//! Histories are not stored: a parcel's history is computed from (seed, parcel) and the
//! parcel's last deed, and both lookups run backwards without a scan:
//!
//! * a recording number decodes to its parcel ([`numbering`]); the Assessor's last deed is
//!   found this way only if the parcel build numbers it with `County::recorder_deed_number`;
//! * every name on a document is drawn with the Assessor's owner-name functions (previous
//!   owners at derived keys), so a name leads to the parcels that can carry it: by the name
//!   index ([`index`]), which files each family's names by first name once the family is
//!   first searched, bounded by the county's size (some 80 MB if every family is).
//!
//! The only other state ([`state`]): the 1947 index, the reference parcels' last deeds, and
//! the documents recorded while the simulator runs ([`recorded`]), served beside the
//! generated ones everywhere. The county holds it, so [`state`] is storage only and imports
//! nothing that knows the county; the files above fill it.
//!
//! Files: [`truth`] (the types), [`state`] (the storage), [`numbering`], [`parties`] (names and the index match),
//! [`history`] (a parcel's documents), [`old_index`] (the 1947 rows of unfiltered searches),
//! [`index`] (the name index), [`lookup`] (number and name lookups), [`recorded`] (documents
//! recorded at run time), [`api`] (the public API), [`web`] (the website). Tests keep the
//! search and history they replaced ([`replaced`]) as the reference the fast ones must equal.

mod api;
mod history;
mod index;
mod lookup;
mod numbering;
mod old_index;
mod parties;
mod recorded;
mod state;
mod truth;
mod web;

#[cfg(test)]
mod replaced;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_index;
#[cfg(test)]
mod tests_recorded;
#[cfg(test)]
mod tests_truth;

pub use api::{Recorder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, TOTAL_CAP};
pub use parties::IndexQuery;
pub use state::RecorderState;
pub use truth::{DocumentTruth, Party, PartyRole};
pub use web::WEB_PREFIX;
