//! The Assessor API client: parcel records and exact-match search over the fuzzy search.

use super::parse::{is_empty_parcel, parse_parcel, parse_search_page, SearchPage};
use crate::error::SourceError;
use crate::get::counted_get;
use crate::tally::{Found, Tally};
use crate::Http;
use mps_http::Response;
use mps_ident::Apn;
use mps_model::blocks::{ParcelRecord, SearchMatch};
use mps_model::Service;

const NAME: &str = "Assessor";

/// The result of an exact-match search: every matching row over all pages read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchOutcome {
    /// The rows the caller's filter kept, once each (by APN), in the service's order.
    pub matches: Vec<SearchMatch>,
    /// Rows the service said it had (fuzzy, before filtering).
    pub service_total: u64,
    /// Search pages read (a page the service answered 404 is not counted).
    pub pages_read: u32,
    /// True when paging stopped at the page cap before the service's last page.
    pub truncated: bool,
}

/// A client for one Assessor base URL and token.
#[derive(Clone)]
pub struct AssessorClient {
    http: Http,
    base: String,
    token: String,
    max_search_pages: u32,
}

impl AssessorClient {
    /// `base` is the API root (a trailing `/` is dropped) and `token` its AUTHORIZATION
    /// header; `max_search_pages` bounds the pages one search reads (at least 1).
    pub fn new(http: Http, base: &str, token: &str, max_search_pages: u32) -> Self {
        AssessorClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            max_search_pages: max_search_pages.max(1),
        }
    }

    /// The URL of a parcel's full record (one request gives every field mps reports).
    pub fn parcel_url(&self, apn: &Apn) -> String {
        format!("{}/parcel/{}", self.base, apn.compact())
    }

    /// The URL of one search page.
    pub fn search_url(&self, query: &str, page: u32) -> String {
        format!(
            "{}/search/property/?q={}&page={page}",
            self.base,
            crate::query::encode(query)
        )
    }

    /// Fetches `/parcel/{apn}`.
    pub fn parcel(&self, apn: &Apn, tally: &mut Tally) -> Result<Found<ParcelRecord>, SourceError> {
        let url = self.parcel_url(apn);
        let resp = self.get(&url, tally)?;
        if resp.status == 404 {
            return Ok(Found::NotFound);
        }
        let body = crate::body::loose(NAME, &resp)?;
        if is_empty_parcel(&body) {
            return Ok(Found::NotFound);
        }
        parse_parcel(*apn, &body)
            .map(Found::Yes)
            .map_err(|e| SourceError::Parse {
                source_name: NAME,
                url,
                message: e.to_string(),
            })
    }

    /// Searches and keeps the rows `keep` accepts, reading pages until the service's total is
    /// covered, the page cap is hit, or (with `stop_at_first`) one row matched.
    pub fn search(
        &self,
        query: &str,
        keep: impl Fn(&SearchMatch) -> bool,
        stop_at_first: bool,
        tally: &mut Tally,
    ) -> Result<SearchOutcome, SourceError> {
        let mut out = SearchOutcome::default();
        let mut seen = std::collections::HashSet::new();
        for page in 1..=self.max_search_pages {
            let url = self.search_url(query, page);
            let resp = self.get(&url, tally)?;
            if resp.status == 404 {
                break;
            }
            let body = crate::body::loose(NAME, &resp)?;
            let SearchPage { total, rows } =
                parse_search_page(&body).map_err(|e| SourceError::Parse {
                    source_name: NAME,
                    url: url.clone(),
                    message: e.to_string(),
                })?;
            out.pages_read = page;
            out.service_total = total;
            let empty = rows.is_empty();
            for row in rows {
                if keep(&row) && seen.insert(row.apn) {
                    out.matches.push(row);
                }
            }
            let covered = u64::from(page) * 25 >= total;
            if empty || covered || (stop_at_first && !out.matches.is_empty()) {
                return Ok(out);
            }
        }
        out.truncated = u64::from(out.pages_read) * 25 < out.service_total;
        Ok(out)
    }

    fn get(&self, url: &str, tally: &mut Tally) -> Result<Response, SourceError> {
        let headers = [("AUTHORIZATION", self.token.as_str())];
        let usable = &crate::body::json_usable;
        let resp = counted_get(&self.http, Service::Assessor, url, &headers, usable, tally)?;
        match resp.status {
            200..=299 | 404 => Ok(resp),
            401 | 403 => Err(SourceError::Unauthorized {
                url: url.to_string(),
            }),
            status => Err(SourceError::Status {
                source_name: NAME,
                status,
                url: url.to_string(),
            }),
        }
    }
}
