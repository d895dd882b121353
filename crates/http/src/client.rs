//! `HttpClient`: the one shared `ureq` agent behind each host's limiter, with retries,
//! redirects followed hop by hop, body limits and statistics.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::cancel::Cancel;
use super::config::{ConfigError, HttpConfig};
use super::error::HttpError;
use super::limiter::{AcquireError, HostLimiter};
use super::redact::redact_url;
use super::redirect::{
    add_cookie, is_credential_header, is_redirect, resolve, same_origin, MAX_REDIRECTS,
};
use super::resolve::QuickResolver;
use super::response::{header, Response};
use super::retry::{
    classify, is_transient_status, parse_retry_after, Delay, RetryPolicy, TransportClass,
};
use super::stats::{add, Counters, HostStats};
use super::HostKey;

/// Idle connections kept per host when a host's concurrency is uncapped.
const UNCAPPED_POOL: usize = 32;

/// The shared HTTP client for the hosts its [`HttpConfig`] lists, named by `K`. Cheap to
/// clone; all clones share the agent, limiters, statistics and cancel flag.
pub struct HttpClient<K> {
    inner: Arc<Inner<K>>,
}

impl<K> Clone for HttpClient<K> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

struct Inner<K> {
    agent: ureq::Agent,
    max_body_bytes: u64,
    retry: RetryPolicy,
    hosts: BTreeMap<K, Host>,
    cancel: Cancel,
}

struct Host {
    limiter: HostLimiter,
    counters: Counters,
}

impl<K> fmt::Debug for HttpClient<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("retry", &self.inner.retry)
            .field("max_body_bytes", &self.inner.max_body_bytes)
            .finish_non_exhaustive()
    }
}

/// One `get` call: what every hop and error needs to know.
struct Call<'a, K> {
    source: K,
    host: &'a Host,
    url: &'a str,
    /// `url` redacted, for errors.
    shown: String,
    headers: &'a [(&'a str, &'a str)],
}

/// One HTTP exchange that got a status line and a complete body.
struct Hop {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    retry_after: Option<Duration>,
}

/// Why an attempt did not produce a final reply.
enum Failure<K> {
    /// Worth another attempt.
    Retryable {
        status: Option<u16>,
        retry_after: Option<Duration>,
        message: String,
        timeout: bool,
    },
    /// Final: return this error now.
    Fatal(HttpError<K>),
}

impl<K: HostKey> HttpClient<K> {
    /// Build the client and its single agent. The agent returns every status as a value
    /// (so 429/503 headers can be read), follows no redirects itself (each hop must pass
    /// the limiter), and keeps enough idle connections per host for that host's
    /// concurrency (ureq's default of 3 makes wider pools churn sockets).
    pub fn new(config: HttpConfig<K>) -> Result<Self, ConfigError<K>> {
        Self::with_cancel(config, Cancel::new())
    }

    /// As [`new`](Self::new), sharing an existing cancel flag.
    pub fn with_cancel(config: HttpConfig<K>, cancel: Cancel) -> Result<Self, ConfigError<K>> {
        let retry = config.retry_policy();
        Self::with_retry(config, retry, cancel)
    }

    /// As [`with_cancel`](Self::with_cancel), with a retry policy of its own (for example a
    /// shorter `max_retry_after`) instead of the one `config` describes.
    pub fn with_retry(
        config: HttpConfig<K>,
        retry: RetryPolicy,
        cancel: Cancel,
    ) -> Result<Self, ConfigError<K>> {
        config.validate()?;
        let hosts = config
            .hosts
            .iter()
            .map(|(key, policy)| {
                let host = Host {
                    limiter: HostLimiter::new(policy, cancel.clone()),
                    counters: Counters::default(),
                };
                (*key, host)
            })
            .collect();
        Ok(Self {
            inner: Arc::new(Inner {
                agent: build_agent(&config),
                max_body_bytes: config.max_body_bytes,
                retry,
                hosts,
                cancel,
            }),
        })
    }

