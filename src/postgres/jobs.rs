//! The job ledger in PostgreSQL: `jobs` and `job_items` rows, the questions `--resume`,
//! `--retry-failed` and `mps jobs` ask of them, and the per-job advisory lock that keeps
//! two processes from running the same job at once.

use super::error::PgError;
use chrono::{DateTime, Utc};
use postgres::Client;
use serde_json::Value;
use std::collections::HashSet;

/// Advisory-lock namespace (first key of the two-key form) for job locks; the two-key
/// space does not overlap the one-key space other applications tend to use.
const JOB_LOCK_NAMESPACE: i32 = 0x6d70_7301;

/// One input line's progress for one source (`row` for the line as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobItem {
    pub line: u64,
    /// `row`, `assessor`, `tax`, `sales` or `documents`.
    pub source: String,
    /// `pending`, `ok`, `not_found`, `failed`, `skipped`, … (any state but `pending` is final).
    pub state: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// The identifier as read, so a retry needs no input file.
    pub input: String,
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// NULL for a job known only from its items.
    pub mode: Option<String>,
    pub strategy: Option<String>,
    pub status: String,
    pub params: Option<Value>,
    pub summary: Option<Value>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The summary of every run that ended in an orderly way, oldest first.
    pub runs: Vec<Value>,
}

const JOB_COLUMNS: &str =
    "id, created_at, updated_at, mode, strategy, status, params, summary, finished_at, runs";

fn job_row(r: &postgres::Row) -> Result<JobRow, postgres::Error> {
    Ok(JobRow {
        id: r.try_get(0)?,
        created_at: r.try_get(1)?,
        updated_at: r.try_get(2)?,
        mode: r.try_get(3)?,
        strategy: r.try_get(4)?,
        status: r.try_get(5)?,
        params: r.try_get(6)?,
        summary: r.try_get(7)?,
        finished_at: r.try_get(8)?,
        runs: match r.try_get::<_, Value>(9)? {
            Value::Array(runs) => runs,
            _ => Vec::new(),
        },
    })
}

/// Creates the job, or restarts it (a resumed job keeps its id and creation time).
pub(crate) fn create(
    c: &mut Client,
    id: &str,
    mode: &str,
    strategy: &str,
    params: &Value,
) -> Result<(), PgError> {
    c.execute(
        "INSERT INTO jobs (id, mode, strategy, status, params) VALUES ($1, $2, $3, 'running', $4) \
         ON CONFLICT (id) DO UPDATE SET mode = EXCLUDED.mode, strategy = EXCLUDED.strategy, \
         status = 'running', params = EXCLUDED.params, finished_at = NULL, updated_at = now()",
        &[&id, &mode, &strategy, params],
    )
    .map_err(|e| PgError::query(format!("creating job {id}"), &e))?;
    Ok(())
}

/// Marks the job finished with its summary.
pub(crate) fn finish(
    c: &mut Client,
    id: &str,
    status: &str,
    summary: &Value,
) -> Result<(), PgError> {
    c.execute(
        "INSERT INTO jobs (id, status, summary, finished_at, runs) \
         VALUES ($1, $2, $3, now(), jsonb_build_array($3::jsonb)) \
         ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, summary = EXCLUDED.summary, \
         runs = jobs.runs || jsonb_build_array(EXCLUDED.summary), \
         finished_at = now(), updated_at = now()",
        &[&id, &status, summary],
    )
    .map_err(|e| PgError::query(format!("finishing job {id}"), &e))?;
    Ok(())
}

/// Every job, newest first.
pub(crate) fn list(c: &mut Client) -> Result<Vec<JobRow>, PgError> {
    let doing = "listing jobs";
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs ORDER BY created_at DESC, id");
    c.query(&sql, &[])
        .and_then(|rows| rows.iter().map(job_row).collect())
        .map_err(|e| PgError::query(doing, &e))
}

pub(crate) fn get(c: &mut Client, id: &str) -> Result<Option<JobRow>, PgError> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1");
    c.query_opt(&sql, &[&id])
        .and_then(|row| row.as_ref().map(job_row).transpose())
        .map_err(|e| PgError::query(format!("reading job {id}"), &e))
}

