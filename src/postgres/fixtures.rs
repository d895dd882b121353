//! Test records shaped like the ones mps writes: comprehensive-mode parcels with
//! valuations, tax years and payments, a last deed and an earlier sale, and owner documents
//! (one of them the last deed itself, so a document arrives both ways).

use crate::ident::Apn;
use mps_model::blocks::SourceStatus;
use mps_model::record::{Record, RowStatus, SourceBlock};
use mps_model::Priority;
use serde_json::{json, Value};

pub(crate) const FETCHED_AT: &str = "2026-11-29T08:15:00Z";

/// The APN of fixture parcel `i` (every seventh one is a split parcel).
pub(crate) fn apn(i: usize) -> String {
    let split = if i % 7 == 3 { "A" } else { "" };
    format!("217-{:02}-{:03}{split}", 10 + i / 1000, i % 1000)
}

pub(crate) fn last_deed_number(i: usize) -> String {
    format!("2019{:07}", 512_000 + i)
}

fn owner(i: usize) -> String {
    [
        "SMITH JOHN & JANE",
        "GARCIA MARIA",
        "NGUYEN FAMILY TRUST",
        "DESERT HOLDINGS LLC",
    ][i % 4]
        .to_string()
        + &format!(" {i}")
}

/// An ok block carrying `data`, written as mps writes it and read into the block's type.
pub(crate) fn block<D: serde::de::DeserializeOwned>(data: Value) -> SourceBlock<D> {
    let data = match serde_json::from_value(data) {
        Ok(data) => data,
        Err(e) => panic!("a fixture does not read as its block's data: {e}"),
    };
    SourceBlock {
        status: SourceStatus::Ok,
        fetched_at: Some(FETCHED_AT.into()),
        url: Some("https://mcassessor.maricopa.gov/parcel/x".into()),
        error: None,
        requests: 1,
        data: Some(data),
    }
}

pub(crate) fn parcel(i: usize) -> Value {
    let street = format!("{} E CAMELBACK RD", 1200 + i);
    json!({
        "apn": apn(i),
        "mcr": "123-45",
        "property_address": format!("{street} PHOENIX 85016"),
        "situs": { "street": street, "city": "PHOENIX", "zip": "85016" },
        "legal_description": format!("LOT {i} ARCADIA ESTATES MCR 123-45"),
        "subdivision": "ARCADIA ESTATES",
        "lot": i.to_string(),
        "lot_size_sqft": 7_200 + i,
        "property_type": "Residential",
        "use_code": "0131",
        "use_description": "Single Family Residence",
        "tax_area_code": "010300",
        "section_township_range": "15 2N 3E",
        "jurisdiction": "PHOENIX",
        "high_school_district": "PHOENIX UNION",
        "elementary_school_district": "CREIGHTON",
        "parcel_status": "Active",
        "is_residential": true,
        "is_rental": matches!(i % 5, 0),
        "owner": {
            "name": owner(i),
            "in_care_of": null,
            "mailing_address1": "PO BOX 1",
            "mailing_city": "PHOENIX",
            "mailing_state": "AZ",
            "mailing_zip": "85001",
            "deed_number": last_deed_number(i),
            "deed_date": "2019-06-28",
            "deed_type": "WD",
            "sale_price": 385_000 + i * 1_000,
            "sale_date": "2019-06"
        },
        "residential": {
            "construction_year": 1978, "livable_sqft": 1_850, "pool": true,
            "garage_stalls": 2, "bath_fixtures": 9, "quality_grade": "Good",
            "heating": true, "cooling": "Refrigeration"
        },
        "valuations": (0..3).map(|k| json!({
            "tax_year": 2026 - k,
            "full_cash_value": 410_000 + i * 100 - k * 15_000,
            "limited_property_value": 298_000 + i * 100 - k * 10_000,
            "legal_class_code": "3.1",
            "legal_class": "Owner occupied residential",
            "assessment_ratio": 0.1,
            "assessed_fcv": 41_000 + i * 10,
            "assessed_lpv": 29_800 + i * 10,
            "valuation_source": "Notice",
            "use_code": "0131",
            "tax_area_code": "010300",
            "notice_of_change": false
        })).collect::<Vec<_>>()
    })
}

