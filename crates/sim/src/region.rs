//! Where a map lies and what it shares: city and ZIP (from its book), school districts, tax area,
//! section-township-range, and the subdivisions its parcels were platted in.

use std::sync::OnceLock;

use super::hash::{mix, tag, Stream};
use super::names::{SUBDIVISION_HEADS, SUBDIVISION_TAILS};
use super::reference::MapOverride;
use mps_ident::places::PLACES;

/// Books whose city is fixed because a reference parcel lies in them.
const BOOK_PLACES: &[(u16, &str)] = &[
    (101, "TOLLESON"),
    (102, "PHOENIX"),
    (104, "PHOENIX"),
    (105, "PHOENIX"),
    (109, "PHOENIX"),
    (112, "PHOENIX"),
    (115, "PHOENIX"),
    (118, "PHOENIX"),
    (132, "TEMPE"),
    (135, "MESA"),
    (141, "MESA"),
    (165, "PHOENIX"),
    (200, "PEORIA"),
    (206, "PHOENIX"),
    (301, "TEMPE"),
    (304, "GILBERT"),
    (501, "SURPRISE"),
];

/// Bigger places own more books.
fn place_weight(name: &str) -> u64 {
    match name {
        "PHOENIX" => 12,
        "MESA" => 5,
        "CHANDLER" | "GILBERT" | "GLENDALE" | "SCOTTSDALE" | "PEORIA" => 3,
        "TEMPE" | "SURPRISE" | "GOODYEAR" | "BUCKEYE" | "AVONDALE" => 2,
        _ => 1,
    }
}

/// Each place's weight and their sum, worked out once (weights go by name, and every parcel
/// asks which place its book belongs to).
fn place_weights() -> &'static (Vec<u64>, u64) {
    static WEIGHTS: OnceLock<(Vec<u64>, u64)> = OnceLock::new();
    WEIGHTS.get_or_init(|| {
        let weights: Vec<u64> = PLACES.iter().map(|p| place_weight(p.name)).collect();
        let total = weights.iter().sum();
        (weights, total)
    })
}

/// The place (index into PLACES) that owns `book`.
pub fn book_place(seed: u64, book: u16) -> usize {
    if let Some((_, name)) = BOOK_PLACES.iter().find(|(b, _)| *b == book) {
        return PLACES.iter().position(|p| p.name == *name).unwrap_or(0);
    }
    let (weights, total) = place_weights();
    let mut roll = mix(&[seed, tag::REGION, u64::from(book)]) % total;
    for (i, &w) in weights.iter().enumerate() {
        if roll < w {
            return i;
        }
        roll -= w;
    }
    0
}

/// Unified districts per place: (high school district, elementary district).
fn districts(city: &str, pick: u64) -> (String, String) {
    let unified = |name: &str| {
        (
            name.to_string(),
            format!(
                "{} SCHOOL DISTRICT",
                name.split(" #").next().unwrap_or(name)
            ),
        )
    };
    let split = |hs: &str, el: &str| (hs.to_string(), el.to_string());
    match city {
        "PHOENIX" => match pick % 4 {
            0 => split("PHOENIX UNION HIGH SCHOOL #210", "PHOENIX ELEMENTARY #1"),
            1 => unified("PARADISE VALLEY UNIFIED #69"),
            2 => split("TOLLESON UNION HIGH SCHOOL #214", "FOWLER ELEMENTARY #45"),
            _ => unified("DEER VALLEY UNIFIED #97"),
        },
        "MESA" => unified("MESA UNIFIED #4"),
        "TEMPE" => split("TEMPE UNION HIGH SCHOOL #213", "TEMPE ELEMENTARY #3"),
        "CHANDLER" => unified("CHANDLER UNIFIED #80"),
        "GILBERT" => unified("GILBERT UNIFIED #41"),
        "GLENDALE" => split("GLENDALE UNION HIGH SCHOOL #205", "GLENDALE ELEMENTARY #40"),
        "SCOTTSDALE" | "PARADISE VALLEY" => unified("SCOTTSDALE UNIFIED #48"),
        "PEORIA" | "SUN CITY" | "YOUNGTOWN" => unified("PEORIA UNIFIED #11"),
        "SURPRISE" | "EL MIRAGE" | "SUN CITY WEST" | "WADDELL" => unified("DYSART UNIFIED #89"),
        "TOLLESON" => split("TOLLESON UNION HIGH SCHOOL #214", "TOLLESON ELEMENTARY #17"),
        "AVONDALE" | "GOODYEAR" | "LITCHFIELD PARK" => split(
            "AGUA FRIA UNION HIGH SCHOOL #216",
            "AVONDALE ELEMENTARY #44",
        ),
        "BUCKEYE" => split("BUCKEYE UNION HIGH SCHOOL #201", "BUCKEYE ELEMENTARY #33"),
        "LAVEEN" => split("PHOENIX UNION HIGH SCHOOL #210", "LAVEEN ELEMENTARY #59"),
        "FOUNTAIN HILLS" => unified("FOUNTAIN HILLS UNIFIED #98"),
        "CAVE CREEK" => unified("CAVE CREEK UNIFIED #93"),
        "QUEEN CREEK" => unified("QUEEN CREEK UNIFIED #95"),
        "WICKENBURG" => unified("WICKENBURG UNIFIED #9"),
        _ => unified("DEER VALLEY UNIFIED #97"),
    }
}

