//! The Treasurer client against the simulator started in-process: legacy records equal the
//! simulator's tax truth field by field, with the expected request counts; not-found, retired
//! and broken-layout answers.

use std::time::Duration;

use chrono::NaiveDate;

use super::*;
use crate::{Http, HttpConfig};
use crate::{SourceError, Tally};
use mps_http::HostPolicy;
use mps_ident::Apn;
use mps_model::blocks::TaxPage;
use mps_model::Service;
use mps_sim::{County, SimOptions, Simulator, TaxTruth};
use rust_decimal::Decimal;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).expect("valid date")
}

fn http() -> Http {
    let config = HttpConfig {
        timeout_global: Duration::from_secs(10),
        max_attempts: 2,
        backoff_base: Duration::from_millis(10),
        backoff_cap: Duration::from_millis(20),
        hosts: Service::ALL
            .iter()
            .map(|s| (*s, HostPolicy::unlimited()))
            .collect(),
        ..HttpConfig::default()
    };
    Http::new(config).unwrap_or_else(|e| panic!("{e}"))
}

fn start(retired: bool) -> (Simulator, TreasurerClient) {
    let sim = Simulator::start(SimOptions {
        as_of: Some(as_of()),
        treasurer_legacy_retired: retired,
        ..SimOptions::default()
    })
    .expect("simulator starts");
    let client = TreasurerClient::new(http(), &sim.url(Service::Treasurer));
    (sim, client)
}

fn missing_apn(c: &County) -> Apn {
    (0..1000u16)
        .filter_map(|p| Apn::new(999, 99, p, Some('Z')))
        .find(|a| !c.exists(a))
        .expect("some APN is missing")
}

fn cents(d: f64) -> i64 {
    (d * 100.0).round() as i64
}

/// The simulator's dollars (a float) as the exact amount the page shows.
fn money(d: f64) -> Decimal {
    Decimal::new(cents(d), 2)
}

/// Compares a record with the truth, field by field, naming the first difference.
fn assert_matches(r: &mps_model::blocks::TaxRecord, t: &TaxTruth) {
    let apn = t.apn;
    assert_eq!(r.apn, apn);
    assert_eq!(r.years.len(), t.years.len(), "{apn}: years");
    for (y, ty) in r.years.iter().zip(&t.years) {
        let at = format!("{apn} {}", ty.tax_year);
        assert_eq!(y.tax_year, ty.tax_year, "{at}");
        assert_eq!(y.billed, Some(money(ty.billed)), "{at}: billed");
        assert_eq!(y.paid, Some(money(ty.paid)), "{at}: paid");
        assert_eq!(y.due, Some(money(ty.due)), "{at}: due");
        assert_eq!(y.status, ty.status, "{at}: status");
        assert_eq!(y.lien, ty.lien, "{at}: lien");
        let got: Vec<_> = y
            .payments
            .iter()
            .map(|p| (p.tax_year, p.date, p.amount, p.description.clone()))
            .collect();
        let want: Vec<_> = ty
            .payments
            .iter()
            .map(|(d, a, what)| (ty.tax_year, Some(*d), money(*a), Some(what.clone())))
            .collect();
        assert_eq!(got, want, "{at}: payments");
    }
    let due: i64 = t.years.iter().map(|y| cents(y.due)).sum();
    assert_eq!(r.total_due, Decimal::new(due, 2), "{apn}: total due");
    assert_eq!(
        r.delinquent,
        t.years
            .iter()
            .any(|y| y.status == mps_model::blocks::TaxStatus::Delinquent)
    );
    assert_eq!(r.page, TaxPage::Legacy);
}

#[test]
fn legacy_records_equal_the_truth() {
    let (sim, client) = start(false);
    let county = sim.county();
    let (mut liens, mut delinquent, mut two_requests) = (0, 0, 0);
    for apn in county.sample(100) {
        let truth = county
            .tax_truth(&apn, as_of())
            .expect("sampled parcel has truth");
        let mut tally = Tally::default();
        let record = match client.legacy(&apn, &mut tally) {
            Ok(Legacy::Found(r)) => r,
            other => panic!("{apn}: {other:?}"),
        };
        assert_matches(&record, &truth);
        // Three requests, or two when no tax was ever paid (no payments to list).
        let any_paid = truth.years.iter().any(|y| y.paid > 0.0);
        assert_eq!(tally.requests, if any_paid { 3 } else { 2 }, "{apn}");
        two_requests += usize::from(!any_paid);
        assert_eq!(
            tally.first_url.as_deref(),
            Some(client.legacy_url(&apn).as_str())
        );
        assert!(tally.fetched_at.is_some());
        liens += record.years.iter().filter(|y| y.lien).count();
        delinquent += usize::from(record.delinquent);
    }
    // The sample exercises the interesting paths, not only fully paid parcels.
    assert!(
        liens > 0 && delinquent > 0,
        "liens {liens}, delinquent {delinquent}"
    );
    assert!(two_requests < 20, "{two_requests} parcels without payments");
}

#[test]
fn missing_parcels_are_not_found() {
    let (sim, client) = start(false);
    let mut tally = Tally::default();
    let got = client.legacy(&missing_apn(sim.county()), &mut tally);
    assert!(matches!(got, Ok(Legacy::NotFound)), "{got:?}");
    assert_eq!(tally.requests, 1);
}

#[test]
fn retired_legacy_pages_say_so() {
    let (sim, client) = start(true);
    let apn = sim.county().sample(1)[0];
    let mut tally = Tally::default();
    let got = client.legacy(&apn, &mut tally);
    assert!(matches!(got, Ok(Legacy::Retired)), "{got:?}");
    assert_eq!(tally.requests, 1);
    assert_eq!(
        client.current_url(&apn),
        format!(
            "{}/PropertyTaxInformation/?Parcel={}",
            sim.url(Service::Treasurer),
            apn.compact()
        )
    );
}

/// A server that answers every request with the same HTML (a maintenance page, say).
fn fixed_page_server(html: &'static str) -> (String, std::thread::JoinHandle<()>) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind");
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .unwrap_or_default();
    let handle = std::thread::spawn(move || {
        for _ in 0..1 {
            let Ok(req) = server.recv() else { return };
            let header =
                tiny_http::Header::from_bytes("Content-Type", "text/html").expect("valid header");
            let _ = req.respond(tiny_http::Response::from_string(html).with_header(header));
        }
    });
    (format!("http://127.0.0.1:{port}/treasurer"), handle)
}

#[test]
fn a_changed_layout_is_a_parse_failure_naming_treasurer_and_url() {
    let (base, server) =
        fixed_page_server("<html><body><h1>Welcome to our new site</h1></body></html>");
    let client = TreasurerClient::new(http(), &base);
    let apn = Apn::parse("165-28-054").expect("apn");
    let err = client
        .legacy(&apn, &mut Tally::default())
        .expect_err("no summary on the page");
    assert!(matches!(err, SourceError::Parse { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("Treasurer"), "{text}");
    assert!(text.contains(&client.legacy_url(&apn)), "{text}");
    assert!(text.contains("no longer parses"), "{text}");
    let _ = server.join();
}
