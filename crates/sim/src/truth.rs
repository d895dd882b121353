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
    /// The parcel's APN.
    pub apn: Apn,
    /// The recorded map (MCR) number, book then 2-digit page (`9641`), shared by the subdivision.
    pub mcr: String,
    /// `"10010 N 29TH ST PHOENIX, AZ 85028"`.
    pub property_address: String,
    /// `"10010 N 29TH ST"`.
    pub situs_street: String,
    /// The situs city (`PHOENIX`), served as `SitusCity` in search rows.
    pub situs_city: String,
    /// The 5-digit situs ZIP code.
    pub situs_zip: String,
    /// The short legal description, `{subdivision} LOT {lot}` (`PropertyDescription`).
    pub legal_description: String,
    /// The name of the subdivision the parcel was platted in.
    pub subdivision: String,
    /// The lot number within the subdivision, as text.
    pub lot: String,
    /// Lot area in square feet.
    pub lot_size_sqft: Option<u64>,
    /// Title case, as `/parcel` serves it (`"Residential"`); search rows upper-case it.
    pub property_type: String,
    /// The 4-digit property use code (`0131`).
    pub use_code: String,
    /// What the use code means (`Single Family Residence`), served as `PEPropUseDesc`.
    pub use_description: String,
    /// The 6-digit tax area code the map's parcels share.
    pub tax_area_code: String,
    /// Space-separated, as `/parcel` serves it (`"26 3N 3E"`); search rows squash the spaces.
    pub section_township_range: String,
    /// The local jurisdiction (`PHOENIX`, `MARICOPA COUNTY`), served as `LocalJusidiction`.
    pub jurisdiction: String,
    /// The high school district (`PARADISE VALLEY UNIFIED #69`).
    pub high_school_district: String,
    /// The elementary school district.
    pub elementary_school_district: String,
    /// A home (residential or townhouse): it has `residential` data and no improvements.
    pub is_residential: bool,
    /// Registered as a rental (legal class 4.2).
    pub is_rental: bool,
    /// The Assessor's parcel status code; always `A` (active) here.
    pub parcel_status: String,
    /// The current owner, their mailing address and the most recent deed.
    pub owner: OwnerTruth,
    /// The home's characteristics; `None` for a parcel that is not residential.
    pub residential: Option<ResidentialTruth>,
    /// Newest tax year first.
    pub valuations: Vec<ValuationTruth>,
}

/// The owner block (`/owner-details`, `Owner` in `/parcel`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OwnerTruth {
    /// The Assessor's owner record ID, a GUID in upper-case hex.
    pub owner_id: String,
    /// Owner name(s) as the county writes them, `/`-separated (`DOE JOHN Q/JANE R`).
    pub ownership: String,
    /// The "in care of" name on the owner's mail (a trustee, `... TR`), if any.
    pub in_care_of: Option<String>,
    /// First line of the mailing address: the situs street unless mail goes elsewhere.
    pub mailing_address1: String,
    /// Second line of the mailing address (a suite, `STE 200`), if any.
    pub mailing_address2: Option<String>,
    /// City of the mailing address.
    pub mailing_city: String,
    /// State of the mailing address (`AZ`).
    pub mailing_state: String,
    /// ZIP code of the mailing address.
    pub mailing_zip: String,
    /// Country of the mailing address; always `USA` here.
    pub mailing_country: String,
    /// The whole mailing address on one line (`1 MAIN ST, PHOENIX, AZ 85001`).
    pub full_mailing_address: String,
    /// The 11-digit recording number of the most recent deed (`YYYY` + 7 digits).
    pub deed_number: String,
    /// The date the most recent deed was recorded.
    pub deed_date: NaiveDate,
    /// The deed's 2-letter type code (`WD`, `SW`, `QC`, `JT`, `BD`, `TD`).
    pub deed_type: String,
    /// Price of the last sale in dollars; `None` when the last deed was no qualified sale.
    pub sale_price: Option<u64>,
    /// Date of that sale (the deed date); `None` when there is no sale price.
    pub sale_date: Option<NaiveDate>,
}

/// Residential characteristics (`/residential-details`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ResidentialTruth {
    /// The effective construction year: the build year, or later after a remodel.
    pub construction_year: Option<u16>,
    /// The year the home was built.
    pub original_construction_year: Option<u16>,
    /// Livable area in square feet; `None` for the few homes the county has no area for.
    pub livable_sqft: Option<u64>,
    /// Lot area in square feet, the same as the parcel's.
    pub lot_size_sqft: Option<u64>,
    /// Pool area in square feet; `None` means no pool (served as `false`).
    pub pool_sqft: Option<u64>,
    /// Number of garage stalls; `None` means no garage.
    pub garage_stalls: Option<u64>,
    /// Number of carports.
    pub carports: u64,
    /// Number of covered patios.
    pub covered_patios: u64,
    /// Number of uncovered patios.
    pub uncovered_patios: u64,
    /// Plumbing fixtures, not bathrooms (the county publishes no bathroom count).
    pub bath_fixtures: u64,
    /// The improvement quality grade (`CLASS R3`).
    pub quality_grade: Option<String>,
    /// Exterior wall construction (`Fw - Frame Wood`).
    pub exterior_walls: Option<String>,
    /// Roof covering (`Ct - Concrete Tile`); `None` is served as `""`.
    pub roof_type: Option<String>,
    /// Cooling system (`RF - REFRIGERATION`, `EV - EVAPORATIVE`), if any.
    pub cooling: Option<String>,
    /// Whether the home has heating (served as `"Yes"` or null).
    pub heating: bool,
    /// Kind of parking: `Garage`, `Carport`, or `None` for neither.
    pub parking_type: Option<String>,
    /// Whether the home has covered parking (a garage or carport).
    pub covered_parking: bool,
    /// A location note (`Corner`, `Cul-de-sac`), if any.
    pub locational: Option<String>,
}

/// One tax year of values (`/valuations`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ValuationTruth {
    /// The tax year this valuation is for.
    pub tax_year: u16,
    /// `None` when the service sends `"na"`.
    pub full_cash_value: Option<u64>,
    /// Limited property value (LPV), the capped value taxes are based on, in dollars.
    pub limited_property_value: u64,
    /// Trimmed (`"3.1"`, `"M"`); the service pads it to 4 characters.
    pub legal_class_code: String,
    /// The legal class in words (`PRIMARY RESIDENCE`).
    pub legal_class: String,
    /// A fraction: 0.10 is 10 %.
    pub assessment_ratio: f64,
    /// Assessed limited value: the LPV times the assessment ratio, rounded to dollars.
    pub assessed_lpv: u64,
    /// Assessed full cash value; always `None` here (served as `"na"`).
    pub assessed_fcv: Option<u64>,
    /// Where the valuation comes from; always `Notice` here.
    pub valuation_source: String,
    /// The property use code for this year (`0131`).
    pub use_code: String,
    /// What that use code means (`Single Family Residence`).
    pub use_description: String,
    /// The tax area code for this year.
    pub tax_area_code: String,
    /// Whether a notice of change was sent (`Y`/`N`); only ever set on the newest year.
    pub notice_of_change: bool,
}
