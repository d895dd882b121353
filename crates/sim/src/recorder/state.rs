//! What the Recorder keeps between requests: lookups too costly to redo per search (the name
//! index, the 1947 index, the reference parcels' last deeds), each built on first use, and the
//! documents recorded while the simulator runs. Everything else is computed per request.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::history::LastDeed;
use super::index::NameIndex;
use super::old_index::old_documents;
use super::recorded::Recorded;
use super::truth::DocumentTruth;
use crate::county::County;
use crate::layout::Key;

/// The Recorder's part of a [`County`].
#[derive(Default)]
pub struct RecorderState {
    pub(super) names: NameIndex,
    old: OnceLock<OldIndex>,
    reference_deeds: OnceLock<Vec<(Key, LastDeed)>>,
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
    fn new(seed: u64) -> OldIndex {
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

impl County {
    /// The 1947 index.
    pub(super) fn old_index(&self) -> &OldIndex {
        self.recorder.old.get_or_init(|| OldIndex::new(self.seed))
    }

    /// The last deed of every reference parcel, in the reference table's order.
    pub(super) fn reference_deeds(&self) -> &[(Key, LastDeed)] {
        self.recorder.reference_deeds.get_or_init(|| {
            self.ref_keys
                .iter()
                .map(|&key| (key, LastDeed::of(&self.build(key))))
                .collect()
        })
    }
}
