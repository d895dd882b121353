//! Finding documents without a scan: by recording number, and by a name on them.
//!
//! A number decodes to its parcel (or is an old-index number, or a captured reference deed).
//! A name's first word picks the word-list families that can produce it; the owner-name
//! inverse then yields, map by map, the parcels whose current owner or previous owner `i`
//! (drawn at a derived key) can carry that word. Only those parcels' histories are built.

use std::collections::BTreeSet;

use super::history::MAX_PREVIOUS_OWNERS;
use super::numbering::Numbering;
use super::old_index::{old_document_by_number, old_documents};
use super::parties::{ownership_parties, IndexQuery};
use super::truth::{DocumentTruth, PartyRole};
use crate::sim::county::County;
use crate::sim::layout::{Key, MAP_COUNT};
use crate::sim::owner::OwnerNames;

/// One index row: the name that matched and its document.
pub type IndexRow = (String, DocumentTruth);

impl County {
    /// The document with this recording number (11 digits), if the county has one.
    pub fn document(&self, recording_number: &str) -> Option<DocumentTruth> {
        let n = recording_number.trim();
        if n.len() != 11 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if let Some(doc) = old_document_by_number(self.seed, n) {
            return Some(doc);
        }
        let numbering = Numbering::of(self);
        let in_history = |key: Key| {
            let truth = self.build(key);
            self.history(key, &truth, &numbering)
                .into_iter()
                .find(|d| d.recording_number == n)
        };
        if let Some((_, key, _)) = numbering.decode(n) {
            if self.layout.key_exists(key) {
                if let Some(doc) = in_history(key) {
                    return Some(doc);
                }
            }
        }
        // Captured deeds keep their real numbers, which the numbering does not produce.
        self.ref_keys
            .iter()
            .find(|&&key| self.build(key).owner.deed_number == n)
            .and_then(|&key| in_history(key))
    }

    /// Index rows for a person: surname `last`, first name starting with `first`.
    pub fn documents_for_name(&self, last: &str, first: Option<&str>) -> Vec<IndexRow> {
        self.search_index(&IndexQuery::person(last, first))
    }

    /// Index rows for an entity: `name`, or an entity name that starts with its words.
    pub fn documents_for_business(&self, name: &str) -> Vec<IndexRow> {
        self.search_index(&IndexQuery::business(name))
    }

    /// Every index row a query matches, in the service's order (recording number, then
    /// name). A query with no name matches the whole index, of which only the 1947
    /// beginning is listed (the service never shows more than 501 rows).
    pub fn search_index(&self, q: &IndexQuery) -> Vec<IndexRow> {
        let mut rows: Vec<IndexRow> = Vec::new();
        for doc in old_documents(self.seed) {
            for party in &doc.parties {
                if q.is_unfiltered() || q.matches(party) {
                    rows.push((party.name.clone(), doc.clone()));
                }
            }
        }
        if !q.is_unfiltered() {
            let numbering = Numbering::of(self);
            for key in self.name_candidates(q) {
                let truth = self.build(key);
                for doc in self.history(key, &truth, &numbering) {
                    for party in doc.parties.iter().filter(|p| q.matches(p)) {
                        rows.push((party.name.clone(), doc.clone()));
                    }
                }
            }
        }
        rows.sort_by(|a, b| (a.1.number_value(), &a.0).cmp(&(b.1.number_value(), &b.0)));
        rows.dedup_by(|b, a| a.0 == b.0 && a.1.recording_number == b.1.recording_number);
        rows
    }

    /// Existing parcels whose current or a previous owner has a name matching `q`.
    fn name_candidates(&self, q: &IndexQuery) -> BTreeSet<Key> {
        let answers = |ownership: &str| {
            ownership_parties(ownership, PartyRole::Party)
                .iter()
                .any(|p| q.matches(p))
        };
        let mut keys = BTreeSet::new();
        for word in q.lead_words() {
            for key in self.owner_candidates(&word, None) {
                if answers(&self.ownership_of(key)) {
                    keys.insert(key);
                }
            }
            for family in OwnerNames::families(&word) {
                for i in 1..=MAX_PREVIOUS_OWNERS {
                    for g in 0..MAP_COUNT {
                        let count = self.layout.count(g);
                        let derived = g + i * MAP_COUNT;
                        for (_, p) in self.names.candidates_in_map(family, derived, count) {
                            if !self.layout.key_exists((g, p)) {
                                continue;
                            }
                            let name = self.names.name((derived, p));
                            if OwnerNames::in_family(&name, family) && answers(&name.render()) {
                                keys.insert((g, p));
                            }
                        }
                    }
                }
            }
        }
        keys
    }
}
