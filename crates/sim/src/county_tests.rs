//! Tests of the county generator and its ground truth (no HTTP here).

use std::time::Instant;

use super::*;
use crate::generate::LATEST_TAX_YEAR;
use crate::reference::REFERENCE_PARCELS;

fn apn(s: &str) -> Apn {
    Apn::parse(s).expect("test APN")
}

fn query(street: &str, city: Option<&str>, zip: Option<&str>) -> AddressQuery {
    AddressQuery {
        street: street.into(),
        city: city.map(Into::into),
        zip: zip.map(Into::into),
    }
}

#[test]
fn same_seed_same_county_other_seed_other_county() {
    let (a, b, c) = (County::new(42), County::new(42), County::new(43));
    let sample = a.sample(200);
    assert_eq!(sample, b.sample(200));
    let mut differ = 0;
    for apn in &sample {
        assert_eq!(a.parcel(apn), b.parcel(apn));
        if a.parcel(apn) != c.parcel(apn) {
            differ += 1;
        }
    }
    assert!(
        differ > 150,
        "seeds 42 and 43 agree on {} of 200 parcels",
        200 - differ
    );
}

#[test]
fn over_a_million_parcels_are_addressable() {
    let county = County::new(42);
    assert!(
        county.parcel_count() >= 1_000_000,
        "{}",
        county.parcel_count()
    );
    // Spot checks across the whole range of books and maps.
    let mut found = 0;
    for book in (100..=599).step_by(37) {
        for map in (1..=99).step_by(13) {
            for parcel in [1, 20] {
                let plain = Apn {
                    book,
                    map,
                    parcel,
                    split: None,
                };
                let any = county.exists(&plain)
                    || ['A', 'B', 'C'].iter().any(|&c| {
                        county.exists(&Apn {
                            split: Some(c),
                            ..plain
                        })
                    });
                assert!(any, "{plain}");
                found += 1;
            }
        }
    }
    assert!(found > 100);
    assert!(!county.exists(&apn("099-01-001")));
    assert!(!county.exists(&apn("600-01-001")));
    assert!(!county.exists(&apn("100-00-001")));
    assert!(!county.exists(&apn("100-01-000")));
    assert!(!county.exists(&apn("100-01-999")));
}

#[test]
fn reference_parcels_exist_with_their_addresses() {
    for seed in [1, 42] {
        let county = County::new(seed);
        let refs = county.reference_apns();
        assert_eq!(refs.len(), 30);
        assert_eq!(county.sample(30), refs);
        for r in REFERENCE_PARCELS {
            let a = apn(r.apn);
            let t = county
                .parcel(&a)
                .unwrap_or_else(|| panic!("{} missing", r.apn));
            assert_eq!(t.apn, a);
            if let Some(street) = r.street {
                assert_eq!(t.situs_street, street);
                assert_eq!(
                    county.address_truth(&query(street, None, None)),
                    vec![a],
                    "{street}"
                );
            }
            if let (Some(city), Some(zip)) = (r.city, r.zip) {
                assert_eq!((t.situs_city.as_str(), t.situs_zip.as_str()), (city, zip));
            }
            assert_eq!(
                t.property_address,
                format!("{} {}, AZ {}", t.situs_street, t.situs_city, t.situs_zip)
            );
            assert!(county.owner_truth(&t.owner.ownership).contains(&a));
        }
        // The split letter is part of the APN: the unsplit form does not exist.
        assert!(!county.exists(&apn("115-05-034")));
        assert!(!county.exists(&apn("118-22-001")));
        assert!(county.exists(&apn("118-22-001a")));
    }
}

#[test]
fn captured_parcels_carry_the_captured_values() {
    let county = County::new(42);
    let t = county.parcel(&apn("165-28-054")).expect("165-28-054");
    assert_eq!(t.property_address, "10010 N 29TH ST PHOENIX, AZ 85028");
    assert_eq!((t.mcr.as_str(), t.lot.as_str()), ("9641", "413"));
    assert_eq!(t.subdivision, "PARADISE VALLEY OASIS 1-A");
    assert_eq!(t.section_township_range, "26 3N 3E");
    assert_eq!(t.owner.ownership, "HORIZON HEALTH AND WELLNESS INC");
    assert_eq!(t.owner.deed_number, "20180142724");
    assert_eq!(t.valuations[0].limited_property_value, 255_234);
    assert_eq!(t.valuations[0].assessed_lpv, 38_285);
    assert_eq!(t.use_code, "9060");
    let neighbour = county.parcel(&apn("165-28-056")).expect("165-28-056");
    assert_eq!(neighbour.situs_city, "PHOENIX");
    assert_eq!(neighbour.residential.and_then(|h| h.pool_sqft), Some(308));
    let t = county.parcel(&apn("200-16-068")).expect("200-16-068");
    assert_eq!(
        (t.mcr.as_str(), t.subdivision.as_str(), t.lot.as_str()),
        ("43521", "DEER VILLAGE UNIT 2", "118")
    );
    assert_eq!(t.owner.ownership, "DOE JOHN Q/JANE R");
    assert_eq!(t.valuations[1].tax_year, 2025);
    assert_eq!(t.valuations[1].full_cash_value, Some(420_800));
    assert_eq!(t.valuations[1].assessed_lpv, 23_442);
    let home = t.residential.expect("a home");
    assert_eq!(
        (home.pool_sqft, home.livable_sqft, home.bath_fixtures),
        (Some(382), Some(1992), 8)
    );
}

