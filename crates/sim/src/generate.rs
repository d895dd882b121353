//! Builds one parcel's ground truth from (seed, map, parcel): the profile, the home, the values,
//! the owner. Each concern draws from its own hash stream, so the pieces stay independent.

use super::county::County;
use super::hash::{tag, Stream};
use super::layout::Key;
use super::names::{EXTERIOR_WALLS, QUALITY_GRADES, ROOF_TYPES};
use super::owner::{owner_block, OwnerContext, OwnerDraws, OwnerName};
use super::profile::{use_description, Kind, Profile, Role};
use super::reference;
use super::region::subdivision;
use super::truth::{ParcelTruth, ResidentialTruth, ValuationTruth};

/// The newest tax year served; six years are served, newest first.
pub const LATEST_TAX_YEAR: u16 = 2026;
/// How many tax years each parcel's valuations cover, down from `LATEST_TAX_YEAR`.
pub const TAX_YEARS: u16 = 6;

impl County {
    /// The whole truth of an existing parcel key.
    pub(super) fn build(&self, key: Key) -> ParcelTruth {
        let seed = self.seed;
        let apn = self.layout.apn(key);
        let reference = self.refs.get(&key);
        let facts = self.map_facts(key.0);
        let mut s = Stream::new(&[seed, tag::PARCEL, u64::from(key.0), u64::from(key.1)]);
        let profile = match reference {
            Some(r) => Profile::for_role(r.role),
            None => Profile::generate(&mut s, facts.business),
        };
        let sub = subdivision(seed, key.0, key.1, self.layout.count(key.0), &facts);
        let (street, city, zip) = self.situs_of(key);
        let lot_size = lot_size(&mut s, profile.kind);
        let home = profile
            .kind
            .is_residential()
            .then(|| home(seed, key, profile.kind, lot_size));
        let latest_fcv = reference
            .and_then(|r| reference::latest_fcv(r.apn))
            .unwrap_or_else(|| {
                generated_fcv(&mut s, home.as_ref().map(|h| h.livable_sqft), lot_size)
            });
        let valuations = valuations(seed, key, &profile, latest_fcv, &facts.tax_area);
        let ownership = match reference.map(|r| r.role) {
            Some(Role::Government) if facts.jurisdiction == "MARICOPA COUNTY" => {
                facts.jurisdiction.clone()
            }
            Some(Role::Government) => format!("CITY OF {}", facts.jurisdiction),
            _ => self.names.name(key).render(),
        };
        let absentee = absentee(&profile, &self.names.name(key));
        let ctx = OwnerContext {
            situs_street: &street,
            city: &city,
            zip: &zip,
            absentee,
            latest_fcv,
        };
        let mut owner = owner_block(seed, key, ownership, &ctx);
        // The Recorder numbers documents so that a number leads back to its parcel; the
        // Assessor's last deed is one of them.
        owner.deed_number = self.recorder_deed_number(key, owner.deed_date);
        let mut truth = ParcelTruth {
            apn,
            mcr: sub.mcr.clone(),
            property_address: format!("{street} {city}, AZ {zip}"),
            situs_street: street,
            situs_city: city,
            situs_zip: zip,
            legal_description: format!("{} LOT {}", sub.name, sub.lot),
            subdivision: sub.name,
            lot: sub.lot.to_string(),
            lot_size_sqft: Some(lot_size),
            property_type: profile.kind.title().into(),
            use_code: profile.use_code.into(),
            use_description: use_description(profile.use_code).into(),
            tax_area_code: facts.tax_area.clone(),
            section_township_range: facts.str_spaced.clone(),
            jurisdiction: facts.jurisdiction.clone(),
            high_school_district: facts.high_school.clone(),
            elementary_school_district: facts.elementary.clone(),
            is_residential: profile.kind.is_residential(),
            is_rental: profile.rental,
            parcel_status: "A".into(),
            owner,
            residential: home,
            valuations,
        };
        reference::apply_captures(&mut truth);
        truth
    }

    /// The owner draws and today's full cash value of a generated (not reference) parcel: what
    /// `build` derives its owner's last deed from, without the rest of the parcel (the Recorder
    /// needs the last deeds of many parcels per name search). `None` for a reference parcel,
    /// whose owner only `build` knows (captures replace it).
    pub(super) fn generated_deed(&self, key: Key) -> Option<(OwnerDraws, u64)> {
        // Only special maps hold reference parcels, which spares hashing every key.
        if self.layout.is_special(key.0) && self.refs.contains_key(&key) {
            return None;
        }
        let seed = self.seed;
        let mut s = Stream::new(&[seed, tag::PARCEL, u64::from(key.0), u64::from(key.1)]);
        let profile = Profile::generate(&mut s, self.map_is_business(key.0));
        let lot_size = lot_size(&mut s, profile.kind);
        let livable = profile
            .kind
            .is_residential()
            .then(|| home_start(seed, key, profile.kind).livable_sqft);
        let latest_fcv = generated_fcv(&mut s, livable, lot_size);
        let absentee = absentee(&profile, &self.names.name(key));
        Some((OwnerDraws::of(seed, key, absentee), latest_fcv))
    }
}

/// The lot size, drawn right after the profile.
fn lot_size(s: &mut Stream, kind: Kind) -> u64 {
    match kind {
        Kind::Residential => s.range(5_000, 13_000),
        Kind::Townhouse => s.range(1_200, 4_000),
        _ => s.range(15_000, 250_000),
    }
}

