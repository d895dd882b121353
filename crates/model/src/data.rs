//! What each source block carries: the typed data of the Assessor, tax, sales and
//! documents blocks, from the step that fetches it to the sinks that write it.
//!
//! JSON is only how these are written (JSONL, JSON, the database's `data` column) and read
//! back (`--retry-failed --source`); the CSV and PostgreSQL mappings read the fields, so a
//! renamed field is a compile error, not a silent empty cell.

use crate::blocks::{Document, ParcelRecord, Sale, SearchMatch, TaxRecord};
use chrono::NaiveDate;
use mps_ident::Apn;
use serde::{Deserialize, Serialize};

/// One entry per parcel the row resolved to: the shape of every block but the Assessor's
/// search and validation answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parcels<T> {
    /// One entry per parcel, in the order the Assessor resolved them.
    pub parcels: Vec<T>,
}

impl<T> Parcels<T> {
    /// Wraps the entries.
    pub fn new(parcels: Vec<T>) -> Self {
        Parcels { parcels }
    }
}

/// What the Assessor block carries, by mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AssessorData {
    /// The full parcel records (modes property, sales, documents, comprehensive).
    Parcels(Parcels<ParcelRecord>),
    /// The parcels a search matched exactly (mode search).
    Search(SearchResult),
    /// Whether the identifier names exactly one parcel (mode validate).
    Validation(Validation),
}

impl AssessorData {
    /// The parcel records, empty unless this is a parcels answer.
    pub fn parcels(&self) -> &[ParcelRecord] {
        match self {
            AssessorData::Parcels(p) => &p.parcels,
            _ => &[],
        }
    }

    /// The search matches, empty unless this is a search answer.
    pub fn matches(&self) -> &[SearchMatch] {
        match self {
            AssessorData::Search(s) => &s.matches,
            _ => &[],
        }
    }
}

/// A search's exact matches and how the fuzzy search behind them went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    /// How many parcels matched exactly.
    pub match_count: usize,
    /// Rows the service said it had (fuzzy, before filtering).
    pub service_total: u64,
    /// Pages of 25 rows read.
    pub pages_read: u32,
    /// True when paging stopped at the page cap before the service's last page.
    pub truncated: bool,
    /// The exact matches.
    pub matches: Vec<SearchMatch>,
}

/// The answer of mode validate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// True when exactly one parcel matches.
    pub valid: bool,
    /// How many parcels match.
    pub parcel_count: usize,
    /// The verdict in words (`several parcels match`).
    pub reason: String,
}

/// The tax block: the Treasurer's record of each parcel.
pub type TaxData = Parcels<TaxRecord>;

/// The sales block: each parcel's deed history.
pub type SalesData = Parcels<ParcelSales>;

/// The documents block: each parcel's owners' documents.
pub type DocumentsData = Parcels<ParcelDocuments>;

/// One parcel's sales: the last deed and the earlier ones found before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParcelSales {
    /// The parcel.
    pub apn: Apn,
    /// The Assessor's most recent deed, read at the Recorder; `None` when it names none.
    pub last_deed: Option<Sale>,
    /// Earlier deeds, newest first, each a heuristic match with its confidence.
    pub history: Vec<Sale>,
}

/// The documents of one parcel's current owners.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParcelDocuments {
    /// The parcel.
    pub apn: Apn,
    /// The owner names searched in the Recorder's index, as queried.
    pub owners_searched: Vec<String>,
    /// Documents recorded before this date are left out (`None`: all).
    pub since: Option<NaiveDate>,
    /// `index` (described from the name index) or `full` (each document read).
    pub detail: String,
    /// True when the list may miss documents; `truncated_reason` says why.
    pub truncated: bool,
    /// Why the list may miss documents.
    pub truncated_reason: Option<String>,
    /// The documents, oldest first.
    pub documents: Vec<ListedDocument>,
}

/// A document of a parcel's owners: read in full, or described from its index row, where
/// the fields only a full read gives are `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListedDocument {
    /// The Recorder's recording number.
    pub recording_number: String,
    /// The date the document was recorded.
    pub recording_date: Option<NaiveDate>,
    /// Its type codes: all of them read in full, the first one from the index.
    pub document_codes: Vec<String>,
    /// True when the index row says the document has more codes than the one shown.
    pub more_codes: bool,
    /// Every party (full read only).
    pub names: Option<Vec<String>>,
    /// Number of pages (full read only).
    pub page_count: Option<u32>,
    /// The docket book, when it has one.
    pub docket_book: Option<u32>,
    /// The page (or map) in that docket book, when it has one.
    pub page_map: Option<u32>,
    /// Whether an Affidavit of Property Value accompanies it (full read only).
    pub affidavit_present: Option<bool>,
    /// Whether its body is withheld from the public (full read only).
    pub restricted: Option<bool>,
    /// The owner names it was found under.
    pub matched_names: Vec<String>,
}

impl ListedDocument {
    /// A document read in full, found under `matched_names`.
    pub fn full(doc: Document, matched_names: Vec<String>) -> Self {
        ListedDocument {
            recording_number: doc.recording_number,
            recording_date: doc.recording_date,
            document_codes: doc.document_codes,
            // A full document lists all its codes, so none are left to mention.
            more_codes: false,
            names: Some(doc.names),
            page_count: doc.page_count,
            docket_book: doc.docket_book,
            page_map: doc.page_map,
            affidavit_present: doc.affidavit_present,
            restricted: Some(doc.restricted),
            matched_names,
        }
    }
}
