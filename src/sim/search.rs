//! The Assessor's fuzzy search: a loose match that returns the right parcels among near misses.
//!
//! The real search is full-text: `q=SMITH JOHN` returns parcels on SMITH RD, `q=1 E WASHINGTON ST`
//! returns 1601 E WASHINGTON ST. Clients must filter, so the simulator mixes near misses in:
//!
//! * an APN (8 digits, optional letter, any separators): that parcel plus its map neighbours;
//! * a house number first: the address, the same street at other numbers, and the same number
//!   on streets that share the street's name;
//! * anything else is a name: owners with the first word as surname (or company word) ranked by
//!   how many other query words they share, then up to 20 surname-only owners and a few parcels
//!   on streets of that name. A surname + first name query returns about 40–70 rows, so clients
//!   must read page 2.
//!
//! The order is deterministic (relevance, then a hash of the APN), not sorted by APN.

use std::collections::HashSet;

use super::county::{normalise, County};
use super::hash::{mix, tag};
use super::layout::{map_id, split_house, Key, HOUSE_BAND};
use super::names::{DIRECTIONS, STREET_TYPES};
use crate::ident::places::split_trailing_place;
use crate::ident::Apn;

/// Near misses added to a name query (surname-only owners).
const NAME_NEAR_MISSES: usize = 20;
/// Parcels on streets named like the query word.
const STREET_NEAR_MISSES: usize = 5;

/// The full ordered result list of a search (the caller pages it).
pub fn fuzzy_search(county: &County, raw: &str) -> Vec<Apn> {
    let q = normalise(raw);
    if q.is_empty() {
        return Vec::new();
    }
    let keys = if let Some(apn) = as_apn(&q) {
        apn_search(county, &apn)
    } else if split_house(&q).is_some() {
        address_search(county, &q)
    } else {
        name_search(county, &q)
    };
    keys.into_iter().map(|(_, k)| county.layout.apn(k)).collect()
}

/// The query as an APN, when it reads as one.
fn as_apn(q: &str) -> Option<Apn> {
    let compact: String = q.chars().filter(|c| !matches!(c, '-' | '.' | ' ')).collect();
    let digits = compact.bytes().take_while(u8::is_ascii_digit).count();
    let tail = compact.len() - digits;
    (digits == 8 && tail <= 1).then(|| Apn::parse(&compact).ok()).flatten()
}

/// Sorts (score, key) pairs: higher score first, then a stable hash order.
fn rank(county: &County, mut hits: Vec<(u32, Key)>) -> Vec<(u32, Key)> {
    let mut seen = HashSet::new();
    hits.retain(|(_, k)| seen.insert(*k));
    let shuffle = |k: &Key| mix(&[county.seed, tag::SHUFFLE, u64::from(k.0), u64::from(k.1)]);
    hits.sort_by_key(|(score, k)| (std::cmp::Reverse(*score), shuffle(k)));
    hits
}

fn apn_search(county: &County, apn: &Apn) -> Vec<(u32, Key)> {
    let Some(g) = map_id(apn.book, apn.map) else { return Vec::new() };
    let layout = &county.layout;
    let mut hits = Vec::new();
    let exact = (g, apn.parcel);
    if layout.key_exists(exact) && (apn.split.is_none() || layout.split_of(exact) == apn.split) {
        hits.push(exact);
    }
    let lo = apn.parcel.saturating_sub(3).max(1);
    for p in lo..=apn.parcel.saturating_add(3) {
        if p != apn.parcel && layout.key_exists((g, p)) {
            hits.push((g, p));
        }
    }
    // An APN search lists the map in APN order.
    hits.sort_by_key(|&k| layout.apn(k));
    hits.into_iter().map(|k| (1, k)).collect()
}

/// Drops a trailing ", AZ 85028", ZIP or city from an address query.
fn street_part(q: &str) -> String {
    let mut words: Vec<&str> = q.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    if words.last().is_some_and(|w| w.len() == 5 && w.bytes().all(|b| b.is_ascii_digit())) && words.len() > 2 {
        words.pop();
    }
    if words.last() == Some(&"AZ") {
        words.pop();
    }
    let joined = words.join(" ");
    match split_trailing_place(&joined) {
        Some((head, _)) if split_house(head).is_some() => head.to_string(),
        _ => joined,
    }
}

