//! The shape of the simulated county: which books, maps and parcels exist, and where they are.
//!
//! Books 100..=599 each hold maps 01..=99; a map holds 20..=120 parcels (more where a reference
//! parcel needs it), about 3.4 million parcels in all. Nothing per parcel is stored: existence,
//! split letters and situs addresses are arithmetic on (seed, map, parcel), and the address
//! arithmetic runs backwards too, so an address finds its parcel without a scan:
//!
//! * global map id `g = (book - 100) * 99 + (map - 1)`;
//! * street `s = (g * STREET_STRIDE) % S` over S = 4 directions × 150 names × 8 types;
//! * house number `(g / S) * 2000 + parcel * 2`: even, unique per (street, map, parcel).
//!
//! Reference parcels (real APNs) keep their real addresses; a generated parcel whose address
//! would collide with one of them does not exist (a gap in the map, as retired parcels leave).

use std::collections::{HashMap, HashSet};

use super::hash::{mix, tag};
use super::names::{ordinal, DIRECTIONS, NUMBERED_STREETS, STREET_NAMES, STREET_TYPES};
use mps_ident::Apn;

pub const FIRST_BOOK: u16 = 100;
pub const LAST_BOOK: u16 = 599;
pub const MAPS_PER_BOOK: u32 = 99;
pub const MAP_COUNT: u32 = (LAST_BOOK - FIRST_BOOK + 1) as u32 * MAPS_PER_BOOK;
pub const MIN_PARCELS: u16 = 20;
pub const MAX_PARCELS: u16 = 120;
/// Share of parcels (in percent) that carry a split letter.
pub const SPLIT_PERCENT: u64 = 3;
/// House numbers of one map run inside one band of this width.
pub const HOUSE_BAND: u32 = 2000;
/// Scrambles which street a map lies on; coprime with the street count.
const STREET_STRIDE: u64 = 2719;

/// The global map id of a book/map, or `None` outside the county.
pub fn map_id(book: u16, map: u8) -> Option<u32> {
    let in_range =
        (FIRST_BOOK..=LAST_BOOK).contains(&book) && (1..=MAPS_PER_BOOK).contains(&u32::from(map));
    in_range.then(|| u32::from(book - FIRST_BOOK) * MAPS_PER_BOOK + u32::from(map) - 1)
}

/// The book and map of a global map id.
pub fn book_map(g: u32) -> (u16, u8) {
    (
        FIRST_BOOK + (g / MAPS_PER_BOOK) as u16,
        (g % MAPS_PER_BOOK + 1) as u8,
    )
}

/// A parcel's key without its split letter: (global map id, parcel number).
pub type Key = (u32, u16);

/// Splits `"10010 N 29TH ST"` into the house number and the rest.
pub fn split_house(street: &str) -> Option<(u32, &str)> {
    let street = street.trim();
    let (num, rest) = street.split_once(' ')?;
    if num.is_empty() || num.len() > 6 || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((num.parse().ok()?, rest.trim()))
}

/// Which parcels exist and where they lie.
#[derive(Debug)]
pub struct Layout {
    seed: u64,
    counts: Vec<u16>,
    streets: Vec<String>,
    street_ids: HashMap<String, u32>,
    /// Split letters fixed by reference parcels (`None`: the reference has no letter).
    forced_split: HashMap<Key, Option<char>>,
    /// Generated parcels that would take a reference parcel's address.
    shadowed: HashSet<Key>,
    /// Maps holding a reference parcel or a gap: only these need the hash lookups above, which
    /// keeps the owner walk over every map cheap.
    special: Vec<bool>,
}

