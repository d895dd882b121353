//! Settings: built-in defaults < config file < `MPS_*` environment < command-line flags.

pub mod duration;
pub mod env;
pub mod file;
pub mod secret;

use mps_model::Service;
use serde::Deserialize;
use std::time::Duration;

pub use file::ConfigError;
pub use secret::Secret;

/// Earlier deeds a sales chain may follow at most (each costs searches and a document).
pub const MAX_SALES_DEPTH: usize = 10;

/// Everything mps can be configured with. Field docs are the reference for
/// `config/config.yaml`, which documents every key.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub sources: Sources,
    pub http: HttpSettings,
    pub batch: BatchSettings,
    pub browser: BrowserSettings,
    pub cache: CacheSettings,
    /// The keys of the Python system mps succeeds, each mapped to what it controls here.
    pub batch_processing: BatchProcessing,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Sources {
    pub assessor: SourceSettings,
    pub treasurer: SourceSettings,
    pub recorder: SourceSettings,
}

/// One county service: where it is and how politely to call it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourceSettings {
    pub url: String,
    /// The Recorder's website (JavaScript document pages), read in a browser.
    pub web_url: Option<String>,
    /// Only the Assessor uses a token. Prefer the `MPS_ASSESSOR_TOKEN` environment variable.
    pub token: Option<Secret>,
    /// Requests per second, a ceiling counted per request, retries included. When unset,
    /// `batch_processing.api_rate_limit` applies.
    pub rate: Option<f64>,
    /// Requests that may start at once after an idle spell.
    pub burst: u32,
    /// Requests in flight at once to this host.
    pub concurrency: usize,
}

impl SourceSettings {
    fn with_url(url: &str) -> Self {
        SourceSettings {
            url: url.to_string(),
            web_url: None,
            token: None,
            rate: None,
            burst: 2,
            concurrency: 2,
        }
    }
}

impl Default for SourceSettings {
    fn default() -> Self {
        SourceSettings::with_url("")
    }
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            assessor: SourceSettings::with_url("https://mcassessor.maricopa.gov"),
            treasurer: SourceSettings::with_url("https://treasurer.maricopa.gov"),
            recorder: SourceSettings {
                web_url: Some("https://recorder.maricopa.gov".into()),
                ..SourceSettings::with_url("https://publicapi.recorder.maricopa.gov")
            },
        }
    }
}

impl Sources {
    pub fn get(&self, s: Service) -> &SourceSettings {
        match s {
            Service::Assessor => &self.assessor,
            Service::Treasurer => &self.treasurer,
            Service::Recorder => &self.recorder,
        }
    }

    pub fn get_mut(&mut self, s: Service) -> &mut SourceSettings {
        match s {
            Service::Assessor => &mut self.assessor,
            Service::Treasurer => &mut self.treasurer,
            Service::Recorder => &mut self.recorder,
        }
    }
}

/// HTTP behaviour shared by every host.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSettings {
    #[serde(deserialize_with = "duration::de")]
    pub connect_timeout: Duration,
    /// Whole-request deadline (connect, send, receive).
    #[serde(deserialize_with = "duration::de")]
    pub timeout: Duration,
    /// Larger bodies fail the row's source instead of filling memory.
    pub max_body_bytes: u64,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    #[serde(deserialize_with = "duration::de")]
    pub backoff_base: Duration,
    #[serde(deserialize_with = "duration::de")]
    pub backoff_cap: Duration,
    /// Consecutive failures that open a host's circuit.
    pub circuit_threshold: u32,
    #[serde(deserialize_with = "duration::de")]
    pub circuit_cooldown: Duration,
    /// How long a request waits for a host whose circuit is open before the batch stops
    /// (resumable) with the host unavailable; 0 fails such requests at once.
    #[serde(deserialize_with = "duration::de")]
    pub host_down_wait: Duration,
    pub user_agent: String,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_body_bytes: 8 * 1024 * 1024,
            max_attempts: 4,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(30),
            circuit_threshold: 10,
            circuit_cooldown: Duration::from_secs(30),
            host_down_wait: Duration::from_secs(300),
            user_agent: concat!("mps/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// How a batch runs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BatchSettings {
    /// Search result pages read at most per identifier (25 rows a page).
    pub search_max_pages: u32,
    /// Stop (exit 3) after this many failed rows; 0 means never.
    pub max_errors: u64,
    /// Stop (exit 3) after this long; unset means never.
    #[serde(deserialize_with = "duration::de_opt")]
    pub max_runtime: Option<Duration>,
    /// Output format: jsonl, csv or json.
    pub format: String,
    /// Progress display: auto, bar, jsonl or none.
    pub progress: String,
    /// Processing strategy: intelligent, api-only, scraping-only, parallel-all, sequential.
    pub strategy: String,
    /// Recorder documents fetched at most per parcel in the documents step.
    pub max_documents: usize,
    /// How long a database that went away mid-run is waited for before the batch stops
    /// (exit 3, resumable).
    #[serde(deserialize_with = "duration::de")]
    pub database_wait: Duration,
    /// The documents block: `index` (from the name index) or `full` (each document read).
    pub documents: String,
    /// First recording date listed: `acquisition`, `all` or YYYY-MM-DD.
    pub documents_since: String,
    /// Earlier deeds the sales chain follows back from the last one.
    pub sales_depth: usize,
}

