//! mps: a batch collector of Maricopa County property records (library behind the `mps` binary).

pub mod browser;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod engine;
pub mod http;
pub mod ident;
pub mod input;
pub mod ledger;
pub mod progress;
pub mod sim;
pub mod source;
pub mod store;
pub mod summary;
pub mod version;
