//! What the Recorder keeps between requests: lookups too costly to redo per search (the name
//! index, the 1947 index, the reference parcels' last deeds), each built on first use, and the
//! documents recorded while the simulator runs. Everything else is computed per request.
//!
//! Only the storage is here, so that the county can hold it without this file knowing the
//! county: what goes in is computed from the county by [`super::index`] (the name index),
//! [`super::lookup`] (the 1947 index), [`super::history`] (the reference deeds) and
//! [`super::recorded`] (recorded documents).

use std::collections::HashMap;
use std::sync::{OnceLock, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::old_index::old_documents;
use super::truth::{DocumentTruth, LastDeed};
use crate::layout::Key;
use crate::names::{ENTITY_WORDS, SURNAMES};
use crate::owner::Family;

/// The Recorder's part of a [`County`](crate::County).
#[derive(Default)]
pub struct RecorderState {
    pub(super) names: NameIndex,
    pub(super) old: OnceLock<OldIndex>,
    pub(super) reference_deeds: OnceLock<Vec<(Key, LastDeed)>>,
    pub(super) recorded: Recorded,
}

impl std::fmt::Debug for RecorderState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (families, bytes) = self.names.footprint();
        f.debug_struct("RecorderState")
            .field("indexed_families", &families)
            .field("index_bytes", &bytes)
            .field("recorded", &self.recorded.len())
            .finish_non_exhaustive()
    }
}

/// The 1947 index, and which of its documents name someone by each first word.
pub(super) struct OldIndex {
    pub(super) docs: Vec<DocumentTruth>,
    by_word: HashMap<String, Vec<usize>>,
}

impl OldIndex {
    pub(super) fn new(seed: u64) -> OldIndex {
        let docs: Vec<DocumentTruth> = old_documents(seed).collect();
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, doc) in docs.iter().enumerate() {
            for p in &doc.parties {
                let word = p.name.split(' ').next().unwrap_or_default();
                let list = by_word.entry(word.to_string()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        OldIndex { docs, by_word }
    }

    /// The documents naming someone whose name starts with one of `words` (an index name
    /// answers a query only if its first word is one of the query's lead words), in order.
    pub(super) fn naming(&self, words: &[String]) -> Vec<&DocumentTruth> {
        let mut found: Vec<usize> = words
            .iter()
            .filter_map(|w| self.by_word.get(w))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|i| &self.docs[i]).collect()
    }
}

/// Every family's index (see [`super::index`]), each built on first use.
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

    /// The index of `family`, made by `build` the first time it is asked for.
    pub(super) fn family(
        &self,
        family: Family,
        build: impl FnOnce() -> FamilyIndex,
    ) -> Option<&FamilyIndex> {
        let i = match family {
            Family::Surname(i) => i,
            Family::Entity(i) => SURNAMES.len() + i,
        };
        Some(self.families.get(i)?.get_or_init(build))
    }
}

/// One family: `keys[starts[s·B + b]..starts[s·B + b + 1]]` are the parcels (`map << 16 |
/// parcel`, ascending) whose owner in slot `s` has a name of bucket `b`.
pub(super) struct FamilyIndex {
    buckets: usize,
    starts: Vec<u32>,
    keys: Vec<u32>,
}

impl FamilyIndex {
    /// Lays out `entries`, (list `s·B + b`, packed key) in walk order for `slots` owner slots
    /// of `buckets` buckets, by a counting sort (thousands of growing vectors cost more); each
    /// list keeps the order its entries came in.
    pub(super) fn from_entries(
        slots: usize,
        buckets: usize,
        entries: Vec<(u32, u32)>,
    ) -> FamilyIndex {
        let mut starts = vec![0u32; slots * buckets + 1];
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
    pub(super) fn bucket(&self, slot: usize, b: usize) -> impl Iterator<Item = Key> + '_ {
        let i = slot * self.buckets + b;
        let range = self.starts[i] as usize..self.starts[i + 1] as usize;
        self.keys[range]
            .iter()
            .map(|&packed| (packed >> 16, (packed & 0xFFFF) as u16))
    }
}

/// The documents recorded while the simulator runs (see [`super::recorded`]), in recording order.
#[derive(Debug, Default)]
pub(super) struct Recorded {
    docs: RwLock<Vec<DocumentTruth>>,
}

impl Recorded {
    pub(super) fn len(&self) -> usize {
        self.read().len()
    }

    pub(super) fn read(&self) -> RwLockReadGuard<'_, Vec<DocumentTruth>> {
        // Documents are pushed whole; a panicked writer cannot leave one half-made.
        self.docs.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn write(&self) -> RwLockWriteGuard<'_, Vec<DocumentTruth>> {
        self.docs.write().unwrap_or_else(PoisonError::into_inner)
    }
}
