//! The output model: typed, snake_case records that mps writes for each source. Money is
//! a `Decimal` of dollars, exact to the cent, written to JSON as a number.

use chrono::NaiveDate;
use mps_ident::Apn;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

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
    Deserialize,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SourceStatus {
    /// The source answered with data for the row.
    Ok,
    /// The source answered, and has nothing for the row.
    NotFound,
    /// The source could not be read; the block's `error` says why.
    Failed,
    /// The step did not run; the block's `error` says why.
    Skipped,
}

impl SourceStatus {
    /// The snake_case name written in the output (`not_found`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A parcel as the Assessor describes it, with clean names and real types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParcelRecord {
    /// The parcel's APN.
    pub apn: Apn,
    /// The recorded map (MCR) number: book and page run together (`9641`: book 96, page 41).
    pub mcr: Option<String>,
    /// The situs address as one string (`10010 N 29TH ST PHOENIX, AZ 85028`).
    pub property_address: Option<String>,
    /// The same address split into street, city and ZIP.
    pub situs: Situs,
    /// The short legal description (`PARADISE VALLEY OASIS 1-A`).
    pub legal_description: Option<String>,
    /// The name of the subdivision the parcel lies in.
    pub subdivision: Option<String>,
    /// The lot number within the subdivision.
    pub lot: Option<String>,
    /// Lot area in square feet.
    pub lot_size_sqft: Option<u64>,
    /// The property type as the Assessor spells it (`Residential`).
    pub property_type: Option<String>,
    /// The 4-digit property use code (`0131`).
    pub use_code: Option<String>,
    /// What the use code means (`Single Family Residence`).
    pub use_description: Option<String>,
    /// The 6-digit tax area code: school district, city, special districts.
    pub tax_area_code: Option<String>,
    /// Section, township and range (`26 3N 3E`).
    pub section_township_range: Option<String>,
    /// The local jurisdiction (`PHOENIX`).
    pub jurisdiction: Option<String>,
    /// The high school district (`PARADISE VALLEY UNIFIED #69`).
    pub high_school_district: Option<String>,
    /// The elementary school district.
    pub elementary_school_district: Option<String>,
    /// The Assessor's parcel status code (`A`).
    pub parcel_status: Option<String>,
    /// Whether the Assessor marks the parcel as residential.
    pub is_residential: Option<bool>,
    /// Whether the Assessor flags the parcel as a rental.
    pub is_rental: Option<bool>,
    /// The current owner, their mailing address and the most recent deed.
    pub owner: Owner,
    /// Residential characteristics; `None` when the Assessor gives no such data.
    pub residential: Option<Residential>,
    /// Every valuation year the Assessor returned, newest first.
    pub valuations: Vec<Valuation>,
}

/// The situs (property) address, split where the Assessor's single string allows it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Situs {
    /// The street part (`10010 N 29TH ST`); the whole address when no known city ends it.
    pub street: Option<String>,
    /// The city, when the address ends with one of the county's known places.
    pub city: Option<String>,
    /// The ZIP code written after `, AZ`.
    pub zip: Option<String>,
}

/// The current owner and the most recent deed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Owner {
    /// Owner name(s) as the county writes them, `/`-separated (`DOE JOHN Q/JANE R`).
    pub name: Option<String>,
    /// The "in care of" (c/o) name on the owner's mail.
    pub in_care_of: Option<String>,
    /// First line of the owner's mailing address.
    pub mailing_address1: Option<String>,
    /// Second line of the owner's mailing address.
    pub mailing_address2: Option<String>,
    /// City of the mailing address.
    pub mailing_city: Option<String>,
    /// State of the mailing address (`AZ`).
    pub mailing_state: Option<String>,
    /// ZIP code of the mailing address.
    pub mailing_zip: Option<String>,
    /// Country of the mailing address (`USA`).
    pub mailing_country: Option<String>,
    /// The whole mailing address on one line.
    pub full_mailing_address: Option<String>,
    /// Recording number of the most recent deed, the key to the Recorder.
    pub deed_number: Option<String>,
    /// Date of the most recent deed.
    pub deed_date: Option<NaiveDate>,
    /// The Assessor's 2-letter code for the deed's type (`WD`).
    pub deed_type: Option<String>,
    /// Price of the last sale in dollars, when the county gives one.
    pub sale_price: Option<u64>,
    /// ISO date (`2019-06-28`), or year and month (`2019-06`) when the county gives no day.
    pub sale_date: Option<String>,
}

