//! Renders ground truth as the Assessor serves it, quirks included: numbers as text, values
//! right-padded to 12 characters, class codes padded to 4, `"na"`, `false` for "no pool", `[]`
//! for "no parking", counts as `0` or `"1"`, and the service's own misspelt keys.
//!
//! Key order matters (clients and tests compare it), and serde_json's `preserve_order` keeps the
//! order of the `json!` literals below.

use serde_json::{json, Map, Value};

use super::county::County;
use super::hash::{mix, tag, Stream};
use super::layout::Key;
use super::names::IMPROVEMENT_KINDS;
use super::reference::SIMILAR_165_28_054;
use super::region::{subdivision, MapFacts};
use super::truth::{OwnerTruth, ParcelTruth, ResidentialTruth, ValuationTruth};
use mps_ident::Apn;

const SITE: &str = "https://mcassessor.maricopa.gov";

fn mdy(d: chrono::NaiveDate) -> String {
    d.format("%m/%d/%Y").to_string()
}

/// A count as the service sends it: the integer 0, or a numeric string.
fn count(n: u64) -> Value {
    if n == 0 {
        json!(0)
    } else {
        json!(n.to_string())
    }
}

fn opt_num(n: Option<u64>) -> Value {
    n.map_or(Value::Null, |v| json!(v.to_string()))
}

fn opt_str(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Null, |v| json!(v))
}

/// `/owner-details` and `Owner` in `/parcel`.
pub fn owner(o: &OwnerTruth) -> Value {
    json!({
        "OwnerID": o.owner_id,
        "Ownership": o.ownership,
        "InCareOf": opt_str(&o.in_care_of),
        "ContoOwnership": "",
        "MailingAddress1": o.mailing_address1,
        "MailingAddress2": opt_str(&o.mailing_address2),
        "MailingCity": o.mailing_city,
        "MailingState": o.mailing_state,
        "MailingZip": o.mailing_zip,
        "MailingCountry": o.mailing_country,
        "MostCurrentDeed": o.deed_number,
        "DeedDate": mdy(o.deed_date),
        "DeedType": o.deed_type,
        "SalePrice": opt_num(o.sale_price),
        "SaleDate": o.sale_date.map_or(Value::Null, |d| json!(mdy(d))),
        "Redacted": false,
        "FullMailingAddress": o.full_mailing_address,
        "DeedTypeID": null,
    })
}

/// One `/valuations` row.
pub fn valuation(v: &ValuationTruth) -> Value {
    json!({
        "TaxYear": v.tax_year.to_string(),
        "FullCashValue": v.full_cash_value.map_or("na".to_string(), |n| n.to_string()),
        "LimitedPropertyValue": format!("{:<12}", v.limited_property_value),
        "LegalClassificationCode": format!("{:<4}", v.legal_class_code),
        "LegalClassification": v.legal_class,
        "AssessmentRatioPercentage": format!("{:.4}", v.assessment_ratio),
        "AssessedFCV": v.assessed_fcv.map_or("na".to_string(), |n| format!("{n:<12}")),
        "AssessedLPV": format!("{:<12}", v.assessed_lpv),
        "ValuationSource": v.valuation_source,
        "PEPropUseDesc": v.use_description,
        "PropertyUseCode": v.use_code,
        "TaxAreaCode": v.tax_area_code,
        "NoticeOfChangeIndc": if v.notice_of_change { "Y" } else { "N" },
    })
}

pub fn valuations(t: &ParcelTruth) -> Value {
    Value::Array(t.valuations.iter().map(valuation).collect())
}

