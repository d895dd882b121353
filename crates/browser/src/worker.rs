//! The browser thread: owns one Chromium at a time, serves page jobs from the pool's
//! channel on its one reused tab, and replaces the browser after K pages, a crash or a
//! hang. It is also the thread that launches its Chromium, which matters: the kernel's
//! parent-death signal that takes Chromium down with mps is tied to this thread.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use super::error::BrowserError;
use super::launch::{self, LaunchHooks, Launched};
use super::page::{self, PageError};
use super::stats::Counters;
use super::watchdog::Watchdog;

/// A browser with no work for this long is closed to give its ~400 MiB back; the next
/// job relaunches it. Must stay below `launch::IDLE_BROWSER_TIMEOUT`, after which the
/// CDP connection would drop on its own.
const IDLE_CLOSE: Duration = Duration::from_secs(5 * 60);
/// A page still running this long after its deadline is a hung browser: the watchdog
/// kills it. (A page whose promise merely never resolves ends at the deadline by itself.)
const HANG_GRACE: Duration = Duration::from_secs(1);
/// Upper bound for a polite close before the watchdog kills the tree.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// One page to render, with the channel its answer goes back on.
pub(crate) struct Job {
    pub(crate) url: String,
    pub(crate) script: String,
    pub(crate) deadline: Instant,
    pub(crate) reply: Sender<Result<String, BrowserError>>,
}

/// What every browser thread of a pool is configured with.
pub(crate) struct WorkerConfig {
    pub(crate) chromium: PathBuf,
    pub(crate) pages_per_browser: usize,
    pub(crate) page_timeout: Duration,
}

/// The browser a thread currently runs, as seen from outside (pids, memory).
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub(crate) pid: u32,
    pub(crate) profile: PathBuf,
}

/// State shared by the pool handle and its threads.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) counters: Counters,
    pub(crate) slots: Vec<Mutex<Option<Slot>>>,
    /// Set at shutdown or abort so threads stop launching browsers nobody will use.
    /// SeqCst with the slot mutex: a launch either sees it, or has published its slot
    /// before `abort` reads the slots (and is killed there).
    pub(crate) closing: AtomicBool,
    /// Set by `BrowserPool::cancel`: jobs still queued are answered `Cancelled` unserved.
    pub(crate) cancelled: AtomicBool,
}

impl Shared {
    pub(crate) fn new(browsers: usize) -> Shared {
        Shared {
            slots: (0..browsers).map(|_| Mutex::new(None)).collect(),
            ..Shared::default()
        }
    }

    pub(crate) fn is_closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    fn set_slot(&self, id: usize, slot: Option<Slot>) {
        if let Some(cell) = self.slots.get(id) {
            *cell.lock().unwrap_or_else(PoisonError::into_inner) = slot;
        }
    }

    pub(crate) fn current(&self) -> Vec<Slot> {
        self.slots
            .iter()
            .filter_map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).clone())
            .collect()
    }
}

/// How a browser is retired.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    /// `Browser.close`, then kill leftovers: quota reached, idle, shutdown.
    Close,
    /// Kill the tree at once: crashed or hung, nothing to be polite to.
    Kill,
}

struct Session {
    launched: Launched,
    pages: usize,
}

/// What one try of a page on one browser came to.
struct Attempt {
    outcome: Result<String, PageError>,
    /// This browser has served its `pages_per_browser` pages.
    quota_used: bool,
    /// The watchdog killed the browser: the page ran past its deadline.
    hung: bool,
}

struct Worker {
    id: usize,
    cfg: Arc<WorkerConfig>,
    shared: Arc<Shared>,
    watchdog: Watchdog,
    session: Option<Session>,
}

/// Starts browser thread `id`. It launches its Chromium at once and reports the outcome
/// on `ready`, then serves `jobs` until the channel closes.
pub(crate) fn spawn(
    id: usize,
    cfg: Arc<WorkerConfig>,
    jobs: Receiver<Job>,
    shared: Arc<Shared>,
    ready: Sender<Result<(), BrowserError>>,
) -> std::io::Result<JoinHandle<()>> {
    let watchdog = Watchdog::spawn(format!("mps-browser-{id}-watchdog"))?;
    thread::Builder::new()
        .name(format!("mps-browser-{id}"))
        .spawn(move || {
            let mut worker = Worker {
                id,
                cfg,
                shared,
                watchdog,
                session: None,
            };
            worker.run(&jobs, &ready);
        })
}

