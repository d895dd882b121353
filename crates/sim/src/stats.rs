//! Request statistics per simulated source, so tests and benchmarks can assert politeness.
//!
//! `max_requests_in_1s` is the largest number of requests that arrived within any one-second
//! sliding window; it is kept with a queue of the last second's arrival times per source.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mps_model::Service;

/// One source's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceStats {
    /// Requests received (the stats endpoint itself excluded).
    pub requests: u64,
    /// Requests answered 429 by the rate limit.
    pub status_429: u64,
    /// The most requests seen within any one second.
    pub max_requests_in_1s: u64,
}

/// What `GET /__sim/stats` serves: `{"sources": {"assessor": {...}, ...}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SimStats {
    /// Keyed by `Service::as_str()` ("assessor", "recorder", "treasurer").
    pub sources: BTreeMap<String, SourceStats>,
}

impl SimStats {
    /// One source's counters (zero when it saw nothing).
    pub fn source(&self, source: Service) -> SourceStats {
        self.sources
            .get(source.as_str())
            .copied()
            .unwrap_or_default()
    }
}

#[derive(Debug, Default)]
struct Counter {
    stats: SourceStats,
    window: VecDeque<Instant>,
}

/// Thread-safe recorder behind [`SimStats`].
#[derive(Debug, Default)]
pub struct StatsRecorder {
    counters: [Mutex<Counter>; 3],
}

fn index(source: Service) -> usize {
    Service::ALL.iter().position(|s| *s == source).unwrap_or(0)
}

impl StatsRecorder {
    /// Counts a request arriving now and returns its arrival time. The clock is read under the
    /// lock, so arrival times per source never go backwards even across connection threads.
    pub fn record_request_now(&self, source: Service) -> Instant {
        let mut c = self.lock(source);
        let now = Instant::now();
        Self::count(&mut c, now);
        now
    }

    /// Counts a request that arrived at `now` (arrival times must not go backwards).
    #[cfg(test)]
    pub fn record_request(&self, source: Service, now: Instant) {
        Self::count(&mut self.lock(source), now);
    }

    fn count(c: &mut Counter, now: Instant) {
        c.stats.requests += 1;
        while c
            .window
            .front()
            .is_some_and(|&t| now.duration_since(t) >= Duration::from_secs(1))
        {
            c.window.pop_front();
        }
        c.window.push_back(now);
        c.stats.max_requests_in_1s = c.stats.max_requests_in_1s.max(c.window.len() as u64);
    }

    pub fn record_429(&self, source: Service) {
        self.lock(source).stats.status_429 += 1;
    }

    pub fn snapshot(&self) -> SimStats {
        let sources = Service::ALL
            .iter()
            .map(|&s| (s.as_str().to_string(), self.lock(s).stats))
            .collect();
        SimStats { sources }
    }

    fn lock(&self, source: Service) -> std::sync::MutexGuard<'_, Counter> {
        // A panicking holder cannot leave the counters inconsistent, so a poisoned lock is fine.
        self.counters[index(source)]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_window_keeps_the_peak() {
        let rec = StatsRecorder::default();
        let t0 = Instant::now();
        for ms in [0, 100, 200, 900, 1150, 1200, 2500] {
            rec.record_request(Service::Assessor, t0 + Duration::from_millis(ms));
        }
        rec.record_429(Service::Assessor);
        let s = rec.snapshot().source(Service::Assessor);
        assert_eq!(
            s,
            SourceStats {
                requests: 7,
                status_429: 1,
                max_requests_in_1s: 4
            }
        );
        assert_eq!(
            rec.snapshot().source(Service::Recorder),
            SourceStats::default()
        );
    }
}
