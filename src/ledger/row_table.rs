//! `RowTable`: the latest status of every row of a job, packed to a few dozen bytes per row.
//!
//! A job can have a million rows. Held as `RowEntry` values (strings and a map per row) they
//! took about 1.4 KB each, 1.4 GB for such a job on `--resume`; `--resume`, `--retry-failed`
//! and `mps jobs` only need each row's status and its sources' states, which come from a
//! handful of distinct strings. So the strings are interned once per table and a row is a
//! status symbol plus up to [`MAX_SOURCES`] (source, state) symbol pairs. The full entries of
//! failed and invalid rows, whose reasons `mps jobs failed` shows, are kept apart by
//! [`JobState`](super::JobState).

use std::collections::BTreeMap;

/// Sources tracked per row (a record has at most four: assessor, tax, sales, documents).
pub const MAX_SOURCES: usize = 8;

/// A symbol: an index into the table's strings.
type Sym = u8;
/// Marks an unused source slot.
const EMPTY: Sym = Sym::MAX;
/// Stands for any string once the table is full (only a damaged or foreign ledger has
/// hundreds of distinct state names).
const OTHER: &str = "(other)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed {
    status: Sym,
    /// (source, state) pairs; unused slots are `(EMPTY, EMPTY)`.
    sources: [(Sym, Sym); MAX_SOURCES],
}

/// Latest row status per input line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowTable {
    symbols: Vec<String>,
    rows: BTreeMap<u64, Packed>,
}

impl RowTable {
    /// Records the latest status of `line`, replacing any earlier one.
    pub fn insert<'a>(
        &mut self,
        line: u64,
        status: &str,
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        let mut packed = Packed {
            status: self.intern(status),
            sources: [(EMPTY, EMPTY); MAX_SOURCES],
        };
        for (slot, (source, state)) in packed.sources.iter_mut().zip(sources) {
            *slot = (self.intern(source), self.intern(state));
        }
        self.rows.insert(line, packed);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn contains(&self, line: u64) -> bool {
        self.rows.contains_key(&line)
    }

    /// Every line, ascending.
    pub fn lines(&self) -> impl Iterator<Item = u64> + '_ {
        self.rows.keys().copied()
    }

    /// The row's status (ok, not_found, failed, invalid).
    pub fn status(&self, line: u64) -> Option<&str> {
        self.rows.get(&line).map(|p| self.name(p.status))
    }

    /// One source's state for the row, if the row has that source.
    pub fn source_state(&self, line: u64, source: &str) -> Option<&str> {
        let packed = self.rows.get(&line)?;
        self.pairs(packed)
            .find(|(s, _)| *s == source)
            .map(|(_, state)| state)
    }

    /// Rows, ascending by line, as (line, status, (source, state) pairs).
    pub fn iter(
        &self,
    ) -> impl Iterator<Item = (u64, &str, impl Iterator<Item = (&str, &str)> + '_)> + '_ {
        self.rows
            .iter()
            .map(|(line, p)| (*line, self.name(p.status), self.pairs(p)))
    }

    fn pairs<'a>(&'a self, p: &'a Packed) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        p.sources
            .iter()
            .take_while(|(s, _)| *s != EMPTY)
            .map(|(s, st)| (self.name(*s), self.name(*st)))
    }

    fn name(&self, sym: Sym) -> &str {
        self.symbols
            .get(usize::from(sym))
            .map_or(OTHER, String::as_str)
    }

    fn intern(&mut self, s: &str) -> Sym {
        if let Some(i) = self.symbols.iter().position(|x| x == s) {
            return i as Sym;
        }
        // Symbols 0..EMPTY-1 are strings; the last one left becomes the catch-all.
        if self.symbols.len() + 1 >= usize::from(EMPTY) {
            return self.intern_other();
        }
        self.symbols.push(s.to_string());
        (self.symbols.len() - 1) as Sym
    }

    fn intern_other(&mut self) -> Sym {
        match self.symbols.iter().position(|x| x == OTHER) {
            Some(i) => i as Sym,
            None => {
                self.symbols.push(OTHER.to_string());
                (self.symbols.len() - 1) as Sym
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_status_per_line_with_sources() {
        let mut t = RowTable::default();
        t.insert(3, "failed", [("assessor", "ok"), ("tax", "failed")]);
        t.insert(2, "ok", [("assessor", "ok")]);
        t.insert(3, "ok", [("assessor", "ok"), ("tax", "ok")]);
        assert_eq!(t.len(), 2);
        assert_eq!(t.lines().collect::<Vec<_>>(), [2, 3]);
        assert_eq!(t.status(3), Some("ok"));
        assert_eq!(t.source_state(3, "tax"), Some("ok"));
        assert_eq!(t.source_state(2, "tax"), None);
        let rows: Vec<(u64, String, usize)> = t
            .iter()
            .map(|(l, s, src)| (l, s.to_string(), src.count()))
            .collect();
        assert_eq!(rows, [(2, "ok".to_string(), 1), (3, "ok".to_string(), 2)]);
    }

    #[test]
    fn a_flood_of_distinct_names_degrades_to_other() {
        let mut t = RowTable::default();
        for i in 0..400u64 {
            let state = format!("state{i}");
            t.insert(i, "ok", [("tax", state.as_str())]);
        }
        assert_eq!(t.source_state(0, "tax"), Some("state0"));
        assert_eq!(t.source_state(399, "tax"), Some(OTHER));
        assert_eq!(t.status(399), Some("ok"));
    }
}
