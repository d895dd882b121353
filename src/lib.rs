//! mps: a batch collector of Maricopa County property records (library behind the `mps` binary).

pub mod browser;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod csv_scan;
pub mod engine;
pub use mps_http as http;
pub use mps_ident as ident;
pub mod input;
pub mod ledger;
pub mod progress;
pub use mps_sim as sim;
pub mod source;
pub mod store;
pub mod summary;
pub mod version;
