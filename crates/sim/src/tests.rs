//! End-to-end tests of the simulator over real HTTP (ureq against a server on port 0).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::*;
use crate::truth_rules::ownership_answers;
use mps_ident::Apn;
use mps_model::Service;

struct Got {
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    body: String,
}

impl Got {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_idle_connections_per_host(300)
        .max_idle_connections(300)
        .build()
        .into()
}

fn get(agent: &ureq::Agent, url: &str, token: Option<&str>) -> Got {
    let mut req = agent.get(url);
    if let Some(t) = token {
        req = req.header("AUTHORIZATION", t);
    }
    let resp = req.call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (content_type, retry_after) = (
        header("content-type").unwrap_or_default(),
        header("retry-after"),
    );
    let status = resp.status().as_u16();
    let body = resp.into_body().read_to_string().unwrap_or_default();
    Got {
        status,
        content_type,
        retry_after,
        body,
    }
}

fn start(opts: SimOptions) -> Simulator {
    Simulator::start(opts).expect("simulator starts")
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

const PARCEL_KEYS: &[&str] = &[
    "MCR",
    "AssociatedParcels",
    "MoreAssociatedParcelsExist",
    "PropertyAddress",
    "PropertyDescription",
    "LotSize",
    "IsResidential",
    "MapidExists",
    "SectionTownshipRange",
    "AssessorMarket",
    "AreaNeighborhood",
    "SubdivisionName",
    "Lot",
    "HighSchoolDistrict",
    "ElementarySchoolDistrict",
    "LocalJusidiction",
    "PropertyType",
    "ParcelStatus",
    "APL_flag",
    "Owner",
    "Geo",
    "Zoning",
    "IsRental",
    "IsPending",
    "McrTransitionUrl",
    "TreasurersTransitionUrl",
    "DeedTransitionUrl",
    "IsCancelled",
    "NumberOfParcelsInSubdivision",
    "IsCommercial",
    "Improvements",
    "Valuations",
    "TaxAreaCode",
    "PropertyUseCode",
    "PEPropUseDesc",
    "NumberOfParcelsInMCR",
    "NumberOfParcelsInSTR",
    "ResidentialPropertyData",
    "SimilarParcels",
    "Sketches",
    "MapIDs",
];

const OWNER_KEYS: &[&str] = &[
    "OwnerID",
    "Ownership",
    "InCareOf",
    "ContoOwnership",
    "MailingAddress1",
    "MailingAddress2",
    "MailingCity",
    "MailingState",
    "MailingZip",
    "MailingCountry",
    "MostCurrentDeed",
    "DeedDate",
    "DeedType",
    "SalePrice",
    "SaleDate",
    "Redacted",
    "FullMailingAddress",
    "DeedTypeID",
];

const VALUATION_KEYS: &[&str] = &[
    "TaxYear",
    "FullCashValue",
    "LimitedPropertyValue",
    "LegalClassificationCode",
    "LegalClassification",
    "AssessmentRatioPercentage",
    "AssessedFCV",
    "AssessedLPV",
    "ValuationSource",
    "PEPropUseDesc",
    "PropertyUseCode",
    "TaxAreaCode",
    "NoticeOfChangeIndc",
];

const SEARCH_ROW_KEYS: &[&str] = &[
    "MCR",
    "SubdivisonName",
    "SectionTownshipRange",
    "APN",
    "Ownership",
    "SitusAddress",
    "SitusCity",
    "SitusZip",
    "PropertyType",
    "RentalID",
];

#[test]
fn token_is_required() {
    let sim = start(SimOptions::default());
    let a = agent();
    let url = format!("{}/parcel/16528054", sim.url(Service::Assessor));
    let none = get(&a, &url, None);
    assert_eq!(none.status, 401);
    assert_eq!(get(&a, &url, Some("wrong")).status, 401);
    let ok = get(&a, &url, Some(SIM_TOKEN));
    assert_eq!(ok.status, 200);
    assert!(
        ok.content_type.starts_with("application/json"),
        "{}",
        ok.content_type
    );
    assert_eq!(sim.token(), SIM_TOKEN);
}

#[test]
fn parcel_has_the_real_key_order_and_quirks() {
    let sim = start(SimOptions::default());
    let a = agent();
    let base = sim.url(Service::Assessor);
    for apn in ["165-28-054", "132-38-011", "115-05-034C"] {
        let doc = get(&a, &format!("{base}/parcel/{apn}"), Some(SIM_TOKEN)).json();
        assert_eq!(keys(&doc), PARCEL_KEYS, "{apn}");
        assert_eq!(keys(&doc["Owner"]), OWNER_KEYS);
        let vals = doc["Valuations"].as_array().expect("array");
        assert_eq!(vals.len(), 6);
        for v in vals {
            assert_eq!(keys(v), VALUATION_KEYS);
            assert_eq!(v["LimitedPropertyValue"].as_str().map(str::len), Some(12));
            assert_eq!(v["AssessedLPV"].as_str().map(str::len), Some(12));
            assert_eq!(v["LegalClassificationCode"].as_str().map(str::len), Some(4));
            assert_eq!(v["AssessedFCV"], "na");
        }
        assert_eq!(keys(&doc["ResidentialPropertyData"]).len(), 28);
        let info = get(
            &a,
            &format!("{base}/parcel/{apn}/propertyinfo"),
            Some(SIM_TOKEN),
        )
        .json();
        assert_eq!(keys(&info), &PARCEL_KEYS[..19]);
        assert_eq!(
            info["PropertyType"],
            doc["PropertyType"]
                .as_str()
                .unwrap_or_default()
                .to_uppercase()
        );
    }
    let doc = get(&a, &format!("{base}/parcel/165-28-054"), Some(SIM_TOKEN)).json();
    assert_eq!(doc["Valuations"][0]["LimitedPropertyValue"], "255234      ");
    assert_eq!(doc["Valuations"][0]["LegalClassificationCode"], "2.R ");
    assert_eq!(doc["Valuations"][0]["AssessmentRatioPercentage"], "0.1500");
    assert_eq!(doc["ResidentialPropertyData"]["Pool"], false);
    assert_eq!(doc["ResidentialPropertyData"]["NumberOfCoveredPatios"], 0);
    assert_eq!(
        doc["ResidentialPropertyData"]["NumberOfUncoveredPatios"],
        "1"
    );
    assert_eq!(doc["SimilarParcels"][1]["Parcel"], "165-28-056");
    assert_eq!(doc["SimilarParcels"][1]["PoolArea"], "308");
    assert_eq!(doc["SimilarParcels"][0]["PoolArea"], serde_json::json!([]));
    assert_eq!(doc["Owner"]["SalePrice"], Value::Null);
    assert_eq!(doc["LocalJusidiction"], "PHOENIX");
    let commercial = get(&a, &format!("{base}/parcel/132-38-011"), Some(SIM_TOKEN)).json();
    assert_eq!(commercial["PropertyType"], "Warehouse");
    assert!(commercial["ResidentialPropertyData"]["Pool"].is_null());
    assert!(!commercial["Improvements"]
        .as_array()
        .expect("array")
        .is_empty());
}

#[test]
fn missing_fcv_is_served_as_na() {
    let sim = start(SimOptions::default());
    let county = sim.county();
    let apn = county
        .sample(5_000)
        .into_iter()
        .find(|a| {
            county
                .parcel(a)
                .is_some_and(|t| t.valuations.iter().any(|v| v.full_cash_value.is_none()))
        })
        .expect("about 1 % of parcels lack an FCV");
    let url = format!(
        "{}/parcel/{}/valuations/",
        sim.url(Service::Assessor),
        apn.compact()
    );
    let vals = get(&agent(), &url, Some(SIM_TOKEN)).json();
    assert_eq!(vals[5]["FullCashValue"], "na");
}

#[test]
fn sub_resources_agree_with_the_parcel() {
    let sim = start(SimOptions::default());
    let a = agent();
    let base = sim.url(Service::Assessor);
    for apn in sim.county().sample(40) {
        let doc = get(
            &a,
            &format!("{base}/parcel/{}", apn.compact()),
            Some(SIM_TOKEN),
        )
        .json();
        let sub = |name: &str| {
            get(
                &a,
                &format!("{base}/parcel/{}/{name}/", apn.compact()),
                Some(SIM_TOKEN),
            )
            .json()
        };
        assert_eq!(sub("owner-details"), doc["Owner"]);
        assert_eq!(sub("valuations"), doc["Valuations"]);
        assert_eq!(sub("residential-details"), doc["ResidentialPropertyData"]);
        assert_eq!(sub("address")["PropertyAddress"], doc["PropertyAddress"]);
        let truth = sim.county().parcel(&apn).expect("exists");
        assert_eq!(doc["PropertyAddress"], truth.property_address);
        assert_eq!(doc["Owner"]["Ownership"], truth.owner.ownership);
    }
}

#[test]
fn apn_spellings_and_not_found_pages() {
    let sim = start(SimOptions::default());
    let a = agent();
    let base = sim.url(Service::Assessor);
    for spelling in [
        "118-22-001A",
        "11822001a",
        "118%2022%20001A",
        "118.22.001.A",
        "11822001A/",
    ] {
        let got = get(&a, &format!("{base}/parcel/{spelling}"), Some(SIM_TOKEN));
        assert_eq!(got.status, 200, "{spelling}");
        assert_eq!(
            got.json()["TreasurersTransitionUrl"],
            "https://treasurer.maricopa.gov/parcel/default.aspx?Parcel=11822001A"
        );
    }
    for path in [
        "/parcel/11822001",
        "/parcel/999-99-999",
        "/parcel/not-an-apn",
        "/nope",
        "/parcel/16528054/sales",
        "/",
    ] {
        let got = get(&a, &format!("{base}{path}"), Some(SIM_TOKEN));
        assert_eq!(got.status, 404, "{path}");
        assert!(got.content_type.starts_with("text/html"), "{path}");
        assert!(got
            .body
            .contains("<title>Page not found: Maricopa County Assessor's Office</title>"));
    }
    for path in ["/treasurer/nothing.aspx", "/elsewhere"] {
        let got = get(&a, &format!("{}{path}", sim.base_url()), None);
        assert_eq!(got.status, 404, "{path}");
        assert!(got.body.starts_with('<'));
    }
}

#[test]
fn owner_search_pages_and_contains_the_truth() {
    let sim = start(SimOptions::default());
    let a = agent();
    let search = format!("{}/search/property/", sim.url(Service::Assessor));
    let query = "SMITH JOHN";
    let first = get(&a, &format!("{search}?q=SMITH+JOHN"), Some(SIM_TOKEN)).json();
    let total = first["TOTAL"].as_u64().expect("TOTAL") as usize;
    assert!(total > PAGE_SIZE && total < 120, "TOTAL {total}");
    let mut rows: Vec<Value> = Vec::new();
    for page in 1..=total.div_ceil(PAGE_SIZE) + 1 {
        let got = get(
            &a,
            &format!("{search}?q=SMITH%20JOHN&page={page}"),
            Some(SIM_TOKEN),
        )
        .json();
        assert_eq!(got["TOTAL"].as_u64(), Some(total as u64));
        rows.extend(got["Results"].as_array().cloned().unwrap_or_default());
    }
    assert_eq!(rows.len(), total);
    assert_eq!(keys(&rows[0]), SEARCH_ROW_KEYS);
    let mut exact: Vec<Apn> = rows
        .iter()
        .filter(|r| ownership_answers(query, r["Ownership"].as_str().unwrap_or_default()))
        .filter_map(|r| Apn::parse(r["APN"].as_str().unwrap_or_default()).ok())
        .collect();
    exact.sort();
    assert_eq!(exact, sim.county().owner_truth(query));
    assert!(rows.len() > exact.len(), "the search must add near misses");
    let empty = get(&a, &format!("{search}?q=ZZZZ+QQQQ"), Some(SIM_TOKEN)).json();
    assert_eq!(empty, serde_json::json!({"TOTAL": 0, "Results": []}));
}

#[test]
fn address_and_apn_searches_include_the_parcel_among_near_misses() {
    let sim = start(SimOptions::default());
    let a = agent();
    let search = format!("{}/search/rp/", sim.url(Service::Assessor));
    let rows = |q: &str| -> Vec<Value> {
        let got = get(
            &a,
            &format!("{search}?q={}", q.replace(' ', "+")),
            Some(SIM_TOKEN),
        )
        .json();
        got["Results"].as_array().cloned().unwrap_or_default()
    };
    let found = rows("10010 N 29TH ST PHOENIX, AZ 85028");
    assert!(found.iter().any(|r| r["APN"] == "16528054"));
    assert!(found.len() > 1);
    let found = rows("1 E WASHINGTON ST");
    assert!(
        found
            .iter()
            .any(|r| r["SitusAddress"] == "1601 E WASHINGTON ST"),
        "{found:?}"
    );
    let found = rows("115-05-034");
    assert!(found.iter().any(|r| r["APN"] == "11505034C"));
    assert!(found.len() > 2);
    for apn in sim.county().sample(60).into_iter().skip(30) {
        let t = sim.county().parcel(&apn).expect("exists");
        let by_address = rows(&t.situs_street);
        assert!(
            by_address.iter().any(|r| r["APN"] == apn.compact()),
            "{}",
            t.situs_street
        );
        let row = by_address
            .iter()
            .find(|r| r["APN"] == apn.compact())
            .cloned()
            .unwrap_or_default();
        assert_eq!(row["PropertyType"], t.property_type.to_uppercase());
        assert_eq!(
            row["SectionTownshipRange"],
            t.section_township_range.replace(' ', "")
        );
        assert!(rows(&apn.to_string())
            .iter()
            .any(|r| r["APN"] == apn.compact()));
    }
}

#[test]
fn rate_limit_answers_429_and_stats_count() {
    let opts = SimOptions {
        limits: BTreeMap::from([(Service::Assessor, 5.0)]),
        ..SimOptions::default()
    };
    let sim = start(opts);
    let a = agent();
    let url = format!("{}/parcel/16528054/address", sim.url(Service::Assessor));
    let got: Vec<Got> = (0..12).map(|_| get(&a, &url, Some(SIM_TOKEN))).collect();
    let limited: Vec<&Got> = got.iter().filter(|g| g.status == 429).collect();
    assert!(limited.len() >= 5, "{} limited", limited.len());
    assert!(limited
        .iter()
        .all(|g| g.retry_after.as_deref() == Some("1")));
    assert!(limited[0].json().is_object());
    let stats = get(&a, &format!("{}/__sim/stats", sim.base_url()), None).json();
    assert_eq!(stats["sources"]["assessor"]["requests"], 12);
    assert_eq!(stats["sources"]["assessor"]["status_429"], limited.len());
    assert_eq!(stats["sources"]["assessor"]["max_requests_in_1s"], 12);
    assert_eq!(stats["sources"]["treasurer"]["requests"], 0);
    let under_prefix = get(
        &a,
        &format!("{}/__sim/stats/", sim.url(Service::Assessor)),
        None,
    )
    .json();
    assert_eq!(under_prefix, stats, "stats requests are not counted");
    assert_eq!(sim.stats().source(Service::Assessor).requests, 12);
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(
        get(&a, &url, Some(SIM_TOKEN)).status,
        200,
        "the bucket refills"
    );
}

#[test]
fn injected_errors_are_503() {
    let opts = SimOptions {
        error_rate: BTreeMap::from([(Service::Assessor, 1.0)]),
        ..SimOptions::default()
    };
    let sim = start(opts);
    let got = get(
        &agent(),
        &format!("{}/parcel/16528054", sim.url(Service::Assessor)),
        Some(SIM_TOKEN),
    );
    assert_eq!(got.status, 503);
    assert!(got.body.starts_with('<'));
}

#[test]
fn latency_does_not_serialise_requests() {
    const N_CONC: usize = 256;
    let latency = Duration::from_millis(300);
    let sim = start(SimOptions {
        latency,
        ..SimOptions::default()
    });
    let url = format!("{}/parcel/16528054/address", sim.url(Service::Assessor));
    let a = agent();
    let t0 = Instant::now();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..N_CONC)
            .map(|_| s.spawn(|| get(&a, &url, Some(SIM_TOKEN)).status))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).collect()
    });
    let elapsed = t0.elapsed();
    assert!(statuses.iter().all(|&s| s == 200));
    assert!(elapsed < latency * 6, "256 requests took {elapsed:?}");
    assert_eq!(
        sim.stats().source(Service::Assessor).requests,
        N_CONC as u64
    );
    sim.stop();
}

#[test]
fn exports_name_every_service() {
    let sim = start(SimOptions {
        token: "tok".into(),
        ..SimOptions::default()
    });
    let mut out = Vec::new();
    sim.print_exports(&mut out).expect("write to a Vec");
    let text = String::from_utf8(out).unwrap_or_default();
    let base = format!("http://127.0.0.1:{}", sim.port());
    for line in [
        format!("export MPS_ASSESSOR_URL={base}/assessor"),
        "export MPS_ASSESSOR_TOKEN=tok".to_string(),
        format!("export MPS_TREASURER_URL={base}/treasurer"),
        format!("export MPS_RECORDER_URL={base}/recorder"),
        format!("export MPS_RECORDER_WEB_URL={base}/recorder-web"),
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in {text}");
    }
}
