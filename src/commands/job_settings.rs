//! The settings a job runs with, stored in its ledger, so that `--resume` and
//! `--retry-failed` run it again the same way: rates, concurrency, workers, strategy,
//! browsers, `--sim` and its seed, limits, the config file and the database (never its
//! password).
//!
//! Precedence on a resumed run: flags given on that command line > the stored settings >
//! `MPS_*` environment > config file > defaults. What the run finally uses is stored again,
//! so the next resume starts from there. The flags that define what the output means
//! (`--input`, `--mode`, `--format`, `--output`, `--csv-tables`, `--column`, `--search-type`) cannot change
//! on a resumed job: a different value is refused.

use crate::cli::BatchArgs;
use crate::config::Config;
use crate::ledger::JobMeta;
use crate::postgres::without_password;
use anyhow::bail;
use mps_model::Service;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a run used, as stored in `JobMeta::args` (and `jobs.params` with a database).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobSettings {
    /// Requests per second per host (0: no limit), as the run resolved them.
    pub rates: BTreeMap<String, f64>,
    /// Requests in flight at once per host.
    pub concurrency: BTreeMap<String, usize>,
    pub workers: Option<usize>,
    pub browsers: Option<usize>,
    pub sim: bool,
    pub sim_seed: Option<u64>,
    pub max_errors: Option<u64>,
    pub max_runtime: Option<String>,
    pub database_wait: Option<String>,
    /// The config file given (absolute), if any.
    pub config: Option<PathBuf>,
    /// The database URL without its password.
    pub database_url: Option<String>,
    /// The URL had a password, which was not stored: a resume must be given the URL.
    pub database_password: bool,
    pub documents: Option<String>,
    pub documents_since: Option<String>,
    pub max_documents: Option<usize>,
    pub sales_depth: Option<usize>,
    pub no_cache: bool,
}

impl JobSettings {
    /// What this run uses, after config, environment and flags were resolved.
    pub fn capture(args: &BatchArgs, cfg: &Config, browsers: usize) -> JobSettings {
        let (database_url, database_password) = match args.database_url.as_deref() {
            Some(url) if !url.trim().is_empty() => {
                let (url, had) = without_password(url);
                (Some(url), had)
            }
            _ => (None, false),
        };
        JobSettings {
            rates: Service::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), cfg.rate(*s)))
                .collect(),
            concurrency: Service::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), cfg.sources.get(*s).concurrency))
                .collect(),
            workers: Some(cfg.batch_processing.max_concurrent_per_job),
            browsers: Some(browsers),
            sim: args.common.sim,
            sim_seed: args.common.sim.then(|| args.common.sim_seed.unwrap_or(42)),
            max_errors: args.max_errors,
            max_runtime: args.max_runtime.clone(),
            database_wait: args.database_wait.clone(),
            config: args
                .common
                .config
                .as_ref()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone())),
            database_url,
            database_password,
            documents: Some(cfg.batch.documents.clone()),
            documents_since: Some(cfg.batch.documents_since.clone()),
            max_documents: Some(cfg.batch.max_documents),
            sales_depth: Some(cfg.batch.sales_depth),
            no_cache: !cfg.cache.enabled,
        }
    }

    /// The settings stored in `meta` (none for ledgers written before they were stored).
    pub fn stored(meta: &JobMeta) -> JobSettings {
        serde_json::from_value(meta.args.clone()).unwrap_or_default()
    }

    /// Fills in, from these stored settings, every setting not given on this command line.
    pub fn fill_in(&self, args: &mut BatchArgs) {
        let common = &mut args.common;
        let given = |pairs: &[String], host: &str| {
            pairs
                .iter()
                .any(|p| p.split('=').next().is_some_and(|h| h.trim() == host))
        };
        for (host, rate) in &self.rates {
            if !given(&common.rates, host) {
                common.rates.push(format!("{host}={rate}"));
            }
        }
        for (host, n) in &self.concurrency {
            if !given(&common.concurrency, host) {
                common.concurrency.push(format!("{host}={n}"));
            }
        }
        common.workers = common.workers.or(self.workers);
        if common.documents.is_none() {
            common.documents.clone_from(&self.documents);
        }
        if common.documents_since.is_none() {
            common.documents_since.clone_from(&self.documents_since);
        }
        common.max_documents = common.max_documents.or(self.max_documents);
        common.sales_depth = common.sales_depth.or(self.sales_depth);
        common.no_cache |= self.no_cache;
        common.browsers = common.browsers.or(self.browsers);
        if self.sim && !common.sim {
            common.sim = true;
            common.sim_seed = common.sim_seed.or(self.sim_seed);
        }
        if common.config.is_none() {
            common.config.clone_from(&self.config);
        }
        args.max_errors = args.max_errors.or(self.max_errors);
        if args.max_runtime.is_none() {
            args.max_runtime.clone_from(&self.max_runtime);
        }
        if args.database_wait.is_none() {
            args.database_wait.clone_from(&self.database_wait);
        }
    }
}

