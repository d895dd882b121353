//! Documents recorded while the simulator runs: served by number, by name, on the website and
//! in the truth, numbered after everything else; deeds and unknown parcels refused.

use chrono::Datelike;
use serde_json::Value;

use super::api::document_json;
use super::parties::ownership_parties;
use super::recorded::FIRST_RECORDED_SEQUENCE;
use super::replaced::Old;
use super::*;
use crate::{County, SimOptions, Simulator};
use mps_ident::Apn;
use mps_model::Service;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// (status, JSON body) of a GET.
fn get(url: &str) -> (u16, Value) {
    let resp = agent()
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = resp.status().as_u16();
    let body = resp.into_body().read_to_string().unwrap_or_default();
    let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{url}: {e}: {body}"));
    (status, json)
}

/// (status, JSON body) of a POST without a body.
fn post(url: &str) -> (u16, Value) {
    let resp = agent()
        .post(url)
        .send_empty()
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let status = resp.status().as_u16();
    let body = resp.into_body().read_to_string().unwrap_or_default();
    let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{url}: {e}: {body}"));
    (status, json)
}

/// A generated parcel owned by a couple (two names to search for).
fn couples_parcel(county: &County) -> Apn {
    county
        .sample(200)
        .into_iter()
        .skip(county.reference_apns().len())
        .find(|apn| {
            county
                .parcel(apn)
                .is_some_and(|t| t.owner.ownership.contains('/'))
        })
        .expect("a couple among 200 parcels")
}

/// The search for an index name "LAST FIRST M", as the collector asks it.
fn query(name: &str) -> IndexQuery {
    let words: Vec<&str> = name.split(' ').collect();
    IndexQuery {
        middle: words.get(2).map(std::string::ToString::to_string),
        ..IndexQuery::person(words[0], words.get(1).copied())
    }
}

fn search_url(base: &str, q: &IndexQuery) -> String {
    let mut url = format!("{base}/documents/search?pageSize=200");
    for (name, value) in [
        ("lastNames", &q.last),
        ("firstNames", &q.first),
        ("middleNameIs", &q.middle),
    ] {
        if let Some(v) = value {
            url.push_str(&format!("&{name}={v}"));
        }
    }
    url
}

