//! The batch engine: the input reader, the per-row plan and steps, the job pipeline (reader,
//! workers, writer) and its ports, and the facts cache the steps share across runs.

#![warn(missing_docs)]

pub mod assessor_step;
pub mod block;
pub mod cache;
pub mod context;
pub mod csv_scan;
pub mod dedupe;
pub mod documents_step;
pub mod input;
pub mod job;
mod journal_thread;
pub mod lazy_browser;
mod overlap;
pub mod ports;
pub mod priority;
pub mod recorder_docs;
pub mod recorder_options;
pub mod recorder_search;
pub mod row;
pub mod sales_step;
pub mod shared_fetch;
pub mod sources_port;
pub mod spec;
pub mod stop;
pub mod tax_step;
mod writer;

pub use job::{JobOutcome, JobSpec, StopReason};
pub use ports::{JobPorts, Journal, JournalError, NoJournal, Progress, RecordSink};

#[cfg(test)]
mod pipeline_tests;
#[cfg(test)]
mod sources_tests;
