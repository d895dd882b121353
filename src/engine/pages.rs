//! Page work: reading JavaScript-rendered county pages in the browser pool, started on first
//! need, with each page load passing through its host's limiter.

use crate::browser::{BrowserError, BrowserPool, PoolOptions};
use crate::http::HttpClient;
use crate::source::{Source, SourceError, Tally};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Attempts per page: a crash is already retried inside the pool; this covers hangs and
/// failed navigations.
const PAGE_ATTEMPTS: u32 = 3;

/// The browser pool, launched the first time a row needs a page (many batches never do).
pub struct Pages {
    options: PoolOptions,
    pool: OnceLock<Result<BrowserPool, BrowserError>>,
    http: HttpClient,
}

impl Pages {
    pub fn new(options: PoolOptions, http: HttpClient) -> Self {
        Pages {
            options,
            pool: OnceLock::new(),
            http,
        }
    }

    fn pool(&self) -> Result<&BrowserPool, &BrowserError> {
        self.pool
            .get_or_init(|| BrowserPool::start(self.options.clone()))
            .as_ref()
    }

    /// The pool if it was started (for statistics and shutdown).
    pub fn started(&self) -> Option<&BrowserPool> {
        self.pool.get().and_then(|r| r.as_ref().ok())
    }

    /// Takes the pool out so it can be shut down (closing every Chromium).
    pub fn take(&mut self) -> Option<BrowserPool> {
        self.pool.take().and_then(Result::ok)
    }

    /// Loads `url` in a browser and returns what `script` resolved with.
    pub fn read(
        &self,
        source: Source,
        source_name: &'static str,
        url: &str,
        script: &str,
        tally: &mut Tally,
    ) -> Result<String, SourceError> {
        let page_error = |message: String| SourceError::Page {
            source_name,
            url: url.to_string(),
            message,
        };
        let pool = self.pool().map_err(|e| page_error(e.to_string()))?;
        tally.start(url);
        let mut last = None;
        for _ in 0..PAGE_ATTEMPTS {
            // A page load counts against the host's politeness budget like a request.
            let permit = self
                .http
                .limiter(source)
                .acquire()
                .map_err(|e| page_error(format!("{source} limiter: {e}")))?;
            let deadline = Instant::now() + self.options.page_timeout;
            let result = pool.render(url, script, deadline);
            drop(permit);
            tally.finish(1);
            match result {
                Ok(text) => return Ok(text),
                Err(e) if e.is_transient() => {
                    last = Some(e);
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => return Err(page_error(e.to_string())),
            }
        }
        Err(page_error(
            last.map(|e| e.to_string())
                .unwrap_or_else(|| "page failed".to_string()),
        ))
    }
}
