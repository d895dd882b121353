//! End-to-end tests of `HttpClient` against local servers: retries, Retry-After, limits,
//! secrets kept out of errors, the circuit breaker, cancel and redirects.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::test_host::TestHost;
use super::test_server::{raw_server, refused_url, write_raw, Reply, TestServer};
use super::*;

const TOKEN: &str = "tok-9f8e7d-secret";

fn config(policy: HostPolicy) -> HttpConfig<TestHost> {
    HttpConfig {
        timeout_connect: Duration::from_secs(1),
        timeout_global: Duration::from_secs(2),
        max_body_bytes: 1024,
        max_attempts: 4,
        backoff_base: Duration::from_millis(10),
        backoff_cap: Duration::from_millis(40),
        hosts: TestHost::ALL.iter().map(|s| (*s, policy.clone())).collect(),
        ..HttpConfig::default()
    }
}

fn build(config: HttpConfig<TestHost>) -> HttpClient<TestHost> {
    match HttpClient::new(config) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

fn client() -> HttpClient<TestHost> {
    build(config(HostPolicy::unlimited()))
}

fn stats(c: &HttpClient<TestHost>, s: TestHost) -> HostStats {
    c.stats().get(&s).copied().unwrap_or_default()
}

#[test]
fn client_is_shareable() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<HttpClient<TestHost>>();
}

#[test]
fn transient_503s_are_retried_until_success() {
    let server = TestServer::start(|seen| match seen.hit {
        0 | 1 => Reply::new(503, "busy"),
        _ => Reply::new(200, "{\"ok\":true}").header("Content-Type", "application/json"),
    });
    let c = client();
    let resp = c.get(TestHost::Treasurer, &server.url("/p"), &[]);
    let Ok(resp) = resp else {
        panic!("{resp:?}");
    };
    assert_eq!((resp.status, resp.attempts), (200, 3));
    assert_eq!(resp.text(), "{\"ok\":true}");
    assert_eq!(resp.content_type.as_deref(), Some("application/json"));
    assert_eq!(resp.url, server.url("/p"));
    let s = stats(&c, TestHost::Treasurer);
    assert_eq!((s.requests, s.retries, s.errors), (3, 2, 2));
    assert_eq!(s.bytes, 4 + 4 + 11);
    assert_eq!(stats(&c, TestHost::Assessor), HostStats::default());
}

#[test]
fn not_found_is_an_answer_not_retried() {
    let server = TestServer::start(|_| Reply::new(404, "<html>no</html>"));
    let c = client();
    let resp = c.get(TestHost::Assessor, &server.url("/parcel/x"), &[]);
    assert!(
        matches!(
            resp,
            Ok(Response {
                status: 404,
                attempts: 1,
                ..
            })
        ),
        "{resp:?}"
    );
    assert_eq!(server.hits(), 1);
}

