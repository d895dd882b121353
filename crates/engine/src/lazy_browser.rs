//! The job's browser: the Chromium pool, started the first time a row needs a page, which
//! reads JavaScript-rendered county pages for the sources ([`PageReader`]), each page load
//! passing through its host's limiter.

use mps_browser::{BrowserError, BrowserPool, PoolOptions};
use mps_model::Service;
use mps_sources::{Http, PageReader, SourceError, Tally};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Attempts per page: a crash is already retried inside the pool; this covers hangs, failed
/// navigations and a browser that could not be launched (a loaded machine).
const PAGE_ATTEMPTS: u32 = 3;

enum State {
    /// Not started yet, or the last launch failed in a way worth trying again.
    Idle,
    Ready(Arc<BrowserPool>),
    /// Chromium is not installed: every page fails at once with the same message.
    Missing(String),
}

/// The browser pool, launched the first time a row needs a page (many batches never do).
pub struct LazyBrowser {
    options: PoolOptions,
    state: Mutex<State>,
    http: Http,
    /// Set when the job stops: no page is started after, and pages in flight are abandoned.
    cancelled: AtomicBool,
}

impl LazyBrowser {
    /// Nothing is launched yet; `http` is the client whose per-host limiter each page load
    /// waits on.
    pub fn new(options: PoolOptions, http: Http) -> Self {
        LazyBrowser {
            options,
            state: Mutex::new(State::Idle),
            http,
            cancelled: AtomicBool::new(false),
        }
    }

    /// Abandons the pages in flight and refuses new ones (the job is stopping).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        if let State::Ready(pool) = &*self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            pool.cancel();
        }
    }

    /// What the browsers did so far, if a pool was started.
    pub fn stats(&self) -> Option<mps_browser::BrowserStats> {
        match &*self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            State::Ready(pool) => Some(pool.stats()),
            _ => None,
        }
    }

    /// Closes the browsers: politely when no row holds the pool any more, else at once.
    pub fn close(&self) {
        match self.take() {
            Some(pool) => pool.shutdown(),
            None => self.abort(),
        }
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// The running pool, launching it if needed.
    fn pool(&self) -> Result<Arc<BrowserPool>, (String, bool)> {
        let mut st = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*st {
            State::Ready(pool) => return Ok(pool.clone()),
            State::Missing(msg) => return Err((msg.clone(), false)),
            State::Idle => {}
        }
        match BrowserPool::start(self.options.clone()) {
            Ok(pool) => {
                let pool = Arc::new(pool);
                *st = State::Ready(pool.clone());
                Ok(pool)
            }
            Err(e @ BrowserError::NotInstalled { .. }) => {
                *st = State::Missing(e.to_string());
                Err((e.to_string(), false))
            }
            Err(e) => Err((e.to_string(), true)),
        }
    }

    /// Takes the pool out so it can be shut down (closing every Chromium). `None` when no
    /// pool runs, or when a page is still held by a row that did not finish (then
    /// [`LazyBrowser::abort`] is the way out).
    pub fn take(&self) -> Option<BrowserPool> {
        let st = std::mem::replace(
            &mut *self
                .state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            State::Idle,
        );
        match st {
            State::Ready(pool) => match Arc::try_unwrap(pool) {
                Ok(pool) => Some(pool),
                Err(shared) => {
                    *self
                        .state
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = State::Ready(shared);
                    None
                }
            },
            _ => None,
        }
    }

    /// Ends the pool at once, whoever still holds it: every browser's process tree is
    /// killed and its profile dir removed, without waiting for pages in progress.
    pub fn abort(&self) {
        self.cancel();
        let st = std::mem::replace(
            &mut *self
                .state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            State::Idle,
        );
        if let State::Ready(pool) = st {
            match Arc::try_unwrap(pool) {
                Ok(pool) => pool.abort(),
                // A row still holds it: kill the browsers under its feet; its page fails.
                Err(_) => mps_browser::kill_all_browsers_of_this_process(),
            }
        }
    }
}

impl PageReader for LazyBrowser {
    /// Loads `url` in a browser and returns what `script` resolved with.
    fn read(
        &self,
        source: Service,
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
        tally.start(url);
        let mut last = String::from("page failed");
        for attempt in 0..PAGE_ATTEMPTS {
            if self.is_cancelled() {
                return Err(page_error("cancelled: the batch is stopping".into()));
            }
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(200 * u64::from(attempt)));
            }
            let pool = match self.pool() {
                Ok(pool) => pool,
                Err((message, true)) => {
                    last = message;
                    continue;
                }
                Err((message, false)) => return Err(page_error(message)),
            };
            // A page load counts against the host's politeness budget like a request.
            let permit = self
                .http
                .limiter(source)
                .ok_or_else(|| page_error(format!("{source}: no HTTP host configured")))?
                .acquire()
                .map_err(|e| page_error(format!("{source} limiter: {e}")))?;
            let deadline = Instant::now() + self.options.page_timeout;
            let result = pool.render(url, script, deadline);
            drop(permit);
            tally.finish(1);
            match result {
                Ok(text) => return Ok(text),
                Err(e) if e.is_transient() => last = e.to_string(),
                Err(e) => return Err(page_error(e.to_string())),
            }
        }
        Err(page_error(last))
    }
}
