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
use super::job_settings::{self, JobSettings};
use super::{exit, setup, signals};
use crate::cache::Facts;
use crate::cli::BatchArgs;
use crate::config::duration::parse_duration;
use crate::engine::job::{Skip, DEFAULT_STOP_GRACE};
use crate::engine::{job, JobOutcome, JobSpec};
use crate::engine::{JobPorts, Journal};
use crate::ident::{Identifier, SearchType};
use crate::input::{InputItem, InputOptions, InputReader, InputRow};
use crate::journal::{JobJournal, Ledger};
use crate::ledger::{self, FileLedger, JobId, JobMeta};
use crate::progress::{HostLine, HostProbe, ProgressDisplay, ProgressMode, ProgressSetup};
use crate::store::csv::tables::WithTables;
use crate::store::postgres::{JobLock, PgFacts, PgStore};
use crate::store::{self, Format};
use crate::summary::Summary;
use anyhow::{bail, Context};
use mps_model::record::{Record, RowStatus};
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

pub fn run(mut args: BatchArgs) -> anyhow::Result<i32> {
    let interrupt = signals::install().context("cannot install the signal handlers")?;
    let state_dir = ledger::default_state_dir()?;
    let (run, id) = run_kind(&args)?;
    let mut earlier = match &run {
        Run::New => None,
        _ => {
            let url = args
                .database_url
                .as_deref()
                .filter(|u| !u.trim().is_empty());
            Some(Earlier::load(&id, url, &state_dir)?)
        }
    };
    if let Some(e) = &earlier {
        job_settings::restore_definition(&e.meta, &mut args)?;
        JobSettings::stored(&e.meta).fill_in(&mut args);
    }
    let store = match earlier.as_ref().map(|e| &e.ledger) {
        Some(EarlierLedger::Db(store)) => Some(store.clone()),
        _ => connect(args.database_url.as_deref())?,
    };

    let mode = parse_mode(args.mode.as_deref().unwrap_or("property"))?;
    let search_type: SearchType = parse(args.search_type.as_deref(), "auto", "--search-type")?;
    let priority: Priority = parse(args.priority.as_deref(), "normal", "--priority")?;
    let max_runtime = duration(args.max_runtime.as_deref(), "--max-runtime")?;
    let max_age = duration(args.max_age.as_deref(), "--max-age")?;
    if max_age.is_some() && store.is_none() {
        bail!(
            "--max-age compares with stored records: give --database-url URL (or MPS_DATABASE_URL)"
        );
    }
    let services = setup::services(&args.common, mode)?;
    let cfg = services.config.clone();
    let format: Format = parse(args.format.as_deref(), &cfg.batch.format, "--format")?;
    let progress: ProgressMode =
        parse(args.progress.as_deref(), &cfg.batch.progress, "--progress")?;
    let database_wait = duration(args.database_wait.as_deref(), "--database-wait")?
        .unwrap_or(cfg.batch.database_wait);
    let settings = JobSettings::capture(&args, &cfg, services.browsers);
    let output_path = batch_output::path_of(args.output.as_deref());
    let input = if args.from_db {
        "-".to_string()
    } else {
        args.input.clone().unwrap_or_default()
    };
    batch_output::refuse_same_file(&input, output_path.as_deref())?;
    if output_path.is_none()
        && args
            .summary_json
            .as_deref()
            .is_some_and(|p| p.as_os_str() == "-")
    {
        bail!(
            "--summary-json - and the records would both go to standard output, where a reader \
             could not tell them apart; write the records elsewhere with -o FILE"
        );
    }
    if let (Some(dir), Run::New) = (&args.csv_tables, &run) {
        csv_tables::refuse_overlap(dir, mode, &input, output_path.as_deref())?;
    }

    // The input first: an input rejected here (missing, a directory, a bad header) creates
    // no job and leaves an earlier job untouched.
    let reader = match args.from_db {
        true => None,
        false => Some(InputReader::open(
            &input,
            InputOptions {
                column: args.column.clone(),
                default_search_type: search_type,
                ..InputOptions::default()
            },
        )?),
    };

    let headerless = reader
        .as_ref()
        .is_some_and(|r| r.identifier_column().is_none());
    let mut meta = JobMeta::new(id.clone(), PathBuf::from(&input));
    meta.column = args.column.clone();
    meta.search_type = search_type.as_str().into();
    meta.mode = mode.as_str().into();
    meta.strategy = services.context.strategy.as_str().into();
    meta.priority = priority.as_str().into();
    meta.format = format_name(format).into();
    meta.output = output_path.clone();
    let csv_tables =
        match &args.csv_tables {
            Some(dir) => Some(std::path::absolute(dir).with_context(|| {
                format!("--csv-tables {}: cannot resolve the path", dir.display())
            })?),
            None => None,
        };
    meta.csv_tables = csv_tables.clone();
    meta.database_url_set = store.is_some();
    meta.args = serde_json::to_value(&settings)?;
    if run == Run::New {
        batch_output::probe(output_path.as_deref())?;
    }
    if let Some(dir) = &csv_tables {
        store::csv::tables::probe(dir, mode)?;
    }
    let mut ledgered = open_ledger(&run, meta, earlier.take(), store.as_ref(), &state_dir)?;

    let output = match &run {
        Run::New => batch_output::create(output_path.as_deref())?,
        _ => batch_output::reopen(
            output_path.as_deref(),
            format,
            &run,
            &ledgered.ledger_done,
            store.is_some(),
        )?,
    };
    let done = done_lines(&run, &mut ledgered, &output, output_path.as_deref(), format)?;
    if let (Some(dir), false) = (&csv_tables, run == Run::New) {
        // Keep the rows of the lines the output holds and this run will not fetch again.
        let held = output.lines.as_ref().unwrap_or(&ledgered.ledger_done);
        let again = ledgered.only.clone().unwrap_or_default();
        let done = held.iter().filter(|l| !again.contains(l)).count();
        csv_tables::reconcile(dir, mode, done, &|l| {
            held.contains(&l) && !again.contains(&l)
        })?;
    }
    announce(
        &args,
        &settings,
        &run,
        &id,
        &input,
        &done,
        ledgered.only.as_ref(),
    );
    if !args.common.quiet {
        eprintln!("mps: {}", politeness(&cfg));
    }

    // `--retry-failed --source S`: refetch only that source of the failed rows and keep the
    // other blocks of their earlier records (which a CSV output cannot hold whole, nor an
    // output that cannot be read back: there the rows are refetched entirely).
    let mut previous = None;
    let mut ctx_only = None;
    if let (
        Run::RetryFailed {
            source: Some(source),
        },
        Some(lines),
    ) = (&run, &ledgered.only)
    {
        if !["assessor", "tax", "sales", "documents"].contains(&source.as_str()) {
            bail!("--source {source}: expected assessor, tax, sales or documents");
        }
        if let (Some(path), false, Some(_)) = (&output_path, format == Format::Csv, &output.lines) {
            previous = Some(Arc::new(super::backfill::records_from_output(
                path, format, lines,
            )?));
            ctx_only = Some(source.clone());
        }
    }
    let mut services = services;
    services.context.only = ctx_only;
    // With a database, its tables are the cache: shared by every process and machine.
    if let (Some(store), true) = (&store, services.context.facts.enabled()) {
        services.context.facts = Facts::new(Some(Box::new(PgFacts(store.clone()))));
    }
    let ctx = Arc::new(services.context);

    let total_hint = match progress.shows_total() && !args.from_db {
        false => None,
        true => estimate_rows(&input, headerless).map(|n| match &ledgered.only {
            Some(o) => o.len() as u64,
            None => n.saturating_sub(done.len() as u64),
        }),
    };
    let spec = JobSpec {
        mode,
        workers: cfg.batch_processing.max_concurrent_per_job,
        default_priority: priority,
        max_errors: args.max_errors.unwrap_or(cfg.batch.max_errors),
        max_runtime: max_runtime.or(cfg.batch.max_runtime),
        flush_every: cfg.batch_processing.api_batch_size,
        search_max_pages: cfg.batch.search_max_pages,
        dedupe_capacity: 10_000,
        previous,
        stop_grace: DEFAULT_STOP_GRACE,
    };
    let display = ProgressDisplay::new(ProgressSetup {
        mode: Some(progress),
        total: total_hint,
        job: Some(id.to_string()),
        hosts: Some(host_probe(&services.http)),
    });
    let rows = rows(reader, store.as_ref(), max_age, done, ledgered.only.clone())?;
    let skip = match (args.from_db, &store, max_age) {
        (false, Some(store), Some(age)) => Some(skipper(store.clone(), age, mode)),
        _ => None,
    };
    let mut sink = store::sink(format, mode, output.writer, output.appending);
    if let Some(dir) = &csv_tables {
        let continuing = run != Run::New;
        sink = Box::new(WithTables::open(sink, dir, mode, continuing)?);
    }
    let mut journal =
        JobJournal::new(ledgered.ledger).with_outage_limit(database_wait, Arc::clone(&interrupt));

    signals::start_draining();
    let outcome = job::run(
        rows,
        &spec,
        Arc::clone(&ctx),
        &interrupt,
        JobPorts {
            sink,
            journal: &mut journal,
            progress: Box::new(display),
        },
        skip,
    );

    let browser_stats = ctx.pages.stats();
    ctx.pages.close();
    let code = exit::for_job(&outcome);
    let mut summary = Summary::new(mode.as_str(), &outcome, host_stats(&services.http), code);
    summary.strategy = ctx.strategy.as_str().to_string();
    summary.job = Some(id.to_string());
    summary.resumable = input != "-";
    summary.browsers = browser_stats.and_then(|s| serde_json::to_value(s).ok());
    summary.cache = ctx.facts.enabled().then(|| ctx.facts.stats());
    if let Err(e) = journal.finish(run_status(&outcome), &serde_json::to_value(&summary)?) {
        eprintln!("mps: warning: could not record the end of job {id}: {e}");
    }
    if matches!(run, Run::RetryFailed { .. }) && outcome.stop.is_none() {
        batch_output::keep_newest(output_path.as_deref(), format)?;
    }
    report(&args, &summary, &outcome, &id, &input, &settings)?;
    Ok(code)
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

fn parse<T: std::str::FromStr>(given: Option<&str>, default: &str, flag: &str) -> anyhow::Result<T>
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

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Jsonl => "jsonl",
        Format::Csv => "csv",
        Format::Json => "json",
    }
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
            lock = Some(store.try_lock_job(id.as_str())?.with_context(|| {
                format!("job {id} is already running in another mps process; wait for it or stop it, then retry")
            })?);
            let params = serde_json::to_value(&meta)?;
            store.create_job(id.as_str(), &meta.mode, &meta.strategy, &params)?;
            if earlier.is_none() {
                let url = serde_json::from_value::<JobSettings>(args)
                    .ok()
                    .and_then(|s| s.database_url)
                    .unwrap_or_default();
                ledger::register_database_job(
                    &id,
                    meta.output.clone(),
                    url,
                    meta.created_at,
                    state_dir,
                )?;
            }
            Ledger::Db {
                store: store.clone(),
                job: id.to_string(),
            }
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
    let hosts: Vec<String> = mps_model::Source::ALL
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
fn announce(
    args: &BatchArgs,
    settings: &JobSettings,
    run: &Run,
    id: &JobId,
    input: &str,
    done: &BTreeSet<u64>,
    only: Option<&BTreeSet<u64>>,
) {
    if args.common.quiet {
        return;
    }
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

/// The rows to process: the input (or the stored parcels), less what is already done.
fn rows(
    reader: Option<InputReader>,
    store: Option<&Arc<PgStore>>,
    max_age: Option<Duration>,
    done: BTreeSet<u64>,
    only: Option<BTreeSet<u64>>,
) -> anyhow::Result<Box<dyn Iterator<Item = Result<InputItem, String>> + Send>> {
    let Some(reader) = reader else {
        let store = store.context("--from-db needs --database-url")?;
        let age = max_age.unwrap_or(Duration::ZERO);
        return Ok(Box::new(store.apns_older_than(age).enumerate().map(
            |(i, apn)| {
                let apn = apn.map_err(|e| e.to_string())?;
                Ok(InputItem {
                    line: i as u64 + 1,
                    outcome: crate::ident::classify(&apn, SearchType::Apn)
                        .map(|identifier| InputRow {
                            identifier,
                            priority: None,
                            search_type: SearchType::Apn,
                        })
                        .map_err(|e| crate::input::InvalidRow {
                            reason: format!("stored APN {apn:?}: {e}"),
                        }),
                    raw: apn,
                })
            },
        )));
    };
    Ok(Box::new(
        reader
            .into_results()
            .map(|r| r.map_err(|e| e.to_string()))
            .filter(move |r| match r {
                Ok(item) => {
                    !done.contains(&item.line)
                        && only.as_ref().is_none_or(|o| o.contains(&item.line))
                }
                Err(_) => true,
            }),
    ))
}

/// `--max-age`: rows whose stored record is young enough are reported, not fetched.
fn skipper(store: Arc<PgStore>, age: Duration, mode: Mode) -> Skip {
    Arc::new(move |item: &InputItem| {
        let Ok(row) = &item.outcome else { return None };
        let Identifier::Apn(apn) = &row.identifier else {
            return None;
        };
        let fresh = store
            .stale_or_missing(&[apn.dashed()], age)
            .ok()
            .is_some_and(|stale| stale.is_empty());
        fresh.then(|| Record {
            line: item.line,
            input: item.raw.clone(),
            search_type: Some("apn"),
            normalized: Some(apn.dashed()),
            priority: row.priority.unwrap_or_default(),
            mode: mode.as_str(),
            status: RowStatus::Skipped,
            apn: Some(*apn),
            apns: vec![*apn],
            error: Some(format!(
                "skipped: the stored record is younger than --max-age {}",
                humantime::format_duration(age)
            )),
            assessor: None,
            tax: None,
            sales: None,
            documents: None,
        })
    })
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
                .context("cannot write the summary to standard output")?;
        } else {
            std::fs::write(path, text)
                .with_context(|| format!("cannot write the summary to {}", path.display()))?;
        }
    }
    Ok(())
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
