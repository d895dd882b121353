//! Counters shared by the pool's callers and browser threads, and their serializable
//! snapshot `BrowserStats`.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// A snapshot of what the pool has done since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BrowserStats {
    /// Pages whose script's string came back to the caller.
    pub pages: u64,
    /// `render` calls that ended in an error of any kind (timeouts included).
    pub failures: u64,
    /// `render` calls that ended in `BrowserError::Timeout`.
    pub timeouts: u64,
    /// Times a browser died under a page (connection lost, process gone, tab broken).
    pub crashes: u64,
    /// Chromium processes started (the first ones included).
    pub launches: u64,
    /// Browsers replaced: after `pages_per_browser` pages, a crash or a hang.
    pub recycles: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) pages: AtomicU64,
    pub(crate) failures: AtomicU64,
    pub(crate) timeouts: AtomicU64,
    pub(crate) crashes: AtomicU64,
    pub(crate) launches: AtomicU64,
    pub(crate) recycles: AtomicU64,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> BrowserStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        BrowserStats {
            pages: get(&self.pages),
            failures: get(&self.failures),
            timeouts: get(&self.timeouts),
            crashes: get(&self.crashes),
            launches: get(&self.launches),
            recycles: get(&self.recycles),
        }
    }
}