#[test]
fn a_recorded_document_is_served_wherever_generated_ones_are() {
    let sim = Simulator::start(SimOptions::default()).expect("simulator starts");
    let county = sim.county();
    let base = sim.url(Service::Recorder);
    let apn = couples_parcel(county);
    let owners: Vec<String> = {
        let ownership = county.parcel(&apn).map(|t| t.owner.ownership);
        let mut names: Vec<String> =
            ownership_parties(&ownership.unwrap_or_default(), PartyRole::Party)
                .into_iter()
                .map(|p| p.name)
                .collect();
        names.sort();
        names
    };
    assert_eq!(owners.len(), 2, "{owners:?}");
    let history = county.parcel_documents(&apn);
    let before: Vec<u64> = owners
        .iter()
        .map(|n| {
            get(&search_url(&base, &query(n))).1["totalResults"]
                .as_u64()
                .unwrap_or(0)
        })
        .collect();

    let number = sim.record_document(&apn, "deed  trst").expect("recorded");
    let today = sim.today();
    assert_eq!(number.len(), 11);
    assert_eq!(number[..4], today.year().to_string());
    assert!(number[4..]
        .parse::<u64>()
        .is_ok_and(|s| s >= FIRST_RECORDED_SEQUENCE));

    // The truth.
    let doc = county.document(&number).expect("found by number");
    assert_eq!(doc.recording_date, today);
    assert_eq!(doc.document_codes, ["DEED TRST"]);
    assert_eq!(
        doc.names(),
        owners,
        "the owners, as the parcel's documents name them"
    );
    assert_eq!(
        (
            doc.page_amount,
            doc.affidavit_present,
            doc.restricted,
            doc.is_deed
        ),
        (1, false, false, false)
    );
    assert_eq!((doc.apn, doc.sale_price), (Some(apn), None));
    let mut with_it = history.clone();
    with_it.push(doc.clone());
    assert_eq!(
        county.parcel_documents(&apn),
        with_it,
        "last in the parcel's history"
    );
    let newest = history
        .iter()
        .map(super::truth::DocumentTruth::number_value)
        .max()
        .unwrap_or(0);
    assert!(doc.number_value() > newest);
    let last_deed = history
        .iter()
        .rfind(|d| d.is_deed)
        .map(|d| d.recording_number.clone());
    assert_eq!(
        county.parcel(&apn).map(|t| t.owner.deed_number),
        last_deed,
        "the Assessor's last deed is unchanged"
    );

    // The public API, by number and by each owner's name.
    let (status, by_number) = get(&format!("{base}/documents/{number}"));
    assert_eq!((status, &by_number), (200, &document_json(&doc)));
    for (name, before) in owners.iter().zip(before) {
        let q = query(name);
        let (_, found) = get(&search_url(&base, &q));
        assert_eq!(found["totalResults"].as_u64(), Some(before + 1), "{name}");
        let rows = found["searchResults"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let last = rows.last().expect("a row");
        assert_eq!(
            last["recordingNumber"].as_u64(),
            Some(doc.number_value()),
            "{name}"
        );
        assert_eq!(last["names"], name.as_str());
        assert_eq!(last["documentCode"], "DEED TRST");
        // The fast search still equals the replaced one, plus the new row.
        let mut expected = Old(county).search_index(&q);
        expected.push((name.clone(), doc.clone()));
        assert_eq!(county.search_index(&q), expected, "{name}");
    }

    // The website.
    let (status, page) = get(&format!(
        "{}/recording/api/document-details?recordingNumber={number}",
        sim.web_url()
    ));
    assert_eq!(status, 200);
    assert_eq!(page["document"]["recNum"], number.as_str());
    let names: Vec<&str> = page["document"]["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, owners);

    // A second document comes after the first.
    let second = sim.record_document(&apn, "REL D/T").expect("recorded");
    assert_eq!(
        second.parse::<u64>().ok(),
        number.parse::<u64>().ok().map(|n| n + 1)
    );
    assert_eq!(county.recorded_documents().len(), 2);
    sim.stop();
}

#[test]
fn deeds_and_unknown_parcels_are_refused() {
    let sim = Simulator::start(SimOptions::default()).expect("simulator starts");
    let apn = couples_parcel(sim.county());
    for code in ["WAR DEED", "q/cl deed", "TRST DEED", "DEED"] {
        let refused = sim.record_document(&apn, code);
        assert!(
            refused.as_ref().is_err_and(|e| e.contains("deed")),
            "{code}: {refused:?}"
        );
    }
    let nowhere = Apn::parse("999-99-999").expect("an APN, outside the county");
    let refused = sim.record_document(&nowhere, "DEED TRST");
    assert!(
        refused.as_ref().is_err_and(|e| e.contains("999-99-999")),
        "{refused:?}"
    );
    assert!(sim.record_document(&apn, "  ").is_err());
    assert!(sim.county().recorded_documents().is_empty());
    sim.stop();
}

#[test]
fn documents_are_recorded_over_http() {
    let sim = Simulator::start(SimOptions::default()).expect("simulator starts");
    let apn = couples_parcel(sim.county());
    let base = sim.base_url();
    let (status, body) = post(&format!("{base}/__sim/record?apn={apn}&code=DEED%20TRST"));
    assert_eq!(status, 200, "{body}");
    let number = body["recordingNumber"]
        .as_str()
        .expect("a number")
        .to_string();
    assert_eq!(
        sim.county().recorded_documents()[0].recording_number,
        number
    );
    let (status, doc) = get(&format!(
        "{}/documents/{number}",
        sim.url(Service::Recorder)
    ));
    assert_eq!(
        (status, &doc["documentCodes"][0]),
        (200, &Value::from("DEED TRST"))
    );
    let compact = apn.to_string().replace('-', "");
    let (status, body) = post(&format!("{base}/__sim/record?apn={compact}&code=LIEN"));
    assert_eq!(status, 200, "any APN spelling: {body}");
    for (query, why) in [
        (format!("apn={apn}&code=WAR%20DEED"), "a deed"),
        ("apn=999-99-999&code=LIEN".to_string(), "an unknown parcel"),
        ("apn=12&code=LIEN".to_string(), "not an APN"),
        (format!("apn={apn}"), "no code"),
    ] {
        let (status, body) = post(&format!("{base}/__sim/record?{query}"));
        assert_eq!(status, 400, "{why}: {body}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{why}"
        );
    }
    let (status, _) = get(&format!("{base}/__sim/record?apn={apn}&code=LIEN"));
    assert_eq!(status, 405);
    assert_eq!(sim.county().recorded_documents().len(), 2);
    sim.stop();
}
