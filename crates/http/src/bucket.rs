//! The adaptive token bucket of one host: when the next request may start.
//!
//! Implemented as GCRA (virtual scheduling): each reservation returns a start time and
//! pushes the "theoretical arrival time" forward by one emission interval, so callers
//! sleep outside any lock and never spin. Pure state, driven by explicit instants.

use std::time::{Duration, Instant};

/// Multiplicative decrease on a throttle signal (429/503).
const DECREASE_FACTOR: f64 = 0.5;
/// Additive increase: this fraction of the ceiling ...
const INCREASE_FRACTION: f64 = 0.05;
/// ... after this many successes in a row at the reduced rate: from the floor back to the
/// ceiling in under twenty answers, seconds rather than minutes.
const SUCCESSES_PER_INCREASE: u32 = 1;
/// Errors (5xx, resets, timeouts) are noise until they are this share of ...
const OVERLOAD_ERROR_SHARE: f64 = 0.5;
/// ... the host's last answers (at least half of them counted): then the host is overloaded
/// and slows down as on a 429.
const OUTCOME_WINDOW: usize = 20;
/// The adaptive rate never drops below ceiling / 10, nor below this (unless the ceiling is lower).
const MIN_FLOOR: f64 = 0.1;

/// Rate state for one host. `ceiling == None` means unlimited.
#[derive(Debug)]
pub(super) struct TokenBucket {
    ceiling: Option<f64>,
    rate: f64,
    burst: u32,
    adaptive: bool,
    /// Theoretical arrival time: the start of the next request if the bucket were empty.
    tat: Option<Instant>,
    /// No request starts before this (from `Retry-After`).
    paused_until: Option<Instant>,
    successes: u32,
    last_decrease: Option<Instant>,
    /// The last answers, `true` for an error, oldest first (at most [`OUTCOME_WINDOW`]).
    outcomes: std::collections::VecDeque<bool>,
    /// Wall time during which at least one request waited for its start (union of the
    /// waits, not their sum: ten requests queued for one second cost one second).
    waited: Duration,
    /// The latest start handed out after a wait: waits before it are already counted.
    waited_until: Option<Instant>,
}

impl TokenBucket {
    /// `rate` in requests per second (0, negative or non-finite = unlimited), `burst` ≥ 1.
    pub(super) fn new(rate: f64, burst: u32, adaptive: bool) -> Self {
        let ceiling = (rate.is_finite() && rate > 0.0).then_some(rate);
        Self {
            ceiling,
            rate: ceiling.unwrap_or(0.0),
            burst: burst.max(1),
            adaptive,
            tat: None,
            paused_until: None,
            successes: 0,
            last_decrease: None,
            outcomes: std::collections::VecDeque::with_capacity(OUTCOME_WINDOW),
            waited: Duration::ZERO,
            waited_until: None,
        }
    }

    /// The configured ceiling in requests per second, `None` when unlimited.
    pub(super) fn ceiling(&self) -> Option<f64> {
        self.ceiling
    }

    /// How long, up to `now`, some request has been held back by this bucket (its rate or
    /// a `Retry-After` pause): the part of the run this host's politeness bounded.
    pub(super) fn waited(&self, now: Instant) -> Duration {
        let ahead = self
            .waited_until
            .map_or(Duration::ZERO, |u| u.saturating_duration_since(now));
        self.waited.saturating_sub(ahead)
    }

    fn note_wait(&mut self, now: Instant, start: Instant) {
        if start <= now {
            return;
        }
        let from = self.waited_until.map_or(now, |u| u.max(now));
        self.waited += start.saturating_duration_since(from);
        self.waited_until = Some(self.waited_until.map_or(start, |u| u.max(start)));
    }

    /// The current (possibly reduced) rate, or `None` when unlimited.
    pub(super) fn current_rate(&self) -> Option<f64> {
        self.ceiling.map(|_| self.rate)
    }

    pub(super) fn paused_until(&self) -> Option<Instant> {
        self.paused_until
    }

    /// Reserve the next start for a request asking at `now`; returns when it may start.
    pub(super) fn reserve(&mut self, now: Instant) -> Instant {
        let start = self.next_start(now);
        self.note_wait(now, start);
        start
    }

    fn next_start(&mut self, now: Instant) -> Instant {
        let earliest = self.paused_until.map_or(now, |p| p.max(now));
        let Some(ceiling) = self.ceiling else {
            return earliest;
        };
        let interval = Duration::from_secs_f64(1.0 / self.rate);
        // The burst tolerance is measured at the ceiling rate, not the current one: with a
        // tolerance that grew as the rate fell, a rate cut right after a burst would let
        // more than `burst` requests start at once. With it fixed, every sequence of starts
        // conforms to GCRA(1/ceiling, (burst-1)/ceiling): at most burst + ceiling*T in any
        // window of T seconds.
        let tolerance = Duration::from_secs_f64(f64::from(self.burst - 1) / ceiling);
        let tat = self.tat.unwrap_or(earliest);
        let start = tat
            .checked_sub(tolerance)
            .map_or(earliest, |allowed| allowed.max(earliest));
        self.tat = Some(tat.max(start) + interval);
        start
    }

