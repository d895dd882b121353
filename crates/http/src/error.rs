//! `HttpError`: why a request finally failed, naming the host and the (redacted) URL.

use std::fmt;
use std::time::Duration;

/// A request that did not produce a usable reply. Every URL in here has been through
/// [`redact_url`](super::redact_url), and no variant carries request header values, so the
/// Display of any error is safe to log.
///
/// `Display` and `Error` are written by hand rather than with thiserror because thiserror
/// treats a field named `source` as the error's cause, and `source` (the host key `K`)
/// is the name the rest of the crate expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError<K> {
    /// A transient status (429, 5xx) still came back on the last attempt.
    Status {
        /// The host the request was for.
        source: K,
        /// The request's URL, redacted.
        url: String,
        /// The status of the last reply.
        status: u16,
        /// HTTP requests sent, the last included.
        attempts: u32,
    },
    /// Connect refused or reset, truncated body, DNS failure, TLS or protocol trouble.
    Transport {
        /// The host the request was for.
        source: K,
        /// The request's URL, redacted.
        url: String,
        /// What went wrong on the last attempt, as the transport describes it.
        message: String,
        /// HTTP requests sent, the last included.
        attempts: u32,
    },
    /// A connect, read or whole-request timeout on the last attempt.
    Timeout {
        /// The host the request was for.
        source: K,
        /// The request's URL, redacted.
        url: String,
        /// Which timeout fired, as the transport describes it.
        message: String,
        /// HTTP requests sent, the last included.
        attempts: u32,
    },
    /// The body is larger than the configured limit (never retried).
    TooLarge {
        /// The host the request was for.
        source: K,
        /// The request's URL, redacted.
        url: String,
        /// The body limit in bytes, the configured `max_body_bytes`.
        limit: u64,
        /// HTTP requests sent, the last included.
        attempts: u32,
    },
    /// The server asked (`Retry-After`) for a longer wait than the configured maximum.
    RetryAfterTooLong {
        /// The host the request was for.
        source: K,
        /// The request's URL, redacted.
        url: String,
        /// The status that carried the `Retry-After` (usually 429 or 503).
        status: u16,
        /// The wait the server asked for.
        requested: Duration,
        /// The longest `Retry-After` the retry policy waits out.
        limit: Duration,
        /// HTTP requests sent, the last included.
        attempts: u32,
    },
    /// The host's circuit breaker is open after repeated failures; nothing was sent.
    CircuitOpen {
        /// The host the request was for.
        source: K,
        /// The request's URL, redacted.
        url: String,
        /// Time left until the circuit lets its next probe request through.
        retry_in: Duration,
        /// Attempts sent before the circuit opened (0 if it was open from the start).
        attempts: u32,
    },
    /// The host's circuit stayed open for as long as a request may wait for it.
    HostUnavailable {
        /// The host the request was for.
        source: K,
        /// The request's URL, redacted.
        url: String,
        /// How long the request waited on the open circuit before giving up.
        waited: Duration,
        /// Attempts sent before the host was given up on.
        attempts: u32,
    },
    /// The run is being cancelled (Ctrl-C).
    Cancelled {
        /// The host the request was for.
        source: K,
        /// The request's URL, redacted.
        url: String,
        /// Attempts sent before the cancel.
        attempts: u32,
    },
    /// The request could not be built (malformed URL or header).
    InvalidRequest {
        /// The host the request was for.
        source: K,
        /// The request's URL, redacted.
        url: String,
        /// What is wrong with the request (or "no such host is configured").
        message: String,
    },
}

impl<K: Copy> HttpError<K> {
    /// The host the request was for.
    pub fn service(&self) -> K {
        match self {
            Self::Status { source, .. }
            | Self::Transport { source, .. }
            | Self::Timeout { source, .. }
            | Self::TooLarge { source, .. }
            | Self::RetryAfterTooLong { source, .. }
            | Self::CircuitOpen { source, .. }
            | Self::HostUnavailable { source, .. }
            | Self::Cancelled { source, .. }
            | Self::InvalidRequest { source, .. } => *source,
        }
    }

    /// The redacted URL of the request.
    pub fn url(&self) -> &str {
        match self {
            Self::Status { url, .. }
            | Self::Transport { url, .. }
            | Self::Timeout { url, .. }
            | Self::TooLarge { url, .. }
            | Self::RetryAfterTooLong { url, .. }
            | Self::CircuitOpen { url, .. }
            | Self::HostUnavailable { url, .. }
            | Self::Cancelled { url, .. }
            | Self::InvalidRequest { url, .. } => url,
        }
    }