impl Layout {
    /// Builds the layout; `refs` are the reference APNs with their street (when known) and
    /// `fixed_counts` the maps whose parcel count a capture fixes.
    pub fn new(seed: u64, refs: &[(Apn, Option<&str>)], fixed_counts: &[(u32, u16)]) -> Layout {
        let mut counts: Vec<u16> = (0..MAP_COUNT)
            .map(|g| {
                let spread = u64::from(MAX_PARCELS - MIN_PARCELS + 1);
                MIN_PARCELS + (mix(&[seed, tag::COUNT, u64::from(g)]) % spread) as u16
            })
            .collect();
        for &(g, n) in fixed_counts {
            if let Some(c) = counts.get_mut(g as usize) {
                *c = n;
            }
        }
        let mut forced_split = HashMap::new();
        for (apn, _) in refs {
            if let Some(g) = map_id(apn.book, apn.map) {
                counts[g as usize] = counts[g as usize].max(apn.parcel);
                forced_split.insert((g, apn.parcel), apn.split);
            }
        }
        let mut streets = Vec::new();
        for name in (1..=NUMBERED_STREETS)
            .map(ordinal)
            .chain(STREET_NAMES.iter().map(std::string::ToString::to_string))
        {
            for dir in DIRECTIONS {
                for kind in STREET_TYPES {
                    streets.push(format!("{dir} {name} {kind}"));
                }
            }
        }
        let street_ids = streets
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u32))
            .collect();
        let mut special = vec![false; MAP_COUNT as usize];
        for &(g, _) in forced_split.keys() {
            special[g as usize] = true;
        }
        let mut layout = Layout {
            seed,
            counts,
            streets,
            street_ids,
            forced_split,
            shadowed: HashSet::new(),
            special,
        };
        for (_, street) in refs {
            if let Some(key) = street.and_then(|s| layout.locate(s)) {
                if !layout.forced_split.contains_key(&key) {
                    layout.shadowed.insert(key);
                    layout.special[key.0 as usize] = true;
                }
            }
        }
        layout
    }

    /// Parcels in map `g` (numbered 1..=count).
    pub fn count(&self, g: u32) -> u16 {
        self.counts.get(g as usize).copied().unwrap_or(0)
    }

    /// Total parcel numbers laid out (before gaps); at least a million.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|&c| u64::from(c)).sum()
    }

    /// The split letter parcel `key` carries, if any.
    pub fn split_of(&self, key: Key) -> Option<char> {
        if self.is_special(key.0) {
            if let Some(forced) = self.forced_split.get(&key) {
                return *forced;
            }
        }
        let h = mix(&[self.seed, tag::SPLIT, u64::from(key.0), u64::from(key.1)]);
        (h % 100 < SPLIT_PERCENT).then(|| ['A', 'B', 'C'][((h >> 32) % 3) as usize])
    }

    /// Is `key` a parcel (in range, and not a gap left for a reference address)?
    pub fn key_exists(&self, key: Key) -> bool {
        key.1 >= 1
            && key.1 <= self.count(key.0)
            && !(self.is_special(key.0) && self.shadowed.contains(&key))
    }

    /// Does map `g` hold a reference parcel or a gap?
    pub fn is_special(&self, g: u32) -> bool {
        self.special.get(g as usize).copied().unwrap_or(false)
    }

    /// The full APN of an existing key.
    pub fn apn(&self, key: Key) -> Apn {
        let (book, map) = book_map(key.0);
        Apn {
            book,
            map,
            parcel: key.1,
            split: self.split_of(key),
        }
    }

    /// The key of an APN that exists (split letter included), else `None`.
    pub fn key_of(&self, apn: &Apn) -> Option<Key> {
        let key = (map_id(apn.book, apn.map)?, apn.parcel);
        (self.key_exists(key) && self.split_of(key) == apn.split).then_some(key)
    }

    /// Number of streets in the table.
    pub fn street_count(&self) -> u32 {
        self.streets.len() as u32
    }

    /// The street index of map `g`.
    pub fn street_of(&self, g: u32) -> u32 {
        ((u64::from(g) * STREET_STRIDE) % u64::from(self.street_count())) as u32
    }

    /// The generated situs street of `key` (`"10010 N 29TH ST"`).
    pub fn situs(&self, key: Key) -> String {
        let band = key.0 / self.street_count();
        let house = band * HOUSE_BAND + u32::from(key.1) * 2;
        format!("{house} {}", self.streets[self.street_of(key.0) as usize])
    }

    /// The street index of `"N 29TH ST"`.
    pub fn street_id(&self, street: &str) -> Option<u32> {
        self.street_ids.get(street).copied()
    }

    /// The map on street `s` in house band `band`, if the county has one.
    pub fn map_on_street(&self, s: u32, band: u32) -> Option<u32> {
        let n = u64::from(self.street_count());
        let inverse = mod_inverse(STREET_STRIDE % n, n)?;
        let r = (u64::from(s) * inverse) % n;
        let g = u64::from(band) * n + r;
        (g < u64::from(MAP_COUNT)).then_some(g as u32)
    }

    /// The key a generated address points at (whether or not that parcel exists).
    pub fn locate(&self, street: &str) -> Option<Key> {
        let (house, rest) = split_house(street)?;
        let s = self.street_id(rest)?;
        self.locate_parts(house, s)
    }

    /// Like [`Layout::locate`], from a house number and a street index.
    pub fn locate_parts(&self, house: u32, s: u32) -> Option<Key> {
        if !house.is_multiple_of(2) {
            return None;
        }
        let parcel = (house % HOUSE_BAND) / 2;
        let g = self.map_on_street(s, house / HOUSE_BAND)?;
        (parcel >= 1).then_some((g, parcel as u16))
    }

    /// The streets that share `s`'s name (other directions and types), `s` excluded.
    pub fn sibling_streets(&self, s: u32) -> impl Iterator<Item = u32> {
        let per_name = (DIRECTIONS.len() * STREET_TYPES.len()) as u32;
        let first = s / per_name * per_name;
        (first..first + per_name).filter(move |&t| t != s)
    }

    /// The indices of streets whose name contains the word `word`.
    pub fn streets_with_word(&self, word: &str) -> Vec<u32> {
        let per_name = DIRECTIONS.len() * STREET_TYPES.len();
        (0..self.streets.len())
            .step_by(per_name)
            .filter(|&i| {
                let mut parts = self.streets[i].split(' ');
                parts.next();
                let mut words: Vec<&str> = parts.collect();
                words.pop();
                words.contains(&word)
            })
            .flat_map(|i| (i..i + per_name).map(|t| t as u32))
            .collect()
    }
}