    /// GET `url` from `source`'s host. Returns any final status as a [`Response`] (404 is
    /// an answer, not an error); retries transient failures per the retry policy, each
    /// attempt and redirect hop passing the host's limiter. A host the config did not list
    /// fails as an invalid request.
    pub fn get(
        &self,
        source: K,
        url: &str,
        headers: &[(&str, &str)],
    ) -> Result<Response, HttpError<K>> {
        self.get_checked(source, url, headers, &|_| true)
    }

    /// As [`get`](Self::get), and a successful answer that `usable` refuses (a maintenance
    /// page where JSON or a known page was expected) is retried like a transient failure;
    /// after the last attempt it is returned as it is, for the caller to report.
    pub fn get_checked(
        &self,
        source: K,
        url: &str,
        headers: &[(&str, &str)],
        usable: &dyn Fn(&Response) -> bool,
    ) -> Result<Response, HttpError<K>> {
        let Some(host) = self.inner.hosts.get(&source) else {
            return Err(HttpError::InvalidRequest {
                source,
                url: redact_url(url),
                message: "no such host is configured".into(),
            });
        };
        let call = Call {
            source,
            host,
            url,
            shown: redact_url(url),
            headers,
        };
        let policy = &self.inner.retry;
        let mut attempt = 1;
        loop {
            if self.inner.cancel.is_cancelled() {
                return Err(call.cancelled(attempt - 1));
            }
            let (status, retry_after, message, timeout) = match self.attempt(&call, attempt) {
                Ok(response)
                    if response.is_success()
                        && !usable(&response)
                        && attempt < policy.max_attempts =>
                {
                    add(&call.host.counters.errors, 1);
                    call.host.limiter.on_error(None);
                    (
                        None,
                        None,
                        "an unusable answer (a maintenance page?)".into(),
                        false,
                    )
                }
                Ok(response) => return Ok(response),
                Err(Failure::Fatal(err)) => return Err(err),
                Err(Failure::Retryable {
                    status,
                    retry_after,
                    message,
                    timeout,
                }) => (status, retry_after, message, timeout),
            };
            if attempt >= policy.max_attempts {
                return Err(match status {
                    Some(status) => call.status_error(status, attempt),
                    None if timeout => call.timeout(message, attempt),
                    None => call.transport(message, attempt),
                });
            }
            let wait = match policy.delay(attempt, retry_after) {
                Delay::Wait(wait) => wait,
                Delay::TooLong(requested) => {
                    return Err(HttpError::RetryAfterTooLong {
                        source,
                        url: call.shown,
                        status: status.unwrap_or_default(),
                        requested,
                        limit: policy.max_retry_after,
                        attempts: attempt,
                    })
                }
            };
            // No permit is held here: the slot is free for others while we back off.
            if self.inner.cancel.sleep(wait).is_err() {
                return Err(call.cancelled(attempt));
            }
            add(&call.host.counters.retries, 1);
            attempt += 1;
        }
    }

    /// Stop: waits and backoff sleeps end early, new requests fail with `Cancelled`.
    pub fn cancel(&self) {
        self.inner.cancel.cancel();
    }

