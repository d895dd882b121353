//! `JobFacts`: what `mps jobs list` and `mps jobs show` tell a person about one job, gathered
//! alike from its ledger file or from PostgreSQL, with "not known" kept apart from zero.

use crate::ledger::{JobState, JobSummary};
use crate::postgres::JobRow;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use std::path::Path;

/// Rows per final status, over every run of the job (a retried row counts once, as it ended).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    pub ok: u64,
    pub not_found: u64,
    pub failed: u64,
    pub invalid: u64,
    pub skipped: u64,
}

impl RowCounts {
    /// From `status -> rows`; statuses this version does not know are left out.
    pub fn from_statuses<'a>(counts: impl IntoIterator<Item = (&'a str, u64)>) -> RowCounts {
        let mut c = RowCounts::default();
        for (status, n) in counts {
            match status {
                "ok" => c.ok += n,
                "not_found" => c.not_found += n,
                "failed" => c.failed += n,
                "invalid" => c.invalid += n,
                "skipped" => c.skipped += n,
                _ => {}
            }
        }
        c
    }

    /// Every row with an outcome.
    pub fn rows(&self) -> u64 {
        self.ok + self.not_found + self.failed + self.invalid + self.skipped
    }
}

/// One job as `mps jobs` shows it. `None` means not known (a ledger that cannot be read, a
/// run killed before it wrote its summary), which is printed `-`, never 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobFacts {
    pub id: String,
    /// completed, interrupted or stopped (how the last run ended), running, unfinished (the
    /// process died: resumable), or unreadable (see `problem`).
    pub status: String,
    pub mode: Option<String>,
    pub strategy: Option<String>,
    pub started: DateTime<Utc>,
    pub finished: Option<DateTime<Utc>>,
    /// The input file; `-` for stdin.
    pub input: Option<String>,
    /// The output file; `-` for stdout.
    pub output: Option<String>,
    /// Rows by final status; for a job not finished, those done so far.
    #[serde(rename = "rows_by_status")]
    pub rows: Option<RowCounts>,
    /// Rows in flight when the last run stopped, fetched again by `--resume`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<u64>,
    /// The ledger file; `None` for a database job.
    pub ledger: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// The status of a file-ledger job: how its last run ended, else whether a process holds it.
fn file_status(finished: Option<&str>, running: bool) -> String {
    match (finished, running) {
        (Some(status), _) => status.to_string(),
        (None, true) => "running".to_string(),
        (None, false) => "unfinished".to_string(),
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// `interrupted_rows` of a run's summary, when the run wrote one.
fn interrupted(summary: Option<&Value>) -> Option<u64> {
    summary?.get("interrupted_rows")?.as_u64()
}

impl JobFacts {
    /// From `mps jobs list`'s reading of a ledger file.
    pub fn from_summary(j: &JobSummary) -> JobFacts {
        let readable = j.problem.is_none();
        JobFacts {
            id: j.id.to_string(),
            status: if readable {
                file_status(j.finished.as_deref(), j.running)
            } else {
                "unreadable".to_string()
            },
            mode: non_empty(&j.mode),
            strategy: non_empty(&j.strategy),
            started: j.created_at,
            finished: j.finished_at,
            input: readable.then(|| shown(&j.input)),
            output: match &j.output {
                Some(out) => Some(shown(out)),
                None => readable.then(|| "-".to_string()),
            },
            rows: readable.then(|| {
                RowCounts::from_statuses(j.by_status.iter().map(|(s, n)| (s.as_str(), *n)))
            }),
            interrupted: None,
            ledger: non_empty(&shown(&j.ledger)),
            problem: j.problem.clone(),
        }
    }

    /// From a ledger file read in full (`mps jobs show`); `running` says whether a process
    /// holds it.
    pub fn from_state(st: &JobState, running: bool) -> JobFacts {
        let counts = st.counts_by_status();
        JobFacts {
            id: st.meta.id.to_string(),
            status: file_status(st.finished.as_ref().map(|f| f.status.as_str()), running),
            mode: non_empty(&st.meta.mode),
            strategy: non_empty(&st.meta.strategy),
            started: st.created_at(),
            finished: st.finished.as_ref().map(|f| f.at),
            input: Some(shown(&st.meta.input)),
            output: Some(st.meta.output.as_deref().map_or("-".to_string(), shown)),
            rows: Some(RowCounts::from_statuses(
                counts.iter().map(|(s, n)| (s.as_str(), *n)),
            )),
            interrupted: interrupted(st.finished.as_ref().map(|f| &f.summary)),
            ledger: Some(shown(&st.path)),
            problem: None,
        }
    }

    /// From PostgreSQL: the job's row and its `(source, state, count)` item counts, whose
    /// `row` items are the rows' outcomes (`pending` ones have none yet).
    pub fn from_db(job: &JobRow, items: &[(String, String, u64)]) -> JobFacts {
        let param = |key: &str| job.params.as_ref().and_then(|p| p.get(key));
        let rows = items
            .iter()
            .filter(|(source, _, _)| source == "row")
            .map(|(_, state, n)| (state.as_str(), *n));
        JobFacts {
            id: job.id.clone(),
            status: job.status.clone(),
            mode: job.mode.clone(),
            strategy: job.strategy.clone(),
            started: job.created_at,
            finished: job.finished_at,
            input: param("input").and_then(Value::as_str).map(String::from),
            output: param("output").map(|o| o.as_str().unwrap_or("-").to_string()),
            rows: Some(RowCounts::from_statuses(rows)),
            interrupted: interrupted(job.summary.as_ref()),
            ledger: None,
            problem: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_statuses_are_left_out_of_the_counts() {
        let c = RowCounts::from_statuses([("ok", 3), ("invalid", 2), ("pending", 9)]);
        assert_eq!((c.ok, c.invalid, c.rows()), (3, 2, 5));
    }

    #[test]
    fn a_job_without_a_finish_line_is_running_only_while_held() {
        assert_eq!(file_status(Some("completed"), false), "completed");
        assert_eq!(file_status(None, true), "running");
        assert_eq!(file_status(None, false), "unfinished");
    }
}
