//! `HostLimiter`: everything that decides when a request to one host may start. A token
//! bucket (the rate ceiling, adaptive), a concurrency cap, `Retry-After` pauses and the
//! circuit breaker, all counted per HTTP request.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::bucket::TokenBucket;
use super::cancel::{Cancel, Cancelled};
use super::circuit::{CircuitBreaker, Pass};
use super::config::HostPolicy;
use super::lock::lock;
use super::semaphore::{Semaphore, Slot};

/// Why [`HostLimiter::acquire`] gave no permit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AcquireError {
    /// The host's circuit breaker is open and its `down_wait` is zero, so the request does
    /// not wait for the next probe.
    #[error("circuit open, next probe in {retry_in:?}")]
    CircuitOpen {
        /// Time left until the circuit lets its next probe request through.
        retry_in: Duration,
    },
    /// The circuit would stay open past the host's `down_wait`; the request gives up.
    #[error("host unavailable for {waited:?}: its circuit stayed open")]
    HostDown {
        /// How long the request had already waited on the open circuit.
        waited: Duration,
    },
    /// The shared cancel flag was set while waiting.
    #[error("cancelled")]
    Cancelled,
}

impl From<Cancelled> for AcquireError {
    fn from(_: Cancelled) -> Self {
        Self::Cancelled
    }
}

/// The politeness gate of one host, shared by all workers.
#[derive(Debug)]
pub struct HostLimiter {
    bucket: Mutex<TokenBucket>,
    slots: Semaphore,
    circuit: Mutex<CircuitBreaker>,
    cancel: Cancel,
    /// How long a request waits out an open circuit before giving up.
    down_wait: Duration,
    /// Set once a request gave up on this host: it stayed unavailable past `down_wait`.
    gave_up: std::sync::atomic::AtomicBool,
    /// The whole budget as configured (rate, burst), before any sharing among processes.
    budget: (f64, u32),
}

/// Leave to send one HTTP request. Holds a concurrency slot until dropped; report the
/// outcome (`on_success` / `on_throttled` / `on_failure`) before dropping it.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a HostLimiter,
    /// This request is the circuit's half-open probe.
    probe: bool,
    _slot: Slot<'a>,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if self.probe {
            // No-op if the outcome was reported; otherwise lets another request probe.
            lock(&self.limiter.circuit).release_probe();
        }
    }
}

impl HostLimiter {
    /// A limiter for one host under `policy`; waits end early once `cancel` is set.
    pub fn new(policy: &HostPolicy, cancel: Cancel) -> Self {
        Self {
            bucket: Mutex::new(TokenBucket::new(policy.rate, policy.burst, policy.adaptive)),
            slots: Semaphore::new(policy.concurrency, &cancel),
            circuit: Mutex::new(CircuitBreaker::new(
                policy.circuit_threshold,
                policy.circuit_cooldown,
            )),
            cancel,
            down_wait: policy.down_wait,
            gave_up: std::sync::atomic::AtomicBool::new(false),
            budget: (policy.rate, policy.burst.max(1)),
        }
    }

    /// Takes this process's share of the host's budget when `processes` processes (workers
    /// on any machine) send to it at once. Each gets a burst of `burst / processes` (at
    /// least one) and a rate chosen so that, summed over all of them, rate × 1 s plus burst
    /// stays within the configured rate plus burst: no one-second window sees more than one
    /// process alone would allow, and the sustained total stays at or below 95 % of the
    /// configured rate (the rest is margin for the jitter between processes). With as many
    /// processes as rate plus burst or more, the bound cannot hold (each process may start
    /// one request at once): each then keeps a tenth of an equal share of the rate, and a
    /// one-second window may see one request per process. An unlimited host stays unlimited.
    pub fn share_among(&self, processes: u32) {
        let (rate, burst) = self.budget;
        if !(rate.is_finite() && rate > 0.0) {
            return;
        }
        let (ceiling, burst) = share(rate, burst, processes.max(1));
        lock(&self.bucket).reshape(ceiling, burst);
    }

