//! `PgStore`: a pool of connections to one database, checked and migrated when opened,
//! and every operation mps performs on it.

use super::connect::{connect, describe_target};
use super::error::{describe, scrub, PgError};
use super::freshness::{self, StaleApns};
use super::jobs::{self, JobItem, JobLock, JobRow};
use super::load::Method;
use super::mapping::Rows;
use super::migrate;
use super::write::{self, BatchCounts};
use chrono::Utc;
use mps_model::record::Record;
use postgres::{Config, NoTls};
use r2d2::Pool;
use r2d2_postgres::PostgresConnectionManager;
use serde_json::Value;
use std::collections::HashSet;
use std::time::Duration;

/// Connections a store keeps: the writer thread, a reader and the odd look-up.
const DEFAULT_POOL_SIZE: u32 = 4;
/// Applied when the URL sets no `connect_timeout`, so an unreachable host fails instead
/// of hanging the run.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A PostgreSQL database holding mps records and job ledgers.
pub struct PgStore {
    pool: Pool<PostgresConnectionManager<NoTls>>,
    config: Config,
    target: String,
    applied: Vec<u32>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("target", &self.target)
            .field("applied", &self.applied)
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// Opens the database at `url` (a `postgresql://` URL or `key=value` DSN), reports any
    /// connection failure with the server's own message and a hint, and applies pending
    /// migrations.
    pub fn connect(url: &str) -> Result<PgStore, PgError> {
        PgStore::connect_with(url, DEFAULT_POOL_SIZE)
    }

    /// [`PgStore::connect`] with `pool_size` pooled connections.
    pub fn connect_with(url: &str, pool_size: u32) -> Result<PgStore, PgError> {
        let secret = url_password(url);
        let config: Config = url.parse().map_err(|e: postgres::Error| PgError::Url {
            message: scrub(&describe(&e), secret.as_deref()),
        })?;
        PgStore::open(config, pool_size)
    }

    /// Opens a store from a parsed config.
    pub fn open(mut config: Config, pool_size: u32) -> Result<PgStore, PgError> {
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("mps");
        }
        let target = describe_target(&config);
        // r2d2 would block for its whole timeout and then say only "db error"; one direct
        // connection first gets the real reason (e.g. peer authentication failed).
        let mut probe = connect(&config, &target)?;
        let applied = migrate::migrate(&mut probe)?;
        drop(probe);
        let manager = PostgresConnectionManager::new(config.clone(), NoTls);
        let pool = Pool::builder()
            .max_size(pool_size.max(1))
            // The probe proved the server answers; open connections as they are needed.
            .min_idle(Some(0))
            .connection_timeout(CONNECT_TIMEOUT)
            .build(manager)
            .map_err(|e| PgError::pool(&e))?;
        Ok(PgStore {
            pool,
            config,
            target,
            applied,
        })
    }

    /// Where the store points (`user@host:port/db`), never with a password.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The migrations this store applied when it was opened.
    pub fn applied_migrations(&self) -> &[u32] {
        &self.applied
    }

    /// Every migration version the database has, oldest first.
    pub fn schema_versions(&self) -> Result<Vec<u32>, PgError> {
        let mut c = self.client()?;
        migrate::applied_versions(&mut c)
    }

    /// Writes a batch of records and job items in one transaction, by binary COPY into
    /// staging tables and one upsert per table.
    pub fn write_batch(
        &self,
        job_id: &str,
        records: &[Record],
        items: &[JobItem],
    ) -> Result<BatchCounts, PgError> {
        self.write_with(job_id, records, items, Method::Copy)
    }

    /// The same as [`PgStore::write_batch`], one prepared statement per row (benchmarks).
    pub fn write_batch_row_at_a_time(
        &self,
        job_id: &str,
        records: &[Record],
        items: &[JobItem],
    ) -> Result<BatchCounts, PgError> {
        self.write_with(job_id, records, items, Method::RowAtATime)
    }

    fn write_with(
        &self,
        job_id: &str,
        records: &[Record],
        items: &[JobItem],
        method: Method,
    ) -> Result<BatchCounts, PgError> {
        // Map before taking a connection, so the connection is held only while writing.
        let rows = Rows::from_records(records, Utc::now());
        let mut c = self.client()?;
        let mut tx = c
            .transaction()
            .map_err(|e| PgError::query("starting a batch", &e))?;
        let counts = write::write(&mut tx, &rows, Some((job_id, items)), method)?;
        tx.commit()
            .map_err(|e| PgError::query("committing a batch", &e))?;
        Ok(counts)
    }

    /// Creates a job (or restarts one with the same id).
    pub fn create_job(
        &self,
        id: &str,
        mode: &str,
        strategy: &str,
        params: &Value,
    ) -> Result<(), PgError> {
        jobs::create(&mut *self.client()?, id, mode, strategy, params)
    }

    /// Records how a job ended.
    pub fn finish_job(&self, id: &str, status: &str, summary: &Value) -> Result<(), PgError> {
        jobs::finish(&mut *self.client()?, id, status, summary)
    }

    /// Every job, newest first.
    pub fn list_jobs(&self) -> Result<Vec<JobRow>, PgError> {
        jobs::list(&mut *self.client()?)
    }

    pub fn job(&self, id: &str) -> Result<Option<JobRow>, PgError> {
        jobs::get(&mut *self.client()?, id)
    }

    /// `(source, state, count)` for a job's items, sorted.
    pub fn job_item_counts(&self, id: &str) -> Result<Vec<(String, String, u64)>, PgError> {
        jobs::item_counts(&mut *self.client()?, id)
    }

    /// The job's failed items, by line and source.
    pub fn failed_items(&self, id: &str) -> Result<Vec<JobItem>, PgError> {
        jobs::failed_items(&mut *self.client()?, id)
    }

    /// Lines whose row is final (any state but `pending`).
    pub fn done_lines(&self, id: &str) -> Result<HashSet<u64>, PgError> {
        jobs::done_lines(&mut *self.client()?, id)
    }

    /// Takes the job's lock on a dedicated connection; `None` when another process holds
    /// it. The lock lasts as long as the returned `JobLock`.
    pub fn try_lock_job(&self, id: &str) -> Result<Option<JobLock>, PgError> {
        jobs::try_lock(&self.config, &self.target, id)
    }

    /// Which of `apns` (dashed form) have no stored record fetched within `max_age`.
    pub fn stale_or_missing(
        &self,
        apns: &[String],
        max_age: Duration,
    ) -> Result<HashSet<String>, PgError> {
        freshness::stale_or_missing(&self.pool, apns, max_age)
    }

    /// Every stored parcel not fetched within `max_age`, streamed in pages.
    pub fn apns_older_than(&self, max_age: Duration) -> StaleApns {
        StaleApns::new(self.pool.clone(), max_age)
    }

    /// One statement that returns at most one row; `doing` names the step in errors.
    pub(crate) fn query_opt(
        &self,
        doing: &str,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Option<postgres::Row>, PgError> {
        self.client()?
            .query_opt(sql, params)
            .map_err(|e| PgError::query(doing, &e))
    }

    /// One statement that returns no rows; `doing` names the step in errors.
    pub(crate) fn execute(
        &self,
        doing: &str,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<(), PgError> {
        self.client()?
            .execute(sql, params)
            .map(drop)
            .map_err(|e| PgError::query(doing, &e))
    }

    pub(super) fn client(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, PgError> {
        self.pool.get().map_err(|e| PgError::pool(&e))
    }
}

/// `url` without its password (URL or `key=value` form), and whether there was one: what
/// may be written to a job's metadata or a file.
pub fn without_password(url: &str) -> (String, bool) {
    let Some(secret) = url_password(url) else {
        return (url.to_string(), false);
    };
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((userinfo, host)) = rest.split_once('@') {
            let user = userinfo.split(':').next().unwrap_or("");
            return (format!("{scheme}://{user}@{host}"), true);
        }
    }
    let kept: Vec<&str> = split_dsn(url)
        .into_iter()
        .filter(|pair| !pair.trim_start().starts_with("password="))
        .collect();
    let _ = secret;
    (kept.join(" "), true)
}

/// The `key=value` pairs of a DSN, a quoted value kept whole.
fn split_dsn(dsn: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (None, false);
    for (i, c) in dsn.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if let Some(s) = start.take() {
                    out.push(&dsn[s..i]);
                }
                continue;
            }
            _ => {}
        }
        if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(&dsn[s..]);
    }
    out
}

