//! A counting semaphore (Mutex + Condvar) for a host's concurrency cap.

use std::sync::{Arc, Condvar, Mutex};

use super::cancel::{Cancel, Cancelled, Wake};
use super::lock::lock;

/// At most `cap` holders at a time (`None` = no cap).
#[derive(Debug)]
pub(super) struct Semaphore {
    cap: Option<usize>,
    state: Arc<State>,
}

/// What waiters block on; shared with the cancel flag, which wakes them.
#[derive(Debug, Default)]
struct State {
    in_use: Mutex<usize>,
    freed: Condvar,
}

impl Wake for State {
    fn wake(&self) {
        // Taking the lock orders this after a waiter's flag check and before its wait.
        drop(lock(&self.in_use));
        self.freed.notify_all();
    }
}

/// One held slot; released on drop.
#[derive(Debug)]
pub(super) struct Slot<'a> {
    sem: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `cap` slots (0 means no cap) whose waiters `cancel` wakes.
    pub(super) fn new(cap: usize, cancel: &Cancel) -> Self {
        let state = Arc::new(State::default());
        let waker: Arc<dyn Wake> = state.clone();
        cancel.on_cancel(Arc::downgrade(&waker));
        Self {
            cap: (cap > 0).then_some(cap),
            state,
        }
    }

    /// Block until a slot is free, or fail when `cancel` is set.
    pub(super) fn acquire(&self, cancel: &Cancel) -> Result<Slot<'_>, Cancelled> {
        let mut in_use = lock(&self.state.in_use);
        loop {
            cancel.check()?;
            if self.cap.is_none_or(|cap| *in_use < cap) {
                *in_use += 1;
                return Ok(Slot { sem: self });
            }
            in_use = self
                .state
                .freed
                .wait(in_use)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    #[cfg(test)]
    pub(super) fn in_use(&self) -> usize {
        *lock(&self.state.in_use)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut in_use = lock(&self.sem.state.in_use);
        *in_use = in_use.saturating_sub(1);
        drop(in_use);
        self.sem.state.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_released_on_drop() {
        let cancel = Cancel::new();
        let sem = Semaphore::new(2, &cancel);
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
        let cancel = Cancel::new();
        let sem = Semaphore::new(1, &cancel);
        let _held = sem.acquire(&cancel);
        std::thread::scope(|s| {
            let waiter = s.spawn(|| sem.acquire(&cancel).map(|_| ()));
            std::thread::sleep(std::time::Duration::from_millis(50));
            cancel.cancel();
            assert_eq!(waiter.join().ok(), Some(Err(Cancelled)));
        });
    }
}
