//! The HTTP server: one acceptor thread and an elastic pool of worker threads over tiny_http.
//!
//! The acceptor takes requests in arrival order, so it is where arrivals are counted and the
//! rate limit and fault injection decide (one thread, ordered clock readings). Workers do the
//! slow part (the simulated latency, then the answer), and the pool grows whenever every worker
//! is busy, up to `MAX_WORKERS`, so 256 concurrent slow requests never queue behind each other.

use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Instant;

use crossbeam_channel::{unbounded, Receiver};
use serde_json::json;

use super::assessor::Assessor;
use super::county::County;
use super::limit::{Faults, TokenBucket};
use super::stats::{SimStats, StatsRecorder};
use super::wire::{not_found_page, SimRequest, SimResponse};
use super::SimOptions;
use crate::source::Source;

/// Workers started with the server; more are added on demand.
const INITIAL_WORKERS: usize = 4;
/// The pool never grows beyond this many threads.
const MAX_WORKERS: usize = 1024;
/// Where the stats are served, at the root and under every source prefix.
const STATS_PATH: &str = "/__sim/stats";

/// A simulated county service.
pub trait Service: Send + Sync {
    /// Answers a request whose path is relative to the service's prefix.
    fn handle(&self, req: &SimRequest) -> SimResponse;
}

impl Service for Assessor {
    fn handle(&self, req: &SimRequest) -> SimResponse {
        Assessor::handle(self, req)
    }
}

/// What the acceptor decided before a worker takes over.
enum Verdict {
    Stats,
    Limited,
    Fault,
    Serve(Source),
    NoSource,
}

struct Job {
    request: tiny_http::Request,
    /// The path relative to the source prefix, with the query string.
    target: String,
    verdict: Verdict,
}

/// State shared by the acceptor and the workers.
struct Shared {
    opts: SimOptions,
    county: Arc<County>,
    services: BTreeMap<Source, Box<dyn Service>>,
    stats: StatsRecorder,
    buckets: BTreeMap<Source, TokenBucket>,
    faults: BTreeMap<Source, Faults>,
    stopping: AtomicBool,
    idle: AtomicUsize,
    queued: AtomicUsize,
}

/// A running simulator. Dropping it stops it.
pub struct Simulator {
    shared: Arc<Shared>,
    server: Arc<tiny_http::Server>,
    port: u16,
    acceptor: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Binds 127.0.0.1:`opts.port` (0 picks a free port) and starts serving.
    pub fn start(opts: SimOptions) -> io::Result<Simulator> {
        let server = tiny_http::Server::http(("127.0.0.1", opts.port)).map_err(io::Error::other)?;
        let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(opts.port);
        let county = Arc::new(County::new(opts.seed));
        let mut services: BTreeMap<Source, Box<dyn Service>> = BTreeMap::new();
        services.insert(Source::Assessor, Box::new(Assessor::new(county.clone(), &opts.token)));
        let buckets = opts.limits.iter().map(|(&s, &rate)| (s, TokenBucket::new(rate))).collect();
        let faults = opts
            .error_rate
            .iter()
            .map(|(&s, &rate)| (s, Faults::new(opts.seed, s as u64, rate)))
            .collect();
        let shared = Arc::new(Shared {
            opts,
            county,
            services,
            stats: StatsRecorder::default(),
            buckets,
            faults,
            stopping: AtomicBool::new(false),
            idle: AtomicUsize::new(0),
            queued: AtomicUsize::new(0),
        });
        let server = Arc::new(server);
        let acceptor = {
            let (shared, server) = (shared.clone(), server.clone());
            thread::Builder::new().name("mps-sim-accept".into()).spawn(move || accept_loop(&shared, &server))?
        };
        Ok(Simulator { shared, server, port, acceptor: Some(acceptor) })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The base URL of one source (`{base}/assessor`, …).
    pub fn url(&self, source: Source) -> String {
        format!("{}/{}", self.base_url(), source.as_str())
    }

    /// The county behind the services (the ground truth).
    pub fn county(&self) -> &County {
        &self.shared.county
    }

    /// A shareable handle on the county.
    pub fn county_arc(&self) -> Arc<County> {
        self.shared.county.clone()
    }

    pub fn stats(&self) -> SimStats {
        self.shared.stats.snapshot()
    }

    pub fn token(&self) -> &str {
        &self.shared.opts.token
    }

    /// Writes `export NAME=value` lines for the services served now, for `eval "$(mps sim)"`.
    pub fn print_exports(&self, out: &mut impl io::Write) -> io::Result<()> {
        for source in self.shared.services.keys() {
            let name = source.as_str().to_ascii_uppercase();
            writeln!(out, "export MPS_{name}_URL={}", self.url(*source))?;
            if *source == Source::Assessor {
                writeln!(out, "export MPS_{name}_TOKEN={}", self.token())?;
            }
        }
        Ok(())
    }

    /// Stops accepting, lets in-flight requests finish, and joins every thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(handle) = self.acceptor.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator").field("port", &self.port).finish_non_exhaustive()
    }
}