    /// Block until this host may start one more request: a concurrency slot is free and
    /// the token bucket's next start time has come. While the circuit is open the request
    /// waits for the next probe, up to `down_wait` in all (zero: it fails at once).
    pub fn acquire(&self) -> Result<Permit<'_>, AcquireError> {
        let began = Instant::now();
        loop {
            match self.try_acquire() {
                Err(AcquireError::CircuitOpen { retry_in }) if !self.down_wait.is_zero() => {
                    let waited = began.elapsed();
                    if waited + retry_in > self.down_wait {
                        self.gave_up
                            .store(true, std::sync::atomic::Ordering::SeqCst);
                        return Err(AcquireError::HostDown { waited });
                    }
                    // Wait for the probe (another request's); a little past it, so the probe
                    // has been let through and answered by the time we look again.
                    self.cancel.sleep(retry_in.max(Duration::from_millis(50)))?;
                }
                other => return other,
            }
        }
    }

    /// Whether a request gave up on this host after waiting `down_wait` for it.
    pub fn gave_up(&self) -> bool {
        self.gave_up.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn try_acquire(&self) -> Result<Permit<'_>, AcquireError> {
        self.cancel.check()?;
        if let Some(retry_in) = lock(&self.circuit).is_open(Instant::now()) {
            return Err(AcquireError::CircuitOpen { retry_in });
        }
        // Slot first, token second: a token reserved before waiting for a slot could be
        // spent late, bunched with later ones, and break the rate ceiling.
        let slot = self.slots.acquire(&self.cancel)?;
        self.wait_for_token()?;
        // The circuit may have opened while we waited; this is also where the one
        // half-open probe is claimed.
        let probe = match lock(&self.circuit).try_pass(Instant::now()) {
            Pass::Normal => false,
            Pass::Probe => true,
            Pass::Denied { retry_in } => return Err(AcquireError::CircuitOpen { retry_in }),
        };
        Ok(Permit {
            limiter: self,
            probe,
            _slot: slot,
        })
    }

    /// Reserve a start time under the lock, sleep outside it. A `Retry-After` pause that
    /// arrived while we slept and covers our start sends us back for a new reservation.
    fn wait_for_token(&self) -> Result<(), Cancelled> {
        loop {
            let start = lock(&self.bucket).reserve(Instant::now());
            self.cancel.sleep_until(start)?;
            match lock(&self.bucket).paused_until() {
                Some(until) if until > start => continue,
                _ => return Ok(()),
            }
        }
    }

    /// A 429 or 503: slow down (if adaptive) and, with `Retry-After`, hold every new start
    /// for this host until then.
    pub fn on_throttled(&self, retry_after: Option<Duration>) {
        lock(&self.bucket).on_throttled(Instant::now(), retry_after);
    }

    /// A transient error: honour its `Retry-After`; slow down only if errors dominate the
    /// host's recent answers.
    pub fn on_error(&self, retry_after: Option<Duration>) {
        lock(&self.bucket).on_error(Instant::now(), retry_after);
    }

    /// A healthy reply: close the circuit and let the rate creep back up.
    pub fn on_success(&self) {
        lock(&self.circuit).on_success();
        lock(&self.bucket).on_success();
    }

    /// A failed request (connect error, timeout, truncated body, 5xx). Returns true when
    /// this failure opened the circuit.
    pub fn on_failure(&self) -> bool {
        lock(&self.circuit).on_failure(Instant::now())
    }

    /// The configured rate ceiling; `None` if unlimited.
    pub fn ceiling(&self) -> Option<f64> {
        lock(&self.bucket).ceiling()
    }

    /// How long some request to this host has waited for its rate (or a pause) so far.
    pub fn waited(&self) -> Duration {
        lock(&self.bucket).waited(Instant::now())
    }

    /// The current request rate (below the ceiling after throttling); `None` if unlimited.
    pub fn current_rate(&self) -> Option<f64> {
        lock(&self.bucket).current_rate()
    }
}

/// The share of the rate that processes sharing a host leave unused: their requests reach
/// the host with the jitter of separate clocks, threads and connections, which no one
/// process's bucket can smooth out.
const SHARED_MARGIN: f64 = 0.05;

