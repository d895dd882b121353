//! The simulator's own enforcement: a per-source rate limit (answered 429), so clients can
//! be tested for politeness (injected failures: `faults.rs`).

use std::sync::Mutex;
use std::time::Instant;

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
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
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
}
