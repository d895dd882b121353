//! Tests of the Recorder's ground truth against the Assessor's (no HTTP here).

use std::collections::{BTreeMap, HashSet};

use chrono::Datelike;

use super::history::{deed_code, DEED_CODES, FIRST_YEAR, LAST_YEAR};
use super::numbering::Numbering;
use super::parties::ownership_parties;
use super::*;
use crate::County;
use mps_ident::Apn;

fn apn(s: &str) -> Apn {
    Apn::parse(s).expect("test APN")
}

fn deeds(docs: &[DocumentTruth]) -> Vec<&DocumentTruth> {
    docs.iter().filter(|d| d.is_deed).collect()
}

#[test]
fn the_latest_deed_is_the_assessors_last_deed_and_the_chain_holds() {
    let county = County::new(42);
    let mut numbers = HashSet::new();
    for apn in county.sample(300) {
        let Some(truth) = county.parcel(&apn) else {
            panic!("{apn} sampled but missing");
        };
        let docs = county.parcel_documents(&apn);
        let deeds = deeds(&docs);
        assert!(
            (2..=4).contains(&deeds.len()),
            "{apn}: {} deeds",
            deeds.len()
        );
        let Some(last) = deeds.last() else {
            panic!("{apn}: no deed");
        };
        let owner = &truth.owner;
        assert_eq!(last.recording_number, owner.deed_number, "{apn}");
        assert_eq!(last.recording_date, owner.deed_date, "{apn}");
        assert_eq!(last.document_codes[0], deed_code(&owner.deed_type), "{apn}");
        assert_eq!(last.affidavit_present, owner.sale_price.is_some(), "{apn}");
        assert_eq!(last.sale_price, owner.sale_price, "{apn}");
        let mut owners: Vec<String> = ownership_parties(&owner.ownership, PartyRole::Grantee)
            .into_iter()
            .map(|p| p.name)
            .collect();
        owners.sort();
        assert_eq!(last.names_with(PartyRole::Grantee), owners, "{apn}");
        // Each deed's buyers are the next deed's sellers.
        for pair in deeds.windows(2) {
            assert_eq!(
                pair[0].names_with(PartyRole::Grantee),
                pair[1].names_with(PartyRole::Grantor),
                "{apn}: {} then {}",
                pair[0].recording_number,
                pair[1].recording_number
            );
        }
        let mut per_year: BTreeMap<i32, usize> = BTreeMap::new();
        for pair in docs.windows(2) {
            assert!(
                pair[0].recording_date <= pair[1].recording_date,
                "{apn}: order"
            );
        }
        for d in &docs {
            let year = d.recording_date.year();
            assert!((FIRST_YEAR..=LAST_YEAR).contains(&year), "{apn}: {year}");
            assert_eq!(d.recording_number.len(), 11, "{apn}");
            assert_eq!(d.recording_number[..4], year.to_string(), "{apn}");
            assert_eq!(d.apn, Some(apn));
            assert_eq!(
                d.is_deed,
                DEED_CODES.contains(&d.document_codes[0].as_str())
            );
            let mut names = d.names();
            names.dedup();
            assert!(names.windows(2).all(|w| w[0] < w[1]), "{apn}: names sorted");
            assert!(
                numbers.insert(d.recording_number.clone()),
                "{} twice",
                d.recording_number
            );
            *per_year.entry(year).or_default() += 1;
        }
        assert!(per_year.values().all(|&n| n <= 2), "{apn}: {per_year:?}");
    }
}

#[test]
fn deeds_of_trust_follow_their_deed_and_some_documents_are_restricted() {
    let county = County::new(42);
    let numbering = Numbering::of(&county);
    let (mut trusts, mut releases, mut restricted) = (0, 0, 0);
    for apn in county.sample(1500) {
        let docs = county.parcel_documents(&apn);
        for (i, d) in docs.iter().enumerate() {
            match d.document_codes[0].as_str() {
                "DEED TRST" => trusts += 1,
                "REL D/T" => releases += 1,
                _ => {}
            }
            if d.restricted {
                restricted += 1;
                assert_eq!(d.document_codes, ["DEATH CER"]);
                assert_eq!(d.parties.len(), 1);
            }
            // A purchase loan is recorded right after its deed: the next number (when the deed
            // is numbered by the Recorder, not a captured or legacy Assessor number).
            if d.is_deed && numbering.decode(&d.recording_number).is_some() {
                if let Some(next) = docs
                    .get(i + 1)
                    .filter(|n| n.recording_date == d.recording_date)
                {
                    assert_eq!(next.document_codes, ["DEED TRST"]);
                    assert_eq!(next.number_value(), d.number_value() + 1, "{apn}");
                    assert_eq!(next.names(), d.names_with(PartyRole::Grantee));
                }
            }
        }
    }
    assert!(
        trusts > 1500 && releases > 700,
        "{trusts} trusts, {releases} releases"
    );
    assert!((5..300).contains(&restricted), "{restricted} restricted");
}

