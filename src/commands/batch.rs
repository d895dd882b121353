//! `mps batch`: identifiers in, one record per identifier out.

use super::{exit, setup};
use crate::cli::BatchArgs;
use crate::config::duration::parse_duration;
use crate::engine::{job, JobSpec, Mode};
use crate::ident::SearchType;
use crate::input::{InputOptions, InputReader, Priority};
use crate::progress::ProgressMode;
use crate::store::{self, Format};
use crate::summary::Summary;
use anyhow::Context;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Parses and checks a mode, refusing the ones this build cannot run.
pub fn parse_mode(text: &str) -> anyhow::Result<Mode> {
    Ok(text.parse::<Mode>()?)
}

pub fn run(args: BatchArgs) -> anyhow::Result<i32> {
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

    let mut services = setup::services(&args.common, mode)?;
    let cfg = &services.config;
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

    let options = InputOptions {
        column: args.column.clone(),
        default_search_type: search_type,
        ..InputOptions::default()
    };
    let reader = InputReader::open(&args.input, options)?;
    let total_hint = match progress {
        ProgressMode::None => None,
        _ => estimate_rows(&args.input),
    };

    let out: Box<dyn Write + Send> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create the output file {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let sink = store::sink(format, mode, out);

    let interrupt = Arc::new(AtomicBool::new(false));
    install_ctrl_c(interrupt.clone());

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
    };
    let rows = reader.into_results().map(|r| r.map_err(|e| e.to_string()));
    let outcome = job::run(rows, sink, &spec, &services.context, &interrupt);
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
    summary.browsers = browser_stats.and_then(|s| serde_json::to_value(s).ok());
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
