//! The cancel flag (set on Ctrl-C) and the waits that end the moment it is set.
//!
//! Waits block on a condition variable with a deadline: a sleeping or queued thread wakes
//! when its time comes or when the flag is set, never on a polling tick.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::{Duration, Instant};

use super::lock::lock;

/// Something that blocks on its own condition variable and must be woken by a cancel (a
/// semaphore's waiters).
pub(super) trait Wake: Send + Sync + std::fmt::Debug {
    fn wake(&self);
}

#[derive(Debug, Default)]
struct Inner {
    flag: AtomicBool,
    /// Held while checking the flag before a wait, and by `cancel` before notifying, so a
    /// cancel between the check and the wait cannot be missed.
    sleep_lock: Mutex<()>,
    sleepers: Condvar,
    wakers: Mutex<Vec<Weak<dyn Wake>>>,
}

/// A shared flag: once set, waits and backoff sleeps end early and new requests fail fast.
/// Clones share the same flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<Inner>);

/// Returned by a sleep or wait that ended because the flag was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

impl Cancel {
    /// A new, unset flag.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the flag and wake every wait. It is never cleared: a cancelled run stays cancelled.
    pub fn cancel(&self) {
        self.0.flag.store(true, Ordering::SeqCst);
        drop(lock(&self.0.sleep_lock));
        self.0.sleepers.notify_all();
        for waker in lock(&self.0.wakers).iter().filter_map(Weak::upgrade) {
            waker.wake();
        }
    }

    /// Whether the flag is set.
    pub fn is_cancelled(&self) -> bool {
        self.0.flag.load(Ordering::SeqCst)
    }

    /// `Err(Cancelled)` if the flag is set.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// Has `waker` woken when the flag is set (it must check the flag under its own lock
    /// before each wait).
    pub(super) fn on_cancel(&self, waker: Weak<dyn Wake>) {
        let mut wakers = lock(&self.0.wakers);
        wakers.retain(|w| w.strong_count() > 0);
        wakers.push(waker);
    }

    /// Sleep for `d`, unless cancelled first.
    pub fn sleep(&self, d: Duration) -> Result<(), Cancelled> {
        self.sleep_until(Instant::now() + d)
    }

    /// Sleep until `deadline` (returns at once if it has passed), unless cancelled first.
    pub fn sleep_until(&self, deadline: Instant) -> Result<(), Cancelled> {
        let mut guard = lock(&self.0.sleep_lock);
        loop {
            self.check()?;
            let now = Instant::now();
            if now >= deadline {
                return Ok(());
            }
            guard = self
                .0
                .sleepers
                .wait_timeout(guard, deadline - now)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleep_ends_early_when_cancelled() {
        let cancel = Cancel::new();
        let other = cancel.clone();
        let started = Instant::now();
        let t = std::thread::spawn(move || other.sleep(Duration::from_secs(10)));
        std::thread::sleep(Duration::from_millis(50));
        cancel.cancel();
        assert_eq!(t.join().ok(), Some(Err(Cancelled)));
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn sleep_waits_when_not_cancelled() {
        let started = Instant::now();
        assert_eq!(Cancel::new().sleep(Duration::from_millis(30)), Ok(()));
        assert!(started.elapsed() >= Duration::from_millis(30));
    }

    #[test]
    fn many_sleepers_all_wake_on_one_cancel() {
        let cancel = Cancel::new();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let c = cancel.clone();
                std::thread::spawn(move || c.sleep(Duration::from_secs(30)))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(50));
        cancel.cancel();
        for t in threads {
            assert_eq!(t.join().ok(), Some(Err(Cancelled)));
        }
    }
}
