//! Fetch-once for identifiers: rows that name the same parcel (in any spelling) share one
//! fetch, even when they are processed at the same time.
//!
//! Results are kept for the most recent `capacity` distinct identifiers and, when a weight
//! is given, within a byte budget, so memory stays bounded on endless inputs and large
//! records; a duplicate further apart than that is fetched again.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex};

enum Slot<V> {
    Pending,
    Done(V),
}

struct Inner<V> {
    slots: HashMap<String, Slot<V>>,
    /// Kept keys, oldest first, with their weights.
    order: VecDeque<(String, usize)>,
    bytes: usize,
}

/// A bounded single-flight cache.
pub struct SingleFlight<V> {
    inner: Mutex<Inner<V>>,
    done: Condvar,
    capacity: usize,
    /// At most this many bytes of kept values, by `weigh` (no budget without one).
    budget: usize,
    weigh: Option<fn(&V) -> usize>,
}

/// Whether a value was computed by this caller or shared from another row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// This caller ran the computation (its requests are its own).
    Fetched,
    /// Another caller's value was reused: no request was sent for it.
    Shared,
}

/// Clears a pending slot if the computation unwinds, so waiters do not wait forever.
struct PendingGuard<'a, V> {
    flight: &'a SingleFlight<V>,
    key: &'a str,
    armed: bool,
}

impl<V> Drop for PendingGuard<'_, V> {
    fn drop(&mut self) {
        if self.armed {
            let mut inner = self
                .flight
                .inner
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            inner.slots.remove(self.key);
            self.flight.done.notify_all();
        }
    }
}

impl<V: Clone> SingleFlight<V> {
    pub(crate) fn new(capacity: usize) -> Self {
        SingleFlight {
            inner: Mutex::new(Inner {
                slots: HashMap::new(),
                order: VecDeque::new(),
                bytes: 0,
            }),
            done: Condvar::new(),
            capacity: capacity.max(1),
            budget: usize::MAX,
            weigh: None,
        }
    }

    /// Also keeps the values' total weight (by `weigh`, in bytes) within `budget`.
    pub fn with_budget(mut self, budget: usize, weigh: fn(&V) -> usize) -> Self {
        self.budget = budget;
        self.weigh = Some(weigh);
        self
    }

    /// Returns the value for `key`, computing it with `f` only if no other row has (or is).
    /// `keep(&v)` decides whether the value may be shared later (failures are not kept, so
    /// a later duplicate retries them).
    pub fn get_or_run(
        &self,
        key: &str,
        f: impl FnOnce() -> V,
        keep: impl Fn(&V) -> bool,
    ) -> (V, Origin) {
        {
            let mut inner = self
                .inner
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            loop {
                match inner.slots.get(key) {
                    Some(Slot::Done(v)) => return (v.clone(), Origin::Shared),
                    Some(Slot::Pending) => {
                        inner = self
                            .done
                            .wait(inner)
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                    }
                    None => {
                        inner.slots.insert(key.to_string(), Slot::Pending);
                        break;
                    }
                }
            }
        }
        let mut guard = PendingGuard {
            flight: self,
            key,
            armed: true,
        };
        let value = f();
        guard.armed = false;
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let weight = self.weigh.map_or(0, |w| w(&value));
        if keep(&value) && weight <= self.budget {
            inner
                .slots
                .insert(key.to_string(), Slot::Done(value.clone()));
            inner.order.push_back((key.to_string(), weight));
            inner.bytes += weight;
            while inner.order.len() > self.capacity || inner.bytes > self.budget {
                match inner.order.pop_front() {
                    Some((old, w)) => {
                        inner.slots.remove(&old);
                        inner.bytes -= w;
                    }
                    None => break,
                }
            }
        } else {
            inner.slots.remove(key);
        }
        self.done.notify_all();
        (value, Origin::Fetched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    #[test]
    fn concurrent_duplicates_fetch_once() {
        let sf = Arc::new(SingleFlight::new(100));
        let calls = Arc::new(AtomicU32::new(0));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (sf, calls) = (sf.clone(), calls.clone());
                std::thread::spawn(move || {
                    sf.get_or_run(
                        "apn:1",
                        || {
                            calls.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(50));
                            7
                        },
                        |_| true,
                    )
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(results.iter().all(|(v, _)| *v == 7));
        assert_eq!(
            results
                .iter()
                .filter(|(_, o)| *o == Origin::Fetched)
                .count(),
            1
        );
    }

    #[test]
    fn failures_are_not_kept_and_capacity_evicts() {
        let sf = SingleFlight::new(1);
        assert_eq!(sf.get_or_run("a", || -1, |v| *v >= 0).1, Origin::Fetched);
        assert_eq!(sf.get_or_run("a", || 1, |v| *v >= 0).1, Origin::Fetched);
        assert_eq!(sf.get_or_run("a", || 2, |_| true), (1, Origin::Shared));
        sf.get_or_run("b", || 3, |_| true);
        assert_eq!(sf.get_or_run("a", || 4, |_| true), (4, Origin::Fetched));
    }

    #[test]
    fn kept_values_stay_within_the_byte_budget() {
        let weigh: fn(&Vec<u8>) -> usize = Vec::len;
        let sf = SingleFlight::new(100).with_budget(10, weigh);
        sf.get_or_run("a", || vec![0; 6], |_| true);
        sf.get_or_run("b", || vec![0; 3], |_| true);
        assert_eq!(sf.get_or_run("a", || vec![1], |_| true).1, Origin::Shared);
        // Over the budget: the oldest goes.
        sf.get_or_run("c", || vec![0; 4], |_| true);
        assert_eq!(sf.get_or_run("a", || vec![1], |_| true).1, Origin::Fetched);
        // A value larger than the whole budget is never kept.
        sf.get_or_run("big", || vec![0; 11], |_| true);
        assert_eq!(
            sf.get_or_run("big", || vec![1], |_| true).1,
            Origin::Fetched
        );
    }
}
