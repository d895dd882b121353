//! Locking the crate's mutexes without poisoning: the counters and lists they guard stay
//! consistent under any interleaving, so a thread that panicked holding one loses nothing.

use std::sync::{Mutex, MutexGuard};

/// Locks `m`, recovering the data if another thread panicked while holding it.
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
