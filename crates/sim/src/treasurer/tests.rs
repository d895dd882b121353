//! Tests of the simulated Treasurer: the truth and its calendar, the legacy cookie flow, the
//! JavaScript page and its endpoint, and the retired legacy site. Most call the service
//! directly (a pure function of the request); one goes over real HTTP for the headers.

use std::sync::Arc;

use chrono::NaiveDate;

use super::bills::cents;
use super::html::ID;
use super::session::COOKIE_NAME;
use super::*;
use crate::wire::SimResponse;
use crate::{SimOptions, Simulator};
use mps_model::blocks::TaxStatus;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn county() -> Arc<County> {
    Arc::new(County::new(42))
}

fn get(t: &Treasurer, target: &str, cookie: Option<&str>) -> SimResponse {
    let headers = cookie
        .map(|c| vec![("Cookie".to_string(), c.to_string())])
        .unwrap_or_default();
    t.handle(&SimRequest::new("GET", target, headers))
}

fn body(r: &SimResponse) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

fn header<'a>(r: &'a SimResponse, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `ASP.NET_SessionId=…` from a response's `Set-Cookie`.
fn cookie_of(r: &SimResponse) -> String {
    let line = header(r, "Set-Cookie").expect("a session cookie");
    assert!(line.starts_with(&format!("{COOKIE_NAME}=")), "{line}");
    assert!(
        line.contains("HttpOnly") && line.contains("path=/"),
        "{line}"
    );
    line.split(';').next().unwrap_or_default().to_string()
}

/// An APN the county does not have.
fn missing_apn(c: &County) -> Apn {
    (0..1000u16)
        .filter_map(|p| Apn::new(999, 99, p, Some('Z')))
        .find(|a| !c.exists(a))
        .expect("some APN is missing")
}

#[test]
fn bills_follow_valuations_and_calendar() {
    let c = county();
    let as_of = day(2026, 11, 29);
    let (mut years, mut unpaid, mut liens, mut paid_years) = (0, 0, 0, 0);
    for apn in c.sample(300) {
        let parcel = c.parcel(&apn).expect("sampled parcel exists");
        let t = c.tax_truth(&apn, as_of).expect("truth");
        assert_eq!(t.apn, apn);
        assert_eq!(t.tax_area_code, parcel.tax_area_code);
        // Bills for 2021–2026, newest first, each from that year's valuation.
        let tax_years: Vec<u16> = t.years.iter().map(|y| y.tax_year).collect();
        assert_eq!(tax_years, vec![2026, 2025, 2024, 2023, 2022, 2021], "{apn}");
        for (y, v) in t.years.iter().zip(&parcel.valuations) {
            years += 1;
            assert_eq!(y.tax_year, v.tax_year);
            assert_eq!(y.assessed_value, v.assessed_lpv);
            assert!((9.0..14.0).contains(&y.rate), "{}", y.rate);
            if !parcel.use_code.starts_with("90") {
                let expect = (v.assessed_lpv as f64 * y.rate).round() as i64;
                assert!(
                    (cents(y.billed) - expect).abs() <= 1,
                    "{apn} {}",
                    y.tax_year
                );
            }
            let paid: i64 = y.payments.iter().map(|p| cents(p.1)).sum();
            assert_eq!(paid, cents(y.paid));
            assert_eq!(
                cents(y.billed) - cents(y.paid) + cents(y.interest),
                cents(y.due)
            );
            assert_eq!(y.status == TaxStatus::Paid, y.due == 0.0);
            assert!(!y.lien || y.status == TaxStatus::Delinquent);
            assert!(y
                .payments
                .iter()
                .all(|p| p.0 <= as_of && p.2 == "Tax Payment"));
            unpaid += usize::from(y.status != TaxStatus::Paid && y.tax_year < 2026);
            liens += usize::from(y.lien);
            paid_years += usize::from(y.status == TaxStatus::Paid);
        }
    }
    // Most years are paid; a few percent are left unpaid, and some old ones carry a lien.
    assert!(paid_years * 10 > years * 7, "{paid_years} of {years}");
    assert!(unpaid > 0 && unpaid * 10 < years, "{unpaid} of {years}");
    assert!(liens > 0, "no liens in the sample");
    // The same seed gives the same truth.
    let apn = c.sample(3)[2];
    assert_eq!(
        c.tax_truth(&apn, as_of),
        County::new(42).tax_truth(&apn, as_of)
    );
    assert_eq!(c.tax_truth(&missing_apn(&c), as_of), None);
}

