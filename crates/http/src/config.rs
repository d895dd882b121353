//! HTTP settings: timeouts, body limit, user agent, retries, connection pool and each
//! host's politeness; checked once when the client is built.

use std::collections::BTreeMap;
use std::time::Duration;

use super::retry::RetryPolicy;
use super::HostKey;

/// Politeness settings for one county host.
#[derive(Debug, Clone, PartialEq)]
pub struct HostPolicy {
    /// Ceiling in requests per second, counted per HTTP request (retries and redirects
    /// included). 0 means unlimited.
    pub rate: f64,
    /// How many requests may start at once after an idle spell (at least 1).
    pub burst: u32,
    /// Requests in flight at once. 0 means no cap.
    pub concurrency: usize,
    /// Slow down on 429/503 and speed back up (never above `rate`) while healthy.
    pub adaptive: bool,
    /// Consecutive failures that open the circuit. 0 disables the breaker.
    pub circuit_threshold: u32,
    /// How long an open circuit fails fast before one probe is let through.
    pub circuit_cooldown: Duration,
    /// How long a request waits for a host whose circuit is open (probing it every
    /// cooldown) before it gives up with the host unavailable. Zero fails at once.
    pub down_wait: Duration,
}

impl Default for HostPolicy {
    /// reference/county-services.md section 5: at most 2 requests/second and 2 in flight.
    fn default() -> Self {
        Self {
            rate: 2.0,
            burst: 2,
            concurrency: 2,
            adaptive: true,
            circuit_threshold: 10,
            circuit_cooldown: Duration::from_secs(30),
            down_wait: Duration::from_secs(300),
        }
    }
}

impl HostPolicy {
    /// No rate limit and no concurrency cap (the simulator, tests); breaker as default.
    pub fn unlimited() -> Self {
        Self {
            rate: 0.0,
            concurrency: 0,
            ..Self::default()
        }
    }
}

/// Settings for the shared [`HttpClient`](super::HttpClient), its hosts named by `K`.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpConfig<K> {
    /// Connection setup limit (DNS, TCP, TLS). Zero disables it.
    pub timeout_connect: Duration,
    /// Whole-request limit, body included. Zero disables it.
    pub timeout_global: Duration,
    /// A response body larger than this is a non-transient error.
    pub max_body_bytes: u64,
    /// The `User-Agent` header sent with every request (default `mps/<version>`).
    pub user_agent: String,
    /// The hosts the client serves, each with its politeness. A request to a host missing
    /// here fails as an invalid request.
    pub hosts: BTreeMap<K, HostPolicy>,
    /// Attempts per request in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// First backoff ceiling; doubles per attempt (full jitter below it) ...
    pub backoff_base: Duration,
    /// ... up to this.
    pub backoff_cap: Duration,
    /// Idle connections kept for reuse across all hosts; 0 turns reuse off. Each host
    /// keeps at least as many as its concurrency (and the total grows to fit), because a
    /// smaller per-host pool makes the workers churn sockets.
    pub pool_size: usize,
}

impl<K: HostKey> HttpConfig<K> {
    /// The default settings for `hosts`, each with the default [`HostPolicy`].
    pub fn new(hosts: impl IntoIterator<Item = K>) -> Self {
        Self {
            hosts: hosts
                .into_iter()
                .map(|host| (host, HostPolicy::default()))
                .collect(),
            ..Self::default()
        }
    }
}

impl<K> Default for HttpConfig<K> {
    /// The default settings with no hosts yet: fill in `hosts` (or use [`HttpConfig::new`]).
    fn default() -> Self {
        let retry = RetryPolicy::default();
        Self {
            timeout_connect: Duration::from_secs(10),
            timeout_global: Duration::from_secs(60),
            max_body_bytes: 8 * 1024 * 1024,
            user_agent: concat!("mps/", env!("CARGO_PKG_VERSION")).to_string(),
            hosts: BTreeMap::new(),
            max_attempts: retry.max_attempts,
            backoff_base: retry.base,
            backoff_cap: retry.cap,
            pool_size: 20,
        }
    }
}

/// A setting the client cannot work with.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError<K> {
    /// The configured user agent (carried here) cannot be sent as a header value.
    #[error("http: the user agent {0:?} is not a valid header value")]
    UserAgent(String),
    /// A host's rate is negative, infinite or NaN.
    #[error("http: rate for {host} must be a number of requests per second ≥ 0 (0 = unlimited), got {rate}")]
    Rate {
        /// The host whose policy is wrong.
        host: K,
        /// The rate it was given.
        rate: f64,
    },
    /// `hosts` is empty, so every request would fail.
    #[error("http: no hosts are configured")]
    NoHosts,
    /// `max_attempts` is 0, so no request would ever be sent.
    #[error("http: max_attempts must be at least 1")]
    NoAttempts,
    /// `max_body_bytes` is 0, so every body would be too large.
    #[error("http: max_body_bytes must be more than 0")]
    NoBody,
}

impl<K: HostKey> HttpConfig<K> {
    /// The retry policy these settings describe. The longest `Retry-After` waited out is
    /// the built-in [`RetryPolicy::default`] maximum (120 s).
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: self.max_attempts,
            base: self.backoff_base,
            cap: self.backoff_cap,
            ..RetryPolicy::default()
        }
    }

    /// Reject settings that would make every request fail or the limiter misbehave.
    pub fn validate(&self) -> Result<(), ConfigError<K>> {
        if ureq::http::HeaderValue::from_str(&self.user_agent).is_err() {
            return Err(ConfigError::UserAgent(self.user_agent.clone()));
        }
        if self.hosts.is_empty() {
            return Err(ConfigError::NoHosts);
        }
        for (host, policy) in &self.hosts {
            let rate = policy.rate;
            if !rate.is_finite() || rate < 0.0 {
                return Err(ConfigError::Rate { host: *host, rate });
            }
        }
        if self.max_attempts == 0 {
            return Err(ConfigError::NoAttempts);
        }
        if self.max_body_bytes == 0 {
            return Err(ConfigError::NoBody);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_host::TestHost;

    #[test]
    fn defaults_are_valid_and_polite() {
        let c = HttpConfig::new(TestHost::ALL);
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(c.hosts.keys().copied().collect::<Vec<_>>(), TestHost::ALL);
        for policy in c.hosts.values() {
            assert_eq!((policy.rate, policy.concurrency), (2.0, 2));
        }
        assert_eq!(c.retry_policy(), RetryPolicy::default());
    }

    #[test]
    fn no_hosts_is_an_error() {
        let c = HttpConfig::<TestHost>::default();
        assert_eq!(c.validate(), Err(ConfigError::NoHosts));
    }

    #[test]
    fn bad_settings_are_named() {
        let mut c = HttpConfig {
            user_agent: "mps\r\nX-Evil: 1".into(),
            ..HttpConfig::new(TestHost::ALL)
        };
        assert!(matches!(c.validate(), Err(ConfigError::UserAgent(_))));
        c.user_agent = "mps".into();
        c.hosts.insert(
            TestHost::Recorder,
            HostPolicy {
                rate: -1.0,
                ..HostPolicy::default()
            },
        );
        let err = c
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("recorder") && err.contains("-1"), "{err}");
    }
}
