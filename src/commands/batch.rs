//! `mps batch`: identifiers in, one record per identifier out; with a job ledger so that an
//! interrupted job can be resumed and failed rows retried.

use super::{exit, rewrite, setup};
use crate::cli::BatchArgs;
use crate::config::duration::parse_duration;
use crate::engine::persist::{Ledger, Persist};
use crate::engine::record::{Record, RowStatus};
use crate::engine::{job, JobSpec, Mode};
use crate::ident::{Identifier, SearchType};
use crate::input::{InputItem, InputOptions, InputReader, InputRow, Priority};
use crate::ledger::{self, FileLedger, JobId, JobMeta, OutputFormat};
use crate::progress::ProgressMode;
use crate::store::postgres::{JobLock, PgStore};
use crate::store::{self, Format};
use crate::summary::Summary;
use anyhow::{bail, Context};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Parses a mode.
pub fn parse_mode(text: &str) -> anyhow::Result<Mode> {
    Ok(text.parse::<Mode>()?)
}

/// How this run relates to earlier runs of the same job.
enum Run {
    New,
    Resume,
    RetryFailed { source: Option<String> },
}

pub fn run(mut args: BatchArgs) -> anyhow::Result<i32> {
    let db_url = args.database_url.clone().filter(|u| !u.trim().is_empty());
    // One store (one pool) serves the ledger, `--max-age` and `--from-db`.
    let store = db_url
        .as_deref()
        .map(PgStore::connect)
        .transpose()?
        .map(Arc::new);
    let state_dir = ledger::default_state_dir()?;

    // Which job, and with which parameters.
    let (run, id) = match (&args.resume, &args.retry_failed) {
        (Some(id), _) => (Run::Resume, JobId::parse(id)?),
        (_, Some(id)) => (
            Run::RetryFailed {
                source: args.source.clone(),
            },
            JobId::parse(id)?,
        ),
        _ => (Run::New, JobId::generate()),
    };
    if !matches!(run, Run::New) {
        let meta = match &store {
            Some(store) => {
                let job = store
                    .job(id.as_str())?
                    .with_context(|| format!("no job {id} in the database"))?;
                serde_json::from_value::<JobMeta>(job.params.unwrap_or_default())
                    .with_context(|| format!("job {id} has no parameters to resume with"))?
            }
            None => ledger::load(&id, &state_dir)?.meta,
        };
        if meta.input_is_stdin() {
            bail!("job {id} read its input from stdin, which cannot be read again; run a new batch instead");
        }
        args.input = Some(meta.input.to_string_lossy().into_owned());
        args.column = meta.column.clone();
        args.search_type = meta.search_type.clone();
        args.mode = meta.mode.clone();
        args.priority = meta.priority.clone();
        args.format = Some(meta.format.clone());
        args.output = meta.output.clone();
        args.common.strategy = Some(meta.strategy.clone());
    }

    let mode = parse_mode(&args.mode)?;
    let search_type: SearchType = args
        .search_type
        .parse()
        .map_err(|e| anyhow::anyhow!("--search-type: {e}"))?;
    let priority: Priority = args
        .priority
        .parse()
        .map_err(|e| anyhow::anyhow!("--priority: {e}"))?;
    let max_runtime = args
        .max_runtime
        .as_deref()
        .map(parse_duration)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--max-runtime: {e}"))?;
    let max_age = args
        .max_age
        .as_deref()
        .map(parse_duration)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--max-age: {e}"))?;
    if max_age.is_some() && store.is_none() {
        bail!(
            "--max-age compares with stored records: give --database-url URL (or MPS_DATABASE_URL)"
        );
    }

    let mut services = setup::services(&args.common, mode)?;
    let cfg = services.config.clone();
    let format: Format = args
        .format
        .as_deref()
        .unwrap_or(&cfg.batch.format)
        .parse()
        .map_err(|e| anyhow::anyhow!("--format: {e}"))?;
    let progress: ProgressMode = args
        .progress
        .as_deref()
        .unwrap_or(&cfg.batch.progress)
        .parse()
        .map_err(|e| anyhow::anyhow!("--progress: {e}"))?;

    let input = if args.from_db {
        "-".to_string()
    } else {
        args.input.clone().unwrap_or_default()
    };
    let mut meta = JobMeta::new(id.clone(), PathBuf::from(&input));
    meta.column = args.column.clone();
    meta.search_type = search_type.as_str().into();
    meta.mode = mode.as_str().into();
    meta.strategy = services.context.strategy.as_str().into();
    meta.priority = priority.as_str().into();
    meta.format = match format {
        Format::Jsonl => "jsonl",
        Format::Csv => "csv",
        Format::Json => "json",
    }
    .into();
    meta.output = args.output.clone();
    meta.database_url_set = store.is_some();

    // The ledger: taken (and locked) before the output is touched, so a second run of the
    // same job is refused before it can damage anything.
    let mut done: BTreeSet<u64> = BTreeSet::new();
    let mut only: Option<BTreeSet<u64>> = None;
    let mut _lock: Option<JobLock> = None;
    let mut ledger = match (&store, &run) {
        (Some(store), _) => {
            _lock = Some(
                store
                    .try_lock_job(id.as_str())?
                    .with_context(|| format!("job {id} is already running in another mps process; wait for it or stop it, then retry"))?,
            );
            match &run {
                Run::New => {
                    let params = serde_json::to_value(absolute(meta.clone()))?;
                    store.create_job(
                        id.as_str(),
                        mode.as_str(),
                        services.context.strategy.as_str(),
                        &params,
                    )?;
                }
                Run::Resume => done.extend(store.done_lines(id.as_str())?),
                Run::RetryFailed { source } => {
                    let failed = store.failed_items(id.as_str())?;
                    only = Some(
                        failed
                            .iter()
                            .filter(|i| {
                                source
                                    .as_deref()
                                    .map_or(i.source == "row", |s| i.source == s)
                            })
                            .map(|i| i.line)
                            .collect(),
                    );
                }
            }
            Ledger::Db {
                store: store.clone(),
                job: id.to_string(),
            }
        }
        (None, Run::New) => Ledger::File(FileLedger::create(meta.clone(), &state_dir)?),
        (None, Run::Resume) => {
            let (ledger, state) = FileLedger::open_for_resume(&id, &state_dir)?;
            done.extend(state.done_lines());
            Ledger::File(ledger)
        }
        (None, Run::RetryFailed { source }) => {
            let (ledger, state) = FileLedger::open_for_resume(&id, &state_dir)?;
            only = Some(state.failed_lines(source.as_deref()));
            Ledger::File(ledger)
        }
    };
    if !args.common.quiet {
        match &run {
            Run::New => eprintln!("mps: job {id} (resume with: mps batch --resume {id})"),
            Run::Resume => eprintln!("mps: resuming job {id}: {} rows already done", done.len()),
            Run::RetryFailed { .. } => eprintln!(
                "mps: retrying {} failed rows of job {id}",
                only.as_ref().map_or(0, BTreeSet::len)
            ),
        }
    }

    // The output: new, or continued after reconciling what a crash may have left.
    let out_format = match format {
        Format::Jsonl => OutputFormat::Jsonl,
        Format::Csv => OutputFormat::Csv,
        Format::Json => OutputFormat::Json,
    };
    let mut appending = false;
    let mut superseded: BTreeSet<u64> = BTreeSet::new();
    let out: Box<dyn Write + Send> = match &args.output {
        Some(path) if !matches!(run, Run::New) => {
            if path.exists() {
                let rec = ledger::reconcile_output_with_ledger(path, out_format, &done)?;
                if matches!(run, Run::Resume) {
                    let missing: BTreeSet<u64> =
                        rec.done_lines.difference(&done).copied().collect();
                    match &mut ledger {
                        // The output is the truth: give those rows their ledger entries.
                        Ledger::File(file) => {
                            let entries =
                                super::backfill::entries_from_output(path, format, &missing)?;
                            file.append(&entries)?;
                            done.extend(missing);
                        }
                        // The database lacks their rows: fetch them again, and afterwards keep
                        // only the newest record of each in the output.
                        _ => superseded = missing,
                    }
                }
                appending = rec.records > 0;
            }
            Box::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .with_context(|| format!("cannot open the output file {}", path.display()))?,
            )
        }
        Some(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create the output file {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let sink = store::sink(format, mode, out, appending);

    // `--retry-failed --source S`: refetch only that source of the failed rows and keep the
    // other blocks of their earlier records (which a CSV output cannot hold whole: there
    // the rows are refetched entirely).
    let mut previous = None;
    if let (
        Run::RetryFailed {
            source: Some(source),
        },
        Some(path),
        Some(lines),
    ) = (&run, &args.output, &only)
    {
        if !["assessor", "tax", "sales", "documents"].contains(&source.as_str()) {
            bail!("--source {source}: expected assessor, tax, sales or documents");
        }
        if format != Format::Csv {
            previous = Some(Arc::new(super::backfill::records_from_output(
                path, format, lines,
            )?));
            services.context.only = Some(source.clone());
        }
    }

    let interrupt = Arc::new(AtomicBool::new(false));
    install_ctrl_c(interrupt.clone());

    // Counting the input's rows costs a read of the whole file: only for a display that
    // shows the total.
    let total_hint = match progress.shows_total() {
        false => None,
        _ if args.from_db => None,
        true => estimate_rows(&input).map(|n| match (&only, done.len() as u64) {
            (Some(o), _) => o.len() as u64,
            (None, d) => n.saturating_sub(d),
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
        progress,
        total_hint,
        dedupe_capacity: 10_000,
        previous,
    };

    // The rows to process: the input (or the stored parcels), less what is already done.
    let rows: Box<dyn Iterator<Item = Result<InputItem, String>> + Send> = if args.from_db {
        let store = store.as_ref().context("--from-db needs --database-url")?;
        let age = max_age.unwrap_or(Duration::ZERO);
        Box::new(store.apns_older_than(age).enumerate().map(move |(i, apn)| {
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
        }))
    } else {
        let options = InputOptions {
            column: args.column.clone(),
            default_search_type: search_type,
            ..InputOptions::default()
        };
        let reader = InputReader::open(&input, options)?;
        let done = done.clone();
        let only = only.clone();
        Box::new(
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
        )
    };
    let fresh_store = if args.from_db {
        None
    } else {
        store.as_deref().zip(max_age)
    };
    let mut persist = Persist::new(ledger);
    let outcome = match fresh_store {
        // `--max-age`: rows whose stored record is young enough are reported, not fetched.
        Some((store, age)) => {
            let skipper = Skipper { store, age, mode };
            job::run_with_skip(
                rows,
                sink,
                &spec,
                &services.context,
                &interrupt,
                &mut persist,
                &|item: &InputItem| skipper.skip(item),
            )
        }
        None => job::run(
            rows,
            sink,
            &spec,
            &services.context,
            &interrupt,
            &mut persist,
        ),
    };
    let browser_stats = services.context.pages.take().map(|pool| {
        let stats = pool.stats();
        pool.shutdown();
        stats
    });
    let code = exit::for_job(&outcome);
    let hosts = services
        .http
        .stats()
        .into_iter()
        .map(|(s, st)| (s.to_string(), serde_json::to_value(st).unwrap_or_default()))
        .collect();
    let mut summary = Summary::new(mode.as_str(), &outcome, hosts, code);
    summary.strategy = services.context.strategy.as_str().to_string();
    summary.job = Some(id.to_string());
    summary.browsers = browser_stats.and_then(|s| serde_json::to_value(s).ok());
    let status = match &outcome.stop {
        None => "completed",
        Some(job::StopReason::Interrupted) => "interrupted",
        Some(_) => "stopped",
    };
    if let Err(e) = persist.finish(status, &serde_json::to_value(&summary)?) {
        eprintln!("mps: warning: could not record the end of job {id}: {e}");
    }
    if let (Run::RetryFailed { .. }, Some(path), Some(lines)) = (&run, &args.output, &only) {
        rewrite::keep_latest(path, format, lines)?;
    }
    if let (false, Some(path)) = (superseded.is_empty(), &args.output) {
        rewrite::keep_latest(path, format, &superseded)?;
    }
    if !args.common.quiet {
        eprint!("{}", summary.render());
    }
    if let Some(path) = &args.summary_json {
        let text = serde_json::to_string_pretty(&summary)?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write the summary to {}", path.display()))?;
    }
    Ok(code)
}

/// Paths made absolute, so a resumed job may run from another directory.
fn absolute(mut meta: JobMeta) -> JobMeta {
    let abs = |p: &PathBuf| std::path::absolute(p).unwrap_or_else(|_| p.clone());
    if !meta.input_is_stdin() {
        meta.input = abs(&meta.input);
    }
    meta.output = meta.output.as_ref().map(abs);
    meta
}

/// Decides which rows `--max-age` lets through.
struct Skipper<'a> {
    store: &'a PgStore,
    age: Duration,
    mode: Mode,
}

impl Skipper<'_> {
    /// A record for a row whose stored parcel is fresh enough, or None to fetch it.
    fn skip(&self, item: &InputItem) -> Option<Record> {
        let Ok(row) = &item.outcome else { return None };
        let Identifier::Apn(apn) = &row.identifier else {
            return None;
        };
        let fresh = self
            .store
            .stale_or_missing(&[apn.dashed()], self.age)
            .ok()
            .is_some_and(|stale| stale.is_empty());
        fresh.then(|| Record {
            line: item.line,
            input: item.raw.clone(),
            search_type: Some("apn"),
            normalized: Some(apn.dashed()),
            priority: row.priority.unwrap_or_default(),
            mode: self.mode.as_str(),
            status: RowStatus::Skipped,
            apn: Some(*apn),
            apns: vec![*apn],
            error: Some(format!(
                "skipped: the stored record is younger than --max-age {}",
                humantime::format_duration(self.age)
            )),
            assessor: None,
            tax: None,
            sales: None,
            documents: None,
        })
    }
}

/// First Ctrl-C: stop reading and let in-flight rows finish. Second: exit at once.
fn install_ctrl_c(flag: Arc<AtomicBool>) {
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            eprintln!("mps: interrupted again, exiting now");
            crate::browser::kill_all_browsers_of_this_process();
            std::process::exit(exit::INTERRUPTED);
        }
        eprintln!("mps: interrupted; finishing the rows in flight (Ctrl-C again to exit now)");
    });
}

/// Rows in a regular input file, counted by newlines (for the progress bar's ETA only).
fn estimate_rows(input: &str) -> Option<u64> {
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
    Some(lines.saturating_sub(1))
}