/// The cache of immutable facts (Recorder documents, sales-chain steps).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheSettings {
    /// false: every document and step is fetched again (`--no-cache`).
    pub enabled: bool,
    /// The SQLite file (used without a database); unset: `$XDG_STATE_HOME/mps/cache.sqlite`.
    pub path: Option<std::path::PathBuf>,
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            enabled: true,
            path: None,
        }
    }
}

/// The headless Chromium pool.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BrowserSettings {
    /// Chromium binary; unset: `chromium` on the PATH, then /usr/bin/chromium.
    pub chromium: Option<std::path::PathBuf>,
    /// Pages a browser serves before it is replaced by a fresh one.
    pub pages_per_browser: usize,
}

impl Default for BrowserSettings {
    fn default() -> Self {
        BrowserSettings {
            chromium: None,
            pages_per_browser: 200,
        }
    }
}

impl Default for BatchSettings {
    fn default() -> Self {
        BatchSettings {
            search_max_pages: 40,
            max_errors: 0,
            max_runtime: None,
            format: "jsonl".into(),
            progress: "auto".into(),
            strategy: "intelligent".into(),
            max_documents: 100,
            database_wait: Duration::from_secs(60),
            documents: "index".into(),
            documents_since: "acquisition".into(),
            sales_depth: crate::engine::recorder_options::DEFAULT_SALES_DEPTH,
        }
    }
}

/// The seed system's `batch_processing` keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BatchProcessing {
    /// Jobs one `mps worker` process runs at once (a `mps batch` is always one job).
    pub max_concurrent_jobs: usize,
    /// Rows of one job in flight at once: the size of the HTTP worker pool (`--workers`).
    pub max_concurrent_per_job: usize,
    /// Records the writer gathers before flushing the output (and, with a database, rows per
    /// upsert batch).
    pub api_batch_size: usize,
    /// Default requests per second for each host without its own `sources.<host>.rate`.
    pub api_rate_limit: f64,
    /// Idle keep-alive connections kept open in total across hosts.
    pub api_connection_pool_size: usize,
    /// Browser threads, each owning one headless Chromium, for pages that need JavaScript.
    pub scraper_pool_size: usize,
    /// Page loads per second per host in the browsers.
    pub scraper_rate_limit: f64,
    /// Seconds a browser page may take before it is abandoned and retried.
    pub scraper_timeout: f64,
    /// true: every run fetches fresh data. false: a stored record younger than `--max-age`
    /// may be kept (needs a database).
    pub cache_disabled: bool,
    /// Slow a host down on 429/503 and speed back up (never above its rate) while healthy.
    pub adaptive_rate_limiting: bool,
    /// Reuse connections (keep-alive). false opens a connection per request.
    pub connection_pooling: bool,
    /// false caps the browser pool at one browser.
    pub enable_parallel_scraping: bool,
    /// Allows `mps worker` and `--from-db` refreshes to run.
    pub enable_background_collection: bool,
}

impl Default for BatchProcessing {
    fn default() -> Self {
        BatchProcessing {
            max_concurrent_jobs: 3,
            max_concurrent_per_job: 8,
            api_batch_size: 50,
            api_rate_limit: 2.0,
            api_connection_pool_size: 20,
            scraper_pool_size: 2,
            scraper_rate_limit: 1.0,
            scraper_timeout: 30.0,
            cache_disabled: true,
            adaptive_rate_limiting: true,
            connection_pooling: true,
            enable_parallel_scraping: true,
            enable_background_collection: true,
        }
    }
}

impl Config {
    /// The effective request rate of a host: its own, else the shared API default.
    pub fn rate(&self, s: Service) -> f64 {
        self.sources
            .get(s)
            .rate
            .unwrap_or(self.batch_processing.api_rate_limit)
    }

    /// Checks values that parse but make no sense; `Err` holds (key, reason).
    pub fn check(&self) -> Result<(), (String, String)> {
        self.check_sources()?;
        self.check_batch_processing()?;
        self.check_batch()
    }