impl Worker {
    fn run(&mut self, jobs: &Receiver<Job>, ready: &Sender<Result<(), BrowserError>>) {
        let first = self.ensure_session();
        let started = first.is_ok();
        // The pool waits for this; if it is gone, nobody wants the browser either.
        if ready.send(first).is_err() || !started {
            self.end_session(End::Close);
            return;
        }
        loop {
            match jobs.recv_timeout(IDLE_CLOSE) {
                Ok(job) => self.serve(job),
                Err(RecvTimeoutError::Timeout) => self.end_session(End::Close),
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        self.end_session(End::Close);
    }

    /// Renders one job and answers it; then retires the browser if it must go, and
    /// starts the next one early so the following page does not wait for the launch.
    fn serve(&mut self, job: Job) {
        let Job {
            url,
            script,
            deadline,
            reply,
        } = job;
        if self.shared.is_cancelled() {
            // Its caller has already been told `Cancelled`; don't spend the browser on it.
            let _ = reply.send(Err(BrowserError::Cancelled { url }));
            return;
        }
        let (result, retire) = self.render(&url, &script, deadline);
        // The caller may have given up (deadline passed); that is its business.
        let _ = reply.send(result);
        if let Some(end) = retire {
            self.recycle(end);
            if !self.shared.is_closing() {
                // A failure here is reported to the next job, which retries the launch.
                let _ = self.ensure_session();
            }
        }
    }

    /// The page's result, and how to retire the browser afterwards (if it must go).
    fn render(
        &mut self,
        url: &str,
        script: &str,
        deadline: Instant,
    ) -> (Result<String, BrowserError>, Option<End>) {
        let now = Instant::now();
        let timeout = || BrowserError::Timeout {
            url: url.to_string(),
        };
        if now >= deadline {
            return (Err(timeout()), None); // expired while queued: don't touch the browser
        }
        let deadline = deadline.min(now + self.cfg.page_timeout);
        let mut retried = false;
        loop {
            let attempt = match self.attempt(url, script, deadline) {
                Ok(attempt) => attempt,
                Err(launch_failed) => return (Err(launch_failed), None),
            };
            let result = match attempt.outcome {
                Ok(text) => Ok(text),
                Err(PageError::Script { message, .. }) => Err(BrowserError::Script {
                    url: url.into(),
                    message,
                }),
                Err(PageError::Navigation(message)) => Err(BrowserError::Navigation {
                    url: url.into(),
                    message,
                }),
                // Past its deadline (or killed by the watchdog for running past it): report
                // a timeout, and replace the browser, which may be stuck. The caller
                // decides whether to retry.
                Err(PageError::Timeout) => return (Err(timeout()), Some(End::Kill)),
                Err(PageError::Broken(_)) if attempt.hung => {
                    return (Err(timeout()), Some(End::Kill))
                }
                // The pool is being aborted: the browser was killed on purpose.
                Err(PageError::Broken(_)) if self.shared.is_closing() => {
                    self.recycle(End::Kill);
                    return (Err(BrowserError::Closed), None);
                }
                Err(PageError::Broken(message)) => {
                    // A crash costs the page one retry on a fresh browser, if time allows.
                    Counters::bump(&self.shared.counters.crashes);
                    self.recycle(End::Kill);
                    if retried || Instant::now() >= deadline {
                        let err = BrowserError::Crashed {
                            url: url.into(),
                            message,
                        };
                        return (Err(err), None);
                    }
                    retried = true;
                    continue;
                }
            };
            // A page that ended normally retires the browser only when its quota is used
            // up, or when the watchdog killed it just as the page finished.
            let retire = if attempt.hung {
                Some(End::Kill)
            } else if attempt.quota_used {
                Some(End::Close)
            } else {
                None
            };
            return (result, retire);
        }
    }

    /// One try of a page on the current browser (launched first if needed), watched by
    /// the watchdog. Err only when no browser could be launched.
    fn attempt(
        &mut self,
        url: &str,
        script: &str,
        deadline: Instant,
    ) -> Result<Attempt, BrowserError> {
        self.ensure_session()?;
        let Some(session) = self.session.as_mut() else {
            return Err(BrowserError::Launch {
                message: "browser vanished after launch".into(),
            });
        };
        session.pages += 1;
        let quota_used = session.pages >= self.cfg.pages_per_browser;
        let tab = &session.launched.tab;
        let profile = session.launched.profile.path().to_path_buf();
        self.watchdog.arm(deadline + HANG_GRACE, profile);
        let outcome = page::render(tab, url, script, deadline);
        let hung = self.watchdog.disarm();
        if let Err(PageError::Script { claimed: false, .. }) = &outcome {
            // The wrapper never ran (the script does not parse), so this document is not
            // marked as read; mark it now, or the next page could read it instead of its
            // own. A browser that cannot even do that is replaced.
            if !hung && page::claim_current_document(tab).is_err() {
                self.recycle(End::Kill);
            }
        }
        Ok(Attempt {
            outcome,
            quota_used,
            hung,
        })
    }

    /// Launches a browser unless one is running (or the pool is closing).
    fn ensure_session(&mut self) -> Result<(), BrowserError> {
        if self.session.is_some() {
            return Ok(());
        }
        if self.shared.is_closing() {
            return Err(BrowserError::Closed);
        }
        let (shared, id) = (&self.shared, self.id);
        // The slot is published as soon as the process exists, so an abort from another
        // thread kills a browser that is still starting. `launch` asks `give_up` right
        // after `started`, which closes the gap between the check above and the spawn.
        let started = |pid: u32, profile: &std::path::Path| {
            shared.set_slot(
                id,
                Some(Slot {
                    pid,
                    profile: profile.to_path_buf(),
                }),
            );
        };
        let give_up = || shared.is_closing();
        let hooks = LaunchHooks {
            started: &started,
            give_up: &give_up,
        };
        let launched = match launch::launch(&self.cfg.chromium, &hooks) {
            Ok(launched) => launched,
            Err(err) => {
                self.set_slot(None);
                return Err(err);
            }
        };
        Counters::bump(&self.shared.counters.launches);
        self.session = Some(Session { launched, pages: 0 });
        Ok(())
    }

    /// Retires the current browser (if any) to replace it; counted as a recycle.
    fn recycle(&mut self, end: End) {
        if self.session.is_some() {
            self.end_session(end);
            Counters::bump(&self.shared.counters.recycles);
        }
    }

    /// Retires the current browser, if any, and leaves no process or dir of it behind.
    fn end_session(&mut self, end: End) {
        let Some(session) = self.session.take() else {
            return;
        };
        self.set_slot(None);
        match end {
            End::Close => {
                let profile = session.launched.profile.path().to_path_buf();
                self.watchdog.arm(Instant::now() + CLOSE_GRACE, profile);
                session.launched.close();
                self.watchdog.disarm();
            }
            End::Kill => session.launched.kill(),
        }
    }

    fn set_slot(&self, slot: Option<Slot>) {
        self.shared.set_slot(self.id, slot);
    }
}
