//! A bounded queue that hands out the most urgent row first (ties in input order).
//!
//! The reader fills it from the stream, so priorities take effect within a window of
//! `capacity` rows while memory stays bounded however long the input is.

use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex};

/// An entry: lower `rank` first, then lower `seq` (input order).
struct Entry<T> {
    rank: u8,
    seq: u64,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, o: &Self) -> bool {
        (self.rank, self.seq) == (o.rank, o.seq)
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl<T> Ord for Entry<T> {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        // BinaryHeap is a max-heap: invert so the smallest (rank, seq) pops first.
        (o.rank, o.seq).cmp(&(self.rank, self.seq))
    }
}

struct State<T> {
    heap: BinaryHeap<Entry<T>>,
    seq: u64,
    closed: bool,
}

/// The queue. `push` blocks while full; `pop` blocks while empty and returns `None` once
/// the queue is closed and drained.
pub struct PriorityQueue<T> {
    state: Mutex<State<T>>,
    not_empty: Condvar,
    not_full: Condvar,
    capacity: usize,
}

impl<T> PriorityQueue<T> {
    pub(crate) fn new(capacity: usize) -> Self {
        PriorityQueue {
            state: Mutex::new(State {
                heap: BinaryHeap::new(),
                seq: 0,
                closed: false,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity: capacity.max(1),
        }
    }

    /// Adds an item (rank 0 is the most urgent). Returns false if the queue was closed.
    pub fn push(&self, rank: u8, item: T) -> bool {
        let mut st = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while st.heap.len() >= self.capacity && !st.closed {
            st = self
                .not_full
                .wait(st)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if st.closed {
            return false;
        }
        let seq = st.seq;
        st.seq += 1;
        st.heap.push(Entry { rank, seq, item });
        self.not_empty.notify_one();
        true
    }

    /// Takes the most urgent item.
    pub fn pop(&self) -> Option<T> {
        let mut st = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            if let Some(e) = st.heap.pop() {
                self.not_full.notify_one();
                return Some(e.item);
            }
            if st.closed {
                return None;
            }
            st = self
                .not_empty
                .wait(st)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// No more pushes: `pop` drains what is queued, then returns `None`.
    pub fn close(&self) {
        let mut st = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        st.closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }

    /// Drops everything queued and closes (used when a batch stops early).
    pub fn abandon(&self) -> usize {
        let mut st = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = st.heap.len();
        st.heap.clear();
        st.closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urgent_first_then_input_order() {
        let q = PriorityQueue::new(10);
        q.push(2, "normal-1");
        q.push(3, "low");
        q.push(0, "urgent");
        q.push(2, "normal-2");
        q.close();
        let got: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(got, ["urgent", "normal-1", "normal-2", "low"]);
    }

    #[test]
    fn push_blocks_when_full_until_popped() {
        let q = std::sync::Arc::new(PriorityQueue::new(2));
        let q2 = q.clone();
        let h = std::thread::spawn(move || {
            for i in 0..100 {
                q2.push(1, i);
            }
            q2.close();
        });
        let mut n = 0;
        while q.pop().is_some() {
            n += 1;
        }
        h.join().unwrap();
        assert_eq!(n, 100);
    }
}
