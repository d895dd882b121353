//! The 30 real APNs of `county-services.md` section 4, and the captured values the simulator
//! reproduces for them.
//!
//! Every seed's county contains these parcels with their real situs addresses, so users and
//! tests can try `mps` with APNs they may meet in the wild. 165-28-054 carries the captured
//! `/parcel` record (2025-09) and 200-16-068 the section 1.4 composite; the others get
//! generated details that fit their noted use (warehouse, townhouse, rental…).

use chrono::NaiveDate;

use super::profile::{use_description, Role};
use super::truth::{OwnerTruth, ParcelTruth, ResidentialTruth, ValuationTruth};

/// One real parcel.
#[derive(Debug, Clone, Copy)]
pub struct RefParcel {
    pub apn: &'static str,
    pub street: Option<&'static str>,
    pub city: Option<&'static str>,
    pub zip: Option<&'static str>,
    pub role: Role,
}

const fn r(
    apn: &'static str,
    street: Option<&'static str>,
    city: Option<&'static str>,
    zip: Option<&'static str>,
    role: Role,
) -> RefParcel {
    RefParcel {
        apn,
        street,
        city,
        zip,
        role,
    }
}

/// Section 4's table, in its order. Cities left out there come from the map's other parcels.
#[rustfmt::skip]
pub const REFERENCE_PARCELS: &[RefParcel] = &[
    r("165-28-054", Some("10010 N 29TH ST"), Some("PHOENIX"), Some("85028"), Role::ExemptHome),
    r("165-28-028", Some("2826 E TURQUOISE DR"), None, None, Role::Home),
    r("165-28-056", Some("10026 N 29TH ST"), None, None, Role::Home),
    r("165-28-027", Some("2818 E TURQUOISE DR"), None, None, Role::Home),
    r("165-28-092", Some("2817 E CHERYL DR"), None, None, Role::Home),
    r("165-28-072", Some("2820 E CINNABAR AVE"), None, None, Role::Home),
    r("200-16-068", Some("9049 W ADAM AVE"), Some("PEORIA"), Some("85382"), Role::Home),
    r("141-83-749", Some("5522 E FARMDALE AVE"), Some("MESA"), Some("85206"), Role::SecondHome),
    r("132-38-011", Some("364 S SMITH RD"), Some("TEMPE"), Some("85288"), Role::Warehouse),
    r("132-67-052", Some("1122 S SMITH RD"), Some("TEMPE"), Some("85281"), Role::Home),
    r("132-68-310", Some("901 S SMITH RD UNIT 1070"), Some("TEMPE"), Some("85281"), Role::Townhouse),
    r("115-05-034C", Some("1601 E WASHINGTON ST"), Some("PHOENIX"), Some("85034"), Role::Commercial),
    r("109-47-003", Some("2343 W WASHINGTON ST"), Some("PHOENIX"), Some("85009"), Role::Home),
    r("102-18-779", Some("9402 W INDIAN SCHOOL RD"), Some("PHOENIX"), Some("85037"), Role::Government),
    r("104-04-016", Some("18 N 57TH DR"), Some("PHOENIX"), Some("85043"), Role::Warehouse),
    r("104-15-021", Some("7200 W BUCKEYE RD"), Some("PHOENIX"), Some("85043"), Role::Warehouse),
    r("105-25-026", Some("2631 S 22ND AVE"), Some("PHOENIX"), Some("85009"), Role::Commercial),
    r("105-41-008", Some("2425 W LOWER BUCKEYE RD"), Some("PHOENIX"), Some("85009"), Role::Office),
    r("101-28-055", Some("9916 W TRUMBULL RD"), Some("TOLLESON"), Some("85353"), Role::Rental),
    r("304-77-566", Some("2778 E COURTNEY ST"), Some("GILBERT"), Some("85298"), Role::Home),
    r("118-22-001A", Some("550 E EARLL DR"), Some("PHOENIX"), Some("85012"), Role::MultiFamily),
    r("501-79-565", Some("15850 W PORT ROYALE LN"), Some("SURPRISE"), Some("85379"), Role::Home),
    r("501-92-001", Some("15772 W CARIBBEAN LN"), Some("SURPRISE"), Some("85379"), Role::Home),
    r("301-97-837", Some("5804 S COUNTRY CLUB WAY"), Some("TEMPE"), Some("85283"), Role::Home),
    r("135-41-034C", Some("2244 E MCARTHUR DR"), Some("TEMPE"), Some("85281"), Role::Home),
    r("135-33-495", Some("845 N STANDAGE"), Some("MESA"), Some("85210"), Role::Home),
    r("141-59-263", Some("6558 E AUBURN ST"), Some("MESA"), Some("85205"), Role::Home),
    r("206-08-168", Some("20450 N 30TH DR"), Some("PHOENIX"), Some("85027"), Role::Home),
    // Section 4 gives no city; book 102 is west Phoenix, like 102-18-779.
    r("102-15-009", Some("10000 W MISSOURI AVE"), Some("PHOENIX"), Some("85037"), Role::Home),
    // The API document's example APN; no address is known, so it keeps a generated one.
    r("112-19-038A", None, None, None, Role::Home),
];

