//! The batch engine: modes, the per-row plan, the job pipeline and its statistics.

pub mod assessor_step;
pub mod dedupe;
pub mod job;
pub mod mode;
pub mod priority;
pub mod record;
pub mod stats;
pub mod strategy;

pub use job::{JobOutcome, JobSpec, StopReason};
pub use mode::Mode;