/// (source, state, count), sorted by source then state.
pub(crate) fn item_counts(c: &mut Client, id: &str) -> Result<Vec<(String, String, u64)>, PgError> {
    let rows = c
        .query(
            "SELECT source, state, count(*) FROM job_items WHERE job_id = $1 \
             GROUP BY source, state ORDER BY source, state",
            &[&id],
        )
        .map_err(|e| PgError::query(format!("counting the items of job {id}"), &e))?;
    rows.iter()
        .map(|r| {
            let n: i64 = r.try_get(2)?;
            Ok((r.try_get(0)?, r.try_get(1)?, u64::try_from(n).unwrap_or(0)))
        })
        .collect::<Result<_, postgres::Error>>()
        .map_err(|e| PgError::query(format!("counting the items of job {id}"), &e))
}

/// The items whose state is `failed`, by line and source.
pub(crate) fn failed_items(c: &mut Client, id: &str) -> Result<Vec<JobItem>, PgError> {
    let doing = || format!("reading the failed items of job {id}");
    let rows = c
        .query(
            "SELECT line, source, state, attempts, last_error, input FROM job_items \
             WHERE job_id = $1 AND state = 'failed' ORDER BY line, source",
            &[&id],
        )
        .map_err(|e| PgError::query(doing(), &e))?;
    rows.iter()
        .map(|r| {
            let line: i64 = r.try_get(0)?;
            let attempts: i32 = r.try_get(3)?;
            let input: Option<String> = r.try_get(5)?;
            Ok(JobItem {
                line: u64::try_from(line).unwrap_or(0),
                source: r.try_get(1)?,
                state: r.try_get(2)?,
                attempts: u32::try_from(attempts).unwrap_or(0),
                last_error: r.try_get(4)?,
                input: input.unwrap_or_default(),
            })
        })
        .collect::<Result<_, postgres::Error>>()
        .map_err(|e| PgError::query(doing(), &e))
}

/// Lines whose `row` item is final (any state but `pending`): `--resume` skips them.
pub(crate) fn done_lines(c: &mut Client, id: &str) -> Result<HashSet<u64>, PgError> {
    let doing = || format!("reading the finished lines of job {id}");
    let rows = c
        .query(
            "SELECT line FROM job_items WHERE job_id = $1 AND source = 'row' AND state <> 'pending'",
            &[&id],
        )
        .map_err(|e| PgError::query(doing(), &e))?;
    rows.iter()
        .map(|r| {
            r.try_get::<_, i64>(0)
                .map(|n| u64::try_from(n).unwrap_or(0))
        })
        .collect::<Result<_, _>>()
        .map_err(|e| PgError::query(doing(), &e))
}

/// Holds a job's advisory lock; dropping it (or ending the process) releases it.
///
/// The lock is session-level, so it lives on a connection of its own: a pooled connection
/// would carry the lock back into the pool and to whoever borrows it next.
pub struct JobLock {
    client: Client,
    id: String,
    held: bool,
}

impl std::fmt::Debug for JobLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobLock").field("id", &self.id).finish()
    }
}

impl JobLock {
    /// The job this lock holds.
    pub fn job_id(&self) -> &str {
        &self.id
    }

    /// Releases the lock now, reporting a failure that `drop` would swallow.
    pub fn release(mut self) -> Result<(), PgError> {
        self.unlock()
    }

    fn unlock(&mut self) -> Result<(), PgError> {
        if !self.held {
            return Ok(());
        }
        self.held = false;
        self.client
            .execute(
                "SELECT pg_advisory_unlock($1, hashtext($2))",
                &[&JOB_LOCK_NAMESPACE, &self.id],
            )
            .map_err(|e| PgError::query(format!("unlocking job {}", self.id), &e))?;
        Ok(())
    }
}

impl Drop for JobLock {
    fn drop(&mut self) {
        // Closing the connection releases the lock anyway; unlocking first just makes it
        // prompt when the server is slow to notice the disconnect.
        let _ = self.unlock();
    }
}

/// Takes the job's lock on a new connection; `None` when another session holds it.
pub(crate) fn try_lock(
    config: &postgres::Config,
    target: &str,
    id: &str,
) -> Result<Option<JobLock>, PgError> {
    let mut client = super::connect::connect(config, target)?;
    let row = client
        .query_one(
            "SELECT pg_try_advisory_lock($1, hashtext($2))",
            &[&JOB_LOCK_NAMESPACE, &id],
        )
        .map_err(|e| PgError::query(format!("locking job {id}"), &e))?;
    let got: bool = row
        .try_get(0)
        .map_err(|e| PgError::query(format!("locking job {id}"), &e))?;
    Ok(got.then(|| JobLock {
        client,
        id: id.to_string(),
        held: true,
    }))
}
