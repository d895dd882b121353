//! The Recorder public API client: one document by recording number, and name searches read
//! page by page up to what the service will show.
//!
//! The search never shows more than 501 rows (`totalResults` 501 means "more than 500", and
//! the rows past 501 cannot be paged to), so a search that hits the cap, or the page limit, is
//! reported as truncated: the caller must say that results may be missing.

use super::names::NameQuery;
use super::page::{parse_document_page, DOCUMENT_PAGE_SCRIPT};
use super::parse::{parse_document, parse_search_page, ParseError, SearchPage, SearchRow};
use crate::error::SourceError;
use crate::get::counted_get;
use crate::tally::{Found, Tally};
use crate::Http;
use crate::PageReader;
use mps_http::Response;
use mps_model::blocks::Document;
use mps_model::Service;

const NAME: &str = "Recorder";
/// The largest page the service serves.
pub const SEARCH_PAGE_SIZE: u32 = 200;
/// The service's `totalResults` cap: this value means "this many or more".
pub const SEARCH_TOTAL_CAP: u64 = 501;

/// What a name search found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameSearch {
    /// Every row read, in the service's order (recording number ascending).
    pub rows: Vec<SearchRow>,
    /// The service's `totalResults` (at most 501).
    pub total: u64,
    /// Search pages read.
    pub pages_read: u32,
    /// Rows may be missing: the service's cap was hit, or paging stopped at the page limit.
    pub truncated: bool,
}

/// A client for the Recorder's API and website base URLs.
#[derive(Clone)]
pub struct RecorderClient {
    http: Http,
    api_base: String,
    web_base: String,
    max_pages: u32,
}

impl std::fmt::Debug for RecorderClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecorderClient")
            .field("api_base", &self.api_base)
            .field("web_base", &self.web_base)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

impl RecorderClient {
    /// `max_pages` bounds the pages one search reads (at least 1; 3 pages reach the cap).
    pub fn new(http: Http, api_base: &str, web_base: &str, max_pages: u32) -> Self {
        RecorderClient {
            http,
            api_base: api_base.trim_end_matches('/').to_string(),
            web_base: web_base.trim_end_matches('/').to_string(),
            max_pages: max_pages.max(1),
        }
    }

    /// The API URL of one document.
    pub fn document_url(&self, recording_number: &str) -> String {
        format!("{}/documents/{}", self.api_base, recording_number.trim())
    }

    /// The API URL of one search page.
    pub fn search_url(&self, q: &NameQuery, page: u32) -> String {
        let mut url = format!("{}/documents/search?", self.api_base);
        for (name, value) in q.params() {
            url.push_str(&format!("{name}={}&", crate::query::encode(value)));
        }
        url.push_str(&format!("pageSize={SEARCH_PAGE_SIZE}&pageNumber={page}"));
        url
    }

    /// Reads one document from the website's page, in a browser (the scraping-only way to
    /// what [`RecorderClient::document`] asks the API for).
    pub fn document_page(
        &self,
        pages: &dyn PageReader,
        recording_number: &str,
        tally: &mut Tally,
    ) -> Result<Found<Document>, SourceError> {
        let url = self.document_page_url(recording_number);
        let json = pages.read(Service::Recorder, NAME, &url, DOCUMENT_PAGE_SCRIPT, tally)?;
        parse_document_page(&json, &url)
    }

    /// The website's page for one document (JavaScript-rendered: read it with
    /// [`RecorderClient::document_page`]).
    pub fn document_page_url(&self, recording_number: &str) -> String {
        format!(
            "{}/recording/document-details.html?recordingNumber={}",
            self.web_base,
            crate::query::encode(recording_number.trim())
        )
    }

