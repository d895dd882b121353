//! The Recorder's public API (`publicapi.recorder.maricopa.gov`), as `county-services.md` 3.1
//! describes it. Paths are relative to `/recorder`; `/web/…` is the website ([`super::web`]).
//!
//! * `GET /documents/{n}`: the document, `recordingNumber` a string, book and page integers.
//!   A non-numeric id is 400 "Invalid recording number". An unknown number is 404 with a
//!   Spring-style body: the real answer to a numeric unknown id was never captured.
//! * `GET /documents/search?lastNames=&firstNames=&middleNameIs=&businessNames=&pageSize=&pageNumber=`:
//!   one row per (name, document), sorted by recording number; `recordingNumber` a number, book
//!   and page strings, one code with `+` when the document has more. `pageSize` defaults to 20
//!   and is capped at 200, `pageNumber` is 1-based. `totalResults` is capped at 501 and only
//!   the first 501 rows can be paged to. Other filters (document code, dates, book…) and
//!   unknown parameters are ignored; with no name at all the answer is the index from 1947.
//!   A `pageSize` or `pageNumber` that is not a positive integer is a 400.
//! * anything else: 404 (Spring JSON); a method other than GET: 405.
//!
//! A client pages through a result one request at a time, so the first 501 rows of the last
//! few searches are kept: the next page of a search is a slice, not a new search. Recording a
//! document makes every kept search stale.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{json, Value};

use super::lookup::IndexRow;
use super::parties::IndexQuery;
use super::truth::{recorder_date, DocumentTruth};
use super::web::{self, WEB_PREFIX};
use crate::county::County;
use crate::service::CountyService;
use crate::wire::{percent_decode, SimRequest, SimResponse};

/// Rows per page when `pageSize` is absent.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// The largest page the service serves; larger requests get this many.
pub const MAX_PAGE_SIZE: usize = 200;
/// `totalResults` never exceeds this, and rows past it cannot be reached.
pub const TOTAL_CAP: usize = 501;

/// Searches kept for their next pages.
const KEPT_SEARCHES: usize = 64;

/// The Recorder (API and website) over one county.
#[derive(Debug, Clone)]
pub struct Recorder {
    county: Arc<County>,
    kept: Arc<Mutex<VecDeque<KeptSearch>>>,
}

/// A search's reachable rows, as of a count of recorded documents.
#[derive(Debug)]
struct KeptSearch {
    query: IndexQuery,
    recorded: usize,
    rows: Arc<Vec<IndexRow>>,
}

impl CountyService for Recorder {
    fn handle(&self, req: &SimRequest) -> SimResponse {
        Recorder::handle(self, req)
    }
}

/// A Spring Boot error body (`timestamp` written as the service writes dates).
fn spring_error(status: u16, error: &str, message: Option<&str>, path: &str) -> SimResponse {
    let today = recorder_date(chrono::Utc::now().date_naive());
    let mut body = json!({"timestamp": today, "status": status, "error": error});
    if let (Some(message), Some(map)) = (message, body.as_object_mut()) {
        map.insert("message".into(), json!(message));
    }
    if let Some(map) = body.as_object_mut() {
        map.insert("path".into(), json!(path));
    }
    SimResponse::json(status, &body)
}

/// `/documents/{n}` as the API renders it.
pub fn document_json(d: &DocumentTruth) -> Value {
    json!({
        "names": d.names(),
        "documentCodes": d.document_codes,
        "recordingDate": recorder_date(d.recording_date),
        "recordingNumber": d.recording_number,
        "pageAmount": d.page_amount,
        "docketBook": d.docket_book,
        "pageMap": d.page_map,
        "affidavitPresent": d.affidavit_present,
        "affidavitPageAmount": d.affidavit_page_amount,
        "restricted": d.restricted,
    })
}

/// One search row: the matched name, the number as a number, book and page as strings (the
/// tests' view of what a search page holds).
#[cfg(test)]
pub fn search_row_json(name: &str, d: &DocumentTruth) -> Value {
    serde_json::to_value(SearchRow::of(name, d)).unwrap_or_default()
}

/// A search row as the service writes it (these keys, in this order).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchRow<'a> {
    names: &'a str,
    recording_number: u64,
    recording_suffix: &'static str,
    recording_date: String,
    document_code: String,
    docket_book: String,
    page_map: String,
}