#[test]
fn retry_after_is_honoured() {
    let server = TestServer::start(|seen| match seen.hit {
        0 => Reply::new(429, "slow down").header("Retry-After", "1"),
        _ => Reply::new(200, "ok"),
    });
    let c = client();
    let started = Instant::now();
    let resp = c.get(TestHost::Recorder, &server.url("/documents/1"), &[]);
    assert!(
        matches!(
            resp,
            Ok(Response {
                status: 200,
                attempts: 2,
                ..
            })
        ),
        "{resp:?}"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(stats(&c, TestHost::Recorder).status_429, 1);
}

#[test]
fn retry_after_beyond_the_maximum_gives_up_clearly() {
    let server = TestServer::start(|_| Reply::new(429, "").header("Retry-After", "3600"));
    let c = client();
    let started = Instant::now();
    let err = c.get(TestHost::Recorder, &server.url("/q"), &[]);
    let Err(err @ HttpError::RetryAfterTooLong { .. }) = err else {
        panic!("{err:?}");
    };
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(server.hits(), 1);
    let text = err.to_string();
    assert!(
        text.contains("Retry-After 1h") && text.contains(&server.url("/q")),
        "{text}"
    );
}

#[test]
fn connection_refused_fails_after_max_attempts_naming_the_url() {
    let url = refused_url("/parcel/123-45-678");
    let c = client();
    let err = c.get(TestHost::Assessor, &url, &[]);
    let Err(err @ HttpError::Transport { attempts: 4, .. }) = err else {
        panic!("{err:?}");
    };
    let text = err.to_string();
    assert!(
        text.starts_with("assessor: GET ") && text.contains(&url),
        "{text}"
    );
    let s = stats(&c, TestHost::Assessor);
    assert_eq!((s.requests, s.retries, s.errors), (4, 3, 4));
}

#[test]
fn an_oversized_body_is_too_large_and_not_retried() {
    let server = TestServer::start(|_| Reply::new(200, &"x".repeat(2000)));
    let c = client();
    let err = c.get(TestHost::Assessor, &server.url("/big"), &[]);
    let Err(err @ HttpError::TooLarge { limit: 1024, .. }) = err else {
        panic!("{err:?}");
    };
    assert_eq!(server.hits(), 1);
    assert!(err.to_string().contains(&server.url("/big")));
}

#[test]
fn a_truncated_body_is_retried() {
    let url = raw_server(|i, stream| {
        let text = if i == 0 {
            "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nabc"
        } else {
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nwhole"
        };
        write_raw(stream, text);
    });
    let resp = client().get(TestHost::Treasurer, &url, &[]);
    let Ok(resp) = resp else {
        panic!("{resp:?}");
    };
    assert_eq!(
        (resp.attempts, resp.body.as_slice()),
        (2, b"whole".as_slice())
    );
}

#[test]
fn a_silent_server_times_out() {
    let url = raw_server(|_, stream| {
        std::thread::sleep(Duration::from_millis(600));
        drop(stream);
    });
    let mut cfg = config(HostPolicy::unlimited());
    cfg.timeout_global = Duration::from_millis(150);
    cfg.max_attempts = 2;
    let err = build(cfg).get(TestHost::Recorder, &url, &[]);
    assert!(
        matches!(err, Err(HttpError::Timeout { attempts: 2, .. })),
        "{err:?}"
    );
}

#[test]
fn the_token_never_appears_in_responses_or_errors() {
    let saw_token = Arc::new(AtomicBool::new(false));
    let seen_flag = Arc::clone(&saw_token);
    let server = TestServer::start(move |seen| {
        if seen.header("authorization").as_deref() == Some(TOKEN) {
            seen_flag.store(true, Ordering::SeqCst);
        }
        match seen.path {
            "/unauthorized" => Reply::new(401, "{\"message\":\"bad token\"}"),
            _ => Reply::new(500, "boom"),
        }
    });
    // No breaker: every flow below must reach the server (or the refused port).
    let c = build(config(HostPolicy {
        circuit_threshold: 0,
        ..HostPolicy::unlimited()
    }));
    let headers = [("AUTHORIZATION", TOKEN)];

    // 401 flow: an answer, returned as a value.
    let resp = c.get(TestHost::Assessor, &server.url("/unauthorized"), &headers);
    assert!(matches!(resp, Ok(Response { status: 401, .. })));
    assert!(saw_token.load(Ordering::SeqCst), "the header was sent");
    assert!(!format!("{resp:?}").contains(TOKEN));

    // Error flows: a status error, a transport error, credentials in the URL.
    let mut errors = vec![c.get(TestHost::Assessor, &server.url("/fail"), &headers)];
    errors.push(c.get(TestHost::Assessor, &refused_url("/x"), &headers));
    let with_userinfo = server
        .url("/fail?token=")
        .replace("http://", &format!("http://user:{TOKEN}@"))
        + TOKEN;
    errors.push(c.get(TestHost::Assessor, &with_userinfo, &headers));
    for result in errors {
        let Err(err) = result else {
            panic!("expected an error: {result:?}");
        };
        let (shown, debug) = (err.to_string(), format!("{err:?}"));
        assert!(shown.starts_with("assessor: GET http://"), "{shown}");
        assert!(!matches!(err, HttpError::CircuitOpen { .. }), "{shown}");
        assert!(!shown.contains(TOKEN) && !debug.contains(TOKEN), "{shown}");
    }
}

#[test]
fn circuit_opens_fails_fast_and_half_opens_after_cooldown() {
    let down = Arc::new(AtomicBool::new(true));
    let flag = Arc::clone(&down);
    let server = TestServer::start(move |_| {
        if flag.load(Ordering::SeqCst) {
            Reply::new(500, "down")
        } else {
            Reply::new(200, "up")
        }
    });
    let policy = HostPolicy {
        circuit_threshold: 3,
        circuit_cooldown: Duration::from_millis(300),
        down_wait: Duration::ZERO,
        ..HostPolicy::unlimited()
    };
    let mut cfg = config(policy);
    cfg.max_attempts = 1;
    let c = build(cfg);
    let url = server.url("/p");
    for _ in 0..3 {
        let err = c.get(TestHost::Treasurer, &url, &[]);
        assert!(
            matches!(err, Err(HttpError::Status { status: 500, .. })),
            "{err:?}"
        );
    }
    let started = Instant::now();
    let err = c.get(TestHost::Treasurer, &url, &[]);
    assert!(
        matches!(err, Err(HttpError::CircuitOpen { attempts: 0, .. })),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(500), "fails fast");
    assert_eq!(server.hits(), 3, "nothing sent while open");
    // Other hosts are unaffected.
    assert!(c
        .get(TestHost::Recorder, &url, &[])
        .is_err_and(|e| e.status() == Some(500)));

    down.store(false, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(320));
    let probe = c.get(TestHost::Treasurer, &url, &[]);
    assert!(
        matches!(probe, Ok(Response { status: 200, .. })),
        "{probe:?}"
    );
    assert!(
        c.get(TestHost::Treasurer, &url, &[]).is_ok(),
        "closed again"
    );
    assert_eq!(stats(&c, TestHost::Treasurer).circuit_opened, 1);
}

#[test]
fn cancel_stops_backoff_and_new_requests() {
    let server = TestServer::start(|_| Reply::new(503, "").header("Retry-After", "4"));
    let c = client();
    let canceller = c.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        canceller.cancel();
    });
    let started = Instant::now();
    let err = c.get(TestHost::Assessor, &server.url("/p"), &[]);
    assert!(
        matches!(err, Err(HttpError::Cancelled { attempts: 1, .. })),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    let _ = t.join();
    let again = c.get(TestHost::Recorder, &server.url("/p"), &[]);
    assert!(again.is_err_and(|e| e.is_cancelled() && e.attempts() == 0));
    assert_eq!(server.hits(), 1);
}

