//! Retry policy: which failures are transient, exponential backoff with full jitter, and
//! `Retry-After` (seconds or HTTP-date).

use std::time::{Duration, SystemTime};

/// How often and how patiently to retry a transient failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The first backoff ceiling; it doubles with each attempt ...
    pub base: Duration,
    /// ... up to this.
    pub cap: Duration,
    /// The longest `Retry-After` that is waited out; a server asking for more makes the
    /// request fail at once with a clear error (and pauses the host for this long).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// The wait before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Delay {
    Wait(Duration),
    /// The server's `Retry-After` exceeds `max_retry_after`.
    TooLong(Duration),
}

impl RetryPolicy {
    /// Full-jitter backoff after `attempt` (1-based) failed: uniform in
    /// `[0, min(cap, base * 2^(attempt-1))]`. Jitter keeps workers that failed together
    /// from retrying together.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let ceiling = self.base.saturating_mul(1u32 << exp).min(self.cap);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// The wait after `attempt` failed: the server's `Retry-After` when it gave one (it
    /// knows best), else the jittered backoff.
    pub(super) fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Delay {
        match retry_after {
            Some(wait) if wait > self.max_retry_after => Delay::TooLong(wait),
            Some(wait) => Delay::Wait(wait),
            None => Delay::Wait(self.backoff(attempt)),
        }
    }
}

/// Statuses worth retrying: rate limiting and the server or gateway failures that pass.
/// Every other status (400, 401, 403, 404, ...) is the answer and is returned as is.
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Parse a `Retry-After` value: delay-seconds or an HTTP-date (relative to `now`; a date in
/// the past means "now"). `None` for anything else.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let when = SystemTime::from(date);
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// How a failed exchange is classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TransportClass {
    /// Worth retrying; counts as a host failure for the circuit.
    Transient { message: String, timeout: bool },
    /// The body went over the configured limit.
    TooLarge,
    /// The request itself is malformed (bad URI or header); nothing was sent.
    Invalid { message: String },
    /// Retrying cannot help (TLS/certificate trouble, decode errors, ...).
    Permanent { message: String },
}

/// Classify a `ureq` error from sending a request or reading its body. Messages never
/// carry the URL or header values (a bad URI's text is dropped on purpose).
pub(super) fn classify(err: &ureq::Error) -> TransportClass {
    use ureq::Error as E;
    let transient = |message: String| TransportClass::Transient {
        message,
        timeout: false,
    };
    match err {
        E::Timeout(which) => TransportClass::Transient {
            message: format!("{which:?} timeout"),
            timeout: true,
        },
        E::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => TransportClass::Transient {
            message: format!("io: {io}"),
            timeout: true,
        },
        // Refused, reset, aborted, or a body cut short (UnexpectedEof): the network or the
        // server hiccuped.
        E::Io(io) => transient(format!("io: {io}")),
        E::Protocol(_) | E::ConnectionFailed | E::HostNotFound | E::BodyStalled => {
            transient(err.to_string())
        }
        E::BodyExceedsLimit(_) => TransportClass::TooLarge,
        E::BadUri(_) => TransportClass::Invalid {
            message: "bad URI".to_string(),
        },
        E::Http(_) => TransportClass::Invalid {
            message: "invalid URI or header".to_string(),
        },
        other => TransportClass::Permanent {
            message: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_jittered_within_the_exponential_ceiling() {
        let p = RetryPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for _ in 0..200 {
            assert!(p.backoff(1) <= Duration::from_millis(100));
            assert!(p.backoff(2) <= Duration::from_millis(200));
            assert!(p.backoff(3) <= Duration::from_millis(350));
            assert!(p.backoff(40) <= Duration::from_millis(350));
        }
        let spread: std::collections::BTreeSet<_> = (0..50).map(|_| p.backoff(3)).collect();
        assert!(spread.len() > 10, "full jitter spreads the waits");
    }

    #[test]
    fn retry_after_wins_unless_too_long() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(7))),
            Delay::Wait(Duration::from_secs(7))
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(121))),
            Delay::TooLong(Duration::from_secs(121))
        );
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470); // 07:27:50
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn transient_statuses() {
        for s in [429, 500, 502, 503, 504] {
            assert!(is_transient_status(s), "{s}");
        }
        for s in [200, 301, 400, 401, 403, 404, 410, 501] {
            assert!(!is_transient_status(s), "{s}");
        }
    }

    #[test]
    fn classify_transport_errors() {
        use std::io::{Error, ErrorKind};
        let refused = ureq::Error::Io(Error::from(ErrorKind::ConnectionRefused));
        assert!(matches!(
            classify(&refused),
            TransportClass::Transient { timeout: false, .. }
        ));
        let cut = ureq::Error::Io(Error::from(ErrorKind::UnexpectedEof));
        assert!(matches!(classify(&cut), TransportClass::Transient { .. }));
        let slow = ureq::Error::Timeout(ureq::Timeout::Global);
        assert!(matches!(
            classify(&slow),
            TransportClass::Transient { timeout: true, .. }
        ));
        assert_eq!(
            classify(&ureq::Error::BodyExceedsLimit(10)),
            TransportClass::TooLarge
        );
        let bad = ureq::Error::BadUri("http://user:secret@x".into());
        assert_eq!(
            classify(&bad),
            TransportClass::Invalid {
                message: "bad URI".into()
            }
        );
    }
}