    /// Fetches `/documents/{n}`. A number that is not all digits cannot exist and is not
    /// asked for; an unknown number is `NotFound`.
    pub fn document(
        &self,
        recording_number: &str,
        tally: &mut Tally,
    ) -> Result<Found<Document>, SourceError> {
        let n = recording_number.trim();
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Found::NotFound);
        }
        let url = self.document_url(n);
        let resp = self.get(&url, tally)?;
        // The API's 404 is JSON; an HTML 404 page means this is not the API (a wrong base URL).
        let body = crate::body::loose(NAME, &resp)?;
        if resp.status == 404 {
            return Ok(Found::NotFound);
        }
        let doc = parse_document(&body).map_err(|e| parse_error(&url, &e))?;
        if doc.recording_number != n {
            return Err(SourceError::Parse {
                source_name: NAME,
                url,
                message: format!("asked for {n}, got document {}", doc.recording_number),
            });
        }
        Ok(Found::Yes(doc))
    }

    /// Searches the name index, reading pages of 200 until the service's total (at most 501
    /// rows) is covered or `max_pages` pages were read.
    pub fn search(&self, q: &NameQuery, tally: &mut Tally) -> Result<NameSearch, SourceError> {
        self.search_through(q, None, tally)
    }

    /// [`RecorderClient::search`] for a caller that needs only documents recorded up to the
    /// year `through`: the index is sorted by recording number, whose first four digits are
    /// the recording year, so once a page ends past that year no later page can hold a row
    /// the caller wants, and paging stops there (a search for a seller's earlier deeds
    /// rarely needs a second page even for a common name).
    pub fn search_through(
        &self,
        q: &NameQuery,
        through: Option<i32>,
        tally: &mut Tally,
    ) -> Result<NameSearch, SourceError> {
        let mut out = NameSearch::default();
        let mut seen = std::collections::HashSet::new();
        let mut covered = false;
        for page in 1..=self.max_pages {
            let url = self.search_url(q, page);
            let resp = self.get(&url, tally)?;
            if resp.status == 404 {
                // The search always exists: a 404 means the base URL is wrong.
                return Err(SourceError::Status {
                    source_name: NAME,
                    status: 404,
                    url,
                });
            }
            let body = crate::body::loose(NAME, &resp)?;
            let SearchPage { total, rows } =
                parse_search_page(&body).map_err(|e| parse_error(&url, &e))?;
            out.pages_read = page;
            out.total = total;
            let empty = rows.is_empty();
            for row in rows {
                // Rows are (name, document) pairs; a page boundary shifting under a live index
                // could repeat one.
                if seen.insert((row.recording_number.clone(), row.name.clone())) {
                    out.rows.push(row);
                }
            }
            let reachable = total.min(SEARCH_TOTAL_CAP);
            if empty || u64::from(page) * u64::from(SEARCH_PAGE_SIZE) >= reachable {
                covered = true;
                break;
            }
            let past = |y: i32| {
                out.rows
                    .last()
                    .and_then(|r| recording_year(&r.recording_number))
                    .is_some_and(|last| last > y)
            };
            if through.is_some_and(past) {
                // Every row up to `through` was read: nothing the caller wants is missing.
                out.truncated = false;
                return Ok(out);
            }
        }
        out.truncated = out.total >= SEARCH_TOTAL_CAP || !covered;
        Ok(out)
    }

    fn get(&self, url: &str, tally: &mut Tally) -> Result<Response, SourceError> {
        let headers = [("Accept", "application/json")];
        let usable = &crate::body::json_usable;
        let resp = counted_get(&self.http, Service::Recorder, url, &headers, usable, tally)?;
        match resp.status {
            200..=299 | 404 => Ok(resp),
            status => Err(SourceError::Status {
                source_name: NAME,
                status,
                url: url.to_string(),
            }),
        }
    }
}

/// The year a recording number starts with (`20150453721` → 2015).
pub fn recording_year(number: &str) -> Option<i32> {
    number.get(..4).and_then(|y| y.parse().ok())
}

fn parse_error(url: &str, e: &ParseError) -> SourceError {
    SourceError::Parse {
        source_name: NAME,
        url: url.to_string(),
        message: e.to_string(),
    }
}