/// The words that name a street (no house number, direction, type or unit).
fn name_words(street: &str) -> Vec<&str> {
    street
        .split(' ')
        .filter(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()))
        .filter(|w| !DIRECTIONS.contains(w) && !STREET_TYPES.contains(w) && *w != "UNIT")
        .collect()
}

fn address_search(county: &County, q: &str) -> Vec<(u32, Key)> {
    let street = street_part(q);
    let Some((house, rest)) = split_house(&street) else { return Vec::new() };
    let layout = &county.layout;
    let mut hits: Vec<(u32, Key)> = county.keys_at_street(&street).into_iter().map(|k| (1, k)).collect();
    // Near misses use the nearest generated (even) number.
    let even = house & !1;
    let band = even / HOUSE_BAND;
    let parcel = ((even % HOUSE_BAND) / 2).max(1) as u16;
    let push = |hits: &mut Vec<(u32, Key)>, k: Key| {
        if layout.key_exists(k) {
            hits.push((1, k));
        }
    };
    let words = name_words(rest);
    let siblings: Vec<u32> = match layout.street_id(rest) {
        Some(s) => {
            if let Some(g) = layout.map_on_street(s, band) {
                for d in 1..=3u16 {
                    push(&mut hits, (g, parcel.saturating_sub(d)));
                    push(&mut hits, (g, parcel + d));
                }
            }
            for other in [band + 1, band.wrapping_sub(1), band + 2] {
                if let Some(g) = layout.map_on_street(s, other) {
                    push(&mut hits, (g, parcel.min(layout.count(g))));
                }
            }
            layout.sibling_streets(s).collect()
        }
        None => words.iter().flat_map(|w| layout.streets_with_word(w)).collect(),
    };
    let mut same_number = 0;
    for s in siblings {
        if let Some(k) = layout.locate_parts(even.max(2), s) {
            if layout.key_exists(k) && same_number < 6 {
                hits.push((1, k));
                same_number += 1;
            }
        }
    }
    for (ref_street, keys) in &county.ref_streets {
        if name_words(ref_street).iter().any(|w| words.contains(w)) {
            hits.extend(keys.iter().map(|&k| (1, k)));
        }
    }
    rank(county, hits)
}

fn name_search(county: &County, q: &str) -> Vec<(u32, Key)> {
    let words: Vec<&str> = q.split([' ', '/']).filter(|w| !w.is_empty()).collect();
    let Some(&first) = words.first() else { return Vec::new() };
    let rest: HashSet<&str> = words[1..].iter().copied().collect();
    let mut hits: Vec<(u32, Key)> = Vec::new();
    if rest.is_empty() {
        hits.extend(county.owner_candidates(first, None).into_iter().map(|k| (1, k)));
    } else {
        for key in county.owner_candidates(first, words.get(1).copied()) {
            let ownership = county.ownership_of(key);
            let shared = ownership.split([' ', '/']).skip(1).filter(|w| rest.contains(w)).collect::<HashSet<_>>();
            hits.push((1 + shared.len() as u32, key));
        }
        // Surname-only near misses, from a query-dependent stretch of the county.
        let start = mix(&[county.seed, tag::SHUFFLE, q.len() as u64, u64::from(first.as_bytes()[0])]);
        let mut near = 0;
        'maps: for family in super::owner::OwnerNames::families(first) {
            for i in 0..super::layout::MAP_COUNT {
                let g = ((start + u64::from(i) * 7919) % u64::from(super::layout::MAP_COUNT)) as u32;
                for key in county.names.candidates_in_map(family, g, county.layout.count(g)) {
                    let name = county.names.name(key);
                    if county.layout.key_exists(key)
                        && super::owner::OwnerNames::in_family(&name, family)
                        && !rest.contains(name.second_word())
                    {
                        hits.push((1, key));
                        near += 1;
                        if near >= NAME_NEAR_MISSES {
                            break 'maps;
                        }
                    }
                }
            }
        }
    }
    // Parcels on a street of that name ("SMITH JOHN" finds S SMITH RD).
    let streets = county.layout.streets_with_word(first);
    for (i, s) in streets.iter().step_by(7).take(STREET_NEAR_MISSES).enumerate() {
        let band = (mix(&[county.seed, tag::SHUFFLE, u64::from(*s)]) % 11) as u32;
        if let Some(g) = county.layout.map_on_street(*s, band) {
            let p = 1 + (i as u16 * 7) % county.layout.count(g);
            if county.layout.key_exists((g, p)) {
                hits.push((1, (g, p)));
            }
        }
    }
    rank(county, hits)
}