/// What every parcel of one map shares.
#[derive(Debug, Clone)]
pub struct MapFacts {
    pub city: String,
    pub zip: String,
    pub jurisdiction: String,
    pub high_school: String,
    pub elementary: String,
    /// `"26 3N 3E"`.
    pub str_spaced: String,
    pub tax_area: String,
    pub market: String,
    pub neighborhood: String,
    pub parcels_in_str: u64,
    /// A business district (mostly commercial parcels) rather than a neighbourhood.
    pub business: bool,
    /// How many subdivisions the map's parcels were platted in.
    pub subdivisions: u16,
    /// The override that fixed this map, if any.
    pub fixed: Option<MapOverride>,
}

/// The map stream's draws, in stream order, kept as numbers: `map_facts` formats them, while a
/// parcel's profile needs only `business` and must not pay for the strings.
#[derive(Debug, Clone, Copy)]
struct MapDraws {
    /// The ZIP picked among the place's, when no reference parcel fixes it.
    zip: Option<usize>,
    district: u64,
    unincorporated: bool,
    section: u64,
    township: (u64, bool),
    range: (u64, bool),
    tax_area: (u64, u64),
    market: u64,
    neighborhood: u64,
    parcels_in_str: u64,
    business: bool,
    subdivisions: u64,
}

impl MapDraws {
    /// Map `g`'s draws; `zips` is how many ZIPs its place has when one must be picked.
    fn of(seed: u64, g: u32, zips: Option<usize>) -> MapDraws {
        let mut s = Stream::new(&[seed, tag::MAP, u64::from(g)]);
        let zip = zips.map(|n| s.below(n as u64) as usize);
        let district = s.next_u64();
        let unincorporated = s.chance(4);
        let section = s.range(1, 36);
        let township = (s.range(1, 7), s.chance(70));
        let range = (s.range(1, 7), s.chance(60));
        let tax_area = (s.range(100, 9999), s.below(100));
        let market = s.range(1, 30);
        let neighborhood = s.range(1, 60);
        let parcels_in_str = s.range(200, 2400);
        let business = s.chance(12);
        let subdivisions = s.range(1, 3);
        MapDraws {
            zip,
            district,
            unincorporated,
            section,
            township,
            range,
            tax_area,
            market,
            neighborhood,
            parcels_in_str,
            business,
            subdivisions,
        }
    }
}