/// Map-wide facts fixed by the captures (the map's other parcels share them).
#[derive(Debug, Clone, Copy)]
pub struct MapOverride {
    pub book: u16,
    pub map: u8,
    pub parcels: u16,
    pub subdivision: &'static str,
    pub mcr: &'static str,
    /// The lot number of parcel 1 (lots run on with the parcel number).
    pub first_lot: u32,
    pub str_spaced: &'static str,
    pub tax_area: &'static str,
    pub jurisdiction: &'static str,
    pub high_school: &'static str,
    pub elementary: &'static str,
    pub market: &'static str,
    pub neighborhood: &'static str,
    pub parcels_in_str: u64,
}

pub const MAP_OVERRIDES: &[MapOverride] = &[
    MapOverride {
        book: 165,
        map: 28,
        parcels: 98,
        subdivision: "PARADISE VALLEY OASIS 1-A",
        mcr: "9641",
        first_lot: 360,
        str_spaced: "26 3N 3E",
        tax_area: "691300",
        jurisdiction: "PHOENIX",
        high_school: "PARADISE VALLEY UNIFIED #69",
        elementary: "PARADISE VALLEY UNIFIED SCHOOL DISTRICT",
        market: "05",
        neighborhood: "009",
        parcels_in_str: 1405,
    },
    MapOverride {
        book: 200,
        map: 16,
        parcels: 120,
        subdivision: "DEER VILLAGE UNIT 2",
        mcr: "43521",
        first_lot: 51,
        str_spaced: "22 4N 1E",
        tax_area: "111202",
        jurisdiction: "PEORIA",
        high_school: "PEORIA UNIFIED #11",
        elementary: "PEORIA UNIFIED SCHOOL DISTRICT",
        market: "15",
        neighborhood: "010",
        parcels_in_str: 1212,
    },
];

/// The comparables the 165-28-054 capture lists, in its order.
pub const SIMILAR_165_28_054: &[&str] = &[
    "165-28-028",
    "165-28-056",
    "165-28-027",
    "165-28-092",
    "165-28-072",
];

