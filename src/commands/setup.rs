//! Shared setup: the effective configuration, the HTTP client, the optional in-process
//! simulator and the Assessor client.

use crate::browser::PoolOptions;
use crate::cache::{sqlite, Facts};
use crate::cli::Common;
use crate::config::{self, Config, ConfigError, Secret};
use crate::engine::context::Context;
use crate::engine::lazy_browser::LazyBrowser;
use crate::engine::recorder_options::RecorderOptions;
use crate::engine::sources_port::CountyClients;
use crate::http::HostPolicy;
use crate::ledger;
use crate::sim::{SimOptions, Simulator};
use crate::source::assessor::AssessorClient;
use crate::source::recorder::RecorderClient;
use crate::source::treasurer::TreasurerClient;
use crate::source::{Http, HttpConfig};
use anyhow::{bail, Context as _};
use mps_model::strategy::Strategy;
use mps_model::Mode;
use mps_model::Service;
use std::collections::BTreeMap;

/// Parses `SOURCE=VALUE` pairs of a repeatable flag.
pub fn parse_pairs(flag: &str, values: &[String]) -> Result<BTreeMap<Service, f64>, ConfigError> {
    let mut out = BTreeMap::new();
    for v in values {
        let bad = |reason: String| ConfigError::Flag {
            flag: format!("{flag} {v}"),
            reason,
        };
        let (name, num) = v
            .split_once('=')
            .ok_or_else(|| bad("expected SOURCE=NUMBER, e.g. assessor=5".into()))?;
        let source: Service = name
            .parse()
            .map_err(|e: mps_model::service::UnknownService| bad(e.to_string()))?;
        let n: f64 = num
            .trim()
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite() && *n >= 0.0)
            .ok_or_else(|| bad(format!("{num:?} is not a number of 0 or more")))?;
        out.insert(source, n);
    }
    Ok(out)
}

/// Defaults < config file < MPS_* environment < flags.
pub fn load_config(common: &Common) -> Result<Config, ConfigError> {
    let mut cfg = match &common.config {
        Some(path) => config::file::load(path)?,
        None => match config::file::default_path() {
            Some(path) => config::file::load(&path)?,
            None => Config::default(),
        },
    };
    config::env::apply(&mut cfg, |k| std::env::var(k).ok())?;
    for (source, rate) in parse_pairs("--rate", &common.rates)? {
        cfg.sources.get_mut(source).rate = Some(rate);
    }
    for (source, n) in parse_pairs("--concurrency", &common.concurrency)? {
        if n < 1.0 || n.fract() != 0.0 {
            return Err(ConfigError::Flag {
                flag: format!("--concurrency {source}={n}"),
                reason: "must be a whole number, 1 or more".into(),
            });
        }
        cfg.sources.get_mut(source).concurrency = n as usize;
    }
    if let Some(v) = &common.documents {
        cfg.batch.documents.clone_from(v);
    }
    if let Some(v) = &common.documents_since {
        cfg.batch.documents_since.clone_from(v);
    }
    if let Some(n) = common.max_documents {
        cfg.batch.max_documents = n;
    }
    if let Some(n) = common.sales_depth {
        cfg.batch.sales_depth = n;
    }
    if common.no_cache {
        cfg.cache.enabled = false;
    }
    cfg.check().map_err(|(key, reason)| ConfigError::Flag {
        flag: format!("--{}", key.replace('_', "-")),
        reason,
    })?;
    if let Some(n) = common.workers {
        if n == 0 {
            return Err(ConfigError::Flag {
                flag: "--workers 0".into(),
                reason: "must be at least 1".into(),
            });
        }
        cfg.batch_processing.max_concurrent_per_job = n;
    }
    Ok(cfg)
}

/// A setting `Config::check` has already validated.
fn parse_checked<T: std::str::FromStr + Default>(text: &str) -> T {
    text.parse().unwrap_or_default()
}

