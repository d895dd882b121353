//! Parsing of Assessor JSON (`/parcel/{apn}` and `/search/property/`) into the output model.

use crate::fields::{iso_date_or_month, Fields};
use crate::loose::Loose;
use mps_ident::places::split_trailing_place;
use mps_ident::Apn;
use mps_model::blocks::{Owner, ParcelRecord, Residential, SearchMatch, Situs, Valuation};

/// Why an Assessor body could not be read as what was asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("expected a JSON object, got {0}")]
    NotAnObject(&'static str),
    #[error("the response has no {0:?} field; the Assessor's format may have changed")]
    MissingField(&'static str),
}

/// True when a `/parcel` body describes no parcel (an empty object or null), which the
/// service may answer instead of a 404.
pub fn is_empty_parcel(v: &Loose) -> bool {
    match v {
        Loose::Null => true,
        Loose::Object(m) => m.values().all(|v| *v == Loose::Null),
        _ => false,
    }
}

/// Reads `/parcel/{apn}` (everything about one parcel).
pub fn parse_parcel(apn: Apn, body: &Loose) -> Result<ParcelRecord, ParseError> {
    let map = body
        .as_object()
        .ok_or(ParseError::NotAnObject(body.kind()))?;
    let f = Fields(map);
    if !map.contains_key("PropertyAddress") && !map.contains_key("Owner") {
        return Err(ParseError::MissingField("PropertyAddress"));
    }
    let property_address = f.text("PropertyAddress");
    let mut valuations: Vec<Valuation> = f
        .array("Valuations")
        .iter()
        .filter_map(Loose::as_object)
        .filter_map(|m| parse_valuation(Fields(m)))
        .collect();
    // The service lists newest first, but the order is not a promise: sort by year.
    valuations.sort_by_key(|v| std::cmp::Reverse(v.tax_year));
    Ok(ParcelRecord {
        apn,
        mcr: f.text("MCR"),
        situs: split_situs(property_address.as_deref()),
        property_address,
        legal_description: f.text("PropertyDescription"),
        subdivision: f.text("SubdivisionName"),
        lot: f.text("Lot"),
        lot_size_sqft: f.uint("LotSize"),
        property_type: f.text("PropertyType"),
        use_code: f.text("PropertyUseCode"),
        use_description: f.text("PEPropUseDesc"),
        tax_area_code: f.text("TaxAreaCode"),
        section_township_range: f.text("SectionTownshipRange"),
        // "LocalJusidiction" is the service's own spelling.
        jurisdiction: f
            .text("LocalJusidiction")
            .or_else(|| f.text("LocalJurisdiction")),
        high_school_district: f.text("HighSchoolDistrict"),
        elementary_school_district: f.text("ElementarySchoolDistrict"),
        parcel_status: f.text("ParcelStatus"),
        is_residential: f.flag("IsResidential"),
        is_rental: f.flag("IsRental"),
        owner: f.object("Owner").map(parse_owner).unwrap_or_default(),
        residential: f
            .object("ResidentialPropertyData")
            .and_then(parse_residential),
        valuations,
    })
}

/// Splits `"10010 N 29TH ST PHOENIX, AZ 85028"` into street, city and ZIP. The city is
/// recognised from the county's list of places; an unknown one stays in the street.
pub fn split_situs(address: Option<&str>) -> Situs {
    let Some(address) = address else {
        return Situs::default();
    };
    let (head, zip) = match address.rsplit_once(", AZ") {
        Some((head, tail)) => (
            head.trim(),
            Some(tail.trim().to_string()).filter(|z| !z.is_empty()),
        ),
        None => (address.trim(), None),
    };
    match split_trailing_place(head) {
        Some((street, city)) if !street.is_empty() => Situs {
            street: Some(street.to_string()),
            city: Some(city.to_string()),
            zip,
        },
        _ => Situs {
            street: Some(head.to_string()).filter(|s| !s.is_empty()),
            city: None,
            zip,
        },
    }
}

fn parse_owner(f: Fields) -> Owner {
    Owner {
        name: f.text("Ownership"),
        in_care_of: f.text("InCareOf"),
        mailing_address1: f.text("MailingAddress1"),
        mailing_address2: f.text("MailingAddress2"),
        mailing_city: f.text("MailingCity"),
        mailing_state: f.text("MailingState"),
        mailing_zip: f.text("MailingZip"),
        mailing_country: f.text("MailingCountry"),
        full_mailing_address: f.text("FullMailingAddress"),
        deed_number: f.text("MostCurrentDeed"),
        deed_date: f.date_mdy("DeedDate"),
        deed_type: f.text("DeedType"),
        sale_price: f.uint("SalePrice"),
        sale_date: f.text("SaleDate").and_then(|s| iso_date_or_month(&s)),
    }
}

fn parse_residential(f: Fields) -> Option<Residential> {
    // Non-residential parcels carry the block with every value null: that is no data.
    if f.0.values().all(Loose::is_blank) {
        return None;
    }
    // `Pool` is `false` or the pool area as text; "0" means no pool.
    let pool_sqft = f.uint("Pool").filter(|n| *n > 0);
    let parking = f.object("ParkingDetails");
    Some(Residential {
        construction_year: f.uint("ConstructionYear").and_then(year),
        original_construction_year: f.uint("OriginalConstructionYear").and_then(year),
        livable_sqft: f.uint("LivableSpace"),
        detached_livable_sqft: f.uint("Detached_Livable_sqft"),
        lot_size_sqft: f.uint("LotSize"),
        pool: pool_sqft.is_some() || f.flag("Pool") == Some(true),
        pool_sqft,
        garage_stalls: f.uint("NumberOfGarages"),
        carports: f.uint("NumberOfCarports"),
        covered_patios: f.uint("NumberOfCoveredPatios"),
        uncovered_patios: f.uint("NumberOfUncoveredPatios"),
        bath_fixtures: f.uint("BathFixtures"),
        quality_grade: f.text("ImprovementQualityGrade"),
        exterior_walls: f.text("ExteriorWalls"),
        roof_type: f.text("RoofType"),
        cooling: f.text("Cooling"),
        heating: f.flag("Heating") == Some(true),
        parking_type: f
            .text("ParkingType")
            .or_else(|| parking.and_then(|p| p.text("ParkingType"))),
        covered_parking: f.flag("CoveredParking"),
        locational_characteristics: f
            .text("LocationalCharacteristics")
            .map(|s| s.trim_end_matches(',').trim().to_string())
            .filter(|s| !s.is_empty()),
    })
}

fn year(n: u64) -> Option<u16> {
    u16::try_from(n).ok().filter(|y| *y > 0)
}

fn parse_valuation(f: Fields) -> Option<Valuation> {
    Some(Valuation {
        tax_year: f.uint("TaxYear").and_then(year)?,
        full_cash_value: f.uint("FullCashValue"),
        limited_property_value: f.uint("LimitedPropertyValue"),
        legal_class_code: f.text("LegalClassificationCode"),
        legal_class: f.text("LegalClassification"),
        assessment_ratio: f.float("AssessmentRatioPercentage"),
        assessed_fcv: f.uint("AssessedFCV"),
        assessed_lpv: f.uint("AssessedLPV"),
        valuation_source: f.text("ValuationSource"),
        use_code: f.text("PropertyUseCode"),
        use_description: f.text("PEPropUseDesc"),
        tax_area_code: f.text("TaxAreaCode"),
        notice_of_change: f.flag("NoticeOfChangeIndc"),
    })
}

/// One page of `/search/property/`: the service's total and its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub total: u64,
    pub rows: Vec<SearchMatch>,
}

