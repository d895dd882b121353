//! `mps worker`: runs queued jobs (`mps batch --enqueue`) from PostgreSQL beside any number
//! of other workers on any number of machines.
//!
//! A worker registers itself, waits one heartbeat so that the workers already running count
//! it before it sends anything, then takes the oldest queued job it can run (a worker with
//! `--browsers 0` takes only jobs that need no page) and runs its rows through the same
//! engine as `mps batch`, claiming them a few at a time under a lease that its heartbeat
//! renews. Records go to the database in the job's tables, with the rows' final states, in
//! one transaction per batch, exactly as a batch with `--database-url` writes them. A worker
//! that dies loses nothing: its leases expire and another worker takes the rows; a row
//! finished twice is upserted twice, leaving one set of rows. On SIGTERM, SIGINT or SIGHUP
//! it finishes the rows in flight, gives back the ones it claimed and did not start, leaves
//! the register and exits 0.

use super::exit::{self, Exit};
use super::heartbeat::{self, Heartbeat};
use super::job_settings::JobSettings;
use super::worker_rows::ClaimingRows;
use super::{setup, signals};
use crate::cache::Facts;
use crate::cli::{BatchArgs, Cli, Command, WorkerArgs};
use crate::config::duration::parse_duration;
use crate::engine::job::DEFAULT_STOP_GRACE;
use crate::engine::stop::Interrupt;
use crate::engine::{job, JobOutcome, JobPorts, JobSpec, RecordSink};
use crate::journal::{JobJournal, Ledger};
use crate::ledger::JobMeta;
use crate::postgres::{PgFacts, PgStore, WorkerInfo};
use crate::progress::{ProgressDisplay, ProgressMode, ProgressSetup};
use crate::summary::Summary;
use anyhow::{bail, Context};
use clap::Parser;
use mps_model::record::Record;
use mps_model::{Mode, Priority};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often an idle `--follow` worker looks for new work.
const IDLE_POLL: Duration = Duration::from_secs(2);
/// The window in which a host's rate plus burst must hold (the simulator's, and the
/// county's, one second).
const WINDOW: Duration = Duration::from_secs(1);
/// The shortest lease: the heartbeat beats three times per lease.
const MIN_LEASE: Duration = Duration::from_secs(3);
/// Database connections per worker: claims, the heartbeat, the journal's writes and the
/// facts cache each take one at a time.
const POOL_SIZE: u32 = 4;

/// Records go to the database only: the journal writes them with the rows' states.
struct DatabaseOnly;

