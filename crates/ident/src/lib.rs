//! Identifiers: APNs, situs addresses and owner names, normalised and classified.

#![warn(missing_docs)]

pub mod address;
pub mod apn;
pub mod classify;
pub mod matching;
pub mod owner;
pub mod places;

pub use address::{normalize_address, AddressError};
pub use apn::{Apn, ApnError};
pub use classify::{classify, IdentError, Identifier, SearchType, SearchTypeError};
pub use matching::AddressQuery;
pub use owner::{normalize_owner, OwnerError};
