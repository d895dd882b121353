//! `JobState`: a ledger read back into memory, with the questions `--resume`,
//! `--retry-failed` and `mps jobs` ask of it.

use super::{Finished, JobMeta, Opened, RowEntry, RowTable};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Everything a ledger says about its job.
///
/// Rows are held in two forms: every row's latest status in the compact [`RowTable`], and the
/// full latest entry (input, errors, attempts) only for the rows that need explaining, the
/// failed and invalid ones. See [`RowTable`] for why.
#[derive(Debug, Clone, PartialEq)]
pub struct JobState {
    pub meta: JobMeta,
    /// The ledger it was read from.
    pub path: PathBuf,
    /// The latest status of every row that has an entry (a later entry for a line replaces
    /// an earlier one, so a row retried by `--retry-failed` shows its new outcome).
    pub rows: RowTable,
    /// The latest entry of each row whose latest status is not ok or not_found (failed,
    /// invalid) or that has a failed source, by line.
    pub problems: BTreeMap<u64, RowEntry>,
    /// Every run of the job: the creating one, then one per resume.
    pub runs: Vec<Opened>,
    /// How the last run ended, when it ended in an orderly way and nothing was appended
    /// since; `None` for a job still running or one that died (crash, `kill -9`).
    pub finished: Option<Finished>,
    /// How every run that ended in an orderly way ended, oldest first (a job resumed twice
    /// has up to three): `mps jobs show` totals their statistics.
    pub run_ends: Vec<Finished>,
    /// Entry lines read, superseded ones included.
    pub entries: u64,
    /// Latest `at` among the entries.
    pub last_entry_at: Option<DateTime<Utc>>,
    /// Requests per source over every entry, superseded ones included: what the job cost.
    attempts: BTreeMap<String, u64>,
    /// Where the readable part of the file ends, for a resume that appends after it.
    pub(super) tail: Tail,
}

/// The end of a ledger as read: a resume cuts the file at `valid_len` (dropping a torn
/// last line) and, if the last good line lacks its newline, writes one before appending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Tail {
    pub valid_len: u64,
    pub file_len: u64,
    pub needs_newline: bool,
}

impl JobState {
    /// An empty state for `meta`; other ledger back ends build theirs with [`apply`].
    ///
    /// [`apply`]: JobState::apply
    pub fn new(meta: JobMeta, path: PathBuf) -> JobState {
        JobState {
            meta,
            path,
            rows: RowTable::default(),
            problems: BTreeMap::new(),
            runs: Vec::new(),
            finished: None,
            run_ends: Vec::new(),
            entries: 0,
            last_entry_at: None,
            attempts: BTreeMap::new(),
            tail: Tail::default(),
        }
    }

    /// Takes in one entry, in ledger order: it becomes the row's latest.
    pub fn apply(&mut self, entry: RowEntry) {
        self.entries += 1;
        if entry.at > self.last_entry_at {
            self.last_entry_at = entry.at;
        }
        for (source, s) in &entry.sources {
            match self.attempts.get_mut(source) {
                Some(total) => *total += u64::from(s.attempts),
                None => {
                    self.attempts.insert(source.clone(), u64::from(s.attempts));
                }
            }
        }
        let sources = entry
            .sources
            .iter()
            .map(|(source, s)| (source.as_str(), s.state.as_str()));
        self.rows.insert(entry.line, &entry.status, sources);
        let problem = !matches!(entry.status.as_str(), "ok" | "not_found")
            || entry.sources.values().any(|s| s.state == "failed");
        if problem {
            self.problems.insert(entry.line, entry);
        } else {
            self.problems.remove(&entry.line);
        }
    }

    /// Every input line with an entry: what `--resume` does not fetch again (together with
    /// the records found in the output by [`reconcile_output`](crate::output::reconcile::reconcile_output)).
    pub fn done_lines(&self) -> BTreeSet<u64> {
        self.rows.lines().collect()
    }

    /// Lines to fetch again for `--retry-failed`: rows whose status is failed, or with
    /// `source`, rows where that source failed. Invalid rows are not included: fetching an
    /// invalid identifier again cannot succeed.
    pub fn failed_lines(&self, source: Option<&str>) -> BTreeSet<u64> {
        self.rows
            .iter()
            .filter(|(line, status, _)| match source {
                None => *status == "failed",
                Some(s) => self.rows.source_state(*line, s) == Some("failed"),
            })
            .map(|(line, _, _)| line)
            .collect()
    }

