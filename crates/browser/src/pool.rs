//! The public face of the browser threads: `PoolOptions`, `BrowserPool::start`, `render`
//! (a job over a bounded channel, the answer back on another, both bounded by the
//! caller's deadline and cut short by `cancel`), `stats`, `pids`, and the two ways out:
//! `shutdown` (polite) and `abort` (kill everything now).

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Receiver, Select, Sender};

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

/// How long `abort` waits, in total, for the browser threads to notice and end.
const ABORT_JOIN: Duration = Duration::from_secs(1);
/// Poll step while `abort` waits for the threads.
const ABORT_POLL: Duration = Duration::from_millis(10);

/// A fixed set of browser threads, each owning one headless Chromium with one reused tab.
///
/// Dropping the pool shuts it down like [`BrowserPool::shutdown`].
pub struct BrowserPool {
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
    shared: Arc<Shared>,
    /// Never sent on: `cancel` drops it, which disconnects `cancelled`, and a channel that
    /// is disconnected is ready at once for every receiver, however many wait on it.
    cancel: Mutex<Option<Sender<()>>>,
    /// Selected on beside the job send and the answer, so `cancel` wakes every caller.
    cancelled: Receiver<()>,
}

impl BrowserPool {
    /// Finds Chromium (checking that it runs), starts `browsers` threads and waits until
    /// each has its browser running, so a browser that cannot start is reported here
    /// rather than on the first page.
    ///
    /// It first removes the profile dirs that an earlier mps, killed before it could clean
    /// up, left in the temp dir (and any process still using them).
    pub fn start(opts: PoolOptions) -> Result<BrowserPool, BrowserError> {
        process::remove_stale_profiles();
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
        let (cancel, cancelled) = bounded(0);
        // From here on an early return drops `pool`, which stops and joins what started.
        let mut pool = BrowserPool {
            jobs: Some(jobs),
            workers: Vec::with_capacity(browsers),
            shared: Arc::new(Shared::new(browsers)),
            cancel: Mutex::new(Some(cancel)),
            cancelled,
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
    /// once per page, in the new document only. Waits at most until `deadline`, and
    /// returns [`BrowserError::Cancelled`] at once when the pool is (or gets) cancelled.
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
        let cancelled = || BrowserError::Cancelled {
            url: url.to_string(),
        };
        // Checked first so that a cancelled pool never queues a job, even when the select
        // below would find the job channel ready too (it picks among ready operations at
        // random).
        if self.shared.is_cancelled() {
            return Err(cancelled());
        }
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

        let mut send = Select::new();
        let send_job = send.send(jobs);
        send.recv(&self.cancelled);
        let Ok(op) = send.select_deadline(deadline) else {
            return Err(timeout());
        };
        if op.index() != send_job {
            // Only `cancel` makes this ready (Disconnected); the outcome says nothing else.
            let _ = op.recv(&self.cancelled);
            return Err(cancelled());
        }
        if op.send(jobs, job).is_err() {
            return Err(BrowserError::Closed);
        }

        let mut wait = Select::new();
        let got_answer = wait.recv(&answer);
        wait.recv(&self.cancelled);
        let Ok(op) = wait.select_deadline(deadline) else {
            return Err(timeout());
        };
        if op.index() != got_answer {
            let _ = op.recv(&self.cancelled);
            return Err(cancelled());
        }
        match op.recv(&answer) {
            Ok(result) => result,
            // Threads only drop a job unanswered if they die.
            Err(_) => Err(BrowserError::Crashed {
                url: url.to_string(),
                message: "the browser thread stopped".into(),
            }),
        }
    }

    /// Abandons all work: from now on `render` returns [`BrowserError::Cancelled`] at
    /// once, callers blocked in `render` (waiting to queue their page or for its answer)
    /// wake now with that error, and queued pages are dropped unserved.
    ///
    /// Pages already running in a browser are not interrupted: they end at their deadline,
    /// which [`BrowserPool::shutdown`] waits for; [`BrowserPool::abort`] does not.
    pub fn cancel(&self) {
        self.shared.cancelled.store(true, Ordering::SeqCst);
        drop(
            self.cancel
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
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

    /// Ends the pool now: cancels it (see [`BrowserPool::cancel`]), kills every browser's
    /// whole process tree at once (no `Browser.close`, no waiting for pages in progress)
    /// and removes their profile dirs, all before it returns.
    ///
    /// It waits about a second in total for the browser threads to notice; a thread still
    /// stuck in a CDP call after that is left to end on its own (it launches no new
    /// browser) or with the process.
    pub fn abort(mut self) {
        self.cancel();
        // Before reading the slots: a launch that publishes its slot after this read sees
        // `closing` and kills its own browser (see `Worker::ensure_session`).
        self.shared.closing.store(true, Ordering::SeqCst);
        self.jobs = None;
        let profiles: Vec<PathBuf> = self
            .shared
            .current()
            .into_iter()
            .map(|slot| slot.profile)
            .collect();
        process::kill_trees(&profiles);
        for profile in &profiles {
            // The thread owning the dir removes it too when it notices; whoever comes
            // second finds nothing to do.
            if let Err(err) = process::remove_dir(profile) {
                eprintln!(
                    "mps: could not remove browser profile {}: {err}",
                    profile.display()
                );
            }
        }
        let until = Instant::now() + ABORT_JOIN;
        let mut workers = std::mem::take(&mut self.workers);
        while !workers.is_empty() && Instant::now() < until {
            let (done, running): (Vec<_>, Vec<_>) =
                workers.into_iter().partition(JoinHandle::is_finished);
            for handle in done {
                if handle.join().is_err() {
                    eprintln!("mps: a browser thread panicked");
                }
            }
            workers = running;
            if !workers.is_empty() {
                thread::sleep(ABORT_POLL);
            }
        }
        // Handles still here are dropped, which detaches their threads; Drop's stop()
        // then has nothing left to join.
    }

    fn stop(&mut self) {
        self.shared.closing.store(true, Ordering::SeqCst);
        // Closing the channel is the threads' signal; queued jobs are still answered
        // (served if their browser still runs: `closing` stops new launches).
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