/// Today's full cash value of a generated parcel, drawn after its lot size; `livable` is the
/// home's livable area (`None` for no home).
fn generated_fcv(s: &mut Stream, livable: Option<Option<u64>>, lot_size: u64) -> u64 {
    let per_foot = s.range(90, 260) as f64;
    let raw = match livable {
        Some(sqft) => sqft.unwrap_or(1500) as f64 * per_foot + lot_size as f64 * 8.0,
        None => lot_size as f64 * per_foot / 3.0,
    };
    (raw / 100.0).round() as u64 * 100
}

/// Owners who mostly get their mail elsewhere: companies, and anything but a primary home.
fn absentee(profile: &Profile, name: &OwnerName) -> bool {
    !matches!(profile.class.code, "3.1") || name.is_company()
}

/// A home's first draws, through its livable area: all that a parcel's value needs.
struct HomeStart {
    s: Stream,
    built: u16,
    effective: u16,
    livable_sqft: Option<u64>,
    garage: Option<u64>,
    carports: u64,
    covered_patios: u64,
}

fn home_start(seed: u64, key: Key, kind: Kind) -> HomeStart {
    let mut s = Stream::new(&[seed, tag::HOME, u64::from(key.0), u64::from(key.1)]);
    let built = s.range(1950, 2023) as u16;
    let effective = if s.chance(15) {
        (built + s.range(5, 25) as u16).min(2024)
    } else {
        built
    };
    let livable = match kind {
        Kind::Townhouse => s.range(800, 2_000),
        _ => s.range(900, 4_200),
    };
    let garage = s.chance(80).then(|| s.range(1, 3));
    let carports = u64::from(if garage.is_none() {
        s.chance(50)
    } else {
        s.chance(5)
    });
    let covered_patios = match s.below(10) {
        0..=3 => 0,
        4..=8 => 1,
        _ => 2,
    };
    let livable_sqft = (!s.chance(2)).then_some(livable);
    HomeStart {
        s,
        built,
        effective,
        livable_sqft,
        garage,
        carports,
        covered_patios,
    }
}

/// A home's characteristics.
fn home(seed: u64, key: Key, kind: Kind, lot_size: u64) -> ResidentialTruth {
    let HomeStart {
        mut s,
        built,
        effective,
        livable_sqft,
        garage,
        carports,
        covered_patios,
    } = home_start(seed, key, kind);
    let parking_type = match (garage, carports) {
        (Some(_), _) => Some("Garage".to_string()),
        (None, 1..) => Some("Carport".to_string()),
        _ => None,
    };
    ResidentialTruth {
        construction_year: Some(effective),
        original_construction_year: Some(built),
        livable_sqft,
        lot_size_sqft: Some(lot_size),
        pool_sqft: s.chance(35).then(|| s.range(250, 650)),
        garage_stalls: garage,
        carports,
        covered_patios,
        uncovered_patios: u64::from(s.chance(30)),
        bath_fixtures: if s.chance(3) { 0 } else { s.range(3, 15) },
        quality_grade: Some(s.pick(QUALITY_GRADES).to_string()),
        exterior_walls: Some(s.pick(EXTERIOR_WALLS).to_string()),
        roof_type: (!s.chance(5)).then(|| s.pick(ROOF_TYPES).to_string()),
        cooling: match s.below(100) {
            0..=91 => Some("RF - REFRIGERATION".into()),
            92..=96 => Some("EV - EVAPORATIVE".into()),
            _ => None,
        },
        heating: s.chance(95),
        covered_parking: parking_type.is_some(),
        parking_type,
        locational: match s.below(100) {
            0..=11 => Some("Corner".into()),
            12..=15 => Some("Cul-de-sac".into()),
            _ => None,
        },
    }
}

/// Six tax years, newest first. FCV grows 0–8 % a year; LPV starts below FCV and grows at most
/// 5 % a year, never above FCV (Arizona's limited-value rule).
fn valuations(
    seed: u64,
    key: Key,
    profile: &Profile,
    latest_fcv: u64,
    tax_area: &str,
) -> Vec<ValuationTruth> {
    let mut s = Stream::new(&[seed, tag::VALUES, u64::from(key.0), u64::from(key.1)]);
    let years: Vec<u16> = (0..TAX_YEARS).map(|i| LATEST_TAX_YEAR - i).collect();
    let mut fcv = vec![latest_fcv; years.len()];
    for i in 1..years.len() {
        let growth = 1.0 + s.unit() * 0.08;
        fcv[i] = ((fcv[i - 1] as f64 / growth) / 100.0).round() as u64 * 100;
    }
    let mut lpv = vec![0u64; years.len()];
    let oldest = years.len() - 1;
    lpv[oldest] = (fcv[oldest] as f64 * (0.55 + s.unit() * 0.35)).round() as u64;
    for i in (0..oldest).rev() {
        lpv[i] = ((lpv[i + 1] as f64 * 1.05).floor() as u64).min(fcv[i]);
    }
    let fcv_missing = s.chance(1);
    let notice = s.chance(5);
    years
        .iter()
        .enumerate()
        .map(|(i, &year)| {
            let ratio = profile.class.ratio(year);
            ValuationTruth {
                tax_year: year,
                full_cash_value: (!(fcv_missing && i == oldest)).then_some(fcv[i]),
                limited_property_value: lpv[i],
                legal_class_code: profile.class.code.into(),
                legal_class: profile.class.name.into(),
                assessment_ratio: ratio,
                assessed_lpv: (lpv[i] as f64 * ratio).round() as u64,
                assessed_fcv: None,
                valuation_source: "Notice".into(),
                use_code: profile.use_code.into(),
                use_description: use_description(profile.use_code).into(),
                tax_area_code: tax_area.into(),
                notice_of_change: notice && i == 0,
            }
        })
        .collect()
}
