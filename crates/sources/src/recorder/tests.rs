//! The Recorder client against the in-process simulator: parsed documents and searches equal
//! the simulator's ground truth.

use super::page::DOCUMENT_PAGE_SCRIPT;
use super::*;
use crate::{Found, SourceError, Tally};
use crate::{Http, HttpConfig};
use mps_http::HostPolicy;
use mps_model::blocks::Document;
use mps_model::Service;
use mps_sim::{DocumentTruth, IndexQuery, SimOptions, Simulator};

fn http() -> Http {
    let config = HttpConfig {
        hosts: Service::ALL
            .iter()
            .map(|s| (*s, HostPolicy::unlimited()))
            .collect(),
        max_attempts: 1,
        ..HttpConfig::default()
    };
    Http::new(config).expect("HTTP client")
}

fn start() -> (Simulator, RecorderClient) {
    let sim = Simulator::start(SimOptions::default()).expect("simulator starts");
    let client = RecorderClient::new(http(), &sim.url(Service::Recorder), &sim.web_url(), 10);
    (sim, client)
}

/// What mps should read for a document the simulator holds.
fn expected(d: &DocumentTruth) -> Document {
    let nonzero = |n: u32| (n != 0).then_some(n);
    Document {
        recording_number: d.recording_number.clone(),
        recording_date: Some(d.recording_date),
        document_codes: d.document_codes.clone(),
        names: d.names(),
        page_count: Some(d.page_amount),
        docket_book: nonzero(d.docket_book),
        page_map: nonzero(d.page_map),
        affidavit_present: Some(d.affidavit_present),
        restricted: d.restricted,
    }
}

/// The simulator's rows for a query, as the client reports them.
fn truth_rows(sim: &Simulator, q: &NameQuery) -> Vec<SearchRow> {
    let iq = match q {
        NameQuery::Person {
            last,
            first,
            middle,
        } => IndexQuery {
            middle: middle.clone(),
            ..IndexQuery::person(last, Some(first))
        },
        NameQuery::Business(name) => IndexQuery::business(name),
    };
    sim.county()
        .search_index(&iq)
        .into_iter()
        .take(SEARCH_TOTAL_CAP as usize)
        .map(|(name, d)| SearchRow {
            recording_number: d.recording_number.clone(),
            recording_date: Some(d.recording_date),
            document_code: d.document_codes[0].clone(),
            more_codes: d.document_codes.len() > 1,
            name,
            docket_book: (d.docket_book != 0).then_some(d.docket_book),
            page_map: (d.page_map != 0).then_some(d.page_map),
        })
        .collect()
}

fn yes(found: Result<Found<Document>, SourceError>) -> Document {
    match found {
        Ok(Found::Yes(d)) => d,
        other => panic!("expected a document, got {other:?}"),
    }
}

#[test]
fn documents_parse_equal_to_the_truth() {
    let (sim, client) = start();
    let county = sim.county();
    let mut docs: Vec<DocumentTruth> = ["20180142724", "20190512345", "19470000007"]
        .iter()
        .filter_map(|n| county.document(n))
        .collect();
    for apn in county.sample(80).into_iter().skip(30) {
        let last_deed = county.parcel(&apn).map(|t| t.owner.deed_number);
        docs.extend(
            county
                .parcel_documents(&apn)
                .into_iter()
                // The Assessor's last deed resolves once the parcel build numbers it (see
                // sim::recorder); the simulator's own tests cover it.
                .filter(|d| Some(&d.recording_number) != last_deed.as_ref()),
        );
    }
    assert!(docs.len() > 150, "{}", docs.len());
    let mut tally = Tally::default();
    for d in &docs {
        assert_eq!(
            yes(client.document(&d.recording_number, &mut tally)),
            expected(d)
        );
    }
    assert_eq!(tally.requests as usize, docs.len());
    assert_eq!(tally.first_url, Some(client.document_url("20180142724")));
    assert!(docs.iter().any(|d| d.restricted) || docs.len() < 400);
    sim.stop();
}

#[test]
fn unknown_and_impossible_numbers_are_not_found() {
    let (sim, client) = start();
    let mut tally = Tally::default();
    let found = client.document("20150000001", &mut tally);
    assert_eq!(found.ok(), Some(Found::NotFound));
    assert_eq!(tally.requests, 1);
    for n in ["abc", "", "2015-0000001", "na"] {
        assert_eq!(
            client.document(n, &mut tally).ok(),
            Some(Found::NotFound),
            "{n}"
        );
    }
    assert_eq!(tally.requests, 1, "impossible numbers are never asked for");
    sim.stop();
}

#[test]
fn owner_searches_equal_the_truth() {
    let (sim, client) = start();
    let mut searched = 0;
    for apn in sim.county().sample(12) {
        let Some(truth) = sim.county().parcel(&apn) else {
            continue;
        };
        for q in search_names(&truth.owner.ownership) {
            let mut tally = Tally::default();
            let found = client
                .search(&q, &mut tally)
                .unwrap_or_else(|e| panic!("{q}: {e}"));
            let rows = truth_rows(&sim, &q);
            assert_eq!(found.rows, rows, "{apn}: {q}");
            assert_eq!(found.truncated, found.total >= SEARCH_TOTAL_CAP, "{q}");
            assert_eq!(tally.requests, found.pages_read);
            if !found.truncated {
                // The current owner's own deed is among the rows.
                assert!(found
                    .rows
                    .iter()
                    .any(|r| r.recording_number == truth.owner.deed_number));
            }
            searched += 1;
        }
    }
    assert!(searched >= 12, "{searched}");
    sim.stop();
}

