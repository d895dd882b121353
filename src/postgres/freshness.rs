//! `--max-age`: which parcels have no stored record younger than a given age, for one
//! batch's APNs or, paged, for the whole table (`--from-db` refreshes).
//!
//! A parcel's age is that of its Assessor record (`properties.fetched_at`), which every mode
//! but search and validate writes. Stubs have no fetch time and always count as stale.

use super::error::PgError;
use chrono::{DateTime, Utc};
use postgres::NoTls;
use r2d2::Pool;
use r2d2_postgres::PostgresConnectionManager;
use std::collections::HashSet;
use std::time::Duration;

type PgPool = Pool<PostgresConnectionManager<NoTls>>;

/// Rows per page when walking every stale parcel.
const PAGE: i64 = 5_000;

/// Ages beyond this mean "any stored record": capped so that the cutoff stays a time
/// PostgreSQL can hold.
const LONGEST_AGE: Duration = Duration::from_secs(100 * 366 * 24 * 3600);

/// The oldest fetch time that still counts as fresh.
pub(crate) fn cutoff(max_age: Duration) -> DateTime<Utc> {
    let now = Utc::now();
    chrono::Duration::from_std(max_age.min(LONGEST_AGE))
        .ok()
        .and_then(|age| now.checked_sub_signed(age))
        .unwrap_or(now)
}

/// Which of `apns` lack a record fetched within `max_age`.
pub(crate) fn stale_or_missing(
    pool: &PgPool,
    apns: &[String],
    max_age: Duration,
) -> Result<HashSet<String>, PgError> {
    if apns.is_empty() {
        return Ok(HashSet::new());
    }
    let mut c = pool.get().map_err(|e| PgError::pool(&e))?;
    let doing = "checking stored record ages";
    let rows = c
        .query(
            "SELECT a.apn FROM unnest($1::text[]) AS a(apn) \
             WHERE NOT EXISTS (SELECT 1 FROM properties p \
                               WHERE p.apn = a.apn AND p.fetched_at >= $2)",
            &[&apns, &cutoff(max_age)],
        )
        .map_err(|e| PgError::query(doing, &e))?;
    rows.iter()
        .map(|r| r.try_get::<_, String>(0))
        .collect::<Result<_, _>>()
        .map_err(|e| PgError::query(doing, &e))
}

/// Every stored parcel older than a cutoff (or never fetched), in APN order, a page at a
/// time: millions of parcels never sit in memory at once, and no connection is held
/// between pages.
pub struct StaleApns {
    pool: PgPool,
    cutoff: DateTime<Utc>,
    after: Option<String>,
    page: std::vec::IntoIter<String>,
    done: bool,
}

impl StaleApns {
    pub(crate) fn new(pool: PgPool, max_age: Duration) -> StaleApns {
        StaleApns {
            pool,
            cutoff: cutoff(max_age),
            after: None,
            page: Vec::new().into_iter(),
            done: false,
        }
    }

    /// Keyset paging (`apn > last`) stays fast however deep it goes, unlike OFFSET.
    fn next_page(&mut self) -> Result<Vec<String>, PgError> {
        let mut c = self.pool.get().map_err(|e| PgError::pool(&e))?;
        let doing = "listing stale parcels";
        let rows = c
            .query(
                "SELECT apn FROM properties \
                 WHERE (fetched_at IS NULL OR fetched_at < $1) \
                   AND ($2::text IS NULL OR apn > $2) \
                 ORDER BY apn LIMIT $3",
                &[&self.cutoff, &self.after, &PAGE],
            )
            .map_err(|e| PgError::query(doing, &e))?;
        rows.iter()
            .map(|r| r.try_get::<_, String>(0))
            .collect::<Result<_, _>>()
            .map_err(|e| PgError::query(doing, &e))
    }
}

impl Iterator for StaleApns {
    type Item = Result<String, PgError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(apn) = self.page.next() {
            return Some(Ok(apn));
        }
        if self.done {
            return None;
        }
        match self.next_page() {
            Ok(page) => {
                self.done = i64::try_from(page.len()).map_or(true, |n| n < PAGE);
                self.after = page.last().cloned();
                self.page = page.into_iter();
                self.page.next().map(Ok)
            }
            Err(e) => {
                // One error ends the walk; retrying forever on a dead server helps no one.
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
