//! The faults a simulated source injects, deterministically from the seed and a per-source
//! request counter: error statuses, connection resets, answers that never come, bodies cut
//! short, HTML where JSON was expected, pages whose script hangs or crashes the browser's
//! renderer, a window during which the source is down, and a latency spread.

use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use super::hash::{mix, tag};

/// One kind of fault.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, strum::VariantArray, strum::EnumMessage,
)]
#[strum(serialize_all = "lowercase")]
pub enum FaultKind {
    /// A 500 Internal Server Error answer.
    #[strum(serialize = "500")]
    Status500,
    /// A 502 Bad Gateway answer.
    #[strum(serialize = "502")]
    Status502,
    /// A 503 Service Unavailable answer (what `error_rate` injects).
    #[strum(serialize = "503")]
    Status503,
    /// The connection is closed without an answer.
    Reset,
    /// No answer until the simulator's hang time has passed, then the connection closes.
    Timeout,
    /// The body is cut short of its `Content-Length`.
    Truncated,
    /// A 200 whose body is an HTML maintenance page.
    Html,
    /// The right answer, but an HTML page also carries a script that spins forever: a
    /// browser's renderer hangs on it (a plain GET reads the page as usual; a JSON answer is
    /// left whole).
    #[strum(serialize = "page_hang")]
    PageHang,
    /// The right answer, but an HTML page also carries a script that allocates until the
    /// renderer runs out of memory and crashes (a plain GET and a JSON answer as above).
    #[strum(serialize = "page_crash")]
    PageCrash,
}

/// A fault name that is none of [`FaultKind`]'s (parsing keeps the text given).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fault {0:?}: expected 500, 502, 503, reset, timeout, truncated, html, page_hang or page_crash")]
pub struct UnknownFault(pub String);

/// Case-insensitive, surrounding whitespace ignored.
impl FromStr for FaultKind {
    type Err = UnknownFault;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        mps_model::names::parse_name(s).ok_or_else(|| UnknownFault(s.to_string()))
    }
}

/// A window, from the simulator's start, during which a source answers only 503.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownWindow {
    /// When the source goes down, counted from the simulator's start.
    pub start: Duration,
    /// How long it stays down.
    pub length: Duration,
}

impl DownWindow {
    /// Whether `since_start` (time since the simulator started) falls in the window.
    pub fn covers(&self, since_start: Duration) -> bool {
        since_start >= self.start && since_start < self.start + self.length
    }
}

/// Which requests of one source fail, and how.
#[derive(Debug)]
pub struct Faults {
    seed: u64,
    source: u64,
    /// Each kind with its share of requests; the shares add up to at most 1.
    mix: Vec<(FaultKind, f64)>,
    counter: Mutex<u64>,
}

impl Faults {
    pub fn new(seed: u64, source: u64, mix: Vec<(FaultKind, f64)>) -> Faults {
        Faults {
            seed,
            source,
            mix: mix
                .into_iter()
                .filter(|(_, share)| share.is_finite() && *share > 0.0)
                .collect(),
            counter: Mutex::new(0),
        }
    }

    /// The fault of the next request, if it gets one.
    pub fn next(&self) -> Option<FaultKind> {
        if self.mix.is_empty() {
            return None;
        }
        let mut n = self
            .counter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *n += 1;
        let roll = unit(mix(&[self.seed, tag::FAULT, self.source, *n]));
        let mut edge = 0.0;
        for (kind, share) in &self.mix {
            edge += share;
            if roll < edge {
                return Some(*kind);
            }
        }
        None
    }
}

/// A latency between `low` and `high`, spread evenly, decided by the seed and a counter.
pub fn spread_latency(seed: u64, n: u64, low: Duration, high: Duration) -> Duration {
    if high <= low {
        return low;
    }
    let roll = unit(mix(&[seed, tag::FAULT, 0xA7E, n]));
    low + (high - low).mul_f64(roll)
}

fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fault_gets_roughly_its_share_and_the_same_seed_the_same_faults() {
        let mix = vec![(FaultKind::Status503, 0.1), (FaultKind::Reset, 0.05)];
        let a = Faults::new(1, 0, mix.clone());
        let got: Vec<Option<FaultKind>> = (0..10_000).map(|_| a.next()).collect();
        let n503 = got
            .iter()
            .filter(|f| **f == Some(FaultKind::Status503))
            .count();
        let resets = got.iter().filter(|f| **f == Some(FaultKind::Reset)).count();
        assert!((800..1_200).contains(&n503), "{n503}");
        assert!((350..650).contains(&resets), "{resets}");
        let b = Faults::new(1, 0, mix);
        assert!(got.iter().all(|f| *f == b.next()));
        assert_eq!(Faults::new(1, 0, Vec::new()).next(), None);
    }

    #[test]
    fn kinds_parse_and_windows_cover_their_span() {
        assert_eq!("Reset".parse::<FaultKind>(), Ok(FaultKind::Reset));
        for (name, kind) in [
            ("500", FaultKind::Status500),
            (" 502", FaultKind::Status502),
            ("503 ", FaultKind::Status503),
            ("TIMEOUT", FaultKind::Timeout),
            ("truncated", FaultKind::Truncated),
            ("Html", FaultKind::Html),
            ("page_hang", FaultKind::PageHang),
            ("PAGE_CRASH", FaultKind::PageCrash),
        ] {
            assert_eq!(name.parse(), Ok(kind), "{name:?}");
        }
        assert_eq!(
            "teapot".parse::<FaultKind>().unwrap_err().to_string(),
            "unknown fault \"teapot\": expected 500, 502, 503, reset, timeout, truncated, html, \
             page_hang or page_crash"
        );
        assert!("5000".parse::<FaultKind>().is_err());
        let w = DownWindow {
            start: Duration::from_secs(2),
            length: Duration::from_secs(3),
        };
        assert!(!w.covers(Duration::from_secs(1)));
        assert!(w.covers(Duration::from_secs(2)));
        assert!(!w.covers(Duration::from_secs(5)));
    }

    #[test]
    fn latency_spreads_within_its_bounds() {
        let (lo, hi) = (Duration::from_millis(10), Duration::from_millis(50));
        for n in 0..100 {
            let d = spread_latency(3, n, lo, hi);
            assert!(d >= lo && d < hi, "{d:?}");
        }
    }
}
