//! The simulated Treasurer (`/treasurer`): the legacy ASP.NET pages behind a session cookie,
//! the current JavaScript page with its private JSON endpoint, and the tax ground truth they
//! are rendered from.
//!
//! Paths are relative to the Treasurer prefix and matched case-insensitively (IIS does):
//! * `/parcel/default.aspx?Parcel=`, `/Parcel/?Parcel=`, `/Parcel?Parcel=`: the tax summary; it
//!   opens a session (`Set-Cookie: ASP.NET_SessionId=…; path=/; HttpOnly`) bound to the parcel,
//!   or rebinds the session the request's cookie names. Unknown or malformed parcel: a page
//!   reading "No records found" (200). No parcel: the search form.
//! * `/Parcel/Summary.aspx[?List=All]`, `/Parcel/Activities.aspx`,
//!   `/Parcel/DetailedTaxStatement.aspx`: the session's parcel; without a live session a
//!   session-expired page with no parcel data (200).
//! * `/PropertyTaxInformation/?Parcel=` (or `?parcel=`): the JavaScript page (see
//!   [`current`]); `/PropertyTaxInformation/api/summary?parcel=`: its JSON.
//! * anything else: the HTML 404 page; a method other than GET or HEAD: 405.
//!
//! With `treasurer_legacy_retired`, every legacy URL answers `302 Found` to the current page
//! for its parcel (or to the current page's home when it names no parcel).

use std::sync::Arc;

use chrono::NaiveDate;

use super::county::County;
use super::service::CountyService;
use super::wire::{not_found_page, percent_decode, SimRequest, SimResponse};
use mps_ident::Apn;
use mps_model::Service;

mod bills;
mod calendar;
mod current;
mod html;
mod legacy;
mod page_parts;
mod session;
mod statement;

#[cfg(test)]
mod tests;

pub use bills::{TaxTruth, TaxYearTruth};

/// The legacy pages that read their parcel from the session.
#[derive(Debug, Clone, Copy)]
enum SessionPage {
    Summary,
    Activities,
    Statement,
}

/// The Treasurer service over one county.
#[derive(Debug)]
pub struct Treasurer {
    county: Arc<County>,
    /// Where the server mounts this service (`/treasurer`): pages link and redirect with it.
    prefix: String,
    as_of: Option<NaiveDate>,
    legacy_retired: bool,
    sessions: session::Sessions,
}

impl Treasurer {
    /// `as_of` is the simulated "today" (`None`: the current UTC date, read per request).
    pub fn new(county: Arc<County>, as_of: Option<NaiveDate>, legacy_retired: bool) -> Treasurer {
        Treasurer {
            county,
            prefix: format!("/{}", Service::Treasurer.as_str()),
            as_of,
            legacy_retired,
            sessions: session::Sessions::default(),
        }
    }

    /// The date tax status is computed for.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }

    /// Answers one request (path relative to the Treasurer prefix).
    pub fn handle(&self, req: &SimRequest) -> SimResponse {
        if req.method != "GET" && req.method != "HEAD" {
            return SimResponse::html(405, legacy::home_page(&self.prefix));
        }
        let path = percent_decode(&req.path, false).to_ascii_lowercase();
        let parcel = param(req, "parcel");
        match path.trim_end_matches('/') {
            "" | "/default.aspx" => self.legacy_entry(req, None),
            "/parcel" | "/parcel/default.aspx" => self.legacy_entry(req, parcel),
            "/parcel/summary.aspx" => self.session_page(req, SessionPage::Summary),
            "/parcel/activities.aspx" => self.session_page(req, SessionPage::Activities),
            "/parcel/detailedtaxstatement.aspx" => self.session_page(req, SessionPage::Statement),
            "/propertytaxinformation" | "/propertytaxinformation/default.aspx" => html_page(
                current::page(&self.prefix, parcel.unwrap_or_default().trim()),
            ),
            p if p == current::API_PATH.to_ascii_lowercase() => {
                let raw = parcel.unwrap_or_default();
                let truth = self.truth(raw);
                SimResponse::json(200, &current::summary_json(raw.trim(), truth.as_ref()))
                    .with_header("Cache-Control", "no-store")
            }
            _ => not_found_page(html::SITE_NAME),
        }
    }