/// Receives requests until stopped, judges each, and hands it to the pool.
fn accept_loop(shared: &Arc<Shared>, server: &tiny_http::Server) {
    let (tx, rx) = unbounded::<Job>();
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    for _ in 0..INITIAL_WORKERS {
        spawn_worker(shared, &rx, &mut workers);
    }
    loop {
        let request = match server.recv() {
            Ok(r) => r,
            Err(_) if shared.stopping.load(Ordering::SeqCst) => break,
            // An accept error is not fatal to the simulator; stop() will unblock us.
            Err(_) => continue,
        };
        let job = judge(shared, request);
        let queued = shared.queued.fetch_add(1, Ordering::SeqCst) + 1;
        if queued > shared.idle.load(Ordering::SeqCst) && workers.len() < MAX_WORKERS {
            spawn_worker(shared, &rx, &mut workers);
        }
        if tx.send(job).is_err() {
            break;
        }
    }
    drop(tx);
    for w in workers {
        let _ = w.join();
    }
}

fn spawn_worker(shared: &Arc<Shared>, rx: &Receiver<Job>, workers: &mut Vec<JoinHandle<()>>) {
    let (shared, rx) = (shared.clone(), rx.clone());
    let spawned = thread::Builder::new().name("mps-sim-worker".into()).spawn(move || loop {
        shared.idle.fetch_add(1, Ordering::SeqCst);
        let job = rx.recv();
        shared.idle.fetch_sub(1, Ordering::SeqCst);
        let Ok(job) = job else { break };
        shared.queued.fetch_sub(1, Ordering::SeqCst);
        serve(&shared, job);
    });
    // If the OS refuses another thread, the existing workers still drain the queue.
    if let Ok(handle) = spawned {
        workers.push(handle);
    }
}

/// Splits `/assessor/parcel/x?y` into the source and the rest (`/parcel/x?y`).
fn route(url: &str) -> (Option<Source>, String) {
    for source in Source::ALL {
        let prefix = format!("/{}", source.as_str());
        if let Some(rest) = url.strip_prefix(&prefix) {
            if rest.is_empty() || rest.starts_with('/') || rest.starts_with('?') {
                let rest = if rest.starts_with('/') { rest.to_string() } else { format!("/{rest}") };
                return (Some(source), rest);
            }
        }
    }
    (None, url.to_string())
}

/// Counts the request and decides its fate, in arrival order.
fn judge(shared: &Shared, request: tiny_http::Request) -> Job {
    let now = Instant::now();
    let (source, target) = route(request.url());
    let path = target.split('?').next().unwrap_or("");
    let verdict = if path.trim_end_matches('/') == STATS_PATH {
        Verdict::Stats
    } else if let Some(source) = source {
        shared.stats.record_request(source, now);
        if shared.buckets.get(&source).is_some_and(|b| !b.try_take(now)) {
            shared.stats.record_429(source);
            Verdict::Limited
        } else if shared.faults.get(&source).is_some_and(Faults::next_fails) {
            Verdict::Fault
        } else {
            Verdict::Serve(source)
        }
    } else {
        Verdict::NoSource
    };
    Job { request, target, verdict }
}

/// Builds and sends the answer (after the simulated latency).
fn serve(shared: &Shared, job: Job) {
    let Job { request, target, verdict } = job;
    if !matches!(verdict, Verdict::Stats) && !shared.opts.latency.is_zero() {
        thread::sleep(shared.opts.latency);
    }
    let response = match verdict {
        Verdict::Stats => {
            let stats = serde_json::to_value(shared.stats.snapshot()).unwrap_or_default();
            SimResponse::json(200, &stats)
        }
        Verdict::Limited => SimResponse::json(429, &json!({"message": "Too Many Requests"})).with_header("Retry-After", "1"),
        Verdict::Fault => SimResponse::html(
            503,
            "<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>\
             <body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p></body></html>\n"
                .into(),
        ),
        Verdict::Serve(source) => {
            let headers = request.headers().iter().map(|h| (h.field.to_string(), h.value.to_string())).collect();
            let req = SimRequest::new(request.method().as_str(), &target, headers);
            match shared.services.get(&source) {
                Some(service) => service.handle(&req),
                None => not_found_page(&format!("{} (simulated)", source.as_str())),
            }
        }
        Verdict::NoSource => not_found_page("mps simulator"),
    };
    let _ = request.respond(to_tiny(response));
}

fn to_tiny(r: SimResponse) -> tiny_http::Response<io::Cursor<Vec<u8>>> {
    let mut out = tiny_http::Response::from_data(r.body).with_status_code(r.status);
    let headers = std::iter::once(("Content-Type".to_string(), r.content_type.to_string())).chain(r.headers);
    for (name, value) in headers {
        if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            out.add_header(h);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_prefix() {
        assert_eq!(route("/assessor/parcel/1").0, Some(Source::Assessor));
        assert_eq!(route("/assessor/parcel/1").1, "/parcel/1");
        assert_eq!(route("/assessor?x").1, "/?x");
        assert_eq!(route("/assessorx/parcel").0, None);
        assert_eq!(route("/recorder/documents/1").0, Some(Source::Recorder));
        assert_eq!(route("/__sim/stats").0, None);
    }
}