/// Residential characteristics. The Assessor has no bedroom count.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Residential {
    /// The effective (weighted) construction year.
    pub construction_year: Option<u16>,
    /// The year the home was built.
    pub original_construction_year: Option<u16>,
    /// Livable area in square feet.
    pub livable_sqft: Option<u64>,
    /// Livable area of detached structures in square feet.
    pub detached_livable_sqft: Option<u64>,
    /// Lot area in square feet, as the residential data gives it.
    pub lot_size_sqft: Option<u64>,
    /// Whether the parcel has a pool.
    pub pool: bool,
    /// Pool area in square feet, when the county gives it.
    pub pool_sqft: Option<u64>,
    /// Number of garage stalls.
    pub garage_stalls: Option<u64>,
    /// Number of carports.
    pub carports: Option<u64>,
    /// Number of covered patios.
    pub covered_patios: Option<u64>,
    /// Number of uncovered patios.
    pub uncovered_patios: Option<u64>,
    /// Plumbing fixtures, not bathrooms (the county publishes no bathroom count).
    pub bath_fixtures: Option<u64>,
    /// The improvement quality grade (`CLASS R3`).
    pub quality_grade: Option<String>,
    /// Exterior wall construction (`Fw - Frame Wood`).
    pub exterior_walls: Option<String>,
    /// Roof covering (`Ct - Concrete Tile`).
    pub roof_type: Option<String>,
    /// Cooling system (`RF - REFRIGERATION`).
    pub cooling: Option<String>,
    /// Whether the county records heating.
    pub heating: bool,
    /// Kind of parking (`Garage`).
    pub parking_type: Option<String>,
    /// Whether the parking is covered.
    pub covered_parking: Option<bool>,
    /// Location notes such as `Corner`.
    pub locational_characteristics: Option<String>,
}

/// One tax year's valuation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Valuation {
    /// The tax year this valuation is for.
    pub tax_year: u16,
    /// Full cash value (FCV), the Assessor's market value, in dollars.
    pub full_cash_value: Option<u64>,
    /// Limited property value (LPV), the capped value taxes are based on, in dollars.
    pub limited_property_value: Option<u64>,
    /// The legal class code (`3.1`).
    pub legal_class_code: Option<String>,
    /// The legal class in words (`PRIMARY RESIDENCE`).
    pub legal_class: Option<String>,
    /// A fraction: 0.1 means 10 %.
    pub assessment_ratio: Option<f64>,
    /// Assessed full cash value: the FCV times the assessment ratio, in dollars.
    pub assessed_fcv: Option<u64>,
    /// Assessed limited value: the LPV times the assessment ratio, in dollars.
    pub assessed_lpv: Option<u64>,
    /// Where the valuation comes from (`Notice`).
    pub valuation_source: Option<String>,
    /// The property use code for this year (`0131`).
    pub use_code: Option<String>,
    /// What that use code means (`Single Family Residence`).
    pub use_description: Option<String>,
    /// The tax area code for this year.
    pub tax_area_code: Option<String>,
    /// Whether a notice of change is pending for this year.
    pub notice_of_change: Option<bool>,
}

/// One row of an Assessor search, after exact-match filtering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchMatch {
    /// The parcel's APN.
    pub apn: Apn,
    /// Owner name(s) as the county writes them, `/`-separated.
    pub owner: Option<String>,
    /// Street part of the situs address (`1601 E WASHINGTON ST`).
    pub situs_street: Option<String>,
    /// City of the situs address.
    pub situs_city: Option<String>,
    /// ZIP code of the situs address.
    pub situs_zip: Option<String>,
    /// The property type, upper case (`RESIDENTIAL`).
    pub property_type: Option<String>,
    /// The recorded map (MCR) number.
    pub mcr: Option<String>,
    /// The subdivision name.
    pub subdivision: Option<String>,
    /// Section, township and range, run together (`241N4E`).
    pub section_township_range: Option<String>,
    /// The rental registration ID, when the parcel has one.
    pub rental_id: Option<String>,
}