#[test]
fn valuations_are_consistent() {
    let county = County::new(7);
    for a in county.sample(400) {
        let t = county.parcel(&a).expect("sampled");
        assert_eq!(t.valuations.len(), 6);
        for (i, v) in t.valuations.iter().enumerate() {
            assert_eq!(v.tax_year, LATEST_TAX_YEAR - i as u16);
            if let Some(fcv) = v.full_cash_value {
                assert!(v.limited_property_value <= fcv, "{a} {v:?}");
            }
            assert_eq!(
                v.assessed_lpv,
                (v.limited_property_value as f64 * v.assessment_ratio).round() as u64
            );
            assert_eq!(v.legal_class_code.trim(), v.legal_class_code);
        }
        if !county
            .refs
            .contains_key(&county.layout.key_of(&a).expect("key"))
        {
            for pair in t.valuations.windows(2) {
                let growth =
                    pair[0].limited_property_value as f64 / pair[1].limited_property_value as f64;
                assert!(growth <= 1.05, "{a}: LPV grew {growth}");
            }
        }
        assert_eq!(t.owner.deed_number.len(), 11);
        assert_eq!(
            t.owner.deed_number[..4],
            t.owner.deed_date.format("%Y").to_string()
        );
        assert_eq!(
            t.is_residential,
            t.residential.is_some() || t.property_type == "Residential"
        );
    }
}

#[test]
fn addresses_round_trip() {
    let county = County::new(42);
    for a in county.sample(400) {
        let t = county.parcel(&a).expect("sampled");
        let q = query(&t.situs_street, Some(&t.situs_city), Some(&t.situs_zip));
        assert_eq!(county.address_truth(&q), vec![a], "{}", t.property_address);
        let wrong_city = if t.situs_city == "MESA" {
            "TEMPE"
        } else {
            "MESA"
        };
        assert!(county
            .address_truth(&query(&t.situs_street, Some(wrong_city), None))
            .is_empty());
    }
    assert!(county
        .address_truth(&query("1 NOWHERE ST", None, None))
        .is_empty());
    assert!(county.address_truth(&query("", None, None)).is_empty());
}

#[test]
fn owners_round_trip() {
    let county = County::new(42);
    for a in county.sample(300) {
        let t = county.parcel(&a).expect("sampled");
        let full = county.owner_truth(&t.owner.ownership);
        assert!(full.contains(&a), "{a} {}", t.owner.ownership);
        let first_owner = t.owner.ownership.split('/').next().unwrap_or_default();
        let two_words: Vec<&str> = first_owner.split(' ').take(2).collect();
        let partial = county.owner_truth(&two_words.join(" "));
        assert!(partial.contains(&a), "{a} {}", t.owner.ownership);
        for other in &partial {
            let o = county.parcel(other).expect("listed parcels exist");
            assert!(ownership_answers(&two_words.join(" "), &o.owner.ownership));
        }
    }
    assert!(county.owner_truth("NOBODY ATALL").is_empty());
    assert!(county.owner_truth("").is_empty());
}

#[test]
fn split_parcels_have_no_unsplit_twin() {
    let county = County::new(42);
    let mut splits = 0;
    for g in (0..MAP_COUNT).step_by(211) {
        for p in 1..=county.layout.count(g) {
            if !county.layout.key_exists((g, p)) {
                continue;
            }
            let a = county.layout.apn((g, p));
            if let Some(letter) = a.split {
                splits += 1;
                assert!(county.exists(&a));
                assert!(!county.exists(&Apn { split: None, ..a }), "{a}");
                for other in ['A', 'B', 'C', 'D'].into_iter().filter(|&c| c != letter) {
                    assert!(!county.exists(&Apn {
                        split: Some(other),
                        ..a
                    }));
                }
            }
        }
    }
    assert!(splits > 50, "{splits}");
}

#[test]
fn sample_is_distinct_and_spread() {
    let county = County::new(9);
    let sample = county.sample(2_000);
    assert_eq!(sample.len(), 2_000);
    let distinct: HashSet<_> = sample.iter().collect();
    assert_eq!(distinct.len(), 2_000);
    let books: HashSet<u16> = sample.iter().map(|a| a.book).collect();
    assert!(books.len() > 300, "{}", books.len());
    assert!(sample.iter().all(|a| county.exists(a)));
    assert_eq!(county.sample(5).len(), 5);
}

#[test]
fn generation_is_fast_enough() {
    let county = County::new(42);
    let sample = county.sample(500);
    let t0 = Instant::now();
    for a in &sample {
        let _ = county.parcel(a);
    }
    let per_parcel = t0.elapsed() / 500;
    let t0 = Instant::now();
    let hits = county.owner_truth("SMITH JOHN");
    let owner_lookup = t0.elapsed();
    let t0 = Instant::now();
    let _ = county.address_truth(&query("10010 N 29TH ST", Some("PHOENIX"), None));
    let address_lookup = t0.elapsed();
    eprintln!("parcel {per_parcel:?}, owner lookup {owner_lookup:?} ({} hits), address lookup {address_lookup:?}", hits.len());
    // Generous bounds: debug builds on a busy machine.
    assert!(per_parcel.as_micros() < 2_000);
    assert!(owner_lookup.as_millis() < 500);
}

#[test]
fn a_maps_business_flag_is_its_facts_flag() {
    // Reference maps (fixed places, overrides) included: they are the ones that differ.
    let county = County::new(42);
    let mut maps: Vec<u32> = (0..MAP_COUNT).step_by(13).collect();
    maps.extend(
        county
            .reference_apns()
            .iter()
            .filter_map(|a| map_id(a.book, a.map)),
    );
    let mut business = 0;
    for g in maps {
        let facts = county.map_facts(g).business;
        assert_eq!(county.map_is_business(g), facts, "map {g}");
        business += usize::from(facts);
    }
    assert!(business > 100, "{business}");
}