    /// Whether [`cancel`](Self::cancel) was called (or the shared flag set elsewhere).
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancel.is_cancelled()
    }

    /// The shared cancel flag (e.g. for a Ctrl-C handler).
    pub fn cancel_handle(&self) -> Cancel {
        self.inner.cancel.clone()
    }

    /// A snapshot of every host's counters.
    pub fn stats(&self) -> BTreeMap<K, HostStats> {
        self.inner
            .hosts
            .iter()
            .map(|(s, h)| {
                let mut stats = h.counters.snapshot();
                stats.rate = h.limiter.ceiling();
                stats.rate_limited_seconds = h.limiter.waited().as_secs_f64();
                (*s, stats)
            })
            .collect()
    }

    /// A host that a request gave up on after waiting `http.host_down_wait` for it.
    pub fn unavailable_host(&self) -> Option<K> {
        self.inner
            .hosts
            .iter()
            .find(|(_, h)| h.limiter.gave_up())
            .map(|(s, _)| *s)
    }

    /// The limiter of `source`'s host, for work that reaches the host another way (browser
    /// page loads) and must share its politeness budget; `None` for a host the config did
    /// not list.
    pub fn limiter(&self, source: K) -> Option<&HostLimiter> {
        self.inner.hosts.get(&source).map(|h| &h.limiter)
    }

    /// One attempt: send, following redirects hop by hop.
    fn attempt(&self, call: &Call<'_, K>, attempt: u32) -> Result<Response, Failure<K>> {
        let mut url = call.url.to_string();
        let mut headers: Vec<(String, String)> = call
            .headers
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        let mut earlier_cookies: Vec<(String, String)> = Vec::new();
        let mut redirects = 0;
        loop {
            let hop = self.send_hop(call, &url, &headers, attempt)?;
            if is_transient_status(hop.status) {
                return Err(Failure::Retryable {
                    status: Some(hop.status),
                    retry_after: hop.retry_after,
                    message: format!("HTTP {}", hop.status),
                    timeout: false,
                });
            }
            let next = is_redirect(hop.status)
                .then(|| header(&hop.headers, "location"))
                .flatten()
                .and_then(|location| resolve(&url, location));
            match next {
                Some(next) if redirects < MAX_REDIRECTS => {
                    let cookies: Vec<_> = hop
                        .headers
                        .into_iter()
                        .filter(|(n, _)| n == "set-cookie")
                        .collect();
                    if same_origin(&url, &next) {
                        for (_, line) in &cookies {
                            add_cookie(&mut headers, line);
                        }
                    } else {
                        headers.retain(|(name, _)| !is_credential_header(name));
                    }
                    earlier_cookies.extend(cookies);
                    url = next;
                    redirects += 1;
                }
                _ => {
                    let content_type = header(&hop.headers, "content-type").map(str::to_string);
                    earlier_cookies.extend(hop.headers);
                    return Ok(Response {
                        status: hop.status,
                        body: hop.body,
                        content_type,
                        url: redact_url(&url),
                        attempts: attempt,
                        headers: earlier_cookies,
                    });
                }
            }
        }
    }

    /// One HTTP request under a permit; feeds the outcome back to the limiter, the circuit
    /// and the counters before the permit is released.
    fn send_hop(
        &self,
        call: &Call<'_, K>,
        url: &str,
        headers: &[(String, String)],
        attempt: u32,
    ) -> Result<Hop, Failure<K>> {
        let host = call.host;
        let _permit = host
            .limiter
            .acquire()
            .map_err(|e| Failure::Fatal(call.acquire_error(e, attempt)))?;
        let mut request = self.inner.agent.get(url);
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let limit = self.inner.max_body_bytes;
        let result = request.call().and_then(|mut response| {
            let body = read_body(response.body_mut(), limit)?;
            Ok((response, body))
        });
        let (response, body) = match result {
            Ok(pair) => pair,
            Err(err) => return Err(self.transport_failure(call, &err, attempt)),
        };
        add(&host.counters.requests, 1);
        add(&host.counters.bytes, body.len() as u64);

        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (n.as_str().to_ascii_lowercase(), value)
            })
            .collect();
        let retry_after =
            header(&headers, "retry-after").and_then(|v| parse_retry_after(v, SystemTime::now()));
        // The host pause is capped: a server asking for hours must not park the run.
        let pause = retry_after.map(|d| d.min(self.inner.retry.max_retry_after));
        match status {
            429 => {
                add(&host.counters.status_429, 1);
                host.limiter.on_throttled(pause);
            }
            s if is_transient_status(s) => {
                add(&host.counters.errors, 1);
                host.limiter.on_error(pause);
                self.host_failed(host);
            }
            _ => host.limiter.on_success(),
        }
        Ok(Hop {
            status,
            headers,
            body,
            retry_after,
        })
    }

    /// Classify a send or body-read error, and record it.
    fn transport_failure(&self, call: &Call<'_, K>, err: &ureq::Error, attempt: u32) -> Failure<K> {
        let counters = &call.host.counters;
        match classify(err) {
            TransportClass::Invalid { message } => Failure::Fatal(HttpError::InvalidRequest {
                source: call.source,
                url: call.shown.clone(),
                message,
            }),
            class => {
                add(&counters.requests, 1);
                add(&counters.errors, 1);
                match class {
                    TransportClass::Transient { message, timeout } => {
                        call.host.limiter.on_error(None);
                        self.host_failed(call.host);
                        Failure::Retryable {
                            status: None,
                            retry_after: None,
                            message,
                            timeout,
                        }
                    }
                    TransportClass::TooLarge => {
                        // The host answered; the answer is just too big for us.
                        call.host.limiter.on_success();
                        Failure::Fatal(HttpError::TooLarge {
                            source: call.source,
                            url: call.shown.clone(),
                            limit: self.inner.max_body_bytes,
                            attempts: attempt,
                        })
                    }
                    TransportClass::Permanent { message } | TransportClass::Invalid { message } => {
                        Failure::Fatal(call.transport(message, attempt))
                    }
                }
            }
        }
    }

    fn host_failed(&self, host: &Host) {
        if host.limiter.on_failure() {
            add(&host.counters.circuit_opened, 1);
        }
    }
}