/// The password written in a URL or DSN, if any, so that error text can be scrubbed of it
/// even when the URL itself fails to parse.
fn url_password(url: &str) -> Option<String> {
    if let Some(rest) = url.split_once("://").map(|(_, r)| r) {
        let userinfo = rest.split('@').next().filter(|_| rest.contains('@'))?;
        return userinfo.split_once(':').map(|(_, p)| p.to_string());
    }
    let at = url.find("password=")?;
    let value = &url[at + "password=".len()..];
    let value = value.strip_prefix('\'').map_or_else(
        || value.split_whitespace().next().unwrap_or(""),
        |quoted| quoted.split('\'').next().unwrap_or(""),
    );
    Some(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_found_in_both_url_forms() {
        assert_eq!(
            url_password("postgresql://u:s3cret@h:5432/db").as_deref(),
            Some("s3cret")
        );
        assert_eq!(
            url_password("host=h user=u password=s3cret dbname=d").as_deref(),
            Some("s3cret")
        );
        assert_eq!(
            url_password("password='a b' host=h").as_deref(),
            Some("a b")
        );
        assert_eq!(url_password("postgresql://u@h/db"), None);
    }

    #[test]
    fn passwords_are_removed_from_both_url_forms() {
        assert_eq!(
            without_password("postgresql://u:s3cret@h:5432/db"),
            ("postgresql://u@h:5432/db".to_string(), true)
        );
        assert_eq!(
            without_password("host=h user=u password='a b' dbname=d"),
            ("host=h user=u dbname=d".to_string(), true)
        );
        assert_eq!(
            without_password("host=/var/run/postgresql user=root dbname=x"),
            (
                "host=/var/run/postgresql user=root dbname=x".to_string(),
                false
            )
        );
    }

    #[test]
    fn targets_never_show_the_password() {
        let config: Config = "postgresql://alice:s3cret@db.example:6543/mps"
            .parse()
            .unwrap();
        assert_eq!(describe_target(&config), "alice@db.example:6543/mps");
    }

    #[test]
    fn a_bad_url_is_reported_without_its_password() {
        let err = PgStore::connect("postgresql://u:s3cret@h:notaport/db").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("invalid database URL"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
    }
}
