//! The Assessor's part of a row: resolve the identifier, then fetch what the mode needs.

use super::sources_port::Sources;
use mps_ident::matching::{address_matches, owner_matches};
use mps_ident::{Apn, Identifier};
use mps_model::blocks::{SearchMatch, SourceStatus};
use mps_model::data::{AssessorData, Parcels, SearchResult, Validation};
use mps_model::mode::Mode;
use mps_model::record::SourceBlock;
use mps_sources::assessor::{Found, SearchOutcome, Tally};
use mps_sources::SourceError;

/// The Assessor block of a row and what it resolved to.
#[derive(Debug, Clone)]
pub struct AssessorResult {
    pub(crate) block: SourceBlock<AssessorData>,
    pub(crate) apns: Vec<Apn>,
    /// A note for the record (e.g. a search cut at the page cap).
    pub warning: Option<String>,
    /// Set when the error means the whole batch must stop (a refused token).
    pub fatal: Option<String>,
}

impl AssessorResult {
    /// Whether another row naming the same identifier may reuse this result.
    pub fn shareable(&self) -> bool {
        self.block.status != SourceStatus::Failed
    }
}

/// Runs the Assessor step of `mode` for one identifier.
pub fn run(client: &dyn Sources, mode: Mode, id: &Identifier, max_pages: u32) -> AssessorResult {
    let mut tally = Tally::default();
    let outcome = match mode {
        Mode::Property => property(client, id, &mut tally),
        Mode::Validate => resolve(client, id, &mut tally).map(|s| {
            let n = s.matches.len();
            let data = AssessorData::Validation(Validation {
                valid: n == 1,
                parcel_count: n,
                reason: match n {
                    0 => "no parcel matches",
                    1 => "exactly one parcel matches",
                    _ => "several parcels match",
                }
                .to_string(),
            });
            (
                status_for(n),
                Some(data),
                apns_of(&s),
                truncation(&s, max_pages),
            )
        }),
        _ => resolve(client, id, &mut tally).map(|s| {
            let (status, apns) = (status_for(s.matches.len()), apns_of(&s));
            let warning = truncation(&s, max_pages);
            let data = AssessorData::Search(SearchResult {
                match_count: s.matches.len(),
                service_total: s.service_total,
                pages_read: s.pages_read,
                truncated: s.truncated,
                matches: s.matches,
            });
            (status, Some(data), apns, warning)
        }),
    };
    let fetched_at = tally
        .fetched_at
        .map(|t| humantime::format_rfc3339_seconds(t).to_string());
    match outcome {
        Ok((status, data, apns, warning)) => AssessorResult {
            block: SourceBlock {
                status,
                fetched_at,
                url: tally.first_url,
                error: None,
                requests: tally.requests,
                data,
            },
            apns,
            warning,
            fatal: None,
        },
        Err(e) => AssessorResult {
            fatal: e.is_fatal().then(|| e.to_string()),
            block: SourceBlock {
                status: SourceStatus::Failed,
                fetched_at,
                url: tally.first_url,
                error: Some(e.to_string()),
                requests: tally.requests,
                data: None,
            },
            apns: Vec::new(),
            warning: None,
        },
    }
}

type StepOutput = (SourceStatus, Option<AssessorData>, Vec<Apn>, Option<String>);

fn status_for(n: usize) -> SourceStatus {
    if n == 0 {
        SourceStatus::NotFound
    } else {
        SourceStatus::Ok
    }
}

fn apns_of(s: &SearchOutcome) -> Vec<Apn> {
    s.matches.iter().map(|m| m.apn).collect()
}

fn truncation(s: &SearchOutcome, max_pages: u32) -> Option<String> {
    s.truncated.then(|| {
        format!(
            "search stopped after {max_pages} pages of 25 rows ({} rows served); raise batch.search_max_pages to read them all",
            s.service_total
        )
    })
}

/// Finds the parcels an identifier names, filtering the fuzzy search to exact matches.
fn resolve(
    client: &dyn Sources,
    id: &Identifier,
    tally: &mut Tally,
) -> Result<SearchOutcome, SourceError> {
    match id {
        Identifier::Apn(apn) => {
            let target = *apn;
            // An APN names at most one parcel: stop paging once it is found.
            client.search_parcels(
                &apn.compact(),
                &move |m: &SearchMatch| m.apn == target,
                true,
                tally,
            )
        }
        Identifier::Address(q) => {
            let keep = |m: &SearchMatch| {
                address_matches(
                    q,
                    m.situs_street.as_deref().unwrap_or(""),
                    m.situs_city.as_deref().unwrap_or(""),
                    m.situs_zip.as_deref().unwrap_or(""),
                )
            };
            client.search_parcels(&q.street, &keep, false, tally)
        }
        Identifier::Owner(name) => {
            let keep = |m: &SearchMatch| owner_matches(name, m.owner.as_deref().unwrap_or(""));
            client.search_parcels(name, &keep, false, tally)
        }
    }
}

/// The full parcel record(s): one request for an APN; a search first for the others.
fn property(
    client: &dyn Sources,
    id: &Identifier,
    tally: &mut Tally,
) -> Result<StepOutput, SourceError> {
    let (apns, warning) = match id {
        Identifier::Apn(apn) => (vec![*apn], None),
        other => {
            let found = resolve(client, other, tally)?;
            let warning = found.truncated.then(|| {
                format!(
                    "search stopped at the page cap ({} rows served); raise batch.search_max_pages",
                    found.service_total
                )
            });
            (apns_of(&found), warning)
        }
    };
    let mut parcels = Vec::with_capacity(apns.len());
    for apn in &apns {
        match client.parcel(apn, tally)? {
            Found::Yes(p) => parcels.push(p),
            Found::NotFound => {}
        }
    }
    let found: Vec<Apn> = parcels.iter().map(|p| p.apn).collect();
    let status = status_for(parcels.len());
    let data = (!parcels.is_empty()).then(|| AssessorData::Parcels(Parcels::new(parcels)));
    Ok((status, data, found, warning))
}