/// `/residential-details`; a non-residential parcel gets the same keys, all null.
pub fn residential(home: Option<&ResidentialTruth>, facts: &MapFacts) -> Value {
    let Some(h) = home else {
        let keys = [
            "ConstructionYear",
            "OriginalConstructionYear",
            "LotSize",
            "LivableSpace",
            "Detached_Livable_sqft",
            "AssessorMarket",
            "AreaNeighborhood",
            "Pool",
            "PEImprovementQualityGrade",
            "ImprovementQualityGrade",
            "NumberOfCoveredPatios",
            "NumberOfUncoveredPatios",
            "NumberOfPatios",
            "PatioType",
            "ExteriorWalls",
            "RoofType",
            "BathFixtures",
            "Cooling",
            "Heating",
            "NumberOfGarages",
            "NumberOfCarports",
            "ParkingDetails",
            "LocationalFactors",
            "OtherStructures",
            "ParkingType",
            "CoveredParking",
            "LocationalCharacteristics",
            "PhysicalCondition",
        ];
        return Value::Object(keys.iter().map(|k| (k.to_string(), Value::Null)).collect());
    };
    let patio_type = match (h.covered_patios, h.uncovered_patios) {
        (1.., _) => json!("Covered"),
        (0, 1..) => json!("Uncovered"),
        _ => Value::Null,
    };
    let parking = match &h.parking_type {
        Some(kind) => json!({"ParkingType": kind, "ParkingCount": "1"}),
        None => json!([]),
    };
    json!({
        "ConstructionYear": opt_num(h.construction_year.map(u64::from)),
        "OriginalConstructionYear": opt_num(h.original_construction_year.map(u64::from)),
        "LotSize": opt_num(h.lot_size_sqft),
        "LivableSpace": opt_num(h.livable_sqft),
        "Detached_Livable_sqft": null,
        "AssessorMarket": facts.market,
        "AreaNeighborhood": facts.neighborhood,
        "Pool": h.pool_sqft.map_or(json!(false), |a| json!(a.to_string())),
        "PEImprovementQualityGrade": "Comparable",
        "ImprovementQualityGrade": opt_str(&h.quality_grade),
        "NumberOfCoveredPatios": count(h.covered_patios),
        "NumberOfUncoveredPatios": count(h.uncovered_patios),
        "NumberOfPatios": count(h.covered_patios + h.uncovered_patios),
        "PatioType": patio_type,
        "ExteriorWalls": opt_str(&h.exterior_walls),
        "RoofType": h.roof_type.clone().unwrap_or_default(),
        "BathFixtures": count(h.bath_fixtures),
        "Cooling": opt_str(&h.cooling),
        "Heating": if h.heating { json!("Yes") } else { Value::Null },
        "NumberOfGarages": opt_num(h.garage_stalls),
        "NumberOfCarports": h.carports,
        "ParkingDetails": parking,
        "LocationalFactors": h.locational.as_ref().map_or(String::new(), |l| format!("{l},")),
        "OtherStructures": "",
        "ParkingType": opt_str(&h.parking_type),
        "CoveredParking": h.covered_parking,
        "LocationalCharacteristics": h.locational.clone().unwrap_or_default(),
        "PhysicalCondition": null,
    })
}

/// A `/search/*` result row.
pub fn search_row(t: &ParcelTruth) -> Value {
    json!({
        "MCR": t.mcr,
        "SubdivisonName": t.subdivision,
        "SectionTownshipRange": t.section_township_range.replace(' ', ""),
        "APN": t.apn.compact(),
        "Ownership": t.owner.ownership,
        "SitusAddress": t.situs_street,
        "SitusCity": t.situs_city,
        "SitusZip": t.situs_zip,
        "PropertyType": t.property_type.to_uppercase(),
        "RentalID": null,
    })
}