    /// The last HTTP status received, if the failure was a status.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } | Self::RetryAfterTooLong { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// HTTP requests this call sent (attempts; 0 when nothing reached the network).
    pub fn attempts(&self) -> u32 {
        match self {
            Self::Status { attempts, .. }
            | Self::Transport { attempts, .. }
            | Self::Timeout { attempts, .. }
            | Self::TooLarge { attempts, .. }
            | Self::RetryAfterTooLong { attempts, .. }
            | Self::CircuitOpen { attempts, .. }
            | Self::HostUnavailable { attempts, .. }
            | Self::Cancelled { attempts, .. } => *attempts,
            Self::InvalidRequest { .. } => 0,
        }
    }

    /// Whether the failure is the run being cancelled rather than the host's doing.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Self::Cancelled { .. })
    }
}

fn attempts_text(n: u32) -> String {
    if n == 1 {
        "1 attempt".to_string()
    } else {
        format!("{n} attempts")
    }
}

fn secs(d: Duration) -> humantime::FormattedDuration {
    // Whole seconds (rounded up) read better than nanoseconds in a message.
    let whole = Duration::from_secs(d.as_secs() + u64::from(d.subsec_nanos() > 0));
    humantime::format_duration(whole)
}

impl<K: fmt::Display> fmt::Display for HttpError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status {
                source,
                url,
                status,
                attempts,
            } => write!(
                f,
                "{source}: GET {url}: HTTP {status} after {}",
                attempts_text(*attempts)
            ),
            Self::Transport {
                source,
                url,
                message,
                attempts,
            } => write!(
                f,
                "{source}: GET {url}: {message} (after {})",
                attempts_text(*attempts)
            ),
            Self::Timeout {
                source,
                url,
                message,
                attempts,
            } => write!(
                f,
                "{source}: GET {url}: timed out ({message}) after {}",
                attempts_text(*attempts)
            ),
            Self::TooLarge {
                source, url, limit, ..
            } => write!(
                f,
                "{source}: GET {url}: response body is larger than the limit of {limit} bytes"
            ),
            Self::RetryAfterTooLong {
                source,
                url,
                status,
                requested,
                limit,
                attempts,
            } => write!(
                f,
                "{source}: GET {url}: HTTP {status} with Retry-After {}, longer than the {} \
                 maximum; gave up after {}",
                secs(*requested),
                secs(*limit),
                attempts_text(*attempts)
            ),
            Self::CircuitOpen {
                source,
                url,
                retry_in,
                ..
            } => write!(
                f,
                "{source}: GET {url}: not sent, circuit open after repeated failures \
                 (next probe in {})",
                secs(*retry_in)
            ),
            Self::HostUnavailable {
                source,
                url,
                waited,
                ..
            } => write!(
                f,
                "{source}: GET {url}: host unavailable: it kept failing for {} (raise \
                 http.host_down_wait to wait longer)",
                secs(*waited)
            ),
            Self::Cancelled { source, url, .. } => write!(f, "{source}: GET {url}: cancelled"),
            Self::InvalidRequest {
                source,
                url,
                message,
            } => write!(f, "{source}: GET {url}: invalid request: {message}"),
        }
    }
}

impl<K: fmt::Debug + fmt::Display> std::error::Error for HttpError<K> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_host::TestHost;

    #[test]
    fn messages_name_source_and_url() {
        let e = HttpError::Status {
            source: TestHost::Treasurer,
            url: "http://h/p".into(),
            status: 503,
            attempts: 4,
        };
        assert_eq!(
            e.to_string(),
            "treasurer: GET http://h/p: HTTP 503 after 4 attempts"
        );
        let e = HttpError::RetryAfterTooLong {
            source: TestHost::Assessor,
            url: "http://h/p".into(),
            status: 429,
            requested: Duration::from_secs(3600),
            limit: Duration::from_secs(120),
            attempts: 1,
        };
        assert_eq!(
            e.to_string(),
            "assessor: GET http://h/p: HTTP 429 with Retry-After 1h, longer than the 2m \
             maximum; gave up after 1 attempt"
        );
        assert_eq!(e.service(), TestHost::Assessor);
        assert_eq!(e.status(), Some(429));
    }
}
