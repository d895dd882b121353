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
//!   on streets of that name. A surname + first name query returns about 50–90 rows, so clients
//!   must read page 2 (a bare surname returns every owner of that name: thousands).
//!
//! The order is deterministic (relevance, then a hash of the APN), not sorted by APN.

use std::collections::HashSet;

use super::county::{normalise, County};
use super::hash::{mix, tag};
use super::layout::{map_id, split_house, Key, HOUSE_BAND, MAP_COUNT};
use super::names::{DIRECTIONS, STREET_TYPES};
use super::owner::OwnerNames;
use mps_ident::places::split_trailing_place;
use mps_ident::Apn;

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
    keys.into_iter()
        .map(|(_, k)| county.layout.apn(k))
        .collect()
}

/// The query as an APN, when it reads as one.
fn as_apn(q: &str) -> Option<Apn> {
    let compact: String = q
        .chars()
        .filter(|c| !matches!(c, '-' | '.' | ' '))
        .collect();
    let digits = compact.bytes().take_while(u8::is_ascii_digit).count();
    let tail = compact.len() - digits;
    (digits == 8 && tail <= 1)
        .then(|| Apn::parse(&compact).ok())
        .flatten()
}

/// Sorts (score, key) pairs: higher score first, then a stable hash order.
/// A parcel found twice keeps its best score.
fn rank(county: &County, mut hits: Vec<(u32, Key)>) -> Vec<(u32, Key)> {
    let shuffle = |k: &Key| mix(&[county.seed, tag::SHUFFLE, u64::from(k.0), u64::from(k.1)]);
    hits.sort_by_key(|(score, k)| (std::cmp::Reverse(*score), shuffle(k)));
    let mut seen = HashSet::new();
    hits.retain(|(_, k)| seen.insert(*k));
    hits
}

fn apn_search(county: &County, apn: &Apn) -> Vec<(u32, Key)> {
    let Some(g) = map_id(apn.book, apn.map) else {
        return Vec::new();
    };
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
    if words
        .last()
        .is_some_and(|w| w.len() == 5 && w.bytes().all(|b| b.is_ascii_digit()))
        && words.len() > 2
    {
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
    let Some((house, rest)) = split_house(&street) else {
        return Vec::new();
    };
    let layout = &county.layout;
    let mut hits: Vec<(u32, Key)> = county
        .keys_at_street(&street)
        .into_iter()
        .map(|k| (1, k))
        .collect();
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
        None => words
            .iter()
            .flat_map(|w| layout.streets_with_word(w))
            .collect(),
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
    let Some((&first, others)) = words.split_first() else {
        return Vec::new();
    };
    let rest: HashSet<&str> = others.iter().copied().collect();
    let mut hits: Vec<(u32, Key)> = Vec::new();
    if rest.is_empty() {
        // A bare surname lists every owner of that name, as the real search does.
        hits.extend(
            county
                .owner_candidates(first, None)
                .into_iter()
                .map(|k| (1, k)),
        );
    } else {
        // Score: 1 for the first word plus one per other query word found in the owner name.
        for key in county.owner_candidates(first, others.first().copied()) {
            let ownership = county.ownership_of(key);
            let shared: HashSet<&str> = ownership
                .split([' ', '/'])
                .skip(1)
                .filter(|w| rest.contains(w))
                .collect();
            hits.push((1 + shared.len() as u32, key));
        }
        hits.extend(
            surname_near_misses(county, q, first, &rest)
                .into_iter()
                .map(|k| (1, k)),
        );
    }
    hits.extend(
        street_near_misses(county, first)
            .into_iter()
            .map(|k| (1, k)),
    );
    rank(county, hits)
}

/// Up to `NAME_NEAR_MISSES` owners who share only the first word, from a stretch of the county
/// that depends on the query (so different queries show different strangers).
fn surname_near_misses(county: &County, q: &str, first: &str, rest: &HashSet<&str>) -> Vec<Key> {
    let maps = u64::from(MAP_COUNT);
    let start = mix(&[
        county.seed,
        tag::SHUFFLE,
        q.len() as u64,
        u64::from(first.bytes().next().unwrap_or(0)),
    ]) % maps;
    let mut near = Vec::new();
    for family in OwnerNames::families(first) {
        // 7919 is coprime with the map count: the walk visits each map once.
        for i in 0..maps {
            let g = ((start + i * 7919) % maps) as u32;
            for key in county
                .names
                .candidates_in_map(family, g, county.layout.count(g))
            {
                let name = county.names.name(key);
                let is_ref = county.layout.is_special(g) && county.refs.contains_key(&key);
                if !is_ref
                    && county.layout.key_exists(key)
                    && OwnerNames::in_family(&name, family)
                    && !rest.contains(name.second_word())
                {
                    near.push(key);
                    if near.len() >= NAME_NEAR_MISSES {
                        return near;
                    }
                }
            }
        }
    }
    near
}

/// A few parcels on streets named like the word ("SMITH JOHN" finds parcels on S SMITH RD).
fn street_near_misses(county: &County, word: &str) -> Vec<Key> {
    let streets = county.layout.streets_with_word(word);
    let mut keys = Vec::new();
    for (i, &s) in streets
        .iter()
        .step_by(7)
        .take(STREET_NEAR_MISSES)
        .enumerate()
    {
        let band = (mix(&[county.seed, tag::SHUFFLE, u64::from(s)]) % 11) as u32;
        if let Some(g) = county.layout.map_on_street(s, band) {
            let p = 1 + (i as u16 * 7) % county.layout.count(g).max(1);
            if county.layout.key_exists((g, p)) {
                keys.push((g, p));
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_classified() {
        assert_eq!(as_apn("118-22-001A"), Apn::parse("11822001A").ok());
        assert_eq!(as_apn("118 22 001"), Apn::parse("11822001").ok());
        assert_eq!(as_apn("10010 N 29TH ST"), None);
        assert_eq!(as_apn("1234567"), None);
        assert_eq!(
            street_part("10010 N 29TH ST PHOENIX, AZ 85028"),
            "10010 N 29TH ST"
        );
        assert_eq!(
            street_part("9049 W ADAM AVE, PEORIA 85382"),
            "9049 W ADAM AVE"
        );
        assert_eq!(
            street_part("901 S SMITH RD UNIT 1070"),
            "901 S SMITH RD UNIT 1070"
        );
        assert_eq!(name_words("901 S SMITH RD UNIT 1070"), vec!["SMITH"]);
    }

    #[test]
    fn searches_are_deterministic_and_hold_the_exact_matches() {
        let county = County::new(3);
        for q in [
            "SMITH JOHN",
            "GARCIA MARIA",
            "SAGUARO HOLDINGS LLC",
            "165-28-054",
            "10010 N 29TH ST",
        ] {
            assert_eq!(
                fuzzy_search(&county, q),
                fuzzy_search(&county, &q.to_lowercase()),
                "{q}"
            );
        }
        let hits = fuzzy_search(&county, "GARCIA MARIA");
        for apn in county.owner_truth("GARCIA MARIA") {
            assert!(hits.contains(&apn), "{apn}");
        }
        assert!(hits.len() > PAGE_HINT && hits.len() < 120, "{}", hits.len());
        let single = fuzzy_search(&county, "YAZZIE");
        assert!(
            single.len() > 1_000,
            "a bare surname lists every owner: {}",
            single.len()
        );
        assert!(fuzzy_search(&county, "").is_empty());
        assert!(fuzzy_search(&county, "%%%").is_empty());
        assert!(fuzzy_search(&county, "999-99-999").is_empty());
    }

    const PAGE_HINT: usize = 25;
}
