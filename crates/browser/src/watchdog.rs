//! A per-browser-thread watchdog that kills a hung Chromium's process tree.
//!
//! headless_chrome's calls block until the browser answers (up to the transport's idle
//! timeout, minutes), so a thread cannot time out its own call. Instead it arms this
//! watchdog before a page; if the page is still running at the armed instant, the
//! watchdog kills the browser's tree, which closes the CDP connection and makes the
//! blocked call return.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use super::process;

#[derive(Default)]
struct State {
    /// The instant to fire at, and the profile dir of the browser to kill.
    armed: Option<(Instant, PathBuf)>,
    /// Set when the watchdog killed a browser; read and cleared by `disarm`.
    fired: bool,
    stop: bool,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

pub(crate) struct Watchdog {
    shared: Shared,
    thread: Option<JoinHandle<()>>,
}

fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    // The state stays consistent even if a holder panicked: every write is one field.
    shared.0.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Watchdog {
    pub(crate) fn spawn(name: String) -> std::io::Result<Watchdog> {
        let shared: Shared = Arc::default();
        let theirs = Arc::clone(&shared);
        let thread = thread::Builder::new()
            .name(name)
            .spawn(move || watch(&theirs))?;
        Ok(Watchdog {
            shared,
            thread: Some(thread),
        })
    }

    /// Kill the tree of the browser using `profile` if not disarmed by `at`.
    pub(crate) fn arm(&self, at: Instant, profile: PathBuf) {
        let mut state = lock(&self.shared);
        state.armed = Some((at, profile));
        state.fired = false;
        self.shared.1.notify_one();
    }

    /// Disarms; returns true if the watchdog fired (the browser is dead). Because the
    /// watchdog kills while holding the lock, a true here means the kill is complete.
    pub(crate) fn disarm(&self) -> bool {
        let mut state = lock(&self.shared);
        state.armed = None;
        std::mem::take(&mut state.fired)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        lock(&self.shared).stop = true;
        self.shared.1.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn watch(shared: &Shared) {
    let mut state = lock(shared);
    loop {
        if state.stop {
            return;
        }
        let Some((at, _)) = &state.armed else {
            state = shared.1.wait(state).unwrap_or_else(PoisonError::into_inner);
            continue;
        };
        let now = Instant::now();
        if now < *at {
            let wait = *at - now;
            state = shared
                .1
                .wait_timeout(state, wait)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            continue;
        }
        if let Some((_, profile)) = state.armed.take() {
            state.fired = true;
            process::kill_tree(&profile);
        }
    }
}