/// The HTTP settings the config describes.
pub fn http_config(cfg: &Config) -> HttpConfig {
    let bp = &cfg.batch_processing;
    let mut hosts = BTreeMap::new();
    for s in Service::ALL {
        let src = cfg.sources.get(s);
        hosts.insert(
            s,
            HostPolicy {
                rate: cfg.rate(s),
                burst: src.burst,
                concurrency: src.concurrency,
                adaptive: bp.adaptive_rate_limiting,
                circuit_threshold: cfg.http.circuit_threshold,
                circuit_cooldown: cfg.http.circuit_cooldown,
                down_wait: cfg.http.host_down_wait,
            },
        );
    }
    HttpConfig {
        timeout_connect: cfg.http.connect_timeout,
        timeout_global: cfg.http.timeout,
        max_body_bytes: cfg.http.max_body_bytes,
        user_agent: cfg.http.user_agent.clone(),
        hosts,
        max_attempts: cfg.http.max_attempts,
        backoff_base: cfg.http.backoff_base,
        backoff_cap: cfg.http.backoff_cap,
        pool_size: if bp.connection_pooling {
            bp.api_connection_pool_size
        } else {
            0
        },
    }
}

/// Everything a command needs to fetch.
pub struct Services {
    pub config: Config,
    pub http: Http,
    pub context: Context,
    /// Kept alive for the command's lifetime when `--sim` is given.
    pub sim: Option<Simulator>,
    /// Browser threads the pool starts when a page is needed.
    pub browsers: usize,
}

/// Builds the services for `mode`; with `--sim`, starts the simulator and points every source
/// at it.
pub fn services(common: &Common, mode: Mode) -> anyhow::Result<Services> {
    let mut cfg = load_config(common)?;
    let sim = match common.sim {
        true => Some(start_simulator(common, &mut cfg)?),
        false => None,
    };
    let strategy: Strategy = common
        .strategy
        .as_deref()
        .unwrap_or(&cfg.batch.strategy)
        .parse()
        .map_err(|e| anyhow::anyhow!("--strategy: {e}"))?;
    if strategy == Strategy::Sequential {
        // One request at a time: the baseline the benchmarks compare against.
        cfg.batch_processing.max_concurrent_per_job = 1;
        for s in Service::ALL {
            cfg.sources.get_mut(s).concurrency = 1;
        }
    }
    let token = assessor_token(&cfg, mode)?;
    if common.verbose > 0 {
        eprintln!(
            "mps: assessor {} at {} req/s, concurrency {}; {} workers; strategy {strategy}",
            cfg.sources.assessor.url,
            cfg.rate(Service::Assessor),
            cfg.sources.assessor.concurrency,
            cfg.batch_processing.max_concurrent_per_job
        );
    }
    let http = Http::new(http_config(&cfg)).context("cannot set up the HTTP client")?;
    let browsers = browsers(common, &cfg);
    let context = context(&cfg, mode, strategy, &http, &token, browsers);
    Ok(Services {
        config: cfg,
        http,
        context,
        sim,
        browsers: browsers.max(1),
    })
}

/// Browser threads: `--browsers`, else the config's pool size (when parallel scraping is on).
pub fn browsers(common: &Common, cfg: &Config) -> usize {
    let bp = &cfg.batch_processing;
    common.browsers.unwrap_or(if bp.enable_parallel_scraping {
        bp.scraper_pool_size
    } else {
        1
    })
}

/// `--sim`: starts the simulator and points every source at it.
fn start_simulator(common: &Common, cfg: &mut Config) -> anyhow::Result<Simulator> {
    let sim = Simulator::start(SimOptions {
        seed: common.sim_seed.unwrap_or(SimOptions::default().seed),
        ..SimOptions::default()
    })
    .context("cannot start the simulator on 127.0.0.1")?;
    for s in Service::ALL {
        cfg.sources.get_mut(s).url = sim.url(s);
    }
    cfg.sources.recorder.web_url = Some(sim.web_url());
    cfg.sources.assessor.token = Some(Secret::new(sim.token()));
    Ok(sim)
}