impl RecordSink for DatabaseOnly {
    fn write(&mut self, _: &Record) -> std::io::Result<()> {
        Ok(())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What one worker is and how it runs.
struct Me {
    id: String,
    store: Arc<PgStore>,
    lease: Duration,
    args: WorkerArgs,
    interrupt: Arc<Interrupt>,
}

pub fn run(args: WorkerArgs) -> anyhow::Result<Exit> {
    let interrupt = signals::install().context("cannot install the signal handlers")?;
    let url = args
        .database_url
        .clone()
        .filter(|u| !u.trim().is_empty())
        .context(
        "mps worker takes its work from PostgreSQL: give --database-url URL (or MPS_DATABASE_URL)",
    )?;
    let lease = parse_duration(&args.lease).map_err(|e| anyhow::anyhow!("--lease: {e}"))?;
    if lease < MIN_LEASE {
        bail!(
            "--lease {}: must be at least 3s (the heartbeat renews it every third)",
            args.lease
        );
    }
    let store = Arc::new(PgStore::connect_with(&url, POOL_SIZE)?);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    let pid = std::process::id();
    let info = WorkerInfo {
        id: format!("{host}-{pid}-{:04x}", fastrand::u16(..)),
        host,
        pid: i32::try_from(pid).unwrap_or(i32::MAX),
        browsers: i32::try_from(args.browsers.unwrap_or(1)).unwrap_or(1),
    };
    store.register_worker(&info)?;
    // From here a signal stops the worker in order (its leases given back).
    signals::start_draining();
    let me = Me {
        id: info.id.clone(),
        store: Arc::clone(&store),
        lease,
        args,
        interrupt,
    };
    let result = serve(&me);
    let released = store.release(&me.id).unwrap_or(0);
    // The others take this worker's share once it is gone from the register: not before a
    // politeness window has passed since its last request.
    std::thread::sleep(WINDOW);
    let _ = store.deregister_worker(&me.id);
    let rows = result?;
    if !me.args.quiet {
        let why = match me.interrupt.signal() {
            Some(s) => format!("stopped by {}", crate::engine::stop::signal_name(s)),
            None => "no work left".into(),
        };
        eprintln!(
            "mps worker {}: {why}; {rows} rows done here, {released} claimed rows given back",
            me.id
        );
    }
    Ok(Exit::Ok)
}

/// Runs queued jobs until none is left (or, with `--follow`, until a signal); returns the
/// rows this worker finished.
fn serve(me: &Me) -> anyhow::Result<u64> {
    let heartbeat = Heartbeat::start(Arc::clone(&me.store), me.id.clone(), me.lease)?;
    // The workers already running count this one at their next beat; until then they send
    // at their old share. This one waits a beat and a half (the half for the beats' timing),
    // then one politeness window more, so that no second holds both their old share and
    // this one's first requests. Alone, it need not wait.
    let join = heartbeat::interval(me.lease).mul_f64(1.5) + WINDOW;
    if heartbeat.live() > 1 && !pause(me, join) {
        return Ok(0);
    }
    let browsers_ok = me.args.browsers != Some(0);
    let mut rows = 0;
    let mut current: Option<JobRun> = None;
    while me.interrupt.signal().is_none() {
        match me.store.next_queued_job(browsers_ok)? {
            Some(job) => {
                if current.as_ref().is_none_or(|run| run.id != job) {
                    drop(current.take()); // the last job's browsers close first
                    current = Some(prepare(me, &job)?);
                }
                if let Some(run) = &current {
                    rows += run_job(me, run, &heartbeat)?;
                }
            }
            // Rows other workers hold may come back (a worker dies): wait for them too.
            None if me.args.follow || me.store.rows_leased_elsewhere(browsers_ok)? => {
                if !pause(me, IDLE_POLL.min(heartbeat::interval(me.lease))) {
                    break;
                }
            }
            None => break,
        }
    }
    heartbeat.stop();
    Ok(rows)
}

/// Sleeps `d` unless a signal comes first (checked every tenth of a second); false if one
/// came.
fn pause(me: &Me, d: Duration) -> bool {
    let until = Instant::now() + d;
    while Instant::now() < until {
        if me.interrupt.signal().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100).min(until - Instant::now()));
    }
    me.interrupt.signal().is_none()
}

/// The batch arguments job `meta` was queued with, with this worker's own `--browsers` and
/// `--workers`.
fn job_args(meta: &JobMeta, worker: &WorkerArgs) -> anyhow::Result<BatchArgs> {
    let cli = Cli::try_parse_from(["mps", "batch", "--input", "-"])
        .context("building the job's settings")?;
    let Command::Batch(mut args) = cli.command else {
        bail!("building the job's settings: not a batch");
    };
    args.mode = Some(meta.mode.clone());
    args.search_type = Some(meta.search_type.clone());
    args.priority = Some(meta.priority.clone());
    if !meta.strategy.is_empty() {
        args.common.strategy = Some(meta.strategy.clone());
    }
    args.common.workers = worker.workers;
    args.common.browsers = worker.browsers.filter(|n| *n > 0);
    JobSettings::stored(meta).fill_in(&mut args);
    Ok(*args)
}

/// A job set up in this worker: kept while the worker comes back to the same job (rows
/// that a dead worker held), so that its hosts' limiters keep their state and no fresh
/// bucket adds a burst within the same second.
struct JobRun {
    id: String,
    mode: Mode,
    ctx: Arc<crate::engine::context::Context>,
    http: crate::source::Http,
    spec: JobSpec,
    database_wait: Duration,
    /// Kept alive with `--sim` (a job queued with it runs against this worker's own).
    _sim: Option<crate::sim::Simulator>,
}

impl Drop for JobRun {
    fn drop(&mut self) {
        self.ctx.browser.close();
    }
}

