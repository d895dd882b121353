//! The Maricopa County Recorder: its public JSON API (documents by recording number, the name
//! index) and its JavaScript-rendered document page.
//!
//! The Recorder has no parcel cross-reference: a parcel's documents are found through the
//! Assessor's last deed (by number) and through its owners' names (by search), which is why
//! [`search_names`] turns an Assessor `Ownership` into index queries and [`is_deed_code`] tells
//! transfers from the loans, releases and liens a name search also returns.

mod client;
mod names;
mod page;
mod parse;

#[cfg(test)]
mod tests;

pub use client::{recording_year, NameSearch, RecorderClient, SEARCH_PAGE_SIZE, SEARCH_TOTAL_CAP};
pub use names::{is_business_name, is_deed_code, search_names, NameQuery};
pub use parse::{parse_recorder_date, SearchRow};
