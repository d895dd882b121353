//! The public face of the browser threads: `PoolOptions`, `BrowserPool::start`, `render`
//! (a job over a bounded channel, the answer back on another, both bounded by the
//! caller's deadline), `stats`, `pids` and shutdown.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, RecvTimeoutError, SendTimeoutError, Sender};

use super::error::BrowserError;
use super::launch;
use super::process;
use super::stats::{BrowserStats, Counters};
use super::worker::{self, Job, Shared, WorkerConfig};

/// How many browsers to run and how to treat them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolOptions {
    /// Browser threads, each owning one Chromium (about 400 MiB PSS each). At least 1.
    pub browsers: usize,
    /// Replace a browser after this many pages, so leaks in long runs stay bounded.
    pub pages_per_browser: usize,
    /// The longest one page may take, whatever deadline the caller gives.
    pub page_timeout: Duration,
    /// The Chromium binary; `None` looks for `chromium` on PATH, then `/usr/bin/chromium`.
    pub chromium: Option<PathBuf>,
    /// Capacity of the job channel; `0` means twice the number of browsers.
    pub queue: usize,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            browsers: 2,
            pages_per_browser: 200,
            page_timeout: Duration::from_secs(30),
            chromium: None,
            queue: 0,
        }
    }
}

/// A fixed set of browser threads, each owning one headless Chromium with one reused tab.
///
/// Dropping the pool shuts it down like [`BrowserPool::shutdown`].
pub struct BrowserPool {
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl BrowserPool {
    /// Finds Chromium (checking that it runs), starts `browsers` threads and waits until
    /// each has its browser running, so a browser that cannot start is reported here
    /// rather than on the first page.
    pub fn start(opts: PoolOptions) -> Result<BrowserPool, BrowserError> {
        let chromium = launch::find_chromium(opts.chromium.as_deref())?;
        launch::preflight(&chromium)?;
        let browsers = opts.browsers.max(1);
        let queue = if opts.queue == 0 {
            2 * browsers
        } else {
            opts.queue
        };
        let (jobs, job_rx) = bounded::<Job>(queue);
        let (ready_tx, ready_rx) = bounded(browsers);
        let cfg = Arc::new(WorkerConfig {
            chromium,
            pages_per_browser: opts.pages_per_browser.max(1),
            page_timeout: opts.page_timeout,
        });
        // From here on an early return drops `pool`, which stops and joins what started.
        let mut pool = BrowserPool {
            jobs: Some(jobs),
            workers: Vec::with_capacity(browsers),
            shared: Arc::new(Shared::new(browsers)),
        };
        for id in 0..browsers {
            let handle = worker::spawn(
                id,
                Arc::clone(&cfg),
                job_rx.clone(),
                Arc::clone(&pool.shared),
                ready_tx.clone(),
            )
            .map_err(|e| BrowserError::Launch {
                message: format!("cannot spawn browser thread: {e}"),
            })?;
            pool.workers.push(handle);
        }
        drop(ready_tx);
        for _ in 0..browsers {
            match ready_rx.recv() {
                Ok(Ok(())) => {}
                Ok(Err(err)) => return Err(err),
                Err(_) => {
                    return Err(BrowserError::Launch {
                        message: "a browser thread stopped while starting".into(),
                    })
                }
            }
        }
        Ok(pool)
    }

    /// Loads `url` in a browser and returns the string that `script` resolves to.
    ///
    /// `script` is a JavaScript expression evaluating to a Promise that resolves to a
    /// string (other values are JSON-encoded) once the page shows what the caller needs,
    /// e.g. a loop that polls `document.querySelector('#grid.ready')` every 10 ms. It runs
    /// once per page, in the new document only. Waits at most until `deadline`.
    pub fn render(
        &self,
        url: &str,
        script: &str,
        deadline: Instant,
    ) -> Result<String, BrowserError> {
        let result = self.submit(url, script, deadline);
        let counters = &self.shared.counters;
        match &result {
            Ok(_) => Counters::bump(&counters.pages),
            Err(err) => {
                Counters::bump(&counters.failures);
                if matches!(err, BrowserError::Timeout { .. }) {
                    Counters::bump(&counters.timeouts);
                }
            }
        }
        result
    }

    fn submit(&self, url: &str, script: &str, deadline: Instant) -> Result<String, BrowserError> {
        let jobs = self.jobs.as_ref().ok_or(BrowserError::Closed)?;
        let timeout = || BrowserError::Timeout {
            url: url.to_string(),
        };
        let (reply, answer) = bounded(1);
        let job = Job {
            url: url.to_string(),
            script: script.to_string(),
            deadline,
            reply,
        };
        match jobs.send_deadline(job, deadline) {
            Ok(()) => {}
            Err(SendTimeoutError::Timeout(_)) => return Err(timeout()),
            Err(SendTimeoutError::Disconnected(_)) => return Err(BrowserError::Closed),
        }
        match answer.recv_deadline(deadline) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => Err(timeout()),
            // Threads only drop a job unanswered if they die.
            Err(RecvTimeoutError::Disconnected) => Err(BrowserError::Crashed {
                url: url.to_string(),
                message: "the browser thread stopped".into(),
            }),
        }
    }

    /// What the pool has done so far.
    pub fn stats(&self) -> BrowserStats {
        self.shared.counters.snapshot()
    }

    /// The main process ids of the browsers running now.
    pub fn pids(&self) -> Vec<u32> {
        self.shared.current().into_iter().map(|s| s.pid).collect()
    }

    /// Memory of the running browsers: PSS summed over all their processes, in KiB.
    pub fn pss_kib(&self) -> u64 {
        self.shared
            .current()
            .iter()
            .map(|s| process::pss_kib(&s.profile))
            .sum()
    }

    /// Stops taking pages, lets each thread finish the page it is on, then closes every
    /// browser (`Browser.close`, wait for the process, kill leftovers, remove its profile).
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.closing.store(true, Ordering::Relaxed);
        // Closing the channel is the threads' signal; queued jobs are still served.
        self.jobs = None;
        for handle in self.workers.drain(..) {
            // A thread that panicked dropped its browser while unwinding, and that drop
            // kills the tree and removes the profile dir; nothing more to do for it.
            if handle.join().is_err() {
                eprintln!("mps: a browser thread panicked");
            }
        }
    }
}

impl Drop for BrowserPool {
    fn drop(&mut self) {
        self.stop();
    }
}
