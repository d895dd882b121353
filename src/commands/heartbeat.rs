//! A worker's heartbeat: every third of its lease (every two seconds at most) it renews the leases of the rows it holds,
//! says it is alive, counts the live workers and takes its share of every host's rate, so
//! that all workers together keep within the configured limits.

use crate::postgres::PgStore;
use crate::source::Http;
use mps_model::Service;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

struct State {
    stop: bool,
    /// The HTTP client of the job being run, whose limiters take the share.
    http: Option<Http>,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

/// The heartbeat thread of one worker.
pub struct Heartbeat {
    shared: Shared,
    live: Arc<AtomicU32>,
    thread: Option<JoinHandle<()>>,
}

/// The longest time between two beats, whatever the lease: a worker that joins waits one
/// beat before sending, so that the others have counted it.
const MAX_INTERVAL: Duration = Duration::from_secs(2);

/// How often the heartbeat beats for a lease of `lease`: three times per lease at least, and
/// at least every two seconds (two short statements each).
pub fn interval(lease: Duration) -> Duration {
    (lease / 3).min(MAX_INTERVAL)
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, State> {
    shared.0.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Gives every host's limiter of `http` its share among `live` workers.
fn share(http: &Http, live: u32) {
    for s in Service::ALL {
        if let Some(limiter) = http.limiter(s) {
            limiter.share_among(live);
        }
    }
}

impl Heartbeat {
    /// Starts beating for `worker` (already registered), after counting the live workers
    /// once.
    pub fn start(store: Arc<PgStore>, worker: String, lease: Duration) -> anyhow::Result<Self> {
        let live = Arc::new(AtomicU32::new(store.live_workers(lease)?.max(1)));
        let shared: Shared = Arc::new((
            Mutex::new(State {
                stop: false,
                http: None,
            }),
            Condvar::new(),
        ));
        let (theirs, counted) = (Arc::clone(&shared), Arc::clone(&live));
        let thread = std::thread::Builder::new()
            .name("mps-heartbeat".into())
            .spawn(move || beat(&theirs, &store, &worker, lease, &counted))?;
        Ok(Heartbeat {
            shared,
            live,
            thread: Some(thread),
        })
    }

    /// Counts the live workers now (not at the next beat): before a job starts sending.
    pub fn count_now(&self, store: &PgStore, lease: Duration) -> anyhow::Result<u32> {
        let n = store.live_workers(lease)?.max(1);
        self.live.store(n, Ordering::SeqCst);
        Ok(n)
    }

    /// The live workers at the last count (this one included).
    pub fn live(&self) -> u32 {
        self.live.load(Ordering::SeqCst).max(1)
    }

    /// From now on the share is applied to `http` (the job being run), starting at once.
    pub fn use_http(&self, http: Option<Http>) {
        if let Some(http) = &http {
            share(http, self.live());
        }
        lock(&self.shared).http = http;
    }

    /// Stops beating (the leases then expire unless released).
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        lock(&self.shared).stop = true;
        self.shared.1.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.halt();
    }
}

fn beat(shared: &Shared, store: &PgStore, worker: &str, lease: Duration, live: &AtomicU32) {
    let mut warned = false;
    let mut state = lock(shared);
    loop {
        let (next, timeout) = shared
            .1
            .wait_timeout(state, interval(lease))
            .unwrap_or_else(PoisonError::into_inner);
        state = next;
        if state.stop {
            return;
        }
        if !timeout.timed_out() {
            continue;
        }
        let http = state.http.clone();
        drop(state);
        let counted = store
            .renew(worker, lease)
            .and_then(|_| store.live_workers(lease));
        match counted {
            Ok(n) => {
                warned = false;
                live.store(n.max(1), Ordering::SeqCst);
                if let Some(http) = &http {
                    share(http, n.max(1));
                }
            }
            // The database is away: the leases will expire if it stays away, and the rows go
            // to another worker; this worker's writes wait for it (--database-wait).
            Err(e) if !warned => {
                warned = true;
                eprintln!("mps worker: warning: heartbeat: {e}");
            }
            Err(_) => {}
        }
        state = lock(shared);
    }
}
