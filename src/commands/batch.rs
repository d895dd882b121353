//! `mps batch`: identifiers in, one record per identifier out; with a job ledger so that an
//! interrupted job can be resumed and failed rows retried.
//!
//! Order of events, each step before anything the next one could damage: the job's earlier
//! runs are found and their settings restored; the input is opened (an input rejected here
//! creates no job); the ledger is created or locked; the output is created, or reconciled and
//! reopened; the rows not yet done run through the engine; the end is recorded.

use super::batch_output::{self, Output};
use super::csv_tables;
use super::earlier::{self, Earlier, EarlierLedger, Run};
use super::exit::{Exit, OutputFailed};
use super::job_plan::{self, RowPlan};
use super::job_settings::{self, JobSettings};
use super::{exit, setup, signals};
use crate::cache::Facts;
use crate::cli::BatchArgs;
use crate::config::duration::parse_duration;
use crate::engine::context::Context as JobContext;
use crate::engine::job::DEFAULT_STOP_GRACE;
use crate::engine::{job, JobOutcome, JobSpec};
use crate::engine::{JobPorts, Journal, RecordSink};
use crate::ident::SearchType;
use crate::input::{InputOptions, InputReader};
use crate::journal::{JobJournal, Ledger};
use crate::ledger::{self, FileLedger, JobId, JobMeta};
use crate::output::csv::tables::WithTables;
use crate::output::{self, Format};
use crate::postgres::{JobLock, PgFacts, PgStore};
use crate::progress::{HostLine, HostProbe, ProgressDisplay, ProgressMode, ProgressSetup};
use crate::summary::Summary;
use anyhow::{bail, Context};
use mps_model::Mode;
use mps_model::Priority;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Parses a mode.
pub fn parse_mode(text: &str) -> anyhow::Result<Mode> {
    Ok(text.parse::<Mode>()?)
}

/// A `--retry-failed --source S` row's earlier record, by line.
type EarlierRecords = std::collections::HashMap<u64, mps_model::EarlierBlocks>;

/// The rows a run must process, and what its ledger says.
struct Ledgered {
    ledger: Ledger,
    /// Lines with a final entry in the ledger.
    ledger_done: BTreeSet<u64>,
    /// `--retry-failed`: only these lines.
    only: Option<BTreeSet<u64>>,
    /// Keeps a database job locked for this run.
    _lock: Option<JobLock>,
}

/// The batch's settings, resolved once: flags over the environment over the config file
/// over the defaults (restored from the job's metadata on `--resume`).
struct Resolved {
    mode: Mode,
    search_type: SearchType,
    priority: Priority,
    max_runtime: Option<Duration>,
    max_age: Option<Duration>,
    format: Format,
    progress: ProgressMode,
    database_wait: Duration,
    output_path: Option<PathBuf>,
    /// The input path, `-` for stdin and for `--from-db`.
    input: String,
    csv_tables: Option<PathBuf>,
    /// What the job's metadata stores, so `--resume` runs with the same settings.
    settings: JobSettings,
}

