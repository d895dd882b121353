//! The file ledger: per job, per input row, per source, how the row ended, so `--resume`
//! finishes a job without fetching again what was done and `--retry-failed` fetches only
//! what failed (DESIGN.md §1 "Nothing lost", §6 "Ledger").
//!
//! A job's ledger is one append-only JSON Lines file (the line format is in [`mod@format`]):
//! a header with the job's parameters ([`JobMeta`]), then one entry per row written
//! ([`RowEntry`]), plus a line each time a process opens the job and each time a run ends.
//! It lives beside the output file (`<output>.mps-ledger.jsonl`), or in the state directory
//! when the output is stdout; a registry file `<state_dir>/<id>.json` says where, so
//! `--resume ID` and `mps jobs` find it (see [`registry`]).
//!
//! The batch writer thread is the only writer: it writes (and flushes) a record to the
//! output, then appends its entry. A crash can therefore leave a torn last ledger line (read
//! back as if it were not there) and output records without an entry, which
//! [`reconcile_output`](crate::output::reconcile::reconcile_output) counts as done so they are never written twice. While a job runs, its
//! ledger is locked ([`FileLedger`]), so a second process on the same job or the same output
//! is refused with [`LedgerError::Busy`].
//!
//! Typical use by the batch command:
//!
//! ```no_run
//! # fn demo(meta: mps::ledger::JobMeta, records: &[mps_model::Record]) -> Result<(), mps::ledger::LedgerError> {
//! use mps::ledger::{default_state_dir, FileLedger, RowEntry};
//! let state_dir = default_state_dir()?;
//! let mut ledger = FileLedger::create(meta, &state_dir)?; // before truncating the output
//! let entries: Vec<RowEntry> = records.iter().map(RowEntry::from_record).collect();
//! ledger.append(&entries)?; // after the records are written and flushed
//! ledger.finish("completed", &serde_json::json!({"rows": entries.len()}))?;
//! # Ok(()) }
//! ```

mod entry;
mod error;
mod file;
pub mod format;
mod id;
mod list;
mod meta;
mod read;
pub mod registry;
mod row_table;
mod state;

#[cfg(test)]
mod tests;

pub use entry::{RowEntry, SourceEntry};
pub use error::LedgerError;
pub use file::{is_held, FileLedger};
pub use format::{Finished, Opened};
pub use id::JobId;
pub use list::{list_jobs, JobSummary};
pub use meta::JobMeta;
pub use read::{load, load_path};
pub use registry::{default_state_dir, is_regular_or_new, ledger_path, register_database_job};
pub use row_table::RowTable;
pub use state::JobState;