    /// The failed entries themselves, in line order, for `mps jobs failed` (they carry the
    /// input and every error).
    pub fn failed_entries<'a>(
        &'a self,
        source: Option<&'a str>,
    ) -> impl Iterator<Item = &'a RowEntry> + 'a {
        self.problems.values().filter(move |e| e.is_failed(source))
    }

    /// Rows per row status (ok, not_found, failed, invalid).
    pub fn counts_by_status(&self) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for (_, status, _) in self.rows.iter() {
            bump(&mut counts, status);
        }
        counts
    }

    /// Rows per source and state, e.g. `{"tax": {"ok": 90, "failed": 10}}`.
    pub fn counts_by_source(&self) -> BTreeMap<String, BTreeMap<String, u64>> {
        let mut counts: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (_, _, sources) in self.rows.iter() {
            for (source, state) in sources {
                if !counts.contains_key(source) {
                    counts.insert(source.to_string(), BTreeMap::new());
                }
                if let Some(per_state) = counts.get_mut(source) {
                    bump(per_state, state);
                }
            }
        }
        counts
    }

    /// Requests spent per source over the whole job: every entry counts, including those a
    /// later retry superseded, since their requests were made all the same.
    pub fn attempts_by_source(&self) -> &BTreeMap<String, u64> {
        &self.attempts
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        self.meta.created_at
    }

    /// The last sign of life: the latest entry, run start or finish.
    pub fn last_activity(&self) -> DateTime<Utc> {
        let runs = self.runs.iter().map(|r| r.at);
        let finished = self.finished.iter().map(|f| f.at);
        runs.chain(finished)
            .chain(self.last_entry_at)
            .fold(self.meta.created_at, DateTime::max)
    }

    pub fn is_finished(&self) -> bool {
        self.finished.is_some()
    }
}

/// Adds one to `counts[key]`, allocating the key only the first time.
fn bump(counts: &mut BTreeMap<String, u64>, key: &str) {
    match counts.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            counts.insert(key.to_string(), 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{JobId, SourceEntry};

    fn entry(line: u64, status: &str, sources: &[(&str, &str)]) -> RowEntry {
        RowEntry {
            line,
            input: format!("row{line}"),
            status: status.to_string(),
            error: None,
            at: None,
            sources: sources
                .iter()
                .map(|(s, st)| {
                    let e = SourceEntry {
                        state: st.to_string(),
                        attempts: 1,
                        error: None,
                    };
                    (s.to_string(), e)
                })
                .collect(),
        }
    }

    fn state() -> JobState {
        let meta = JobMeta::new(JobId::generate(), "/in.csv");
        let mut s = JobState::new(meta, PathBuf::from("/l"));
        for e in [
            entry(2, "failed", &[("assessor", "ok"), ("tax", "failed")]),
            entry(2, "ok", &[("assessor", "ok"), ("tax", "ok")]),
            entry(3, "failed", &[("assessor", "ok"), ("tax", "failed")]),
            entry(4, "failed", &[("assessor", "failed"), ("tax", "skipped")]),
            entry(5, "invalid", &[]),
            entry(6, "not_found", &[("assessor", "not_found")]),
        ] {
            s.apply(e);
        }
        s
    }

    #[test]
    fn failed_lines_with_and_without_a_source() {
        let s = state();
        assert_eq!(s.failed_lines(None), BTreeSet::from([3, 4]));
        assert_eq!(s.failed_lines(Some("tax")), BTreeSet::from([3]));
        assert_eq!(s.failed_lines(Some("assessor")), BTreeSet::from([4]));
        assert!(s.failed_lines(Some("documents")).is_empty());
        assert_eq!(s.done_lines(), BTreeSet::from([2, 3, 4, 5, 6]));
        let failed: Vec<u64> = s.failed_entries(Some("tax")).map(|e| e.line).collect();
        assert_eq!(failed, [3]);
    }

    #[test]
    fn problems_hold_the_latest_entry_of_failed_and_invalid_rows_only() {
        let s = state();
        let lines: Vec<u64> = s.problems.keys().copied().collect();
        assert_eq!(lines, [3, 4, 5], "line 2 was retried and is ok now");
        assert_eq!(s.entries, 6);
    }

    #[test]
    fn counts() {
        let s = state();
        let by_status = s.counts_by_status();
        assert_eq!(by_status.get("failed"), Some(&2));
        assert_eq!(by_status.get("invalid"), Some(&1));
        let by_source = s.counts_by_source();
        assert_eq!(by_source.get("tax").and_then(|m| m.get("ok")), Some(&1));
        assert_eq!(
            by_source.get("tax").and_then(|m| m.get("skipped")),
            Some(&1)
        );
        // Six entries with an assessor source, the superseded one included.
        assert_eq!(s.attempts_by_source().get("assessor"), Some(&5));
    }
}