impl<'a> SearchRow<'a> {
    fn of(name: &'a str, d: &DocumentTruth) -> SearchRow<'a> {
        let text = |n: u32| if n == 0 { String::new() } else { n.to_string() };
        SearchRow {
            names: name,
            recording_number: d.number_value(),
            recording_suffix: "",
            recording_date: recorder_date(d.recording_date),
            document_code: d.search_code(),
            docket_book: text(d.docket_book),
            page_map: text(d.page_map),
        }
    }
}

/// A search answer as the service writes it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchPage<'a> {
    search_results: Vec<SearchRow<'a>>,
    total_results: usize,
}

/// A positive integer parameter; `None` when absent or empty, `Err` when malformed.
fn positive(req: &SimRequest, name: &str) -> Result<Option<usize>, ()> {
    match req.param(name).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(()),
        },
    }
}

impl Recorder {
    /// The Recorder over `county`, with no searches kept yet.
    pub fn new(county: Arc<County>) -> Recorder {
        Recorder {
            county,
            kept: Arc::default(),
        }
    }

    /// The first `TOTAL_CAP` rows of `q`, from a kept search when one is still current.
    fn reachable_rows(&self, q: &IndexQuery) -> Arc<Vec<IndexRow>> {
        let recorded = self.county.recorded_count();
        // The kept rows are whole values: a panicked holder cannot leave them half-written.
        let lock = || self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        {
            let mut kept = lock();
            if let Some(i) = kept
                .iter()
                .position(|k| k.query == *q && k.recorded == recorded)
            {
                let hit = kept.remove(i);
                let rows = hit.as_ref().map(|k| k.rows.clone());
                kept.extend(hit);
                if let Some(rows) = rows {
                    return rows;
                }
            }
        }
        let mut rows = self.county.search_index(q);
        rows.truncate(TOTAL_CAP);
        let rows = Arc::new(rows);
        let mut kept = lock();
        if kept.len() >= KEPT_SEARCHES {
            kept.pop_front();
        }
        kept.push_back(KeptSearch {
            query: q.clone(),
            recorded,
            rows: rows.clone(),
        });
        rows
    }

    /// Answers one request (path relative to the Recorder prefix).
    pub fn handle(&self, req: &SimRequest) -> SimResponse {
        if let Some(rest) = req.path.strip_prefix(WEB_PREFIX) {
            if rest.is_empty() || rest.starts_with('/') {
                return web::handle(&self.county, req, rest);
            }
        }
        if req.method != "GET" {
            return spring_error(405, "Method Not Allowed", None, &req.path);
        }
        let segments: Vec<String> = req
            .path
            .trim_end_matches('/')
            .split('/')
            .skip(1)
            .map(|s| percent_decode(s, false))
            .collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match segments.as_slice() {
            ["documents", "search"] => self.search(req),
            ["documents", id] => self.document(id, &req.path),
            _ => spring_error(404, "Not Found", None, &req.path),
        }
    }

    fn document(&self, id: &str, path: &str) -> SimResponse {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return spring_error(400, "Bad Request", Some("Invalid recording number"), path);
        }
        match self.county.document(id) {
            Some(doc) => SimResponse::json(200, &document_json(&doc)),
            None => spring_error(404, "Not Found", Some("Document not found"), path),
        }
    }

    fn search(&self, req: &SimRequest) -> SimResponse {
        let (Ok(size), Ok(page)) = (positive(req, "pageSize"), positive(req, "pageNumber")) else {
            // The captured 400 for search carries no message.
            return spring_error(400, "Bad Request", None, &req.path);
        };
        let size = size.unwrap_or(DEFAULT_PAGE_SIZE).min(MAX_PAGE_SIZE);
        let page = page.unwrap_or(1);
        let rows = self.reachable_rows(&query_of(req));
        let reachable = rows.len();
        let start = (page - 1).saturating_mul(size).min(reachable);
        let end = start.saturating_add(size).min(reachable);
        let page = SearchPage {
            search_results: rows[start..end]
                .iter()
                .map(|(name, doc)| SearchRow::of(name, doc))
                .collect(),
            total_results: reachable,
        };
        SimResponse::json_of(200, &page)
    }
}

/// The name parameters of a search; empty values are absent, as the real form sends them.
fn query_of(req: &SimRequest) -> IndexQuery {
    let get = |name: &str| {
        req.param(name)
            .map(super::parties::squash)
            .filter(|v| !v.is_empty())
    };
    IndexQuery {
        last: get("lastNames"),
        first: get("firstNames"),
        middle: get("middleNameIs"),
        business: get("businessNames"),
    }
}