/// The Assessor's token; tax rows given as APNs never call the Assessor, so they need none.
fn assessor_token(cfg: &Config, mode: Mode) -> anyhow::Result<Secret> {
    let needs_assessor = mode != Mode::Tax;
    Ok(match &cfg.sources.assessor.token {
        Some(t) if !t.is_empty() => t.clone(),
        _ if !needs_assessor => Secret::new(""),
        _ => bail!(
            "no Assessor API token: set MPS_ASSESSOR_TOKEN (or sources.assessor.token in the config file). \
             Tokens are issued through the Assessor's \"contact us\" form, topic \"API Question/Token\". \
             To try mps without one, add --sim"
        ),
    })
}

/// The clients, the browser pages and the caches a row is processed with.
fn context(
    cfg: &Config,
    mode: Mode,
    strategy: Strategy,
    http: &Http,
    token: &Secret,
    browsers: usize,
) -> Context {
    let assessor = AssessorClient::new(
        http.clone(),
        &cfg.sources.assessor.url,
        token.expose(),
        cfg.batch.search_max_pages,
    );
    let treasurer = TreasurerClient::new(http.clone(), &cfg.sources.treasurer.url);
    let recorder = RecorderClient::new(
        http.clone(),
        &cfg.sources.recorder.url,
        cfg.sources.recorder.web_url.as_deref().unwrap_or(""),
        cfg.batch.search_max_pages,
    );
    let pages = LazyBrowser::new(
        PoolOptions {
            browsers: browsers.max(1),
            pages_per_browser: cfg.browser.pages_per_browser,
            page_timeout: std::time::Duration::from_secs_f64(cfg.batch_processing.scraper_timeout),
            chromium: cfg.browser.chromium.clone(),
            ..PoolOptions::default()
        },
        http.clone(),
    );
    let recorder_options = RecorderOptions {
        documents: parse_checked(&cfg.batch.documents),
        since: parse_checked(&cfg.batch.documents_since),
        sales_depth: cfg.batch.sales_depth,
        max_documents: cfg.batch.max_documents,
    };
    let unavailable = {
        let http = http.clone();
        std::sync::Arc::new(move || http.unavailable_host().map(|s| s.to_string()))
    };
    let sources = CountyClients {
        assessor,
        treasurer,
        recorder,
    };
    Context::new(
        mode,
        strategy,
        Box::new(sources),
        pages,
        cfg.batch.search_max_pages,
        cfg.batch.max_documents,
    )
    .with_http_cancel(http.cancel_handle())
    .with_unavailable_host(unavailable)
    .with_recorder_options(recorder_options)
    .with_facts(facts(cfg))
}

/// The facts cache: SQLite in the state directory (or `cache.path`), or none.
fn facts(cfg: &Config) -> Facts {
    let (true, Ok(state_dir)) = (cfg.cache.enabled, ledger::default_state_dir()) else {
        return Facts::none();
    };
    let path = cfg
        .cache
        .path
        .clone()
        .unwrap_or_else(|| sqlite::default_path(&state_dir));
    match sqlite::SqliteFacts::open(&path) {
        Ok(store) => Facts::new(Some(Box::new(store))),
        Err(e) => {
            eprintln!("mps: warning: no cache ({e}); fetching everything");
            Facts::none()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs() {
        let m = parse_pairs("--rate", &["assessor=5".into(), "recorder=0.5".into()]).unwrap();
        assert_eq!(m[&Service::Assessor], 5.0);
        assert_eq!(m[&Service::Recorder], 0.5);
        let e = parse_pairs("--rate", &["assessor".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("SOURCE=NUMBER"), "{e}");
        let e = parse_pairs("--rate", &["county=5".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown source"), "{e}");
        assert!(parse_pairs("--rate", &["assessor=-1".into()]).is_err());
    }
}
