//! End-to-end tests of the simulated Recorder over real HTTP (ureq against a server on port 0).

use serde_json::Value;

use super::api::{document_json, search_row_json};
use super::*;
use crate::{County, SimOptions, Simulator};
use mps_model::Service;

struct Got {
    status: u16,
    content_type: String,
    body: String,
}

impl Got {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn get(url: &str) -> Got {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let resp = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let status = resp.status().as_u16();
    let body = resp.into_body().read_to_string().unwrap_or_default();
    Got {
        status,
        content_type,
        body,
    }
}

fn start() -> Simulator {
    Simulator::start(SimOptions::default()).expect("simulator starts")
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn rows(v: &Value) -> &Vec<Value> {
    v["searchResults"]
        .as_array()
        .expect("searchResults is an array")
}

/// A document of some sampled parcel that is not its last deed (so it needs no Assessor number).
fn some_history_document(county: &County, pick: impl Fn(&DocumentTruth) -> bool) -> DocumentTruth {
    county
        .sample(400)
        .iter()
        .flat_map(|apn| county.parcel_documents(apn))
        .find(|d| pick(d))
        .expect("a matching document in the sample")
}

#[test]
fn documents_have_the_real_shape_and_types() {
    let sim = start();
    let base = sim.url(Service::Recorder);
    let truth = sim
        .county()
        .document("20190512345")
        .expect("composite deed");
    let got = get(&format!("{base}/documents/20190512345"));
    assert_eq!(got.status, 200);
    assert!(got.content_type.starts_with("application/json"));
    let v = got.json();
    assert_eq!(
        keys(&v),
        [
            "names",
            "documentCodes",
            "recordingDate",
            "recordingNumber",
            "pageAmount",
            "docketBook",
            "pageMap",
            "affidavitPresent",
            "affidavitPageAmount",
            "restricted"
        ]
    );
    assert_eq!(v["recordingNumber"], "20190512345", "a string");
    assert_eq!(v["recordingDate"], "6-28-2019");
    assert!(v["docketBook"].is_u64() && v["pageMap"].is_u64());
    assert_eq!(v["affidavitPresent"], true);
    assert_eq!(v, document_json(&truth));
    let names: Vec<&str> = v["names"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert!(names.contains(&"DOE JOHN Q") && names.contains(&"DOE JANE R"));
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted: {names:?}");

    let doc = some_history_document(sim.county(), |d| d.document_codes[0] == "REL D/T");
    let v = get(&format!("{base}/documents/{}", doc.recording_number)).json();
    assert_eq!(v, document_json(&doc));
    sim.stop();
}

#[test]
fn restricted_documents_say_so() {
    let sim = start();
    let doc = some_history_document(sim.county(), |d| d.restricted);
    let url = format!(
        "{}/documents/{}",
        sim.url(Service::Recorder),
        doc.recording_number
    );
    let v = get(&url).json();
    assert_eq!(v["restricted"], true);
    assert_eq!(v["documentCodes"][0], "DEATH CER");
    sim.stop();
}

#[test]
fn bad_and_unknown_ids_and_paths() {
    let sim = start();
    let base = sim.url(Service::Recorder);
    let got = get(&format!("{base}/documents/by-name"));
    assert_eq!(got.status, 400);
    let v = got.json();
    assert_eq!(
        keys(&v),
        ["timestamp", "status", "error", "message", "path"]
    );
    assert_eq!(v["status"], 400);
    assert_eq!(v["error"], "Bad Request");
    assert_eq!(v["message"], "Invalid recording number");
    assert_eq!(v["path"], "/documents/by-name");
    let got = get(&format!("{base}/documents/20150000001"));
    assert_eq!(
        (got.status, got.json()["status"].as_u64()),
        (404, Some(404))
    );
    for path in ["/parcel/16528054", "/documents", "/"] {
        assert_eq!(get(&format!("{base}{path}")).status, 404, "{path}");
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let posted = agent
        .post(&format!("{base}/documents/search"))
        .send("")
        .map(|r| r.status().as_u16());
    assert_eq!(posted.ok(), Some(405));
    sim.stop();
}

#[test]
fn name_search_rows_have_the_real_types_and_match_the_truth() {
    let sim = start();
    let base = sim.url(Service::Recorder);
    let url = format!("{base}/documents/search?lastNames=DOE&firstNames=JOHN&middleNameIs=Q&pageSize=200&pageNumber=1");
    let v = get(&url).json();
    assert_eq!(keys(&v), ["searchResults", "totalResults"]);
    let q = IndexQuery {
        middle: Some("Q".into()),
        ..IndexQuery::person("DOE", Some("JOHN"))
    };
    let truth = sim.county().search_index(&q);
    assert_eq!(v["totalResults"].as_u64(), Some(truth.len() as u64));
    let expected: Vec<Value> = truth.iter().map(|(n, d)| search_row_json(n, d)).collect();
    assert_eq!(rows(&v), &expected);
    let row = rows(&v)
        .iter()
        .find(|r| r["recordingNumber"] == 20190512345u64)
        .expect("the composite deed");
    assert_eq!(
        keys(row),
        [
            "names",
            "recordingNumber",
            "recordingSuffix",
            "recordingDate",
            "documentCode",
            "docketBook",
            "pageMap"
        ]
    );
    assert_eq!(row["names"], "DOE JOHN Q", "one string");
    assert!(row["recordingNumber"].is_u64(), "a number");
    assert_eq!(
        (&row["docketBook"], &row["pageMap"]),
        (&Value::from(""), &Value::from(""))
    );
    let numbers: Vec<u64> = rows(&v)
        .iter()
        .filter_map(|r| r["recordingNumber"].as_u64())
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] <= w[1]), "ascending");
    sim.stop();
}

#[test]
fn unfiltered_searches_list_the_1947_index_capped_at_501() {
    let sim = start();
    let base = sim.url(Service::Recorder);
    let search = |q: &str| get(&format!("{base}/documents/search?{q}")).json();
    let first = search("");
    assert_eq!(first["totalResults"], 501);
    assert_eq!(rows(&first).len(), DEFAULT_PAGE_SIZE);
    let row = &rows(&first)[0];
    assert!(row["recordingNumber"]
        .as_u64()
        .is_some_and(|n| n / 10_000_000 == 1947));
    assert!(
        row["docketBook"].as_str().is_some_and(|b| !b.is_empty()),
        "old rows have a book"
    );
    // Filters other than names are ignored; so are unknown parameters.
    for ignored in [
        "documentCode=WAR%20DEED",
        "startDate=2020-01-01&endDate=2020-12-31",
        "docketBook=554&pageMap=19",
        "name=SMITH",
        "pageNum=3",
    ] {
        assert_eq!(search(ignored), first, "{ignored}");
    }
    // 200 rows at most a page; only the first 501 rows can be reached.
    let big = search("pageSize=500");
    assert_eq!(rows(&big).len(), MAX_PAGE_SIZE);
    assert_eq!(rows(&search("pageSize=200&pageNumber=3")).len(), 101);
    assert_eq!(rows(&search("pageSize=200&pageNumber=4")).len(), 0);
    sim.stop();
}

#[test]
fn name_filters_are_kept_and_other_filters_ignored() {
    let sim = start();
    let base = sim.url(Service::Recorder);
    let search = |q: &str| get(&format!("{base}/documents/search?{q}")).json();
    let plain = search("lastNames=DOE&firstNames=JOHN&pageSize=200");
    let filtered =
        search("lastNames=DOE&firstNames=JOHN&pageSize=200&documentCode=LIEN&beginDate=2019-01-01");
    assert_eq!(plain, filtered);
    let business = search("businessNames=HORIZON%20HEALTH%20AND%20WELLNESS%20INC&pageSize=200");
    assert!(rows(&business)
        .iter()
        .any(|r| r["recordingNumber"] == 20180142724u64
            && r["names"] == "HORIZON HEALTH AND WELLNESS INC"));
    let none = search("lastNames=NOSUCHNAME");
    assert_eq!(
        (none["totalResults"].as_u64(), rows(&none).len()),
        (Some(0), 0)
    );
    sim.stop();
}

#[test]
fn a_common_name_is_capped_at_501() {
    let sim = start();
    let base = sim.url(Service::Recorder);
    let truth = sim.county().documents_for_name("SMITH", Some("JOHN"));
    assert!(
        truth.len() > TOTAL_CAP,
        "{} rows: pick a commoner name",
        truth.len()
    );
    let page = |n: usize| {
        get(&format!(
            "{base}/documents/search?lastNames=SMITH&firstNames=JOHN&pageSize=200&pageNumber={n}"
        ))
        .json()
    };
    let (p1, p3) = (page(1), page(3));
    assert_eq!(p1["totalResults"], 501);
    assert_eq!(rows(&p3).len(), 101);
    let last = &rows(&p3)[100];
    assert_eq!(last, &search_row_json(&truth[500].0, &truth[500].1));
    assert!(rows(&page(4)).is_empty());
    sim.stop();
}

#[test]
fn malformed_paging_is_a_spring_400() {
    let sim = start();
    let base = sim.url(Service::Recorder);
    for q in [
        "pageSize=abc",
        "pageNumber=0",
        "pageSize=-1",
        "pageNumber=x&lastNames=DOE",
        "pageSize=0",
    ] {
        let got = get(&format!("{base}/documents/search?{q}"));
        assert_eq!(got.status, 400, "{q}");
        let v = got.json();
        assert_eq!(keys(&v), ["timestamp", "status", "error", "path"], "{q}");
        assert_eq!(
            (v["status"].as_u64(), v["path"].as_str()),
            (Some(400), Some("/documents/search"))
        );
    }
    sim.stop();
}

#[test]
fn the_web_page_is_an_empty_shell_filled_from_a_private_endpoint() {
    let sim = start();
    let web = sim.web_url();
    let doc = sim
        .county()
        .document("20190512345")
        .expect("composite deed");
    let page = get(&format!(
        "{web}/recording/document-details.html?recordingNumber=20190512345"
    ));
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.contains("id=\"documentDetails\""));
    assert!(page.body.contains("api/document-details?recordingNumber="));
    for data in ["DOE JOHN Q", "WAR DEED", "20190512345", "06/28/2019"] {
        assert!(!page.body.contains(data), "the raw page shows {data}");
    }
    let api = get(&format!(
        "{web}/recording/api/document-details?recordingNumber=20190512345"
    ));
    assert_eq!(api.status, 200);
    let v = api.json();
    assert_eq!(v["document"]["recNum"], "20190512345");
    assert_eq!(v["document"]["recDate"], "2019-06-28");
    let names: Vec<&str> = v["document"]["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, doc.names());
    let unknown = get(&format!(
        "{web}/recording/api/document-details?recordingNumber=20150000001"
    ));
    assert_eq!(unknown.status, 404);
    assert!(unknown.json()["document"].is_null());
    let other = get(&format!("{web}/recording/nothing-here.html"));
    assert_eq!(other.status, 404);
    assert!(other.content_type.starts_with("text/html"));
    assert!(
        sim.stats().source(Service::Recorder).requests >= 4,
        "the website counts as the Recorder"
    );
    sim.stop();
}

#[test]
fn exports_name_the_recorder_and_its_website() {
    let sim = start();
    let mut out = Vec::new();
    sim.print_exports(&mut out).expect("write to a Vec");
    let text = String::from_utf8(out).unwrap_or_default();
    let base = sim.base_url();
    assert!(
        text.contains(&format!("export MPS_RECORDER_URL={base}/recorder\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "export MPS_RECORDER_WEB_URL={base}/recorder-web\n"
        )),
        "{text}"
    );
    sim.stop();
}
