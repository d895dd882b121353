//! `mps batch --wait JOB`: follows a queued job (`--enqueue`) while workers run it, printing
//! its progress on stderr, and exits when no row of it is left, with the exit code a batch
//! of the same rows would have (0 all ok or not found, 1 some failed or invalid).

use super::exit::Exit;
use crate::cli::BatchArgs;
use crate::ledger::{self, registry, JobId};
use crate::postgres::PgStore;
use anyhow::{bail, Context};
use std::time::{Duration, Instant};

/// How often the job's counts are read.
const POLL: Duration = Duration::from_secs(1);
/// A progress line at least this often, even when nothing changed.
const QUIET_LINE: Duration = Duration::from_secs(30);
/// Workers whose heartbeat is older than this are not counted as on the job.
const LIVE: Duration = Duration::from_secs(60);

/// Row counts of a queued job.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Progress {
    done: u64,
    ok: u64,
    not_found: u64,
    failed: u64,
    invalid: u64,
    waiting: u64,
    leased: u64,
    workers: usize,
}

pub fn run(args: &BatchArgs, job: &str) -> anyhow::Result<Exit> {
    let id = JobId::parse(job)?;
    let registered = ledger::default_state_dir()
        .ok()
        .and_then(|dir| registry::read(&id, &dir).ok())
        .and_then(|r| r.database_url);
    let url = args
        .database_url
        .clone()
        .filter(|u| !u.trim().is_empty())
        .or(registered)
        .context(
            "--wait reads the job from PostgreSQL: give --database-url URL (or MPS_DATABASE_URL)",
        )?;
    let store = PgStore::connect(&url)?;
    if !store.is_queued(job)? {
        bail!(
            "job {job} is not a queued job in {}: --wait follows jobs made with --enqueue \
             (a batch's own job is followed by its progress display)",
            store.target()
        );
    }
    let mut last: Option<Progress> = None;
    let mut said = Instant::now();
    loop {
        let now = progress(&store, job)?;
        if !args.common.quiet && (last.as_ref() != Some(&now) || said.elapsed() >= QUIET_LINE) {
            eprintln!(
                "mps: job {job}: {} rows done (ok {}, not found {}, failed {}, invalid {}); \
                 {} in progress with {} workers, {} waiting",
                now.done,
                now.ok,
                now.not_found,
                now.failed,
                now.invalid,
                now.leased,
                now.workers,
                now.waiting
            );
            said = Instant::now();
        }
        if now.waiting + now.leased == 0 {
            return Ok(if now.failed + now.invalid > 0 {
                Exit::RowsFailed
            } else {
                Exit::Ok
            });
        }
        last = Some(now);
        std::thread::sleep(POLL);
    }
}

fn progress(store: &PgStore, job: &str) -> anyhow::Result<Progress> {
    let mut p = Progress::default();
    for (source, state, n) in store.job_item_counts(job)? {
        if source != "row" {
            continue;
        }
        match state.as_str() {
            "pending" => {}
            "ok" => p.ok += n,
            "not_found" => p.not_found += n,
            "failed" => p.failed += n,
            "invalid" => p.invalid += n,
            _ => {}
        }
        if state != "pending" {
            p.done += n;
        }
    }
    (p.waiting, p.leased) = store.queue_counts(job)?;
    p.workers = store.workers_on(job, LIVE)?.len();
    Ok(p)
}
