//! Finding documents without a scan: by recording number, and by a name on them.
//!
//! A number decodes to its parcel (or is an old-index number, a recorded one, or a captured
//! reference deed). A name's first word picks the word-list families that can produce it; the
//! name index ([`super::index`]) then gives the parcels whose current owner or previous owner
//! `i` carries a name answering the query. Only those parcels' histories are drawn, and only
//! their documents naming an answering owner are written out.

use super::numbering::Numbering;
use super::parties::IndexQuery;
use super::state::OldIndex;
use super::truth::{DocumentTruth, Party};
use crate::county::County;

/// One index row: the name that matched and its document.
pub type IndexRow = (String, DocumentTruth);

/// Appends a row per name on `doc` that answers `q` (all names when `every`).
fn push_rows(rows: &mut Vec<IndexRow>, doc: DocumentTruth, q: &IndexQuery, every: bool) {
    let answers = |p: &Party| every || q.matches(p);
    let mut left = doc.parties.iter().filter(|p| answers(p)).count();
    for p in &doc.parties {
        if answers(p) {
            left -= 1;
            if left == 0 {
                let name = p.name.clone();
                rows.push((name, doc));
                return;
            }
            rows.push((p.name.clone(), doc.clone()));
        }
    }
}

/// Sorts rows by (recording number, name), rows that tie keeping their order (a stable sort),
/// then drops repeated (name, number) rows. Numbers are parsed once and the (large) rows
/// moved once: an order of (number, index) pairs is sorted, names compared only where numbers
/// tie (one document's several names), then the order is applied cycle by cycle.
fn sort_rows(rows: &mut Vec<IndexRow>) {
    let mut order: Vec<(u64, usize)> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| (row.1.number_value(), i))
        .collect();
    order.sort_unstable();
    for tied in order.chunk_by_mut(|a, b| a.0 == b.0) {
        if tied.len() > 1 {
            // Stable: rows with the same name stay in index order.
            tied.sort_by(|a, b| rows[a.1].0.cmp(&rows[b.1].0));
        }
    }
    // Row `from[k]` goes to position k.
    let mut from: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
    for start in 0..from.len() {
        let mut k = start;
        loop {
            let j = from[k];
            from[k] = k;
            if j == start || j == k {
                break;
            }
            rows.swap(k, j);
            k = j;
        }
    }
    rows.dedup_by(|b, a| a.0 == b.0 && a.1.recording_number == b.1.recording_number);
}

impl County {
    /// The 1947 index (kept in the Recorder's state once built).
    pub(super) fn old_index(&self) -> &OldIndex {
        self.recorder.old.get_or_init(|| OldIndex::new(self.seed))
    }

    /// The document with this recording number (11 digits), if the county has one.
    pub fn document(&self, recording_number: &str) -> Option<DocumentTruth> {
        let n = recording_number.trim();
        if n.len() != 11 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if let Some(doc) = super::old_index::old_document_by_number(self.seed, n) {
            return Some(doc);
        }
        if let Some(doc) = self.recorded_document(n) {
            return Some(doc);
        }
        let numbering = Numbering::of(self);
        if let Some((_, key, _)) = numbering.decode(n) {
            if self.layout.key_exists(key) {
                if let Some(doc) = self.planned(key, &numbering).document_numbered(n) {
                    return Some(doc);
                }
            }
        }
        // Captured deeds keep their real numbers, which the numbering does not produce.
        self.reference_deeds()
            .iter()
            .find(|(_, deed)| deed.deed_number == n)
            .and_then(|&(key, _)| self.planned(key, &numbering).document_numbered(n))
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
        let old = self.old_index();
        if q.is_unfiltered() {
            for doc in &old.docs {
                push_rows(&mut rows, doc.clone(), q, true);
            }
        } else {
            for doc in old.naming(&q.lead_words()) {
                if doc.parties.iter().any(|p| q.matches(p)) {
                    push_rows(&mut rows, doc.clone(), q, false);
                }
            }
            let numbering = Numbering::of(self);
            for key in self.name_candidates(q) {
                for doc in self.planned(key, &numbering).documents_answering(q) {
                    push_rows(&mut rows, doc, q, false);
                }
            }
            for doc in self.recorded_answering(q) {
                push_rows(&mut rows, doc, q, false);
            }
        }
        sort_rows(&mut rows);
        rows
    }
}
