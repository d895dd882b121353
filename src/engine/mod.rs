//! The batch engine: modes, the per-row plan, the job pipeline and its statistics.

pub mod assessor_step;
pub mod block;
pub mod context;
pub mod dedupe;
pub mod documents_step;
pub mod job;
pub mod mode;
pub mod pages;
pub mod persist;
pub mod priority;
pub mod record;
pub mod recorder_docs;
pub mod recorder_options;
pub mod recorder_search;
pub mod row;
pub mod sales_step;
pub mod shared_fetch;
pub mod stats;
pub mod stop;
pub mod strategy;
pub mod tax_step;
mod writer;

pub use job::{JobOutcome, JobSpec, StopReason};
pub use mode::Mode;
