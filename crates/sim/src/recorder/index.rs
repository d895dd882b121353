//! The name index: for each family of names (a surname, a company's first word), the parcels
//! whose current owner or previous owner `i` carries one of its names, bucketed by first name
//! (people; a couple under both first names) or by the entity's second word.
//!
//! The owner-name inverse finds a family's parcels arithmetically, but a family holds some
//! 11,000 parcels per owner slot, and telling which of them carry "SMITH JOHN" means drawing
//! every one's name: 57,000 names per search. Drawn once per family (a few milliseconds, the
//! first time a search needs it) and kept by bucket, a search draws only its buckets' names.
//! This file decides what is filed where and searches it; the storage (`NameIndex`,
//! `FamilyIndex`) is in [`super::state`], which the county holds.
//!
//! Memory: four bytes per (parcel, owner slot), plus one more entry per couple: about 0.25 MB a
//! family, 80 MB if every one of the ~350 families is searched (a county has no more).

use super::history::{previous_owner_key, OWNER_SLOTS};
use super::parties::{generated_parties, may_answer, ownership_parties, IndexQuery};
use super::state::FamilyIndex;
use super::truth::PartyRole;
use crate::county::County;
use crate::layout::{Key, MAP_COUNT};
use crate::names::{ENTITY_QUALIFIERS, FIRST_NAMES};
use crate::owner::{Family, OwnerName, OwnerNames};

/// The bucket of a surname family's trusts ("SMITH FAMILY TRUST"), after the first names.
const TRUST_BUCKET: usize = FIRST_NAMES.len();

fn bucket_count(family: Family) -> usize {
    match family {
        Family::Surname(_) => FIRST_NAMES.len() + 1,
        Family::Entity(_) => ENTITY_QUALIFIERS.len(),
    }
}

/// The buckets a name is filed under.
fn buckets_of(name: &OwnerName) -> [Option<usize>; 2] {
    match *name {
        OwnerName::Individual { first, .. } | OwnerName::Trustee { first, .. } => {
            [Some(first), None]
        }
        OwnerName::Joint { first, spouse, .. } => [Some(first), Some(spouse)],
        OwnerName::Trust { .. } => [Some(TRUST_BUCKET), None],
        OwnerName::Company { qualifier, .. } => [Some(qualifier), None],
    }
}

/// The buckets of `family` (whose word is `word`) that can hold a name answering `q`: people
/// only when `q` asks for that surname, and only under first names the query's prefixes; trusts
/// and companies only when `q` asks for an entity whose first word is `word` (and, when it
/// gives a second word, only under that qualifier).
fn wanted_buckets(family: Family, word: &str, q: &IndexQuery) -> Vec<usize> {
    let mut business = q.business.as_deref().map(|b| b.split(' '));
    let business_lead = business.as_mut().and_then(Iterator::next);
    let business_second = business.as_mut().and_then(Iterator::next);
    match family {
        Family::Surname(_) => {
            let mut out = Vec::new();
            if q.last.as_deref() == Some(word) {
                out.extend((0..FIRST_NAMES.len()).filter(|&f| {
                    q.first
                        .as_deref()
                        .is_none_or(|p| FIRST_NAMES[f].starts_with(p))
                }));
            }
            if business_lead == Some(word) {
                out.push(TRUST_BUCKET);
            }
            out
        }
        Family::Entity(_) if business_lead == Some(word) => (0..ENTITY_QUALIFIERS.len())
            .filter(|&x| business_second.is_none_or(|w| ENTITY_QUALIFIERS[x] == w))
            .collect(),
        Family::Entity(_) => Vec::new(),
    }
}

/// Files every parcel of `family` under its owner slots and buckets: the walk a family's
/// index is built from, once.
fn build_family(county: &County, family: Family) -> FamilyIndex {
    let buckets = bucket_count(family);
    // (list, packed key) in walk order, so each list comes out ascending; the lists are
    // then laid out by a counting sort (thousands of growing vectors cost more).
    let mut entries: Vec<(u32, u32)> = Vec::with_capacity(80_000);
    for slot in 0..OWNER_SLOTS {
        let shift = slot as u32 * MAP_COUNT;
        let mut map: Option<(u32, u64)> = None;
        county.names.for_each_candidate_shifted(
            family,
            shift,
            |g| county.layout.count(g),
            |key| {
                if !county.layout.key_exists(key) {
                    return;
                }
                // A reference parcel's current owner is not its generated name: the
                // search checks reference owners apart, as the Assessor's owner search does.
                if slot == 0 && county.layout.is_special(key.0) && county.refs.contains_key(&key) {
                    return;
                }
                let drawn = previous_owner_key(key, slot as u32);
                let prefix = match map {
                    Some((g, prefix)) if g == drawn.0 => prefix,
                    _ => {
                        let prefix = county.names.map_prefix(drawn.0);
                        map = Some((drawn.0, prefix));
                        prefix
                    }
                };
                let entities = matches!(family, Family::Entity(_));
                if entities && !county.names.is_company_in_map(prefix, drawn) {
                    return;
                }
                let name = county.names.name_in_map(prefix, drawn);
                if !OwnerNames::in_family(&name, family) {
                    return;
                }
                for b in buckets_of(&name).into_iter().flatten() {
                    let list = (slot * buckets + b) as u32;
                    entries.push((list, (key.0 << 16) | u32::from(key.1)));
                }
            },
        );
    }
    FamilyIndex::from_entries(OWNER_SLOTS, buckets, entries)
}

impl County {
    /// Existing parcels, ascending, whose current owner or previous owner `i` (up to
    /// `MAX_PREVIOUS_OWNERS`) has an index name answering `q`. Previous owner `i` may lie past
    /// the parcel's actual history: such a parcel then simply has no document naming them.
    pub(super) fn name_candidates(&self, q: &IndexQuery) -> Vec<Key> {
        let answers = |ownership: &str| {
            ownership_parties(ownership, PartyRole::Party)
                .iter()
                .any(|p| q.matches(p))
        };
        let mut keys = Vec::new();
        for word in q.lead_words() {
            // Reference owners are found by their first word, as the owner search finds them.
            for (key, ownership) in self.reference_owners() {
                let first = ownership.split([' ', '/']).next();
                if first == Some(word.as_str()) && answers(ownership) {
                    keys.push(*key);
                }
            }
            for family in OwnerNames::families(&word) {
                let Some(index) = self
                    .recorder
                    .names
                    .family(family, || build_family(self, family))
                else {
                    continue;
                };
                for b in wanted_buckets(family, &word, q) {
                    for slot in 0..OWNER_SLOTS {
                        for key in index.bucket(slot, b) {
                            let name = self.names.name(previous_owner_key(key, slot as u32));
                            if may_answer(q, &name)
                                && generated_parties(&name).iter().any(|p| q.matches(p))
                            {
                                keys.push(key);
                            }
                        }
                    }
                }
            }
        }
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}
