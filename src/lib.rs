//! mps: a batch collector of Maricopa County property records (library behind the `mps` binary).
//!
//! The layers below this crate are crates of their own, re-exported here under their module
//! names: `ident` and `model` (shared vocabulary), `http`, `browser`, `source`, `engine`
//! (with `input` and `cache`), and `sim`. This crate holds what a command puts together:
//! the command line, settings, the output formats, the PostgreSQL store, ledgers, progress,
//! summary.

pub mod cli;
pub mod cli_values;
pub mod commands;
pub mod config;
pub mod journal;
pub mod ledger;
pub mod output;
pub mod postgres;
pub mod progress;
pub mod summary;
pub mod version;

pub use mps_browser as browser;
pub use mps_engine as engine;
pub use mps_engine::{cache, csv_scan, input};
pub use mps_http as http;
pub use mps_ident as ident;
pub use mps_model as model;
pub use mps_sim as sim;
pub use mps_sources as source;