/// Builds a map's facts; `place` is a (city, ZIP) fixed by a reference parcel in the map.
pub fn map_facts(
    seed: u64,
    g: u32,
    book: u16,
    place: Option<(&str, &str)>,
    fixed: Option<&MapOverride>,
) -> MapFacts {
    let home = &PLACES[book_place(seed, book)];
    let d = MapDraws::of(seed, g, place.is_none().then_some(home.zips.len()));
    let (city, zip) = match place {
        Some((c, z)) => (c.to_string(), z.to_string()),
        None => (
            home.name.to_string(),
            home.zips[d.zip.unwrap_or(0)].to_string(),
        ),
    };
    let (high_school, elementary) = districts(&city, d.district);
    let township = format!("{}{}", d.township.0, if d.township.1 { "N" } else { "S" });
    let range = format!("{}{}", d.range.0, if d.range.1 { "E" } else { "W" });
    let mut facts = MapFacts {
        jurisdiction: if d.unincorporated {
            "MARICOPA COUNTY".into()
        } else {
            city.clone()
        },
        city,
        zip,
        high_school,
        elementary,
        str_spaced: format!("{} {township} {range}", d.section),
        tax_area: format!("{:04}{:02}", d.tax_area.0, d.tax_area.1),
        market: format!("{:02}", d.market),
        neighborhood: format!("{:03}", d.neighborhood),
        parcels_in_str: d.parcels_in_str,
        business: d.business,
        subdivisions: d.subdivisions as u16,
        fixed: None,
    };
    if let Some(f) = fixed {
        facts.jurisdiction = f.jurisdiction.into();
        facts.high_school = f.high_school.into();
        facts.elementary = f.elementary.into();
        facts.str_spaced = f.str_spaced.into();
        facts.tax_area = f.tax_area.into();
        facts.market = f.market.into();
        facts.neighborhood = f.neighborhood.into();
        facts.parcels_in_str = f.parcels_in_str;
        facts.business = false;
        facts.subdivisions = 1;
        facts.fixed = Some(*f);
    }
    facts
}

/// `map_facts(..).business` without the rest: `placed` when a reference parcel fixes the
/// map's city and ZIP, `fixed` when an override fixes the map.
pub fn map_is_business(seed: u64, g: u32, book: u16, placed: bool, fixed: bool) -> bool {
    let zips = (!placed).then(|| PLACES[book_place(seed, book)].zips.len());
    !fixed && MapDraws::of(seed, g, zips).business
}

/// The subdivision a parcel lies in.
#[derive(Debug, Clone)]
pub struct Subdivision {
    pub name: String,
    pub mcr: String,
    pub lot: u32,
    pub parcels: u16,
}

/// The subdivision of parcel `p` in map `g` (which has `count` parcels).
pub fn subdivision(seed: u64, g: u32, p: u16, count: u16, facts: &MapFacts) -> Subdivision {
    let n = facts.subdivisions.max(1);
    let idx = (u32::from(p.saturating_sub(1)) * u32::from(n) / u32::from(count.max(1))) as u16;
    // Parcel p falls in segment idx exactly when ceil(idx·count/n) <= p-1 < ceil((idx+1)·count/n).
    let ceil_div = |a: u32, b: u32| a.div_ceil(b);
    let start = ceil_div(u32::from(idx) * u32::from(count), u32::from(n)) as u16 + 1;
    let end = ceil_div(u32::from(idx + 1) * u32::from(count), u32::from(n)) as u16;
    if let Some(f) = &facts.fixed {
        return Subdivision {
            name: f.subdivision.into(),
            mcr: f.mcr.into(),
            lot: f.first_lot + u32::from(p) - 1,
            parcels: count,
        };
    }
    let mut s = Stream::new(&[seed, tag::SUBDIVISION, u64::from(g), u64::from(idx)]);
    let head = s.pick(SUBDIVISION_HEADS);
    let tail = s.pick(SUBDIVISION_TAILS);
    let name = match s.below(4) {
        0 => format!("{head} {tail}"),
        1 => format!("{head} {tail} UNIT {}", s.range(1, 9)),
        2 => format!("{head} {tail} PHASE {}", s.range(1, 5)),
        _ => format!(
            "{head} {tail} {}-{}",
            s.range(1, 4),
            ['A', 'B', 'C'][s.below(3) as usize]
        ),
    };
    // MCR numbers are a recorded-map book (1–999) and page (01–99) run together.
    let mcr = format!("{}{:02}", s.range(1, 999), s.range(1, 99));
    let first_lot = s.range(1, 400) as u32;
    Subdivision {
        name,
        mcr,
        lot: first_lot + u32::from(p - start.min(p)),
        parcels: end + 1 - start,
    }
}
