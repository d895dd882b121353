//! `--mode property` against the simulator's ground truth, field by field, for a few hundred
//! parcels written in mixed spellings.

mod common;

use common::*;
use mps::ident::Apn;
use mps::sim::{County, SimOptions};
use serde_json::Value;

/// Spells an APN the way users do: dashed, compact, spaced, dotted, lower-case split letter.
fn spell(apn: &Apn, i: usize) -> String {
    let d = apn.dashed();
    match i % 5 {
        0 => d,
        1 => apn.compact(),
        2 => d.replace('-', " "),
        3 => d.replace('-', "."),
        _ => d.to_lowercase(),
    }
}

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn u(v: &Value) -> Option<u64> {
    v.as_u64()
}

#[test]
fn property_records_match_ground_truth() {
    let env = Env::with(SimOptions {
        seed: 7,
        ..SimOptions::default()
    });
    let county = County::new(7);
    let sample = county.sample(300);
    assert_eq!(sample.len(), 300);
    let mut csv = String::from("apn\n");
    for (i, apn) in sample.iter().enumerate() {
        csv.push_str(&spell(apn, i));
        csv.push('\n');
    }
    let input = env.file("apns.csv", csv.as_bytes());
    let out = env.batch(
        &input,
        &[
            "--mode",
            "property",
            "--rate",
            "assessor=0",
            "--workers",
            "16",
            "--progress",
            "none",
        ],
    );
    assert_eq!(code(&out), 0, "stderr: {}", stderr(&out));
    let recs = by_line(&records(&out));
    assert_eq!(recs.len(), 300, "one record per row");

    let mut fields_checked = 0u64;
    for (i, apn) in sample.iter().enumerate() {
        let line = i as u64 + 2;
        let rec = &recs[&line];
        let truth = county.parcel(apn).expect("sampled parcel exists");
        assert_eq!(rec["status"], "ok", "line {line}: {rec}");
        assert_eq!(rec["apn"], apn.dashed(), "line {line}");
        assert_eq!(rec["input"], spell(apn, i));
        let block = &rec["assessor"];
        assert_eq!(block["status"], "ok");
        assert!(block["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/parcel/{}", apn.compact())));
        assert!(block["fetched_at"].as_str().unwrap().ends_with('Z'));
        let p = &block["data"]["parcels"][0];
        let mut eq_s = |name: &str, got: &Value, want: Option<String>| {
            assert_eq!(s(got), want, "line {line} {apn} field {name}");
            fields_checked += 1;
        };
        eq_s(
            "mcr",
            &p["mcr"],
            Some(truth.mcr.clone()).filter(|x| !x.is_empty()),
        );
        eq_s(
            "property_address",
            &p["property_address"],
            Some(truth.property_address.clone()),
        );
        eq_s(
            "situs.street",
            &p["situs"]["street"],
            Some(truth.situs_street.clone()),
        );
        eq_s(
            "situs.city",
            &p["situs"]["city"],
            Some(truth.situs_city.clone()),
        );
        eq_s(
            "situs.zip",
            &p["situs"]["zip"],
            Some(truth.situs_zip.clone()),
        );
        eq_s(
            "legal_description",
            &p["legal_description"],
            Some(truth.legal_description.clone()),
        );
        eq_s(
            "subdivision",
            &p["subdivision"],
            Some(truth.subdivision.clone()).filter(|x| !x.is_empty()),
        );
        eq_s(
            "lot",
            &p["lot"],
            Some(truth.lot.clone()).filter(|x| !x.is_empty()),
        );
        eq_s("use_code", &p["use_code"], Some(truth.use_code.clone()));
        eq_s(
            "use_description",
            &p["use_description"],
            Some(truth.use_description.clone()),
        );
        eq_s(
            "tax_area_code",
            &p["tax_area_code"],
            Some(truth.tax_area_code.clone()),
        );
        eq_s(
            "property_type",
            &p["property_type"],
            Some(truth.property_type.clone()),
        );
        eq_s(
            "section_township_range",
            &p["section_township_range"],
            Some(truth.section_township_range.clone()),
        );
        eq_s(
            "jurisdiction",
            &p["jurisdiction"],
            Some(truth.jurisdiction.clone()),
        );
        eq_s(
            "parcel_status",
            &p["parcel_status"],
            Some(truth.parcel_status.clone()),
        );
        assert_eq!(
            u(&p["lot_size_sqft"]),
            truth.lot_size_sqft,
            "line {line} lot size"
        );
        assert_eq!(p["is_residential"].as_bool(), Some(truth.is_residential));
        assert_eq!(p["is_rental"].as_bool(), Some(truth.is_rental));

        let o = &p["owner"];
        let t = &truth.owner;
        eq_s("owner.name", &o["name"], Some(t.ownership.clone()));
        eq_s("owner.in_care_of", &o["in_care_of"], t.in_care_of.clone());
        eq_s(
            "owner.mailing_address1",
            &o["mailing_address1"],
            Some(t.mailing_address1.clone()),
        );
        eq_s(
            "owner.mailing_address2",
            &o["mailing_address2"],
            t.mailing_address2.clone(),
        );
        eq_s(
            "owner.mailing_city",
            &o["mailing_city"],
            Some(t.mailing_city.clone()),
        );
        eq_s(
            "owner.mailing_state",
            &o["mailing_state"],
            Some(t.mailing_state.clone()),
        );
        eq_s(
            "owner.mailing_zip",
            &o["mailing_zip"],
            Some(t.mailing_zip.clone()),
        );
        eq_s(
            "owner.deed_number",
            &o["deed_number"],
            Some(t.deed_number.clone()),
        );
        eq_s(
            "owner.deed_date",
            &o["deed_date"],
            Some(t.deed_date.to_string()),
        );
        eq_s(
            "owner.deed_type",
            &o["deed_type"],
            Some(t.deed_type.clone()),
        );
        eq_s(
            "owner.sale_date",
            &o["sale_date"],
            t.sale_date.map(|d| d.to_string()),
        );
        assert_eq!(u(&o["sale_price"]), t.sale_price, "line {line} sale price");

        match &truth.residential {
            None => assert!(p["residential"].is_null(), "line {line}: non-residential"),
            Some(r) => {
                let g = &p["residential"];
                assert_eq!(
                    u(&g["construction_year"]),
                    r.construction_year.map(u64::from)
                );
                assert_eq!(
                    u(&g["original_construction_year"]),
                    r.original_construction_year.map(u64::from)
                );
                assert_eq!(u(&g["livable_sqft"]), r.livable_sqft, "line {line} livable");
                assert_eq!(u(&g["pool_sqft"]), r.pool_sqft, "line {line} pool");
                assert_eq!(g["pool"].as_bool(), Some(r.pool_sqft.is_some()));
                assert_eq!(u(&g["garage_stalls"]), r.garage_stalls);
                assert_eq!(u(&g["carports"]), Some(r.carports));
                assert_eq!(u(&g["covered_patios"]), Some(r.covered_patios));
                assert_eq!(u(&g["uncovered_patios"]), Some(r.uncovered_patios));
                assert_eq!(u(&g["bath_fixtures"]), Some(r.bath_fixtures));
                assert_eq!(s(&g["quality_grade"]), r.quality_grade);
                assert_eq!(s(&g["exterior_walls"]), r.exterior_walls);
                assert_eq!(s(&g["roof_type"]), r.roof_type);
                assert_eq!(s(&g["cooling"]), r.cooling);
                assert_eq!(g["heating"].as_bool(), Some(r.heating));
                assert_eq!(s(&g["parking_type"]), r.parking_type);
                fields_checked += 16;
            }
        }

        let vals = p["valuations"].as_array().expect("valuations");
        assert_eq!(
            vals.len(),
            truth.valuations.len(),
            "line {line}: every valuation year"
        );
        for (g, t) in vals.iter().zip(&truth.valuations) {
            assert_eq!(u(&g["tax_year"]), Some(u64::from(t.tax_year)));
            assert_eq!(u(&g["full_cash_value"]), t.full_cash_value);
            assert_eq!(
                u(&g["limited_property_value"]),
                Some(t.limited_property_value)
            );
            assert_eq!(s(&g["legal_class_code"]), Some(t.legal_class_code.clone()));
            assert_eq!(s(&g["legal_class"]), Some(t.legal_class.clone()));
            let ratio = g["assessment_ratio"].as_f64().expect("ratio");
            assert!((ratio - t.assessment_ratio).abs() < 1e-9);
            assert_eq!(u(&g["assessed_lpv"]), Some(t.assessed_lpv));
            assert_eq!(u(&g["assessed_fcv"]), t.assessed_fcv);
            assert_eq!(s(&g["use_code"]), Some(t.use_code.clone()));
            assert_eq!(s(&g["tax_area_code"]), Some(t.tax_area_code.clone()));
            assert_eq!(g["notice_of_change"].as_bool(), Some(t.notice_of_change));
            fields_checked += 11;
        }
    }
    assert!(fields_checked > 300 * 40, "checked {fields_checked} fields");
    // One request per parcel: the fewest that fill every field.
    assert_eq!(env.assessor_requests(), 300);
}
