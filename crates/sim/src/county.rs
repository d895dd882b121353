//! The seeded county: the simulator's data and its ground truth.
//!
//! `County::new(seed)` builds only small tables (parcel counts per map, the street index, the
//! reference parcels); every parcel is computed on demand, so a county of millions of parcels
//! costs a few hundred kilobytes. The same seed always gives the same county. The Recorder's
//! state (`recorder`) grows with use: its name index, family by family as names are searched
//! (80 MB at most), and the documents recorded while the simulator runs.

use std::collections::{HashMap, HashSet};

use super::hash::{mix, tag};
use super::layout::{book_map, map_id, Key, Layout, MAP_COUNT};
use super::owner::OwnerNames;
use super::recorder::RecorderState;
use super::reference::{MapOverride, RefParcel, MAP_OVERRIDES, REFERENCE_PARCELS};
use super::region::{self, map_facts, MapFacts};
use super::truth::ParcelTruth;
use super::truth_rules::{ownership_answers, situs_answers, AddressAsked};
use mps_ident::{AddressQuery, Apn};

/// A simulated Maricopa County.
#[derive(Debug)]
pub struct County {
    pub(super) seed: u64,
    pub(super) layout: Layout,
    pub(super) names: OwnerNames,
    /// Reference parcels by key.
    pub(super) refs: HashMap<Key, RefParcel>,
    /// Reference keys in the order of the reference table.
    pub(super) ref_keys: Vec<Key>,
    /// Reference parcels by situs street.
    pub(super) ref_streets: HashMap<String, Vec<Key>>,
    /// City and ZIP fixed for a map by a reference parcel in it.
    map_places: HashMap<u32, (&'static str, &'static str)>,
    map_overrides: HashMap<u32, MapOverride>,
    /// Reference parcels' owners (some come from captures, so they are built once up front).
    ref_owners: Vec<(Key, String)>,
    /// The Recorder's lazily built lookups and its recorded documents.
    pub(super) recorder: RecorderState,
}

/// Squashes runs of whitespace and upper-cases: the county's form of a query.
pub(super) fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

impl County {
    /// The county for `seed`.
    pub fn new(seed: u64) -> County {
        let parsed: Vec<(Apn, RefParcel)> = REFERENCE_PARCELS
            .iter()
            .filter_map(|r| Apn::parse(r.apn).ok().map(|a| (a, *r)))
            .collect();
        let fixed_counts: Vec<(u32, u16)> = MAP_OVERRIDES
            .iter()
            .filter_map(|m| map_id(m.book, m.map).map(|g| (g, m.parcels)))
            .collect();
        let layout_refs: Vec<(Apn, Option<&str>)> =
            parsed.iter().map(|(a, r)| (*a, r.street)).collect();
        let layout = Layout::new(seed, &layout_refs, &fixed_counts);
        let mut refs = HashMap::new();
        let mut ref_keys = Vec::new();
        let mut ref_streets: HashMap<String, Vec<Key>> = HashMap::new();
        let mut map_places = HashMap::new();
        for (apn, r) in &parsed {
            let Some(g) = map_id(apn.book, apn.map) else {
                continue;
            };
            let key = (g, apn.parcel);
            refs.insert(key, *r);
            ref_keys.push(key);
            if let Some(street) = r.street {
                ref_streets.entry(street.to_string()).or_default().push(key);
            }
            if let (Some(city), Some(zip)) = (r.city, r.zip) {
                map_places.entry(g).or_insert((city, zip));
            }
        }
        let map_overrides = MAP_OVERRIDES
            .iter()
            .filter_map(|m| map_id(m.book, m.map).map(|g| (g, *m)))
            .collect();
        let mut county = County {
            seed,
            layout,
            names: OwnerNames::new(seed),
            refs,
            ref_keys,
            ref_streets,
            map_places,
            map_overrides,
            ref_owners: Vec::new(),
            recorder: RecorderState::default(),
        };
        county.ref_owners = county
            .ref_keys
            .iter()
            .map(|&k| (k, county.build(k).owner.ownership))
            .collect();
        county
    }

    /// The seed the county was generated from (the same seed gives the same county).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How many parcel numbers the layout addresses (a few gaps aside, all exist).
    pub fn parcel_count(&self) -> u64 {
        self.layout.total()
    }

    /// The real APNs every county contains, in the reference table's order.
    pub fn reference_apns(&self) -> Vec<Apn> {
        self.ref_keys.iter().map(|&k| self.layout.apn(k)).collect()
    }

    /// Does this exact APN (split letter included) exist?
    pub fn exists(&self, apn: &Apn) -> bool {
        self.layout.key_of(apn).is_some()
    }

    /// The ground truth of a parcel, or `None` when it does not exist.
    pub fn parcel(&self, apn: &Apn) -> Option<ParcelTruth> {
        self.layout.key_of(apn).map(|k| self.build(k))
    }

