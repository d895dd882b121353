//! A counting semaphore (Mutex + Condvar) for a host's concurrency cap.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use super::cancel::{Cancel, Cancelled};

/// How often a blocked waiter wakes to look at the cancel flag. `cancel()` cannot
/// notify every condvar, so waiters poll it at this interval.
const CANCEL_POLL: Duration = Duration::from_millis(20);

/// Lock a mutex, recovering the data if another thread panicked while holding it:
/// the counters guarded here stay consistent under any interleaving.
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// At most `cap` holders at a time (`None` = no cap).
#[derive(Debug)]
pub(super) struct Semaphore {
    cap: Option<usize>,
    in_use: Mutex<usize>,
    freed: Condvar,
}

/// One held slot; released on drop.
#[derive(Debug)]
pub(super) struct Slot<'a> {
    sem: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `cap` slots; 0 means no cap.
    pub(super) fn new(cap: usize) -> Self {
        Self {
            cap: (cap > 0).then_some(cap),
            in_use: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Block until a slot is free, or fail when `cancel` is set.
    pub(super) fn acquire(&self, cancel: &Cancel) -> Result<Slot<'_>, Cancelled> {
        let mut in_use = lock(&self.in_use);
        loop {
            cancel.check()?;
            if self.cap.is_none_or(|cap| *in_use < cap) {
                *in_use += 1;
                return Ok(Slot { sem: self });
            }
            in_use = self
                .freed
                .wait_timeout(in_use, CANCEL_POLL)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    #[cfg(test)]
    pub(super) fn in_use(&self) -> usize {
        *lock(&self.in_use)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut in_use = lock(&self.sem.in_use);
        *in_use = in_use.saturating_sub(1);
        drop(in_use);
        self.sem.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_released_on_drop() {
        let sem = Semaphore::new(2);
        let cancel = Cancel::new();
        let a = sem.acquire(&cancel);
        let b = sem.acquire(&cancel);
        assert!(a.is_ok() && b.is_ok());
        assert_eq!(sem.in_use(), 2);
        drop(a);
        assert_eq!(sem.in_use(), 1);
        drop(b);
        assert_eq!(sem.in_use(), 0);
    }

    #[test]
    fn a_blocked_waiter_sees_cancel() {
        let sem = Semaphore::new(1);
        let cancel = Cancel::new();
        let _held = sem.acquire(&cancel);
        std::thread::scope(|s| {
            let waiter = s.spawn(|| sem.acquire(&cancel).map(|_| ()));
            std::thread::sleep(Duration::from_millis(50));
            cancel.cancel();
            assert_eq!(waiter.join().ok(), Some(Err(Cancelled)));
        });
    }
}