pub(crate) fn tax(i: usize) -> Value {
    json!({
        "apn": apn(i),
        "years": [
            {
                "tax_year": 2025, "billed": 2345.67, "paid": 1172.84, "due": 1172.83,
                "status": "unpaid", "lien": false,
                "payments": [
                    { "tax_year": 2025, "date": "2025-10-01", "amount": 1172.84, "description": "FIRST HALF" }
                ]
            },
            {
                "tax_year": 2024, "billed": 2210.5, "paid": 2210.5, "due": 0.0,
                "status": "paid", "lien": false,
                "payments": [
                    { "tax_year": 2024, "date": "2024-10-01", "amount": 1105.25, "description": "FIRST HALF" },
                    { "tax_year": 2024, "date": "2025-03-01", "amount": 1105.25, "description": "SECOND HALF" }
                ]
            }
        ],
        "total_due": 1172.83,
        "delinquent": false,
        "page": "legacy"
    })
}

pub(crate) fn sales(i: usize) -> Value {
    let o = owner(i);
    json!({
        "apn": apn(i),
        "last_deed": {
            "recording_number": last_deed_number(i),
            "recording_date": "2019-06-28",
            "document_codes": ["WD"],
            "names": [o, "PREVIOUS OWNER"],
            "sale_price": 385_000 + i * 1_000,
            "found_by": "assessor_last_deed",
            "match_confidence": "high",
            "match_reason": "the Assessor's MostCurrentDeed, read at the Recorder"
        },
        "history": [{
            "recording_number": format!("2008{:07}", 77_000 + i),
            "recording_date": "2008-03-14",
            "document_codes": ["WD"],
            "names": ["PREVIOUS OWNER", "BUILDER INC"],
            "sale_price": null,
            "found_by": "owner_name_search",
            "match_confidence": "medium",
            "match_reason": "latest deed naming seller PREVIOUS OWNER before the next sale (1 candidate deed); the Recorder has no parcel link"
        }]
    })
}

pub(crate) fn documents(i: usize) -> Value {
    let o = owner(i);
    json!({
        "apn": apn(i),
        "owners_searched": [o],
        "detail": "full",
        "truncated": false,
        "documents": [
            {
                "recording_number": last_deed_number(i),
                "recording_date": "2019-06-28",
                "document_codes": ["WD"],
                "more_codes": false,
                "names": [o, "PREVIOUS OWNER"],
                "page_count": 3, "docket_book": null, "page_map": null,
                "affidavit_present": true, "restricted": false,
                "matched_names": [o]
            },
            {
                "recording_number": format!("2021{:07}", 300_000 + i),
                "recording_date": "2021-02-02",
                "document_codes": ["DT"],
                "more_codes": false,
                "names": [o, "FIRST NATIONAL BANK"],
                "page_count": 14, "docket_book": null, "page_map": null,
                "affidavit_present": false, "restricted": false,
                "matched_names": [o]
            }
        ]
    })
}

/// An empty record for input line `line`; callers fill in blocks.
pub(crate) fn bare(line: u64, apn_text: &str, mode: &'static str) -> Record {
    let apn = Apn::parse(apn_text).ok();
    Record {
        line,
        input: apn_text.to_string(),
        search_type: Some("apn"),
        normalized: Some(apn_text.to_string()),
        priority: Priority::Normal,
        mode,
        status: RowStatus::Ok,
        apn,
        apns: apn.into_iter().collect(),
        error: None,
        assessor: None,
        tax: None,
        sales: None,
        documents: None,
    }
}

/// A comprehensive-mode record of parcel `i` on input line `i + 2`.
pub(crate) fn comprehensive(i: usize) -> Record {
    let mut r = bare(i as u64 + 2, &apn(i), "comprehensive");
    r.assessor = Some(block(json!({ "parcels": [parcel(i)] })));
    r.tax = Some(block(json!({ "parcels": [tax(i)] })));
    r.sales = Some(block(json!({ "parcels": [sales(i)] })));
    r.documents = Some(block(json!({ "parcels": [documents(i)] })));
    r
}

/// A search-mode record whose assessor block lists matches instead of parcels.
pub(crate) fn search_matches(line: u64, owner_name: &str, apns: &[String]) -> Record {
    let mut r = bare(line, owner_name, "search");
    r.search_type = Some("owner");
    let matches: Vec<Value> = apns
        .iter()
        .map(|a| {
            json!({
                "apn": a, "owner": owner_name, "situs_street": "1 N CENTRAL AVE",
                "situs_city": "PHOENIX", "situs_zip": "85004", "property_type": "Residential",
                "mcr": null, "subdivision": "DOWNTOWN", "section_township_range": null,
                "rental_id": null
            })
        })
        .collect();
    r.assessor = Some(block(json!({
        "match_count": matches.len(), "service_total": matches.len(), "pages_read": 1,
        "truncated": false, "matches": matches
    })));
    r
}
