//! The cancel flag (set on Ctrl-C) and the sleeps that stop early when it is set.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long one slice of a cancellable sleep lasts: the worst-case delay between
/// `cancel()` and a sleeping thread noticing it.
const SLICE: Duration = Duration::from_millis(20);

/// A shared flag: once set, waits and backoff sleeps end early and new requests fail fast.
/// Clones share the same flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

/// Returned by a sleep or wait that ended because the flag was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

impl Cancel {
    /// A new, unset flag.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the flag. It is never cleared: a cancelled run stays cancelled.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the flag is set.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(Cancelled)` if the flag is set.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// Sleep for `d`, in small slices so that a cancel is noticed promptly.
    pub fn sleep(&self, d: Duration) -> Result<(), Cancelled> {
        self.sleep_until(Instant::now() + d)
    }

    /// Sleep until `deadline` (returns at once if it has passed), unless cancelled first.
    pub fn sleep_until(&self, deadline: Instant) -> Result<(), Cancelled> {
        loop {
            self.check()?;
            let now = Instant::now();
            if now >= deadline {
                return Ok(());
            }
            std::thread::sleep((deadline - now).min(SLICE));
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
}
