//! The output model: typed, snake_case records that mps writes for each source.

use chrono::NaiveDate;
use mps_ident::Apn;
use serde::Serialize;

/// How one source fared for one row.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SourceStatus {
    Ok,
    NotFound,
    Failed,
    Skipped,
}

impl SourceStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A parcel as the Assessor describes it, with clean names and real types.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParcelRecord {
    pub apn: Apn,
    pub mcr: Option<String>,
    pub property_address: Option<String>,
    pub situs: Situs,
    pub legal_description: Option<String>,
    pub subdivision: Option<String>,
    pub lot: Option<String>,
    pub lot_size_sqft: Option<u64>,
    pub property_type: Option<String>,
    pub use_code: Option<String>,
    pub use_description: Option<String>,
    pub tax_area_code: Option<String>,
    pub section_township_range: Option<String>,
    pub jurisdiction: Option<String>,
    pub high_school_district: Option<String>,
    pub elementary_school_district: Option<String>,
    pub parcel_status: Option<String>,
    pub is_residential: Option<bool>,
    pub is_rental: Option<bool>,
    pub owner: Owner,
    pub residential: Option<Residential>,
    /// Every valuation year the Assessor returned, newest first.
    pub valuations: Vec<Valuation>,
}

/// The situs (property) address, split where the Assessor's single string allows it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Situs {
    pub street: Option<String>,
    pub city: Option<String>,
    pub zip: Option<String>,
}

/// The current owner and the most recent deed.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Owner {
    pub name: Option<String>,
    pub in_care_of: Option<String>,
    pub mailing_address1: Option<String>,
    pub mailing_address2: Option<String>,
    pub mailing_city: Option<String>,
    pub mailing_state: Option<String>,
    pub mailing_zip: Option<String>,
    pub mailing_country: Option<String>,
    pub full_mailing_address: Option<String>,
    pub deed_number: Option<String>,
    pub deed_date: Option<NaiveDate>,
    pub deed_type: Option<String>,
    pub sale_price: Option<u64>,
    /// ISO date (`2019-06-28`), or year and month (`2019-06`) when the county gives no day.
    pub sale_date: Option<String>,
}

/// Residential characteristics. The Assessor has no bedroom count.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Residential {
    pub construction_year: Option<u16>,
    pub original_construction_year: Option<u16>,
    pub livable_sqft: Option<u64>,
    pub detached_livable_sqft: Option<u64>,
    pub lot_size_sqft: Option<u64>,
    pub pool: bool,
    pub pool_sqft: Option<u64>,
    pub garage_stalls: Option<u64>,
    pub carports: Option<u64>,
    pub covered_patios: Option<u64>,
    pub uncovered_patios: Option<u64>,
    /// Plumbing fixtures, not bathrooms (the county publishes no bathroom count).
    pub bath_fixtures: Option<u64>,
    pub quality_grade: Option<String>,
    pub exterior_walls: Option<String>,
    pub roof_type: Option<String>,
    pub cooling: Option<String>,
    pub heating: bool,
    pub parking_type: Option<String>,
    pub covered_parking: Option<bool>,
    pub locational_characteristics: Option<String>,
}

/// One tax year's valuation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Valuation {
    pub tax_year: u16,
    pub full_cash_value: Option<u64>,
    pub limited_property_value: Option<u64>,
    pub legal_class_code: Option<String>,
    pub legal_class: Option<String>,
    /// A fraction: 0.1 means 10 %.
    pub assessment_ratio: Option<f64>,
    pub assessed_fcv: Option<u64>,
    pub assessed_lpv: Option<u64>,
    pub valuation_source: Option<String>,
    pub use_code: Option<String>,
    pub use_description: Option<String>,
    pub tax_area_code: Option<String>,
    pub notice_of_change: Option<bool>,
}

/// One row of an Assessor search, after exact-match filtering.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchMatch {
    pub apn: Apn,
    pub owner: Option<String>,
    pub situs_street: Option<String>,
    pub situs_city: Option<String>,
    pub situs_zip: Option<String>,
    pub property_type: Option<String>,
    pub mcr: Option<String>,
    pub subdivision: Option<String>,
    pub section_township_range: Option<String>,
    pub rental_id: Option<String>,
}

/// How a tax year stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxStatus {
    Paid,
    Unpaid,
    Delinquent,
}

/// One payment the Treasurer recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaxPayment {
    pub tax_year: u16,
    /// Payment (or activity) date.
    pub date: Option<NaiveDate>,
    /// Dollars.
    pub amount: f64,
    pub description: Option<String>,
}

/// One tax year's bill at the Treasurer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaxYear {
    pub tax_year: u16,
    /// Dollars assessed (billed) for the year.
    pub billed: Option<f64>,
    pub paid: Option<f64>,
    /// Dollars still due (interest and fees included when the page shows them).
    pub due: Option<f64>,
    pub status: TaxStatus,
    /// A lien (certificate of purchase) exists or is available for this year.
    pub lien: bool,
    pub payments: Vec<TaxPayment>,
}

/// The Treasurer's record of a parcel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaxRecord {
    pub apn: Apn,
    /// Newest first.
    pub years: Vec<TaxYear>,
    /// Sum of `due` over the years.
    pub total_due: f64,
    /// True when any year is delinquent.
    pub delinquent: bool,
    /// Which Treasurer page the data came from: `legacy` (plain HTTP) or `current` (browser).
    pub page: &'static str,
}

/// A recorded document (Recorder public API or its website). Immutable once recorded, so
/// it is cached by recording number (see the `cache` module of mps).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Document {
    pub recording_number: String,
    pub recording_date: Option<NaiveDate>,
    pub document_codes: Vec<String>,
    /// Every party, as the Recorder indexes them ("LAST FIRST MIDDLE").
    pub names: Vec<String>,
    pub page_count: Option<u32>,
    pub docket_book: Option<u32>,
    pub page_map: Option<u32>,
    pub affidavit_present: Option<bool>,
    pub restricted: bool,
}

/// One transfer of the parcel.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Sale {
    pub recording_number: String,
    pub recording_date: Option<NaiveDate>,
    pub document_codes: Vec<String>,
    pub names: Vec<String>,
    /// Known only for the Assessor's last deed.
    pub sale_price: Option<u64>,
    /// `assessor_last_deed` or `owner_name_search`.
    pub found_by: String,
    /// `high`, `medium` or `low`.
    pub match_confidence: String,
    pub match_reason: String,
}