/// Refuses flags that would change what a resumed (or retried) job's output means, and
/// fills the job's defining parameters in from its metadata.
pub fn restore_definition(meta: &JobMeta, args: &mut BatchArgs) -> anyhow::Result<()> {
    let id = &meta.id;
    if meta.input_is_stdin() {
        bail!(
            "job {id} read its input from stdin, which cannot be read again; run a new batch \
             instead (`mps jobs failed {id}` lists its failed rows)"
        );
    }
    if let Some(input) = &args.input {
        bail!(
            "--input {input}: job {id} reads {}; a resumed job keeps its input (start a new \
             job for another one)",
            meta.input.display()
        );
    }
    let same = |flag: &str, given: Option<&str>, stored: &str| -> anyhow::Result<()> {
        match given {
            Some(v) if !v.trim().eq_ignore_ascii_case(stored) => bail!(
                "{flag} {v}: job {id} was started with {flag} {stored}, which a resumed job \
                 keeps (start a new job to change it)"
            ),
            _ => Ok(()),
        }
    };
    same("--mode", args.mode.as_deref(), &meta.mode)?;
    same("--format", args.format.as_deref(), &meta.format)?;
    same(
        "--search-type",
        args.search_type.as_deref(),
        &meta.search_type,
    )?;
    if let (Some(given), Some(stored)) = (&args.column, &meta.column) {
        same("--column", Some(given), stored)?;
    } else if args.column.is_some() {
        bail!("--column: job {id} was started without --column, which a resumed job keeps");
    }
    let stored_out = meta.output.clone();
    match (&args.output, &stored_out) {
        (Some(given), _) if given.as_os_str() == "-" && stored_out.is_none() => {}
        (Some(given), Some(stored))
            if std::path::absolute(given).ok().as_deref() == Some(stored.as_path()) => {}
        (Some(given), _) => bail!(
            "--output {}: job {id} writes to {}; a resumed job keeps its output",
            given.display(),
            stored_out
                .as_ref()
                .map_or("stdout".to_string(), |p| p.display().to_string())
        ),
        (None, _) => {}
    }
    match (&args.csv_tables, &meta.csv_tables) {
        (Some(given), stored) if std::path::absolute(given).ok().as_ref() != stored.as_ref() => {
            bail!(
                "--csv-tables {}: job {id} {}; a resumed job keeps its tables",
                given.display(),
                stored
                    .as_ref()
                    .map_or("writes no tables".to_string(), |p| format!(
                        "writes its tables to {}",
                        p.display()
                    ))
            )
        }
        _ => {}
    }
    args.csv_tables.clone_from(&meta.csv_tables);
    args.input = Some(meta.input.to_string_lossy().into_owned());
    args.column.clone_from(&meta.column);
    args.search_type = Some(meta.search_type.clone());
    args.mode = Some(meta.mode.clone());
    args.priority = args.priority.clone().or(Some(meta.priority.clone()));
    args.format = Some(meta.format.clone());
    args.output = stored_out;
    if args.common.strategy.is_none() && !meta.strategy.is_empty() {
        args.common.strategy = Some(meta.strategy.clone());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use crate::ledger::JobId;
    use clap::Parser;

    fn batch(argv: &[&str]) -> BatchArgs {
        let mut full = vec!["mps", "batch"];
        full.extend_from_slice(argv);
        match Cli::parse_from(full).command {
            crate::cli::Command::Batch(args) => *args,
            _ => panic!("not a batch"),
        }
    }

    fn meta() -> JobMeta {
        let mut m = JobMeta::new(JobId::generate(), "/data/in.csv");
        m.mode = "tax".into();
        m.format = "jsonl".into();
        m.search_type = "auto".into();
        m.strategy = "intelligent".into();
        m.output = Some(PathBuf::from("/data/out.jsonl"));
        m
    }

    #[test]
    fn stored_settings_fill_in_what_the_command_line_lacks() {
        let stored = JobSettings {
            rates: BTreeMap::from([("assessor".into(), 7.0), ("recorder".into(), 3.0)]),
            workers: Some(12),
            sim: true,
            sim_seed: Some(7),
            max_runtime: Some("2h".into()),
            ..JobSettings::default()
        };
        let mut args = batch(&["--resume", "x", "--rate", "recorder=9", "--workers", "3"]);
        stored.fill_in(&mut args);
        assert!(args.common.rates.contains(&"assessor=7".to_string()));
        assert!(args.common.rates.contains(&"recorder=9".to_string()));
        assert!(!args.common.rates.contains(&"recorder=3".to_string()));
        assert_eq!(args.common.workers, Some(3));
        assert!(args.common.sim);
        assert_eq!(args.common.sim_seed, Some(7));
        assert_eq!(args.max_runtime.as_deref(), Some("2h"));
    }

    #[test]
    fn defining_flags_cannot_change_on_resume() {
        let m = meta();
        let mut args = batch(&["--resume", "x", "--mode", "property"]);
        let err = restore_definition(&m, &mut args)
            .err()
            .map(|e| e.to_string());
        assert!(err
            .as_deref()
            .is_some_and(|e| e.contains("--mode property")));
        let mut args = batch(&["--resume", "x", "--mode", "tax", "-o", "/data/out.jsonl"]);
        assert!(restore_definition(&m, &mut args).is_ok());
        assert_eq!(args.input.as_deref(), Some("/data/in.csv"));
        let mut args = batch(&["--resume", "x", "-o", "/elsewhere.jsonl"]);
        assert!(restore_definition(&m, &mut args).is_err());
        let mut args = batch(&["--resume", "x", "--format", "csv"]);
        assert!(restore_definition(&m, &mut args).is_err());
    }
}