/// Sets job `job` up in this worker: its settings, with this worker's `--workers` and
/// `--browsers`.
fn prepare(me: &Me, job: &str) -> anyhow::Result<JobRun> {
    let row = me
        .store
        .job(job)?
        .with_context(|| format!("job {job} vanished from the database"))?;
    let meta: JobMeta = serde_json::from_value(row.params.unwrap_or_default())
        .with_context(|| format!("job {job} has no settings to run with"))?;
    let args = job_args(&meta, &me.args)?;
    let mode: Mode = meta.mode.parse()?;
    let mut services =
        setup::services(&args.common, mode).with_context(|| format!("setting up job {job}"))?;
    if services.context.facts.enabled() {
        services.context.facts = Facts::new(Some(Box::new(PgFacts(Arc::clone(&me.store)))));
    }
    let cfg = &services.config;
    let spec = JobSpec {
        mode,
        workers: cfg.batch_processing.max_concurrent_per_job,
        default_priority: meta.priority.parse().unwrap_or(Priority::Normal),
        max_errors: args.max_errors.unwrap_or(cfg.batch.max_errors),
        max_runtime: None,
        flush_every: cfg.batch_processing.api_batch_size,
        dedupe_capacity: 10_000,
        previous: None,
        stop_grace: DEFAULT_STOP_GRACE,
    };
    let database_wait = args
        .database_wait
        .as_deref()
        .map(parse_duration)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--database-wait: {e}"))?
        .unwrap_or(cfg.batch.database_wait);
    Ok(JobRun {
        id: job.to_string(),
        mode,
        http: services.http.clone(),
        ctx: Arc::new(services.context),
        spec,
        database_wait,
        _sim: services.sim,
    })
}

/// Runs the rows of `run`'s job this worker can claim; returns how many it finished.
fn run_job(me: &Me, run: &JobRun, heartbeat: &Heartbeat) -> anyhow::Result<u64> {
    let job = run.id.as_str();
    heartbeat.count_now(&me.store, me.lease)?;
    heartbeat.use_http(Some(run.http.clone()));
    me.store.worker_on(&me.id, Some(job))?;
    let rows = ClaimingRows {
        store: Arc::clone(&me.store),
        job: job.to_string(),
        worker: me.id.clone(),
        batch: run.spec.workers.clamp(4, 64),
        lease: me.lease,
        database_wait: run.database_wait,
        stopping: Arc::clone(&me.interrupt),
        claimed: Default::default(),
    };
    let mut journal = JobJournal::new(Ledger::Db {
        store: Arc::clone(&me.store),
        job: job.to_string(),
    })
    .with_outage_limit(run.database_wait, Arc::clone(&me.interrupt));
    let ports = JobPorts {
        sink: Box::new(DatabaseOnly),
        journal: &mut journal,
        progress: Box::new(ProgressDisplay::new(ProgressSetup {
            mode: Some(ProgressMode::None),
            total: None,
            job: Some(job.to_string()),
            hosts: None,
        })),
    };
    let outcome = job::run(rows, &run.spec, Arc::clone(&run.ctx), &me.interrupt, ports);
    heartbeat.use_http(None);
    let _ = me.store.worker_on(&me.id, None);
    finish(me, job, run.mode, &run.http, &mut journal, &outcome)?;
    if let Some(reason) = &outcome.stop {
        if me.interrupt.signal().is_none() {
            bail!("job {job} stopped in this worker: {reason}");
        }
    }
    Ok(outcome.counts.done())
}

/// Records this worker's run of `job` with the job; the job is marked finished only when
/// no row of it is left, by whichever worker ends last.
fn finish(
    me: &Me,
    job: &str,
    mode: Mode,
    http: &crate::source::Http,
    journal: &mut JobJournal,
    outcome: &JobOutcome,
) -> anyhow::Result<()> {
    use crate::engine::Journal;
    let exit = exit::for_job(outcome);
    let hosts = http
        .stats()
        .into_iter()
        .map(|(s, st)| (s.to_string(), serde_json::to_value(st).unwrap_or_default()))
        .collect();
    let mut summary = Summary::new(mode.as_str(), outcome, hosts, exit.code());
    summary.job = Some(job.to_string());
    let mut value = serde_json::to_value(&summary)?;
    value["worker"] = serde_json::Value::String(me.id.clone());
    let (waiting, leased) = me.store.queue_counts(job)?;
    let status = if waiting + leased == 0 {
        "completed"
    } else {
        "queued"
    };
    journal
        .finish(status, &value)
        .with_context(|| format!("recording this worker's run of job {job}"))?;
    if status == "queued" {
        // Other workers still hold rows of it: it is not finished yet.
        me.store.keep_queued(job)?;
    }
    Ok(())
}