    /// A 429/503: halve the rate (once per emission interval, so one burst of throttled
    /// replies counts as one signal) and, with `Retry-After`, pause all new starts.
    pub(super) fn on_throttled(&mut self, now: Instant, retry_after: Option<Duration>) {
        if let Some(wait) = retry_after {
            let until = now + wait;
            self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
        }
        let Some(ceiling) = self.ceiling else {
            return;
        };
        if !self.adaptive {
            return;
        }
        self.successes = 0;
        let interval = Duration::from_secs_f64(1.0 / self.rate);
        if self
            .last_decrease
            .is_some_and(|last| now.saturating_duration_since(last) < interval)
        {
            return;
        }
        let floor = (ceiling / 10.0).max(MIN_FLOOR).min(ceiling);
        self.rate = (self.rate * DECREASE_FACTOR).max(floor);
        self.last_decrease = Some(now);
    }

    /// Takes a new ceiling and burst (a worker's share of a host's budget changed). The
    /// current rate keeps its place relative to the ceiling (a slowed-down host stays slowed
    /// down); an unlimited bucket stays unlimited.
    pub(super) fn reshape(&mut self, ceiling: f64, burst: u32) {
        let Some(old) = self.ceiling else {
            return;
        };
        if !(ceiling.is_finite() && ceiling > 0.0) {
            return;
        }
        self.rate = (self.rate * ceiling / old).min(ceiling);
        self.ceiling = Some(ceiling);
        self.burst = burst.max(1);
    }

    /// A transient error (5xx, reset, timeout): honours a `Retry-After` pause, and slows the
    /// host down only when errors are a large share of its recent answers (overload); an
    /// isolated error is the retry's business, not the rate's.
    pub(super) fn on_error(&mut self, now: Instant, retry_after: Option<Duration>) {
        self.note_outcome(true);
        let errors = self.outcomes.iter().filter(|e| **e).count();
        let enough = self.outcomes.len() >= OUTCOME_WINDOW / 2;
        if enough && errors as f64 >= OVERLOAD_ERROR_SHARE * self.outcomes.len() as f64 {
            self.on_throttled(now, retry_after);
        } else if let Some(wait) = retry_after {
            let until = now + wait;
            self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
        }
    }

    fn note_outcome(&mut self, error: bool) {
        if self.outcomes.len() == OUTCOME_WINDOW {
            self.outcomes.pop_front();
        }
        self.outcomes.push_back(error);
    }