/// One process's (rate, burst) out of `processes` sharing `rate` and `burst`.
fn share(rate: f64, burst: u32, processes: u32) -> (f64, u32) {
    if processes <= 1 {
        return (rate, burst.max(1));
    }
    let n = f64::from(processes);
    let each_burst = (burst / processes).max(1);
    let left = rate * (1.0 - SHARED_MARGIN) + f64::from(burst) - n * f64::from(each_burst);
    let each_rate = if left > 0.0 {
        (left / n).min(rate / n)
    } else {
        rate / n / 10.0
    };
    (each_rate, each_burst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn policy(rate: f64, burst: u32, concurrency: usize) -> HostPolicy {
        HostPolicy {
            rate,
            burst,
            concurrency,
            adaptive: false,
            ..HostPolicy::default()
        }
    }

    /// Property: processes that each took their share, all sending as fast as their buckets
    /// allow from the same instant, never put more than the configured rate + burst into
    /// any one-second window together (simulated clock), and sustain at most the rate.
    #[test]
    fn shares_together_stay_within_rate_plus_burst() {
        use crate::bucket::TokenBucket;
        for rate in [2.0, 5.0, 20.0, 50.0] {
            for burst in 1..5u32 {
                // Fewer processes than rate + burst: beyond that each still starts one
                // request at once (its burst of 1), and the bound cannot hold.
                for processes in (1..7u32).filter(|n| f64::from(*n) < rate + f64::from(burst)) {
                    let (each_rate, each_burst) = share(rate, burst, processes);
                    assert!(each_rate > 0.0 && each_burst >= 1);
                    let t0 = Instant::now();
                    let mut starts = Vec::new();
                    for _ in 0..processes {
                        let mut b = TokenBucket::new(each_rate, each_burst, false);
                        for _ in 0..(each_rate * 10.0).ceil() as usize + 5 {
                            starts.push(b.reserve(t0).duration_since(t0));
                        }
                    }
                    starts.sort();
                    let limit = rate + f64::from(burst);
                    for (i, s) in starts.iter().enumerate() {
                        let n = starts[i..]
                            .iter()
                            .take_while(|t| **t < *s + Duration::from_secs(1))
                            .count();
                        assert!(
                            n as f64 <= limit + 1e-9,
                            "{processes} processes at {rate}/s burst {burst}: {n} in 1 s"
                        );
                    }
                    assert!(each_rate * f64::from(processes) <= rate + 1e-9);
                }
            }
        }
    }

    #[test]
    fn a_share_reshapes_the_bucket_and_the_whole_comes_back() {
        let l = HostLimiter::new(&policy(20.0, 2, 4), Cancel::new());
        l.share_among(2);
        assert_eq!(l.ceiling(), Some(9.5));
        l.share_among(3);
        assert!((l.ceiling().unwrap_or(0.0) - 18.0 / 3.0).abs() < 1e-9);
        l.share_among(1);
        assert_eq!(l.ceiling(), Some(20.0));
        let free = HostLimiter::new(&policy(0.0, 2, 4), Cancel::new());
        free.share_among(3);
        assert_eq!(free.ceiling(), None);
    }

    /// For every window [t_i, t_j] of sorted start times, the starts in it must not exceed
    /// burst + rate * length; `slack` absorbs late wake-ups of the sleeping threads.
    fn assert_ceiling(starts: &mut [f64], rate: f64, burst: u32, slack: f64) {
        starts.sort_by(f64::total_cmp);
        for i in 0..starts.len() {
            for j in i..starts.len() {
                let count = (j - i + 1) as f64;
                let window = starts[j] - starts[i];
                let allowed = f64::from(burst) + rate * (window + slack);
                assert!(
                    count <= allowed,
                    "{count} starts in {window:.4}s exceed {burst} + {rate}/s"
                );
            }
        }
    }

    #[test]
    fn token_bucket_never_exceeds_the_ceiling() {
        let (rate, burst, n) = (20.0, 1, 40);
        let limiter = HostLimiter::new(&policy(rate, burst, 0), Cancel::new());
        let t0 = Instant::now();
        let starts = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..n / 8 {
                        let permit = limiter.acquire();
                        assert!(permit.is_ok());
                        lock(&starts).push(t0.elapsed().as_secs_f64());
                    }
                });
            }
        });
        let mut starts = starts
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        assert_eq!(starts.len(), n);
        // The start times are read after `acquire` returns, so a thread descheduled in
        // between records late; 60 ms of slack absorbs that on a loaded 2-core machine while
        // the total below still holds the average rate to the ceiling.
        assert_ceiling(&mut starts, rate, burst, 0.06);
        let total = t0.elapsed().as_secs_f64();
        let bound = (n as f64 - f64::from(burst)) / rate;
        assert!(total >= bound - 0.01, "{total} < {bound}");
    }

    #[test]
    fn burst_starts_at_once_then_spaces_out() {
        let limiter = HostLimiter::new(&policy(50.0, 5, 0), Cancel::new());
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(limiter.acquire().is_ok());
        }
        // Five spaced starts would take 80 ms; a burst is far quicker even on a busy machine.
        assert!(t0.elapsed() < Duration::from_millis(60));
        for _ in 0..5 {
            assert!(limiter.acquire().is_ok());
        }
        assert!(t0.elapsed() >= Duration::from_millis(95));
    }

    #[test]
    fn concurrency_cap_is_never_exceeded() {
        let cap = 3;
        let limiter = HostLimiter::new(&policy(0.0, 1, cap), Cancel::new());
        let in_flight = AtomicUsize::new(0);
        let max_seen = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..16 {
                s.spawn(|| {
                    for _ in 0..5 {
                        let Ok(permit) = limiter.acquire() else {
                            panic!("acquire failed");
                        };
                        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                        max_seen.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(3));
                        in_flight.fetch_sub(1, Ordering::SeqCst);
                        drop(permit);
                    }
                });
            }
        });
        let max = max_seen.load(Ordering::SeqCst);
        assert!(max <= cap, "{max} in flight > cap {cap}");
        assert_eq!(max, cap, "16 threads should fill the cap");
        assert_eq!(limiter.slots.in_use(), 0);
    }

    #[test]
    fn retry_after_pauses_every_new_start() {
        let limiter = HostLimiter::new(&policy(0.0, 1, 0), Cancel::new());
        limiter.on_throttled(Some(Duration::from_millis(200)));
        let t0 = Instant::now();
        assert!(limiter.acquire().is_ok());
        assert!(t0.elapsed() >= Duration::from_millis(190));
    }

    #[test]
    fn adaptive_throttle_lowers_the_rate_and_success_restores_it() {
        let p = HostPolicy {
            adaptive: true,
            ..policy(10.0, 1, 0)
        };
        let limiter = HostLimiter::new(&p, Cancel::new());
        limiter.on_throttled(None);
        assert_eq!(limiter.current_rate(), Some(5.0));
        for _ in 0..1000 {
            limiter.on_success();
        }
        assert_eq!(limiter.current_rate(), Some(10.0));
    }

    #[test]
    fn circuit_fails_fast_then_probes() {
        let p = HostPolicy {
            circuit_threshold: 2,
            circuit_cooldown: Duration::from_millis(100),
            down_wait: Duration::ZERO,
            ..policy(0.0, 1, 0)
        };
        let limiter = HostLimiter::new(&p, Cancel::new());
        assert!(!limiter.on_failure());
        assert!(limiter.on_failure());
        assert!(matches!(
            limiter.acquire(),
            Err(AcquireError::CircuitOpen { .. })
        ));
        std::thread::sleep(Duration::from_millis(110));
        let probe = limiter.acquire();
        assert!(probe.as_ref().is_ok_and(|p| p.probe));
        // Only one probe at a time.
        assert!(matches!(
            limiter.acquire(),
            Err(AcquireError::CircuitOpen { .. })
        ));
        limiter.on_success();
        drop(probe);
        assert!(limiter.acquire().is_ok_and(|p| !p.probe));
    }

    #[test]
    fn cancel_stops_a_waiting_acquire() {
        let cancel = Cancel::new();
        let limiter = Arc::new(HostLimiter::new(&policy(0.5, 1, 0), cancel.clone()));
        assert!(limiter.acquire().is_ok());
        let t0 = Instant::now();
        let waiter = {
            let limiter = Arc::clone(&limiter);
            std::thread::spawn(move || limiter.acquire().map(|_| ()))
        };
        std::thread::sleep(Duration::from_millis(50));
        cancel.cancel();
        assert_eq!(waiter.join().ok(), Some(Err(AcquireError::Cancelled)));
        assert!(t0.elapsed() < Duration::from_millis(500));
    }
}
