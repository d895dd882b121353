//! The work queue in PostgreSQL (`mps batch --enqueue`, `mps worker`): queued rows as
//! `pending` row items, leases taken with `FOR UPDATE SKIP LOCKED` and renewed by heartbeat,
//! and the live workers whose count divides each host's rate.

use super::error::PgError;
use super::store::PgStore;
use std::time::Duration;

/// One queued input row, as enqueued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedRow {
    pub line: u64,
    /// The identifier cell as read.
    pub input: String,
    /// The row's priority (0 urgent … 3 low).
    pub priority: i16,
    /// The search type asked for (`auto`, `apn`, …).
    pub search_type: String,
}

/// A row that was invalid when enqueued: written final at once, with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidQueued {
    pub line: u64,
    pub input: String,
    pub reason: String,
}

/// A worker as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerInfo {
    pub id: String,
    pub host: String,
    pub pid: i32,
    pub browsers: i32,
}

/// Rows per INSERT when enqueueing: arrays of this many values per statement.
const ENQUEUE_CHUNK: usize = 10_000;

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn line_of(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl PgStore {
    /// Marks job `id` (already created) as queued, and whether its rows need a browser.
    pub fn mark_queued(&self, id: &str, needs_browser: bool) -> Result<(), PgError> {
        self.execute(
            &format!("queueing job {id}"),
            "UPDATE jobs SET queued = true, needs_browser = $2, status = 'queued', \
             updated_at = now() WHERE id = $1",
            &[&id, &needs_browser],
        )
    }

    /// Keeps job `id` queued (not finished) after one worker's run of it ended.
    pub fn keep_queued(&self, id: &str) -> Result<(), PgError> {
        self.execute(
            &format!("keeping job {id} queued"),
            "UPDATE jobs SET status = 'queued', finished_at = NULL, updated_at = now() \
             WHERE id = $1",
            &[&id],
        )
    }

    /// Adds `rows` to job `id`'s queue (`pending` row items) and writes `invalid` rows
    /// final; a line already there is left as it is (enqueueing twice adds nothing).
    pub fn enqueue(
        &self,
        id: &str,
        rows: &[QueuedRow],
        invalid: &[InvalidQueued],
    ) -> Result<(), PgError> {
        let doing = || format!("enqueueing the rows of job {id}");
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(|e| PgError::query(doing(), &e))?;
        for chunk in rows.chunks(ENQUEUE_CHUNK) {
            let lines: Vec<i64> = chunk.iter().map(|r| r.line as i64).collect();
            let inputs: Vec<&str> = chunk.iter().map(|r| r.input.as_str()).collect();
            let priorities: Vec<i16> = chunk.iter().map(|r| r.priority).collect();
            let types: Vec<&str> = chunk.iter().map(|r| r.search_type.as_str()).collect();
            tx.execute(
                "INSERT INTO job_items (job_id, line, source, state, input, priority, search_type) \
                 SELECT $1, l, 'row', 'pending', i, p, t \
                 FROM unnest($2::bigint[], $3::text[], $4::smallint[], $5::text[]) AS u(l, i, p, t) \
                 ON CONFLICT DO NOTHING",
                &[&id, &lines, &inputs, &priorities, &types],
            )
            .map_err(|e| PgError::query(doing(), &e))?;
        }
        for chunk in invalid.chunks(ENQUEUE_CHUNK) {
            let lines: Vec<i64> = chunk.iter().map(|r| r.line as i64).collect();
            let inputs: Vec<&str> = chunk.iter().map(|r| r.input.as_str()).collect();
            let reasons: Vec<&str> = chunk.iter().map(|r| r.reason.as_str()).collect();
            tx.execute(
                "INSERT INTO job_items (job_id, line, source, state, input, last_error) \
                 SELECT $1, l, 'row', 'invalid', i, r \
                 FROM unnest($2::bigint[], $3::text[], $4::text[]) AS u(l, i, r) \
                 ON CONFLICT DO NOTHING",
                &[&id, &lines, &inputs, &reasons],
            )
            .map_err(|e| PgError::query(doing(), &e))?;
        }
        tx.commit().map_err(|e| PgError::query(doing(), &e))
    }

    /// The oldest queued job with a row that can be claimed now (pending, and not leased
    /// or its lease expired); with `browsers` false, only jobs that need no browser.
    pub fn next_queued_job(&self, browsers: bool) -> Result<Option<String>, PgError> {
        let row = self
            .client()?
            .query_opt(
                "SELECT j.id FROM jobs j WHERE j.queued AND ($1 OR NOT j.needs_browser) \
                 AND EXISTS (SELECT 1 FROM job_items i WHERE i.job_id = j.id \
                   AND i.source = 'row' AND i.state = 'pending' \
                   AND (i.lease_until IS NULL OR i.lease_until < now())) \
                 ORDER BY j.created_at, j.id LIMIT 1",
                &[&browsers],
            )
            .map_err(|e| PgError::query("looking for queued work", &e))?;
        Ok(row.map(|r| r.get(0)))
    }

    /// Whether a queued job this worker could take still has rows leased by other workers
    /// (which come back to the queue if those workers die before finishing them).
    pub fn rows_leased_elsewhere(&self, browsers: bool) -> Result<bool, PgError> {
        let row = self
            .client()?
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM jobs j JOIN job_items i ON i.job_id = j.id \
                 WHERE j.queued AND ($1 OR NOT j.needs_browser) AND i.source = 'row' \
                   AND i.state = 'pending' AND i.lease_until >= now())",
                &[&browsers],
            )
            .map_err(|e| PgError::query("looking for rows in progress", &e))?;
        Ok(row.get(0))
    }

    /// Leases up to `n` claimable rows of job `id` to `worker` for `lease`, in priority
    /// then line order; rows other workers are claiming at this instant are skipped, not
    /// waited for.
    pub fn claim(
        &self,
        id: &str,
        worker: &str,
        n: usize,
        lease: Duration,
    ) -> Result<Vec<QueuedRow>, PgError> {
        let limit = i64::try_from(n).unwrap_or(i64::MAX);
        let rows = self
            .client()?
            .query(
                "UPDATE job_items i SET lease_owner = $2, \
                   lease_until = now() + make_interval(secs => $3), updated_at = now() \
                 FROM (SELECT job_id, line, source FROM job_items \
                       WHERE job_id = $1 AND source = 'row' AND state = 'pending' \
                         AND (lease_until IS NULL OR lease_until < now()) \
                       ORDER BY priority, line LIMIT $4 FOR UPDATE SKIP LOCKED) c \
                 WHERE i.job_id = c.job_id AND i.line = c.line AND i.source = c.source \
                 RETURNING i.line, i.input, i.priority, i.search_type",
                &[&id, &worker, &secs(lease), &limit],
            )
            .map_err(|e| PgError::query(format!("claiming rows of job {id}"), &e))?;
        let mut out: Vec<QueuedRow> = rows
            .iter()
            .map(|r| QueuedRow {
                line: line_of(r.get(0)),
                input: r.get::<_, Option<String>>(1).unwrap_or_default(),
                priority: r.get(2),
                search_type: r
                    .get::<_, Option<String>>(3)
                    .unwrap_or_else(|| "auto".into()),
            })
            .collect();
        out.sort_by_key(|r| (r.priority, r.line));
        Ok(out)
    }

    /// Renews every lease `worker` holds on rows still pending, and its heartbeat.
    pub fn renew(&self, worker: &str, lease: Duration) -> Result<u64, PgError> {
        let mut c = self.client()?;
        let n = c
            // Rows locked by this worker's own journal (being finished right now) are
            // skipped, not waited for: waiting could deadlock with that transaction, and their
            // lease no longer matters once it commits.
            .execute(
                "UPDATE job_items i SET lease_until = now() + make_interval(secs => $2) \
                 FROM (SELECT job_id, line, source FROM job_items \
                       WHERE lease_owner = $1 AND source = 'row' AND state = 'pending' \
                       FOR UPDATE SKIP LOCKED) c \
                 WHERE i.job_id = c.job_id AND i.line = c.line AND i.source = c.source",
                &[&worker, &secs(lease)],
            )
            .map_err(|e| PgError::query("renewing leases", &e))?;
        c.execute(
            "UPDATE workers SET heartbeat_at = now() WHERE id = $1",
            &[&worker],
        )
        .map_err(|e| PgError::query("sending the heartbeat", &e))?;
        Ok(n)
    }

    /// Gives back the rows `worker` leased and did not finish (a clean stop): another
    /// worker may take them at once.
    pub fn release(&self, worker: &str) -> Result<u64, PgError> {
        self.client()?
            .execute(
                "UPDATE job_items SET lease_owner = NULL, lease_until = NULL \
                 WHERE lease_owner = $1 AND source = 'row' AND state = 'pending'",
                &[&worker],
            )
            .map_err(|e| PgError::query("releasing leases", &e))
    }

    /// Registers (or re-registers) a worker as live now.
    pub fn register_worker(&self, w: &WorkerInfo) -> Result<(), PgError> {
        self.execute(
            "registering the worker",
            "INSERT INTO workers (id, host, pid, browsers) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()",
            &[&w.id, &w.host, &w.pid, &w.browsers],
        )
    }

    /// Says which job a worker is on (`None`: between jobs).
    pub fn worker_on(&self, worker: &str, job: Option<&str>) -> Result<(), PgError> {
        self.execute(
            "recording the worker's job",
            "UPDATE workers SET job_id = $2, heartbeat_at = now() WHERE id = $1",
            &[&worker, &job],
        )
    }

    /// Removes a worker that stops (the others then take a bigger share at their next
    /// heartbeat).
    pub fn deregister_worker(&self, worker: &str) -> Result<(), PgError> {
        self.execute(
            "deregistering the worker",
            "DELETE FROM workers WHERE id = $1",
            &[&worker],
        )
    }

    /// Workers whose last heartbeat is younger than `stale`; a dead worker's row is
    /// deleted once it is ten times older.
    pub fn live_workers(&self, stale: Duration) -> Result<u32, PgError> {
        let mut c = self.client()?;
        c.execute(
            "DELETE FROM workers WHERE heartbeat_at < now() - make_interval(secs => $1)",
            &[&(secs(stale) * 10.0)],
        )
        .map_err(|e| PgError::query("forgetting dead workers", &e))?;
        let n: i64 = c
            .query_one(
                "SELECT count(*) FROM workers \
                 WHERE heartbeat_at >= now() - make_interval(secs => $1)",
                &[&secs(stale)],
            )
            .map_err(|e| PgError::query("counting live workers", &e))?
            .get(0);
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Job `id`'s rows still pending: (not leased or lease expired, leased).
    pub fn queue_counts(&self, id: &str) -> Result<(u64, u64), PgError> {
        let row = self
            .client()?
            .query_one(
                "SELECT count(*) FILTER (WHERE lease_until IS NULL OR lease_until < now()), \
                        count(*) FILTER (WHERE lease_until >= now()) \
                 FROM job_items WHERE job_id = $1 AND source = 'row' AND state = 'pending'",
                &[&id],
            )
            .map_err(|e| PgError::query(format!("counting the queue of job {id}"), &e))?;
        let n = |i: usize| u64::try_from(row.get::<_, i64>(i)).unwrap_or(0);
        Ok((n(0), n(1)))
    }

    /// The live workers on job `id`, by host and pid.
    pub fn workers_on(&self, id: &str, stale: Duration) -> Result<Vec<WorkerInfo>, PgError> {
        let rows = self
            .client()?
            .query(
                "SELECT id, host, pid, browsers FROM workers WHERE job_id = $1 \
                 AND heartbeat_at >= now() - make_interval(secs => $2) ORDER BY id",
                &[&id, &secs(stale)],
            )
            .map_err(|e| PgError::query(format!("listing the workers of job {id}"), &e))?;
        Ok(rows
            .iter()
            .map(|r| WorkerInfo {
                id: r.get(0),
                host: r.get(1),
                pid: r.get(2),
                browsers: r.get(3),
            })
            .collect())
    }

    /// Whether job `id` is a queued one (made by `--enqueue`).
    pub fn is_queued(&self, id: &str) -> Result<bool, PgError> {
        let row = self
            .client()?
            .query_opt("SELECT queued FROM jobs WHERE id = $1", &[&id])
            .map_err(|e| PgError::query(format!("reading job {id}"), &e))?;
        Ok(row.is_some_and(|r| r.get(0)))
    }
}