    /// A healthy reply: creep back towards the ceiling, never above it.
    pub(super) fn on_success(&mut self) {
        self.note_outcome(false);
        let Some(ceiling) = self.ceiling else {
            return;
        };
        if !self.adaptive || self.rate >= ceiling {
            return;
        }
        self.successes += 1;
        if self.successes >= SUCCESSES_PER_INCREASE {
            self.successes = 0;
            self.rate = (self.rate + ceiling * INCREASE_FRACTION).min(ceiling);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Property: whatever the arrival times, throttles, pauses and successes, the starts the
    /// bucket hands out never put more than `burst + rate` requests in any one-second
    /// window (checked on a simulated clock, over many random runs).
    #[test]
    fn no_one_second_window_ever_holds_more_than_rate_plus_burst() {
        for seed in 0..200u64 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let rate = [0.5, 2.0, 7.0, 40.0][rng.usize(0..4)];
            let burst = rng.u32(1..5);
            let mut b = TokenBucket::new(rate, burst, rng.bool());
            let t0 = Instant::now();
            let mut now = Duration::ZERO;
            let mut starts = Vec::new();
            for _ in 0..400 {
                // Callers arrive in bursts and lulls; replies of every kind come back.
                now += Duration::from_micros(rng.u64(0..(2_000_000.0 / rate) as u64));
                starts.push(b.reserve(t0 + now).duration_since(t0));
                match rng.u8(0..10) {
                    0 => b.on_throttled(t0 + now, None),
                    1 => b.on_error(t0 + now, None),
                    2 => b.on_throttled(t0 + now, Some(Duration::from_millis(rng.u64(0..800)))),
                    _ => b.on_success(),
                }
            }
            starts.sort();
            let ceiling = f64::from(burst) + rate;
            for (i, s) in starts.iter().enumerate() {
                let in_window = starts[i..]
                    .iter()
                    .take_while(|t| **t < *s + Duration::from_secs(1))
                    .count();
                assert!(
                    in_window as f64 <= ceiling + 1e-9,
                    "seed {seed}: {in_window} starts in 1 s at rate {rate}, burst {burst}"
                );
            }
        }
    }

    #[test]
    fn overlapping_waits_count_once() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 1, false);
        for _ in 0..5 {
            b.reserve(t0); // starts at 0, 100, 200, 300, 400 ms
        }
        assert_eq!(b.waited(t0 + ms(400)), ms(400));
        // Time scheduled but not yet passed is not counted.
        assert_eq!(b.waited(t0 + ms(100)), ms(100));
        // Idle, then a request that need not wait.
        assert_eq!(b.reserve(t0 + ms(2000)), t0 + ms(2000));
        assert_eq!(b.waited(t0 + ms(3000)), ms(400));
    }

    #[test]
    fn burst_then_spacing() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 3, false);
        let starts: Vec<_> = (0..5).map(|_| b.reserve(t0) - t0).collect();
        assert_eq!(starts, vec![ms(0), ms(0), ms(0), ms(100), ms(200)]);
    }

    #[test]
    fn idle_time_refills_at_most_burst() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 2, false);
        b.reserve(t0);
        let later = t0 + Duration::from_secs(10);
        let starts: Vec<_> = (0..3).map(|_| b.reserve(later) - later).collect();
        assert_eq!(starts, vec![ms(0), ms(0), ms(100)]);
    }

    #[test]
    fn unlimited_never_waits_but_honours_a_pause() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(0.0, 1, true);
        assert_eq!(b.current_rate(), None);
        assert_eq!(b.reserve(t0), t0);
        assert_eq!(b.reserve(t0), t0);
        b.on_throttled(t0, Some(ms(500)));
        assert_eq!(b.reserve(t0), t0 + ms(500));
    }

    #[test]
    fn a_rate_cut_after_a_burst_does_not_allow_a_bigger_burst() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 2, true);
        assert_eq!(b.reserve(t0), t0);
        assert_eq!(b.reserve(t0), t0);
        b.on_throttled(t0, None);
        assert_eq!(b.current_rate(), Some(5.0));
        assert!(
            b.reserve(t0) > t0,
            "a third immediate start would exceed burst 2"
        );
    }

    #[test]
    fn throttle_halves_once_per_interval_with_a_floor() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(2.0, 1, true);
        b.on_throttled(t0, None);
        b.on_throttled(t0 + ms(10), None); // same burst of replies: ignored
        assert_eq!(b.current_rate(), Some(1.0));
        let mut t = t0;
        for _ in 0..20 {
            t += Duration::from_secs(10);
            b.on_throttled(t, None);
        }
        assert_eq!(b.current_rate(), Some(0.2));
    }

    #[test]
    fn isolated_errors_keep_the_rate_and_an_error_storm_slows_it() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 1, true);
        // One error in ten answers: noise.
        for i in 0..100u64 {
            if i % 10 == 0 {
                b.on_error(t0 + ms(i * 100), None);
            } else {
                b.on_success();
            }
        }
        assert_eq!(b.current_rate(), Some(10.0));
        // An isolated error's Retry-After still pauses every start.
        b.on_error(t0 + ms(20_000), Some(ms(500)));
        assert_eq!(b.reserve(t0 + ms(20_000)), t0 + ms(20_500));
        assert_eq!(b.current_rate(), Some(10.0));
        // Most answers failing: overload, slow down.
        for i in 0..12u64 {
            b.on_error(t0 + ms(30_000 + i * 200), None);
        }
        assert!(b.current_rate().unwrap_or(10.0) < 10.0);
    }

    #[test]
    fn success_recovers_within_a_few_answers_up_to_the_ceiling() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(4.0, 1, true);
        b.on_throttled(t0, None);
        assert_eq!(b.current_rate(), Some(2.0));
        for _ in 0..4 {
            b.on_success();
        }
        let rate = b.current_rate().unwrap_or_default();
        assert!((rate - 2.8).abs() < 1e-9, "{rate}");
        for _ in 0..10 {
            b.on_success();
        }
        assert_eq!(
            b.current_rate(),
            Some(4.0),
            "back at the ceiling in 14 answers"
        );
        for _ in 0..10_000 {
            b.on_success();
        }
        assert_eq!(b.current_rate(), Some(4.0));
    }

    #[test]
    fn non_adaptive_keeps_its_rate_but_still_pauses() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(4.0, 1, false);
        b.on_throttled(t0, Some(ms(300)));
        assert_eq!(b.current_rate(), Some(4.0));
        assert_eq!(b.reserve(t0), t0 + ms(300));
    }
}
