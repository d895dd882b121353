//! The simulated Assessor API: token check, search, `/parcel/{apn}` and its sub-resources.
//!
//! Paths are relative to the Assessor base (the server strips `/assessor`). Behaviour follows
//! `county-services.md` section 1:
//!
//! * every request needs `AUTHORIZATION: <token>`; otherwise 401 with `{"message":"Unauthorized"}`
//!   (the real body is not captured; clients must go by the status);
//! * `/search/property/` and `/search/rp/`: `{"TOTAL", "Results"}`, 25 rows a page, 1-based;
//! * `/parcel/{apn}[/propertyinfo|address|valuations|residential-details|owner-details|
//!   improvements|sketches|mapids]`, trailing slash optional, any APN spelling;
//! * an unknown path or a parcel that does not exist: 404 with the HTML "Page not found" page;
//! * a method other than GET: 405.

use std::sync::Arc;

use serde_json::{json, Value};

use super::county::County;
use super::render;
use super::search::fuzzy_search;
use super::service::CountyService;
use super::wire::{not_found_page, percent_decode, SimRequest, SimResponse};
use mps_ident::Apn;

/// Rows per search page, as the real service pages.
pub const PAGE_SIZE: usize = 25;

const SITE_NAME: &str = "Maricopa County Assessor's Office";

/// The Assessor service over one county.
#[derive(Debug, Clone)]
pub struct Assessor {
    county: Arc<County>,
    token: String,
}

impl Assessor {
    /// The Assessor over `county`, answering only requests whose `AUTHORIZATION` is `token`.
    pub fn new(county: Arc<County>, token: &str) -> Assessor {
        Assessor {
            county,
            token: token.to_string(),
        }
    }

    /// Answers one request (path relative to the Assessor base).
    pub fn handle(&self, req: &SimRequest) -> SimResponse {
        if req.header("AUTHORIZATION") != Some(self.token.as_str()) {
            return SimResponse::json(401, &json!({"message": "Unauthorized"}));
        }
        if req.method != "GET" {
            return SimResponse::json(405, &json!({"message": "Method Not Allowed"}));
        }
        let path = req.path.trim_end_matches('/');
        let segments: Vec<String> = path
            .split('/')
            .skip(1)
            .map(|s| percent_decode(s, false))
            .collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match segments.as_slice() {
            ["search", "property" | "rp"] => self.search(req),
            ["parcel", apn] => self.parcel(apn, None),
            ["parcel", apn, sub] => self.parcel(apn, Some(sub)),
            _ => not_found_page(SITE_NAME),
        }
    }

    fn search(&self, req: &SimRequest) -> SimResponse {
        let q = req.param("q").unwrap_or("");
        // A page that is not a positive number is read as page 1, as lenient servers do.
        let page = req
            .param("page")
            .and_then(|p| p.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        let hits = fuzzy_search(&self.county, q);
        let rows: Vec<Value> = hits
            .iter()
            .skip((page - 1).saturating_mul(PAGE_SIZE))
            .take(PAGE_SIZE)
            .filter_map(|apn| self.county.parcel(apn))
            .map(|t| render::search_row(&t))
            .collect();
        SimResponse::json(200, &json!({"TOTAL": hits.len(), "Results": rows}))
    }

    fn parcel(&self, raw_apn: &str, sub: Option<&str>) -> SimResponse {
        let Ok(apn) = Apn::parse(raw_apn) else {
            return not_found_page(SITE_NAME);
        };
        let Some(key) = self.county.layout.key_of(&apn) else {
            return not_found_page(SITE_NAME);
        };
        let truth = self.county.build(key);
        let body = match sub.map(str::to_ascii_lowercase).as_deref() {
            None => render::parcel_document(&self.county, key, &truth).parcel,
            Some("propertyinfo") => {
                render::parcel_document(&self.county, key, &truth).property_info
            }
            Some("address") => json!({"PropertyAddress": truth.property_address}),
            Some("valuations") => render::valuations(&truth),
            Some("owner-details") => render::owner(&truth.owner),
            Some(part @ ("residential-details" | "improvements" | "sketches" | "mapids")) => {
                let doc = render::parcel_document(&self.county, key, &truth).parcel;
                let field = match part {
                    "residential-details" => "ResidentialPropertyData",
                    "improvements" => "Improvements",
                    "sketches" => "Sketches",
                    _ => "MapIDs",
                };
                doc.get(field).cloned().unwrap_or(Value::Null)
            }
            Some(_) => return not_found_page(SITE_NAME),
        };
        SimResponse::json(200, &body)
    }
}

impl CountyService for Assessor {
    fn handle(&self, req: &SimRequest) -> SimResponse {
        Assessor::handle(self, req)
    }
}