    /// Each source's rate, concurrency, burst and URL.
    fn check_sources(&self) -> Result<(), (String, String)> {
        let bad = |k: &str, why: &str| Err((k.to_string(), why.to_string()));
        for s in Service::ALL {
            let src = self.sources.get(s);
            if let Some(r) = src.rate {
                if !(r.is_finite() && r >= 0.0) {
                    return bad(
                        &format!("sources.{s}.rate"),
                        "must be a number of requests per second, 0 or more (0 = no limit)",
                    );
                }
            }
            if src.concurrency == 0 {
                return bad(&format!("sources.{s}.concurrency"), "must be at least 1");
            }
            if src.burst == 0 {
                return bad(&format!("sources.{s}.burst"), "must be at least 1");
            }
            let scheme_ok = src.url.starts_with("http://") || src.url.starts_with("https://");
            if !(src.url.is_empty() || scheme_ok) {
                return bad(
                    &format!("sources.{s}.url"),
                    "must start with http:// or https://",
                );
            }
        }
        Ok(())
    }

    /// The seed system's `batch_processing` keys, with the bounds of `--workers` and
    /// `--browsers`.
    fn check_batch_processing(&self) -> Result<(), (String, String)> {
        let bad = |k: &str, why: &str| Err((k.to_string(), why.to_string()));
        let bp = &self.batch_processing;
        if !(bp.api_rate_limit.is_finite() && bp.api_rate_limit >= 0.0) {
            return bad(
                "batch_processing.api_rate_limit",
                "must be 0 or more requests per second",
            );
        }
        if !(bp.scraper_rate_limit.is_finite() && bp.scraper_rate_limit >= 0.0) {
            return bad(
                "batch_processing.scraper_rate_limit",
                "must be 0 or more page loads per second",
            );
        }
        if !(bp.scraper_timeout.is_finite() && bp.scraper_timeout > 0.0) {
            return bad(
                "batch_processing.scraper_timeout",
                "must be a positive number of seconds",
            );
        }
        for (k, v) in [
            (
                "batch_processing.max_concurrent_jobs",
                bp.max_concurrent_jobs,
            ),
            (
                "batch_processing.max_concurrent_per_job",
                bp.max_concurrent_per_job,
            ),
            ("batch_processing.api_batch_size", bp.api_batch_size),
            ("batch_processing.scraper_pool_size", bp.scraper_pool_size),
        ] {
            if v == 0 {
                return bad(k, "must be at least 1");
            }
        }
        // The same bounds as --workers and --browsers.
        if bp.max_concurrent_per_job as u64 > crate::cli::MAX_WORKERS {
            return bad(
                "batch_processing.max_concurrent_per_job",
                "must be at most 512",
            );
        }
        if bp.scraper_pool_size as u64 > crate::cli::MAX_BROWSERS {
            return bad("batch_processing.scraper_pool_size", "must be at most 32");
        }
        Ok(())
    }

    /// `batch`, `http` and `browser` keys.
    fn check_batch(&self) -> Result<(), (String, String)> {
        let bad = |k: &str, why: &str| Err((k.to_string(), why.to_string()));
        if self.http.max_attempts == 0 {
            return bad("http.max_attempts", "must be at least 1");
        }
        if self.batch.search_max_pages == 0 {
            return bad("batch.search_max_pages", "must be at least 1");
        }
        if !matches!(self.batch.format.as_str(), "jsonl" | "csv" | "json") {
            return bad("batch.format", "must be jsonl, csv or json");
        }
        if self
            .batch
            .strategy
            .parse::<mps_model::strategy::Strategy>()
            .is_err()
        {
            return bad(
                "batch.strategy",
                "must be intelligent, api-only, scraping-only, parallel-all or sequential",
            );
        }
        if self.batch.max_documents == 0 {
            return bad("batch.max_documents", "must be at least 1");
        }
        if self
            .batch
            .documents
            .parse::<crate::engine::recorder_options::DocumentDetail>()
            .is_err()
        {
            return bad("batch.documents", "must be index or full");
        }
        if self
            .batch
            .documents_since
            .parse::<crate::engine::recorder_options::DocumentsSince>()
            .is_err()
        {
            return bad(
                "batch.documents_since",
                "must be acquisition, all or a date (YYYY-MM-DD)",
            );
        }
        if self.batch.sales_depth > MAX_SALES_DEPTH {
            return bad("batch.sales_depth", "must be at most 10");
        }
        if self.browser.pages_per_browser == 0 {
            return bad("browser.pages_per_browser", "must be at least 1");
        }
        if !matches!(
            self.batch.progress.as_str(),
            "auto" | "bar" | "jsonl" | "none"
        ) {
            return bad("batch.progress", "must be auto, bar, jsonl or none");
        }
        Ok(())
    }
}
