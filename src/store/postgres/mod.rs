//! PostgreSQL storage: records as rows of real, keyed tables, and the job ledger.
//!
//! * `store`: [`PgStore`], the pooled, migrated connection and every operation on it.
//! * `migrate`: the versioned files of `migrations/`, applied in order under a lock.
//! * `mapping` → `rows` → `write` → `load`: a batch of records becomes rows per table
//!   (read from the records' JSON), de-duplicated, then written in one transaction by
//!   binary COPY into staging tables and one `INSERT … ON CONFLICT DO UPDATE` per table.
//! * `jobs`: `jobs` / `job_items`, and the per-job advisory lock.
//! * `freshness`: `--max-age` questions.
//! * `testdb`, `bench`: a throw-away database for tests, and the COPY benchmark.

mod bench;
mod error;
mod facts;
mod freshness;
mod jobs;
mod load;
mod mapping;
mod migrate;
mod numeric;
mod rows;
mod store;
mod testdb;
mod throwaway;
mod write;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;

pub use bench::{bench_copy_vs_rows, BenchReport};
pub use error::PgError;
pub use facts::PgFacts;
pub use freshness::StaleApns;
pub use jobs::{JobItem, JobLock, JobRow};
pub use migrate::{applied_versions, migrate, Migration, MIGRATIONS};
pub use store::{without_password, PgStore};
pub use testdb::{test_database, TestDb, TEST_DATABASE_ENV};
pub use write::BatchCounts;