    /// `n` distinct existing APNs: the reference parcels first, then spread over the county.
    pub fn sample(&self, n: usize) -> Vec<Apn> {
        let mut out: Vec<Apn> = self.reference_apns().into_iter().take(n).collect();
        let mut seen: HashSet<Apn> = out.iter().copied().collect();
        // 7919 is coprime with the map count, so the walk visits every map before repeating.
        let start = mix(&[self.seed, tag::SAMPLE]) % u64::from(MAP_COUNT);
        let mut i: u64 = 0;
        while out.len() < n && i < (n as u64) * 20 + u64::from(MAP_COUNT) {
            let g = ((start + i * 7919) % u64::from(MAP_COUNT)) as u32;
            let p =
                1 + (mix(&[self.seed, tag::SAMPLE, i]) % u64::from(self.layout.count(g))) as u16;
            i += 1;
            if self.layout.key_exists((g, p)) {
                let apn = self.layout.apn((g, p));
                if seen.insert(apn) {
                    out.push(apn);
                }
            }
        }
        out
    }

    /// The parcels the address `q` names, sorted: the county's rule
    /// (`truth_rules::situs_answers`) over `q` in the county's form, as the client's
    /// `normalize_address` gives it.
    pub fn address_truth(&self, q: &AddressQuery) -> Vec<Apn> {
        let street = normalise(&q.street);
        let asked = AddressAsked {
            street: &q.street,
            city: q.city.as_deref(),
            zip: q.zip.as_deref(),
        };
        let mut out: Vec<Apn> = self
            .keys_at_street(&street)
            .into_iter()
            .filter(|&k| {
                let (st, city, zip) = self.situs_of(k);
                situs_answers(&asked, &st, &city, &zip)
            })
            .map(|k| self.layout.apn(k))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The parcels the owner query names, sorted: the county's rule
    /// (`truth_rules::ownership_answers`) after upper-casing `query` and squashing its spaces.
    pub fn owner_truth(&self, query: &str) -> Vec<Apn> {
        let query = normalise(query);
        let mut words = query.split([' ', '/']).filter(|w| !w.is_empty());
        let Some(first) = words.next() else {
            return Vec::new();
        };
        let mut out: Vec<Apn> = self
            .owner_candidates(first, words.next())
            .into_iter()
            .filter(|&k| ownership_answers(&query, &self.ownership_of(k)))
            .map(|k| self.layout.apn(k))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Existing keys whose situs street is exactly `street` (normalised), any city.
    pub(super) fn keys_at_street(&self, street: &str) -> Vec<Key> {
        let mut keys: Vec<Key> = self.ref_streets.get(street).cloned().unwrap_or_default();
        if let Some(k) = self.layout.locate(street) {
            // A reference parcel with a real address does not also live at its generated one.
            if self.layout.key_exists(k) && self.refs.get(&k).is_none_or(|r| r.street.is_none()) {
                keys.push(k);
            }
        }
        keys
    }

    /// Existing parcels whose owner's first word is `first` and, when given, whose second word
    /// is `second`: a superset of any owner query's matches, found without rendering names.
    pub(super) fn owner_candidates(&self, first: &str, second: Option<&str>) -> Vec<Key> {
        let mut keys = Vec::new();
        for family in OwnerNames::families(first) {
            self.names.for_each_candidate(
                family,
                |g| self.layout.count(g),
                |key| {
                    let is_ref = self.layout.is_special(key.0) && self.refs.contains_key(&key);
                    if is_ref || !self.layout.key_exists(key) {
                        return;
                    }
                    let name = self.names.name(key);
                    if OwnerNames::in_family(&name, family)
                        && second.is_none_or(|w| name.second_word() == w)
                    {
                        keys.push(key);
                    }
                },
            );
        }
        for (key, ownership) in &self.ref_owners {
            let mut words = ownership.split([' ', '/']);
            if words.next() == Some(first) && second.is_none_or(|w| words.next() == Some(w)) {
                keys.push(*key);
            }
        }
        keys
    }

    /// The reference parcels' owners, in the reference table's order.
    pub(super) fn reference_owners(&self) -> &[(Key, String)] {
        &self.ref_owners
    }

    /// The `Ownership` of an existing key.
    pub(super) fn ownership_of(&self, key: Key) -> String {
        match self.ref_owners.iter().find(|(k, _)| *k == key) {
            Some((_, ownership)) => ownership.clone(),
            None => self.names.name(key).render(),
        }
    }

    /// (street, city, ZIP) of an existing key, without building the whole parcel.
    pub(super) fn situs_of(&self, key: Key) -> (String, String, String) {
        let r = self.refs.get(&key);
        let street = r
            .and_then(|r| r.street)
            .map(str::to_string)
            .unwrap_or_else(|| self.layout.situs(key));
        match r.and_then(|r| r.city.zip(r.zip)) {
            Some((city, zip)) => (street, city.to_string(), zip.to_string()),
            None => {
                let facts = self.map_facts(key.0);
                (street, facts.city, facts.zip)
            }
        }
    }

    /// `map_facts(g).business`, without the strings (every parcel's profile needs it).
    pub(super) fn map_is_business(&self, g: u32) -> bool {
        let (book, _) = book_map(g);
        region::map_is_business(
            self.seed,
            g,
            book,
            self.map_places.contains_key(&g),
            self.map_overrides.contains_key(&g),
        )
    }

    /// What every parcel of map `g` shares.
    pub(super) fn map_facts(&self, g: u32) -> MapFacts {
        let (book, _) = book_map(g);
        map_facts(
            self.seed,
            g,
            book,
            self.map_places.get(&g).copied(),
            self.map_overrides.get(&g),
        )
    }
}

#[cfg(test)]
#[path = "county_tests.rs"]
mod tests;