/// Captured comparable facts: (APN, land, latest FCV, livable, year built, pool, price, month, year).
type Comparable = (&'static str, u64, u64, u64, u16, Option<u64>, u64, u32, i32);

#[rustfmt::skip]
const COMPARABLES: &[Comparable] = &[
    ("165-28-028", 10188, 542_700, 2253, 1962, None, 715_000, 3, 2025),
    ("165-28-056", 10429, 668_100, 2314, 1961, Some(308), 850_000, 8, 2022),
    ("165-28-027", 10330, 694_800, 2412, 1962, Some(450), 920_000, 4, 2022),
    ("165-28-092", 10043, 602_100, 2206, 1962, None, 700_000, 3, 2022),
    ("165-28-072", 10200, 728_600, 2624, 1962, Some(550), 769_000, 2, 2022),
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The latest full cash value a reference parcel must show, when a capture fixes it.
pub fn latest_fcv(apn: &str) -> Option<u64> {
    COMPARABLES.iter().find(|c| c.0 == apn).map(|c| c.2)
}

/// Overwrites generated values with captured ones (for the parcels that have captures).
pub fn apply_captures(t: &mut ParcelTruth) {
    let dashed = t.apn.to_string();
    if let Some(c) = COMPARABLES.iter().find(|c| c.0 == dashed) {
        let (_, land, _, livable, year, pool, price, month, sale_year) = *c;
        t.lot_size_sqft = Some(land);
        if let Some(home) = t.residential.as_mut() {
            home.lot_size_sqft = Some(land);
            home.livable_sqft = Some(livable);
            home.construction_year = Some(year);
            home.original_construction_year = Some(year);
            home.pool_sqft = pool;
        }
        let sold = date(sale_year, month, 12);
        t.owner.sale_price = Some(price);
        t.owner.sale_date = Some(sold);
        t.owner.deed_date = sold;
        t.owner.deed_type = "WD".into();
        t.owner.deed_number = format!(
            "{sale_year}{:07}",
            t.owner
                .deed_number
                .get(4..)
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(1)
        );
    }
    match dashed.as_str() {
        "165-28-054" => capture_165_28_054(t),
        "200-16-068" => composite_200_16_068(t),
        _ => {}
    }
}

fn capture_165_28_054(t: &mut ParcelTruth) {
    t.legal_description = "PARADISE VALLEY OASIS 1-A".into();
    t.lot_size_sqft = Some(10453);
    t.owner = OwnerTruth {
        owner_id: "1CE9343E-0B79-4899-8A74-6446449696BB".into(),
        ownership: "HORIZON HEALTH AND WELLNESS INC".into(),
        in_care_of: None,
        mailing_address1: "210 E COTTONWOOD LN".into(),
        mailing_address2: None,
        mailing_city: "CASA CRANDE".into(),
        mailing_state: "AZ".into(),
        mailing_zip: "85122".into(),
        mailing_country: "USA".into(),
        full_mailing_address: "210 E COTTONWOOD LN, CASA CRANDE, AZ 85122".into(),
        deed_number: "20180142724".into(),
        deed_date: date(2018, 2, 26),
        deed_type: "WD".into(),
        sale_price: None,
        sale_date: None,
    };
    t.residential = Some(ResidentialTruth {
        construction_year: Some(1961),
        original_construction_year: Some(1961),
        livable_sqft: Some(2262),
        lot_size_sqft: Some(10453),
        pool_sqft: None,
        garage_stalls: Some(2),
        carports: 0,
        covered_patios: 0,
        uncovered_patios: 1,
        bath_fixtures: 6,
        quality_grade: Some("CLASS R3".into()),
        exterior_walls: Some("Bp - 8\" Painted Block".into()),
        roof_type: Some("As - Asphalt".into()),
        cooling: Some("RF - REFRIGERATION".into()),
        heating: true,
        parking_type: Some("Garage".into()),
        covered_parking: true,
        locational: None,
    });
    let rows: [(u16, u64, u64, &str); 6] = [
        (2026, 573_300, 255_234, "9060"),
        (2025, 545_500, 243_080, "9060"),
        (2024, 583_800, 231_505, "9020"),
        (2023, 486_000, 220_481, "9020"),
        (2022, 375_300, 209_982, "9020"),
        (2021, 340_500, 199_983, "9020"),
    ];
    t.valuations = rows
        .iter()
        .map(|&(year, fcv, lpv, code)| {
            valuation(
                year,
                fcv,
                lpv,
                ("2.R", "AG / VACANT LAND / NON-PROFIT R/P", 0.15),
                code,
                "691300",
            )
        })
        .collect();
}

fn composite_200_16_068(t: &mut ParcelTruth) {
    t.lot_size_sqft = Some(7569);
    t.owner.ownership = "DOE JOHN Q/JANE R".into();
    t.owner.in_care_of = None;
    t.owner.deed_number = "20190512345".into();
    t.owner.deed_date = date(2019, 6, 28);
    t.owner.deed_type = "WD".into();
    t.owner.sale_price = Some(315_000);
    t.owner.sale_date = Some(date(2019, 6, 28));
    if let Some(home) = t.residential.as_mut() {
        home.construction_year = Some(1999);
        home.original_construction_year = Some(1999);
        home.livable_sqft = Some(1992);
        home.lot_size_sqft = Some(7569);
        home.pool_sqft = Some(382);
        home.garage_stalls = Some(2);
        home.bath_fixtures = 8;
        home.cooling = Some("RF - REFRIGERATION".into());
        home.roof_type = Some("Ct - Concrete Tile".into());
        home.quality_grade = Some("CLASS R3".into());
        home.locational = Some("Corner".into());
    }
    // 2020–2025 were captured; 2026 continues them (LPV +5 %, FCV +5 %).
    let rows: [(u16, u64, u64); 6] = [
        (2026, 441_800, 246_140),
        (2025, 420_800, 234_419),
        (2024, 434_000, 223_256),
        (2023, 364_200, 212_625),
        (2022, 281_600, 202_500),
        (2021, 259_300, 192_857),
    ];
    t.valuations = rows
        .iter()
        .map(|&(year, fcv, lpv)| {
            valuation(
                year,
                fcv,
                lpv,
                ("3.1", "PRIMARY RESIDENCE", 0.10),
                "0131",
                "111202",
            )
        })
        .collect();
}

fn valuation(
    year: u16,
    fcv: u64,
    lpv: u64,
    class: (&str, &str, f64),
    code: &str,
    tax_area: &str,
) -> ValuationTruth {
    let (class_code, class_name, ratio) = class;
    ValuationTruth {
        tax_year: year,
        full_cash_value: Some(fcv),
        limited_property_value: lpv,
        legal_class_code: class_code.into(),
        legal_class: class_name.into(),
        assessment_ratio: ratio,
        assessed_lpv: (lpv as f64 * ratio).round() as u64,
        assessed_fcv: None,
        valuation_source: "Notice".into(),
        use_code: code.into(),
        use_description: use_description(code).into(),
        tax_area_code: tax_area.into(),
        notice_of_change: false,
    }
}