/// 391 rows for seed 42: two pages of 200.
fn two_page_query() -> NameQuery {
    NameQuery::Person {
        last: "DOE".into(),
        first: "M".into(),
        middle: Some("A".into()),
    }
}

#[test]
fn a_search_over_200_rows_reads_every_page() {
    let (sim, client) = start();
    let q = two_page_query();
    let truth = truth_rows(&sim, &q);
    assert!((201..501).contains(&truth.len()), "{} rows", truth.len());
    let mut tally = Tally::default();
    let found = client.search(&q, &mut tally).expect("search");
    assert_eq!((found.pages_read, found.truncated), (2, false));
    assert_eq!(found.total as usize, truth.len());
    assert_eq!(found.rows, truth);
    assert!(found.rows.iter().all(|r| r.name.starts_with("DOE M")));
    assert!(
        found.rows.iter().any(|r| r.more_codes),
        "some documents carry more codes"
    );
    // One page allowed: the rest is missing, and said to be.
    let one_page = RecorderClient::new(http(), &sim.url(Service::Recorder), &sim.web_url(), 1);
    let found = one_page.search(&q, &mut Tally::default()).expect("search");
    assert_eq!((found.rows.len(), found.truncated), (200, true));
    sim.stop();
}

#[test]
fn the_501_cap_marks_a_search_truncated() {
    let (sim, client) = start();
    let q = NameQuery::Person {
        last: "SMITH".into(),
        first: "JOHN".into(),
        middle: None,
    };
    let found = client.search(&q, &mut Tally::default()).expect("search");
    assert_eq!(
        (found.total, found.pages_read, found.truncated),
        (501, 3, true)
    );
    assert_eq!(found.rows, truth_rows(&sim, &q));
    assert_eq!(found.rows.len(), 501);
    sim.stop();
}

#[test]
fn business_searches_use_business_names() {
    let (sim, client) = start();
    let q = NameQuery::Business("HORIZON HEALTH AND WELLNESS INC".into());
    assert!(client
        .search_url(&q, 1)
        .contains("businessNames=HORIZON%20HEALTH%20AND%20WELLNESS%20INC"));
    let found = client.search(&q, &mut Tally::default()).expect("search");
    assert_eq!(found.rows, truth_rows(&sim, &q));
    let deed = found
        .rows
        .iter()
        .find(|r| r.recording_number == "20180142724")
        .expect("the captured deed");
    assert!(is_deed_code(&deed.document_code));
    sim.stop();
}

#[test]
fn wrong_bodies_and_statuses_are_errors_naming_the_recorder_and_url() {
    let (sim, _) = start();
    let web = sim.web_url();
    // A base URL that answers HTML (a maintenance page, a challenge page).
    let html = RecorderClient::new(
        http(),
        &format!("{web}/recording/document-details.html?x="),
        &web,
        3,
    );
    let err = html.document("20190512345", &mut Tally::default()).err();
    assert!(matches!(err, Some(SourceError::NotJson { .. })), "{err:?}");
    let text = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.contains("Recorder") && text.contains("document-details.html"),
        "{text}"
    );
    let err = html.search(&two_page_query(), &mut Tally::default()).err();
    assert!(matches!(err, Some(SourceError::NotJson { .. })), "{err:?}");
    // An HTML 404 is not "no such document".
    let lost = RecorderClient::new(http(), &format!("{web}/nowhere"), &web, 3);
    let err = lost.document("20190512345", &mut Tally::default()).err();
    assert!(matches!(err, Some(SourceError::NotJson { .. })), "{err:?}");
    // A 400 from the API.
    let base = sim.url(Service::Recorder);
    let refused = RecorderClient::new(http(), &format!("{base}/documents/by-name?x="), &web, 3);
    let err = refused.document("20190512345", &mut Tally::default()).err();
    assert!(
        matches!(
            err,
            Some(SourceError::Status {
                status: 400,
                source_name: "Recorder",
                ..
            })
        ),
        "{err:?}"
    );
    sim.stop();
}

#[test]
fn the_document_page_needs_a_browser() {
    let (sim, client) = start();
    let url = client.document_page_url("20190512345");
    assert_eq!(
        url,
        format!(
            "{}/recording/document-details.html?recordingNumber=20190512345",
            sim.web_url()
        )
    );
    let raw = http()
        .get(Service::Recorder, &url, &[])
        .expect("the page answers");
    assert_eq!(raw.status, 200);
    assert!(
        !raw.text().contains("DOE JOHN Q"),
        "a plain GET sees only the shell"
    );
    // The script is an expression the browser pool can wrap (no statement terminator).
    assert!(DOCUMENT_PAGE_SCRIPT.starts_with("new Promise") && DOCUMENT_PAGE_SCRIPT.ends_with(')'));
    sim.stop();
}
