//! `mps batch --enqueue`: the job and its rows written to the PostgreSQL queue, for
//! `mps worker` processes on any machine to run. Nothing is fetched here.
//!
//! The input is read whole before the job is created, so an input rejected on the way (a
//! missing file, a bad header, bytes that are not CSV) creates no job, as with a batch.

use super::batch::parse;
use super::exit::Exit;
use super::job_settings::JobSettings;
use super::setup;
use crate::cli::BatchArgs;
use crate::ident::SearchType;
use crate::input::{InputOptions, InputReader};
use crate::ledger::{self, JobId, JobMeta};
use crate::postgres::{without_password, InvalidQueued, PgStore, QueuedRow};
use anyhow::{bail, Context};
use mps_model::strategy::Strategy;
use mps_model::{Mode, Priority};

/// A queued row's priority as stored: 0 urgent … 3 low (claimed in that order).
pub fn priority_rank(p: Priority) -> i16 {
    match p {
        Priority::Urgent => 0,
        Priority::High => 1,
        Priority::Normal => 2,
        Priority::Low => 3,
    }
}

/// The stored rank back as a priority (anything unknown is normal).
pub fn priority_of_rank(rank: i16) -> Priority {
    match rank {
        0 => Priority::Urgent,
        1 => Priority::High,
        3 => Priority::Low,
        _ => Priority::Normal,
    }
}

/// Whether a job's rows may need a browser page: the Treasurer's tax pages and the
/// Recorder's document pages are read in Chromium unless the strategy is `api-only`.
pub fn needs_browser(mode: Mode, strategy: Strategy) -> bool {
    let pages = matches!(mode, Mode::Tax | Mode::Comprehensive | Mode::Documents);
    pages && strategy != Strategy::ApiOnly
}

pub fn run(args: BatchArgs) -> anyhow::Result<Exit> {
    let url = args
        .database_url
        .clone()
        .filter(|u| !u.trim().is_empty())
        .context(
            "--enqueue keeps the job in PostgreSQL for the workers: give --database-url URL \
             (or MPS_DATABASE_URL)",
        )?;
    if args.output.is_some() || args.csv_tables.is_some() {
        bail!(
            "--enqueue writes the records to the database only: workers on other machines \
             cannot write your -o or --csv-tables files; leave them out"
        );
    }
    let mode: Mode = args.mode.as_deref().unwrap_or("property").parse()?;
    let cfg = setup::load_config(&args.common)?;
    let strategy: Strategy = args
        .common
        .strategy
        .as_deref()
        .unwrap_or(&cfg.batch.strategy)
        .parse()
        .map_err(|e| anyhow::anyhow!("--strategy: {e}"))?;
    let search_type: SearchType = parse(args.search_type.as_deref(), "auto", "--search-type")?;
    let priority: Priority = parse(args.priority.as_deref(), "normal", "--priority")?;
    let input = args.input.clone().unwrap_or_default();

    let reader = InputReader::open(
        &input,
        InputOptions {
            column: args.column.clone(),
            default_search_type: search_type,
            ..InputOptions::default()
        },
    )?;
    let mut rows = Vec::new();
    let mut invalid = Vec::new();
    for item in reader.into_results() {
        let item = item.with_context(|| format!("reading {input}"))?;
        match item.outcome {
            Ok(row) => rows.push(QueuedRow {
                line: item.line,
                input: item.raw,
                priority: priority_rank(row.priority.unwrap_or(priority)),
                search_type: row.search_type.as_str().to_string(),
            }),
            Err(bad) => invalid.push(InvalidQueued {
                line: item.line,
                input: item.raw,
                reason: bad.reason,
            }),
        }
    }

    let store = PgStore::connect(&url)?;
    let id = JobId::generate();
    // Stdin stays `-`: the rows are in the database, nothing needs to read it again.
    let input_path = match input.as_str() {
        "-" => std::path::PathBuf::from("-"),
        path => std::path::absolute(path).unwrap_or_else(|_| path.into()),
    };
    let mut meta = JobMeta::new(id.clone(), input_path);
    meta.column = args.column.clone();
    meta.search_type = search_type.as_str().into();
    meta.mode = mode.as_str().into();
    meta.strategy = strategy.as_str().into();
    meta.priority = priority.as_str().into();
    meta.database_url_set = true;
    meta.args = serde_json::to_value(JobSettings::capture(
        &args,
        &cfg,
        setup::browsers(&args.common, &cfg),
    ))?;
    store.create_job(
        id.as_str(),
        &meta.mode,
        &meta.strategy,
        &serde_json::to_value(&meta)?,
    )?;
    store.enqueue(id.as_str(), &rows, &invalid)?;
    store.mark_queued(id.as_str(), needs_browser(mode, strategy))?;
    if rows.is_empty() {
        // Nothing for a worker to take, so no worker would ever finish it: it ends here.
        let exit_code = if invalid.is_empty() { 0 } else { 1 };
        let summary =
            serde_json::json!({"job": id.as_str(), "rows": invalid.len(), "exit_code": exit_code});
        store.finish_job(id.as_str(), "completed", &summary)?;
    }
    let state_dir = ledger::default_state_dir()?;
    ledger::register_database_job(
        &id,
        None,
        without_password(&url).0,
        meta.created_at,
        &state_dir,
    )?;
    println!("{id}");
    if !args.common.quiet {
        eprintln!(
            "mps: job {id} queued in {}: {} rows to fetch, {} invalid (recorded as such); \
             run `mps worker` with the same --database-url on any machine, and follow the job \
             with `mps batch --wait {id}`",
            store.target(),
            rows.len(),
            invalid.len()
        );
    }
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_round_trip_and_pages_need_a_browser_unless_api_only() {
        for p in [
            Priority::Urgent,
            Priority::High,
            Priority::Normal,
            Priority::Low,
        ] {
            assert_eq!(priority_of_rank(priority_rank(p)), p);
        }
        assert!(!needs_browser(Mode::Property, Strategy::ScrapingOnly));
        assert!(needs_browser(Mode::Tax, Strategy::Intelligent));
        assert!(needs_browser(Mode::Comprehensive, Strategy::ScrapingOnly));
        assert!(!needs_browser(Mode::Comprehensive, Strategy::ApiOnly));
    }
}
