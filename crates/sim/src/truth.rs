//! The simulator's ground truth: one parcel as plain typed values.
//!
//! The Assessor JSON is rendered from these structs (with the service's quirks added on the way
//! out), so tests can compare what `mps` parsed with what the simulator meant, field by field.
//! Strings are trimmed; anything the service leaves out or sends as `"na"` is `None` here.

use chrono::NaiveDate;

use mps_ident::Apn;

/// Everything the Assessor knows about one parcel.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParcelTruth {
    pub apn: Apn,
    pub mcr: String,
    /// `"10010 N 29TH ST PHOENIX, AZ 85028"`.
    pub property_address: String,
    /// `"10010 N 29TH ST"`.
    pub situs_street: String,
    pub situs_city: String,
    pub situs_zip: String,
    pub legal_description: String,
    pub subdivision: String,
    pub lot: String,
    pub lot_size_sqft: Option<u64>,
    /// Title case, as `/parcel` serves it (`"Residential"`); search rows upper-case it.
    pub property_type: String,
    pub use_code: String,
    pub use_description: String,
    pub tax_area_code: String,
    /// Space-separated, as `/parcel` serves it (`"26 3N 3E"`); search rows squash the spaces.
    pub section_township_range: String,
    pub jurisdiction: String,
    pub high_school_district: String,
    pub elementary_school_district: String,
    pub is_residential: bool,
    pub is_rental: bool,
    pub parcel_status: String,
    pub owner: OwnerTruth,
    pub residential: Option<ResidentialTruth>,
    /// Newest tax year first.
    pub valuations: Vec<ValuationTruth>,
}

/// The owner block (`/owner-details`, `Owner` in `/parcel`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OwnerTruth {
    pub owner_id: String,
    pub ownership: String,
    pub in_care_of: Option<String>,
    pub mailing_address1: String,
    pub mailing_address2: Option<String>,
    pub mailing_city: String,
    pub mailing_state: String,
    pub mailing_zip: String,
    pub mailing_country: String,
    pub full_mailing_address: String,
    /// The 11-digit recording number of the most recent deed (`YYYY` + 7 digits).
    pub deed_number: String,
    pub deed_date: NaiveDate,
    pub deed_type: String,
    pub sale_price: Option<u64>,
    pub sale_date: Option<NaiveDate>,
}

/// Residential characteristics (`/residential-details`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ResidentialTruth {
    pub construction_year: Option<u16>,
    pub original_construction_year: Option<u16>,
    pub livable_sqft: Option<u64>,
    pub lot_size_sqft: Option<u64>,
    /// Pool area in square feet; `None` means no pool (served as `false`).
    pub pool_sqft: Option<u64>,
    pub garage_stalls: Option<u64>,
    pub carports: u64,
    pub covered_patios: u64,
    pub uncovered_patios: u64,
    pub bath_fixtures: u64,
    pub quality_grade: Option<String>,
    pub exterior_walls: Option<String>,
    pub roof_type: Option<String>,
    pub cooling: Option<String>,
    pub heating: bool,
    pub parking_type: Option<String>,
    pub covered_parking: bool,
    pub locational: Option<String>,
}

/// One tax year of values (`/valuations`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ValuationTruth {
    pub tax_year: u16,
    /// `None` when the service sends `"na"`.
    pub full_cash_value: Option<u64>,
    pub limited_property_value: u64,
    /// Trimmed (`"3.1"`, `"M"`); the service pads it to 4 characters.
    pub legal_class_code: String,
    pub legal_class: String,
    /// A fraction: 0.10 is 10 %.
    pub assessment_ratio: f64,
    pub assessed_lpv: u64,
    pub assessed_fcv: Option<u64>,
    pub valuation_source: String,
    pub use_code: String,
    pub use_description: String,
    pub tax_area_code: String,
    pub notice_of_change: bool,
}