#[test]
fn documents_resolve_by_number_and_unknown_numbers_do_not() {
    let county = County::new(42);
    for apn in county.sample(60) {
        let Some(owner) = county.parcel(&apn).map(|t| t.owner) else {
            continue;
        };
        for d in county.parcel_documents(&apn) {
            if d.recording_number == owner.deed_number {
                continue; // the next test
            }
            assert_eq!(county.document(&d.recording_number).as_ref(), Some(&d));
        }
    }
    let old = county.document("19470000001").expect("old index");
    assert_eq!(old.apn, None);
    assert!(old.docket_book > 0 && old.page_map > 0);
    for bad in [
        "19470000999",
        "20150000001",
        "2015",
        "abc",
        "201504537210",
        "",
    ] {
        assert_eq!(county.document(bad), None, "{bad}");
    }
}

/// Needs the parcel build to take its deed number from `County::recorder_deed_number`
/// (generated numbers are otherwise random and cannot be decoded).
#[test]
fn the_assessors_last_deed_resolves_by_number() {
    let county = County::new(42);
    for apn in county.sample(200) {
        let Some(owner) = county.parcel(&apn).map(|t| t.owner) else {
            continue;
        };
        let doc = county.document(&owner.deed_number);
        assert!(
            doc.as_ref()
                .is_some_and(|d| d.apn == Some(apn) && d.is_deed),
            "{apn}: MostCurrentDeed {} does not resolve; the parcel build must number the deed \
             with County::recorder_deed_number",
            owner.deed_number
        );
    }
}

#[test]
fn captured_reference_deeds_resolve_with_their_parties() {
    let county = County::new(42);
    let horizon = county.document("20180142724").expect("captured deed");
    assert_eq!(horizon.apn, Some(apn("165-28-054")));
    assert_eq!(horizon.document_codes[0], "WAR DEED");
    assert_eq!(
        horizon.names_with(PartyRole::Grantee),
        ["HORIZON HEALTH AND WELLNESS INC"]
    );
    assert!(!horizon.affidavit_present, "the capture has no sale price");
    let doe = county.document("20190512345").expect("composite deed");
    assert_eq!(doe.apn, Some(apn("200-16-068")));
    assert_eq!(
        doe.names_with(PartyRole::Grantee),
        ["DOE JANE R", "DOE JOHN Q"]
    );
    assert!(doe.affidavit_present);
    assert_eq!(doe.sale_price, Some(315_000));
}

#[test]
fn every_name_on_a_parcels_deeds_finds_them() {
    let county = County::new(42);
    let mut checked = 0;
    for apn in county.sample(40).into_iter().skip(30) {
        for d in county.parcel_documents(&apn).iter().filter(|d| d.is_deed) {
            for party in &d.parties {
                let q = if party.business {
                    IndexQuery::business(&party.name)
                } else {
                    let words: Vec<&str> = party.name.split(' ').collect();
                    IndexQuery {
                        middle: words.get(2).map(std::string::ToString::to_string),
                        ..IndexQuery::person(words[0], words.get(1).copied())
                    }
                };
                let rows = county.search_index(&q);
                assert!(
                    rows.iter().any(|(n, r)| *n == party.name && r == d),
                    "{apn}: {} not found by {q:?}",
                    party.name
                );
                assert!(rows
                    .iter()
                    .all(|(n, r)| r.parties.iter().any(|p| p.name == *n)));
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "{checked}");
}

#[test]
fn name_helpers_agree_with_the_index() {
    let county = County::new(42);
    let rows = county.documents_for_name("DOE", Some("JOHN"));
    assert!(rows
        .iter()
        .any(|(n, d)| n == "DOE JOHN Q" && d.recording_number == "20190512345"));
    assert!(rows
        .windows(2)
        .all(|w| w[0].1.number_value() <= w[1].1.number_value()));
    let rows = county.documents_for_business("HORIZON HEALTH");
    assert!(rows
        .iter()
        .any(|(_, d)| d.recording_number == "20180142724"));
    let unfiltered = county.search_index(&IndexQuery::default());
    assert!(unfiltered.len() > TOTAL_CAP);
    assert!(unfiltered
        .iter()
        .all(|(_, d)| d.recording_number.starts_with("1947")));
}

#[test]
fn same_seed_same_history() {
    let (a, b, c) = (County::new(42), County::new(42), County::new(43));
    let mut differ = 0;
    for apn in a.sample(50) {
        assert_eq!(a.parcel_documents(&apn), b.parcel_documents(&apn));
        differ += usize::from(a.parcel_documents(&apn) != c.parcel_documents(&apn));
    }
    assert!(differ > 40, "{differ}");
}