#[test]
fn redirects_pass_the_limiter_and_keep_the_session_cookie() {
    let other = TestServer::start(|seen| {
        let auth = seen.header("authorization").unwrap_or_default();
        Reply::new(200, &format!("auth=[{auth}]"))
    });
    let elsewhere = other.url("/elsewhere");
    let server = TestServer::start(move |seen| match seen.path {
        "/parcel/default.aspx?Parcel=1" => Reply::new(302, "")
            .header("Location", "Summary.aspx?List=All")
            .header("Set-Cookie", "ASP.NET_SessionId=abc; path=/; HttpOnly"),
        "/parcel/Summary.aspx?List=All" => {
            let cookie = seen.header("cookie").unwrap_or_default();
            Reply::new(200, &format!("cookie=[{cookie}]"))
        }
        _ => Reply::new(301, "").header("Location", &elsewhere),
    });
    let c = client();
    let resp = c.get(
        TestHost::Treasurer,
        &server.url("/parcel/default.aspx?Parcel=1"),
        &[],
    );
    let Ok(resp) = resp else {
        panic!("{resp:?}");
    };
    assert_eq!(resp.text(), "cookie=[ASP.NET_SessionId=abc]");
    assert_eq!(resp.url, server.url("/parcel/Summary.aspx?List=All"));
    assert!(resp.header("set-cookie").is_some_and(|v| v.contains("abc")));
    assert_eq!(
        stats(&c, TestHost::Treasurer).requests,
        2,
        "each hop counted"
    );

    // Credentials never follow a redirect to another origin.
    let resp = c.get(
        TestHost::Assessor,
        &server.url("/moved"),
        &[("Authorization", TOKEN)],
    );
    assert!(resp.is_ok_and(|r| r.text() == "auth=[]"));
}

#[test]
fn the_rate_ceiling_holds_across_threads() {
    let server = TestServer::start(|_| Reply::new(200, "ok"));
    let policy = HostPolicy {
        rate: 50.0,
        burst: 1,
        concurrency: 2,
        adaptive: false,
        ..HostPolicy::default()
    };
    let c = build(config(policy));
    let url = server.url("/r");
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..5 {
                    assert!(c.get(TestHost::Assessor, &url, &[]).is_ok());
                }
            });
        }
    });
    // 20 requests at 50/s with burst 1: at least 19 intervals of 20 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(370),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.hits(), 20);
}

#[test]
fn stats_serialize_per_source() {
    let c = client();
    let map: BTreeMap<TestHost, HostStats> = c.stats();
    let json = serde_json::to_value(&map).unwrap_or_default();
    assert_eq!(json["assessor"]["requests"], 0);
    assert_eq!(json["recorder"]["circuit_opened"], 0);
}

#[test]
fn works_with_connection_reuse_turned_off() {
    let server = TestServer::start(|_| Reply::new(200, "ok"));
    let c = build(HttpConfig {
        pool_size: 0,
        ..config(HostPolicy::unlimited())
    });
    for _ in 0..3 {
        assert!(c.get(TestHost::Assessor, &server.url("/x"), &[]).is_ok());
    }
    assert_eq!(server.hits(), 3);
}

#[test]
fn a_host_the_config_does_not_list_is_an_invalid_request() {
    let server = TestServer::start(|_| Reply::new(200, "ok"));
    let mut cfg = config(HostPolicy::unlimited());
    cfg.hosts.remove(&TestHost::Recorder);
    let c = build(cfg);
    let err = c.get(TestHost::Recorder, &server.url("/x"), &[]);
    let Err(err @ HttpError::InvalidRequest { .. }) = err else {
        panic!("{err:?}");
    };
    assert_eq!(err.service(), TestHost::Recorder);
    assert!(
        err.to_string().starts_with("recorder: GET http://"),
        "{err}"
    );
    assert_eq!(server.hits(), 0);
    assert!(c.limiter(TestHost::Recorder).is_none());
    assert!(c.limiter(TestHost::Assessor).is_some());
    let hosts: Vec<_> = c.stats().into_keys().collect();
    assert_eq!(hosts, [TestHost::Assessor, TestHost::Treasurer]);
}

#[test]
fn a_config_without_hosts_is_refused() {
    let err = HttpClient::<TestHost>::new(HttpConfig::default()).err();
    assert_eq!(err, Some(ConfigError::NoHosts));
}