    fn truth(&self, raw: &str) -> Option<TaxTruth> {
        let apn = Apn::parse(raw).ok()?;
        self.county.tax_truth(&apn, self.as_of())
    }

    /// The current page for `parcel` (its home when `None`): where retired URLs point.
    fn current_location(&self, parcel: Option<&str>) -> String {
        match parcel.map(str::trim).filter(|p| !p.is_empty()) {
            None => format!("{}/PropertyTaxInformation/", self.prefix),
            Some(raw) => {
                let shown = match Apn::parse(raw) {
                    Ok(apn) => apn.compact(),
                    Err(_) => raw.chars().filter(char::is_ascii_alphanumeric).collect(),
                };
                format!("{}/PropertyTaxInformation/?Parcel={shown}", self.prefix)
            }
        }
    }

    /// `default.aspx?Parcel=`: render the summary and bind a session to the parcel.
    fn legacy_entry(&self, req: &SimRequest, parcel: Option<&str>) -> SimResponse {
        if self.legacy_retired {
            return redirect(&self.current_location(parcel));
        }
        let Some(raw) = parcel.map(str::trim).filter(|p| !p.is_empty()) else {
            return html_page(legacy::home_page(&self.prefix));
        };
        let Some(truth) = self.truth(raw) else {
            return html_page(legacy::no_records_page(&self.prefix, raw));
        };
        let existing = session::session_id(req.header("Cookie"));
        let opened = self.sessions.bind(existing, truth.apn);
        let page = legacy::summary_page(&self.prefix, &truth, self.as_of(), false);
        match opened {
            Some(id) => html_page(page).with_header("Set-Cookie", &session::set_cookie(&id)),
            None => html_page(page),
        }
    }

    /// A step-2 page: the parcel comes from the session cookie alone.
    fn session_page(&self, req: &SimRequest, page: SessionPage) -> SimResponse {
        if self.legacy_retired {
            return redirect(&self.current_location(None));
        }
        let apn = session::session_id(req.header("Cookie")).and_then(|id| self.sessions.parcel(id));
        let as_of = self.as_of();
        let Some(truth) = apn.and_then(|apn| self.county.tax_truth(&apn, as_of)) else {
            return html_page(legacy::session_expired_page(&self.prefix));
        };
        let all = param(req, "list").is_some_and(|v| v.eq_ignore_ascii_case("all"));
        html_page(match page {
            SessionPage::Summary => legacy::summary_page(&self.prefix, &truth, as_of, all),
            SessionPage::Activities => legacy::activities_page(&self.prefix, &truth),
            SessionPage::Statement => statement::statement_page(&self.prefix, &truth),
        })
    }
}

impl CountyService for Treasurer {
    fn handle(&self, req: &SimRequest) -> SimResponse {
        Treasurer::handle(self, req)
    }
}

/// A query parameter by case-insensitive name (`Parcel` and `parcel` both occur).
fn param<'a>(req: &'a SimRequest, name: &str) -> Option<&'a str> {
    req.query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A 200 page that must not be cached (it depends on the session and the date).
fn html_page(body: String) -> SimResponse {
    SimResponse::html(200, body).with_header("Cache-Control", "private")
}

/// `302 Found` with the body ASP.NET sends along.
fn redirect(location: &str) -> SimResponse {
    SimResponse::html(
        302,
        format!(
            "<html><head><title>Object moved</title></head><body>\n\
             <h2>Object moved to <a href=\"{}\">here</a>.</h2>\n</body></html>\n",
            html::esc(location)
        ),
    )
    .with_header("Location", location)
}