#[test]
fn first_half_turns_delinquent_after_november() {
    let c = county();
    let late = day(2026, 11, 29);
    // A parcel that has paid nothing for 2026 by late November, on a bill over $100.
    let apn = c
        .sample(400)
        .into_iter()
        .find(|apn| {
            c.tax_truth(apn, late)
                .and_then(|t| t.years.first().cloned())
                .is_some_and(|y| y.tax_year == 2026 && y.paid == 0.0 && y.billed > 100.0)
        })
        .expect("some parcel left its 2026 first half unpaid");
    let nov = c.tax_truth(&apn, late).expect("truth").years[0].clone();
    assert_eq!(nov.status, TaxStatus::Delinquent);
    assert!(nov.interest > 0.0 && nov.due > nov.billed);
    assert!(!nov.lien, "a lien is sold only in the February after next");
    let oct = c.tax_truth(&apn, day(2026, 10, 15)).expect("truth").years[0].clone();
    assert_eq!(oct.status, TaxStatus::Unpaid);
    assert_eq!((oct.interest, oct.due), (0.0, oct.billed));
    // Before September's mailing there is no 2026 bill at all.
    let aug = c.tax_truth(&apn, day(2026, 8, 15)).expect("truth");
    assert_eq!(aug.years.first().map(|y| y.tax_year), Some(2025));
}

#[test]
fn summary_pages_need_the_session_cookie() {
    let c = county();
    let t = Treasurer::new(c.clone(), Some(day(2026, 11, 29)), false);
    let [a, b] = [c.sample(2)[0], c.sample(2)[1]];
    // Without a cookie the step-2 pages show no parcel data.
    for page in ["/Parcel/Summary.aspx?List=All", "/Parcel/Activities.aspx"] {
        let r = get(&t, page, None);
        assert_eq!(r.status, 200);
        assert!(body(&r).contains("Session Expired"));
        assert!(!body(&r).contains(&format!("{ID}headerSummary")));
    }
    let first = get(
        &t,
        &format!("/parcel/default.aspx?Parcel={}", a.compact()),
        None,
    );
    assert_eq!(first.status, 200);
    let html = body(&first);
    assert!(html.contains(&format!("Tax Summary {}", a.dashed())));
    assert!(html.contains("Detailed Tax Statement"));
    for id in [
        "gvTaxYears",
        "ParcelNASitusLegal_lblNameAddress",
        "taxDue1",
        "lblHalfTax",
    ] {
        assert!(html.contains(&format!("id=\"{ID}{id}\"")), "{id}");
    }
    let cookie_a = cookie_of(&first);
    // Another spelling of the entry URL opens another session for another parcel.
    let dashed_lower = b.dashed().to_ascii_lowercase();
    let second = get(&t, &format!("/Parcel/?parcel={dashed_lower}"), None);
    let cookie_b = cookie_of(&second);
    assert_ne!(cookie_a, cookie_b);
    let summary_a = body(&get(&t, "/Parcel/Summary.aspx?List=All", Some(&cookie_a)));
    let summary_b = body(&get(&t, "/parcel/summary.aspx?list=all", Some(&cookie_b)));
    assert!(summary_a.contains(&format!("Tax Summary {}", a.dashed())));
    assert!(summary_b.contains(&format!("Tax Summary {}", b.dashed())));
    let truth = c.tax_truth(&a, day(2026, 11, 29)).expect("truth");
    for y in &truth.years {
        assert!(summary_a.contains(&format!("<td>{}</td>", y.tax_year)));
    }
    let acts = body(&get(&t, "/Parcel/Activities.aspx", Some(&cookie_a)));
    assert!(acts.contains(&format!("{ID}Activities1_gvActs")));
    let payments: usize = truth.years.iter().map(|y| y.payments.len()).sum();
    assert_eq!(acts.matches(">Tax Payment</a>").count(), payments);
    let statement = body(&get(
        &t,
        "/Parcel/DetailedTaxStatement.aspx",
        Some(&cookie_b),
    ));
    assert!(statement.contains(&format!("{ID}dtlTaxBill_lblGrandTotalCurrentYear")));
    // A cookie sent to default.aspx rebinds that session instead of opening a new one.
    let rebound = get(
        &t,
        &format!("/parcel/default.aspx?Parcel={}", b.compact()),
        Some(&cookie_a),
    );
    assert_eq!(header(&rebound, "Set-Cookie"), None);
    let now_b = body(&get(&t, "/Parcel/Summary.aspx", Some(&cookie_a)));
    assert!(now_b.contains(&format!("Tax Summary {}", b.dashed())));
}

#[test]
fn unknown_parcels_and_paths() {
    let c = county();
    let t = Treasurer::new(c.clone(), None, false);
    for parcel in [missing_apn(&c).compact(), "not-a-parcel".to_string()] {
        let r = get(&t, &format!("/parcel/default.aspx?Parcel={parcel}"), None);
        assert_eq!(r.status, 200);
        assert!(body(&r).contains("No records found"));
        assert_eq!(header(&r, "Set-Cookie"), None);
    }
    let r = get(&t, "/parcel/nothing-here.aspx", None);
    assert_eq!(r.status, 404);
    assert!(r.content_type.contains("html"));
    assert_eq!(get(&t, "/", None).status, 200);
}