pub fn run(mut args: BatchArgs) -> anyhow::Result<Exit> {
    if args.enqueue {
        return super::enqueue::run(args);
    }
    if let Some(job) = args.wait.clone() {
        return super::wait::run(&args, &job);
    }
    let interrupt = signals::install().context("cannot install the signal handlers")?;
    let state_dir = ledger::default_state_dir()?;
    let (run, id) = run_kind(&args)?;
    let earlier = restore_earlier(&run, &id, &mut args, &state_dir)?;
    let store = match earlier.as_ref().map(|e| &e.ledger) {
        Some(EarlierLedger::Db(store)) => Some(store.clone()),
        _ => connect(args.database_url.as_deref())?,
    };
    let mode = parse_mode(args.mode.as_deref().unwrap_or("property"))?;
    let services = setup::services(&args.common, mode)?;
    let r = resolve(&args, &run, mode, &services, store.is_some())?;

    // The input first: an input rejected here (missing, a directory, a bad header) creates
    // no job and leaves an earlier job untouched.
    let reader = match args.from_db {
        true => None,
        false => Some(InputReader::open(
            &r.input,
            InputOptions {
                column: args.column.clone(),
                default_search_type: r.search_type,
                ..InputOptions::default()
            },
        )?),
    };
    let meta = job_meta(&id, &args, &r, &services, store.is_some())?;
    let (ledgered, output, done) = open_job(&run, meta, earlier, store.as_ref(), &state_dir, &r)?;
    let only = ledgered.only.as_ref();
    announce(&args, &r, &run, &id, &done, only, &services.config);

    let (previous, only_source) = retry_source(&run, &ledgered, &output, &r)?;
    let mut services = services;
    services.context.only = only_source;
    // With a database, its tables are the cache: shared by every process and machine.
    if let (Some(store), true) = (&store, services.context.facts.enabled()) {
        services.context.facts = Facts::new(Some(Box::new(PgFacts(store.clone()))));
    }
    let ctx = Arc::new(services.context);
    let spec = job_spec(&args, &services.config, &r, previous);
    let display = ProgressDisplay::new(ProgressSetup {
        mode: Some(r.progress),
        total: total_hint(&r, reader.as_ref(), &done, ledgered.only.as_ref()),
        job: Some(id.to_string()),
        hosts: Some(host_probe(&services.http)),
    });
    let plan = RowPlan {
        reader,
        done,
        only: ledgered.only.clone(),
        fresh_from: store.clone().zip(r.max_age),
    };
    let rows = job_plan::rows(plan, store.as_ref(), mode)?;
    let sink = sink(&r, &run, output)?;
    // The lock (a database job's) is held until the run ends.
    let Ledgered { ledger, _lock, .. } = ledgered;
    let mut journal =
        JobJournal::new(ledger).with_outage_limit(r.database_wait, Arc::clone(&interrupt));

    signals::start_draining();
    let ports = JobPorts {
        sink,
        journal: &mut journal,
        progress: Box::new(display),
    };
    let outcome = job::run(rows, &spec, Arc::clone(&ctx), &interrupt, ports);
    let (summary, exit) = finish(&r, &id, &ctx, &services.http, &mut journal, &outcome)?;
    if matches!(run, Run::RetryFailed { .. }) && outcome.stop.is_none() {
        batch_output::keep_newest(r.output_path.as_deref(), r.format)?;
    }
    report(&args, &summary, &outcome, &id, &r.input, &r.settings)?;
    Ok(exit)
}

/// `--resume`, `--retry-failed`: the job's earlier runs, whose settings the flags not given
/// take back.
fn restore_earlier(
    run: &Run,
    id: &JobId,
    args: &mut BatchArgs,
    state_dir: &Path,
) -> anyhow::Result<Option<Earlier>> {
    if *run == Run::New {
        return Ok(None);
    }
    let url = args
        .database_url
        .as_deref()
        .filter(|u| !u.trim().is_empty());
    let earlier = Earlier::load(id, url, state_dir)?;
    if let EarlierLedger::Db(store) = &earlier.ledger {
        if store.is_queued(id.as_str())? {
            bail!(
                "job {id} is a queued job: `mps worker` runs it (its failed rows too:                  `mps jobs failed {id}` lists them), and `mps batch --wait {id}` follows it"
            );
        }
    }
    job_settings::restore_definition(&earlier.meta, args)?;
    JobSettings::stored(&earlier.meta).fill_in(args);
    Ok(Some(earlier))
}

/// Parses and checks every setting of the run, before anything is opened.
fn resolve(
    args: &BatchArgs,
    run: &Run,
    mode: Mode,
    services: &setup::Services,
    has_store: bool,
) -> anyhow::Result<Resolved> {
    let cfg = &services.config;
    let max_age = duration(args.max_age.as_deref(), "--max-age")?;
    if max_age.is_some() && !has_store {
        bail!(
            "--max-age compares with stored records: give --database-url URL (or MPS_DATABASE_URL)"
        );
    }
    let output_path = batch_output::path_of(args.output.as_deref());
    let input = if args.from_db {
        "-".to_string()
    } else {
        args.input.clone().unwrap_or_default()
    };
    batch_output::refuse_same_file(&input, output_path.as_deref())?;
    let summary_to_stdout = args
        .summary_json
        .as_deref()
        .is_some_and(|p| p.as_os_str() == "-");
    if output_path.is_none() && summary_to_stdout {
        bail!(
            "--summary-json - and the records would both go to standard output, where a reader \
             could not tell them apart; write the records elsewhere with -o FILE"
        );
    }
    if let (Some(dir), Run::New) = (&args.csv_tables, run) {
        csv_tables::refuse_overlap(dir, mode, &input, output_path.as_deref())?;
    }
    let csv_tables =
        match &args.csv_tables {
            Some(dir) => Some(std::path::absolute(dir).with_context(|| {
                format!("--csv-tables {}: cannot resolve the path", dir.display())
            })?),
            None => None,
        };
    Ok(Resolved {
        mode,
        search_type: parse(args.search_type.as_deref(), "auto", "--search-type")?,
        priority: parse(args.priority.as_deref(), "normal", "--priority")?,
        max_runtime: duration(args.max_runtime.as_deref(), "--max-runtime")?,
        max_age,
        format: parse(args.format.as_deref(), &cfg.batch.format, "--format")?,
        progress: parse(args.progress.as_deref(), &cfg.batch.progress, "--progress")?,
        database_wait: duration(args.database_wait.as_deref(), "--database-wait")?
            .unwrap_or(cfg.batch.database_wait),
        output_path,
        input,
        csv_tables,
        settings: JobSettings::capture(args, cfg, services.browsers),
    })
}

