//! The shared vocabulary of mps: the county services, the record and its blocks, modes,
//! strategies, priorities and row counts. No I/O: every other crate builds on these types.

#![warn(missing_docs)]

pub mod blocks;
pub mod counts;
pub mod data;
pub mod mode;
pub mod names;
pub mod priority;
pub mod record;
pub mod service;
pub mod strategy;

pub use counts::Counts;
pub use mode::Mode;
pub use priority::{Priority, PriorityError};
pub use record::{EarlierBlocks, Fetch, Record, RowStatus, SourceBlock};
pub use service::Service;
pub use strategy::Strategy;

#[cfg(test)]
mod tests;