#[test]
fn the_current_page_is_rendered_by_javascript() {
    let c = county();
    let as_of = day(2026, 11, 29);
    let t = Treasurer::new(c.clone(), Some(as_of), false);
    let apn = c
        .sample(50)
        .into_iter()
        .find(|a| {
            c.tax_truth(a, as_of)
                .is_some_and(|t| t.years[1].billed > 0.0)
        })
        .expect("a taxed parcel");
    let truth = c.tax_truth(&apn, as_of).expect("truth");
    for target in [
        format!("/PropertyTaxInformation/?Parcel={}", apn.compact()),
        format!("/PropertyTaxInformation?parcel={}", apn.compact()),
    ] {
        let page = get(&t, &target, None);
        assert_eq!(page.status, 200);
        let html = body(&page);
        assert!(html.contains("class=\"k-grid-table\""));
        assert!(html.contains("id=\"ptiNav\""));
        assert!(html.contains("<h3>Owner</h3>") && html.contains("<h3>Situs Address</h3>"));
        assert!(html.contains(current::API_PATH));
        // No figures in the raw HTML: every grid body is empty and no amount appears.
        assert_eq!(html.matches("<tbody></tbody>").count(), 2);
        assert!(!html.contains("$1") && !html.contains("Tax Payment"));
        for y in &truth.years {
            assert!(!html.contains(&format!("{:.2}", y.billed)));
        }
    }
    let api = get(
        &t,
        &format!("{}?parcel={}", current::API_PATH, apn.dashed()),
        None,
    );
    assert_eq!(api.status, 200);
    assert!(api.content_type.contains("json"));
    let json: serde_json::Value = serde_json::from_slice(&api.body).expect("JSON");
    assert_eq!(json["found"], true);
    let years = json["years"].as_array().expect("years");
    assert_eq!(years.len(), truth.years.len());
    assert_eq!(
        years[1]["assessedTax"].as_f64(),
        Some(truth.years[1].billed)
    );
    let missing = get(
        &t,
        &format!("{}?parcel={}", current::API_PATH, missing_apn(&c).compact()),
        None,
    );
    let json: serde_json::Value = serde_json::from_slice(&missing.body).expect("JSON");
    assert_eq!(json["found"], false);
}

#[test]
fn retired_legacy_urls_redirect_to_the_current_page() {
    let c = county();
    let t = Treasurer::new(c.clone(), None, true);
    let apn = c.sample(1)[0];
    for target in [
        format!("/parcel/default.aspx?Parcel={}", apn.dashed()),
        format!("/Parcel/?Parcel={}", apn.compact()),
        format!("/Parcel?Parcel={}", apn.compact()),
    ] {
        let r = get(&t, &target, None);
        assert_eq!(r.status, 302, "{target}");
        assert_eq!(
            header(&r, "Location"),
            Some(
                format!(
                    "/treasurer/PropertyTaxInformation/?Parcel={}",
                    apn.compact()
                )
                .as_str()
            )
        );
    }
    for target in [
        "/Parcel/Summary.aspx?List=All",
        "/Parcel/Activities.aspx",
        "/",
    ] {
        let r = get(&t, target, Some("ASP.NET_SessionId=whatever"));
        assert_eq!(r.status, 302, "{target}");
        assert_eq!(
            header(&r, "Location"),
            Some("/treasurer/PropertyTaxInformation/")
        );
    }
    let current = get(
        &t,
        &format!("/PropertyTaxInformation/?Parcel={}", apn.compact()),
        None,
    );
    assert_eq!(current.status, 200);
}

#[test]
fn served_over_http_with_the_cookie_header() {
    let sim = Simulator::start(SimOptions {
        as_of: Some(day(2026, 11, 29)),
        ..SimOptions::default()
    })
    .expect("simulator starts");
    let apn = sim.county().sample(1)[0];
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let base = sim.url(mps_model::Service::Treasurer);
    let resp = agent
        .get(format!(
            "{base}/parcel/default.aspx?Parcel={}",
            apn.compact()
        ))
        .call()
        .expect("GET default.aspx");
    assert_eq!(resp.status().as_u16(), 200);
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("Set-Cookie")
        .to_string();
    let mut summary = agent
        .get(format!("{base}/Parcel/Summary.aspx?List=All"))
        .header("Cookie", &cookie)
        .call()
        .expect("GET Summary.aspx");
    let html = summary.body_mut().read_to_string().unwrap_or_default();
    assert!(html.contains(&format!("Tax Summary {}", apn.dashed())));
}
