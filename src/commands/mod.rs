//! The subcommands, and the setup they share: configuration, HTTP client, simulator.

pub mod backfill;
pub mod batch;
pub mod batch_output;
pub mod cache;
pub mod completions;
pub mod csv_tables;
pub mod db;
pub mod earlier;
pub mod enqueue;
pub mod exit;
pub mod heartbeat;
pub mod job_facts;
pub mod job_plan;
pub mod job_settings;
pub mod jobs;
pub mod jobs_list;
pub mod jobs_show;
pub mod man;
pub mod report;
pub mod rewrite;
pub mod search;
pub mod setup;
pub mod signals;
pub mod sim;
pub mod sim_scenario;
pub mod table;
pub mod wait;
pub mod worker;
pub mod worker_rows;

use crate::cli::{Cli, Command};

/// Runs the parsed command line; returns how it ended (errors are mapped by
/// [`exit::for_error`]).
pub fn run(cli: Cli) -> anyhow::Result<exit::Exit> {
    match cli.command {
        Command::Batch(args) => batch::run(*args),
        Command::Search(args) => search::run(*args),
        Command::Sim(args) => sim::run(args),
        Command::Worker(args) => worker::run(args),
        Command::Jobs(args) => jobs::run(args),
        Command::Db(args) => db::run(args),
        Command::Cache(args) => cache::run(args),
        Command::Completions { shell } => completions::run(shell),
        Command::Man { subcommand } => man::run(subcommand.as_deref()),
    }
}
