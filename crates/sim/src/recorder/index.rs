//! The name index: for each family of names (a surname, a company's first word), the parcels
//! whose current owner or previous owner `i` carries one of its names, bucketed by first name
//! (people; a couple under both first names) or by the entity's second word.
//!
//! The owner-name inverse finds a family's parcels arithmetically, but a family holds some
//! 11,000 parcels per owner slot, and telling which of them carry "SMITH JOHN" means drawing
//! every one's name: 57,000 names per search. Drawn once per family (a few milliseconds, the
//! first time a search needs it) and kept by bucket, a search draws only its buckets' names.
//!
//! Memory: four bytes per (parcel, owner slot), plus one more entry per couple: about 0.25 MB a
//! family, 80 MB if every one of the ~350 families is searched (a county has no more).

use std::sync::OnceLock;

use super::history::{previous_owner_key, OWNER_SLOTS};
use super::parties::{generated_parties, may_answer, ownership_parties, IndexQuery};
use super::truth::PartyRole;
use crate::county::County;
use crate::layout::{Key, MAP_COUNT};
use crate::names::{ENTITY_QUALIFIERS, ENTITY_WORDS, FIRST_NAMES, SURNAMES};
use crate::owner::{Family, OwnerName, OwnerNames};

/// Every family's index, each built on first use.
pub(super) struct NameIndex {
    families: Vec<OnceLock<FamilyIndex>>,
}

impl Default for NameIndex {
    fn default() -> NameIndex {
        NameIndex {
            families: (0..SURNAMES.len() + ENTITY_WORDS.len())
                .map(|_| OnceLock::new())
                .collect(),
        }
    }
}

impl NameIndex {
    /// Families built so far, and the bytes their entries take.
    pub(super) fn footprint(&self) -> (usize, usize) {
        self.families
            .iter()
            .filter_map(OnceLock::get)
            .fold((0, 0), |(n, bytes), f| {
                (n + 1, bytes + 4 * (f.keys.len() + f.starts.len()))
            })
    }

    fn family(&self, county: &County, family: Family) -> Option<&FamilyIndex> {
        let i = match family {
            Family::Surname(i) => i,
            Family::Entity(i) => SURNAMES.len() + i,
        };
        Some(
            self.families
                .get(i)?
                .get_or_init(|| FamilyIndex::build(county, family)),
        )
    }
}

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

/// One family: `keys[starts[s·B + b]..starts[s·B + b + 1]]` are the parcels (`map << 16 |
/// parcel`, ascending) whose owner in slot `s` has a name of bucket `b`.
struct FamilyIndex {
    buckets: usize,
    starts: Vec<u32>,
    keys: Vec<u32>,
}

impl FamilyIndex {
    fn build(county: &County, family: Family) -> FamilyIndex {
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
                    if slot == 0
                        && county.layout.is_special(key.0)
                        && county.refs.contains_key(&key)
                    {
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
        let mut starts = vec![0u32; OWNER_SLOTS * buckets + 1];
        for &(list, _) in &entries {
            starts[list as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut keys = vec![0u32; entries.len()];
        for (list, packed) in entries {
            let at = &mut next[list as usize];
            keys[*at as usize] = packed;
            *at += 1;
        }
        FamilyIndex {
            buckets,
            starts,
            keys,
        }
    }

    /// The parcels whose owner in `slot` has a name of bucket `b`.
    fn bucket(&self, slot: usize, b: usize) -> impl Iterator<Item = Key> + '_ {
        let i = slot * self.buckets + b;
        let range = self.starts[i] as usize..self.starts[i + 1] as usize;
        self.keys[range]
            .iter()
            .map(|&packed| (packed >> 16, (packed & 0xFFFF) as u16))
    }
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
                let Some(index) = self.recorder.names.family(self, family) else {
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
