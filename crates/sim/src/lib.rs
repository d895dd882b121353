//! `mps sim`: a local replica of the county services, backed by a seeded county generator.
//!
//! * [`County`]: the data and its ground truth (a million-plus parcels computed on demand);
//! * [`Simulator`]: the HTTP server (Assessor under `/assessor`, Treasurer under `/treasurer`,
//!   Recorder under `/recorder` and its website under `/recorder-web`), with latency, rate
//!   limits (429 + `Retry-After`), injected 503s, a `GET /__sim/stats` endpoint, and
//!   `POST /__sim/record` to record a new document (so a refresh run has something new).

#![warn(missing_docs)]

mod assessor;
mod county;
mod faults;
mod generate;
mod hash;
mod http1;
mod layout;
mod limit;
mod names;
mod options;
mod owner;
mod profile;
mod recorder;
mod reference;
mod region;
mod render;
mod search;
mod server;
mod service;
mod stats;
mod treasurer;
mod truth;
mod truth_rules;
mod wire;

#[cfg(test)]
mod tests;

pub use assessor::{Assessor, PAGE_SIZE};
pub use county::County;
pub use faults::{DownWindow, FaultKind, UnknownFault};
pub use generate::{LATEST_TAX_YEAR, TAX_YEARS};
pub use options::{SimOptions, SIM_TOKEN};
pub use recorder::{
    DocumentTruth, IndexQuery, Party, PartyRole, Recorder,
    DEFAULT_PAGE_SIZE as RECORDER_DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE as RECORDER_MAX_PAGE_SIZE,
    TOTAL_CAP as RECORDER_TOTAL_CAP,
};
pub use server::Simulator;
pub use service::CountyService;
pub use stats::{SimStats, SourceStats};
pub use treasurer::{TaxTruth, TaxYearTruth, Treasurer};
pub use truth::{OwnerTruth, ParcelTruth, ResidentialTruth, ValuationTruth};
pub use wire::{SimRequest, SimResponse};