/// The job's metadata: what it reads, how, and where it writes.
fn job_meta(
    id: &JobId,
    args: &BatchArgs,
    r: &Resolved,
    services: &setup::Services,
    has_store: bool,
) -> anyhow::Result<JobMeta> {
    let mut meta = JobMeta::new(id.clone(), PathBuf::from(&r.input));
    meta.column = args.column.clone();
    meta.search_type = r.search_type.as_str().into();
    meta.mode = r.mode.as_str().into();
    meta.strategy = services.context.strategy.as_str().into();
    meta.priority = r.priority.as_str().into();
    meta.format = r.format.as_str().into();
    meta.output = r.output_path.clone();
    meta.csv_tables = r.csv_tables.clone();
    meta.database_url_set = has_store;
    meta.args = serde_json::to_value(&r.settings)?;
    Ok(meta)
}

/// Creates or takes over the job's ledger and output, and finds the lines already done.
fn open_job(
    run: &Run,
    meta: JobMeta,
    earlier: Option<Earlier>,
    store: Option<&Arc<PgStore>>,
    state_dir: &Path,
    r: &Resolved,
) -> anyhow::Result<(Ledgered, Output, BTreeSet<u64>)> {
    if *run == Run::New {
        batch_output::probe(r.output_path.as_deref())?;
    }
    if let Some(dir) = &r.csv_tables {
        output::csv::tables::probe(dir, r.mode)?;
    }
    let mut ledgered = open_ledger(run, meta, earlier, store, state_dir)?;
    let output = match run {
        Run::New => batch_output::create(r.output_path.as_deref())?,
        _ => batch_output::reopen(
            r.output_path.as_deref(),
            r.format,
            run,
            &ledgered.ledger_done,
            store.is_some(),
        )?,
    };
    let done = done_lines(
        run,
        &mut ledgered,
        &output,
        r.output_path.as_deref(),
        r.format,
    )?;
    if let (Some(dir), false) = (&r.csv_tables, *run == Run::New) {
        // Keep the rows of the lines the output holds and this run will not fetch again.
        let held = output.lines.as_ref().unwrap_or(&ledgered.ledger_done);
        let again = ledgered.only.clone().unwrap_or_default();
        let done = held.iter().filter(|l| !again.contains(l)).count();
        csv_tables::reconcile(dir, r.mode, done, &|l| {
            held.contains(&l) && !again.contains(&l)
        })?;
    }
    Ok((ledgered, output, done))
}

/// `--retry-failed --source S`: refetch only that source of the failed rows and keep the
/// other blocks of their earlier records (which a CSV output cannot hold whole, nor an
/// output that cannot be read back: there the rows are refetched entirely).
fn retry_source(
    run: &Run,
    ledgered: &Ledgered,
    output: &Output,
    r: &Resolved,
) -> anyhow::Result<(Option<Arc<EarlierRecords>>, Option<String>)> {
    let (
        Run::RetryFailed {
            source: Some(source),
        },
        Some(lines),
    ) = (run, &ledgered.only)
    else {
        return Ok((None, None));
    };
    if !["assessor", "tax", "sales", "documents"].contains(&source.as_str()) {
        bail!("--source {source}: expected assessor, tax, sales or documents");
    }
    match (&r.output_path, r.format == Format::Csv, &output.lines) {
        (Some(path), false, Some(_)) => Ok((
            Some(Arc::new(super::backfill::records_from_output(
                path, r.format, lines,
            )?)),
            Some(source.clone()),
        )),
        _ => Ok((None, None)),
    }
}

