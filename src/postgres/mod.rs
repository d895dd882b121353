//! PostgreSQL storage: records as rows of real, keyed tables, and the job ledger.
//!
//! * `store`: [`PgStore`], the pooled, migrated connection and every operation on it.
//! * `migrate`: the versioned files of `migrations/`, applied in order under a lock.
//! * `mapping` → `table_rows` → `write` → `load`: a batch of records becomes rows per table
//!   (read from the records' typed blocks), de-duplicated, then written in one transaction by
//!   binary COPY into staging tables and one `INSERT … ON CONFLICT DO UPDATE` per table.
//! * `jobs`: `jobs` / `job_items`, and the per-job advisory lock.
//! * `freshness`: `--max-age` questions.
//! * `queue`: the work queue of `--enqueue` and `mps worker`: leases, heartbeats, workers.
//! * `bench` (feature `bench`): the COPY benchmark of `make bench`. Test databases come
//!   from the `mps-testkit` crate, a dev-dependency.

#[cfg(any(test, feature = "bench"))]
mod bench;
mod connect;
mod error;
mod facts;
mod freshness;
mod jobs;
mod load;
mod mapping;
mod migrate;
mod numeric;
mod queue;
mod store;
mod table_rows;
mod write;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;

#[cfg(any(test, feature = "bench"))]
pub use bench::{bench_copy_vs_rows, BenchReport};
pub use error::PgError;
pub use facts::PgFacts;
pub use freshness::StaleApns;
pub use jobs::{JobItem, JobLock, JobRow};
pub use migrate::{applied_versions, migrate, Migration, MIGRATIONS};
pub use queue::{InvalidQueued, QueuedRow, WorkerInfo};
pub use store::{without_password, PgStore};
pub use write::BatchCounts;
