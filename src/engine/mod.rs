//! The batch engine: modes, the per-row plan, the job pipeline and its statistics.

pub mod assessor_step;
pub mod block;
pub mod context;
pub mod dedupe;
pub mod documents_step;
pub mod job;
pub mod pages;
pub mod ports;
pub mod priority;
pub mod recorder_docs;
pub mod recorder_options;
pub mod recorder_search;
pub mod row;
pub mod sales_step;
pub mod shared_fetch;
pub mod stop;
pub mod tax_step;
mod writer;

pub use job::{JobOutcome, JobSpec, StopReason};
pub use ports::{JobPorts, Journal, JournalError, NoJournal, Progress, RecordSink};

#[cfg(test)]
mod pipeline_tests;
