//! The Treasurer client over plain HTTP: the legacy ASP.NET pages behind a session cookie,
//! and the URL of the current page (read in a browser, see [`super::current`]).
//!
//! One parcel costs three requests: `default.aspx?Parcel=` opens the session, then
//! `Summary.aspx?List=All` gives every year's amounts, status and liens, and `Activities.aspx`
//! the payments. `Activities.aspx` is skipped when no year shows any tax paid (there can be no
//! payment to list), and `DetailedTaxStatement.aspx` is never needed: it adds no field of
//! [`TaxRecord`].

use super::cookies::Cookies;
use super::current::{parse_current, CURRENT_PAGE_SCRIPT};
use super::legacy::{check_parcel, page_kind, parse_all_years, parse_payments, PageKind};
use super::page_cells::record;
use crate::error::SourceError;
use crate::get::counted_get;
use crate::tally::{Found, Tally};
use crate::Http;
use crate::PageReader;
use mps_http::Response;
use mps_ident::Apn;
use mps_model::blocks::{TaxPage, TaxRecord};
use mps_model::Service;

const NAME: &str = "Treasurer";

/// The path of the current page, where the retired legacy site redirects.
const CURRENT_PATH: &str = "/PropertyTaxInformation/";

/// What the legacy pages said about a parcel.
#[derive(Debug, Clone, PartialEq)]
pub enum Legacy {
    /// The parcel's tax years and payments, read from the summary and activities pages.
    Found(TaxRecord),
    /// The legacy site has no records for this parcel.
    NotFound,
    /// The legacy site redirected to the current page: only a browser can read it now.
    Retired,
}

/// A client for one Treasurer base URL.
#[derive(Clone)]
pub struct TreasurerClient {
    http: Http,
    base: String,
}

impl std::fmt::Debug for TreasurerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TreasurerClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// Did this answer come from (or point to) the current page instead of a legacy one?
fn is_retired(resp: &Response) -> bool {
    let at_current = |url: &str| url.to_ascii_lowercase().contains("/propertytaxinformation");
    at_current(&resp.url)
        || ((300..400).contains(&resp.status) && resp.header("location").is_some_and(at_current))
}

impl TreasurerClient {
    /// `base_url` is the Treasurer's site root (a trailing `/` is dropped); the legacy and
    /// current pages both hang off it.
    pub fn new(http: Http, base_url: &str) -> Self {
        TreasurerClient {
            http,
            base: base_url.trim_end_matches('/').to_string(),
        }
    }

    /// Step 1 of the legacy flow: the summary that opens the session.
    pub fn legacy_url(&self, apn: &Apn) -> String {
        format!("{}/parcel/default.aspx?Parcel={}", self.base, apn.compact())
    }

    /// The current (JavaScript) page of a parcel.
    pub fn current_url(&self, apn: &Apn) -> String {
        format!("{}{CURRENT_PATH}?Parcel={}", self.base, apn.compact())
    }

    /// Reads a parcel's tax years from the current page, rendered by JavaScript, in a
    /// browser.
    pub fn current(
        &self,
        pages: &dyn PageReader,
        apn: &Apn,
        tally: &mut Tally,
    ) -> Result<Found<TaxRecord>, SourceError> {
        let url = self.current_url(apn);
        let json = pages.read(Service::Treasurer, NAME, &url, CURRENT_PAGE_SCRIPT, tally)?;
        parse_current(*apn, &json, &url)
    }

    /// Reads a parcel's tax years from the legacy pages.
    pub fn legacy(&self, apn: &Apn, tally: &mut Tally) -> Result<Legacy, SourceError> {
        let mut jar = Cookies::default();
        let url = self.legacy_url(apn);
        let first = self.get(&url, &mut jar, tally)?;
        if is_retired(&first) {
            return Ok(Legacy::Retired);
        }
        let html = first.text();
        match page_kind(&html) {
            PageKind::Parcel => {}
            PageKind::NoRecords => return Ok(Legacy::NotFound),
            _ => {
                return Err(layout(
                    &url,
                    format!("element #{}headerSummary is missing", super::legacy::ID),
                ))
            }
        }
        check_parcel(&html, apn).map_err(|m| layout(&url, m))?;
        if jar.header().is_none() {
            return Err(layout(&url, "no session cookie was set".into()));
        }

        let url = format!("{}/Parcel/Summary.aspx?List=All", self.base);
        let Some(html) = self.session_page(&url, apn, &mut jar, tally)? else {
            return Ok(Legacy::Retired);
        };
        let years = parse_all_years(&html).map_err(|m| layout(&url, m))?;

        let payments = if years.iter().any(|y| y.paid != 0) {
            let url = format!("{}/Parcel/Activities.aspx", self.base);
            let Some(html) = self.session_page(&url, apn, &mut jar, tally)? else {
                return Ok(Legacy::Retired);
            };
            parse_payments(&html).map_err(|m| layout(&url, m))?
        } else {
            Vec::new()
        };
        Ok(Legacy::Found(record(
            *apn,
            years,
            payments,
            TaxPage::Legacy,
        )))
    }

    /// A step-2 page of this parcel's session; `None` when it redirected to the current site.
    fn session_page(
        &self,
        url: &str,
        apn: &Apn,
        jar: &mut Cookies,
        tally: &mut Tally,
    ) -> Result<Option<String>, SourceError> {
        let resp = self.get(url, jar, tally)?;
        if is_retired(&resp) {
            return Ok(None);
        }
        let html = resp.text().into_owned();
        match page_kind(&html) {
            PageKind::Parcel => {}
            PageKind::SessionExpired => {
                return Err(layout(
                    url,
                    "the session cookie was not accepted (session expired page)".into(),
                ))
            }
            _ => {
                return Err(layout(
                    url,
                    format!("element #{}headerSummary is missing", super::legacy::ID),
                ))
            }
        }
        check_parcel(&html, apn).map_err(|m| layout(url, m))?;
        Ok(Some(html))
    }

    /// One counted GET with the session's cookies; keeps the cookies the answer sets.
    fn get(
        &self,
        url: &str,
        jar: &mut Cookies,
        tally: &mut Tally,
    ) -> Result<Response, SourceError> {
        let cookie = jar.header();
        let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("Cookie", c.as_str())).collect();
        // A maintenance page is worth a retry; a page of another layout is not (the site
        // changed, and asking again would only cost the county requests).
        let usable = |r: &Response| !crate::body::is_maintenance_page(r);
        let resp = counted_get(
            &self.http,
            Service::Treasurer,
            url,
            &headers,
            &usable,
            tally,
        )?;
        jar.absorb(&resp);
        if resp.is_success() || is_retired(&resp) {
            Ok(resp)
        } else {
            Err(SourceError::Status {
                source_name: NAME,
                status: resp.status,
                url: resp.url,
            })
        }
    }
}

/// "The page layout no longer parses", naming the Treasurer, the URL and what was wrong.
fn layout(url: &str, detail: String) -> SourceError {
    SourceError::Parse {
        source_name: NAME,
        url: url.to_string(),
        message: format!("the page layout no longer parses: {detail}"),
    }
}