/// Reads a search page: `{"TOTAL": n, "Results": [...]}`, or a category-keyed object whose
/// real-property list holds the rows. Rows without a readable APN are skipped.
pub fn parse_search_page(body: &Loose) -> Result<SearchPage, ParseError> {
    let map = body
        .as_object()
        .ok_or(ParseError::NotAnObject(body.kind()))?;
    let f = Fields(map);
    let (total, rows) = if map.contains_key("Results") {
        (f.uint("TOTAL"), f.array("Results"))
    } else if let Some(rp) = ["RealProperty", "Real Property", "RealPropertyResults"]
        .iter()
        .find_map(|k| map.get(k))
    {
        (None, rp.as_list().unwrap_or(&[]))
    } else {
        return Err(ParseError::MissingField("Results"));
    };
    let rows: Vec<SearchMatch> = rows
        .iter()
        .filter_map(Loose::as_object)
        .filter_map(|m| parse_search_row(Fields(m)))
        .collect();
    Ok(SearchPage {
        total: total.unwrap_or(rows.len() as u64),
        rows,
    })
}

fn parse_search_row(f: Fields) -> Option<SearchMatch> {
    let apn = Apn::parse(&f.text("APN")?).ok()?;
    Some(SearchMatch {
        apn,
        owner: f.text("Ownership"),
        situs_street: f.text("SitusAddress"),
        situs_city: f.text("SitusCity"),
        situs_zip: f.text("SitusZip"),
        property_type: f.text("PropertyType"),
        mcr: f.text("MCR"),
        // "SubdivisonName" is the service's own spelling in search rows.
        subdivision: f
            .text("SubdivisonName")
            .or_else(|| f.text("SubdivisionName")),
        section_township_range: f.text("SectionTownshipRange"),
        rental_id: f.text("RentalID"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// Runs `check` on `v` as the parser reads it (the body's text, read without a tree).
    fn read<T>(v: &Value, check: impl FnOnce(&Loose) -> T) -> T {
        let text = v.to_string();
        let loose: Loose = serde_json::from_str(&text).expect("JSON");
        check(&loose)
    }

    #[test]
    fn situs_is_split_on_known_places() {
        let s = split_situs(Some("10010 N 29TH ST PHOENIX, AZ 85028"));
        assert_eq!(s.street.as_deref(), Some("10010 N 29TH ST"));
        assert_eq!(s.city.as_deref(), Some("PHOENIX"));
        assert_eq!(s.zip.as_deref(), Some("85028"));
        let s = split_situs(Some("10000 W MISSOURI AVE"));
        assert_eq!(s.street.as_deref(), Some("10000 W MISSOURI AVE"));
        assert_eq!(s.city, None);
    }

    #[test]
    fn valuation_quirks() {
        let v = json!({"TaxYear":"2025","FullCashValue":"420800","LimitedPropertyValue":"234419      ",
            "LegalClassificationCode":"3.1 ","LegalClassification":"PRIMARY RESIDENCE",
            "AssessmentRatioPercentage":"0.1000","AssessedFCV":"na","AssessedLPV":"23442       ",
            "ValuationSource":"Notice","PEPropUseDesc":"Single Family Residence",
            "PropertyUseCode":"0131","TaxAreaCode":"111202","NoticeOfChangeIndc":"N"});
        let val = read(&v, |l| parse_valuation(Fields(l.as_object().unwrap()))).unwrap();
        assert_eq!(val.tax_year, 2025);
        assert_eq!(val.limited_property_value, Some(234419));
        assert_eq!(val.legal_class_code.as_deref(), Some("3.1"));
        assert_eq!(val.assessed_fcv, None);
        assert_eq!(val.assessed_lpv, Some(23442));
        assert_eq!(val.assessment_ratio, Some(0.1));
        assert_eq!(val.notice_of_change, Some(false));
    }

    #[test]
    fn search_page_rows() {
        let v = json!({"TOTAL": 26, "Results": [
            {"MCR":"9641","SubdivisonName":"X","SectionTownshipRange":"263N3E","APN":"11505034C",
             "Ownership":"DOE JOHN","SitusAddress":"1601 E WASHINGTON ST","SitusCity":"PHOENIX",
             "SitusZip":"85034","PropertyType":"COMMERCIAL","RentalID":null},
            {"APN": "garbage"}]});
        let page = read(&v, parse_search_page).unwrap();
        assert_eq!(page.total, 26);
        assert_eq!(page.rows.len(), 1);
        assert_eq!(page.rows[0].apn.to_string(), "115-05-034C");
        assert_eq!(page.rows[0].subdivision.as_deref(), Some("X"));
        assert!(read(&json!([1]), parse_search_page).is_err());
        assert!(read(&json!({"foo": 1}), parse_search_page).is_err());
    }

    #[test]
    fn residential_mixed_types() {
        let v = json!({"ConstructionYear":"1999","OriginalConstructionYear":"1999","LotSize":"7569",
            "LivableSpace":"1992","Pool":false,"NumberOfCoveredPatios":0,"BathFixtures":"8",
            "NumberOfGarages":"2","NumberOfCarports":0,"ParkingDetails":[],"Heating":null,
            "LocationalCharacteristics":"Corner"});
        let r = read(&v, |l| parse_residential(Fields(l.as_object().unwrap()))).unwrap();
        assert!(!r.pool);
        assert_eq!(r.pool_sqft, None);
        assert_eq!(r.bath_fixtures, Some(8));
        assert_eq!(r.covered_patios, Some(0));
        assert!(!r.heating);
        let v = json!({"Pool":"382","Heating":"Yes","ParkingDetails":{"ParkingType":"Garage","ParkingCount":"1"}});
        let r = read(&v, |l| parse_residential(Fields(l.as_object().unwrap()))).unwrap();
        assert!(r.pool);
        assert_eq!(r.pool_sqft, Some(382));
        assert!(r.heating);
        assert_eq!(r.parking_type.as_deref(), Some("Garage"));
        let v = json!({"Pool": null, "LotSize": null});
        assert!(read(&v, |l| parse_residential(Fields(l.as_object().unwrap()))).is_none());
    }
}