/// The output in its format, with `--csv-tables` beside it.
fn sink(r: &Resolved, run: &Run, output: Output) -> anyhow::Result<Box<dyn RecordSink>> {
    let sink = output::sink(r.format, r.mode, output.writer, output.appending);
    Ok(match &r.csv_tables {
        Some(dir) => Box::new(WithTables::open(sink, dir, r.mode, *run != Run::New)?),
        None => sink,
    })
}

/// How the engine runs this job.
fn job_spec(
    args: &BatchArgs,
    cfg: &crate::config::Config,
    r: &Resolved,
    previous: Option<Arc<EarlierRecords>>,
) -> JobSpec {
    JobSpec {
        mode: r.mode,
        workers: cfg.batch_processing.max_concurrent_per_job,
        default_priority: r.priority,
        max_errors: args.max_errors.unwrap_or(cfg.batch.max_errors),
        max_runtime: r.max_runtime.or(cfg.batch.max_runtime),
        flush_every: cfg.batch_processing.api_batch_size,
        dedupe_capacity: 10_000,
        previous,
        stop_grace: DEFAULT_STOP_GRACE,
    }
}

/// After the job: the browsers closed, the summary made and the end recorded in the ledger.
fn finish(
    r: &Resolved,
    id: &JobId,
    ctx: &JobContext,
    http: &crate::source::Http,
    journal: &mut JobJournal,
    outcome: &JobOutcome,
) -> anyhow::Result<(Summary, Exit)> {
    let browser_stats = ctx.browser.stats();
    ctx.browser.close();
    let exit = exit::for_job(outcome);
    let mut summary = Summary::new(r.mode.as_str(), outcome, host_stats(http), exit.code());
    summary.strategy = ctx.strategy.as_str().to_string();
    summary.job = Some(id.to_string());
    summary.resumable = r.input != "-";
    summary.browsers = browser_stats.and_then(|s| serde_json::to_value(s).ok());
    summary.cache = ctx.facts.enabled().then(|| ctx.facts.stats());
    if let Err(e) = journal.finish(run_status(outcome), &serde_json::to_value(&summary)?) {
        eprintln!("mps: warning: could not record the end of job {id}: {e}");
    }
    Ok((summary, exit))
}

/// New job, resume or retry, and the job's id.
fn run_kind(args: &BatchArgs) -> anyhow::Result<(Run, JobId)> {
    Ok(match (&args.resume, &args.retry_failed) {
        (Some(id), _) => (Run::Resume, JobId::parse(id)?),
        (_, Some(id)) => (
            Run::RetryFailed {
                source: args.source.clone(),
            },
            JobId::parse(id)?,
        ),
        _ => (Run::New, JobId::generate()),
    })
}

fn connect(url: Option<&str>) -> anyhow::Result<Option<Arc<PgStore>>> {
    Ok(url
        .filter(|u| !u.trim().is_empty())
        .map(PgStore::connect)
        .transpose()?
        .map(Arc::new))
}

/// A flag's value (or its default) parsed, the error naming the flag.
pub(super) fn parse<T: std::str::FromStr>(
    given: Option<&str>,
    default: &str,
    flag: &str,
) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    given
        .unwrap_or(default)
        .parse()
        .map_err(|e| anyhow::anyhow!("{flag}: {e}"))
}

fn duration(given: Option<&str>, flag: &str) -> anyhow::Result<Option<Duration>> {
    given
        .map(parse_duration)
        .transpose()
        .map_err(|e| anyhow::anyhow!("{flag}: {e}"))
}