impl<K: Copy> Call<'_, K> {
    /// `sent`: attempts that reached the network before this one was stopped.
    fn cancelled(&self, sent: u32) -> HttpError<K> {
        HttpError::Cancelled {
            source: self.source,
            url: self.shown.clone(),
            attempts: sent,
        }
    }

    fn status_error(&self, status: u16, attempts: u32) -> HttpError<K> {
        HttpError::Status {
            source: self.source,
            url: self.shown.clone(),
            status,
            attempts,
        }
    }

    fn transport(&self, message: String, attempts: u32) -> HttpError<K> {
        HttpError::Transport {
            source: self.source,
            url: self.shown.clone(),
            message,
            attempts,
        }
    }

    fn timeout(&self, message: String, attempts: u32) -> HttpError<K> {
        HttpError::Timeout {
            source: self.source,
            url: self.shown.clone(),
            message,
            attempts,
        }
    }

    fn acquire_error(&self, err: AcquireError, attempt: u32) -> HttpError<K> {
        let sent = attempt - 1;
        match err {
            AcquireError::Cancelled => self.cancelled(sent),
            AcquireError::CircuitOpen { retry_in } => HttpError::CircuitOpen {
                source: self.source,
                url: self.shown.clone(),
                retry_in,
                attempts: sent,
            },
            AcquireError::HostDown { waited } => HttpError::HostUnavailable {
                source: self.source,
                url: self.shown.clone(),
                waited,
                attempts: sent,
            },
        }
    }
}

/// Reads a whole body of at most `limit` bytes into a buffer sized once by its
/// `Content-Length` (ureq's `read_to_vec` starts empty and grows: eight reallocations and
/// copies for a parcel answer of 8 KB). The size is only a hint, capped so that a header
/// claiming more than a body brings cannot make a large buffer.
fn read_body(body: &mut ureq::Body, limit: u64) -> Result<Vec<u8>, ureq::Error> {
    use std::io::Read;
    const MAX_HINT: u64 = 1024 * 1024;
    let hint = body.content_length().unwrap_or(0).min(limit).min(MAX_HINT);
    let mut buf = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    body.with_config()
        .limit(limit)
        .reader()
        .read_to_end(&mut buf)?;
    Ok(buf)
}

fn build_agent<K>(config: &HttpConfig<K>) -> ureq::Agent {
    let widest = config
        .hosts
        .values()
        .map(|policy| match policy.concurrency {
            0 => UNCAPPED_POOL,
            n => n,
        })
        .max()
        .unwrap_or(UNCAPPED_POOL);
    let (per_host, total) = match config.pool_size {
        0 => (0, 0),
        // Room for every host at its concurrency, plus one host reached by redirects.
        n => (widest, n.max(widest * (config.hosts.len() + 1))),
    };
    let agent_config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(config.timeout_connect).filter(|d| !d.is_zero()))
        .timeout_global(Some(config.timeout_global).filter(|d| !d.is_zero()))
        .max_idle_connections_per_host(per_host)
        .max_idle_connections(total)
        .user_agent(config.user_agent.as_str())
        .build();
    ureq::Agent::with_parts(
        agent_config,
        ureq::unversioned::transport::DefaultConnector::new(),
        QuickResolver::default(),
    )
}
