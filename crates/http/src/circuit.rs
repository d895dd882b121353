//! The circuit breaker of one host: park a dead host after N consecutive failures so the
//! other hosts go on, then let one probe through after a cool-down.
//!
//! Pure state driven by explicit instants; the limiter owns the mutex around it.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { probe_in_flight: bool },
}

/// What the breaker says to a request that wants to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pass {
    /// Go ahead.
    Normal,
    /// Go ahead as the single half-open probe; its outcome decides the circuit.
    Probe,
    /// Fail fast; the circuit may let a probe through after this long (zero while a
    /// probe is already in flight).
    Denied { retry_in: Duration },
}

#[derive(Debug)]
pub(super) struct CircuitBreaker {
    /// Consecutive failures that open the circuit; 0 disables the breaker.
    threshold: u32,
    cooldown: Duration,
    state: State,
}

impl CircuitBreaker {
    pub(super) fn new(threshold: u32, cooldown: Duration) -> Self {
        Self {
            threshold,
            cooldown,
            state: State::Closed { failures: 0 },
        }
    }

    /// Ask to start a request at `now`. An open circuit whose cool-down has passed turns
    /// half-open and hands out exactly one probe.
    pub(super) fn try_pass(&mut self, now: Instant) -> Pass {
        match self.state {
            State::Closed { .. } => Pass::Normal,
            State::Open { until } if now < until => Pass::Denied {
                retry_in: until - now,
            },
            State::Open { .. }
            | State::HalfOpen {
                probe_in_flight: false,
            } => {
                self.state = State::HalfOpen {
                    probe_in_flight: true,
                };
                Pass::Probe
            }
            State::HalfOpen {
                probe_in_flight: true,
            } => Pass::Denied {
                retry_in: Duration::ZERO,
            },
        }
    }

    /// Whether a request asking at `now` would be denied (without claiming the probe).
    pub(super) fn is_open(&self, now: Instant) -> Option<Duration> {
        match self.state {
            State::Open { until } if now < until => Some(until - now),
            State::HalfOpen {
                probe_in_flight: true,
            } => Some(Duration::ZERO),
            _ => None,
        }
    }

    /// The host answered normally: close the circuit and forget earlier failures.
    pub(super) fn on_success(&mut self) {
        self.state = State::Closed { failures: 0 };
    }

    /// The host failed (connect error, timeout, truncated body, 5xx). Returns true when
    /// this failure opened the circuit.
    pub(super) fn on_failure(&mut self, now: Instant) -> bool {
        if self.threshold == 0 {
            return false;
        }
        match self.state {
            State::Closed { failures } if failures + 1 < self.threshold => {
                self.state = State::Closed {
                    failures: failures + 1,
                };
                false
            }
            State::Closed { .. } | State::HalfOpen { .. } => {
                self.state = State::Open {
                    until: now + self.cooldown,
                };
                true
            }
            // A straggler that started before the circuit opened: nothing new to learn.
            State::Open { .. } => false,
        }
    }

    /// A probe ended without an outcome (cancelled, or a reply that says nothing about the
    /// host's health such as 429): let the next request probe instead.
    pub(super) fn release_probe(&mut self) {
        if self.state
            == (State::HalfOpen {
                probe_in_flight: true,
            })
        {
            self.state = State::HalfOpen {
                probe_in_flight: false,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COOL: Duration = Duration::from_secs(30);

    #[test]
    fn opens_after_threshold_consecutive_failures() {
        let t0 = Instant::now();
        let mut c = CircuitBreaker::new(3, COOL);
        assert!(!c.on_failure(t0));
        assert!(!c.on_failure(t0));
        assert_eq!(c.try_pass(t0), Pass::Normal);
        assert!(c.on_failure(t0));
        assert_eq!(c.try_pass(t0), Pass::Denied { retry_in: COOL });
        assert_eq!(c.is_open(t0), Some(COOL));
    }

    #[test]
    fn a_success_resets_the_count() {
        let t0 = Instant::now();
        let mut c = CircuitBreaker::new(2, COOL);
        assert!(!c.on_failure(t0));
        c.on_success();
        assert!(!c.on_failure(t0));
        assert_eq!(c.try_pass(t0), Pass::Normal);
    }

    #[test]
    fn one_probe_after_cooldown_then_close_or_reopen() {
        let t0 = Instant::now();
        let mut c = CircuitBreaker::new(1, COOL);
        assert!(c.on_failure(t0));
        let later = t0 + COOL;
        assert_eq!(c.try_pass(later), Pass::Probe);
        assert_eq!(
            c.try_pass(later),
            Pass::Denied {
                retry_in: Duration::ZERO
            }
        );
        // The probe fails: open for another cool-down.
        assert!(c.on_failure(later));
        assert!(matches!(c.try_pass(later), Pass::Denied { .. }));
        let later = later + COOL;
        assert_eq!(c.try_pass(later), Pass::Probe);
        c.on_success();
        assert_eq!(c.try_pass(later), Pass::Normal);
    }

    #[test]
    fn a_released_probe_lets_another_through() {
        let t0 = Instant::now();
        let mut c = CircuitBreaker::new(1, COOL);
        c.on_failure(t0);
        assert_eq!(c.try_pass(t0 + COOL), Pass::Probe);
        c.release_probe();
        assert_eq!(c.try_pass(t0 + COOL), Pass::Probe);
    }

    #[test]
    fn threshold_zero_disables_the_breaker() {
        let t0 = Instant::now();
        let mut c = CircuitBreaker::new(0, COOL);
        for _ in 0..100 {
            assert!(!c.on_failure(t0));
        }
        assert_eq!(c.try_pass(t0), Pass::Normal);
    }
}