/// Creates (new job) or takes over (resume, retry) the job's ledger, locked.
fn open_ledger(
    run: &Run,
    meta: JobMeta,
    earlier: Option<Earlier>,
    store: Option<&Arc<PgStore>>,
    state_dir: &Path,
) -> anyhow::Result<Ledgered> {
    let id = meta.id.clone();
    let args = meta.args.clone();
    let mut lock = None;
    let ledger = match (store, earlier) {
        (Some(store), earlier) => {
            let (ledger, held) = db_ledger(store, &meta, earlier.is_none(), state_dir)?;
            lock = Some(held);
            ledger
        }
        (None, None) => Ledger::File(FileLedger::create(meta, state_dir)?),
        (
            None,
            Some(Earlier {
                ledger: EarlierLedger::File(file),
                ..
            }),
        ) => {
            let (mut file, state) = *file;
            file.record_run(Some(args))?;
            let ledger_done = state.done_lines();
            let only = match run {
                Run::RetryFailed { source } => Some(state.failed_lines(source.as_deref())),
                _ => None,
            };
            return Ok(Ledgered {
                ledger: Ledger::File(file),
                ledger_done,
                only,
                _lock: None,
            });
        }
        (
            None,
            Some(Earlier {
                ledger: EarlierLedger::Db(_),
                ..
            }),
        ) => {
            unreachable!("a database job's store is always passed in")
        }
    };
    let (ledger_done, only) = match (&ledger, run) {
        (_, Run::New) => (BTreeSet::new(), None),
        (Ledger::Db { store, .. }, Run::RetryFailed { source }) => {
            let db = EarlierLedger::Db(store.clone());
            let only = earlier::failed_lines(&db, &id, source.as_deref())?;
            (earlier::finished_lines(&db, &id)?, Some(only))
        }
        (Ledger::Db { store, .. }, Run::Resume) => {
            let db = EarlierLedger::Db(store.clone());
            (earlier::finished_lines(&db, &id)?, None)
        }
        _ => (BTreeSet::new(), None),
    };
    Ok(Ledgered {
        ledger,
        ledger_done,
        only,
        _lock: lock,
    })
}

/// A database job's ledger, locked for this process; a new one is registered in the state
/// directory too, so `mps jobs` finds it without `--database-url`.
fn db_ledger(
    store: &Arc<PgStore>,
    meta: &JobMeta,
    new: bool,
    state_dir: &Path,
) -> anyhow::Result<(Ledger, JobLock)> {
    let id = &meta.id;
    let lock = store.try_lock_job(id.as_str())?.with_context(|| {
        format!("job {id} is already running in another mps process; wait for it or stop it, then retry")
    })?;
    let params = serde_json::to_value(meta)?;
    store.create_job(id.as_str(), &meta.mode, &meta.strategy, &params)?;
    if new {
        let url = serde_json::from_value::<JobSettings>(meta.args.clone())
            .ok()
            .and_then(|s| s.database_url)
            .unwrap_or_default();
        ledger::register_database_job(id, meta.output.clone(), url, meta.created_at, state_dir)?;
    }
    let ledger = Ledger::Db {
        store: store.clone(),
        job: id.to_string(),
    };
    Ok((ledger, lock))
}

/// The lines this run does not fetch again. A reopened regular output is the truth about
/// what was written: its lines are done (and with a file ledger, those the crash left
/// without an entry get one now); otherwise the ledger says.
fn done_lines(
    run: &Run,
    ledgered: &mut Ledgered,
    output: &Output,
    path: Option<&Path>,
    format: Format,
) -> anyhow::Result<BTreeSet<u64>> {
    // A new job has done nothing; a retry picks its rows by `only` alone.
    if *run != Run::Resume {
        return Ok(BTreeSet::new());
    }
    let Some(lines) = &output.lines else {
        return Ok(ledgered.ledger_done.clone());
    };
    if let (Ledger::File(file), Some(path), Run::Resume) = (&mut ledgered.ledger, path, run) {
        let missing: BTreeSet<u64> = lines.difference(&ledgered.ledger_done).copied().collect();
        let entries = super::backfill::entries_from_output(path, format, &missing)?;
        file.append(&entries)?;
    }
    Ok(lines.clone())
}

/// Each host's politeness limit, said at the start: against the county it is what bounds a
/// run's speed, and a slow run should not leave the user guessing why.
fn politeness(cfg: &crate::config::Config) -> String {
    let hosts: Vec<String> = mps_model::Service::ALL
        .iter()
        .map(|&s| {
            let rate = cfg.rate(s);
            let at_once = cfg.sources.get(s).concurrency;
            if rate > 0.0 {
                format!("{s} {rate} req/s ({at_once} at once)")
            } else {
                format!("{s} no rate limit ({at_once} at once)")
            }
        })
        .collect();
    format!(
        "politeness per host: {}; change with --rate HOST=R and --concurrency HOST=N",
        hosts.join(", ")
    )
}