/// The inverse of `a` modulo `n`, when they are coprime.
pub fn mod_inverse(a: u64, n: u64) -> Option<u64> {
    let (mut t, mut new_t) = (0i128, 1i128);
    let (mut r, mut new_r) = (n as i128, a as i128);
    while new_r != 0 {
        let q = r / new_r;
        (t, new_t) = (new_t, t - q * new_t);
        (r, new_r) = (new_r, r - q * new_r);
    }
    (r == 1).then(|| t.rem_euclid(n as i128) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_ids_round_trip() {
        for g in [0, 1, 98, 99, 12345, MAP_COUNT - 1] {
            let (b, m) = book_map(g);
            assert_eq!(map_id(b, m), Some(g));
        }
        assert_eq!(map_id(99, 1), None);
        assert_eq!(map_id(100, 0), None);
        assert_eq!(map_id(600, 1), None);
    }

    #[test]
    fn layout_holds_over_a_million_parcels() {
        let layout = Layout::new(7, &[], &[]);
        assert!(layout.total() >= 1_000_000, "{}", layout.total());
        assert_eq!(layout.street_count(), 4 * 150 * 8);
    }

    #[test]
    fn addresses_invert() {
        let layout = Layout::new(7, &[], &[]);
        for g in (0..MAP_COUNT).step_by(997) {
            for p in [1, 2, layout.count(g)] {
                let street = layout.situs((g, p));
                assert_eq!(layout.locate(&street), Some((g, p)), "{street}");
            }
        }
        assert_eq!(mod_inverse(3, 7), Some(5));
        assert_eq!(mod_inverse(4, 8), None);
    }
}