/// How a tax year stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TaxStatus {
    /// The Treasurer shows the year as paid.
    Paid,
    /// Money is due for the year, but it is not delinquent.
    Unpaid,
    /// The year is delinquent, or a tax lien exists for it.
    Delinquent,
}

impl TaxStatus {
    /// The snake_case name written in the output (`delinquent`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Which of the Treasurer's pages a tax record was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TaxPage {
    /// The legacy page, read with plain HTTP.
    Legacy,
    /// The current page, read in a browser.
    Current,
}

impl TaxPage {
    /// The snake_case name written in the output (`legacy`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One payment the Treasurer recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxPayment {
    /// The tax year the payment went to.
    pub tax_year: u16,
    /// Payment (or activity) date.
    pub date: Option<NaiveDate>,
    /// Dollars, to the cent.
    #[serde(with = "rust_decimal::serde::float")]
    pub amount: Decimal,
    /// What the Treasurer's page says about the payment, when it says anything.
    pub description: Option<String>,
}

/// One tax year's bill at the Treasurer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxYear {
    /// The tax year billed.
    pub tax_year: u16,
    /// Dollars assessed (billed) for the year.
    #[serde(default, with = "rust_decimal::serde::float_option")]
    pub billed: Option<Decimal>,
    /// Dollars paid toward the year.
    #[serde(default, with = "rust_decimal::serde::float_option")]
    pub paid: Option<Decimal>,
    /// Dollars still due (interest and fees included when the page shows them).
    #[serde(default, with = "rust_decimal::serde::float_option")]
    pub due: Option<Decimal>,
    /// Whether the year is paid, unpaid or delinquent.
    pub status: TaxStatus,
    /// A lien (certificate of purchase) exists or is available for this year.
    pub lien: bool,
    /// The year's payments in the order made (by date; undated ones last).
    pub payments: Vec<TaxPayment>,
}

/// The Treasurer's record of a parcel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxRecord {
    /// The parcel the Treasurer was asked about.
    pub apn: Apn,
    /// Newest first.
    pub years: Vec<TaxYear>,
    /// Sum of `due` over the years.
    #[serde(with = "rust_decimal::serde::float")]
    pub total_due: Decimal,
    /// True when any year is delinquent.
    pub delinquent: bool,
    /// Which Treasurer page the data came from.
    pub page: TaxPage,
}

/// A recorded document (Recorder public API or its website). Immutable once recorded, so
/// it is cached by recording number (see the `cache` module of mps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The Recorder's recording number (`20150453721`).
    pub recording_number: String,
    /// The date the document was recorded.
    pub recording_date: Option<NaiveDate>,
    /// The document's type codes (`WAR DEED`).
    pub document_codes: Vec<String>,
    /// Every party, as the Recorder indexes them ("LAST FIRST MIDDLE").
    pub names: Vec<String>,
    /// Number of pages in the document.
    pub page_count: Option<u32>,
    /// The docket book it was recorded in, when it has one.
    pub docket_book: Option<u32>,
    /// The page (or map) in that docket book, when it has one.
    pub page_map: Option<u32>,
    /// Whether an Affidavit of Property Value accompanies the document.
    pub affidavit_present: Option<bool>,
    /// Whether the document's body is withheld from the public (e.g. a death certificate).
    pub restricted: bool,
}

/// One transfer of the parcel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sale {
    /// Recording number of the deed.
    pub recording_number: String,
    /// The date the deed was recorded.
    pub recording_date: Option<NaiveDate>,
    /// The deed's document codes; empty when the Recorder does not have it.
    pub document_codes: Vec<String>,
    /// Every party on the deed, as the Recorder indexes them; empty when it has no deed.
    pub names: Vec<String>,
    /// Known only for the Assessor's last deed.
    pub sale_price: Option<u64>,
    /// `assessor_last_deed` or `owner_name_search`.
    pub found_by: String,
    /// `high`, `medium` or `low`.
    pub match_confidence: String,
    /// Why this deed is taken for a sale of the parcel, in words.
    pub match_reason: String,
}