/// Says which job this is and how to resume it, on stderr.
/// Then each host's politeness limit.
fn announce(
    args: &BatchArgs,
    r: &Resolved,
    run: &Run,
    id: &JobId,
    done: &BTreeSet<u64>,
    only: Option<&BTreeSet<u64>>,
    cfg: &crate::config::Config,
) {
    if args.common.quiet {
        return;
    }
    let (settings, input) = (&r.settings, r.input.as_str());
    match run {
        Run::New if input == "-" => eprintln!(
            "mps: job {id} (its input is {}, which cannot be read again: this job cannot be resumed)",
            if args.from_db { "the database's parcels" } else { "stdin" }
        ),
        Run::New => eprintln!("mps: job {id} (resume with: {})", resume_command(id, settings)),
        Run::Resume => eprintln!("mps: resuming job {id}: {} rows already done", done.len()),
        Run::RetryFailed { .. } => eprintln!(
            "mps: retrying {} failed rows of job {id}",
            only.map_or(0, BTreeSet::len)
        ),
    }
    eprintln!("mps: {}", politeness(cfg));
}

/// The command that finishes job `id`, as it works when pasted: the job keeps its settings
/// (simulator, rates, database URL) except a database password, which mps never stores.
fn resume_command(id: &JobId, settings: &JobSettings) -> String {
    if settings.database_password {
        format!(
            "mps batch --resume {id} --database-url URL, the URL with its password, which mps \
             does not store"
        )
    } else {
        format!("mps batch --resume {id}")
    }
}

/// The HTTP client's per-host counters, for the progress display.
fn host_probe(http: &crate::source::Http) -> HostProbe {
    let http = http.clone();
    Arc::new(move || {
        http.stats()
            .into_iter()
            .map(|(s, st)| HostLine {
                host: s.to_string(),
                requests: st.requests,
                retries: st.retries,
                status_429: st.status_429,
                rate: st.rate,
                rate_limited_seconds: st.rate_limited_seconds,
            })
            .collect()
    })
}

fn host_stats(http: &crate::source::Http) -> std::collections::BTreeMap<String, serde_json::Value> {
    http.stats()
        .into_iter()
        .map(|(s, st)| (s.to_string(), serde_json::to_value(st).unwrap_or_default()))
        .collect()
}

fn run_status(outcome: &JobOutcome) -> &'static str {
    match &outcome.stop {
        None => "completed",
        Some(job::StopReason::Interrupted(_)) => "interrupted",
        Some(_) => "stopped",
    }
}

/// The summary on stderr (and `--summary-json`), and how to finish a stopped job.
fn report(
    args: &BatchArgs,
    summary: &Summary,
    outcome: &JobOutcome,
    id: &JobId,
    input: &str,
    settings: &JobSettings,
) -> anyhow::Result<()> {
    if !args.common.quiet {
        eprint!("{}", summary.render());
    }
    if let Some(stop) = outcome.stop.as_ref().filter(|s| s.resumable()) {
        let how = if input == "-" {
            "its input cannot be read again, so it cannot be resumed".to_string()
        } else {
            format!("finish the job with: {}", resume_command(id, settings))
        };
        eprintln!("mps: {stop}; {how}");
    }
    if let Some(path) = &args.summary_json {
        let text = serde_json::to_string_pretty(summary)? + "\n";
        if path.as_os_str() == "-" {
            // `-` is standard output, as for -o and --input.
            std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())
                .map_err(OutputFailed::of("the summary to standard output"))?;
        } else {
            std::fs::write(path, text).map_err(OutputFailed::of(format!(
                "the summary to {}",
                path.display()
            )))?;
        }
    }
    Ok(())
}

/// The rows the progress display expects, when they can be counted up front (a regular
/// input file; not `--from-db`).
fn total_hint(
    r: &Resolved,
    reader: Option<&InputReader>,
    done: &BTreeSet<u64>,
    only: Option<&BTreeSet<u64>>,
) -> Option<u64> {
    let reader = reader.filter(|_| r.progress.shows_total())?;
    let headerless = reader.identifier_column().is_none();
    estimate_rows(&r.input, headerless).map(|n| match only {
        Some(o) => o.len() as u64,
        None => n.saturating_sub(done.len() as u64),
    })
}

/// Rows in a regular input file, counted by newlines (for the progress bar's ETA only); the
/// first line is a row too when the file has no header.
fn estimate_rows(input: &str, headerless: bool) -> Option<u64> {
    if input == "-" {
        return None;
    }
    let mut f = std::fs::File::open(input).ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    let mut buf = vec![0u8; 1 << 16];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        last = buf[n - 1];
    }
    if last != b'\n' {
        lines += 1;
    }
    Some(lines.saturating_sub(u64::from(!headerless)))
}
