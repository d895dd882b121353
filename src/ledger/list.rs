//! `list_jobs`: one line of facts per known job, for `mps jobs list`.

use super::file::is_held;
use super::registry;
use super::{load, JobId, LedgerError};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// What `mps jobs list` shows about a job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSummary {
    pub id: JobId,
    pub created_at: DateTime<Utc>,
    /// Empty when the ledger could not be read (see `problem`).
    pub mode: String,
    pub input: PathBuf,
    pub output: Option<PathBuf>,
    pub ledger: PathBuf,
    /// Rows with an entry.
    pub rows_done: u64,
    /// Rows whose latest entry is failed.
    pub failed: u64,
    /// Rows per latest status (ok, not_found, failed, invalid, skipped); empty when the
    /// ledger could not be read.
    pub by_status: BTreeMap<String, u64>,
    /// The strategy the job ran with; empty when the ledger could not be read.
    pub strategy: String,
    /// How the last run ended; `None` while running, or after a crash (then resumable).
    pub finished: Option<String>,
    /// When the last run ended, with `finished`.
    pub finished_at: Option<DateTime<Utc>>,
    /// A process holds the job's ledger: it is running now (else, unfinished, it died).
    pub running: bool,
    pub last_activity: DateTime<Utc>,
    /// Why the ledger could not be read (missing, corrupt, replaced by a later job): the job
    /// is still listed so the user sees it, with the reason instead of its counts.
    pub problem: Option<String>,
}

/// Every job registered in `state_dir`, newest first. A missing state directory means no
/// jobs yet. Each ledger is read in full, so the counts are right even for a job that
/// crashed before writing its summary.
pub fn list_jobs(state_dir: &Path) -> Result<Vec<JobSummary>, LedgerError> {
    let dir = match fs::read_dir(state_dir) {
        Ok(dir) => dir,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(LedgerError::io("list", state_dir, e)),
    };
    let mut jobs = Vec::new();
    for dirent in dir {
        let dirent = dirent.map_err(|e| LedgerError::io("list", state_dir, e))?;
        let name = dirent.file_name();
        // Registry files are exactly `<id>.json`; temporaries and ledgers are skipped.
        let Some(id) = name
            .to_str()
            .and_then(|n| n.strip_suffix(".json"))
            .and_then(|stem| JobId::parse(stem).ok())
        else {
            continue;
        };
        jobs.push(summarize(&id, state_dir));
    }
    jobs.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(jobs)
}

fn summarize(id: &JobId, state_dir: &Path) -> JobSummary {
    match load(id, state_dir) {
        Ok(state) => JobSummary {
            id: id.clone(),
            created_at: state.meta.created_at,
            mode: state.meta.mode.clone(),
            input: state.meta.input.clone(),
            output: state.meta.output.clone(),
            ledger: state.path.clone(),
            rows_done: state.rows.len() as u64,
            failed: state.failed_entries(None).count() as u64,
            by_status: state.counts_by_status(),
            strategy: state.meta.strategy.clone(),
            finished: state.finished.as_ref().map(|f| f.status.clone()),
            finished_at: state.finished.as_ref().map(|f| f.at),
            running: state.finished.is_none() && is_held(&state.path),
            last_activity: state.last_activity(),
            problem: None,
        },
        Err(e) => {
            // Show what the registry still knows.
            let entry = registry::read(id, state_dir).ok();
            let created_at = entry
                .as_ref()
                .map(|r| r.created_at)
                .or_else(|| id.created_at())
                .unwrap_or_default();
            JobSummary {
                id: id.clone(),
                created_at,
                mode: String::new(),
                input: PathBuf::new(),
                output: entry.as_ref().and_then(|r| r.output.clone()),
                ledger: entry.map(|r| r.ledger).unwrap_or_default(),
                rows_done: 0,
                failed: 0,
                by_status: BTreeMap::new(),
                strategy: String::new(),
                finished: None,
                finished_at: None,
                running: false,
                last_activity: created_at,
                problem: Some(e.to_string()),
            }
        }
    }
}