/// The 19 leading keys of `/parcel` (`/propertyinfo` serves them with PropertyType upper-cased).
fn property_head(t: &ParcelTruth, facts: &MapFacts, mapid_exists: bool) -> Map<String, Value> {
    let head = json!({
        "MCR": t.mcr,
        "AssociatedParcels": [],
        "MoreAssociatedParcelsExist": false,
        "PropertyAddress": t.property_address,
        "PropertyDescription": t.legal_description,
        "LotSize": opt_num(t.lot_size_sqft),
        "IsResidential": t.is_residential,
        "MapidExists": mapid_exists,
        "SectionTownshipRange": t.section_township_range,
        "AssessorMarket": facts.market,
        "AreaNeighborhood": facts.neighborhood,
        "SubdivisionName": t.subdivision,
        "Lot": t.lot,
        "HighSchoolDistrict": t.high_school_district,
        "ElementarySchoolDistrict": t.elementary_school_district,
        "LocalJusidiction": t.jurisdiction,
        "PropertyType": t.property_type,
        "ParcelStatus": t.parcel_status,
        "APL_flag": "1",
    });
    match head {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Everything `/parcel/{apn}` and its sub-resources serve for one parcel.
pub struct ParcelDocument {
    pub parcel: Value,
    pub property_info: Value,
}

/// Renders `/parcel/{apn}` (and `/propertyinfo`) for an existing key.
pub fn parcel_document(county: &County, key: Key, t: &ParcelTruth) -> ParcelDocument {
    let facts = county.map_facts(key.0);
    let sub = subdivision(
        county.seed,
        key.0,
        key.1,
        county.layout.count(key.0),
        &facts,
    );
    let mut s = Stream::new(&[
        county.seed,
        tag::PARCEL + 100,
        u64::from(key.0),
        u64::from(key.1),
    ]);
    let mapid_exists = s.chance(70);
    let mut info = property_head(t, &facts, mapid_exists);
    let mut parcel = info.clone();
    info.insert("PropertyType".into(), json!(t.property_type.to_uppercase()));
    let (mcr_book, mcr_page) = t.mcr.split_at(t.mcr.len().saturating_sub(2));
    let is_commercial = !t.is_residential;
    let tail = json!({
        "Owner": owner(&t.owner),
        "Geo": {"lat": null, "long": null, "address": t.property_address},
        "Zoning": [],
        "IsRental": t.is_rental,
        "IsPending": false,
        "McrTransitionUrl": format!(
            "https://recorder.maricopa.gov/recording/map-results.html?book={:0>3}&page={mcr_page}",
            mcr_book
        ),
        "TreasurersTransitionUrl": format!("https://treasurer.maricopa.gov/parcel/default.aspx?Parcel={}", t.apn.compact()),
        "DeedTransitionUrl": format!(
            "https://recorder.maricopa.gov/recording/document-details.html?recordingNumber={}&suffix=",
            t.owner.deed_number
        ),
        "IsCancelled": false,
        "NumberOfParcelsInSubdivision": sub.parcels,
        "IsCommercial": is_commercial,
        "Improvements": improvements(&mut s, t),
        "Valuations": valuations(t),
        "TaxAreaCode": t.tax_area_code,
        "PropertyUseCode": t.use_code,
        "PEPropUseDesc": t.use_description,
        "NumberOfParcelsInMCR": 0,
        "NumberOfParcelsInSTR": facts.parcels_in_str,
        "ResidentialPropertyData": residential(t.residential.as_ref(), &facts),
        "SimilarParcels": similar_parcels(county, key, t),
        "Sketches": {"TotalPages": 1, "Pages": [{"Sketch": sketch(&mut s)}]},
        "MapIDs": map_ids(&mut s, t),
    });
    if let Value::Object(rest) = tail {
        parcel.extend(rest);
    }
    ParcelDocument {
        parcel: Value::Object(parcel),
        property_info: Value::Object(info),
    }
}

/// Improvement rows: buildings on commercial parcels, none on homes.
fn improvements(s: &mut Stream, t: &ParcelTruth) -> Value {
    if t.is_residential {
        return json!([]);
    }
    let area = t.lot_size_sqft.unwrap_or(20_000) / 3;
    let rows: Vec<Value> = (1..=s.range(1, 3))
        .map(|i| {
            json!({
                "CCI": *s.pick(&["C", "D", "S"]),
                "EffectiveAge": s.range(5, 60).to_string(),
                "ImprovementDescription": *s.pick(IMPROVEMENT_KINDS),
                "ImprovementNumber": format!("{:04}01", i),
                "ImprovementSquareFootage": (area / i).to_string(),
                "QualityRank": s.range(1, 4).to_string(),
                "Model": s.range(100, 999).to_string(),
            })
        })
        .collect();
    Value::Array(rows)
}

/// Comparable homes nearby (the captured list for 165-28-054).
fn similar_parcels(county: &County, key: Key, t: &ParcelTruth) -> Value {
    if !t.is_residential {
        return json!([]);
    }
    let keys: Vec<Key> = if t.apn.to_string() == "165-28-054" {
        SIMILAR_165_28_054
            .iter()
            .filter_map(|a| Apn::parse(a).ok())
            .filter_map(|a| county.layout.key_of(&a))
            .collect()
    } else {
        let wanted = 3
            + (mix(&[
                county.seed,
                tag::SHUFFLE,
                u64::from(key.0),
                u64::from(key.1),
            ]) % 3) as usize;
        [1i32, -1, 2, -2, 3, -3, 4, -4, 5, -5]
            .iter()
            .filter_map(|d| u16::try_from(i32::from(key.1) + d).ok())
            .map(|p| (key.0, p))
            .filter(|&k| county.layout.key_exists(k))
            .take(wanted)
            .collect()
    };
    let rows = keys
        .into_iter()
        .map(|k| county.build(k))
        .filter(|n| n.is_residential)
        .map(|n| {
            let home = n.residential.as_ref();
            let sale = match (n.owner.sale_price, n.owner.sale_date) {
                (Some(p), Some(d)) => format!("${p} / {} -{}", d.format("%-m"), d.format("%Y")),
                _ => String::new(),
            };
            json!({
                "Parcel": n.apn.to_string(),
                "LandSize": opt_num(n.lot_size_sqft),
                "SalesPriceDate": sale,
                "FullCashValue": opt_num(n.valuations.first().and_then(|v| v.full_cash_value)),
                "LivableSqFootage": opt_num(home.and_then(|h| h.livable_sqft)),
                "ConstructionYear": opt_num(home.and_then(|h| h.original_construction_year).map(u64::from)),
                "PoolArea": home.and_then(|h| h.pool_sqft).map_or(json!([]), |a| json!(a.to_string())),
                "SitusAddress": n.situs_street,
                "ForeClosed": [],
            })
        })
        .collect();
    Value::Array(rows)
}

/// A few hundred bytes that start like a PNG, base64-encoded (real sketches are tens of KB).
fn sketch(s: &mut Stream) -> String {
    let mut bytes = vec![
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
    ];
    let len = s.range(200, 400) as usize;
    while bytes.len() < len {
        bytes.extend_from_slice(&s.next_u64().to_le_bytes());
    }
    base64(&bytes)
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `MapIDs`: map files by category (`UpdateDate` is DD-MON-YY, or `[]` when unknown).
fn map_ids(s: &mut Stream, t: &ParcelTruth) -> Value {
    const MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    let entry = |s: &mut Stream, file: String| {
        let date = if s.chance(5) {
            json!([])
        } else {
            json!(format!(
                "{:02}-{}-{:02}",
                s.range(1, 28),
                MONTHS[s.below(12) as usize],
                s.range(5, 25)
            ))
        };
        json!({"FileName": file, "UpdateDate": date, "Url": format!("{SITE}/getmapid/{file}/")})
    };
    let apn = t.apn.compact();
    let book_map = &apn[..5];
    let parcel_maps: Vec<Value> = (1..=s.range(0, 2))
        .map(|i| entry(s, format!("{apn}{i:02}")))
        .collect();
    let str_maps: Vec<Value> = (1..=s.range(1, 4))
        .map(|i| entry(s, format!("8{book_map}03{i:02}")))
        .collect();
    let book_maps: Vec<Value> = (1..=s.range(1, 2))
        .map(|i| entry(s, format!("8{book_map}01{i:02}")))
        .collect();
    json!({
        "Parcel Maps": parcel_maps,
        "Subdivision Maps": [entry(s, format!("5{}", t.mcr))],
        "MCR Maps": [entry(s, format!("7{}", t.mcr))],
        "S/T/R Maps": str_maps,
        "Book/Map Maps": book_maps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
