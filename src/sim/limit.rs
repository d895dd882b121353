//! The simulator's own enforcement: a per-source rate limit (answered 429) and injected
//! failures (answered 503), so clients can be tested for politeness and resilience.

use std::sync::Mutex;
use std::time::Instant;

use super::hash::{mix, tag};

/// A token bucket: `rate` requests a second with a burst of one second's worth (at least 1).
#[derive(Debug)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Option<Instant>)>,
}

impl TokenBucket {
    pub fn new(rate: f64) -> TokenBucket {
        let burst = rate.max(1.0);
        TokenBucket {
            rate,
            burst,
            state: Mutex::new((burst, None)),
        }
    }

    /// Takes a token for a request arriving at `now`; false means "answer 429".
    pub fn try_take(&self, now: Instant) -> bool {
        if self.rate.is_nan() || self.rate <= 0.0 || self.rate.is_infinite() {
            // A zero, negative or NaN rate means "no limit" rather than "refuse everything".
            return true;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = &mut *state;
        if let Some(prev) = *last {
            *tokens = (*tokens + now.saturating_duration_since(prev).as_secs_f64() * self.rate)
                .min(self.burst);
        }
        *last = Some(now);
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Decides, deterministically from the seed and a request counter, which requests fail.
#[derive(Debug)]
pub struct Faults {
    seed: u64,
    source: u64,
    rate: f64,
    counter: Mutex<u64>,
}

impl Faults {
    pub fn new(seed: u64, source: u64, rate: f64) -> Faults {
        Faults {
            seed,
            source,
            rate,
            counter: Mutex::new(0),
        }
    }

    /// Should the next request fail?
    pub fn next_fails(&self) -> bool {
        if self.rate.is_nan() || self.rate <= 0.0 {
            return false;
        }
        let mut n = self.counter.lock().unwrap_or_else(|e| e.into_inner());
        *n += 1;
        let roll =
            (mix(&[self.seed, tag::FAULT, self.source, *n]) >> 11) as f64 / (1u64 << 53) as f64;
        roll < self.rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bucket_allows_the_rate_and_refuses_the_excess() {
        let bucket = TokenBucket::new(10.0);
        let t0 = Instant::now();
        let first: usize = (0..20).filter(|_| bucket.try_take(t0)).count();
        assert_eq!(first, 10);
        let later: usize = (0..20)
            .filter(|_| bucket.try_take(t0 + Duration::from_millis(500)))
            .count();
        assert_eq!(later, 5);
        assert!(TokenBucket::new(0.0).try_take(t0));
    }

    #[test]
    fn fault_rate_is_roughly_honoured() {
        let faults = Faults::new(1, 0, 0.2);
        let failed = (0..10_000).filter(|_| faults.next_fails()).count();
        assert!((1_700..2_300).contains(&failed), "{failed}");
        assert!(!Faults::new(1, 0, 0.0).next_fails());
    }
}
